"""Per-citizen limits: a flood of messages is kept but not processed (told once), and a
citizen over the reports-per-hour limit is refused politely; others are untouched."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from core.db import transaction
from core.settings import get_settings
from dialogue.engine import DialogueEngine
from dialogue.models import MessageLog
from tests import factories
from tests.support.chat import Chat
from tickets.models import Ticket


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("RATE_MESSAGES_PER_MINUTE", "5")
    monkeypatch.setenv("RATE_REPORTS_PER_HOUR", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _inbound_logged() -> int:
    with transaction() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(MessageLog).where(MessageLog.direction == "in")
            )
            or 0
        )


@pytest.mark.usefixtures("limits")
def test_a_flood_is_kept_told_once_and_does_not_touch_others(engine: DialogueEngine) -> None:
    flooder, other = Chat(engine, "flood"), Chat(engine, "siti")
    answers = [flooder.say(f"halo {n}") for n in range(9)]
    assert all(answers[:5])  # within the limit: answered
    assert "terlalu cepat" in answers[5] and "5 pesan per menit" in answers[5]
    assert answers[6:] == ["", "", ""]  # silence after the one notice
    assert _inbound_logged() == 9  # nothing the citizen said is lost
    assert other.say("halo").startswith("Halo!")  # somebody else is not limited


@pytest.mark.usefixtures("limits")
def test_reports_over_the_hourly_limit_are_refused_politely(engine: DialogueEngine) -> None:
    with transaction() as session:
        citizen = factories.citizen(session=session, channel="console", user_key="rajin")
        factories.ticket(session=session, citizen=citizen)
    chat = Chat(engine, "rajin")
    chat.say("sampah numpuk di pinggir jalan, bau banget")
    chat.say("/lokasi -5.3719 105.2393")
    chat.say("lewati")
    reply = chat.say("ya")
    assert "belum bisa kami terima" in reply and "1 laporan dalam satu jam" in reply
    assert "LPG-" not in reply
    with transaction() as session:
        filed = session.scalar(select(func.count()).select_from(Ticket))
        assert filed == 1
