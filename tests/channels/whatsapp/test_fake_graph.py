"""The fake Graph API itself: it accepts what Meta documents and refuses what Meta refuses.

If these pass, a client test that ends with `fake.violations == []` means something.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import io
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from PIL import Image

from channels.whatsapp.payloads import Labels, payloads_for
from channels.whatsapp.signature import signature_valid
from dialogue.messages import Button, Outbound, Venue
from tests.support import webhook_events as events
from tests.support.fake_graph import FakeGraph

TO = "6281234567890"
TOKEN = "test-access-token"
MESSAGES = "/v26.0/109000000000001/messages"
MEDIA = "/v26.0/109000000000001/media"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WA_FORM = {"messaging_product": "whatsapp"}


def request(
    fake: FakeGraph, method: str, url: str, *, headers: dict[str, str] | None = None, **kwargs: Any
) -> httpx.Response:
    async def main() -> httpx.Response:
        transport = httpx.ASGITransport(app=fake.app)
        async with httpx.AsyncClient(transport=transport, base_url=fake.base_url) as client:
            return await client.request(
                method, url, headers=AUTH if headers is None else headers, **kwargs
            )

    return asyncio.run(main())


def send(fake: FakeGraph, payload: dict[str, Any]) -> httpx.Response:
    return request(fake, "POST", MESSAGES, json=payload)


def error_code(response: httpx.Response) -> int:
    return int(response.json()["error"]["code"])


def text(body: str = "Laporan Anda sudah kami terima.") -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": TO,
            "type": "text", "text": {"body": body, "preview_url": False}}  # fmt: skip


def buttons(*titles: str) -> dict[str, Any]:
    replies = [
        {"type": "reply", "reply": {"id": f"/b{i}", "title": t}} for i, t in enumerate(titles)
    ]
    interactive = {"type": "button", "body": {"text": "Kirim laporan ini?"},
                   "action": {"buttons": replies}}  # fmt: skip
    return {"messaging_product": "whatsapp", "to": TO, "type": "interactive",
            "interactive": interactive}  # fmt: skip


def list_message(*row_titles: str) -> dict[str, Any]:
    rows = [{"id": f"/pilih_{i}", "title": t} for i, t in enumerate(row_titles)]
    action = {"button": "Pilih", "sections": [{"title": "Umum", "rows": rows}]}
    interactive = {"type": "list", "header": {"type": "text", "text": "Kategori"},
                   "body": {"text": "Pilih kategorinya:"}, "footer": {"text": "Laporin"},
                   "action": action}  # fmt: skip
    return {"messaging_product": "whatsapp", "to": TO, "type": "interactive",
            "interactive": interactive}  # fmt: skip


def template(
    *params: str, name: str = "laporin_status_laporan", code: str = "id"
) -> dict[str, Any]:
    parameters = [{"type": "text", "text": p} for p in params]
    body = {"name": name, "language": {"code": code},
            "components": [{"type": "body", "parameters": parameters}]}  # fmt: skip
    return {"messaging_product": "whatsapp", "to": TO, "type": "template", "template": body}


LOCATION_REQUEST = {
    "messaging_product": "whatsapp", "recipient_type": "individual", "to": TO,
    "type": "interactive",
    "interactive": {"type": "location_request_message", "body": {"text": "Kirim lokasi Anda"},
                    "action": {"name": "send_location"}},
}  # fmt: skip
LOCATION = {
    "messaging_product": "whatsapp", "to": "+" + TO, "type": "location",
    "location": {"latitude": -5.11, "longitude": 105.31, "name": "MPP Kota Metro",
                 "address": "Gedung Sesat Agung"},
}  # fmt: skip


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "payload",
    [text(), buttons("Ya, kirim", "Kirim rahasia", "Tidak"), list_message("Jalan rusak", "Sampah"),
     LOCATION_REQUEST, LOCATION, template("LPR-0001", "Sedang ditangani")],
    ids=["text", "buttons", "list", "location_request", "location", "template"],
)  # fmt: skip
def test_valid_messages_are_accepted(payload: dict[str, Any]) -> None:
    fake = FakeGraph()
    response = send(fake, payload)
    assert response.status_code == 200, response.text
    body = response.json()
    [message] = body["messages"]
    assert message["id"].startswith("wamid.")
    assert body["contacts"] == [{"input": payload["to"], "wa_id": TO}]
    assert ("message_status" in message) == (payload["type"] == "template")
    assert fake.violations == []
    assert [(m.id, m.payload) for m in fake.sent] == [(message["id"], payload)]
    assert fake.last_to(TO).id == message["id"]


def test_mark_read_with_typing_indicator() -> None:
    fake = FakeGraph()
    receipt = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.ABC=",
               "typing_indicator": {"type": "text"}}  # fmt: skip
    response = send(fake, receipt)
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert fake.read_receipts == ["wamid.ABC="]
    assert fake.sent == [] and fake.violations == []
    bad = send(fake, {**receipt, "typing_indicator": {"type": "audio"}})
    assert error_code(bad) == 100 and len(fake.violations) == 1


def test_what_laporin_sends_is_accepted() -> None:
    labels = Labels(list_button="Pilih", choose="Silakan pilih:", send_location="📍 Kirim lokasi")
    outbounds = [
        Outbound(text="x" * 5000, buttons=[Button("Detail", "/d")]),
        Outbound(text="Pilih:", buttons=[Button(f"Kategori nomor {i} yang panjang", f"/k{i}")
                                         for i in range(12)]),
        Outbound(text="Kirim lokasi Anda", request_location=True),
        Outbound(text="1. MPP", venue=Venue(-5.11, 105.31, "MPP Kota Metro", "Jl. AH Nasution")),
    ]  # fmt: skip
    fake = FakeGraph()
    for outbound in outbounds:
        for payload in payloads_for(TO, outbound, labels):
            assert send(fake, payload).status_code == 200
    assert fake.violations == []
    assert fake.texts_to(TO)[:3] == ["x" * 4096, "x" * 904, "Silakan pilih:"]


Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(payload: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = payload
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[last] = value

    return mutate


@pytest.mark.parametrize(
    ("payload", "mutate", "status", "code", "said"),
    [
        (buttons("A", "B", "C", "D"), None, 400, 100, "1 to 3 elements"),
        (buttons("A" * 21), None, 400, 100, "['title'] must be 1 to 20"),
        (buttons("Sama", "Sama"), None, 400, 100, "titles must be unique"),
        (list_message("x" * 25), None, 400, 100, "['title'] must be 1 to 24"),
        (list_message(*"abcdefghijk"), None, 400, 100, "1 to 10 elements"),
        (text(), lambda p: p.pop("messaging_product"), 400, 100, "messaging_product"),
        (text(), _set("recipient_type", "group"), 400, 100, "individual"),
        (text(), _set("to", "0812-345"), 400, 100, "phone number"),
        (text(""), None, 400, 100, "1 to 4096"),
        (text(), _set("text.preview_url", "no"), 400, 100, "boolean"),
        (text(), _set("text.extra", 1), 400, 100, 'Unexpected key "extra"'),
        (LOCATION, _set("location.latitude", "-5.1"), 400, 100, "number"),
        (LOCATION_REQUEST, _set("interactive.action", {"name": "send"}), 400, 100, "send_location"),
        (template("LPR-1", "Baris satu\nbaris dua"), None, 400, 132018, "new-line"),
        (template("LPR-1", "lima     spasi"), None, 400, 132018, "consecutive spaces"),
        (template("LPR-1", " "), None, 400, 100, "cannot be empty"),
        (template("LPR-1"), None, 400, 132000, "localizable_params (1)"),
        (template("a", "b", name="promo_lebaran"), None, 404, 132001, "promo_lebaran"),
        (template("a", "b", code="en_US"), None, 404, 132001, "does not exist in en_US"),
        ({**text(), "type": "sticker"}, None, 400, 100, "not supported by this fake"),
    ],
    ids=["4-buttons", "21-char-button", "same-titles", "25-char-row", "11-rows",
         "no-messaging_product", "group", "bad-to", "empty-text", "preview_url",
         "unknown-key", "string-latitude", "location-action", "template-newline",
         "template-spaces", "template-empty", "template-count", "unknown-template",
         "template-language", "sticker"],
)  # fmt: skip
def test_invalid_messages_are_refused(
    payload: dict[str, Any], mutate: Mutation | None, status: int, code: int, said: str
) -> None:
    fake = FakeGraph()
    payload = copy.deepcopy(payload)
    if mutate is not None:
        mutate(payload)
    response = send(fake, payload)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["type"] == "OAuthException" and error["fbtrace_id"]
    assert error["message"].startswith(f"(#{code})")
    assert said in error["error_data"]["details"]
    assert error["error_data"]["messaging_product"] == "whatsapp"
    assert fake.sent == []
    [violation] = fake.violations
    assert f"({code})" in violation


def test_requests_need_the_token_version_and_phone_number() -> None:
    fake = FakeGraph()
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = request(fake, "POST", MESSAGES, json=text(), headers=headers)
        assert (response.status_code, error_code(response)) == (401, 190)
    wrong_version = request(fake, "POST", "/v19.0/109000000000001/messages", json=text())
    wrong_phone = request(fake, "POST", "/v26.0/999/messages", json=text())
    assert (wrong_version.status_code, error_code(wrong_version)) == (400, 100)
    assert (wrong_phone.status_code, error_code(wrong_phone)) == (400, 100)
    assert wrong_phone.json()["error"]["error_subcode"] == 33
    form = request(fake, "POST", MESSAGES, data={"to": TO})
    assert error_code(form) == 100
    assert fake.sent == [] and len(fake.violations) == 5
    assert [r.json for r in fake.requests[:1]] == [text()]
    assert fake.requests[0].headers.get("authorization") is None


def test_closed_window_refuses_free_form_but_not_templates() -> None:
    fake = FakeGraph()
    fake.close_window("+" + TO)
    refused = send(fake, text())
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert (error["code"], error["message"]) == (131047, "(#131047) Re-engagement message")
    assert "more than 24 hours have passed" in error["error_data"]["details"]
    assert send(fake, buttons("Ya")).status_code == 400
    assert send(fake, template("LPR-0001", "Selesai")).status_code == 200
    fake.open_window(TO)
    assert send(fake, text()).status_code == 200
    assert [m.type for m in fake.sent] == ["template", "text"]
    # Meta's refusal, not the client's mistake: listed, but not as a violation.
    assert fake.violations == []
    assert [r.code for r in fake.rejections] == [131047, 131047]


def test_injected_rate_limit_then_success() -> None:
    fake = FakeGraph()
    fake.fail_next(130429, times=2)
    first, second, third = (send(fake, text()) for _ in range(3))
    assert (first.status_code, error_code(first)) == (429, 130429)
    assert first.json()["error"]["message"] == "(#130429) Rate limit hit"
    assert first.json()["error"]["error_data"]["details"] == (
        "Cloud API message throughput has been reached."
    )
    assert error_code(second) == 130429
    assert third.status_code == 200
    assert len(fake.sent) == 1 and fake.violations == []


def test_injected_errors_skip_read_receipts_and_support_5xx() -> None:
    fake = FakeGraph()
    fake.fail_next(131000, http_status=503)
    receipt = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.X="}
    assert send(fake, receipt).status_code == 200
    outage = send(fake, text())
    assert (outage.status_code, error_code(outage)) == (503, 131000)
    fake.fail_next(131056, message="custom")
    pair = send(fake, text())
    assert (pair.status_code, pair.json()["error"]["message"]) == (400, "custom")
    # An invalid payload is refused for itself and does not use up an injected error.
    fake.fail_next(131026)
    assert error_code(send(fake, buttons())) == 100
    assert error_code(send(fake, text())) == 131026
    assert send(fake, text()).status_code == 200


def test_media_lookup_and_download_need_the_token() -> None:
    fake = FakeGraph()
    data = png()
    media_id = fake.add_media(data, "image/png")
    info = request(fake, "GET", f"/v26.0/{media_id}", params={"phone_number_id": "109000000000001"})
    assert info.status_code == 200
    body = info.json()
    assert body == {"messaging_product": "whatsapp", "url": body["url"], "mime_type": "image/png",
                    "sha256": hashlib.sha256(data).hexdigest(), "file_size": len(data),
                    "id": media_id}  # fmt: skip
    assert body["url"].startswith(f"{fake.base_url}/media-download/{media_id}?")
    refused = request(fake, "GET", body["url"], headers={})
    assert (refused.status_code, error_code(refused)) == (401, 190)
    assert fake.downloads == 0
    download = request(fake, "GET", body["url"])
    assert download.status_code == 200
    assert download.content == data and download.headers["content-type"] == "image/png"
    assert fake.downloads == 1
    unknown = request(fake, "GET", "/v26.0/123456")
    assert (unknown.status_code, error_code(unknown)) == (400, 100)
    assert unknown.json()["error"]["message"].startswith("Unsupported get request.")


def test_upload_then_send_the_image_by_id() -> None:
    fake = FakeGraph()
    data = png()
    form = {"messaging_product": "whatsapp", "type": "image/png"}
    uploaded = request(
        fake, "POST", MEDIA, data=form, files={"file": ("foto.png", data, "image/png")}
    )
    assert uploaded.status_code == 200, uploaded.text
    media_id = uploaded.json()["id"]
    assert fake.uploads == [media_id] and fake.media[media_id].data == data
    image = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": TO,
             "type": "image", "image": {"id": media_id, "caption": "Foto laporan"}}  # fmt: skip
    assert send(fake, image).status_code == 200
    unknown = send(fake, {**image, "image": {"id": "42"}})
    both = send(fake, {**image, "image": {"id": media_id, "link": "https://x.test/a.png"}})
    assert error_code(unknown) == error_code(both) == 100
    assert len(fake.sent) == 1 and len(fake.violations) == 2


@pytest.mark.parametrize(
    ("form", "file", "code"),
    [
        ({"type": "image/png"}, ("a.png", b"\x89PNG\r\n\x1a\n..", "image/png"), 100),
        ({**WA_FORM, "type": "image/gif"}, ("a.gif", b"GIF89a", "image/gif"), 100),
        ({**WA_FORM, "type": "image/jpeg"}, ("a.jpg", b"not a jpeg", "image/jpeg"), 131053),
        ({**WA_FORM, "type": "image/png"}, None, 100),
    ],
    ids=["no-messaging_product", "unsupported-type", "content-mismatch", "no-file"],
)  # fmt: skip
def test_bad_uploads_are_refused(
    form: dict[str, str], file: tuple[str, bytes, str] | None, code: int
) -> None:
    fake = FakeGraph()
    files = {"file": file} if file else {"other": ("x.txt", b"x", "text/plain")}
    response = request(fake, "POST", MEDIA, data=form, files=files)
    assert (response.status_code, error_code(response)) == (400, code)
    assert fake.uploads == [] and len(fake.violations) == 1


def test_unknown_paths_are_graph_errors() -> None:
    fake = FakeGraph()
    response = request(fake, "DELETE", "/v26.0/109000000000001/messages")
    assert (response.status_code, error_code(response)) == (400, 2500)
    assert fake.violations


def test_texts_to_and_last_to() -> None:
    fake = FakeGraph()
    send(fake, text("satu"))
    send(fake, buttons("Ya"))
    send(fake, {**text("lain"), "to": "628999999999"})
    send(fake, LOCATION)
    assert fake.texts_to(TO) == ["satu", "Kirim laporan ini?"]
    assert fake.last_to("+" + TO).type == "location"
    assert [m.text for m in fake.messages_to("628999999999")] == ["lain"]
    with pytest.raises(AssertionError):
        fake.last_to("620000000")


# --- webhook bodies ---------------------------------------------------------------------


def _value(body: dict[str, Any]) -> dict[str, Any]:
    [entry] = body["entry"]
    [change] = entry["changes"]
    assert body["object"] == "whatsapp_business_account" and change["field"] == "messages"
    assert change["value"]["messaging_product"] == "whatsapp"
    assert change["value"]["metadata"]["phone_number_id"] == FakeGraph().phone_number_id
    value: dict[str, Any] = change["value"]
    return value


def test_inbound_message_bodies() -> None:
    value = _value(events.text_message(TO, "halo", name="Budi", timestamp=1_790_000_000))
    assert value["contacts"] == [{"profile": {"name": "Budi"}, "wa_id": TO}]
    [message] = value["messages"]
    assert message["from"] == TO and message["id"].startswith("wamid.")
    assert (message["timestamp"], message["type"], message["text"]) == (
        "1790000000", "text", {"body": "halo"}
    )  # fmt: skip
    [tap] = _value(events.button_reply(TO, "/affirm", "Ya, kirim", context_id="wamid.Q="))[
        "messages"
    ]
    assert tap["context"]["id"] == "wamid.Q="
    assert tap["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "/affirm", "title": "Ya, kirim"},
    }
    [row] = _value(events.list_reply(TO, "/k1", "Jalan", "rusak"))["messages"]
    assert row["interactive"]["list_reply"] == {
        "id": "/k1",
        "title": "Jalan",
        "description": "rusak",
    }
    [pin] = _value(events.location_message(TO, -5.1, 105.3))["messages"]
    assert pin["location"] == {"latitude": -5.1, "longitude": 105.3}
    [photo] = _value(events.image_message(TO, "77", caption="lubang"))["messages"]
    assert photo["image"]["id"] == "77" and photo["image"]["caption"] == "lubang"
    [removed] = _value(events.reaction_message(TO, "wamid.R=", None))["messages"]
    assert removed["reaction"] == {"message_id": "wamid.R="}
    [odd] = _value(events.unsupported_message(TO))["messages"]
    assert odd["type"] == "unsupported" and odd["errors"][0]["code"] == 131051
    kinds = [events.document_message(TO, "1"), events.sticker_message(TO, "2"),
             events.audio_message(TO, "3")]  # fmt: skip
    assert [_value(b)["messages"][0]["type"] for b in kinds] == ["document", "sticker", "audio"]


def test_status_bodies() -> None:
    sent = _value(events.status_update(TO, "wamid.S=", "sent", timestamp=100))
    assert "contacts" not in sent and "messages" not in sent
    [status] = sent["statuses"]
    assert (status["id"], status["status"], status["recipient_id"]) == ("wamid.S=", "sent", TO)
    assert status["pricing"]["category"] == "service" and status["pricing"]["billable"] is False
    assert status["conversation"]["expiration_timestamp"] == str(100 + 24 * 3600)
    [failed] = _value(events.status_update(TO, "wamid.S=", "failed"))["statuses"]
    assert failed["errors"][0]["code"] == 131026 and "pricing" not in failed
    with pytest.raises(ValueError):
        events.status_update(TO, "wamid.S=", "read", errors=[events.status_error()])


def test_combine_batches_entries_and_changes() -> None:
    one, two = events.text_message(TO, "a"), events.text_message("628222", "b")
    other_waba = events.status_update(TO, "wamid.S=", "read", waba_id="999")
    body = events.combine(one, two, other_waba)
    assert [len(e["changes"]) for e in body["entry"]] == [2, 1]
    merged = events.combine(one, two, one_change=True)
    [entry] = merged["entry"]
    [change] = entry["changes"]
    assert [m["text"]["body"] for m in change["value"]["messages"]] == ["a", "b"]
    assert [c["wa_id"] for c in change["value"]["contacts"]] == [TO, "628222"]
    assert len(one["entry"][0]["changes"][0]["value"]["messages"]) == 1  # inputs untouched


def test_signed_body_is_what_meta_sends() -> None:
    body = events.reaction_message(TO, "wamid.R=", "👍")
    raw, headers = events.signed(body, "app-secret")
    assert json.loads(raw) == body
    assert b"\\ud83d\\udc4d" in raw  # escaped, as Meta sends it
    assert headers["Content-Type"] == "application/json"
    assert signature_valid(raw, headers["X-Hub-Signature-256"], "app-secret")
    assert not signature_valid(raw, headers["X-Hub-Signature-256"], "other-secret")
