"""Decide whether a file is an image we accept, before anything is stored about it.

Checks, cheapest first, each failing with `ImageRejected` and a message in plain words:

1. the file is not empty;
2. its first bytes (magic numbers) are those of JPEG, PNG, WebP, TIFF, GIF or BMP, or an ISO-BMFF ``ftyp``
   box whose brands say HEIC/HEIF (decoded by pi-heif, see heif.py) or AVIF (Pillow's own decoder); other
   ISO media (videos) are refused; HTML, XML, SVG, PDF, JSON and plain text are named, because a server
   that answers with an error page is the usual cause;
3. the pixel size in the header is within `max_pixels` (a decompression bomb is refused before decoding;
   Pillow's own DecompressionBombError, raised at twice Image.MAX_IMAGE_PIXELS, is caught too);
4. the whole picture decodes. For JPEG this uses draft mode, which decodes at 1/2 to 1/8 scale but still
   reads the entire entropy-coded stream, so truncated or corrupt data is caught at a fraction of the cost.

`decode_image` (a file) and `decode_bytes` (bytes already in memory, as the ingest pipeline holds them) also
return the decoded (possibly reduced) picture and its EXIF: the one decode both validates the file and feeds
the analysis.
"""

from __future__ import annotations

import io
import struct
import time
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PIL import Image

from gallery.analysis.exif import exif_from_image
from gallery.analysis.heif import HEIF_FORMAT
from gallery.analysis.result import ExifData, ImageRejected
from gallery.formats import DECODER_FORMATS

ACCEPTED_FORMATS: Final = DECODER_FORMATS
# JPEGs decode at the smallest draft scale whose long edge is still this long: within 10% of the
# 1024 px preview, where the next larger scale would cost about a quarter more time for no visible gain.
DRAFT_MIN_LONG_EDGE: Final = 920
_HEAD_BYTES: Final = 64
_HEIF_BRANDS: Final = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1", b"mif2"}
)
_AVIF_BRANDS: Final = frozenset({b"avif", b"avis"})
_DECODE_ERRORS: Final = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)


@dataclass(frozen=True)
class ImageInfo:
    """What the file's header says, before EXIF orientation."""

    format: str
    width: int
    height: int


@dataclass(frozen=True)
class DecodedImage:
    info: ImageInfo
    mode: str  # the file's colour mode, before any conversion
    image: Image.Image  # loaded in memory, file closed; JPEGs at a reduced draft scale
    # Read while the file is open: a TIFF's EXIF sub-IFDs are read lazily from the file.
    exif: ExifData
    exif_seconds: float


def validate_image_file(path: Path, *, max_pixels: int) -> ImageInfo:
    """Check that `path` is a whole, accepted image within `max_pixels`; raise ImageRejected if not."""
    return decode_image(path, max_pixels=max_pixels).info


def decode_image(path: Path, *, max_pixels: int) -> DecodedImage:
    """Validate `path` and return its picture, decoded at the smallest useful scale."""
    # One read of the whole file: decoding from memory is faster than from many small reads, and no
    # file handle outlives this call. Files arrive through a download size cap.
    return decode_bytes(_read(path), max_pixels=max_pixels)


def decode_bytes(data: bytes, *, max_pixels: int) -> DecodedImage:
    """Validate an image file's bytes and return its picture, decoded at the smallest useful scale."""
    expected = sniff_format(data[:_HEAD_BYTES])
    with warnings.catch_warnings():
        # We enforce our own limit below; Pillow's warning at MAX_IMAGE_PIXELS would only be noise.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                info = ImageInfo(format=image.format or expected, width=image.width, height=image.height)
                _check_pixels(info, max_pixels)
                mode = image.mode
                _reduce_on_decode(image)
                image.load()
                started = time.perf_counter()
                exif = exif_from_image(image)
                exif_seconds = time.perf_counter() - started
                return DecodedImage(info=info, mode=mode, image=image, exif=exif, exif_seconds=exif_seconds)
        except Image.DecompressionBombError as error:
            raise ImageRejected(f"too large: {error}") from error
        except ImageRejected:
            raise
        except _DECODE_ERRORS as error:
            raise ImageRejected(_decode_failure(expected, error)) from error


