"""Tiny hand-made catalogues whose right answers can be seen by eye. No database needed."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.engine.data import InteractionData, ItemMetadata
from tests.recommender.site_factories import TwoTasteSite, two_taste_site

# Items 0-2 are blue seascapes, 3-5 red food, 6 sits halfway between (a purple "average" of the two).
SEA, FOOD, MIDDLE = [0, 1, 2], [3, 4, 5], 6
FEATURES = np.array(
    [[1.0, 0.05], [0.95, 0.1], [1.0, 0.0], [0.05, 1.0], [0.1, 0.95], [0.0, 1.0], [1.0, 1.0]], dtype=np.float32
)
METADATA = ItemMetadata(
    titles=["Harbour", "Beach", "Lighthouse", "Curry", "Pizza", "Tomatoes", "Sunset"],
    tags=[("sea",), ("sea", "sand"), ("sea",), ("food",), ("food",), ("food", "red"), ("sea", "food")],
    colour_families=[("blue",), ("blue",), ("blue", "white"), ("red",), ("red",), ("red",), ("purple",)],
)


def matrix(rows: list[list[int]], n_items: int = 7) -> sp.csr_matrix:
    dense = np.zeros((len(rows), n_items), dtype=np.float32)
    for user, items in enumerate(rows):
        dense[user, items] = 1.0
    return sp.csr_matrix(dense)


@pytest.fixture
def two_tastes() -> InteractionData:
    """Users 0-2 like seascapes, users 3-5 like food; user 0 has not seen the lighthouse (2) yet,
    user 3 has not seen the tomatoes (5). Nobody likes the in-between item 6."""
    likes = [[0, 1], [0, 1, 2], [1, 2, 0], [3, 4], [3, 4, 5], [4, 5, 3], []]
    return InteractionData(interactions=matrix(likes), item_features=FEATURES, metadata=METADATA)


@pytest.fixture
def site() -> TwoTasteSite:
    """For the recommender's Django tests (not autouse: the engine tests need no database)."""
    return two_taste_site()
