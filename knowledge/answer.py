"""Which domain response answers a topic or one of its facets, with its variables
and buttons.

The Indonesian wording lives in domain/dialogue.yml (``utter_faq_ringkas`` for the
overview, ``utter_faq_aspek*`` for a facet, ``utter_faq_sumber`` for the sources);
this module only picks the response and fills it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from knowledge.facets import facet_book
from knowledge.faq import Entry, Topic
from knowledge.intents import intent_title
from knowledge.sources import Source

DETAIL_INTENT = "faq_detail"
# Sources shown under an answer (the best: official pages first); the rest on
# request ("sumber").
SOURCES_SHOWN = 1
SOURCES_FACET = "sumber"
# A source's title in the source list, cut to this (the list must fit one message).
TITLE_CHARS = 70


@dataclass(frozen=True)
class Reply:
    response: str
    variables: dict[str, Any]
    buttons: list[dict[str, str]] = field(default_factory=list)


def _date(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def _bullets(items: list[str]) -> str:
    # A leading newline puts the list below its label ("?Belum pasti: {x}").
    return "".join(f"\n• {item}" for item in items)


def detail_payload(topic: Topic, facet: str | None = None) -> str:
    entities = {"topik": topic.id} | ({"aspek": facet} if facet else {})
    return f"/{DETAIL_INTENT}{json.dumps(entities)}"


def facet_buttons(topic: Topic, *, besides: str | None = None) -> list[dict[str, str]]:
    """A button per facet the topic has (but `besides`), then "Sumber" and the
    topic's related actions (e.g. "Cari MPP terdekat")."""
    buttons = [
        {"title": facet.button, "payload": detail_payload(topic, facet.id)}
        for facet in facet_book().in_button_order()
        if facet.id in topic.facets and facet.id != besides
    ]
    if besides is not None:
        buttons.append({"title": "Sumber", "payload": detail_payload(topic, SOURCES_FACET)})
    buttons += [
        {"title": intent_title(label) or label, "payload": f"/{label}"} for label in topic.related
    ]
    return buttons


def _source_lines(sources: tuple[Source, ...]) -> str:
    return "; ".join(s.url for s in sources[:SOURCES_SHOWN])


def _shortened(title: str) -> str:
    if len(title) <= TITLE_CHARS:
        return title
    return title[:TITLE_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:(") + "…"


def _checked(entries: tuple[Entry, ...]) -> str:
    return _date(min(e.checked for e in entries))


def overview(topic: Topic) -> Reply:
    """No facet asked: the short answer, with a button per facet."""
    variables = {
        "topik": topic.id,
        "judul": topic.title,
        "ringkasan": topic.overview.text,
        "sumber": _source_lines(topic.facet_sources(None)),
        "dicek": _date(topic.overview.checked),
    }
    return Reply("utter_faq_ringkas", variables, facet_buttons(topic))


def facet_answer(topic: Topic, facet: str) -> Reply:
    """The facet asked, with what of it is unconfirmed (only when something is)."""
    label = facet_book().get(facet).label
    base = {"topik": topic.id, "judul": topic.title, "aspek": label,
            "saluran_resmi": topic.official_channel}  # fmt: skip
    entries = topic.facets.get(facet)
    if not entries:
        return Reply("utter_faq_aspek_tidak_ada", base, facet_buttons(topic))
    confirmed, unconfirmed = topic.confirmed(facet), topic.unconfirmed(facet)
    pending = " ".join(e.text for e in unconfirmed)
    buttons = facet_buttons(topic, besides=facet)
    if not confirmed:
        return Reply("utter_faq_aspek_belum_pasti", base | {"belum_pasti": pending}, buttons)
    variables = base | {
        "isi": _bullets([e.text for e in confirmed]),
        "belum_pasti": pending,
        "sumber": _source_lines(topic.facet_sources(facet)),
        "dicek": _checked(confirmed),
    }
    return Reply("utter_faq_aspek", variables, buttons)


def sources_answer(topic: Topic) -> Reply:
    """Every source the topic cites, with the date its facts were last checked."""
    lines = []
    for source in topic.cited:
        days = [e.checked for _, e in topic.entries() if source.key in e.source_keys]
        lines.append(f"{_shortened(source.name)} (dicek {_date(max(days))}): {source.url}")
    variables = {"topik": topic.id, "judul": topic.title, "daftar": _bullets(lines)}
    return Reply("utter_faq_sumber", variables, facet_buttons(topic))


def answer(topic: Topic, facet: str | None, *, sources: bool = False) -> Reply:
    if sources or facet == SOURCES_FACET:
        return sources_answer(topic)
    return facet_answer(topic, facet) if facet else overview(topic)
