"""`python -m bot open311 create-key | revoke-key | keys`: the API keys other systems
file reports with through Open311 GeoReport v2 (/open311/v2/).

create-key prints the new key on its last line, once: only its hash is kept.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.texts import TEXTS


def _cmd_create(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.api_keys import ApiKeyError, create_key

    try:
        with transaction() as session:
            row, key = create_key(session=session, name=args.name)
            name = row.name
    except ApiKeyError as error:
        print(error, file=sys.stderr)
        return 1
    print(TEXTS.text("open311", "created", nama=name))
    print(key)
    return 0


def _cmd_revoke(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.api_keys import ApiKeyError, revoke_key

    try:
        with transaction() as session:
            revoke_key(session=session, name=args.name)
    except ApiKeyError as error:
        print(error, file=sys.stderr)
        return 1
    print(TEXTS.text("open311", "revoked", nama=args.name))
    return 0


def _cmd_keys(args: argparse.Namespace) -> int:
    from core.db import transaction
    from tickets.api_keys import all_keys

    with transaction() as session:
        rows = [
            {
                "name": k.name,
                "prefix": k.prefix,
                "created_at": k.created_at.isoformat(),
                "last_used_at": k.last_used_at.isoformat() if k.last_used_at else None,
                "revoked": k.revoked_at is not None,
            }
            for k in all_keys(session=session)
        ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        state = TEXTS.text("open311", "revoked_state" if r["revoked"] else "active_state")
        print(f"{r['name']:<30} {r['prefix']}…  {state}")
    return 0


def register(sub: Any) -> None:
    group = sub.add_parser("open311", help="Open311 API keys of other systems")
    group_sub = group.add_subparsers(dest="open311_command", required=True)
    create = group_sub.add_parser("create-key", help="issue a key; printed once, last line")
    create.add_argument("--name", required=True, help="the system the key is for")
    create.set_defaults(func=_cmd_create)
    revoke = group_sub.add_parser("revoke-key", help="revoke a system's key")
    revoke.add_argument("--name", required=True)
    revoke.set_defaults(func=_cmd_revoke)
    keys = group_sub.add_parser("keys", help="the keys issued (never the keys themselves)")
    keys.add_argument("--json", action="store_true")
    keys.set_defaults(func=_cmd_keys)
