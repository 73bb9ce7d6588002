"""Facts due for re-checking: compared with their source longer ago than a limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from knowledge.faq import all_topics


@dataclass(frozen=True)
class StaleFact:
    topic: str
    facet: str  # "ringkasan" for the overview
    checked: str
    text: str
    confirmed: bool
    sources: list[str]


def stale_facts(*, days: int, today: date | None = None) -> list[StaleFact]:
    """Every entry (fact or unconfirmed note) checked more than `days` days ago,
    oldest first."""
    limit = (today or date.today()) - timedelta(days=days)
    due = [
        StaleFact(
            topic=topic.id,
            facet=facet or "ringkasan",
            checked=entry.checked.isoformat(),
            text=entry.text,
            confirmed=entry.confirmed,
            sources=[topic.sources[k].url for k in entry.source_keys],
        )
        for topic in all_topics().values()
        for facet, entry in topic.entries()
        if entry.checked < limit
    ]
    return sorted(due, key=lambda fact: (fact.checked, fact.topic))
