"""Citizens who asked for a person, on the command line (part of `python -m bot`).

python -m bot handoff list [--status open|answered|closed] [--as STAFF_ID] [--json]
python -m bot handoff reply ID --as STAFF_ID "answer" [--close]
python -m bot handoff close ID --as STAFF_ID

The answer goes to the citizen's chat through the outbox ("Jawaban petugas: ...").
A reply leaves the request "answered" (more replies may follow, and the citizen's
next request reopens it); --close or `close` ends it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.output import print_json
from bot.texts import TEXTS
from core.timestamps import format_wib

STATUSES = ("open", "answered", "closed")
PREVIEW_CHARS = 80


def _staff(session: Any, staff_id: int) -> Any:
    """The active staff member, or None (told on stderr)."""
    from tickets.models import StaffUser

    staff = session.get(StaffUser, staff_id)
    if staff is None or not staff.active:
        print(TEXTS.text("staff", "user_inactive", id=staff_id), file=sys.stderr)
        return None
    return staff


def _line(request: Any) -> str:
    from tickets.handoff_alerts import region_label

    last = next((m.text for m in reversed(request.messages) if m.author == "citizen"), "")
    preview = " ".join(last.split())
    if len(preview) > PREVIEW_CHARS:
        preview = preview[: PREVIEW_CHARS - 1] + "…"
    return TEXTS.text(
        "handoff", "line", id=request.id, status=request.status,
        wilayah=region_label(request.region_code), kanal=request.channel,
        dibuat=format_wib(request.created_at), pesan=preview,
    )  # fmt: skip


def _cmd_list(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.handoff import list_requests, request_to_dict

    with transaction() as session:
        viewer = None
        if args.viewer is not None:
            viewer = _staff(session, args.viewer)
            if viewer is None:
                return 1
        found = list_requests(session=session, status=args.status, viewer=viewer,
                              limit=args.limit)  # fmt: skip
        rows = [request_to_dict(r) for r in found]
        lines = [_line(r) for r in found]
    if args.json:
        print_json(rows)
        return 0
    if not lines:
        print(TEXTS.text("handoff", "none"))
    for line in lines:
        print(line)
    return 0


def _cmd_reply(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.handoff import HandoffError, reply

    try:
        with transaction() as session:
            staff = _staff(session, args.actor)
            if staff is None:
                return 1
            reply(session=session, request_id=args.id, staff=staff, text=args.text,
                  close=args.close)  # fmt: skip
    except HandoffError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(TEXTS.text("handoff", "closed_after_reply" if args.close else "replied", id=args.id))
    return 0


def _cmd_close(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.handoff import HandoffError, close

    try:
        with transaction() as session:
            staff = _staff(session, args.actor)
            if staff is None:
                return 1
            close(session=session, request_id=args.id, staff=staff)
    except HandoffError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(TEXTS.text("handoff", "closed", id=args.id))
    return 0


def register(sub: Any) -> None:
    """Add `handoff ...` to the top-level parser."""
    handoff = sub.add_parser("handoff", help="citizens who asked for a person")
    handoff_sub = handoff.add_subparsers(dest="handoff_command", required=True)
    listing = handoff_sub.add_parser("list", help="requests, newest first")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--as", dest="viewer", type=int,
                         help="only the requests this staff user may answer")  # fmt: skip
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_cmd_list)
    answer = handoff_sub.add_parser("reply", help="answer a request; the citizen gets it")
    answer.add_argument("id", type=int)
    answer.add_argument("text")
    answer.add_argument("--as", dest="actor", type=int, required=True, help="staff user id")
    answer.add_argument("--close", action="store_true", help="close the request after it")
    answer.set_defaults(func=_cmd_reply)
    closing = handoff_sub.add_parser("close", help="end a request; the citizen is told")
    closing.add_argument("id", type=int)
    closing.add_argument("--as", dest="actor", type=int, required=True, help="staff user id")
    closing.set_defaults(func=_cmd_close)
