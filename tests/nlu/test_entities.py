"""nlu.entities: rule-based extractors (no model needed)."""

from __future__ import annotations

import pytest

from nlu.entities import extract_entities, mask_pii


def only(text: str, name: str) -> list[tuple[str, str]]:
    """(value, surface) of every `name` entity; checks offsets point into `text`."""
    out = []
    for ent in extract_entities(text):
        assert 0 <= ent["start"] < ent["end"] <= len(text)
        assert ent["extractor"] == "LaporinEntityExtractor"
        if ent["entity"] == name:
            out.append((ent["value"], text[ent["start"] : ent["end"]]))
    return out


# --- region ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("jalan rusak di bandar lampung", "bandar_lampung", "bandar lampung"),
        ("BANDARLAMPUNG banjir", "bandar_lampung", "BANDARLAMPUNG"),
        ("Bandar  Lampung", "bandar_lampung", "Bandar  Lampung"),
        ("di balam min", "bandar_lampung", "balam"),
        ("bdl", "bandar_lampung", "bdl"),
        ("saya di b. lampung", "bandar_lampung", "b. lampung"),
        ("B.Lampung", "bandar_lampung", "B.Lampung"),
        ("kota metro", "metro", "kota metro"),
        ("lampu mati di Metro.", "metro", "Metro"),
        ("kab. lampung tengah", "lampung_tengah", "kab. lampung tengah"),
        ("kabupaten lampung selatan", "lampung_selatan", "kabupaten lampung selatan"),
        ("lamsel", "lampung_selatan", "lamsel"),
        ("Lamteng", "lampung_tengah", "Lamteng"),
        ("lamtim", "lampung_timur", "lamtim"),
        ("lampura", "lampung_utara", "lampura"),
        ("lambar", "lampung_barat", "lambar"),
        ("di lampung utara", "lampung_utara", "lampung utara"),
        ("lampung barat", "lampung_barat", "lampung barat"),
        ("Lampung Timur", "lampung_timur", "Lampung Timur"),
        ("tulang bawang", "tulang_bawang", "tulang bawang"),
        ("tulangbawang", "tulang_bawang", "tulangbawang"),
        ("di tuba", "tulang_bawang", "tuba"),
        ("tulang bawang barat", "tulang_bawang_barat", "tulang bawang barat"),
        ("tubaba", "tulang_bawang_barat", "tubaba"),
        ("tanggamus", "tanggamus", "tanggamus"),
        ("way kanan", "way_kanan", "way kanan"),
        ("Waykanan", "way_kanan", "Waykanan"),
        ("pesawaran", "pesawaran", "pesawaran"),
        ("pringsewu", "pringsewu", "pringsewu"),
        ("mesuji", "mesuji", "mesuji"),
        ("pesisir barat", "pesisir_barat", "pesisir barat"),
        ("pesibar", "pesisir_barat", "pesibar"),
        ("gunung sugih", "lampung_tengah", "gunung sugih"),
        ("kalianda", "lampung_selatan", "kalianda"),
        ("kotabumi", "lampung_utara", "kotabumi"),
        ("kota bumi", "lampung_utara", "kota bumi"),
        ("liwa", "lampung_barat", "liwa"),
        ("sukadana", "lampung_timur", "sukadana"),
        ("menggala", "tulang_bawang", "menggala"),
        ("panaragan", "tulang_bawang_barat", "panaragan"),
        ("kota agung", "tanggamus", "kota agung"),
        ("blambangan umpu", "way_kanan", "blambangan umpu"),
        ("gedong tataan", "pesawaran", "gedong tataan"),
        ("pantai di krui", "pesisir_barat", "krui"),
    ],
)
def test_region(text: str, value: str, surface: str) -> None:
    assert only(text, "region") == [(value, surface)]


def test_region_longest_and_several() -> None:
    text = "dari tubaba ke tuba lalu ke tulang bawang barat"
    assert only(text, "region") == [
        ("tulang_bawang_barat", "tubaba"),
        ("tulang_bawang", "tuba"),
        ("tulang_bawang_barat", "tulang bawang barat"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "provinsi lampung",
        "lampungnya bagus",
        "tubanya",
        "lamselku",
        "metropolitan",
        "kota besar",
        "kabupaten sebelah",
        "palembang",
    ],
)
def test_no_region(text: str) -> None:
    assert only(text, "region") == []


