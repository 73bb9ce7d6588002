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
