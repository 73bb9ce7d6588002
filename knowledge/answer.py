"""Template variables for a topic's answer (the Indonesian wording is in domain.yml:
utter_faq_ringkas for the short answer, utter_faq_detail for the rest)."""

from __future__ import annotations

from typing import Any

from knowledge.faq import Topic

DETAIL_PAYLOAD = '/faq_detail{{"topik": "{topic}"}}'


# List values start with a newline so that "?Syarat: {syarat}" puts them below the label.
def _bullets(items: tuple[str, ...]) -> str:
    return "".join(f"\n• {item}" for item in items)


def _numbered(items: tuple[str, ...]) -> str:
    return "".join(f"\n{i}. {item}" for i, item in enumerate(items, 1))


def _date(topic: Topic) -> str:
    return topic.last_checked.strftime("%d-%m-%Y")


def _first_source(topic: Topic) -> str:
    source = (topic.official_sources or topic.sources)[0]
    return source.url


def summary_variables(topic: Topic) -> dict[str, Any]:
    """For utter_faq_ringkas: the short answer, its cost lines and one source link."""
    return {
        "topik": topic.id,
        "judul": topic.title,
        "ringkasan": topic.summary,
        "biaya": "; ".join(f"{fee.item}: {fee.amount}" for fee in topic.cost),
        "belum_pasti": topic.unconfirmed or "",
        "sumber": _first_source(topic),
        "dicek": _date(topic),
    }


def detail_variables(topic: Topic) -> dict[str, Any]:
    """For utter_faq_detail: everything else, sources last."""
    return {
        "topik": topic.id,
        "judul": topic.title,
        "syarat": _bullets(topic.requirements),
        "langkah": _numbered(topic.steps),
        "biaya": _bullets(tuple(f"{f.item}: {f.amount} ({f.basis})" for f in topic.cost)),
        "durasi": topic.duration or "",
        "tempat": _bullets(topic.where),
        "online": topic.online or "",
        "belum_pasti": topic.unconfirmed or "",
        "saluran_resmi": topic.official_channel,
        "sumber": _bullets(tuple(f"{s.title or s.publisher}: {s.url}" for s in topic.sources)),
        "dicek": _date(topic),
    }


def has_detail(topic: Topic) -> bool:
    return bool(topic.requirements or topic.steps or topic.where or topic.online or topic.duration)


def detail_payload(topic: Topic) -> str:
    return DETAIL_PAYLOAD.format(topic=topic.id)
