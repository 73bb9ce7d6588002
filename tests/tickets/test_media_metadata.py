"""Photos lose their metadata on intake: EXIF (GPS, Artist, Copyright), XMP, ICC,
comments and text chunks never reach the disk; the orientation is applied first."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ExifTags, Image, PngImagePlugin

from core.db import transaction
from core.settings import get_settings
from tests.support.images import png_bomb
from tickets.media import MediaError, store_photo

PHONE = "081234567890"
SECRETS = (PHONE.encode(), b"Budi Santoso", b"GPS", b"Exif", b"EXIF", b"secret-xmp", b"ICC-DESC")
RED, BLUE = (220, 20, 20), (20, 20, 220)


def _two_halves(size: tuple[int, int]) -> Image.Image:
    """Left half red, right half blue: which way is up shows after a rotation."""
    width, height = size
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    return image


def _exif(orientation: int | None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = f"Budi Santoso {PHONE}"
    exif[ExifTags.Base.Copyright] = f"(c) Budi Santoso {PHONE}"
    exif[ExifTags.Base.Make] = "PhoneMaker"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (5.0, 22.0, 19.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 14.0, 21.0)
    return exif


def _stored(media_dir: Path, source: Path) -> Path:
    with transaction() as s:
        att = store_photo(session=s, source_path=source)
        path = media_dir / att.storage_path
        assert (att.width, att.height) == Image.open(path).size
        assert att.size_bytes == path.stat().st_size
    return path


def _assert_clean(path: Path) -> None:
    raw = path.read_bytes()
    for secret in SECRETS:
        assert secret not in raw, secret
    with Image.open(path) as image:
        assert not image.getexif()
        for key in ("exif", "icc_profile", "xmp", "comment", "XML:com.adobe.xmp"):
            assert key not in image.info, key


def test_jpeg_loses_exif_and_is_stored_upright(db: str, media_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "IMG_0001.jpg"
    # Orientation 6: the camera held the phone upright; the pixels lie on their side.
    _two_halves((40, 20)).save(
        source, format="JPEG", exif=_exif(orientation=6), comment=f"Budi Santoso {PHONE}",
        icc_profile=b"ICC-DESC Budi Santoso", xmp=b"<x>secret-xmp Budi Santoso</x>",
    )  # fmt: skip
    with Image.open(source) as sent:  # the test image really carries it all
        assert sent.getexif()[ExifTags.Base.Artist].startswith("Budi")
        assert sent.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert "icc_profile" in sent.info and "xmp" in sent.info and "comment" in sent.info

    stored = _stored(media_dir, source)

    _assert_clean(stored)
    with Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (20, 40))  # turned upright
        rgb = image.convert("RGB")
        top, bottom = rgb.getpixel((10, 5)), rgb.getpixel((10, 35))
    # Rotated 90 degrees clockwise: the left (red) half is now on top.
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 150 and top[2] < 80
    assert bottom[2] > 150 and bottom[0] < 80


def test_jpeg_without_orientation_keeps_its_shape(db: str, media_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "flat.jpg"
    _two_halves((40, 20)).save(source, format="JPEG", exif=_exif(orientation=None))
    stored = _stored(media_dir, source)
    _assert_clean(stored)
    assert Image.open(stored).size == (40, 20)


def test_png_text_chunks_do_not_survive(db: str, media_dir: Path, tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", f"Budi Santoso {PHONE}")
    info.add_text("Comment", f"nomor {PHONE}", zip=True)  # zTXt
    info.add_itxt("Description", "Budi Santoso", lang="id", tkey="Keterangan")
    info.add_itxt("XML:com.adobe.xmp", "<x>secret-xmp</x>")
    source = tmp_path / "scan.png"
    _two_halves((16, 8)).save(source, format="PNG", pnginfo=info, exif=_exif(orientation=None),
                              icc_profile=b"ICC-DESC")  # fmt: skip
    with Image.open(source) as sent:
        assert {"Author", "Comment", "Description"} <= set(sent.info)

    stored = _stored(media_dir, source)

    _assert_clean(stored)
    with Image.open(stored) as image:
        assert image.format == "PNG"
        assert getattr(image, "text", {}) == {}
        assert not {"Author", "Comment", "Description"} & set(image.info)
        assert image.convert("RGB").getpixel((2, 2)) == RED  # PNG stays lossless


def test_webp_and_gif_lose_their_metadata(db: str, media_dir: Path, tmp_path: Path) -> None:
    webp, gif = tmp_path / "a.webp", tmp_path / "a.gif"
    _two_halves((16, 8)).save(webp, format="WEBP", exif=_exif(orientation=None),
                              xmp=b"<x>secret-xmp</x>", icc_profile=b"ICC-DESC")  # fmt: skip
    _two_halves((16, 8)).save(gif, format="GIF", comment=f"Budi Santoso {PHONE}".encode())
    assert b"Budi Santoso" in gif.read_bytes() and b"Budi Santoso" in webp.read_bytes()
    for source, fmt in ((webp, "WEBP"), (gif, "GIF")):
        stored = _stored(media_dir, source)
        _assert_clean(stored)
        assert Image.open(stored).format == fmt


def test_transparent_palette_png_keeps_its_transparency(
    db: str, media_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "logo.png"
    image = Image.new("P", (4, 4), 1)
    image.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    image.putpixel((0, 0), 0)
    image.save(source, format="PNG", transparency=0)
    stored = _stored(media_dir, source)
    with Image.open(stored) as out:
        rgba = out.convert("RGBA")
        assert rgba.getpixel((0, 0)) == (0, 0, 0, 0)
        assert rgba.getpixel((1, 1)) == (255, 255, 255, 255)


@pytest.mark.parametrize(("width", "height"), [(40_000, 40_000), (8_000, 5_001)])
def test_too_many_pixels_is_its_own_refusal(
    db: str, media_dir: Path, tmp_path: Path, width: int, height: int
) -> None:
    # 1.6 gigapixels (Pillow's DecompressionBombError) and just over the 40 MP setting.
    assert get_settings().max_photo_pixels == 40_000_000
    source = png_bomb(tmp_path / "bomb.png", width, height)
    assert source.stat().st_size < 1000
    with transaction() as s, pytest.raises(MediaError) as info:
        store_photo(session=s, source_path=source)
    assert info.value.code == "too_many_pixels"
    assert not any(p.is_file() for p in media_dir.rglob("*"))
