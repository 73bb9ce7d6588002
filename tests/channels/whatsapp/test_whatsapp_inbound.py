"""Webhook bodies -> messages, statuses and Inbound (channels/whatsapp/inbound.py)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from channels.whatsapp.client import GraphClient, MediaInfo
from channels.whatsapp.inbound import (
    MAX_DOWNLOAD_BYTES,
    IncomingMessage,
    IncomingStatus,
    parse_body,
    to_inbound,
)
from dialogue.messages import INVALID_LOCATION, MEDIA_TOO_LARGE, GeoPoint, Inbound
from tests.support import webhook_events as events
from tests.support.fake_graph import FakeGraph

WA = "6281234567890"


@pytest.fixture
def fake() -> FakeGraph:
    return FakeGraph()


@pytest.fixture
def client(fake: FakeGraph) -> Iterator[GraphClient]:
    client = GraphClient(
        base_url=fake.base_url, version=fake.version, phone_number_id=fake.phone_number_id,
        access_token=fake.access_token, transport=httpx.ASGITransport(app=fake.app),
    )  # fmt: skip
    yield client
    asyncio.run(client.aclose())


def _one(body: dict[str, object], fake: FakeGraph) -> IncomingMessage:
    [item] = parse_body(body, phone_number_id=fake.phone_number_id)
    assert isinstance(item, IncomingMessage)
    return item


def _inbound(body: dict[str, object], fake: FakeGraph, client: GraphClient, tmp: Path) -> Inbound:
    result = asyncio.run(to_inbound(_one(body, fake), client, download_dir=tmp))
    assert result is not None
    return result


def test_text_with_sender_name(fake: FakeGraph, client: GraphClient, tmp_path: Path) -> None:
    body = events.text_message(WA, "jalan rusak", name="Rini")
    message = _one(body, fake)
    assert (message.wa_id, message.type, message.name) == (WA, "text", "Rini")
    inbound = _inbound(body, fake, client, tmp_path)
    assert (inbound.channel, inbound.user_key, inbound.text) == ("whatsapp", WA, "jalan rusak")
    assert inbound.update_id == message.message_id and inbound.display_name == "Rini"


def test_location(fake: FakeGraph, client: GraphClient, tmp_path: Path) -> None:
    inbound = _inbound(events.location_message(WA, -5.37, 105.24), fake, client, tmp_path)
    assert inbound.location == GeoPoint(-5.37, 105.24)


def test_image_is_downloaded_with_the_token(
    fake: FakeGraph, client: GraphClient, tmp_path: Path
) -> None:
    media_id = fake.add_media(b"\xff\xd8 jpeg bytes", "image/jpeg")
    body = events.image_message(WA, media_id, caption="lubang besar")
    inbound = _inbound(body, fake, client, tmp_path)
    assert inbound.photo is not None and inbound.text == "lubang besar"
    assert Path(inbound.photo.path).read_bytes() == b"\xff\xd8 jpeg bytes"
    assert inbound.photo.mime_type == "image/jpeg"
    downloads = [r for r in fake.requests if r.path.startswith("/media-download/")]
    assert downloads and downloads[0].headers["authorization"] == f"Bearer {fake.access_token}"


def test_document_goes_to_the_photo_check(
    fake: FakeGraph, client: GraphClient, tmp_path: Path
) -> None:
    media_id = fake.add_media(b"%PDF-1.4", "application/pdf")
    body = events.document_message(WA, media_id, filename="surat.pdf")
    inbound = _inbound(body, fake, client, tmp_path)
    assert inbound.photo is not None and inbound.photo.file_name == "surat.pdf"


def test_media_that_cannot_be_fetched_is_unsupported(
    fake: FakeGraph, client: GraphClient, tmp_path: Path
) -> None:
    inbound = _inbound(events.image_message(WA, "no-such-media"), fake, client, tmp_path)
    assert inbound.unsupported == "image_unavailable" and inbound.photo is None
    huge = fake.add_media(b"x" * (MAX_DOWNLOAD_BYTES + 1), "image/jpeg")
    inbound = _inbound(events.image_message(WA, huge), fake, client, tmp_path)
    # Too large is said as such ("terlalu besar"), not as "cannot process".
    assert inbound.unsupported == MEDIA_TOO_LARGE and inbound.photo is None
    assert not list(tmp_path.iterdir())  # nothing half-written left behind


def test_button_and_list_replies(fake: FakeGraph, client: GraphClient, tmp_path: Path) -> None:
    pressed = _inbound(events.button_reply(WA, "/affirm", "Ya, kirim"), fake, client, tmp_path)
    assert pressed.button_payload == "/affirm"
    row = _inbound(events.list_reply(WA, '/pilih_kategori{"kategori": "sampah"}', "Sampah"),
                   fake, client, tmp_path)  # fmt: skip
    assert row.button_payload == '/pilih_kategori{"kategori": "sampah"}'
    # A row whose payload was too long carries the button's title: read as typed text.
    titled = _inbound(events.list_reply(WA, "Sampah menumpuk", "Sampah menumpuk"),
                      fake, client, tmp_path)  # fmt: skip
    assert (titled.button_payload, titled.text) == (None, "Sampah menumpuk")


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (events.sticker_message(WA, "s1"), "sticker"),
        (events.audio_message(WA, "a1"), "audio"),
        (events.unsupported_message(WA), "unsupported"),
    ],
)
def test_other_types_are_unsupported(
    body: dict[str, object], kind: str, fake: FakeGraph, client: GraphClient, tmp_path: Path
) -> None:
    assert _inbound(body, fake, client, tmp_path).unsupported == kind


def test_reactions_need_no_answer(fake: FakeGraph, client: GraphClient, tmp_path: Path) -> None:
    message = _one(events.reaction_message(WA, "wamid.ours"), fake)
    assert asyncio.run(to_inbound(message, client, download_dir=tmp_path)) is None


def test_statuses_and_several_changes_in_one_body(fake: FakeGraph) -> None:
    body = events.combine(
        events.text_message(WA, "satu"),
        events.status_update(WA, "wamid.A", "failed", errors=[events.status_error(131047)]),
        events.text_message("6289876543210", "dua"),
    )
    items = parse_body(body, phone_number_id=fake.phone_number_id)
    assert [type(i).__name__ for i in items] == ["IncomingMessage", "IncomingStatus",
                                                 "IncomingMessage"]  # fmt: skip
    status = items[1]
    assert isinstance(status, IncomingStatus)
    assert (status.message_id, status.status, status.error_code) == ("wamid.A", "failed", 131047)
    # Another number of the same business account is not ours to answer.
    other = events.text_message(WA, "halo", phone_number_id="999")
    assert parse_body(other, phone_number_id=fake.phone_number_id) == []


def test_message_without_a_sender_number_is_skipped_with_a_warning(
    fake: FakeGraph, caplog: pytest.LogCaptureFixture
) -> None:
    body = events.text_message(WA, "halo")
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]
    message["from_user_id"] = "ID.1502576394655843"  # a username user: number withheld
    del message["from"]
    assert parse_body(body, phone_number_id=fake.phone_number_id) == []
    assert message["id"] in caplog.text and "no sender number" in caplog.text


def test_media_over_the_cap_without_a_size_is_too_large(
    fake: FakeGraph, client: GraphClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The download itself stops at the cap when the announced size is missing."""
    import channels.whatsapp.inbound as inbound_module

    monkeypatch.setattr(inbound_module, "MAX_DOWNLOAD_BYTES", 10)
    media_id = fake.add_media(b"x" * 11, "image/jpeg")
    original = client.media_info

    async def no_size(media: str) -> MediaInfo:
        return dataclasses.replace(await original(media), file_size=None)

    monkeypatch.setattr(client, "media_info", no_size)
    body = events.image_message(WA, media_id, caption="foto")
    inbound = _inbound(body, fake, client, tmp_path)
    assert inbound.unsupported == MEDIA_TOO_LARGE
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "point", [("NaN", "105.2"), ("-5.3", "Infinity"), ("1e400", "105.2"), ("x", "1"), (None, 2)]
)
def test_a_location_that_is_no_number_is_an_invalid_pin(
    point: tuple[object, object], fake: FakeGraph, client: GraphClient, tmp_path: Path
) -> None:
    body = events.location_message(WA, 0.0, 0.0)
    location = body["entry"][0]["changes"][0]["value"]["messages"][0]["location"]
    location["latitude"], location["longitude"] = point
    inbound = _inbound(body, fake, client, tmp_path)
    if inbound.location is not None:  # "NaN" parses: the engine's sanitizer refuses it
        from dialogue.sanitize import sanitize_inbound

        inbound = sanitize_inbound(inbound)
    assert inbound.location is None and inbound.unsupported == INVALID_LOCATION
