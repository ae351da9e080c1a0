"""A photo made from given EXIF, stored and run through the real analysis, and every page that shows it.

Used by the hostile-photo tests (unit and PostgreSQL integration) and the file-to-page fuzz test.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from PIL import Image as PILImage

from gallery.models import Image, Source
from gallery.services.analysis import analyse_image
from gallery.services.social import like_image
from gallery.services.storage import media_path, original_name
from profiles.charts.collection import COLLECTION_CHARTS
from profiles.services import rebuild_profile, set_profile_public
from tests.support.images import encode

IFD_EXIF = 0x8769
IFD_GPS = 0x8825


def jpeg_with_tags(
    base: dict[int, Any],
    exif: dict[int, Any] | None = None,
    gps: dict[int, Any] | None = None,
    *,
    xmp: bytes = b"",
    colour: tuple[int, int, int] = (40, 90, 200),
) -> bytes:
    """A small JPEG whose IFD0, Exif and GPS IFDs hold exactly the given tags (number -> value)."""
    block = PILImage.Exif()
    for tag, value in base.items():
        block[tag] = value
    for ifd, tags in ((IFD_EXIF, exif), (IFD_GPS, gps)):
        if tags:
            sub = block.get_ifd(ifd)
            sub.update(tags)
    params: dict[str, Any] = {"exif": block, "quality": 85}
    if xmp:
        params["xmp"] = xmp
    return encode(PILImage.new("RGB", (96, 64), colour), "JPEG", **params)


def store_and_analyse(data: bytes, *, title: str = "Hostile photo") -> Image:
    """Store `data` as an original the way ingest does, then run the real analysis on it."""
    sha = hashlib.sha256(data).hexdigest()
    name = original_name(sha, "JPEG")
    path = media_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    image = Image.objects.create(
        sha256=sha,
        file=name,
        file_size=len(data),
        source=Source.FOLDER,
        source_id=f"{sha}.jpg",
        licence="CC0 1.0",
        title=title,
    )
    analyse_image(image.pk)
    image.refresh_from_db()
    return image


# The statistics charts drawn from EXIF text and dates; the profile charts draw none of it.
EXIF_CHARTS = ("years", "camera-makes", "camera-models")
PROFILE_CHARTS = ("likes", "tags", "interests", "colours")


def urls_showing(
    image: Image,
    owner: User,
    *,
    charts: tuple[str, ...] = tuple(COLLECTION_CHARTS),
    profile_charts: tuple[str, ...] = PROFILE_CHARTS,
) -> list[str]:
    """Every page, chart and CSV that shows a photo's EXIF, for a staff viewer who liked it."""
    stats = [f"/stats/{name}.{kind}" for name in charts for kind in ("svg", "csv")]
    profile = f"/users/{owner.username}/profile/"
    camera = urlencode({"camera": image.camera_make or "x"})
    search = urlencode({"q": image.camera_make or "x"})
    return [
        "/gallery/",
        f"/gallery/?{camera}",
        f"/photos/{image.pk}/",
        "/stats/",
        *stats,
        "/admin/gallery/image/",
        f"/admin/gallery/image/?{search}",
        f"/admin/gallery/image/{image.pk}/change/",
        "/me/",
        profile,
        *(f"{profile}{chart}.svg" for chart in profile_charts),
    ]


def broken_pages_showing(
    image: Image,
    viewer: User,
    *,
    charts: tuple[str, ...] = tuple(COLLECTION_CHARTS),
    profile_charts: tuple[str, ...] = PROFILE_CHARTS,
) -> dict[str, str]:
    """Like the photo, rebuild the viewer's profile, GET every page that shows the photo, and say
    which ones broke: any status but 200, or an SVG chart a browser could not parse (XML forbids
    most control characters, so one in a camera name would blank the chart for everyone)."""
    like_image(user=viewer, image=image)
    rebuild_profile(viewer)
    set_profile_public(user=viewer, is_public=True)
    cache.clear()  # charts are cached; each photo must be drawn afresh
    client = Client()
    client.force_login(viewer)
    broken = {}
    for url in urls_showing(image, viewer, charts=charts, profile_charts=profile_charts):
        response = client.get(url)
        if response.status_code != 200:
            broken[url] = f"HTTP {response.status_code}"
        elif url.endswith(".svg") and (problem := _svg_problem(response.content)):
            broken[url] = problem
    return broken


def _svg_problem(svg: bytes) -> str:
    try:
        ElementTree.fromstring(svg)
    except ElementTree.ParseError as error:
        return f"not well-formed XML: {error}"
    return ""
