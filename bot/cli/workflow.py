"""Workflow actions on the command line (part of `python -m bot`).

python -m bot tickets queue [--region CODE] [--agency CODE] [--limit N] [--after CURSOR] [--json]
python -m bot tickets forward|reroute|merge|reject|refer_lapor|accept|progress|resolve NUMBER
                        --as STAFF_ID [--agency CODE] [--region CODE]
                        [--reason TEXT] [--note TEXT] [--into NUMBER] [--photo PATH]
                        [--lapor-id TRACKING_NUMBER]
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.output import print_json
from bot.texts import TEXTS
from core.timestamps import format_wib


def _cmd_queue(args: argparse.Namespace) -> int:
    """The open tickets of a region or agency, oldest first, a page at a time."""
    from sqlalchemy import and_

    from core.db import transaction
    from tickets.models import Ticket
    from tickets.queue import queue_page
    from tickets.statuses import all_statuses

    open_statuses = [s.id for s in all_statuses().values() if s.open]
    scope = [Ticket.region_code == args.region] if args.region else []
    if args.agency:
        scope.append(Ticket.agency_code == args.agency)
    with transaction() as session:
        try:
            page = queue_page(
                session=session, where=and_(*scope) if scope else None, status=open_statuses,
                after=args.after, limit=args.limit, oldest_first=True,
            )  # fmt: skip
        except ValueError:
            print(TEXTS.text("tickets", "bad_cursor"), file=sys.stderr)
            return 1
    rows: list[dict[str, Any]] = [
        {
            "number": t.number,
            "status": t.status,
            "category": t.category,
            "region": t.region_code,
            "agency": t.agency_code or t.suggested_agency_code,
            "due": t.due_at.isoformat() if t.due_at else None,
            "due_wib": format_wib(t.due_at) if t.due_at else "-",
        }
        for t in page.items
    ]
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(TEXTS.text(
                "tickets", "queue_line", nomor=r["number"], status=r["status"],
                kategori=r["category"], wilayah=r["region"] or "-",
                instansi=r["agency"] or TEXTS.text("tickets", "no_agency"), batas=r["due_wib"],
            ))  # fmt: skip
    if page.next is not None:  # on stderr: --json output stays one JSON document
        print(TEXTS.text("tickets", "next_page", cursor=page.next), file=sys.stderr)
    return 0


def _cmd_action(args: argparse.Namespace) -> int:
    from sqlalchemy.orm.exc import StaleDataError

    from core.db import transaction
    from tickets.media import MediaError, store_photo
    from tickets.models import StaffUser
    from tickets.service import get_ticket_by_number
    from tickets.workflow import Request, WorkflowError, conflict_error, perform

    try:
        with transaction() as session:
            actor = session.get(StaffUser, args.actor)
            if actor is None or not actor.active:
                print(TEXTS.text("staff", "user_inactive", id=args.actor), file=sys.stderr)
                return 1
            ticket = get_ticket_by_number(session=session, number=args.number)
            if ticket is None:
                print(TEXTS.text("tickets", "not_found", nomor=args.number), file=sys.stderr)
                return 1
            target = get_ticket_by_number(session=session, number=args.into) if args.into else None
            photo_ids = []
            if args.photo:
                photo_ids.append(store_photo(session=session, source_path=args.photo).id)
            request = Request(agency=args.agency, region=args.region, reason=args.reason,
                              note=args.note, target=target, photo_ids=photo_ids,
                              lapor_id=args.lapor_id)  # fmt: skip
            event = perform(session=session, ticket=ticket, action=args.action, actor=actor,
                            request=request)  # fmt: skip
            print(f"{ticket.number}: {event.from_status} -> {event.to_status}")
    except WorkflowError as error:
        print(str(error), file=sys.stderr)
        return 1
    except StaleDataError:
        print(str(conflict_error(args.number)), file=sys.stderr)
        return 1
    except MediaError as error:
        print(TEXTS.text("tickets", "bad_photo", kode=error.code), file=sys.stderr)
        return 1
    return 0


def register(tickets_sub: Any) -> None:
    """Add the queue and the workflow actions to `tickets ...`."""
    from tickets.workflow import actions

    queue = tickets_sub.add_parser("queue", help="open tickets of a region or agency")
    queue.add_argument("--region")
    queue.add_argument("--agency")
    queue.add_argument("--json", action="store_true")
    queue.add_argument("--limit", type=int, default=50, help="tickets per page")
    queue.add_argument("--after", metavar="CURSOR",
                       help="the page after this cursor (printed below the last)")  # fmt: skip
    queue.set_defaults(func=_cmd_queue)

    # "respond" is what operators call posting progress.
    aliases = {"progress": ["respond"]}
    for name in actions():
        action = tickets_sub.add_parser(
            name, aliases=aliases.get(name, []), help=f"workflow action: {name}"
        )
        action.add_argument("number")
        action.add_argument("--as", dest="actor", type=int, required=True, help="staff user id")
        action.add_argument("--agency")
        action.add_argument("--region")
        action.add_argument("--reason")
        action.add_argument("--note")
        action.add_argument("--into", help="the ticket a duplicate merges into")
        action.add_argument("--photo", help="a photo to attach (e.g. the finished work)")
        action.add_argument("--lapor-id", help="the SP4N-LAPOR! tracking number (refer_lapor)")
        action.set_defaults(func=_cmd_action, action=name)
