"""What the analysis leaves on a photo that a person sees: its automatic colour tags, and a failure
counted on the ingest job that brought the photo in.

Photos come in through `manage.py ingest folder`, as an operator's would, and are analysed in-process.
"""

from __future__ import annotations

import math
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image as PillowImage

# The one share a colour family must reach to become an automatic tag. If the constant moves (to sit
# beside FAMILIES in gallery/analysis/palette.py), only this import changes.
from gallery.analysis.palette import FAMILY_MIN_SHARE as FAMILY_SHARE_THRESHOLD
from gallery.analysis.thumbnails import ANALYSIS_LONG_EDGE
from gallery.models import AnalysisStatus, Image, TagOrigin
from tests.factories import ingest_folder
from tests.support.images import encode

# Real commits, so the analysis queued on commit runs in-process as it does in `make demo`.
pytestmark = pytest.mark.django_db(transaction=True)

BLUE, WHITE = (30, 60, 200), (255, 255, 255)
# Far enough from the threshold that a row more or less of blue cannot cross it.
MARGIN = 0.03


def blue_band_png(folder: Path, blue_share: float) -> Path:
    """A white square whose top rows are blue, covering `blue_share` of it to the nearest row.

    The square is as large as the analysis copy and PNG is lossless, so the colours are counted on exactly
    these pixels: no resize or JPEG blur mixes a third colour in at the edge.
    """
    side = ANALYSIS_LONG_EDGE
    picture = PillowImage.new("RGB", (side, side), WHITE)
    picture.paste(PillowImage.new("RGB", (side, round(blue_share * side)), BLUE), (0, 0))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "band.png"
    path.write_bytes(encode(picture, "PNG"))
    return path


def auto_tags(image: Image) -> set[str]:
    return set(image.image_tags.filter(origin=TagOrigin.AUTO).values_list("tag__name", flat=True))


def test_a_colour_just_above_the_share_threshold_becomes_an_automatic_tag(tmp_path: Path) -> None:
    share = math.ceil((FAMILY_SHARE_THRESHOLD + MARGIN) * ANALYSIS_LONG_EDGE) / ANALYSIS_LONG_EDGE
    ingest_folder(blue_band_png(tmp_path / "photos", share).parent)

    image = Image.objects.get()
    assert image.status == AnalysisStatus.DONE
    assert auto_tags(image) == {"blue", "white"}


def test_a_colour_just_below_the_share_threshold_is_not_tagged(tmp_path: Path) -> None:
    share = math.floor((FAMILY_SHARE_THRESHOLD - MARGIN) * ANALYSIS_LONG_EDGE) / ANALYSIS_LONG_EDGE
    ingest_folder(blue_band_png(tmp_path / "photos", share).parent)

    image = Image.objects.get()
    assert image.status == AnalysisStatus.DONE
    assert image.colours.filter(family="blue").exists()  # seen in the palette, yet too small to tag
    assert auto_tags(image) == {"white"}


def test_a_failed_analysis_is_counted_on_the_ingest_job_of_the_photo(
    photo_folder: Path, media_root: Path
) -> None:
    job = ingest_folder(photo_folder)
    assert (job.done, job.failed) == (2, 1)  # broken.jpg never became a photo
    image = Image.objects.get(source_id__endswith="red.jpg")
    (media_root / image.file.name).unlink()

    call_command("analyse", "--all", stdout=StringIO(), stderr=StringIO())

    job.refresh_from_db()
    assert (job.done, job.failed) == (2, 2)
    assert job.errors[-1] == (
        f"{image}: analysis failed: the original file is missing from the media storage ({image.file.name})"
    )
