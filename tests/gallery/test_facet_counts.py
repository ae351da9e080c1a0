"""The gallery's filter counts on SQLite, against counts made photo by photo (tests/gallery/facet_cases.py)."""

from __future__ import annotations

import pytest

from tests.gallery.facet_cases import *  # noqa: F403

pytestmark = pytest.mark.django_db