# --- NIK -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("NIK saya 1871012345670001", "1871012345670001"),
        ("nik: 1871 0123 4567 0001.", "1871 0123 4567 0001"),
        ("1871.0123.4567.0001", "1871.0123.4567.0001"),
        ("187101-234567-0001 ya", "187101-234567-0001"),
        ("hp 081234567890 1871012345670001", "1871012345670001"),
    ],
)
def test_nik(text: str, surface: str) -> None:
    value = "".join(ch for ch in surface if ch.isdigit())
    assert only(text, "nik") == [(value, surface)]
    # The NIK itself is never also read as a phone number.
    assert all(surface not in s for _, s in only(text, "phone"))


@pytest.mark.parametrize(
    "text",
    [
        "18710123456700012",  # 17 digits
        "187101234567000",  # 15 digits
        "1871 0123 4567 0001 2",  # longer grouped run
        "x1871012345670001",
        "0871012345670001",  # no province code 0x
        "LPG-2026-000123",
    ],
)
def test_no_nik(text: str) -> None:
    assert only(text, "nik") == []


# --- phone ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("hp 081234567890", "+6281234567890", "081234567890"),
        ("wa 0812-3456-7890 ya", "+6281234567890", "0812-3456-7890"),
        ("0812 3456 789", "+628123456789", "0812 3456 789"),
        ("+62 812 3456 7890", "+6281234567890", "+62 812 3456 7890"),
        ("+6281234567890", "+6281234567890", "+6281234567890"),
        ("62 812-3456-7890", "+6281234567890", "62 812-3456-7890"),
        ("hub 0856.1234.567", "+628561234567", "0856.1234.567"),
        ("no 081234567890 1871012345670001", "+6281234567890", "081234567890"),
    ],
)
def test_phone(text: str, value: str, surface: str) -> None:
    assert only(text, "phone") == [(value, surface)]


@pytest.mark.parametrize(
    "text",
    [
        "1871012345670001",  # NIK
        "1871 0812 3456 7890",  # NIK containing 0812...
        "6281234567890123",  # NIK-length run starting 628
        "0812345",  # too short
        "081234567890123",  # too long
        "LPG-2026-000123",
        "cek tiket 123",
        "021 1234 5678",  # landline
        "harga 1.500.000",
    ],
)
def test_no_phone(text: str) -> None:
    assert only(text, "phone") == []


# --- mask_pii ------------------------------------------------------------------------


def test_mask_pii() -> None:
    text = "NIK 1871 0123 4567 0001 hp +62 812-3456-7889 / 081234567889, tiket LPG-2026-000001"
    assert mask_pii(text) == (
        "NIK 187101********** hp 0812******89 / 0812******89, tiket LPG-2026-000001"
    )
    assert mask_pii("NIK: 1871012345670001.") == "NIK: 187101**********."
    assert mask_pii("wa 0812 3456 789") == "wa 0812*****89"
    assert mask_pii("jalan rusak di jl. kartini no 12") == "jalan rusak di jl. kartini no 12"
    assert mask_pii("") == ""


# --- street --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("jln teuku umar no 5", "Teuku Umar", "teuku umar"),
        ("Jl. Kartini rusak", "Kartini", "Kartini"),
        ("jl.kartini no 12", "Kartini", "kartini"),
        ("jl ZA Pagar Alam, Rajabasa", "ZA Pagar Alam", "ZA Pagar Alam"),
        ("jalan raya hajimena dekat indomaret", "Raya Hajimena", "raya hajimena"),
        ("JALAN PANGERAN ANTASARI depan masjid", "Pangeran Antasari", "PANGERAN ANTASARI"),
        ("jln. sultan agung bandar lampung", "Sultan Agung", "sultan agung"),
        ("jl. h. agus salim. lampunya mati", "H. Agus Salim", "h. agus salim"),
        ("lampu jalan kartini mati sejak kemarin", "Kartini", "kartini"),
        ("di jl. imam bonjol samping sekolah", "Imam Bonjol", "imam bonjol"),
        ("jl. wolter monginsidi rt 03", "Wolter Monginsidi", "wolter monginsidi"),
        ("jl. ratu dibalau arah way halim", "Ratu Dibalau", "ratu dibalau"),
        ("jl raya metro", "Raya Metro", "raya metro"),
    ],
)
def test_street(text: str, value: str, surface: str) -> None:
    assert only(text, "street") == [(value, surface)]


@pytest.mark.parametrize(
    "text",
    [
        "jalan rusak parah",
        "jalannya berlubang",
        "jalan kaki ke pasar",
        "jalan raya rusak",
        "jalan di depan rumah ambles",
        "jalan-jalan ke pantai",
        "jalan desa becek",
        "jalan tol macet",
        "saya jalan pulang",
        "jl. rusak",
        "perjalanan lancar",
    ],
)
def test_no_street(text: str) -> None:
    assert only(text, "street") == []


