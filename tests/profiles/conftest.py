"""Fixtures for the profiles tests: a fresh cache per test (debounce keys, cached charts and the
login limiter's counts live there, and outlive a test) and a small collection of seascapes and food
with real thumbnail files."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from gallery.models import Image
from tests.factories import aware, make_image


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seascapes(db: None) -> list[Image]:
    return [
        make_image(
            rgb=(40, 90, 200),
            colours=[("blue", 0.7), ("white", 0.2), ("grey", 0.1)],
            tags=["sea", "beach", "photograph"],
            camera_make="Canon",
            camera_model="EOS 5D",
            taken_at=aware(2019),
            title=f"Seascape {n}",
        )
        for n in range(5)
    ]


@pytest.fixture
def food(db: None) -> list[Image]:
    return [
        make_image(
            width=80,
            height=120,
            rgb=(200, 30, 30),
            colours=[("red", 0.6), ("yellow", 0.3), ("white", 0.1)],
            tags=["food", "pizza", "photograph"],
            taken_at=aware(2022),
            title=f"Pizza {n}",
        )
        for n in range(5)
    ]


@pytest.fixture
def collection(seascapes: list[Image], food: list[Image]) -> list[Image]:
    forests = [
        make_image(
            rgb=(40, 160, 60), colours=[("green", 1.0)], tags=["forest", "photograph"], title=f"Forest {n}"
        )
        for n in range(6)
    ]
    return seascapes + food + forests
