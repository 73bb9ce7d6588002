"""Texts people read live in data files (domain/, */texts.yml), never in Python.

A heuristic over the string constants of the production packages: a constant
(an f-string counts as one, its placeholders as "{}") that reads as Indonesian
prose fails the test. Docstrings are skipped; comments are not constants.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from core.settings import ROOT_DIR

PACKAGES = (
    "actions",
    "bot",
    "channels",
    "core",
    "dialogue",
    "knowledge",
    "nlu",
    "tickets",
    "workspace",
)

# Files whose literals are still to be moved (to bot/texts.yml, loaded by bot/texts.py).
# Empty this as they are converted; an entry for a file without literals fails too.
NOT_CONVERTED_YET: set[str] = set()

# Common Indonesian words of the bot's wording that are not English words too.
_WORDS = """
    ada adalah akan anda antrean atau batas belum berhasil bisa bukan dan dari dengan desa
    dicatat diberi dihapus dikenal dikembalikan ditambahkan ditemukan ditolak diteruskan
    gambar harus ini instansi isi itu jawaban kami kandidat ketik kirim koordinat laporan
    lama lewati maaf memerlukan mohon oleh pengguna periode pesan petugas pilih pilihan provinsi
    ringkasan saja sedang selesai seluruh silakan sudah tahu terdaftar terdekat terima
    terkirim terlambat tiket tidak triase untuk warga wilayah yang
"""
INDONESIAN = frozenset(_WORDS.split())
# A word: letters between spaces and punctuation; identifiers ("utter_x", "/lapor", "a.ini",
# "instansi-vertikal") are not.
_WORD = re.compile(r"(?<![\w/.-])[^\W\d_]+(?![\w-])")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of each string constant; an f-string is one text."""
    skip = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [
                v.value if isinstance(v, ast.Constant) else "{}"
                for v in node.values
                if not isinstance(v, ast.Constant) or isinstance(v.value, str)
            ]
            out.append((node.lineno, "".join(str(p) for p in parts)))
            skip.update(id(v) for v in node.values)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            out.append((node.lineno, node.value))
    return out


def reads_indonesian(text: str) -> bool:
    """An Indonesian word in a phrase; an f-string's value counts as a word ("wilayah {}").
    Single words (NLU keywords, "Tolak") pass: the heuristic stays free of false alarms."""
    words = [w.casefold() for w in _WORD.findall(text)]
    hits = sum(w in INDONESIAN for w in words)
    return hits >= 1 and len(words) + text.count("{}") >= 2


def indonesian_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [f"{line}: {text!r}" for line, text in _strings(tree) if reads_indonesian(text)]


def _production_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT_DIR / package).rglob("*.py"))


def test_the_heuristic_catches_prose_and_spares_code() -> None:
    assert reads_indonesian("Tiket {} tidak ditemukan.")
    assert reads_indonesian("Belum ada tiket.")
    assert reads_indonesian("Koordinat tidak valid.")
    assert reads_indonesian("wilayah {}")
    assert not reads_indonesian("tiket")  # an NLU keyword
    assert not reads_indonesian("utter_tiket_dibuat")
    assert not reads_indonesian("unknown ticket status: {}")
    assert not reads_indonesian('/pilih_kategori{"kategori": "{}"}')


def test_no_indonesian_literals_in_python() -> None:
    found = {}
    for path in _production_files():
        name = path.relative_to(ROOT_DIR).as_posix()
        if name in NOT_CONVERTED_YET:
            continue
        hits = indonesian_literals(path)
        if hits:
            found[name] = hits
    assert not found, (
        "Indonesian text in Python; move it to domain/ (dialogue, notifications, staff "
        f"responses) or the package's texts.yml (core.texts.TextFile): {found}"
    )


def test_the_allow_list_names_only_files_still_to_convert() -> None:
    stale = [
        name
        for name in sorted(NOT_CONVERTED_YET)
        if not (ROOT_DIR / name).exists() or not indonesian_literals(ROOT_DIR / name)
    ]
    assert not stale, f"converted (or gone): remove from NOT_CONVERTED_YET: {stale}"
