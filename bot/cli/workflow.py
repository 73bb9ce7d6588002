"""Staff users and workflow actions on the command line (part of `python -m bot`).

python -m bot users add --name NAME --role operator|coordinator|agency|agency_head|leader|admin
                        [--region CODE] [--agency CODE] [--telegram-id ID]
python -m bot users list [--json]
python -m bot tickets queue [--region CODE] [--agency CODE] [--json]
python -m bot tickets forward|reroute|merge|reject|accept|progress|resolve NUMBER
                        --as STAFF_ID [--agency CODE] [--region CODE]
                        [--reason TEXT] [--note TEXT] [--into NUMBER]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from core.timestamps import WIB, format_wib, utcnow

ROLES = ("operator", "coordinator", "agency", "agency_head", "leader", "admin")


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _unknown_scope(region: str | None, agency: str | None) -> str | None:
    """The message for a --region or --agency code the data does not know, else None."""
    from knowledge.agencies import get_agency
    from knowledge.regions import get_region

    if region and get_region(region) is None:
        return f"Wilayah {region!r} tidak dikenal."
    if agency and get_agency(agency) is None:
        return f"Instansi {agency!r} tidak dikenal."
    return None


def _cmd_users_add(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.models import StaffUser

    unknown = _unknown_scope(args.region, args.agency)
    if unknown:
        print(unknown, file=sys.stderr)
        return 1
    if args.role in ("agency", "agency_head") and not args.agency:
        print("Petugas instansi memerlukan --agency.", file=sys.stderr)
        return 1
    with transaction() as session:
        user = StaffUser(
            name=args.name, role=args.role, region_code=args.region, agency_code=args.agency,
            telegram_user_id=args.telegram_id, active=True,
        )  # fmt: skip
        session.add(user)
        session.flush()
        print(f"Pengguna #{user.id} ({args.role}) ditambahkan.")
    return 0


def _cmd_users_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from core.db import transaction
    from tickets.models import StaffUser

    with transaction() as session:
        users = [
            {
                "id": u.id,
                "name": u.name,
                "role": u.role,
                "region": u.region_code,
                "agency": u.agency_code,
                "telegram_user_id": u.telegram_user_id,
                "active": u.active,
            }
            for u in session.scalars(select(StaffUser).order_by(StaffUser.id))
        ]
    if args.json:
        _print_json(users)
        return 0
    for u in users:
        scope = " ".join(str(x) for x in (u["region"], u["agency"]) if x) or "seluruh provinsi"
        print(f"#{u['id']:<4} {u['role']:<9} {scope:<32} {u['name']}")
    return 0


def _cmd_chats_add(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.models import StaffChat

    unknown = _unknown_scope(args.region, args.agency)
    if unknown:
        print(unknown, file=sys.stderr)
        return 1
    if not args.region and not args.agency:
        print("Isi --region (chat operator) dan/atau --agency (chat instansi).", file=sys.stderr)
        return 1
    with transaction() as session:
        session.add(StaffChat(chat_id=args.chat_id, region_code=args.region,
                              agency_code=args.agency))  # fmt: skip
    print(f"Chat {args.chat_id} terdaftar.")
    return 0


def _cmd_chats_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from core.db import transaction
    from tickets.models import StaffChat

    with transaction() as session:
        chats = [
            {"chat_id": c.chat_id, "region": c.region_code, "agency": c.agency_code}
            for c in session.scalars(select(StaffChat).order_by(StaffChat.id))
        ]
    if args.json:
        _print_json(chats)
        return 0
    for c in chats:
        scope = c["region"] or "seluruh provinsi"
        print(f"{c['chat_id']:>16}  {scope:<22} {c['agency'] or 'operator'}")
    return 0


def _cmd_queue(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from core.db import transaction
    from tickets.models import Ticket
    from tickets.statuses import all_statuses

    open_statuses = [s.id for s in all_statuses().values() if s.open]
    with transaction() as session:
        query = select(Ticket).where(Ticket.status.in_(open_statuses)).order_by(Ticket.id)
        if args.region:
            query = query.where(Ticket.region_code == args.region)
        if args.agency:
            query = query.where(Ticket.agency_code == args.agency)
        rows: list[dict[str, Any]] = []
        for t in session.scalars(query):
            due = t.forward_due_at if t.status == "new" else t.act_due_at
            rows.append(
                {
                    "number": t.number,
                    "status": t.status,
                    "category": t.category,
                    "region": t.region_code,
                    "agency": t.agency_code or t.suggested_agency_code,
                    "due": due.isoformat() if due else None,
                    "due_wib": format_wib(due) if due else "-",
                }
            )
    if args.json:
        _print_json(rows)
        return 0
    for r in rows:
        due = r["due_wib"]
        print(f"{r['number']}  {r['status']:<11} {r['category']:<17} "
              f"{r['region'] or '-':<20} {r['agency'] or 'triase':<14} batas {due}")  # fmt: skip
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
                print(f"Pengguna #{args.actor} tidak ada atau tidak aktif.", file=sys.stderr)
                return 1
            ticket = get_ticket_by_number(session=session, number=args.number)
            if ticket is None:
                print(f"Tiket {args.number} tidak ditemukan.", file=sys.stderr)
                return 1
            target = get_ticket_by_number(session=session, number=args.into) if args.into else None
            photo_ids = []
            if args.photo:
                photo_ids.append(store_photo(session=session, source_path=args.photo).id)
            request = Request(agency=args.agency, region=args.region, reason=args.reason,
                              note=args.note, target=target, photo_ids=photo_ids)  # fmt: skip
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
        print(f"Foto tidak bisa dipakai ({error.code}).", file=sys.stderr)
        return 1
    return 0


def _parse_when(text: str | None) -> datetime | None:
    """ISO date or time; naive means WIB (what staff type)."""
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=WIB)


def _cmd_sla_sweep(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.escalation import sweep_and_digest

    now = _parse_when(args.now) or utcnow()
    with transaction() as session:
        result, digests = sweep_and_digest(session=session, now=now)
    if args.json:
        _print_json({"now": now.isoformat(), "recorded": result.recorded,
                     "notified": result.notified, "digests": digests})  # fmt: skip
        return 0
    print(f"{len(result.recorded)} pelanggaran baru dicatat, {result.notified} pesan ke atasan, "
          f"{digests} ringkasan untuk pimpinan.")  # fmt: skip
    for number, kind, level in result.recorded:
        print(f"  {number}  {kind:<7} level {level}")
    return 0


def _cmd_sla_report(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.escalation import report

    start, end = _parse_when(args.start), _parse_when(args.end)
    if start is None or end is None or end <= start:
        print("Isi --from dan --to (ISO, --to setelah --from).", file=sys.stderr)
        return 1
    with transaction() as session:
        data = report(session=session, start=start, end=end)
    if args.json:
        _print_json(data)
        return 0
    print(f"Periode {format_wib(start)} s.d. {format_wib(end)}: {data['tickets_filed']} laporan")
    print(f"Terlambat diteruskan (operator wilayah): {data['forward_breaches']}")
    for region, count in data["by_region_operators"].items():
        who = ", ".join(data["operators"].get(region) or []) or "-"
        print(f"  {region:<24} {count:>4}  ({who})")
    print(f"Terlambat ditindaklanjuti (instansi): {data['act_breaches']}")
    for agency, count in data["by_agency"].items():
        print(f"  {agency:<40} {count}")
    return 0


def register(sub: Any, tickets_sub: Any) -> None:
    """Add `users ...` to the top-level parser and the workflow actions to `tickets ...`."""
    from tickets.workflow import actions

    users = sub.add_parser("users", help="operators, agency staff, leaders, admins")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="register a staff user")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--region", help="region code (operators, kabupaten/kota agency staff)")
    add.add_argument("--agency", help="agency code (agency staff)")
    add.add_argument("--telegram-id", type=int, help="their Telegram user id")
    add.set_defaults(func=_cmd_users_add)
    listing = users_sub.add_parser("list", help="registered staff users")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_cmd_users_list)

    chats = sub.add_parser("chats", help="Telegram chats of region operators and agency staff")
    chats_sub = chats.add_subparsers(dest="chats_command", required=True)
    chat_add = chats_sub.add_parser("add", help="register a staff Telegram group")
    chat_add.add_argument("--chat-id", type=int, required=True, help="the group's chat id")
    chat_add.add_argument("--region", help="its region (an operator chat if no --agency)")
    chat_add.add_argument("--agency", help="its agency (an agency chat)")
    chat_add.set_defaults(func=_cmd_chats_add)
    chat_list = chats_sub.add_parser("list", help="registered staff chats")
    chat_list.add_argument("--json", action="store_true")
    chat_list.set_defaults(func=_cmd_chats_list)

    sla = sub.add_parser("sla", help="service levels: sweep for breaches, report")
    sla_sub = sla.add_subparsers(dest="sla_command", required=True)
    sweep = sla_sub.add_parser("sweep", help="record missed deadlines and notify supervisors")
    sweep.add_argument("--now", help="ISO time to sweep at (default: now; naive = WIB)")
    sweep.add_argument("--json", action="store_true")
    sweep.set_defaults(func=_cmd_sla_sweep)
    report = sla_sub.add_parser("report", help="breaches per region's operators and per agency")
    report.add_argument("--from", dest="start", required=True, help="ISO date/time (WIB)")
    report.add_argument("--to", dest="end", required=True, help="ISO date/time (WIB)")
    report.add_argument("--json", action="store_true")
    report.set_defaults(func=_cmd_sla_report)

    queue = tickets_sub.add_parser("queue", help="open tickets of a region or agency")
    queue.add_argument("--region")
    queue.add_argument("--agency")
    queue.add_argument("--json", action="store_true")
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
        action.set_defaults(func=_cmd_action, action=name)
