"""Fuzz the whole way from file to page: Hypothesis writes EXIF (and an XMP packet) into JPEGs made
with Pillow, sometimes corrupts bytes of the EXIF block so tags arrive with types and counts no camera
writes, runs the real analysis, then fetches every page and chart that shows the photo. No value a
file can carry may make a page answer 500 or leave the photo pending.

The analysis reads EXIF only (XMP and IPTC are not read), so the XMP packet is there to prove it is
ignored safely. Runtime: the "unit" profile runs 30 examples; set IMGSITE_FUZZ_PROFILE=long for 400.
"""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings

from gallery.models import AnalysisStatus
from tests.factories import make_user
from tests.support.hostile_files import hostile_jpegs
from tests.support.photo_pages import EXIF_CHARTS, broken_pages_showing, store_and_analyse

pytestmark = pytest.mark.django_db

for name, examples in (("unit", 30), ("long", 400)):
    settings.register_profile(
        name,
        max_examples=examples,
        deadline=None,  # one example renders a dozen pages; its time says nothing about the code
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
FUZZ = settings.get_profile(os.environ.get("IMGSITE_FUZZ_PROFILE", "unit"))


@FUZZ
@given(jpeg=hostile_jpegs())
def test_no_value_a_photo_file_carries_makes_a_page_fail_or_leaves_the_photo_pending(jpeg: bytes) -> None:
    with transaction.atomic():
        image = store_and_analyse(jpeg)
        viewer = make_user(username="fuzz-viewer", is_staff=True, is_superuser=True)

        broken = broken_pages_showing(image, viewer, charts=EXIF_CHARTS, profile_charts=())

        assert image.status == AnalysisStatus.DONE, image.analysis_error
        assert broken == {}
        transaction.set_rollback(True)  # each example starts from an empty collection
