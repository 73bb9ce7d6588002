"""Lists of any length and templates with quick replies, as the WhatsApp payloads
build them, checked against the fake Graph API's rules (Meta's limits)."""

from __future__ import annotations

from typing import Any

import pytest

from channels.whatsapp.payloads import Labels, fit_words, payloads_for, template_payload
from dialogue.messages import Button, Outbound, more_choices_payload, more_choices_start
from tests.channels.whatsapp.test_fake_graph import TO, error_code, send
from tests.support.fake_graph import FakeGraph

LABELS = Labels(
    list_button="Pilih",
    choose="Silakan pilih:",
    send_location="Kirim lokasi",
    more="Pilihan berikutnya",
    more_description="Tampilkan pilihan berikutnya",
)
FASILITAS = "Fasilitas umum rusak (WC umum, taman, halte, trotoar)"


def _buttons(count: int) -> list[Button]:
    return [
        Button(f"Pilihan nomor {i} yang judulnya panjang sekali", f"/p{i}") for i in range(count)
    ]


def _rows(payload: dict[str, Any]) -> list[dict[str, str]]:
    return [r for s in payload["interactive"]["action"]["sections"] for r in s["rows"]]


@pytest.mark.parametrize("count", [4, 10, 11, 15, 27])
def test_every_choice_is_on_some_page_and_meta_accepts_each(count: int) -> None:
    fake = FakeGraph()
    buttons, seen, start = _buttons(count), [], 0
    while True:
        [payload] = payloads_for(TO, Outbound("Pilih:", buttons, page_start=start), LABELS)
        assert send(fake, payload).status_code == 200, fake.violations
        rows = _rows(payload)
        assert len(rows) <= 10
        seen += [r["id"] for r in rows if more_choices_start(r["id"]) is None]
        nxt = more_choices_start(rows[-1]["id"])
        if nxt is None:
            break
        assert rows[-1]["title"] == "Pilihan berikutnya" and nxt == start + 9
        start = nxt
    assert seen == [b.payload for b in buttons]
    assert fake.violations == []


def test_long_titles_use_the_short_one_or_whole_words() -> None:
    rows = _rows(payloads_for(TO, Outbound("Pilih:", [
        Button(FASILITAS, "/a", "Fasilitas umum rusak"),
        Button("Pelayanan di kantor pemerintah", "/b"),
        Button("Ya", "/c"), Button("Tidak", "/d"),
    ]), LABELS)[0])  # fmt: skip
    assert rows[0] == {
        "id": "/a",
        "title": "Fasilitas umum rusak",
        "description": "Fasilitas umum rusak (WC umum, taman, halte, trotoar)",
    }
    assert rows[1]["title"] == "Pelayanan di kantor…"  # cut after a whole word
    assert rows[1]["description"] == "Pelayanan di kantor pemerintah"
    assert "description" not in rows[2]
    assert fit_words("Lingkungan (pencemaran, pohon tumbang)", 24) == "Lingkungan (pencemaran…"


def test_more_choices_payload_round_trip() -> None:
    assert more_choices_start(more_choices_payload(18)) == 18
    assert more_choices_start('/pilih_kategori{"kategori": "sampah"}') is None


def test_quick_reply_template_is_accepted_and_checked() -> None:
    fake = FakeGraph()
    payloads = [f'/beri_nilai{{"nomor": "LPG-2026-000001", "nilai": {n}}}' for n in range(1, 6)]
    payloads.append('/buka_kembali{"nomor": "LPG-2026-000001"}')
    good = template_payload(TO, "laporin_laporan_selesai", "id", ["LPG-2026-000001", "Selesai"],
                            payloads)  # fmt: skip
    assert send(fake, good).status_code == 200
    too_many = template_payload(TO, "laporin_laporan_selesai", "id", ["LPG-1", "x"],
                                [*payloads, "/affirm"])  # fmt: skip
    response = send(fake, too_many)
    assert (response.status_code, error_code(response)) == (400, 132018)
    # The status template has no buttons: a quick reply there is refused.
    no_buttons = template_payload(TO, "laporin_status_laporan", "id", ["LPG-1", "x"], ["/a"])
    assert error_code(send(fake, no_buttons)) == 132018
    assert len(fake.violations) == 2
