"""Staff users and their chats on the command line (part of `python -m bot`).

python -m bot users add --name NAME --role operator|coordinator|agency|agency_head|leader|admin
                        [--region CODE] [--agency CODE] [--telegram-id ID]
python -m bot users list [--json]
python -m bot chats add --chat-id ID [--region CODE] [--agency CODE]
python -m bot chats list [--json]
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.output import print_json
from bot.texts import TEXTS

ROLES = ("operator", "coordinator", "agency", "agency_head", "leader", "admin")
# The channel the --telegram-id and --chat-id flags register contacts and chats on.
TELEGRAM = "telegram"


def _as_id(key: str) -> int | str:
    """A Telegram id as the integer the CLI always printed."""
    return int(key) if key.lstrip("-").isdigit() else key


def _unknown_scope(region: str | None, agency: str | None) -> str | None:
    """The message for a --region or --agency code the data does not know, else None."""
    from knowledge.agencies import get_agency
    from knowledge.regions import get_region

    if region and get_region(region) is None:
        return TEXTS.text("staff", "unknown_region", kode=region)
    if agency and get_agency(agency) is None:
        return TEXTS.text("staff", "unknown_agency", kode=agency)
    return None


def _cmd_users_add(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.models import StaffContact, StaffUser

    unknown = _unknown_scope(args.region, args.agency)
    if unknown:
        print(unknown, file=sys.stderr)
        return 1
    if args.role in ("agency", "agency_head") and not args.agency:
        print(TEXTS.text("staff", "agency_required"), file=sys.stderr)
        return 1
    with transaction() as session:
        user = StaffUser(
            name=args.name, role=args.role, region_code=args.region, agency_code=args.agency,
            active=True,
        )  # fmt: skip
        if args.telegram_id is not None:
            user.contacts.append(StaffContact(channel=TELEGRAM, user_key=str(args.telegram_id)))
        session.add(user)
        session.flush()
        print(TEXTS.text("staff", "user_added", id=user.id, peran=args.role))
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
                "telegram_user_id": next(
                    (_as_id(c.user_key) for c in u.contacts if c.channel == TELEGRAM), None
                ),
                "active": u.active,
            }
            for u in session.scalars(select(StaffUser).order_by(StaffUser.id))
        ]
    if args.json:
        print_json(users)
        return 0
    for u in users:
        scope = " ".join(str(x) for x in (u["region"], u["agency"]) if x) or TEXTS.text(
            "staff", "whole_province"
        )
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
        print(TEXTS.text("staff", "chat_scope_required"), file=sys.stderr)
        return 1
    with transaction() as session:
        session.add(StaffChat(channel=TELEGRAM, chat_key=str(args.chat_id),
                              region_code=args.region, agency_code=args.agency))  # fmt: skip
    print(TEXTS.text("staff", "chat_added", chat_id=args.chat_id))
    return 0


def _cmd_chats_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from core.db import transaction
    from tickets.models import StaffChat

    with transaction() as session:
        chats = [
            {"chat_id": _as_id(c.chat_key), "region": c.region_code, "agency": c.agency_code}
            for c in session.scalars(select(StaffChat).order_by(StaffChat.id))
        ]
    if args.json:
        print_json(chats)
        return 0
    for c in chats:
        scope = c["region"] or TEXTS.text("staff", "whole_province")
        print(f"{c['chat_id']:>16}  {scope:<22} {c['agency'] or 'operator'}")
    return 0


def register(sub: Any) -> None:
    """Add `users ...` and `chats ...` to the top-level parser."""
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
