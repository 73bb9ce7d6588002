"""Photo storage: content-addressed files, validation by content, typed errors."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from pydantic import ValidationError
from sqlalchemy import func, select

from core.db import transaction
from core.settings import Settings, get_settings
from tickets.media import MediaError, store_photo
from tickets.models import Attachment

MakeImage = Callable[..., Path]  # the `make_image` fixture (conftest.py)


def _files(media_dir: Path) -> list[Path]:
    return sorted(p for p in media_dir.rglob("*") if p.is_file())


def _attachment_count() -> int:
    with transaction() as s:
        return s.scalar(select(func.count()).select_from(Attachment)) or 0


@pytest.mark.parametrize(
    ("fmt", "mime", "ext"),
    [
        ("PNG", "image/png", "png"),
        ("JPEG", "image/jpeg", "jpg"),
        ("WEBP", "image/webp", "webp"),
        ("GIF", "image/gif", "gif"),
    ],
)
def test_store_photo_by_hash(
    db: str, media_dir: Path, tmp_path: Path, make_image: MakeImage, fmt: str, mime: str, ext: str
) -> None:
    source = make_image(tmp_path / f"upload.{ext}", fmt=fmt, size=(12, 7))

    with transaction() as s:
        att = store_photo(
            session=s, source_path=str(source), original_name=f"C:\\phone\\IMG_1.{ext}"
        )
        att_id = att.id

    # What is stored is the re-encoded photo; its hash names the file.
    stored_path = media_dir / att.storage_path
    stored = stored_path.read_bytes()
    sha = hashlib.sha256(stored).hexdigest()
    assert att_id is not None
    assert att.sha256 == sha
    assert (att.mime_type, att.width, att.height) == (mime, 12, 7)
    assert att.size_bytes == len(stored)
    assert att.storage_path == f"{sha[:2]}/{sha}.{ext}"
    assert att.original_name == f"IMG_1.{ext}"
    assert att.ticket_id is None
    assert _files(media_dir) == [stored_path]
    with Image.open(stored_path) as image:
        assert (image.format, image.size) == (fmt, (12, 7))
        r, g, b = image.convert("RGB").getpixel((6, 3))  # type: ignore[misc]
        assert abs(r - 200) < 8 and abs(g - 30) < 8 and abs(b - 30) < 8  # the same picture
    with transaction() as s:
        row = s.get(Attachment, att_id)
        assert row is not None and row.sha256 == sha and row.created_at.tzinfo is not None


def test_mime_comes_from_content_not_name(
    db: str, media_dir: Path, tmp_path: Path, make_image: MakeImage
) -> None:
    source = make_image(tmp_path / "looks_like.jpg", fmt="PNG")
    with transaction() as s:
        att = store_photo(session=s, source_path=source)
    assert att.mime_type == "image/png"
    assert att.storage_path.endswith(".png")


def test_same_content_twice_is_stored_once(
    db: str, media_dir: Path, tmp_path: Path, make_image: MakeImage
) -> None:
    first = make_image(tmp_path / "one.png")
    second = tmp_path / "two.png"
    second.write_bytes(first.read_bytes())

    with transaction() as s:
        a = store_photo(session=s, source_path=first)
    stored = media_dir / a.storage_path
    mtime = stored.stat().st_mtime_ns
    with transaction() as s:
        b = store_photo(session=s, source_path=second)

    assert a.id != b.id
    assert a.storage_path == b.storage_path
    assert _files(media_dir) == [stored]
    assert stored.stat().st_mtime_ns == mtime  # not rewritten
    assert _attachment_count() == 2


def test_different_images_get_different_files(
    db: str, media_dir: Path, tmp_path: Path, make_image: MakeImage
) -> None:
    with transaction() as s:
        a = store_photo(session=s, source_path=make_image(tmp_path / "a.png", color=(0, 0, 0)))
        b = store_photo(
            session=s, source_path=make_image(tmp_path / "b.png", color=(255, 255, 255))
        )
    assert a.sha256 != b.sha256
    assert len(_files(media_dir)) == 2


def test_media_dir_defaults_to_settings(
    db: str, media_dir: Path, tmp_path: Path, make_image: MakeImage
) -> None:
    assert get_settings().media_dir == media_dir  # wired by the `db` fixture
    other = tmp_path / "elsewhere"
    with transaction() as s:
        att = store_photo(session=s, source_path=make_image(tmp_path / "a.png"), media_dir=other)
    assert (other / att.storage_path).is_file()
    assert _files(media_dir) == []


def _text_as_jpg(tmp_path: Path) -> Path:
    path = tmp_path / "holiday.jpg"
    path.write_text("definitely not a picture\n" * 20, encoding="utf-8")
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    return path


def _truncated_png(tmp_path: Path) -> Path:
    whole = tmp_path / "whole.png"
    Image.new("RGB", (64, 64), (9, 9, 9)).save(whole, format="PNG")
    path = tmp_path / "truncated.png"
    path.write_bytes(whole.read_bytes()[:-30])
    return path


def _bmp(tmp_path: Path) -> Path:
    # A real image, but not a format we accept.
    path = tmp_path / "scan.png"
    Image.new("RGB", (4, 4)).save(path, format="BMP")
    return path


@pytest.mark.parametrize(
    ("make_source", "code"),
    [
        (lambda tmp: tmp / "missing.jpg", "not_found"),
        (lambda tmp: tmp, "not_found"),  # a directory
        (_empty, "empty"),
        (_text_as_jpg, "not_image"),
        (_truncated_png, "corrupt"),
        (_bmp, "not_image"),
    ],
    ids=["missing", "directory", "empty", "text_renamed_jpg", "truncated_png", "bmp"],
)
def test_rejected_files(
    db: str, media_dir: Path, tmp_path: Path, make_source: Callable[[Path], Path], code: str
) -> None:
    source = make_source(tmp_path)
    with transaction() as s, pytest.raises(MediaError) as info:
        store_photo(session=s, source_path=source)
    assert info.value.code == code
    assert _files(media_dir) == []
    assert _attachment_count() == 0


def test_too_large_with_explicit_limit(
    db: str, media_dir: Path, tmp_path: Path, make_image: MakeImage
) -> None:
    source = make_image(tmp_path / "big.png", size=(64, 64))
    size = source.stat().st_size
    with transaction() as s:
        with pytest.raises(MediaError) as info:
            store_photo(session=s, source_path=source, max_bytes=size - 1)
        assert info.value.code == "too_large"
        # Exactly at the limit is fine (the limit is on what the sender sent).
        att = store_photo(session=s, source_path=source, max_bytes=size)
        assert att.size_bytes == (media_dir / att.storage_path).stat().st_size
    assert len(_files(media_dir)) == 1


def test_too_large_default_limit_from_settings_checked_before_reading(
    db: str, media_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 1 GiB sparse file: rejected from its size alone, without reading it.
    huge = tmp_path / "huge.jpg"
    with huge.open("wb") as f:
        f.truncate(1 << 30)
    opened: list[Path] = []
    real_open = Path.open

    def spy_open(self: Path, *args: object, **kwargs: object) -> object:
        opened.append(self)
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", spy_open)
    assert get_settings().max_photo_bytes < huge.stat().st_size
    with transaction() as s, pytest.raises(MediaError) as info:
        store_photo(session=s, source_path=huge)
    assert info.value.code == "too_large"
    assert huge not in opened
    assert _files(media_dir) == []


def test_default_limit_follows_env(
    db: str, media_dir: Path, tmp_path: Path, make_image: MakeImage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_PHOTO_BYTES", "50")
    get_settings.cache_clear()
    with transaction() as s, pytest.raises(MediaError) as info:
        store_photo(session=s, source_path=make_image(tmp_path / "a.png", size=(32, 32)))
    assert info.value.code == "too_large"
    assert _files(media_dir) == []


def test_pixel_limit_from_settings(
    db: str, media_dir: Path, tmp_path: Path, make_image: MakeImage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_PHOTO_PIXELS", "400")
    get_settings.cache_clear()
    with transaction() as s:
        with pytest.raises(MediaError) as info:
            store_photo(session=s, source_path=make_image(tmp_path / "a.png", size=(21, 20)))
        assert info.value.code == "too_many_pixels"
        assert store_photo(session=s, source_path=make_image(tmp_path / "b.png", size=(20, 20)))
    assert len(_files(media_dir)) == 1


@pytest.mark.parametrize("value", ["0", "-5", "89478486", "many"])
def test_pixel_setting_is_validated(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("MAX_PHOTO_PIXELS", value)
    with pytest.raises(ValidationError, match="max_photo_pixels"):
        Settings()
