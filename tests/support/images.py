"""Images with metadata, and one that only claims to be huge, for the photo tests."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_bomb(path: Path, width: int = 40_000, height: int = 40_000) -> Path:
    """A few hundred bytes whose header says `width` x `height` (a decompression
    bomb): refusing it must not need the pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    row = b"\x00" + b"\x00" * 3 * 16
    data = zlib.compress(row * 16)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )
    return path


def assert_stored_without_metadata(stored: Path, sent: bytes) -> None:
    """`stored` is the photo that was `sent`, re-encoded on intake (tickets.media):
    same format and size, no EXIF, named by the hash of the stored bytes."""
    import hashlib
    import io

    from PIL import Image

    with Image.open(stored) as image, Image.open(io.BytesIO(sent)) as original:
        assert (image.format, image.size) == (original.format, original.size)
        assert not image.getexif() and "icc_profile" not in image.info
    assert stored.stem == hashlib.sha256(stored.read_bytes()).hexdigest()


def photo(path: Path, key: str, size: tuple[int, int] = (64, 48)) -> Path:
    """A small real JPEG whose pixels depend on `key`: the same key gives the same
    photo (stored once), different keys different photos."""
    import hashlib

    from PIL import Image

    red, green, blue = hashlib.sha256(key.encode()).digest()[:3]
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (red, green, blue)).save(path, format="JPEG")
    return path


def truncated_jpeg(path: Path, key: str = "terpotong") -> Path:
    """A JPEG cut off half way, as an interrupted upload leaves it."""
    photo(path, key, size=(320, 240))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path
