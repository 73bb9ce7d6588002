"""Which domain responses answer a topic, and their template variables.

The Indonesian wording lives in domain/dialogue.yml (``utter_faq_ringkas*`` for the short
answer, ``utter_faq_detail_*`` for the rest); this module only picks the
responses and fills their variables.
"""

from __future__ import annotations

from typing import Any

from knowledge.faq import Topic


# List values start with a newline so that "?Syarat: {syarat}" puts them below the label.
def _bullets(items: tuple[str, ...]) -> str:
    return "".join(f"\n• {item}" for item in items)


def _numbered(items: tuple[str, ...]) -> str:
    return "".join(f"\n{i}. {item}" for i, item in enumerate(items, 1))


def _date(topic: Topic) -> str:
    return topic.last_checked.strftime("%d-%m-%Y")


DETAIL_INTENT = "faq_detail"


def detail_payload(topic: Topic) -> str:
    return f'/{DETAIL_INTENT}{{"topik": "{topic.id}"}}'


def summary_response(topic: Topic) -> str:
    return "utter_faq_ringkas_belum_pasti" if topic.unconfirmed else "utter_faq_ringkas"


def summary_variables(topic: Topic) -> dict[str, Any]:
    """The short answer: title, summary and the first official source."""
    source = (topic.official_sources or topic.sources)[0]
    return {
        "topik": topic.id,
        "judul": topic.title,
        "ringkasan": topic.summary,
        "sumber": source.url,
        "dicek": _date(topic),
    }


def detail_responses(topic: Topic) -> list[str]:
    """The detail messages that have something to say, sources last."""
    responses = []
    if topic.requirements or topic.steps:
        responses.append("utter_faq_detail_syarat")
    if topic.cost or topic.duration or topic.where or topic.online:
        responses.append("utter_faq_detail_layanan")
    responses.extend(("utter_faq_detail_catatan", "utter_faq_detail_sumber"))
    return responses


def detail_variables(topic: Topic) -> dict[str, Any]:
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
