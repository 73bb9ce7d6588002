"""Reading a typed location: the gazetteer's places for the latest message, "I cannot
send a pin", and how a place is written (from the domain's utter_tempat_* texts)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.types import DomainDict

from actions.common import response_text
from knowledge.geo.gazetteer import default_gazetteer
from knowledge.geo.places import Place, Reading
from nlu.normalize import Normalizer

NO_PIN_FILE = Path(__file__).with_name("tanpa_pin.txt")
MAX_GAP = 2  # other words allowed between two words of a no-pin phrase


def _place_values(place: Place) -> dict[str, str]:
    return {
        "nama": place.name,
        "kecamatan": place.district or "",
        "kabupaten": place.region_name,
        "singkat": place.region_name.split(" ", 1)[-1],
    }


def place_label(domain: DomainDict, place: Place) -> str:
    """ "Kel. Rajabasa Raya, Kec. Rajabasa, Kota Bandar Lampung"."""
    return response_text(domain, f"utter_tempat_{place.kind}", **_place_values(place))


def place_title(domain: DomainDict, place: Place) -> str:
    """The short form on a button ("Rajabasa Raya, Rajabasa"; a list row holds 24)."""
    return response_text(domain, f"utter_tombol_tempat_{place.kind}", **_place_values(place))


def _entity_spans(message: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    return [
        e
        for e in message.get("entities") or []
        if e.get("entity") == name and isinstance(e.get("start"), int)
    ]


def read(tracker: Tracker, text: str | None = None, region: str | None = None) -> Reading:
    """The places the latest message names (street names count less; the NLU's
    kabupaten/kota short forms count as named), or those of `text`."""
    message = tracker.latest_message
    if text is not None:
        return _read(text, (), (), region)
    text = str(message.get("text") or "")
    streets = tuple((e["start"], e["end"]) for e in _entity_spans(message, "street"))
    hints = tuple((str(e["value"]), e["start"], e["end"]) for e in _entity_spans(message, "region"))
    return _read(text, streets, hints, region)


@lru_cache(maxsize=256)  # the description and the location slot read the same message
def _read(
    text: str,
    streets: tuple[tuple[int, int], ...],
    hints: tuple[tuple[str, int, int], ...],
    region: str | None,
) -> Reading:
    return default_gazetteer().read(text, street_spans=streets, region_hints=hints, region=region)


@cache
def _no_pin_phrases() -> tuple[tuple[str, ...], ...]:
    lines = NO_PIN_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(
        tuple(Normalizer.shared()(line).split())
        for line in lines
        if line.strip() and not line.startswith("#")
    )


def says_no_pin(text: str) -> bool:
    """ "saya ga bisa kirim lokasi, hp saya jadul", "tidak ada gps", "pakai wa web"."""
    words = Normalizer.shared()(text).split()
    return any(_in_order(phrase, words) for phrase in _no_pin_phrases())


def _in_order(phrase: tuple[str, ...], words: list[str]) -> bool:
    for start, word in enumerate(words):
        if word != phrase[0]:
            continue
        pos, ok = start, True
        for wanted in phrase[1:]:
            window = words[pos + 1 : pos + 2 + MAX_GAP]
            if wanted not in window:
                ok = False
                break
            pos += 1 + window.index(wanted)
        if ok:
            return True
    return False
