"""Tickets: citizens, filing, numbering (also under concurrency), lookup, serialisation."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.db import session_factory, transaction
from dialogue.models import Conversation, ProcessedUpdate
from tests import factories
from tickets.media import store_photo
from tickets.models import Attachment, Citizen, Contact, Ticket, TicketEvent, TicketSequence
from tickets.numbering import format_ticket_number, next_ticket_number
from tickets.serialize import ticket_to_dict
from tickets.service import (
    create_ticket,
    find_citizen,
    get_or_create_citizen,
    get_ticket_by_number,
    list_tickets,
)
from tickets.statuses import all_statuses, is_open, status_label

MakeImage = Callable[..., Path]  # the `make_image` fixture (conftest.py)
NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
NUMBER_RE = re.compile(r"^LPG-\d{4}-\d{6,}$")


def _file(citizen: Citizen, session: object, **kwargs: object) -> Ticket:
    params: dict[str, object] = {
        "category": "jalan_rusak",
        "description": "Jalan berlubang di depan pasar",
        "latitude": -5.4292,
        "longitude": 105.2610,
        "now": NOW,
    }
    params.update(kwargs)
    return create_ticket(session=session, citizen=citizen, **params)  # type: ignore[arg-type]


# --- citizens -----------------------------------------------------------------------


def test_get_or_create_citizen_reuses_contact(db: str) -> None:
    with transaction() as s:
        first = get_or_create_citizen(
            session=s, channel="telegram", user_key="42", display_name="Budi"
        )
        again = get_or_create_citizen(session=s, channel="telegram", user_key="42")
        other_channel = get_or_create_citizen(session=s, channel="whatsapp", user_key="42")
        assert again.id == first.id
        assert other_channel.id != first.id
    with transaction() as s:
        assert s.scalar(select(func.count()).select_from(Citizen)) == 2
        contacts = s.scalars(select(Contact).order_by(Contact.id)).all()
        assert [(c.channel, c.user_key) for c in contacts] == [
            ("telegram", "42"),
            ("whatsapp", "42"),
        ]
        found = find_citizen(session=s, channel="telegram", user_key="42")
        assert found is not None and found.id == first.id and found.display_name == "Budi"
        assert find_citizen(session=s, channel="telegram", user_key="nobody") is None
        assert found.created_at.tzinfo is not None


def test_display_name_filled_in_later(db: str) -> None:
    with transaction() as s:
        get_or_create_citizen(session=s, channel="console", user_key="u1")
    with transaction() as s:
        citizen = get_or_create_citizen(
            session=s, channel="console", user_key="u1", display_name="Sari"
        )
        assert citizen.display_name == "Sari"


def test_contact_unique_per_channel_and_user_key(db: str) -> None:
    with pytest.raises(IntegrityError), transaction() as s:
        citizen = Citizen()
        s.add_all(
            [
                Contact(citizen=citizen, channel="telegram", user_key="7"),
                Contact(citizen=citizen, channel="telegram", user_key="7"),
            ]
        )
        s.flush()


def test_get_or_create_citizen_recovers_from_lost_race(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another transaction creates the contact between our SELECT and INSERT."""
    with transaction() as s:
        winner = get_or_create_citizen(session=s, channel="telegram", user_key="race")
        winner_id = winner.id

    import tickets.service as service

    real_find = service.find_citizen
    calls = {"n": 0}

    def find_stale_first(**kwargs: object) -> Citizen | None:
        calls["n"] += 1
        return None if calls["n"] == 1 else real_find(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "find_citizen", find_stale_first)
    with transaction() as s:
        citizen = service.get_or_create_citizen(session=s, channel="telegram", user_key="race")
        assert citizen.id == winner_id
        # The savepoint kept the outer transaction usable.
        assert s.scalar(select(func.count()).select_from(Citizen)) == 1


# --- creating tickets ------------------------------------------------------------------


