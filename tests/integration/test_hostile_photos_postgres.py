"""On PostgreSQL, where the crafted values of issue 9 once stored rows that psycopg could not read
back (or not store at all), the same photos are analysed and every page that shows them renders."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.migrations import RunPython
from django.db.migrations.loader import MigrationLoader
from hypothesis import HealthCheck, given, settings

from gallery.models import AnalysisStatus, Image
from tests.factories import make_image, make_user
from tests.support.hostile_files import hostile_jpegs
from tests.support.photo_pages import (
    EXIF_CHARTS,
    broken_pages_showing,
    jpeg_with_tags,
    store_and_analyse,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MAKE, DATE_ORIGINAL, OFFSET_ORIGINAL, ISO = 0x010F, 0x9003, 0x9011, 0x8827


@pytest.mark.parametrize(
    ("date", "offset"), [("9999:12:31 23:59:59", "-14:00"), ("0001:01:01 00:00:00", "+14:00")]
)
def test_a_photo_with_a_crafted_date_and_a_huge_iso_is_shown_by_every_page_on_postgresql(
    date: str, offset: str
) -> None:
    data = jpeg_with_tags({MAKE: "$Canon$"}, {DATE_ORIGINAL: date, OFFSET_ORIGINAL: offset, ISO: 2**32 - 1})

    image = store_and_analyse(data)

    assert image.status == AnalysisStatus.DONE
    assert (image.taken_at, image.iso) == (None, None)
    broken = broken_pages_showing(image, make_user(is_staff=True, is_superuser=True))
    assert broken == {}


def test_a_nul_byte_in_a_username_is_not_found_on_postgresql(client) -> None:
    make_user(username="a")

    assert client.get("/users/%00/profile/").status_code == 404
    assert client.get("/users/a%00/profile/likes.svg").status_code == 404


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(jpeg=hostile_jpegs())
def test_no_value_a_photo_file_carries_makes_a_page_fail_on_postgresql(jpeg: bytes) -> None:
    # The unit fuzz runs on SQLite; PostgreSQL is stricter (NUL bytes, integer ranges, timestamps).
    with transaction.atomic():
        image = store_and_analyse(jpeg)
        viewer = make_user(username="fuzz-viewer", is_staff=True, is_superuser=True)

        broken = broken_pages_showing(image, viewer, charts=EXIF_CHARTS, profile_charts=())

        assert image.status == AnalysisStatus.DONE, image.analysis_error
        assert broken == {}
        transaction.set_rollback(True)


def test_a_date_stored_by_an_earlier_version_is_cleared_by_the_migration_and_pages_render() -> None:
    image = make_image(camera_make="Canon")
    with connection.cursor() as cursor:  # what the crafted EXIF once left behind
        cursor.execute(
            "UPDATE gallery_image SET taken_at = '10000-01-01 13:59:59+00' WHERE id = %s", [image.pk]
        )
    loader = MigrationLoader(connection)
    key = next(
        key
        for key in loader.disk_migrations
        if key[0] == "gallery" and key[1].endswith("clear_implausible_dates_taken")
    )
    run_python = loader.disk_migrations[key].operations[0]
    assert isinstance(run_python, RunPython)

    with connection.schema_editor() as editor:
        run_python.code(loader.project_state(key).apps, editor)

    assert Image.objects.get(pk=image.pk).taken_at is None
    broken = broken_pages_showing(Image.objects.get(pk=image.pk), make_user(is_staff=True, is_superuser=True))
    assert broken == {}
