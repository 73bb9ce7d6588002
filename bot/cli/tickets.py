"""Inspecting tickets: `python -m bot tickets list|show|set-status` (the workflow
actions on tickets are in workflow.py)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from bot.texts import TEXTS


def _viewer(session: Any, viewer_id: int | None) -> tuple[bool, Any]:
    """(found, the staff member or None for the local admin CLI); tells when missing."""
    from tickets.models import StaffUser

    if viewer_id is None:
        return True, None
    viewer = session.get(StaffUser, viewer_id)
    if viewer is None:
        print(TEXTS.text("staff", "user_missing", id=viewer_id), file=sys.stderr)
        return False, None
    return True, viewer


def _cmd_tickets_list(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.queue import queue_page
    from tickets.scope import visible_filter
    from tickets.serialize import queue_row_to_dict

    with transaction() as session:
        found, viewer = _viewer(session, args.viewer)
        if not found:
            return 1
        scope = visible_filter(viewer) if viewer is not None else None
        try:
            page = queue_page(session=session, where=scope, status=args.status,
                              after=args.after, limit=args.limit)  # fmt: skip
        except ValueError:
            print(TEXTS.text("tickets", "bad_cursor"), file=sys.stderr)
            return 1
        tickets = [queue_row_to_dict(row, viewer=viewer) for row in page.items]
    if args.json:
        print(json.dumps(tickets, ensure_ascii=False, indent=2))
    else:
        if not tickets:
            print(TEXTS.text("tickets", "none_yet"))
        for t in tickets:
            print(
                f"{t['number']}  {t['status']:<11}  {t['category']:<17}  "
                f"{t['region'] or '-':<16}  {t['created_at']}"
            )
    if page.next is not None:  # on stderr: --json output stays one JSON document
        print(TEXTS.text("tickets", "next_page", cursor=page.next), file=sys.stderr)
    return 0


def _cmd_tickets_show(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.scope import can_view
    from tickets.serialize import ticket_to_dict
    from tickets.service import get_ticket_by_number

    with transaction() as session:
        found, viewer = _viewer(session, args.viewer)
        if not found:
            return 1
        ticket = get_ticket_by_number(session=session, number=args.number)
        if ticket is not None and viewer is not None and not can_view(viewer, ticket):
            ticket = None  # out of scope looks like a missing ticket: existence is not told
        data = None if ticket is None else ticket_to_dict(ticket, viewer=viewer)
    if data is None:
        print(TEXTS.text("tickets", "not_found", nomor=args.number), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for key in (
        "number",
        "status",
        "category",
        "description",
        "latitude",
        "longitude",
        "location_source",
        "address_text",
        "region",
        "agency",
        "confidential",
        "created_at",
    ):
        print(f"{key:>13}: {data[key]}")
        if key == "longitude" and data["approximate_location"]:
            note = TEXTS.text("tickets", "approximate", catatan=data["location_note"])
            print(f"{'location':>13}: {note}")
    print(f"{'photos':>13}: {data['photos']['count']}")
    for event in data["events"]:
        print(f"  {event['created_at']}  {event['kind']}  {event['actor']}  {event['note'] or ''}")
    return 0


def _cmd_tickets_set_status(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.flows import move_ticket
    from tickets.service import get_ticket_by_number
    from tickets.statuses import all_statuses

    if args.status not in all_statuses():
        print(TEXTS.text("tickets", "unknown_status", pilihan=", ".join(all_statuses())),
              file=sys.stderr)  # fmt: skip
        return 1
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=args.number)
        if ticket is None:
            print(TEXTS.text("tickets", "not_found", nomor=args.number), file=sys.stderr)
            return 1
        try:
            move_ticket(
                session=session, ticket=ticket, to_status=args.status,
                actor=args.actor, note=args.note,
            )  # fmt: skip
        except ValueError as error:
            print(str(error), file=sys.stderr)
            return 1
    print(TEXTS.text("tickets", "status_set", nomor=args.number, status=args.status))
    return 0


def register(sub: Any) -> Any:
    """Adds `tickets ...`; returns its subparsers for the workflow commands."""
    tickets = sub.add_parser("tickets", help="inspect tickets")
    tickets_sub = tickets.add_subparsers(dest="tickets_command", required=True)
    listing = tickets_sub.add_parser("list", help="list tickets, newest first, a page at a time")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--status")
    listing.add_argument("--limit", type=int, default=50, help="rows per page")
    listing.add_argument("--after", metavar="CURSOR",
                         help="the page after this cursor (printed below the last)")  # fmt: skip
    listing.add_argument("--as", dest="viewer", type=int,
                         help="only what this staff user may see, as they see it")  # fmt: skip
    listing.set_defaults(func=_cmd_tickets_list)
    show = tickets_sub.add_parser("show", help="one ticket with photos and history")
    show.add_argument("number")
    show.add_argument("--json", action="store_true")
    show.add_argument("--as", dest="viewer", type=int,
                      help="show it as this staff user sees it (their scope only)")  # fmt: skip
    show.set_defaults(func=_cmd_tickets_show)
    set_status = tickets_sub.add_parser(
        "set-status", help="change a ticket's status; the citizen is notified"
    )
    set_status.add_argument("number")
    set_status.add_argument("status")
    set_status.add_argument("--note", help="shown to the citizen as the officer's note")
    set_status.add_argument("--actor", default=f"operator:{getpass.getuser()}")
    set_status.set_defaults(func=_cmd_tickets_set_status)

    return tickets_sub
