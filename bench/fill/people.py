"""Who files and handles filled tickets: citizens with their contacts (and the
conversation each contact has with the bot), and the staff the workflow names.

Contact keys are made from the citizen id by a bijection, so they are unique
without looking anything up: a WhatsApp id is a phone number ("628..."), a
Telegram id a number.
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from bench.fill import spread
from knowledge.agencies import all_agencies
from knowledge.regions import all_regions
from tickets.enums import StaffRole
from tickets.models import StaffContact, StaffUser

WHATSAPP, TELEGRAM = "whatsapp", "telegram"
STAFF_KEY_BASE = 9_000_000_000  # above every citizen's Telegram key


def whatsapp_key(citizen_id: int) -> str:
    return f"628{citizen_id * 7_919 % 10**10:010d}"


def telegram_key(citizen_id: int) -> str:
    return str(10**9 + citizen_id * 104_729 % 10**9)


@dataclass
class Citizens:
    """Citizens so far, by when they first wrote: `existing` from the database
    (times sorted, with their ids), then those made in this fill."""

    next_id: int
    existing_times: list[datetime] = field(default_factory=list)
    existing_ids: list[int] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    next_contact_id: int = 1
    next_conversation_id: int = 1

    def pick(self, rng: random.Random, at: datetime) -> int | None:
        """A citizen who wrote before `at` (uniformly), or None if there is none."""
        old = bisect.bisect_left(self.existing_times, at)
        total = old + len(self.new_ids)
        if total == 0:
            return None
        i = rng.randrange(total)
        return self.existing_ids[i] if i < old else self.new_ids[i - old]

    def reporter(self, rng: random.Random, at: datetime) -> int:
        """The citizen filing at `at`: new, or one who filed before."""
        if rng.random() >= spread.NEW_CITIZEN_SHARE and (known := self.pick(rng, at)):
            return known
        return self.create(rng, at - timedelta(minutes=rng.uniform(2, 15)))

    def create(self, rng: random.Random, at: datetime) -> int:
        citizen_id, self.next_id = self.next_id, self.next_id + 1
        self.new_ids.append(citizen_id)
        self.rows["citizen"].append({"id": citizen_id, "display_name": None, "created_at": at})
        first = WHATSAPP if rng.random() < spread.WHATSAPP_SHARE else TELEGRAM
        channels = [first]
        if rng.random() < spread.SECOND_CONTACT_SHARE:
            channels.append(TELEGRAM if first == WHATSAPP else WHATSAPP)
        for channel in channels:
            key = whatsapp_key(citizen_id) if channel == WHATSAPP else telegram_key(citizen_id)
            self.rows["contact"].append({
                "id": self.next_contact_id, "citizen_id": citizen_id, "channel": channel,
                "user_key": key, "phone": key if channel == WHATSAPP else None,
                "created_at": at, "blocked_at": None,
            })  # fmt: skip
            self.rows["conversation"].append({
                "id": self.next_conversation_id, "channel": channel, "user_key": key,
                "state": {}, "events": [], "version": 1, "created_at": at, "updated_at": at,
            })  # fmt: skip
            self.next_contact_id += 1
            self.next_conversation_id += 1
        return citizen_id

    def take_rows(self) -> dict[str, list[dict[str, Any]]]:
        rows, self.rows = self.rows, defaultdict(list)
        return rows


# (role, region, agency) of every staff member the fill needs.
StaffKey = tuple[str, str | None, str | None]


def staff_wanted() -> list[StaffKey]:
    wanted: list[StaffKey] = [(StaffRole.LEADER, None, None)]
    for region in all_regions():
        wanted += [(StaffRole.OPERATOR, region.code, None)] * spread.OPERATORS_PER_REGION
        wanted.append((StaffRole.COORDINATOR, region.code, None))
    for agency in all_agencies():
        regions: list[str | None] = [r.code for r in all_regions()] if agency.regional else [None]
        for place in regions:
            wanted += [(StaffRole.AGENCY, place, agency.code),
                       (StaffRole.AGENCY_HEAD, place, agency.code)]  # fmt: skip
    return wanted


class Staff:
    """Staff ids by role and scope; missing members are created (with a contact)."""

    def __init__(self, conn: Connection) -> None:
        self.ids: dict[StaffKey, list[int]] = defaultdict(list)
        for user in conn.execute(select(StaffUser).where(StaffUser.active.is_(True))):
            self.ids[(user.role, user.region_code, user.agency_code)].append(user.id)
        need: dict[StaffKey, int] = defaultdict(int)
        for key in staff_wanted():
            need[key] += 1
        made = 0
        for (role, region, agency), count in need.items():
            for _ in range(count - len(self.ids[(role, region, agency)])):
                staff_id = conn.execute(
                    StaffUser.__table__.insert().returning(StaffUser.id),  # type: ignore[attr-defined]
                    {"name": f"{role} {region or agency or 'lampung'}", "role": role,
                     "region_code": region, "agency_code": agency, "active": True},
                ).scalar_one()  # fmt: skip
                made += 1
                conn.execute(
                    StaffContact.__table__.insert(),  # type: ignore[attr-defined]
                    {"staff_id": staff_id, "channel": TELEGRAM,
                     "user_key": str(STAFF_KEY_BASE + staff_id)},
                )  # fmt: skip
                self.ids[(role, region, agency)].append(staff_id)
        self.created = made

    def operator(self, region: str) -> int:
        return self.ids[(StaffRole.OPERATOR, region, None)][0]

    def agency(self, agency: str, region: str) -> int:
        return (self.ids.get((StaffRole.AGENCY, region, agency))
                or self.ids[(StaffRole.AGENCY, None, agency)])[0]  # fmt: skip
