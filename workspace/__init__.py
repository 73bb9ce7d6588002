"""The staff web workspace at /petugas/: operators, agency staff, leaders and admins.

Server-rendered pages (Starlette + Jinja2, htmx for the parts that update in
place) over the ticket domain: every page and action calls the same functions
the command line and the chat buttons do (tickets.scope, tickets.workflow,
tickets.handoff, tickets.accounts), so the workspace adds no rules of its own.
"""
