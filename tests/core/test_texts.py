"""core.texts: Indonesian texts outside the dialogue, and the files that use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.texts import TEXTS as BOT_TEXTS
from core.texts import TextFile
from tickets.texts import TEXTS as TICKET_TEXTS
from tickets.workflow import actions
from tickets.workflow_config import raw


def test_a_text_is_filled_like_an_f_string(tmp_path: Path) -> None:
    path = tmp_path / "texts.yml"
    path.write_text('a:\n  b: "{x!r} {y:<3}|"\n  c: "{{literal}}"\n', encoding="utf-8")
    texts = TextFile(path)
    assert texts.text("a", "b", x="k", y=1) == "'k' 1  |"
    assert texts.text("a", "c") == "{literal}"
    assert texts.section("a") == {"b": "{x!r} {y:<3}|", "c": "{{literal}}"}
    with pytest.raises(KeyError):
        texts.text("a", "missing")


def test_a_malformed_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "texts.yml"
    path.write_text("a:\n  b: [1, 2]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="section 'a'"):
        TextFile(path).section("a")


@pytest.mark.parametrize("texts", [BOT_TEXTS, TICKET_TEXTS])
def test_the_packages_text_files_load(texts: TextFile) -> None:
    assert texts.path.name == "texts.yml"
    assert texts._sections


def test_workflow_yml_is_data_and_its_wording_is_in_texts_yml() -> None:
    assert set(raw()) == {"actions", "reopen_within_days", "withdraw_from"}
    assert set(TICKET_TEXTS.section("buttons")) <= set(actions())
    assert set(TICKET_TEXTS.section("button_notes")) <= set(actions())


def test_the_cli_texts_reproduce_the_cli_output() -> None:
    """bot/texts.yml, ready for the CLI: the same bytes its f-strings print today."""
    row = {"number": "LPG-2026-000001", "status": "new", "category": "jalan_rusak"}
    queue = BOT_TEXTS.text("tickets", "queue_line", nomor=row["number"], status=row["status"],
                           kategori=row["category"], wilayah="-",
                           instansi=BOT_TEXTS.text("tickets", "no_agency"), batas="-")  # fmt: skip
    assert queue == (f"{row['number']}  {row['status']:<11} {row['category']:<17} "
                     f"{'-':<20} {'triase':<14} batas -")  # fmt: skip
    assert (
        BOT_TEXTS.text("staff", "unknown_region", kode="18.71") == "Wilayah '18.71' tidak dikenal."
    )
    region = BOT_TEXTS.text(
        "knowledge", "region", wilayah="Kota Metro", desa="Imopuro", jarak=0.054
    )
    assert region == "Kota Metro; desa terdekat Imopuro, 0.05 km"
