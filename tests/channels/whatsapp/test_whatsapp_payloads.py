"""WhatsApp Cloud API: message payloads within Meta's limits, and webhook security."""

from __future__ import annotations

from channels.whatsapp.payloads import (
    MAX_BODY,
    MAX_BUTTON_TITLE,
    MAX_ROW_TITLE,
    MAX_TEXT,
    Labels,
    image_payload,
    payloads_for,
    template_payload,
)
from channels.whatsapp.signature import sign, signature_valid, verification_challenge
from dialogue.messages import Button, Outbound, Venue

TO = "6281234567890"
LABELS = Labels(list_button="Pilih", choose="Silakan pilih:", send_location="📍 Kirim lokasi")


def _common(payload: dict) -> None:
    assert payload["messaging_product"] == "whatsapp"
    assert payload["recipient_type"] == "individual"
    assert payload["to"] == TO


def test_plain_text() -> None:
    [payload] = payloads_for(TO, Outbound(text="Laporan Anda sudah kami terima."), LABELS)
    _common(payload)
    assert payload["type"] == "text"
    assert payload["text"] == {"body": "Laporan Anda sudah kami terima.", "preview_url": False}


def test_up_to_three_short_buttons_are_reply_buttons() -> None:
    buttons = [Button("Ya, kirim", "/affirm"), Button("Kirim rahasia", '/affirm{"rahasia": true}'),
               Button("Tidak", "/deny")]  # fmt: skip
    [payload] = payloads_for(TO, Outbound(text="Kirim laporan ini?", buttons=buttons), LABELS)
    _common(payload)
    interactive = payload["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"] == {"text": "Kirim laporan ini?"}
    replies = [b["reply"] for b in interactive["action"]["buttons"]]
    assert replies[1] == {"id": '/affirm{"rahasia": true}', "title": "Kirim rahasia"}
    assert all(b["type"] == "reply" and len(b["reply"]["title"]) <= 20
               for b in interactive["action"]["buttons"])  # fmt: skip


def test_more_or_longer_choices_become_a_list() -> None:
    categories = [
        Button(f"Kategori nomor {i} yang panjang sekali", f"/pilih_{i}") for i in range(14)
    ]
    [payload] = payloads_for(TO, Outbound(text="Pilih kategorinya:", buttons=categories), LABELS)
    interactive = payload["interactive"]
    assert interactive["type"] == "list"
    action = interactive["action"]
    assert action["button"] == "Pilih"
    rows = action["sections"][0]["rows"]
    assert len(rows) == 10
    assert all(len(r["title"]) <= MAX_ROW_TITLE for r in rows)
    assert rows[0]["id"] == "/pilih_0"
    assert len(max((b.title for b in categories), key=len)) > MAX_BUTTON_TITLE


def test_long_text_goes_first_then_a_short_interactive_body() -> None:
    text = "x" * (MAX_BODY + 10)
    payloads = payloads_for(TO, Outbound(text=text, buttons=[Button("Detail", "/d")]), LABELS)
    assert [p["type"] for p in payloads] == ["text", "interactive"]
    assert payloads[0]["text"]["body"] == text
    assert payloads[1]["interactive"]["body"]["text"] == "Silakan pilih:"


def test_very_long_text_is_split_at_line_breaks() -> None:
    lines = [f"{i}. " + " ".join(["syarat"] * 60) for i in range(20)]  # about 8,500 chars
    payloads = payloads_for(TO, Outbound(text="\n".join(lines)), LABELS)
    bodies = [p["text"]["body"] for p in payloads]
    assert len(bodies) == 3 and all(len(b) <= MAX_TEXT for b in bodies)
    assert "\n".join(bodies) == "\n".join(lines)  # nothing lost, no line cut in two


def test_choice_and_location_request_are_two_messages() -> None:
    message = Outbound(text="Di mana lokasinya?", buttons=[Button("Batal", "/batal")],
                       request_location=True)  # fmt: skip
    choice, ask = payloads_for(TO, message, LABELS)
    assert choice["interactive"]["type"] == "button"
    assert ask["interactive"]["type"] == "location_request_message"
    assert ask["interactive"]["body"]["text"] == "📍 Kirim lokasi"


def test_image_and_template() -> None:
    assert image_payload(TO, "media-1")["image"] == {"id": "media-1"}
    news = "Kabar laporan:\n\nSedang    dikerjakan "
    payload = template_payload(TO, "laporin_status_laporan", "id", ["LPG-2026-000001", news])
    assert payload["type"] == "template"
    template = payload["template"]
    assert template["name"] == "laporin_status_laporan" and template["language"] == {"code": "id"}
    texts = [p["text"] for p in template["components"][0]["parameters"]]
    # Meta refuses parameters with newlines, tabs or more than four spaces in a row.
    assert texts == ["LPG-2026-000001", "Kabar laporan: Sedang dikerjakan"]


def test_location_request_and_venue() -> None:
    [ask] = payloads_for(TO, Outbound(text="Kirim lokasi Anda", request_location=True), LABELS)
    assert ask["interactive"] == {
        "type": "location_request_message",
        "body": {"text": "Kirim lokasi Anda"},
        "action": {"name": "send_location"},
    }
    venue = Venue(-5.11, 105.31, "MPP Kota Metro", "Gedung Sesat Agung")
    payloads = payloads_for(TO, Outbound(text="1. MPP Kota Metro", venue=venue), LABELS)
    assert [p["type"] for p in payloads] == ["text", "location"]
    expected = {"latitude": -5.11, "longitude": 105.31, "name": "MPP Kota Metro",
                "address": "Gedung Sesat Agung"}  # fmt: skip
    assert payloads[1]["location"] == expected


def test_signature() -> None:
    body = b'{"object": "whatsapp_business_account"}'
    header = sign(body, "app-secret")
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert signature_valid(body, header, "app-secret")
    assert not signature_valid(body + b" ", header, "app-secret")
    assert not signature_valid(body, header, "other-secret")
    assert not signature_valid(body, None, "app-secret")
    assert not signature_valid(body, "md5=abc", "app-secret")
    assert not signature_valid(body, header, "")


def test_verification_handshake() -> None:
    good = {"hub.mode": "subscribe", "hub.verify_token": "rahasia", "hub.challenge": "1158201444"}
    assert verification_challenge(good, "rahasia") == "1158201444"
    assert verification_challenge({**good, "hub.verify_token": "salah"}, "rahasia") is None
    assert verification_challenge({**good, "hub.mode": "unsubscribe"}, "rahasia") is None
    assert verification_challenge(good, "") is None
