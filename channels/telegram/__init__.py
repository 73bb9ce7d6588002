"""Telegram channel (python-telegram-bot as transport only).

inbound.py maps PTB Updates to Inbound, outbound.py maps Outbound to Bot calls,
app.py wires them to the dialogue engine (polling or webhook). No dialogue
decision is made here.
"""
