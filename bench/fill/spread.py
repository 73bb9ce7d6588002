"""How the filled tickets are spread: shares and delays (numbers only; texts are in
texts.yml). Shaped after bench/sla_simulation.py and what Lampung-In publishes:
roads, rubbish and street lights lead, operators forward within hours with a long
tail past the 24-hour deadline, agencies resolve in about two days."""

from __future__ import annotations

from datetime import timedelta

DAYS = 365  # tickets are filed over the past year
SWEEP_EVERY = timedelta(minutes=5)  # the bot's sweep interval (tickets/sla.yml)

# Relative share of each category (knowledge/categories.yml); unknown ones get 1.
CATEGORY_WEIGHTS = {
    "jalan_rusak": 22, "sampah": 14, "penerangan_jalan": 10, "banjir_drainase": 9,
    "air_bersih": 8, "listrik": 6, "fasilitas_umum": 6, "lingkungan": 5, "lalu_lintas": 5,
    "ketertiban_umum": 4, "pelayanan_publik": 4, "kesehatan": 2, "pendidikan": 2,
    "pungli": 1, "lainnya": 2,
}  # fmt: skip
# Filing hour (WIB): few at night, most in the morning and the evening.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 7, 7, 7, 7, 7, 7, 6, 6, 7, 8, 7, 4, 2)
# A kelurahan (urban village) holds more people than a desa.
URBAN_WEIGHT = 3

# How the location was given: a pin, a place typed and chosen, or a typed address
# with only its kabupaten/kota (tickets.enums.LocationSource).
TYPED_PLACE_SHARE = 0.08
TYPED_ADDRESS_SHARE = 0.03
MAX_JITTER_KM = 1.0  # a pin lies within this distance of its village's centroid

# A new reporter, else one who filed before (uniformly among them).
NEW_CITIZEN_SHARE = 0.6
SECOND_CONTACT_SHARE = 0.05  # citizens known on both channels
WHATSAPP_SHARE = 0.65
CONFIDENTIAL_SHARE = 0.03  # "Kirim rahasia" besides the confidential categories

# What the operator does (shares of all tickets); the rest is forwarded.
WITHDRAWN_SHARE = 0.02  # the reporter withdraws before the operator acts
REJECTED_SHARE = 0.03
MERGED_SHARE = 0.03  # into an open ticket of the same category and region
NEGLECTED_SHARE = 0.015  # never forwarded: overdue for ever
OTHER_AGENCY_SHARE = 0.15  # the routing's `also` agency instead of the suggested one

# Delays: (median hours, sigma of the log-normal).
OPERATOR_DELAY = (5.0, 1.1)
WITHDRAW_DELAY = (3.0, 1.0)
ACCEPT_DELAY = (8.0, 0.8)
RESOLVE_DELAY = (40.0, 0.6)
RATING_DELAY = (6.0, 1.2)
SUPPORT_DELAY = (12.0, 1.0)

STUCK_SHARE = 0.03  # forwarded tickets the agency never resolves
RATED_SHARE = 0.4  # of resolved tickets
RATING_WEIGHTS = (5, 5, 15, 35, 40)  # 1..5 stars
RATING_COMMENT_SHARE = 0.3  # of ratings
SUPPORTED_SHARE = 0.04  # of pinned tickets in a category with a duplicate radius
MAX_SUPPORTERS = 3

# Staff created once per database: per region, and per agency (per region for the
# agencies with an office in every kabupaten/kota).
OPERATORS_PER_REGION = 2
