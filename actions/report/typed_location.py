"""A location typed instead of a pin, for citizens who cannot share one (an old
phone, Telegram Desktop, WhatsApp Web).

While the form asks for the location, a text that names a place of the gazetteer
(knowledge/geo/gazetteer.py) is answered with the likeliest places as buttons; a
text that reads as an address but names no known place, or a "Bukan", leads to the
kabupaten/kota buttons, and the typed text is kept as the address. "ga bisa kirim
lokasi" gets the typing guidance. The step is kept in the `lokasi_ketik` slot and
asked by action_ask_lokasi. A pin sent at any point wins (location.py).

rasa-sdk keeps only the form's own slots from an `extract_` method, so extract()
returns the raw input as the value of `lokasi` ({"masukan": ...}) and resolve(), run
by validate_lokasi, turns it into a location or the next step.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.ask_cek_serupa import NONE_NEARBY
from actions.common import intent_name, response_text
from actions.report import places
from actions.report.common import MAX_DESCRIPTION_CHARS, requested
from knowledge.geo.gazetteer import default_gazetteer
from knowledge.geo.places import REGION, Place
from tickets.enums import LocationSource

SLOT = "lokasi_ketik"
RAW = "masukan"  # the key that marks a raw input in the lokasi slot
STEP_CANDIDATES, STEP_REGION, STEP_GUIDE = "kandidat", "wilayah", "panduan"
INPUT_TEXT, INPUT_PLACE, INPUT_REGION, INPUT_NOT_THESE, INPUT_NO_PIN = (
    "teks", "tempat", "wilayah", "bukan", "tanpa_pin",
)  # fmt: skip
CHOOSE_PLACE, CHOOSE_REGION, NOT_THESE = "pilih_tempat", "pilih_wilayah", "bukan_tempat"
PLACE_ENTITY, REGION_ENTITY, PAGE_ENTITY = "tempat", "wilayah", "halaman"
# Intents of a typed text that may be an address with no known place in it (a
# question or a button is not one); a text naming a known place counts whatever
# its intent.
ADDRESS_INTENTS = {"lapor", "nlu_fallback", "out_of_scope", "inform", "lewati", "deny"}
NEVER_A_PLACE = {"kirim_lokasi", "kirim_foto", "kirim_kontak", "pilih_kategori", "dukung",
                 "buat_baru", "tidak_didukung", "media_terlalu_besar"}  # fmt: skip
NARROWED_SCORE = 95.0  # one place this sure within the chosen kabupaten/kota is taken


def state(tracker: Tracker) -> dict[str, Any]:
    value = tracker.get_slot(SLOT)
    return dict(value) if isinstance(value, dict) else {}


def claims_text(tracker: Tracker) -> str | None:
    """What the latest text is at the location question: INPUT_TEXT (a place or an
    address), INPUT_NO_PIN, or None (not about the location: more description)."""
    if requested(tracker) != "lokasi":
        return None
    text = str(tracker.latest_message.get("text") or "").strip()
    intent = intent_name(tracker)
    if not text or text.startswith("/") or intent in NEVER_A_PLACE:
        return None
    reading = places.read(tracker)
    if reading.matches and (reading.address_like or reading.mostly_place):
        return INPUT_TEXT
    if reading.outside:
        return INPUT_TEXT
    if places.says_no_pin(text) or intent == "lewati":
        return INPUT_NO_PIN
    if reading.address_like and intent in ADDRESS_INTENTS:
        return INPUT_TEXT
    return None


def extract(tracker: Tracker) -> dict[str, Any] | None:
    """The raw typed-location input of the latest message, or None."""
    intent = intent_name(tracker)
    current = state(tracker)
    if intent in (CHOOSE_PLACE, CHOOSE_REGION, NOT_THESE) and (
        current or requested(tracker) == "lokasi"
    ):
        if intent == CHOOSE_PLACE:
            return {RAW: INPUT_PLACE, "tempat": _entity(tracker, PLACE_ENTITY)}
        if intent == CHOOSE_REGION:
            return {RAW: INPUT_REGION, "wilayah": _entity(tracker, REGION_ENTITY)}
        return {RAW: INPUT_NOT_THESE, "halaman": _entity(tracker, PAGE_ENTITY)}
    if requested(tracker) != "lokasi":
        return None
    offered = current.get("kandidat") or []
    if current.get("step") == STEP_CANDIDATES:
        if intent == "deny":
            return {RAW: INPUT_NOT_THESE}
        if intent == "affirm" and len(offered) == 1:
            return {RAW: INPUT_PLACE, "tempat": offered[0]}
    claim = claims_text(tracker)
    if claim == INPUT_TEXT:
        return {RAW: INPUT_TEXT, "text": str(tracker.latest_message.get("text") or "").strip()}
    if claim == INPUT_NO_PIN:
        return {RAW: INPUT_NO_PIN}
    return None


def _entity(tracker: Tracker, name: str) -> str | None:
    value = next(tracker.get_latest_entity_values(name), None)
    return None if value is None else str(value)


def resolve(
    raw: dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> dict[str, Any]:
    """Slot events for a raw input: the location when it is settled, else the next step."""
    current = state(tracker)
    gazetteer = default_gazetteer()
    kind = raw.get(RAW)
    if kind == INPUT_PLACE:
        place = gazetteer.place(str(raw.get("tempat") or ""))
        if place is None:
            return {"lokasi": None}  # a stale or forged button: ask again
        return _chosen(place, current.get("alamat"), dispatcher, domain)
    if kind == INPUT_REGION:
        return _region_chosen(str(raw.get("wilayah") or ""), current, dispatcher, tracker, domain)
    if kind == INPUT_NOT_THESE:
        region = current.get("wilayah")
        if region and current.get("step") == STEP_CANDIDATES:
            # None of the places in the chosen kabupaten/kota: the address stays typed.
            return _region_chosen(region, {**current, "tetap": True}, dispatcher, tracker,
                                  domain)  # fmt: skip
        page = 2 if str(raw.get("halaman") or "") == "2" else 1
        return _step(current, step=STEP_REGION, halaman=page, kandidat=[])
    if kind == INPUT_NO_PIN:
        return _step(current, step=STEP_GUIDE)
    if kind == INPUT_TEXT:
        return _typed(str(raw.get("text") or ""), current, dispatcher, tracker, domain)
    return {"lokasi": None}


def _step(current: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"lokasi": None, SLOT: {**current, **changes}}


def _typed(text: str, current: dict[str, Any], dispatcher: CollectingDispatcher,
           tracker: Tracker, domain: DomainDict) -> dict[str, Any]:  # fmt: skip
    previous = (
        current.get("alamat") if current.get("step") in (STEP_CANDIDATES, STEP_REGION) else None
    )
    reading = places.read(tracker)
    if reading.outside:  # "di kayu agung palembang": told, and the question stays
        dispatcher.utter_message(response="utter_lokasi_ketik_luar_lampung",
                                 tempat=reading.outside.title())  # fmt: skip
        return {"lokasi": None}
    named = [m.place for m in reading.matches]
    if current.get("step") == STEP_REGION and named and named[0].level == REGION:
        # The kabupaten/kota typed instead of pressed ("pesawaran").
        return _region_chosen(named[0].region_code, current, dispatcher, tracker, domain)
    address = f"{previous}, {text}" if previous else text
    address = address[:MAX_DESCRIPTION_CHARS]
    if previous:
        named = [m.place for m in places.read(tracker, address).matches] or named
    if named:
        return _step(current, step=STEP_CANDIDATES, alamat=address, kandidat=[p.id for p in named],
                     wilayah=None)  # fmt: skip
    return _step(current, step=STEP_REGION, alamat=address, halaman=1, kandidat=[], wilayah=None)


def _region_chosen(code: str, current: dict[str, Any], dispatcher: CollectingDispatcher,
                   tracker: Tracker, domain: DomainDict) -> dict[str, Any]:  # fmt: skip
    gazetteer = default_gazetteer()
    region = gazetteer.region_place(code)
    if region is None:
        return {"lokasi": None}
    address = current.get("alamat")
    if address and not current.get("tetap"):
        # "sidodadi", then Kabupaten Pesawaran: the places of that name there.
        found = [
            m for m in places.read(tracker, address, region=code).matches if m.place.level != REGION
        ]
        if len(found) == 1 and found[0].score >= NARROWED_SCORE:
            return _chosen(found[0].place, address, dispatcher, domain)
        if found:
            return _step(current, step=STEP_CANDIDATES, kandidat=[m.place.id for m in found],
                         wilayah=code)  # fmt: skip
    return _chosen(region, address, dispatcher, domain)


def _chosen(
    place: Place,
    address: str | None,
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    *,
    source: LocationSource = LocationSource.PLACE,
) -> dict[str, Any]:
    if place.level == REGION:
        source = LocationSource.ADDRESS  # a kabupaten/kota alone says no more than that
    label = places.place_label(domain, place)
    value = {
        "latitude": place.lat,
        "longitude": place.lon,
        "region_code": place.region_code,
        "region_name": place.region_name,
        # The label says the place; "district"/"place" are a pin's nearest village.
        "district": None,
        "place": None,
        "source": str(source),
        "address": address,
        "place_id": place.id,
        "place_label": label,
    }
    dispatcher.utter_message(response="utter_lokasi_perkiraan_dicatat",
                             tempat=summary(domain, value))  # fmt: skip
    # A typed location is approximate: no nearby-duplicate question.
    return {"lokasi": value, SLOT: None, "tiket_serupa": [], "cek_serupa": NONE_NEARBY}


def is_typed(lokasi: Any) -> bool:
    return isinstance(lokasi, dict) and lokasi.get("source") in (
        LocationSource.PLACE,
        LocationSource.ADDRESS,
    )


def location_text(domain: DomainDict, lokasi: dict[str, Any]) -> str:
    """The location in the confirmation: a pin's coordinates, a typed one's place."""
    if is_typed(lokasi):
        return summary(domain, lokasi)
    return f"{lokasi['latitude']:.5f}, {lokasi['longitude']:.5f}"


def summary(domain: DomainDict, lokasi: dict[str, Any]) -> str:
    """A typed location as the citizen reads it back (the confirmation, the note)."""
    if lokasi.get("source") == LocationSource.ADDRESS:
        return response_text(domain, "utter_lokasi_ringkas_alamat",
                             alamat=lokasi.get("address") or "",
                             kabupaten=lokasi.get("region_name") or "")  # fmt: skip
    return response_text(domain, "utter_lokasi_ringkas_tempat", tempat=lokasi.get("place_label"))
