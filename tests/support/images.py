"""Images made with Pillow for tests, with EXIF written in where a test needs it."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pillow_heif
from PIL import Image


def solid_jpeg(width: int = 64, height: int = 48, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    return encode(Image.new("RGB", (width, height), colour), "JPEG")


def split_image(
    width: int = 120, height: int = 80, left: tuple[int, int, int] = (255, 0, 0), right=(0, 0, 255)
) -> Image.Image:
    """Left half one colour, right half another."""
    image = Image.new("RGB", (width, height), left)
    image.paste(Image.new("RGB", (width - width // 2, height), right), (width // 2, 0))
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **params: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def jpeg_with_exif(
    width: int = 120,
    height: int = 80,
    *,
    colour: tuple[int, int, int] = (40, 90, 200),
    make: str = "Canon",
    model: str = "EOS 5D",
    taken: str = "2021:06:15 14:30:00",
    orientation: int = 1,
    gps: tuple[float, float] | None = None,
) -> bytes:
    """A JPEG carrying camera EXIF; `gps` is (latitude, longitude) in decimal degrees."""
    image = Image.new("RGB", (width, height), colour)
    exif = Image.Exif()
    exif[0x010F] = make  # Make
    exif[0x0110] = model  # Model
    exif[0x0112] = orientation  # Orientation
    exif[0x0132] = taken  # DateTime
    sub = exif.get_ifd(0x8769)  # Exif IFD
    sub[0x9003] = taken  # DateTimeOriginal
    sub[0x8827] = 200  # ISOSpeedRatings
    sub[0x829D] = 2.8  # FNumber
    sub[0x829A] = 1 / 250  # ExposureTime
    sub[0x920A] = 50.0  # FocalLength
    sub[0xA434] = "EF 50mm f/1.8"  # LensModel
    if gps is not None:
        lat, lon = gps
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N" if lat >= 0 else "S"
        gps_ifd[2] = _dms(abs(lat))
        gps_ifd[3] = "E" if lon >= 0 else "W"
        gps_ifd[4] = _dms(abs(lon))
    return encode(image, "JPEG", exif=exif, quality=90)


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    seconds = round((minutes_full - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def smooth_pattern(width: int = 256, height: int = 192, *, seed: int = 0) -> Image.Image:
    """A smooth random RGB picture (low-frequency blobs), different for every seed."""
    import numpy as np

    coarse = np.random.default_rng(seed).integers(0, 256, size=(6, 8, 3), dtype=np.uint8)
    return Image.fromarray(coarse, "RGB").resize((width, height), Image.Resampling.BICUBIC)


def photo_like(width: int = 800, height: int = 600, *, seed: int = 0) -> Image.Image:
    """A picture with detail at several scales, like a photo: for near-duplicate tests, where a smooth
    pattern has too little structure for a crop to be told from another picture."""
    rng = np.random.default_rng(seed)
    layers = [
        np.asarray(
            Image.fromarray(
                rng.integers(0, 256, size=(rows, rows * 4 // 3, 3), dtype=np.uint8), "RGB"
            ).resize((width, height), Image.Resampling.BICUBIC),
            dtype=np.float64,
        )
        for rows in (3, 9, 27)
    ]
    mixed = 0.5 * layers[0] + 0.3 * layers[1] + 0.2 * layers[2]
    return Image.fromarray(mixed.clip(0, 255).astype(np.uint8), "RGB")


def jpeg_with_app1(payload: bytes, width: int = 64, height: int = 48) -> bytes:
    """A JPEG whose APP1 segment carries `payload` (e.g. b"Exif\\0\\0" + garbage)."""
    return encode(Image.new("RGB", (width, height), (30, 160, 60)), "JPEG", exif=payload)


def minimal_heic() -> bytes:
    """The start of a HEIC file: an ISO-BMFF ftyp box with the heic brand, then an empty meta box."""
    ftyp = b"ftyp" + b"heic" + b"\x00\x00\x00\x00" + b"mif1heic"
    return (4 + len(ftyp)).to_bytes(4, "big") + ftyp + b"\x00\x00\x00\x08meta"


def heic_with_exif(
    width: int = 96, height: int = 64, *, orientation: int = 1, make: str = "Apple", model: str = "iPhone 15"
) -> bytes:
    """A real HEIC file, encoded by pillow-heif (a test-only dependency) without registering its opener,
    so the site's own HEIF decoder (pi-heif) is the one that reads it back. The left half is red and
    the right half blue, so a test can tell which way the picture was turned. pillow-heif stores a
    non-1 EXIF orientation as the HEIF rotation/mirror boxes, as iPhones do."""
    image = Image.new("RGB", (width, height), (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    exif[0x0112] = orientation
    heif = pillow_heif.from_pillow(image)
    heif.info["exif"] = exif.tobytes()
    out = io.BytesIO()
    heif.save(out, format="HEIF", quality=90)
    return out.getvalue()