def test_create_ticket(db: str) -> None:
    with transaction() as s:
        citizen = factories.citizen(session=s)
        ticket = _file(citizen, s, confidential=True)
        citizen_id, ticket_id = citizen.id, ticket.id

    assert ticket.number == "LPG-2026-000001"
    assert (ticket.year, ticket.seq) == (2026, 1)
    with transaction() as s:
        loaded = s.get(Ticket, ticket_id)
        assert loaded is not None
        assert loaded.status == "new"
        assert loaded.category == "jalan_rusak"
        assert loaded.description == "Jalan berlubang di depan pasar"
        assert loaded.latitude == pytest.approx(-5.4292)
        assert loaded.longitude == pytest.approx(105.2610)
        assert loaded.confidential is True
        assert loaded.citizen.id == citizen_id
        assert loaded.region_code is None and loaded.agency_code is None
        assert loaded.created_at == NOW and loaded.created_at.tzinfo is not None
        assert loaded.version == 1
        [event] = loaded.events
        assert event.kind == "created"
        assert (event.from_status, event.to_status) == (None, "new")
        assert event.actor == f"citizen:{citizen_id}"
        assert event.data == {"category": "jalan_rusak", "attachment_count": 0}
        assert event.created_at == NOW


def test_ticket_numbers_increase_and_restart_each_year(db: str) -> None:
    with transaction() as s:
        citizen = factories.citizen(session=s)
        numbers = [_file(citizen, s).number for _ in range(3)]
        numbers.append(_file(citizen, s, now=datetime(2027, 1, 1, tzinfo=UTC)).number)
        numbers.append(_file(citizen, s).number)
    assert numbers == [
        "LPG-2026-000001",
        "LPG-2026-000002",
        "LPG-2026-000003",
        "LPG-2027-000001",
        "LPG-2026-000004",
    ]
    assert all(NUMBER_RE.match(n) for n in numbers)


def test_rolled_back_ticket_leaves_no_gap(db: str) -> None:
    with transaction() as s:
        citizen = factories.citizen(session=s)
        _file(citizen, s)
    with pytest.raises(RuntimeError), transaction() as s:
        citizen = factories.citizen(session=s)
        assert _file(citizen, s).number == "LPG-2026-000002"
        raise RuntimeError("abort")
    with transaction() as s:
        citizen = factories.citizen(session=s)
        assert _file(citizen, s).number == "LPG-2026-000002"


def test_naive_now_is_taken_as_utc(db: str) -> None:
    with transaction() as s:
        citizen = factories.citizen(session=s)
        ticket = _file(citizen, s, now=datetime(2025, 12, 31, 23, 0))
    assert ticket.number == "LPG-2025-000001"
    assert ticket.created_at == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)


def test_number_formatting() -> None:
    assert format_ticket_number(2026, 123) == "LPG-2026-000123"
    assert format_ticket_number(2026, 1_234_567) == "LPG-2026-1234567"  # widened, not cut


def test_next_ticket_number_continues_from_stored_value(db: str) -> None:
    with transaction() as s:
        s.add(TicketSequence(year=2030, last_value=999_999))
    with transaction() as s:
        assert next_ticket_number(session=s, year=2030) == (1_000_000, "LPG-2030-1000000")
        assert next_ticket_number(session=s, year=2031) == (1, "LPG-2031-000001")


@pytest.mark.parametrize(
    ("field", "value"),
    [("description", "   "), ("category", ""), ("latitude", 91.0), ("longitude", float("nan"))],
)
def test_create_ticket_rejects_invalid_input(db: str, field: str, value: object) -> None:
    with transaction() as s:
        citizen = factories.citizen(session=s)
        with pytest.raises(ValueError):
            _file(citizen, s, **{field: value})
        assert s.scalar(select(func.count()).select_from(Ticket)) == 0


def test_unique_year_seq_enforced(db: str) -> None:
    with transaction() as s:
        citizen = factories.citizen(session=s)
        _file(citizen, s)
    with pytest.raises(IntegrityError), transaction() as s:
        citizen = factories.citizen(session=s)
        s.add(
            Ticket(
                number="LPG-2026-X",
                year=2026,
                seq=1,
                category="sampah",
                description="dup",
                latitude=0.0,
                longitude=0.0,
                citizen=citizen,
            )
        )
        s.flush()


# --- attachments -------------------------------------------------------------------------


