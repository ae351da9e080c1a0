"""The gallery's filter counts on PostgreSQL, against counts made photo by photo
(tests/gallery/facet_cases.py), so both databases are held to the same counts."""

from __future__ import annotations

import pytest

from tests.gallery.facet_cases import *  # noqa: F403

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
