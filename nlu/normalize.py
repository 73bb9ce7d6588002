"""Text normaliser: informal WhatsApp Indonesian -> one canonical form.

Training and parsing both go through `Normalizer`, so the classifier never sees
a spelling at run time that it could not have seen in training. Word lists come
from the lexicon YAML (nlu/data/lexicon/slang.yml); this module holds only rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import yaml

from core.settings import ROOT_DIR

DEFAULT_LEXICON_PATH = ROOT_DIR / "nlu" / "data" / "lexicon" / "slang.yml"
MAX_PHRASE_TOKENS = 3

_URL_RE = re.compile(r"(?:https?://|www\.)\S+")
# Apostrophes join words ("jum'at", "assalamu'alaikum") instead of splitting them.
_APOSTROPHE_RE = re.compile("['\u2019\u2018`\u00b4\uff07]")
_MARKS_RE = re.compile(r"[?!]+")
# Punctuation that ends a clause (see `Clauses`).
_CLAUSE_END_RE = re.compile(r"[,;.:\n]+")
_RUN3_RE = re.compile(r"([^\W\d_])\1{2,}")  # a letter repeated 3+ times
_FINAL_DOUBLE_RE = re.compile(r"([^\W\d_])\1$")
_REDUP_RE = re.compile(r"^([^\W\d_]{2,})2$")  # "anak2"
_VOWELS = frozenset("aeiou")
# Unicode categories dropped as noise: symbols/emoji (So, Sk, Sm, Sc), format
# characters (ZWJ, variation selectors are Mn/Cf), private use and unassigned
# code points (new emoji unknown to this Python), enclosing marks (keycaps).
_DROP_CATEGORIES = frozenset({"So", "Sk", "Sm", "Sc", "Cf", "Co", "Cn", "Cs", "Me"})
_VARIATION_SELECTORS = frozenset({"\ufe0e", "\ufe0f"})


@dataclass(frozen=True)
class Clauses:
    """A later clause that only says something else is fine ("lampu jalan mati,
    tp listrik rumah aman") is not what the message is about: it is dropped, so
    its topic word ("listrik") cannot decide the label. Such a clause starts with
    a contrast word or ends (before particles) with a fine word, has a fine
    word and no negation. The first clause is always kept. Words are compared
    after the slang map."""

    contrast: frozenset[str] = frozenset()
    fine: frozenset[str] = frozenset()
    negation: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()

    @classmethod
    def from_dict(cls, raw: Mapping[str, object]) -> Clauses:
        def words(key: str) -> frozenset[str]:
            value = raw.get(key) or []
            if not isinstance(value, list):
                raise ValueError(f"lexicon: clauses.{key} must be a list")
            return frozenset(_key(w) for w in value)

        return cls(words("contrast"), words("fine"), words("negation"), words("particles"))

    def split(self, tokens: list[str]) -> list[list[str]]:
        """One punctuation-delimited clause, cut again before each contrast word."""
        out: list[list[str]] = [[]]
        for token in tokens:
            if token in self.contrast and out[-1]:
                out.append([])
            out[-1].append(token)
        return [clause for clause in out if clause]

    def says_fine(self, clause: list[str]) -> bool:
        if not self.fine.intersection(clause) or self.negation.intersection(clause):
            return False
        if clause[0] in self.contrast:
            return True
        core = [t for t in clause if t not in self.particles]
        return bool(core) and core[-1] in self.fine


@dataclass(frozen=True)
class Lexicon:
    slang: Mapping[str, str] = field(default_factory=dict)
    emoji: Mapping[str, str] = field(default_factory=dict)
    keep_double: frozenset[str] = frozenset()
    clauses: Clauses = field(default_factory=Clauses)

    @classmethod
    def from_yaml(cls, path: Path) -> Lexicon:
        with open(path, encoding="utf-8") as fh:
            raw = yaml.safe_load(fh) or {}
        slang = {_key(k): _key(v) for k, v in (raw.get("slang") or {}).items()}
        # `drop`: words with no meaning for the classifier, mapped to nothing.
        slang |= {_key(w): "" for w in raw.get("drop") or []}
        too_long = [k for k in slang if len(k.split()) > MAX_PHRASE_TOKENS]
        if too_long:
            raise ValueError(f"{path}: slang phrases longer than {MAX_PHRASE_TOKENS}: {too_long}")
        emoji = {
            _key(k).replace("\ufe0f", ""): _key(v) for k, v in (raw.get("emoji") or {}).items()
        }
        keep_double = frozenset(_key(w) for w in raw.get("keep_double") or [])
        clauses = Clauses.from_dict(raw.get("clauses") or {})
        return cls(slang=slang, emoji=emoji, keep_double=keep_double, clauses=clauses)


def _key(word: object) -> str:
    # YAML 1.1 turns unquoted no/off/yes/on into booleans: fail loudly instead.
    if not isinstance(word, str | int) or isinstance(word, bool):
        raise ValueError(f"lexicon: {word!r} is not a word (quote it in the YAML)")
    return " ".join(str(word).lower().split())


RECENT_TEXTS = 2048
RECENT_MAX_CHARS = 2_000


class Normalizer:
    """Callable: `Normalizer(lexicon)("Jln nya rusakkk parahhh!!")`."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        # One message is normalized by the parser and again by the form's checks.
        self._recent = lru_cache(maxsize=RECENT_TEXTS)(self._normalize)
        self._emoji_re = (
            re.compile("|".join(re.escape(e) for e in sorted(lexicon.emoji, key=len, reverse=True)))
            if lexicon.emoji
            else None
        )
        # Tokens that are known words, so squeezing must not shorten them further.
        self._known = lexicon.keep_double | {k for k in lexicon.slang if " " not in k}
        # A phrase's words are squeezed like the input they must match
        # ("business permit" meets the squeezed "busines permit").
        self._slang = {
            " ".join(self._squeeze(t) for t in k.split()) if " " in k else k: v
            for k, v in lexicon.slang.items()
        }

    @classmethod
    def from_file(cls, path: Path = DEFAULT_LEXICON_PATH) -> Normalizer:
        return cls(Lexicon.from_yaml(path))

    @classmethod
    @cache
    def shared(cls) -> Normalizer:
        """The normaliser of the lexicon file, one per process (it remembers recent
        texts: the search, the facets and the place reader normalise the same message)."""
        return cls.from_file()

    def __call__(self, text: str) -> str:
        return self._recent(text) if len(text) <= RECENT_MAX_CHARS else self._normalize(text)

    def _normalize(self, text: str) -> str:
        # Before NFKC, which turns the acute accent into space + combining mark.
        text = _APOSTROPHE_RE.sub("", text)
        text = unicodedata.normalize("NFKC", text).lower()
        text = "".join(ch for ch in text if ch not in _VARIATION_SELECTORS)
        if self._emoji_re is not None:
            text = self._emoji_re.sub(lambda m: f" {self.lexicon.emoji[m.group(0)]} ", text)
        text = _URL_RE.sub(" ", text)
        text = _MARKS_RE.sub(lambda m: " ? " if "?" in m.group(0) else " ! ", text)
        clauses: list[list[str]] = []
        for part in _CLAUSE_END_RE.split(text):
            tokens: list[str] = []
            for raw in "".join(_clean_char(ch) for ch in part).split():
                tokens.extend(self._expand(self._squeeze(raw)))
            clauses.extend(self.lexicon.clauses.split(self._apply_slang(tokens)))
        kept = clauses[:1] + [c for c in clauses[1:] if not self.lexicon.clauses.says_fine(c)]
        return " ".join(token for clause in kept for token in clause)

    def _squeeze(self, token: str) -> str:
        """Collapse elongations: "parahhh" -> "parah", "maaaaf" -> "maaf"."""
        if token in self._known:
            return token
        if _RUN3_RE.search(token):
            doubled = _RUN3_RE.sub(r"\1\1", token)
            if doubled in self._known:
                return doubled
            token = _RUN3_RE.sub(r"\1", token)
        # A word-final double letter is elongation in Indonesian ("iyaa", "parahh");
        # vowel-less abbreviations ("mpp", "pdd") are left alone.
        if (
            len(token) >= 3
            and token not in self._known
            and _FINAL_DOUBLE_RE.search(token)
            and (token[-1] in _VOWELS or _VOWELS & set(token[:-2]))
        ):
            token = token[:-1]
        return token

    def _expand(self, token: str) -> list[str]:
        """Reduplication: "anak2" -> ["anak", "anak"]; abbreviations such as
        "sdn2" (no vowel, not in the slang map) stay as they are."""
        match = _REDUP_RE.match(token)
        if match:
            base = self._squeeze(match.group(1))
            if base in self.lexicon.slang or _VOWELS & set(base):
                return [base, base]
        return [token]

    def _apply_slang(self, tokens: list[str]) -> list[str]:
        slang = self._slang
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(MAX_PHRASE_TOKENS, len(tokens) - i), 0, -1):
                phrase = " ".join(tokens[i : i + size])
                if phrase in slang:
                    out.extend(slang[phrase].split())
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out


def _clean_char(ch: str) -> str:
    if ch in "?!":
        return ch
    category = unicodedata.category(ch)
    if category in _DROP_CATEGORIES or category.startswith(("P", "Z", "C")):
        return " "
    return ch
