"""Staff users and their chats on the command line (part of `python -m bot`).

python -m bot users add --name NAME --role operator|coordinator|agency|agency_head|leader|admin
                        [--region CODE] [--agency CODE] [--telegram-id ID]
                        [--email E [--password-stdin]]
python -m bot users set-password --email E --password-stdin   (the password on stdin)
python -m bot users deactivate|activate --email E
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


def _read_password() -> str:
    """One line from standard input (a pipe, or typed unseen at a terminal)."""
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(TEXTS.text("staff", "password_prompt"))
    return sys.stdin.readline().rstrip("\r\n")


def _cmd_users_add(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.accounts import AccountError, Profile, add_user
    from tickets.models import StaffContact

    unknown = _unknown_scope(args.region, args.agency)
    if unknown:
        print(unknown, file=sys.stderr)
        return 1
    if args.role in ("agency", "agency_head") and not args.agency:
        print(TEXTS.text("staff", "agency_required"), file=sys.stderr)
        return 1
    password = _read_password() if args.password_stdin else None
    profile = Profile(
        name=args.name,
        role=args.role,
        email=args.email,
        region_code=args.region,
        agency_code=args.agency,
    )
    try:
        with transaction() as session:
            user = add_user(session=session, profile=profile, password=password)
            if args.telegram_id is not None:
                user.contacts.append(StaffContact(channel=TELEGRAM, user_key=str(args.telegram_id)))
            session.flush()
            print(TEXTS.text("staff", "user_added", id=user.id, peran=args.role))
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _with_user(email: str, change: Any) -> int:
    """Run `change(session, user)` on the account of `email`; 1 when none or refused."""
    from core.db import transaction
    from tickets.accounts import AccountError, find_by_email

    try:
        with transaction() as session:
            user = find_by_email(session=session, email=email)
            if user is None:
                print(TEXTS.text("staff", "email_missing", email=email), file=sys.stderr)
                return 1
            print(change(session, user))
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _cmd_users_set_password(args: argparse.Namespace) -> int:
    from tickets.accounts import set_password

    password = _read_password() if args.password_stdin else None
    if password is None:
        print(TEXTS.text("staff", "password_stdin_required"), file=sys.stderr)
        return 2

    def change(session: Any, user: Any) -> str:
        set_password(session=session, user=user, password=password)
        return TEXTS.text("staff", "password_set", email=user.email)

    return _with_user(args.email, change)


def _cmd_users_active(args: argparse.Namespace) -> int:
    from tickets.accounts import set_active

    def change(session: Any, user: Any) -> str:
        set_active(session=session, user=user, active=args.active)
        return TEXTS.text("staff", "activated" if args.active else "deactivated", email=user.email)

    return _with_user(args.email, change)


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
                "email": u.email,
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
    from tickets.staff_chats import ChatError, add_chat

    unknown = _unknown_scope(args.region, args.agency)
    if unknown:
        print(unknown, file=sys.stderr)
        return 1
    if not args.region and not args.agency:
        print(TEXTS.text("staff", "chat_scope_required"), file=sys.stderr)
        return 1
    try:
        with transaction() as session:
            add_chat(
                session=session,
                channel=TELEGRAM,
                chat_key=str(args.chat_id),
                region=args.region,
                agency=args.agency,
            )
    except ChatError as error:
        print(TEXTS.text("staff", f"chat_{error.code}"), file=sys.stderr)
        return 1
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
    add.add_argument("--email", help="their login to the web workspace")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the workspace password from standard input",
    )
    add.set_defaults(func=_cmd_users_add)
    password = users_sub.add_parser("set-password", help="a new workspace password")
    password.add_argument("--email", required=True)
    password.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (one line)",
    )
    password.set_defaults(func=_cmd_users_set_password)
    for name, active in (("deactivate", False), ("activate", True)):
        toggle = users_sub.add_parser(name, help=f"{name} a staff account (ends its sessions)")
        toggle.add_argument("--email", required=True)
        toggle.set_defaults(func=_cmd_users_active, active=active)
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