def test_attachments_linked_once(db: str, tmp_path: Path, make_image: MakeImage) -> None:
    with transaction() as s:
        a = store_photo(session=s, source_path=make_image(tmp_path / "a.png"))
        b = store_photo(
            session=s, source_path=make_image(tmp_path / "b.jpg", fmt="JPEG", color=(1, 2, 3))
        )
        ids = (a.id, b.id)
    with transaction() as s:
        citizen = factories.citizen(session=s)
        first = _file(citizen, s, attachment_ids=ids)
        assert [att.id for att in first.attachments] == sorted(ids)
        assert first.events[0].data["attachment_count"] == 2
        # Already linked photos (and unknown ids) are not stolen by a second ticket.
        second = _file(citizen, s, attachment_ids=[ids[0], 999_999])
        assert second.attachments == []
        assert second.events[0].data["attachment_count"] == 0
        first_id = first.id
    with transaction() as s:
        rows = s.scalars(select(Attachment).order_by(Attachment.id)).all()
        assert [r.ticket_id for r in rows] == [first_id, first_id]
    # Loaded eagerly: still readable after the session has closed.
    assert len(first.attachments) == 2


# --- lookup -------------------------------------------------------------------------------


def test_get_ticket_by_number_case_insensitive(db: str) -> None:
    with transaction() as s:
        citizen = factories.citizen(session=s)
        number = _file(citizen, s).number
    with transaction() as s:
        found = get_ticket_by_number(session=s, number=" lpg-2026-000001 ")
        assert found is not None and found.number == number
        assert get_ticket_by_number(session=s, number="LPG-2026-000002") is None
    # Events and photos were loaded with it, so serialising after commit works.
    assert ticket_to_dict(found)["events"][0]["kind"] == "created"


def test_list_tickets_newest_first_and_filters(db: str) -> None:
    with transaction() as s:
        alice, bob = factories.citizen(session=s), factories.citizen(session=s)
        t1 = _file(alice, s, now=NOW)
        t2 = _file(bob, s, now=NOW + timedelta(hours=1))
        t3 = _file(alice, s, now=NOW + timedelta(hours=2))
        t4 = _file(alice, s, now=NOW + timedelta(hours=2))  # same instant: id breaks the tie
        t2.status = "resolved"
        alice_id = alice.id
        expected = [t.number for t in (t4, t3, t2, t1)]
    with transaction() as s:
        assert [t.number for t in list_tickets(session=s)] == expected
        assert [t.number for t in list_tickets(session=s, citizen_id=alice_id)] == [
            expected[0],
            expected[1],
            expected[3],
        ]
        assert [t.number for t in list_tickets(session=s, status="resolved")] == [expected[2]]
        assert [t.number for t in list_tickets(session=s, limit=2)] == expected[:2]


# --- optimistic locking, conversation store ------------------------------------------------


def test_concurrent_ticket_edit_is_detected(db: str) -> None:
    with transaction() as s:
        citizen = factories.citizen(session=s)
        ticket_id = _file(citizen, s).id
    make = session_factory()  # expire_on_commit=False: loaded state survives commit
    with make() as s1, make() as s2:
        # Each load ends its transaction (SQLite allows one writer at a time), but the
        # objects keep the version they were read with.
        t1 = s1.get(Ticket, ticket_id)
        s1.commit()
        t2 = s2.get(Ticket, ticket_id)
        s2.commit()
        assert t1 is not None and t2 is not None
        t1.status = "forwarded"
        s1.commit()
        t2.status = "rejected"
        with pytest.raises(StaleDataError):
            s2.commit()
    with transaction() as s:
        ticket = s.get(Ticket, ticket_id)
        assert ticket is not None
        assert (ticket.status, ticket.version) == ("forwarded", 2)
        assert ticket.updated_at > NOW


def test_processed_update_rejects_redelivery(db: str) -> None:
    with transaction() as s:
        conversation = Conversation(
            channel="telegram", user_key="9", state={"slots": {}}, events=[]
        )
        s.add(conversation)
        s.flush()
        s.add(ProcessedUpdate(channel="telegram", update_id="100", conversation_id=conversation.id))
        conversation_id = conversation.id
    with pytest.raises(IntegrityError), transaction() as s:
        s.add(ProcessedUpdate(channel="telegram", update_id="100", conversation_id=conversation_id))
        s.flush()
    with transaction() as s:
        stored = s.get(Conversation, conversation_id)
        assert stored is not None and stored.state == {"slots": {}} and stored.version == 1


# --- statuses and serialisation ----------------------------------------------------------------


