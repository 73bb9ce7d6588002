"""WhatsApp does what Telegram does (issue 14, findings 9 and 6): every category is
choosable from paged lists with titles that fit, ticket news outside the 24-hour
window can still be rated or reopened (template quick replies), the menu commands
mean the same, an album of photos is answered once, and the IKM survey's questions
come as lists."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select, update

from channels.whatsapp.models import WhatsAppWindow
from core.db import transaction
from core.timestamps import utcnow
from knowledge.categories import all_categories
from tests import factories
from tests.support import webhook_events as events
from tests.support.whatsapp_harness import Served, body_texts, dumps, reply_ids, serve
from tickets.ikm_models import IkmAnswer
from tickets.models import Attachment, Notification, Ticket
from tickets.service import get_ticket_by_number
from tickets.workflow import Request, perform

WA = "6281298765432"
RAJABASA = (-5.3719, 105.2393)


@pytest.fixture
def served(
    db: str, media_dir: Path, nlu_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Served]:
    import nlu

    monkeypatch.setenv("ALBUM_WAIT_SECONDS", "0.5")
    nlu.get_parser(nlu_model_dir)
    with serve(database_url=db, media_dir=media_dir) as app:
        yield app
    assert app.fake.violations == [], app.fake.violations


def _lists(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        p for p in payloads if p["type"] == "interactive" and p["interactive"]["type"] == "list"
    ]


def _rows(payload: dict[str, Any]) -> list[dict[str, str]]:
    return [r for s in payload["interactive"]["action"]["sections"] for r in s["rows"]]


def test_every_category_is_choosable_by_paging(served: Served) -> None:
    categories = all_categories()
    assert len(categories) > 10  # more than one list holds
    [first] = _lists(served.say(WA, "/lapor"))
    rows = _rows(first)
    assert len(rows) == 10
    assert all(len(r["title"]) <= 24 for r in rows)
    more = rows[-1]
    assert more["title"] == "Pilihan berikutnya"
    shown = [r["id"] for r in rows[:-1]]

    [second] = _lists(served.send(events.list_reply(WA, more["id"], more["title"])))
    assert second["interactive"]["body"]["text"] == "Pilihan lainnya:"
    rest = _rows(second)
    shown += [r["id"] for r in rest]
    assert shown == [f'/pilih_kategori{{"kategori": "{c.id}"}}' for c in categories]
    assert all(len(r["title"]) <= 24 and len(r.get("description", "")) <= 72 for r in rest)
    # A long label: its short title, the full label below it, no word cut.
    rows_by_id = {r["id"]: r for r in [*rows, *rest]}
    umum = rows_by_id['/pilih_kategori{"kategori": "fasilitas_umum"}']
    assert umum["title"] == "Fasilitas umum rusak"
    assert umum["description"] == "Fasilitas umum rusak (WC umum, taman, halte, trotoar)"

    twelfth = categories[11]
    row = rows_by_id[f'/pilih_kategori{{"kategori": "{twelfth.id}"}}']
    asked = body_texts(served.send(events.list_reply(WA, row["id"], row["title"])))
    assert any(f"laporan {twelfth.label}".lower() in t.lower() for t in asked), asked


def test_typed_number_still_means_the_whole_list(served: Served) -> None:
    """Paging changes nothing a typed answer refers to: "12" is the 12th category."""
    [first] = _lists(served.say(WA, "lapor"))
    more = _rows(first)[-1]
    served.send(events.list_reply(WA, more["id"], more["title"]))
    twelfth = all_categories()[11]
    asked = body_texts(served.say(WA, "12"))
    assert any(f"laporan {twelfth.label}".lower() in t.lower() for t in asked), asked


@pytest.mark.parametrize("typed", ["/lapor", "lapor", "/status", "status", "/bantuan", "batal"])
def test_menu_commands_mean_what_they_mean_on_telegram(served: Served, typed: str) -> None:
    replies = dumps(served.say(WA, typed))
    expected = {
        "lapor": "Pilih kategorinya",
        "status": "belum punya laporan",
        "bantuan": "Saya bisa membantu Anda",
        "batal": "Tidak ada laporan yang sedang diisi",
    }[typed.lstrip("/")]
    assert expected in replies


def _resolved_ticket(served: Served) -> str:
    served.say(WA, "sampah numpuk di pinggir jalan sudah seminggu tidak diangkut")
    served.send(events.location_message(WA, *RAJABASA))
    served.say(WA, "lewati")
    done = body_texts(served.say(WA, "ya"))
    number = next(t for t in done if "sudah kami terima" in t).split("nomor ")[1].split(".")[0]
    with transaction() as session:  # the citizen has not written for more than a day
        session.execute(
            update(WhatsAppWindow).values(last_inbound_at=utcnow() - timedelta(hours=25))
        )
    served.fake.close_window(WA)
    with transaction() as session:
        staff = factories.staff(session=session, role="admin", name="Admin")
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        perform(session=session, ticket=ticket, action="forward", actor=staff,
                request=Request(agency="dlh"))  # fmt: skip
        perform(session=session, ticket=ticket, action="resolve", actor=staff,
                request=Request(note="Sudah diangkut"))  # fmt: skip
    return number


def _news_sent() -> bool:
    with transaction() as session:
        statuses = session.scalars(
            select(Notification.status).where(Notification.reply.is_(None))
        ).all()
    return bool(statuses) and all(s == "sent" for s in statuses)


def _rating_template(served: Served) -> dict[str, Any]:
    served.until(_news_sent)
    templates = [s.payload["template"] for s in served.fake.sent if s.type == "template"]
    return next(t for t in templates if t["name"] == "laporin_laporan_selesai")


def test_resolved_outside_the_window_can_be_rated_by_a_quick_reply(served: Served) -> None:
    number = _resolved_ticket(served)
    template = _rating_template(served)
    buttons = [c for c in template["components"] if c["type"] == "button"]
    payloads = [b["parameters"][0]["payload"] for b in buttons]
    assert [b["index"] for b in buttons] == ["0", "1", "2", "3", "4", "5"]
    assert payloads[4] == f'/beri_nilai{{"nomor": "{number}", "nilai": 5}}'
    assert payloads[5] == f'/buka_kembali{{"nomor": "{number}"}}'

    served.fake.open_window(WA)  # the citizen's tap opens the window again
    replies = body_texts(served.send(events.template_button_reply(WA, payloads[4], "5")))
    assert any("Terima kasih atas penilaian Anda" in t for t in replies), replies
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        assert ticket.rating == 5


def test_resolved_outside_the_window_can_be_reopened_by_typing(served: Served) -> None:
    """The template's choices also answer a typed reply: "belum beres" reopens."""
    number = _resolved_ticket(served)
    _rating_template(served)
    served.fake.open_window(WA)
    replies = body_texts(served.say(WA, "belum beres"))
    assert any(f"Laporan {number} kami buka kembali" in t for t in replies), replies
    with transaction() as session:
        assert session.scalars(select(Ticket.status)).all() != ["resolved"]