# --- time ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("kemarin", "-P1D", "kemarin"),
        ("Kemaren lampu mati", "-P1D", "Kemaren"),
        ("kmrn", "-P1D", "kmrn"),
        ("kemarin lusa", "-P2D", "kemarin lusa"),
        ("tadi pagi", "today_morning", "tadi pagi"),
        ("tadi  siang", "today_midday", "tadi  siang"),
        ("tadi sore", "today_afternoon", "tadi sore"),
        ("tadi malam", "today_evening", "tadi malam"),
        ("semalam hujan", "last_night", "semalam"),
        ("tadi udah lapor", "today_earlier", "tadi"),
        ("barusan", "just_now", "barusan"),
        ("minggu lalu", "-P1W", "minggu lalu"),
        ("bulan lalu", "-P1M", "bulan lalu"),
        ("3 hari lalu", "-P3D", "3 hari lalu"),
        ("3 hari yang lalu", "-P3D", "3 hari yang lalu"),
        ("2 minggu yg lalu", "-P2W", "2 minggu yg lalu"),
        ("dua bulan lalu", "-P2M", "dua bulan lalu"),
        ("seminggu yang lalu", "-P1W", "seminggu yang lalu"),
        ("udah seminggu", "-P1W", "udah seminggu"),
        ("sudah sebulan lebih", "-P1M", "sudah sebulan"),
        ("sejak 5 hari", "-P5D", "sejak 5 hari"),
        ("sejak 3 hari lalu", "-P3D", "sejak 3 hari lalu"),
        ("udh hampir seminggu", "-P1W", "udh hampir seminggu"),
        ("2 jam lalu", "-PT2H", "2 jam lalu"),
        ("30 menit lalu", "-PT30M", "30 menit lalu"),
        ("setahun lalu", "-P1Y", "setahun lalu"),
    ],
)
def test_time(text: str, value: str, surface: str) -> None:
    assert only(text, "time") == [(value, surface)]


@pytest.mark.parametrize(
    "text",
    [
        "tunggu 3 hari ya",
        "3 hari lagi",
        "seminggu sekali",
        "hari minggu",
        "lalu lintas macet",
        "jalan rusak",
        "tadinya",
        "kemarau panjang",
        "sudah 0 hari",
    ],
)
def test_no_time(text: str) -> None:
    assert only(text, "time") == []


# --- combined ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("cek LPG-2026-000001", "LPG-2026-000001", "LPG-2026-000001"),
        ("cek tiket 123", "123", "123"),
        ("tiket 2026-77 belum ada kabar", "LPG-2026-000077", "2026-77"),
        ("Min, CEK dong LPG-2026-000321 udh seminggu!!", "LPG-2026-000321", "LPG-2026-000321"),
    ],
)
def test_ticket_numbers_still_work(text: str, value: str, surface: str) -> None:
    assert only(text, "ticket_number") == [(value, surface)]


def test_time_beats_bare_ticket_number() -> None:
    text = "laporan saya 3 hari lalu belum ditanggapi"
    assert only(text, "ticket_number") == []
    assert only(text, "time") == [("-P3D", "3 hari lalu")]


def test_full_report() -> None:
    text = (
        "Min, jln teuku umar no 5 kota metro rusak parah sejak 3 hari lalu. "
        "NIK 1871012345670001, hp 0812-3456-7890"
    )
    got = [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in extract_entities(text)]
    assert got == [
        ("street", "Teuku Umar", "teuku umar"),
        ("region", "metro", "kota metro"),
        ("time", "-P3D", "sejak 3 hari lalu"),
        ("nik", "1871012345670001", "1871012345670001"),
        ("phone", "+6281234567890", "0812-3456-7890"),
    ]
    starts = [e["start"] for e in extract_entities(text)]
    assert starts == sorted(starts)


def test_empty_and_plain_text() -> None:
    assert extract_entities("") == []
    assert extract_entities("halo min, terima kasih") == []


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("tolong ada yg kecelakaan motor di jln soekarno hatta", ["kecelakaan"]),
        ("RUMAH TERBAKAR di way halim!!", ["kebakaran"]),
        ("anak hanyut di kali, ada yg pingsan", ["tenggelam", "medis"]),
        ("baru aja dibegal di jalan lintas", ["kejahatan"]),
        ("jalan rusak parah di depan sdn 2", []),
        ("kebakaranan", []),  # whole words only
    ],
)
def test_emergency_words_are_flagged(text: str, kinds: list[str]) -> None:
    found = [e for e in extract_entities(text) if e["entity"] == "darurat"]
    assert [e["value"] for e in found] == kinds
    for e in found:
        assert text[e["start"] : e["end"]].casefold() in text.casefold()