def test_statuses() -> None:
    assert list(all_statuses()) == [
        "new",
        "forwarded",
        "in_progress",
        "resolved",
        "rejected",
        "closed",
        "withdrawn",
        "referred",
    ]
    assert status_label("new") == "Menunggu verifikasi operator"
    assert status_label("withdrawn") == "Dibatalkan pelapor"
    assert status_label("resolved") == "Selesai"
    assert [s for s in all_statuses() if is_open(s)] == ["new", "forwarded", "in_progress"]
    with pytest.raises(KeyError):
        status_label("lost")


def test_ticket_to_dict(db: str, tmp_path: Path, make_image: MakeImage) -> None:
    with transaction() as s:
        photo = store_photo(session=s, source_path=make_image(tmp_path / "p.png", size=(4, 3)))
        citizen = get_or_create_citizen(session=s, channel="telegram", user_key="77")
        ticket = _file(citizen, s, attachment_ids=[photo.id])
        citizen_id = citizen.id
    with transaction() as s:
        loaded = get_ticket_by_number(session=s, number=ticket.number)
    assert loaded is not None
    data = ticket_to_dict(loaded)
    json.dumps(data)  # JSON-ready
    assert data == {
        "number": "LPG-2026-000001",
        "status": "new",
        "status_label": "Menunggu verifikasi operator",
        "category": "jalan_rusak",
        "description": "Jalan berlubang di depan pasar",
        "latitude": pytest.approx(-5.4292),
        "longitude": pytest.approx(105.2610),
        "location_source": "pin",
        "approximate_location": False,
        "location_note": None,
        "place_name": None,
        "address_text": None,
        "region": None,
        "agency": None,
        "suggested_agency": "dinas_pupr",
        "confidential": False,
        "created_at": "2026-03-14T09:30:00+00:00",
        "updated_at": "2026-03-14T09:30:00+00:00",
        "forward_due_at": "2026-03-15T09:30:00+00:00",
        "forwarded_at": None,
        "act_due_at": None,
        "resolved_at": None,
        "citizen_id": citizen_id,
        "reporter": {
            "citizen_id": citizen_id,
            "name": None,
            "contacts": [{"channel": "telegram", "user_key": "77", "phone": None}],
        },
        "rating": None,
        "rating_comment": None,
        "photos": {
            "count": 1,
            "items": [
                {
                    "id": photo.id,
                    "sha256": photo.sha256,
                    "mime_type": "image/png",
                    "size_bytes": photo.size_bytes,
                    "width": 4,
                    "height": 3,
                    "storage_path": f"{photo.sha256[:2]}/{photo.sha256}.png",
                }
            ],
        },
        "events": [
            {
                "kind": "created",
                "from_status": None,
                "to_status": "new",
                "actor": f"citizen:{citizen_id}",
                "note": None,
                "data": {"category": "jalan_rusak", "attachment_count": 1},
                "created_at": "2026-03-14T09:30:00+00:00",
            }
        ],
    }


# --- concurrency ----------------------------------------------------------------------------

THREADS = 8
PER_THREAD = 5


def test_concurrent_numbering_is_unique_and_gap_free(db: str) -> None:
    """8 writers x 5 tickets, each ticket its own transaction, all starting together."""
    barrier = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(PER_THREAD):
                with transaction() as s:
                    # Half the threads share one user: exercises the citizen race too.
                    key = "shared" if index % 2 else f"user-{index}"
                    citizen = get_or_create_citizen(session=s, channel="telegram", user_key=key)
                    ticket = _file(citizen, s, description=f"thread {index} ticket {i}")
                    number = ticket.number
                with lock:
                    numbers.append(number)
        except BaseException as exc:  # reported below; a thread must not die silently
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "worker threads hung"
    assert errors == []

    total = THREADS * PER_THREAD
    assert len(numbers) == total
    assert sorted(numbers) == [format_ticket_number(2026, n) for n in range(1, total + 1)]
    with transaction() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == total
        assert s.scalar(select(func.count()).select_from(TicketEvent)) == total
        assert (
            s.scalar(select(TicketSequence.last_value).where(TicketSequence.year == 2026)) == total
        )
        # The shared user got exactly one citizen despite racing threads.
        assert s.scalar(select(func.count()).select_from(Contact)) == THREADS // 2 + 1
