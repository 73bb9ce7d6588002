"""A location typed on WhatsApp (WhatsApp Web cannot share a pin): the kabupaten/kota
choice as two list messages of at most 10 rows, titles whole within 24 characters."""

from __future__ import annotations

from typing import Any

from core.db import transaction
from tests.support import webhook_events as events
from tests.support.whatsapp_harness import Served, body_texts, reply_ids
from tickets.service import get_ticket_by_number

WA = "6281298765432"
ADDRESS = "jl. ZA Pagar Alam depan Unila"


def _list(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    [choice] = [p for p in payloads if p["type"] == "interactive"]
    assert choice["interactive"]["type"] == "list"
    return choice


def test_an_unknown_address_and_the_kabupaten_from_the_second_list(
    served: Served,
) -> None:
    served.say(WA, "sampah numpuk di pinggir jalan sudah seminggu tidak diangkut")
    guide = body_texts(served.say(WA, "pake wa web, ga bisa kirim lokasi"))
    assert any("Ketik saja alamat lokasinya" in t for t in guide), guide
    first = _list(served.say(WA, ADDRESS))
    rows = reply_ids(first)
    assert len(rows) == 10 and "Kota Bandar Lampung" in rows and "Kab/kota lainnya" in rows
    second = _list(served.send(events.list_reply(WA, rows["Kab/kota lainnya"], "Kab/kota lainnya")))
    more = reply_ids(second)
    assert len(more) == 7 and "Kab. Tulang Bawang Barat" in more and "Sebelumnya" in more
    # All 15 kabupaten/kota, each title whole (none cut with "…").
    titles = [t for t in (*rows, *more) if t.startswith(("Kota ", "Kab. "))]
    assert len(titles) == 15 and not any(t.endswith("…") for t in titles)
    noted = body_texts(served.send(events.list_reply(WA, more["Kab. Pesawaran"], "Kab. Pesawaran")))
    assert any(f'"{ADDRESS}", Kabupaten Pesawaran' in t for t in noted), noted
    served.send(events.button_reply(WA, "/lewati", "Lewati"))
    done = body_texts(served.say(WA, "ya"))
    number = next(t for t in done if "sudah kami terima" in t).split("nomor ")[1].split(".")[0]
    with transaction() as session:
        ticket = get_ticket_by_number(session=session, number=number)
        assert ticket is not None
        assert (ticket.location_source, ticket.region_code, ticket.address_text) == (
            "address", "pesawaran", ADDRESS,
        )  # fmt: skip


def test_one_place_matched_gets_two_reply_buttons(served: Served) -> None:
    served.say(WA, "jalan depan rumah saya berlubang besar, motor sering jatuh")
    offer = served.say(WA, "kel rajabasa raya")
    [buttons] = [p for p in offer if p["type"] == "interactive"]
    assert buttons["interactive"]["type"] == "button"
    ids = reply_ids(buttons)
    assert set(ids) == {"Ya, betul", "Bukan"}
    noted = body_texts(served.send(events.button_reply(WA, ids["Ya, betul"], "Ya, betul")))
    assert any("Kel. Rajabasa Raya, Kec. Rajabasa, Kota Bandar Lampung" in t for t in noted)
