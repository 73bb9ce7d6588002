"""The summary's seven choices on WhatsApp (issue 14, finding 3): a valid list
message (the fake Graph API refuses anything outside Meta's shapes), each row a
working choice; the cancel question as reply buttons."""

from __future__ import annotations

from typing import Any

import pytest

from channels.whatsapp.payloads import MAX_BUTTON_TITLE, MAX_ROW_TITLE
from core.db import transaction
from tests.support import webhook_events as events
from tests.support.whatsapp_harness import Served, body_texts, dumps, reply_ids
from tickets.serialize import ticket_to_dict
from tickets.service import list_tickets

WA = "6281298765432"
RAJABASA = (-5.3719, 105.2393)
KEDATON = (-5.4000, 105.2600)
CHOICES = ["Ya, kirim", "Kirim rahasia", "Ubah kategori", "Ubah uraian", "Ubah lokasi",
           "Ubah foto", "Batal"]  # fmt: skip


def _choice(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    return next(p for p in payloads if p["type"] == "interactive"
                and p["interactive"]["type"] in ("list", "button"))  # fmt: skip


def test_summary_choices_are_a_valid_list_and_each_works(served: Served) -> None:
    served.say(WA, "sampah numpuk di pinggir jalan udah seminggu gak diangkut")
    served.send(events.location_message(WA, *RAJABASA))
    summary = served.say(WA, "lewati")
    choice = _choice(summary)
    assert choice["interactive"]["type"] == "list"  # more than three choices
    rows = reply_ids(choice)
    assert list(rows) == CHOICES
    assert all(len(title) <= MAX_ROW_TITLE for title in rows)

    again = served.send(events.list_reply(WA, rows["Ubah lokasi"], "Ubah lokasi"))
    pin_request = next(p for p in again if p["type"] == "interactive")
    assert pin_request["interactive"]["type"] == "location_request_message"
    summary = served.send(events.location_message(WA, *KEDATON))
    assert "Penengahan" in dumps(summary) and "Kategori: Sampah" in dumps(summary)

    cancel = _choice(served.say(WA, "tidak"))
    assert cancel["interactive"]["type"] == "button"  # two choices: reply buttons
    buttons = reply_ids(cancel)
    assert list(buttons) == ["Ya, batalkan", "Tidak, ubah laporan"]
    assert all(len(title) <= MAX_BUTTON_TITLE for title in buttons)
    summary = served.send(events.button_reply(WA, buttons["Tidak, ubah laporan"],
                                              "Tidak, ubah laporan"))  # fmt: skip
    rows = reply_ids(_choice(summary))
    done = body_texts(served.send(events.list_reply(WA, rows["Ya, kirim"], "Ya, kirim")))
    assert any("sudah kami terima" in t for t in done), done
    with transaction() as session:
        (ticket,) = [ticket_to_dict(t) for t in list_tickets(session=session)]
    assert ticket["category"] == "sampah"
    assert ticket["latitude"] == pytest.approx(KEDATON[0])
