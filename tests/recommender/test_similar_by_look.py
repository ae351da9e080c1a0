""" "Similar photos" prefer the same texture and layout over the same colours.

The photos are pattern pictures ingested and analysed as any photo is; the model is then built as the
site builds it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gallery.models import AnalysisStatus, Image
from recommender import services
from tests.factories import ingest_folder
from tests.support.images import encode
from tests.support.patterns import checkerboard, gradient, stripes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_model_cache")]

WHITE = (245, 245, 245)
BLUE, RED, GREEN, BROWN = (30, 60, 200), (200, 30, 30), (30, 150, 40), (110, 70, 30)


def test_stripes_find_stripes_in_other_colours_before_their_own_colours_in_other_patterns(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "patterns"
    folder.mkdir()
    pictures = {
        "blue-stripes": stripes(BLUE, WHITE),
        "red-stripes": stripes(RED, WHITE),
        "green-stripes": stripes(GREEN, WHITE),
        "blue-checks": checkerboard(BLUE, WHITE),
        "blue-gradient": gradient(BLUE, WHITE),
        "red-checks": checkerboard(RED, WHITE),
        "brown-gradient": gradient(BROWN, WHITE),
    }
    for name, picture in pictures.items():
        (folder / f"{name}.png").write_bytes(encode(picture, "PNG"))
    ingest_folder(folder)
    photos = {
        image.title.replace(" ", "-"): image.pk for image in Image.objects.filter(status=AnalysisStatus.DONE)
    }
    assert set(photos) == set(pictures)
    services.build_model(tune=False)

    similar = services.similar_image_ids(photos["blue-stripes"])

    assert set(similar[:2]) == {photos["red-stripes"], photos["green-stripes"]}