def _jpeg(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), color).save(buffer, "JPEG")
    return buffer.getvalue()


def test_an_album_gets_one_acknowledgement(served: Served) -> None:
    served.say(WA, "jln depan rumah rusak parah bgt min, lubang gede")
    served.send(events.location_message(WA, *RAJABASA))
    before = len(served.fake.sent)
    for color in ((200, 0, 0), (0, 200, 0), (0, 0, 200)):  # sent at once, as WhatsApp does
        media_id = served.fake.add_media(_jpeg(color), "image/jpeg")
        assert served.post(events.image_message(WA, media_id)).status_code == 200
    served.settle()
    texts = body_texts([s.payload for s in served.fake.sent[before:]])
    assert texts[0] == "Foto diterima (3 dari 5)."
    assert sum("Kirim laporan ini?" in t for t in texts) == 1, texts
    assert "Foto: 3" in dumps([s.payload for s in served.fake.sent[before:]])
    with transaction() as session:
        assert len(session.scalars(select(Attachment.id)).all()) == 3


def test_ikm_survey_as_a_list_inside_the_window(served: Served) -> None:
    """The nine questions: four answers and "Berhenti dulu" are five choices, more
    than WhatsApp's three reply buttons, so each question is a list whose rows fit."""
    number = _resolved_ticket(served)
    _rating_template(served)
    served.fake.open_window(WA)
    rating = f'/beri_nilai{{"nomor": "{number}", "nilai": 4}}'
    served.send(events.template_button_reply(WA, rating, "4"))
    offer = [p for p in served.say(WA, "lewati") if p["type"] == "interactive"][-1]
    assert "survei kepuasan" in offer["interactive"]["body"]["text"]
    take = reply_ids(offer)["Isi survei"]
    [question] = _lists(served.send(events.button_reply(WA, take, "Isi survei")))
    assert "Pertanyaan 1 dari 9" in question["interactive"]["body"]["text"]
    rows = _rows(question)
    assert [r["title"] for r in rows] == [
        "1 · Tidak sesuai", "2 · Kurang sesuai", "3 · Sesuai", "4 · Sangat sesuai",
        "Berhenti dulu",
    ]  # fmt: skip
    for answer in range(8):  # U1-U8 by list rows
        row = _rows(question)[3 if answer % 2 else 2]
        [question] = _lists(served.send(events.list_reply(WA, row["id"], row["title"])))
    # U9's long answers: short row titles, the full answer as the description.
    last = _rows(question)
    assert all(len(r["title"]) <= 24 and len(r.get("description", "")) <= 72 for r in last)
    assert (last[1]["title"], last[1]["description"]) == (
        "2 · Ada, tak berfungsi",
        "2 · Ada tetapi tidak berfungsi",
    )
    done = body_texts(served.send(events.list_reply(WA, last[3]["id"], last[3]["title"])))
    assert any("sudah lengkap" in t for t in done), done
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        scores = session.scalars(
            select(IkmAnswer.score).where(IkmAnswer.ticket_id == ticket.id).order_by(IkmAnswer.id)
        ).all()
    assert scores == [3, 4, 3, 4, 3, 4, 3, 4, 4]
