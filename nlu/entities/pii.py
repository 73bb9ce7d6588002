"""The one PII rule set: which entities are personal data and how each is masked.

A mask keeps enough to recognise a value, not to use it:

- `nik`: the first 6 digits (province/kabupaten/kecamatan code), "187101**********".
- `phone`: the first 4 and last 2 digits, "0812******89".
- e-mail: the first letter of the local part and the domain, "b***@gmail.com".
- a name the reporter gives for themselves ("nama saya Budi Santoso", "saya Siti",
  "a.n. Budi"): each word's first letter, "nama saya B*** S***".

The numbers come from the `nik`/`phone` sections of nlu/data/lexicon/entities.yml
(`keep_head`, `keep_tail`); e-mail and name rules from nlu/data/lexicon/pii.yml
(triggers, stop words: see there). `mask_pii(text)` masks free text before it is
logged and what staff see of a confidential report (tickets.privacy);
`mask_phone` is also what operators see of a confidential reporter's phone
(tickets.serialize), so a number is never masked by two different rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlu.entities.common import DEFAULT_ENTITY_LEXICON_PATH, Entity, load_lexicon
from nlu.entities.extractor import default_extractor
from nlu.entities.names import DEFAULT_PII_LEXICON_PATH, EmailRule, NameRule
from nlu.entities.nik import NIK
from nlu.entities.phone import PHONE

NIK_KEEP_HEAD = 6
PHONE_KEEP_HEAD = 4
PHONE_KEEP_TAIL = 2


def mask_nik(nik: str, *, keep_head: int = NIK_KEEP_HEAD) -> str:
    """'1871012345670001' -> '187101**********'."""
    return nik[:keep_head] + "*" * (len(nik) - keep_head)


def mask_phone(
    phone: str,
    *,
    national: bool,
    keep_head: int = PHONE_KEEP_HEAD,
    keep_tail: int = PHONE_KEEP_TAIL,
) -> str:
    """Hide all digits but the first `keep_head` and last `keep_tail`; "+" and
    separators stay where they are.

    `national` picks the spelling the mask is shown in, the one thing the two
    callers need differently (the digits kept are counted in that spelling):

    - True, for free text (`mask_pii`): an E.164 "+6281234567889" is shown as
      "0812******89". A typed number ("+62 812-3456-7889", "62812...") is one
      span of text, replaced by the national spelling people read.
    - False, for stored contact fields (tickets.serialize): the stored spelling
      stays, "+6281*******90" for the phone and "6281*******90" for the WhatsApp
      id (digits without "+"), so each field keeps its format and an operator
      sees both masked ids of one contact line up.
    """
    if national and phone.startswith("+62"):
        phone = "0" + phone[3:]
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    hidden = set(digits[keep_head : len(digits) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(phone))


@dataclass(frozen=True)
class PiiRules:
    """How much of each PII entity a mask keeps."""

    nik_keep_head: int = NIK_KEEP_HEAD
    phone_keep_head: int = PHONE_KEEP_HEAD
    phone_keep_tail: int = PHONE_KEEP_TAIL
    email: EmailRule = field(default_factory=EmailRule)
    names: NameRule | None = None  # None: names are not looked for

    @classmethod
    def from_lexicon(cls, raw: dict[str, Any], pii: dict[str, Any] | None = None) -> PiiRules:
        """From a whole entity lexicon (its `nik` and `phone` sections) and the
        pii lexicon (`email`, `name`)."""
        nik, phone = raw.get(NIK) or {}, raw.get(PHONE) or {}
        pii = pii or {}
        return cls(
            nik_keep_head=int(nik.get("keep_head", cls.nik_keep_head)),
            phone_keep_head=int(phone.get("keep_head", cls.phone_keep_head)),
            phone_keep_tail=int(phone.get("keep_tail", cls.phone_keep_tail)),
            email=EmailRule.from_dict(pii.get("email") or {}),
            names=NameRule.from_dict(pii["name"]) if pii.get("name") else None,
        )

    @classmethod
    def from_file(
        cls,
        path: Path = DEFAULT_ENTITY_LEXICON_PATH,
        pii_path: Path = DEFAULT_PII_LEXICON_PATH,
    ) -> PiiRules:
        return cls.from_lexicon(load_lexicon(path), load_lexicon(pii_path))

    def mask_value(self, entity: Entity) -> str | None:
        """The masked value of a PII entity; None if the entity is not PII."""
        if entity["entity"] == NIK:
            return mask_nik(entity["value"], keep_head=self.nik_keep_head)
        if entity["entity"] == PHONE:
            return mask_phone(
                entity["value"],
                national=True,
                keep_head=self.phone_keep_head,
                keep_tail=self.phone_keep_tail,
            )
        return None

    def mask(self, text: str, entities: list[Entity]) -> str:
        """Replace the span of every PII entity found in `text`, every e-mail
        address and every name the writer gives for themselves by its mask."""
        spans = self.email.spans(text)
        if self.names is not None:
            spans += self.names.spans(text)
        taken = list(spans)
        for ent in entities:
            masked = self.mask_value(ent)
            # A number inside an address ("0812...@gmail.com") goes with the address.
            clash = any(ent["start"] < end and start < ent["end"] for start, end, _ in taken)
            if masked is not None and not clash:
                spans.append((ent["start"], ent["end"], masked))
        for start, end, masked in sorted(spans, reverse=True):
            text = text[:start] + masked + text[end:]
        return text


@lru_cache(maxsize=1)
def _default_rules() -> PiiRules:
    return PiiRules.from_file()


# Every turn masks what it logs, the bot's own replies included (they may quote the
# citizen): most of those texts recur word for word, so recent results are kept.
_MASK_CACHE_SIZE = 4096
_MASK_CACHE_MAX_CHARS = 2_000


def mask_pii(text: str) -> str:
    """Mask PII: a NIK keeps its first 6 digits ("187101**********"), a phone number
    its first 4 and last 2 digits in national form ("0812******89"), an e-mail address
    its first letter and domain ("b***@gmail.com"), a name the writer gives for
    themselves each word's first letter ("nama saya B*** S***")."""
    if len(text) <= _MASK_CACHE_MAX_CHARS:
        return _mask_remembered(text)
    return _mask(text)


def _mask(text: str) -> str:
    # A NIK and a phone number are digits: without one, the entity extraction (the
    # costly part) finds nothing to mask.
    entities = default_extractor().extract(text) if any(c.isdigit() for c in text) else []
    return _default_rules().mask(text, entities)


_mask_remembered = lru_cache(maxsize=_MASK_CACHE_SIZE)(_mask)
