"""The search tests of tests/gallery/search_cases.py, on PostgreSQL's full-text search (a GIN-indexed
tsvector kept by triggers), so both databases are held to the same behaviour."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import make_image
from tests.gallery.search_cases import *  # noqa: F403

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_the_search_uses_the_gin_index_on_postgresql() -> None:
    for n in range(200):
        make_image(title=f"Photo {n}", with_files=False, thumbnail="thumbs/x.jpg")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny table would be scanned; ask what it can use
        cursor.execute(
            "EXPLAIN SELECT rowid FROM gallery_image_search "
            "WHERE gallery_image_search @@ plainto_tsquery('english', 'photo')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "gallery_image_search_gin" in plan
