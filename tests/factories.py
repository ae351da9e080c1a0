"""Test data builders shared by every app's tests.

Each builder takes keyword arguments for what a test cares about and fills the rest with plain,
valid defaults. Images get real Pillow-made files (original, thumbnail, preview) saved through the
default storage, so they land in the per-test MEDIA_ROOT that conftest.py sets.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from gallery.models import (
    AnalysisStatus,
    Colour,
    Image,
    ImageTag,
    IngestJob,
    Like,
    Orientation,
    SizeClass,
    Source,
    Tag,
    TagOrigin,
)
from gallery.services.analysis import refresh_colour_families
from tests.support.images import solid_jpeg

DEFAULT_PASSWORD = "correct-horse-battery-staple"

_sequence = itertools.count(1)

# One representative RGB per colour family, so a swatch looks like its family.
FAMILY_RGB: dict[str, tuple[int, int, int]] = {
    "red": (200, 30, 30),
    "orange": (240, 140, 20),
    "yellow": (240, 220, 40),
    "green": (40, 160, 60),
    "blue": (40, 90, 200),
    "purple": (120, 50, 160),
    "pink": (240, 130, 180),
    "brown": (120, 80, 40),
    "black": (10, 10, 10),
    "grey": (128, 128, 128),
    "white": (245, 245, 245),
}


def make_user(
    username: str | None = None, *, password: str = DEFAULT_PASSWORD, email: str = "", **fields: Any
) -> User:
    n = next(_sequence)
    username = username or f"user{n}"
    return User.objects.create_user(
        username=username, email=email or f"{username}@example.com", password=password, **fields
    )


def _orientation_for(width: int, height: int) -> str:
    if width == height:
        return Orientation.SQUARE
    return Orientation.LANDSCAPE if width > height else Orientation.PORTRAIT


def _save_jpeg(folder: str, name: str, width: int, height: int, rgb: tuple[int, int, int]) -> str:
    return default_storage.save(f"{folder}/{name}.jpg", ContentFile(solid_jpeg(width, height, rgb)))


def make_image(
    *,
    width: int = 120,
    height: int = 80,
    rgb: tuple[int, int, int] = (40, 90, 200),
    with_files: bool = True,
    status: str = AnalysisStatus.DONE,
    colours: Iterable[tuple[str, float]] = (),
    tags: Iterable[str] = (),
    **fields: Any,
) -> Image:
    """An analysed image with small real files.

    `colours` is (family, share) pairs in rank order; `tags` become source tags. Any other model
    field can be passed through `fields` (title, licence, camera_make, taken_at...).
    """
    n = next(_sequence)
    sha = hashlib.sha256(f"image-{n}".encode()).hexdigest()
    values: dict[str, Any] = {
        "sha256": sha,
        "width": width,
        "height": height,
        "format": "JPEG",
        "mode": "RGB",
        "file_size": 1000,
        "orientation": _orientation_for(width, height),
        "size_class": SizeClass.SMALL,
        "source": Source.COMMONS,
        "source_id": f"File:Example {n}.jpg",
        "source_page_url": f"https://commons.wikimedia.org/wiki/File:Example_{n}.jpg",
        "licence": "CC BY 4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "author": "A. Photographer",
        "title": f"Example photo {n}",
        "status": status,
    }
    values.update(fields)
    if with_files:
        values.setdefault("file", _save_jpeg("originals", sha, width, height, rgb))
        thumb_w, thumb_h = max(1, width // 2), max(1, height // 2)
        values.setdefault("thumbnail", _save_jpeg("thumbs", sha, thumb_w, thumb_h, rgb))
        values.setdefault("preview", _save_jpeg("previews", sha, width, height, rgb))
    image = Image.objects.create(**values)
    for rank, (family, share) in enumerate(colours):
        make_colour(image, family=family, share=share, rank=rank)
    for name in tags:
        make_image_tag(image, name, origin=TagOrigin.SOURCE)
    return image


def make_colour(
    image: Image, *, family: str = "blue", share: float = 0.5, rank: int = 0, name: str = ""
) -> Colour:
    """A colour row, with the photo's stored families brought up to date as an analysis would."""
    red, green, blue = FAMILY_RGB.get(family, (128, 128, 128))
    colour = Colour.objects.create(
        image=image,
        rank=rank,
        hex=f"#{red:02x}{green:02x}{blue:02x}",
        red=red,
        green=green,
        blue=blue,
        share=share,
        name=name or f"{family}ish",
        family=family,
    )
    refresh_colour_families(image)
    return colour


def make_tag(name: str) -> Tag:
    tag, _ = Tag.objects.get_or_create(name=name)
    return tag


def make_image_tag(
    image: Image,
    name: str,
    *,
    origin: str = TagOrigin.SOURCE,
    user: User | None = None,
    confidence: float = 1.0,
) -> ImageTag:
    """A tag link; a `user` implies origin=user, as the model's constraint requires."""
    if user is not None:
        origin = TagOrigin.USER
    return ImageTag.objects.create(
        image=image, tag=make_tag(name), origin=origin, user=user, confidence=confidence
    )


def make_like(user: User, image: Image) -> Like:
    return Like.objects.create(user=user, image=image)


def aware(year: int, month: int = 6, day: int = 15) -> datetime:
    """A timezone-aware noon UTC datetime, for taken_at."""
    return datetime(year, month, day, 12, 0, tzinfo=UTC)


def ingest_folder(folder: Path, *extra: str) -> IngestJob:
    """Ingest the photos in `folder` through the real command, as CC0 by A; returns its job."""
    command = ["ingest", "folder", str(folder), "--licence", "CC0 1.0", "--author", "A", *extra]
    call_command(*command, stdout=StringIO(), stderr=StringIO())
    return IngestJob.objects.latest("pk")
