"""Which topic and facet a service question is about, given what came before.

The same rules answer the chat and `knowledge ask`:

1. A topic the message names ("paspor", "ID card", "pajak motor": each topic's
   `terms`, normalised like the message) is the topic: of several, the one named
   last before the question, else the first (at one place the longer name: "ktp
   hilang" over "ktp"); the NLU's topic when its own names contain that name ("ktp
   saya hilang": the classifier tells the two KTP topics apart).
2. Else a message that asks for a facet or the sources ("terus biayanya berapa?",
   "sumbernya?") is about the topic of the conversation, when there is a recent one.
3. Else the NLU's `faq/<topic>`, else, when no service is being discussed, a
   confident knowledge-base search.

A message that names a topic but no facet, right after a facet answer ("kalo
paspor?" after "biaya bikin ktp"), asks the same facet of the new topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from knowledge.facets import cue_text, facet_book, normalized
from knowledge.faq import Topic, all_topics, get_topic
from knowledge.retrieval import answer_topic, default_index

# A message of at most this many words besides the topic's name only names the
# topic ("kalo paspor?"), so it keeps the facet being discussed.
SHORT_FOLLOW_UP_WORDS = 3
_WORD_RE = re.compile(r"\w+")
# A facet a bare "gimana" suggests: in a short follow-up it asks nothing new.
VAGUE_FACET = "langkah"


@dataclass(frozen=True)
class Choice:
    topic: Topic | None
    facet: str | None
    sources: bool = False  # the full source list was asked for
    how: str = "none"  # named, context, nlu, search or none


@dataclass(frozen=True)
class _Names:
    topic_id: str
    pattern: re.Pattern[str]


@cache
def _names() -> tuple[_Names, ...]:
    found = []
    for topic in all_topics().values():
        terms = sorted(set(_normalized_terms(topic.id)) - {""}, key=len, reverse=True)
        alternation = "|".join(re.escape(t) for t in terms)
        # "akta kematiannya", "ktp-nya": a name with the possessive suffix.
        pattern = re.compile(rf"(?<!\w)(?P<name>{alternation})(?:nya)?(?!\w)")
        found.append(_Names(topic.id, pattern))
    return tuple(found)


def _named_at(norm: str) -> list[tuple[int, str, str]]:
    """(where, topic id, its longest name found) for each topic the normalised text
    names, in the order the message names them (at the same place the longer name
    first: "ktp hilang" over "ktp")."""
    named = []
    for names in _names():
        found = list(names.pattern.finditer(norm))
        if found:
            first = min(m.start() for m in found)
            longest = max((m.group("name") for m in found), key=len)
            named.append((first, -len(longest), names.topic_id, longest))
    return [(at, topic_id, name) for at, _, topic_id, name in sorted(named)]


def named_topics(text: str) -> list[tuple[str, str]]:
    """(topic id, its longest name found) for each topic `text` names, in order."""
    return [(topic_id, name) for _, topic_id, name in _named_at(normalized(text))]


def _asked_of(
    named: list[tuple[int, str, str]], asked_at: int | None, norm_length: int
) -> list[tuple[str, str]]:
    """The named services, the one the facet is asked of first: the last named
    before the question ("bikin paspor, berkasnya apa? akte lahir wajib?" asks the
    passport's papers; "ktp-nya lampung timur, akta kematiannya diurus di mana"
    the death certificate's office), else the first named."""
    if asked_at is not None and asked_at > norm_length:
        asked_at -= norm_length + 1  # a cue found in the message as typed
    before = [entry for entry in named if asked_at is not None and entry[0] <= asked_at]
    chosen = before[-1] if before else (named[0] if named else None)
    rest = [entry for entry in named if entry is not chosen]
    return [(topic_id, name) for _, topic_id, name in ([chosen] if chosen else []) + rest]


def _names_also(topic_id: str, name: str) -> bool:
    """Whether one of the topic's own names contains `name` as words."""
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    return any(pattern.search(term) for term in _normalized_terms(topic_id))


@cache
def _normalized_terms(topic_id: str) -> tuple[str, ...]:
    topic = get_topic(topic_id)
    return tuple(normalized(t) for t in topic.terms) if topic else ()


def _words_besides(norm: str, name: str) -> int:
    return len(_WORD_RE.findall(norm)) - len(_WORD_RE.findall(name))


def choose(
    text: str,
    *,
    nlu_topic: str | None = None,
    recent_topic: str | None = None,
    recent_facet: str | None = None,
) -> Choice:
    """The topic and facet `text` asks for; `recent_*` are what the conversation
    was about (None when it is not about a service any more)."""
    norm, cues = normalized(text), cue_text(text)
    book = facet_book()
    asked, sources = book.asked_how(cues), book.wants_sources(cues)
    facet = asked.facet
    named = _asked_of(_named_at(norm), asked.at if asked.facet else None, len(norm))
    topic_id, how = None, "none"
    if nlu_topic and named and _names_also(nlu_topic, named[0][1]):
        # "ktp saya hilang" names "ktp", which ktp_hilang_rusak's names contain too:
        # the classifier tells the two apart better than the shorter name.
        named = [(nlu_topic, name) for _, name in named[:1]]
    if named:
        topic_id, how = named[0][0], "named"
        name = next(name for named_id, name in named if named_id == topic_id)
        short = _words_besides(norm, name) <= SHORT_FOLLOW_UP_WORDS
        # "kalo sim?", "akta kematian gmn": a bare "gimana" in so short a message
        # asks no facet of its own.
        vague = facet is None or (facet == VAGUE_FACET and not asked.strong)
        if not sources and recent_facet and short and vague:
            facet = recent_facet
    elif recent_topic and (facet or sources):
        topic_id, how = recent_topic, "context"
    elif nlu_topic:
        topic_id, how = nlu_topic, "nlu"
    elif recent_topic is None:
        # A search guess only opens a conversation: one mid-way about a service
        # ("umur saya 17 bulan depan" after a SIM answer) would change its topic.
        found = answer_topic(default_index().search(text))
        if found is not None:
            return Choice(found, facet, sources, "search")
    topic = get_topic(topic_id) if topic_id else None
    return Choice(topic, facet, sources, how if topic else "none")
