"""Photo storage: validated images, re-encoded without metadata, saved once per
content hash under MEDIA_DIR.

Every accepted photo is decoded and encoded again (`_reencode`): EXIF (GPS,
camera, Artist/Copyright), XMP, ICC profiles and comments or text chunks never
reach the disk or the staff chats the photo is sent to. The EXIF orientation is
applied first, so the picture stays upright without the tag. An animated GIF or
WEBP keeps its first frame: a complaint photo is a still.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tempfile
from pathlib import Path, PurePath

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from core.settings import get_settings
from tickets.models import Attachment

# Pillow format -> (mime type, file extension). Anything else is refused.
ACCEPTED_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}
JPEG_QUALITY = 90
WEBP_QUALITY = 90
# Modes each format is written in; anything else is converted (alpha kept).
WRITABLE_MODES = {
    "JPEG": ("L", "RGB"),
    "PNG": ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"),
    "WEBP": ("RGB", "RGBA"),
    "GIF": ("1", "L", "P", "RGB", "RGBA"),
}


class MediaError(Exception):
    """A photo that cannot be stored; `code` is stable, for callers to pick a reply."""

    code: str = "media_error"


class PhotoNotFoundError(MediaError):
    code = "not_found"


class PhotoTooLargeError(MediaError):
    code = "too_large"


class TooManyPixelsError(MediaError):
    code = "too_many_pixels"


class NotAnImageError(MediaError):
    code = "not_image"


class EmptyPhotoError(MediaError):
    code = "empty"


class CorruptPhotoError(NotAnImageError):
    """A JPEG/PNG/WEBP/GIF by its header whose data cannot be decoded: cut short in
    transfer, or damaged."""

    code = "corrupt"


def store_photo(
    *,
    session: Session,
    source_path: Path | str,
    original_name: str | None = None,
    media_dir: Path | None = None,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
) -> Attachment:
    """Validate the image at `source_path`, re-encode it without metadata, store the
    new bytes by their hash and add an Attachment row.

    The row is flushed (it has an id) but not linked to a ticket. If the caller's
    transaction rolls back, the file stays: it is content-addressed, so a later
    upload of the same photo simply reuses it.
    """
    settings = get_settings()
    media_dir = Path(media_dir if media_dir is not None else settings.media_dir)
    max_bytes = max_bytes if max_bytes is not None else settings.max_photo_bytes
    max_pixels = max_pixels if max_pixels is not None else settings.max_photo_pixels

    fmt, data, (width, height) = _reencode(_read_bounded(Path(source_path), max_bytes), max_pixels)
    mime_type, ext = ACCEPTED_FORMATS[fmt]
    sha256 = hashlib.sha256(data).hexdigest()

    relative = PurePath(sha256[:2], f"{sha256}.{ext}")
    target = media_dir / relative
    if not target.exists():
        _write_atomically(target, data)

    attachment = Attachment(
        sha256=sha256,
        mime_type=mime_type,
        size_bytes=len(data),
        width=width,
        height=height,
        storage_path=relative.as_posix(),
        original_name=_clean_name(original_name),
    )
    session.add(attachment)
    session.flush()
    return attachment


def _read_bounded(path: Path, max_bytes: int) -> bytes:
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise PhotoNotFoundError(f"no such file: {path}") from None
    if not stat.S_ISREG(st.st_mode):
        raise PhotoNotFoundError(f"not a regular file: {path}")
    if st.st_size == 0:
        raise EmptyPhotoError(f"empty file: {path}")
    # Decide on the size from stat() before reading anything; then read at most one
    # byte more than allowed in case the file grew in the meantime.
    if st.st_size > max_bytes:
        raise PhotoTooLargeError(f"{st.st_size} bytes > limit of {max_bytes}")
    with path.open("rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PhotoTooLargeError(f"file grew beyond the limit of {max_bytes} bytes")
    if not data:
        raise EmptyPhotoError(f"empty file: {path}")
    return data


def _reencode(data: bytes, max_pixels: int) -> tuple[str, bytes, tuple[int, int]]:
    """(Pillow format, the clean bytes, their size); the format comes from the bytes,
    never the name."""
    formats = tuple(ACCEPTED_FORMATS)  # don't even try other decoders
    try:
        with Image.open(io.BytesIO(data), formats=formats) as image:
            fmt = str(image.format)
            # Decided from the header, before anything is decoded.
            if image.width * image.height > max_pixels:
                raise TooManyPixelsError(f"{image.width}x{image.height} px > {max_pixels}")
            upright = ImageOps.exif_transpose(image)  # decodes the whole first frame
            clean = _without_metadata(upright, fmt)
            out = io.BytesIO()
            clean.save(out, format=fmt, **_save_options(fmt, upright))
    except Image.DecompressionBombError as exc:
        raise TooManyPixelsError(f"image has too many pixels: {exc}") from None
    except UnidentifiedImageError as exc:
        raise NotAnImageError(f"not a JPEG/PNG/WEBP/GIF image: {exc}") from None
    except (OSError, SyntaxError, ValueError) as exc:
        # Pillow reports truncated or damaged data with any of these.
        raise CorruptPhotoError(f"a damaged or truncated image: {exc}") from None
    if fmt not in ACCEPTED_FORMATS:
        raise NotAnImageError(f"unsupported image format: {fmt}")
    return fmt, out.getvalue(), clean.size


def _without_metadata(image: Image.Image, fmt: str) -> Image.Image:
    """The pixels (and palette) alone: `info` (EXIF, XMP, ICC, comments, text
    chunks) is what encoders fall back on, so it is emptied."""
    if image.mode not in WRITABLE_MODES[fmt]:
        alpha = "A" in image.mode or "transparency" in image.info
        target = "RGBA" if alpha and "RGBA" in WRITABLE_MODES[fmt] else "RGB"
        image = image.convert("P" if fmt == "GIF" else target)
    clean = image.copy()
    clean.info = {}
    return clean


def _save_options(fmt: str, source: Image.Image) -> dict[str, object]:
    options: dict[str, object] = {}
    if fmt == "JPEG":
        options["quality"] = JPEG_QUALITY
    elif fmt == "WEBP":
        options["quality"] = WEBP_QUALITY
    # A palette image's transparent colour is pixel data, not metadata.
    transparency = source.info.get("transparency")
    if fmt in ("PNG", "GIF") and source.mode in ("P", "L") and transparency is not None:
        options["transparency"] = transparency
    return options


def _write_atomically(target: Path, data: bytes) -> None:
    # Write to a temp file in the same directory and rename: readers never see a
    # partial file, and two writers of the same content both end with a full one.
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _clean_name(name: str | None) -> str | None:
    # Keep only the base name (senders may include paths), within the column size.
    if not name:
        return None
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base[:255] or None