def sniff_format(head: bytes) -> str:
    """The Pillow format name for an accepted image's first bytes; ImageRejected for anything else."""
    if not head:
        raise ImageRejected("the file is empty (0 bytes)")
    if head[4:8] == b"ftyp":
        return _iso_media_format(head)
    for magic, fmt in _ACCEPTED_MAGIC:
        if head.startswith(magic):
            return fmt
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WEBP"
    raise ImageRejected(_describe_non_image(head))


_ACCEPTED_MAGIC: Final = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
)
_OTHER_IMAGE_MAGIC: Final = (
    (b"8BPS", "Photoshop PSD"),
    (b"\x00\x00\x01\x00", "Windows icon (ICO)"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
    (b"\xff\x4f\xff\x51", "JPEG 2000"),
    (b"\xff\x0a", "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL ", "JPEG XL"),
    (b"II*\x00\x10\x00\x00\x00CR", "Canon raw (CR2)"),
)
_TEXT_STARTS: Final = (
    (b"<!doctype html", "HTML"),
    (b"<html", "HTML"),
    (b"<head", "HTML"),
    (b"<body", "HTML"),
    (b"<svg", "an SVG drawing"),
    (b"<?xml", "XML"),
    (b"%pdf", "a PDF document"),
    (b"{", "JSON"),
    (b"[", "JSON"),
)
_FORMAT_ADVICE: Final = "accepted formats are JPEG, PNG, WebP, TIFF, GIF, BMP, HEIC/HEIF and AVIF"
_FORMAT_NAMES: Final = {HEIF_FORMAT: "HEIC/HEIF"}


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImageRejected(f"cannot read the file: {error.strerror or error}") from error


def _iso_media_format(head: bytes) -> str:
    """HEIF or AVIF by the ftyp box's major and compatible brands: a file whose major brand is the
    generic "mif1" says which codec it holds only among its compatible brands."""
    box_end = min(len(head), int.from_bytes(head[:4], "big"))
    brands = {head[8:12]} | {head[at : at + 4] for at in range(16, box_end - 3, 4)}
    if brands & _AVIF_BRANDS:
        return "AVIF"
    if brands & _HEIF_BRANDS:
        return HEIF_FORMAT
    name = head[8:12].decode("ascii", errors="replace").strip()
    raise ImageRejected(f"not an image: the file is a video or other ISO media file (brand '{name}')")


def _describe_non_image(head: bytes) -> str:
    for magic, name in _OTHER_IMAGE_MAGIC:
        if head.startswith(magic):
            return f"unsupported image format: {name}; {_FORMAT_ADVICE}"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    for start, name in _TEXT_STARTS:
        if text.startswith(start):
            if name == "XML" and b"<svg" in text:
                name = "an SVG drawing"
            return f"not an image: the file starts like {name}"
    if _looks_like_text(head):
        return "not an image: the file is plain text"
    return f"not an image: unrecognised content (first bytes {head[:8].hex(' ')})"


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:
            return False
        # Only the last character was cut off by taking the first bytes.
        text = head[: error.start].decode("utf-8")
    return all(char.isprintable() or char in "\r\n\t" for char in text)


def _check_pixels(info: ImageInfo, max_pixels: int) -> None:
    pixels = info.width * info.height
    if pixels > max_pixels:
        raise ImageRejected(
            f"too large: {info.width}x{info.height} is {pixels / 1e6:.1f} megapixels, "
            f"over the limit of {max_pixels / 1e6:.1f}"
        )
    if pixels == 0:
        raise ImageRejected(f"corrupt image: the header gives a size of {info.width}x{info.height}")


def _reduce_on_decode(image: Image.Image) -> None:
    if image.format != "JPEG":
        return
    scale = min(1.0, DRAFT_MIN_LONG_EDGE / max(image.size))
    image.draft("RGB", (max(1, round(image.width * scale)), max(1, round(image.height * scale))))


def _decode_failure(expected: str, error: BaseException) -> str:
    detail = str(error) or type(error).__name__
    name = _FORMAT_NAMES.get(expected, expected)
    if detail.startswith("cannot identify image file"):  # Pillow names the in-memory buffer, not the file
        detail = f"its decoder cannot read it as {name}"
    if "truncated" in detail:
        return f"truncated {name} file: the data ends before the picture does ({detail})"
    return f"corrupt {name} file: {detail}"
