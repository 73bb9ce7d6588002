"""Rule-based entity extractors (Rasa-shaped entities, offsets into the original text).

Word lists come from nlu/data/lexicon/entities.yml. Extractors run on the
original text, not the normalised one, so `start`/`end` point at what the user
actually typed (`text[start:end]` is the matched span). One module per entity:

- `ticket_number` (ticket_number.py): "LPG-2026-000123" (canonical) or a bare
  number string ("123").
- `region` (region.py): canonical code of one of Lampung's 15 kabupaten/kota,
  e.g. "bandar_lampung", "lampung_tengah", "tulang_bawang_barat". The span
  includes a leading "kota"/"kab."/"kabupaten".
- `nik` (nik.py): the 16 digits of an Indonesian NIK, separators removed
  ("1871012345670001").
- `phone` (phone.py): E.164, e.g. "+6281234567890" (from "0812-3456-7890",
  "+62 812 ...", "62812...").
- `street` (street.py): the street name after "jl."/"jln"/"jalan", words
  capitalised ("jln teuku umar no 5" -> "Teuku Umar"); the span covers the name only.
- `time` (relative_time.py): a string, either
    * an ISO 8601 duration with a leading "-" meaning "that long ago":
      "-P1D" (kemarin), "-P3D" (3 hari lalu), "-P1W" (seminggu / minggu lalu),
      "-P2M", "-P1Y", "-PT2H" (2 jam lalu), "-PT30M" (30 menit lalu); or
    * a token for part of the current day: "today_morning" (tadi pagi),
      "today_midday" (tadi siang), "today_afternoon" (tadi sore),
      "today_evening" (tadi malam), "last_night" (semalam),
      "today_earlier" (tadi), "just_now" (barusan).

extractor.py combines them. When spans overlap, priority is
nik > phone > time > ticket_number > region > street; `region` and `street` may
overlap each other ("jl. raya metro").

pii.py is the one PII rule set: `mask_pii(text)` replaces NIKs with their first
6 digits + "**********", phone numbers with "0812******89" (first 4 and last
2 digits of the national form kept), e-mail addresses with "b***@gmail.com" and
a name the writer gives for themselves ("nama saya Budi") with "B***" (names.py,
rules in nlu/data/lexicon/pii.yml); `mask_phone` masks a stored number.
Module order (no cycles): common <- each extractor, names <- extractor <- pii.
"""

from nlu.entities.common import DEFAULT_ENTITY_LEXICON_PATH, EXTRACTOR_NAME, Entity
from nlu.entities.extractor import EntityExtractor, extract_entities
from nlu.entities.nik import NIK, NikExtractor
from nlu.entities.phone import PHONE, PhoneExtractor
from nlu.entities.pii import PiiRules, mask_nik, mask_phone, mask_pii
from nlu.entities.region import REGION, RegionExtractor
from nlu.entities.relative_time import TIME, TimeExtractor
from nlu.entities.street import STREET, StreetExtractor, StreetLexicon
from nlu.entities.ticket_number import TICKET_NUMBER, TicketLexicon, TicketNumberExtractor

__all__ = [
    "DEFAULT_ENTITY_LEXICON_PATH",
    "EXTRACTOR_NAME",
    "NIK",
    "PHONE",
    "REGION",
    "STREET",
    "TICKET_NUMBER",
    "TIME",
    "Entity",
    "EntityExtractor",
    "NikExtractor",
    "PhoneExtractor",
    "PiiRules",
    "RegionExtractor",
    "StreetExtractor",
    "StreetLexicon",
    "TicketLexicon",
    "TicketNumberExtractor",
    "TimeExtractor",
    "extract_entities",
    "mask_nik",
    "mask_phone",
    "mask_pii",
]
