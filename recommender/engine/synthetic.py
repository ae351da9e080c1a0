"""Synthetic catalogues with planted tastes, for tests, evaluation demos and the benchmark.

Items fall into feature clusters ("themes"); each user likes one to three themes. Each interaction is,
with probability `taste_share`, an item from one of the user's themes and otherwise an item from the
whole catalogue, in both cases drawn in proportion to a power-law popularity. Users' activity is
power-law too. Everything is vectorised, so a million interactions take about a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from gallery.analysis.palette import FAMILIES
from recommender.engine.data import InteractionData, ItemMetadata
from recommender.engine.reason_agreement import HiddenInterest


@dataclass(frozen=True)
class PlantedTastes:
    data: InteractionData
    item_theme: np.ndarray  # theme of each item
    user_themes: list[np.ndarray]  # the hidden themes of each user

    def taste_items(self, user: int) -> np.ndarray:
        """Every item of the user's hidden themes: what a perfect recommender would draw from."""
        return np.flatnonzero(np.isin(self.item_theme, self.user_themes[user]))

    def hidden_interests(self, user: int) -> list[HiddenInterest]:
        """The user's themes as reason agreement reads them: each theme's items, tags and colour."""
        return [
            HiddenInterest(
                items=frozenset(np.flatnonzero(self.item_theme == theme).tolist()),
                tags=frozenset(theme_tags(int(theme))),
                colours=frozenset([theme_colour(int(theme))]),
            )
            for theme in self.user_themes[user]
        ]


def theme_tags(theme: int) -> tuple[str, str]:
    return (f"theme{theme}", f"mood{theme % 7}")


def theme_colour(theme: int) -> str:
    return FAMILIES[theme % len(FAMILIES)]


def planted_tastes(
    n_users: int,
    n_items: int,
    n_interactions: int,
    n_themes: int,
    n_features: int = 64,
    taste_share: float = 0.8,
    popularity_exponent: float = 0.8,
    feature_noise: float = 0.6,
    seed: int = 0,
) -> PlantedTastes:
    if n_items < n_themes:
        raise ValueError(f"need at least one item per theme ({n_themes}), got {n_items} items")
    rng = np.random.default_rng(seed)
    item_theme = rng.permutation(np.arange(n_items) % n_themes)
    centres = rng.standard_normal((n_themes, n_features))
    features = (centres[item_theme] + feature_noise * rng.standard_normal((n_items, n_features))).astype(
        np.float32
    )
    popularity = (1.0 + rng.permutation(n_items)) ** -popularity_exponent

    themes_per_user = rng.integers(1, 4, n_users)
    themes = rng.integers(0, n_themes, (n_users, 3))
    weights = rng.pareto(2.0, n_users) + 1.0  # power-law activity
    tastes = _Tastes(themes, themes_per_user, item_theme, popularity, taste_share)
    matrix = _draw_interactions(rng, tastes, _counts(weights, n_interactions))
    # Popular items get drawn twice by the same user; draw again, scaled up, to land near the target.
    if matrix.nnz:
        matrix = _draw_interactions(
            rng, tastes, _counts(weights, min(3 * n_interactions, round(n_interactions**2 / matrix.nnz)))
        )
    metadata = ItemMetadata(
        titles=[f"Photo {i}" for i in range(n_items)],
        tags=[theme_tags(int(t)) for t in item_theme],
        colour_families=[(theme_colour(int(t)),) for t in item_theme],
    )
    data = InteractionData(interactions=matrix, item_features=features, metadata=metadata)
    return PlantedTastes(data, item_theme, [themes[u, : themes_per_user[u]] for u in range(n_users)])


@dataclass(frozen=True)
class _Tastes:
    themes: np.ndarray
    themes_per_user: np.ndarray
    item_theme: np.ndarray
    popularity: np.ndarray
    taste_share: float


def _counts(weights: np.ndarray, n_interactions: int) -> np.ndarray:
    return np.maximum(1, np.round(weights / weights.sum() * n_interactions)).astype(np.int64)


def _draw_interactions(rng: np.random.Generator, tastes: _Tastes, counts: np.ndarray) -> sp.csr_matrix:
    n_users, n_items = len(counts), len(tastes.item_theme)
    users = np.repeat(np.arange(n_users), counts)
    which = (rng.random(len(users)) * tastes.themes_per_user[users]).astype(np.int64)
    from_taste = rng.random(len(users)) < tastes.taste_share
    items = np.where(
        from_taste,
        _draw_in_theme(rng, tastes.themes[users, which], tastes.item_theme, tastes.popularity),
        _draw(rng, len(users), tastes.popularity),
    )
    matrix = sp.csr_matrix((np.ones(len(users), dtype=np.float32), (users, items)), shape=(n_users, n_items))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def _draw(rng: np.random.Generator, n: int, popularity: np.ndarray) -> np.ndarray:
    cdf = np.cumsum(popularity) / popularity.sum()
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(popularity) - 1)


def _draw_in_theme(
    rng: np.random.Generator, theme: np.ndarray, item_theme: np.ndarray, popularity: np.ndarray
) -> np.ndarray:
    # One cumulative array for all themes, theme t occupying (t, t + 1]: one searchsorted draws for all.
    order = np.argsort(item_theme, kind="stable")
    sorted_theme = item_theme[order]
    sorted_pop = popularity[order]
    totals = np.bincount(sorted_theme, weights=sorted_pop)
    starts = np.searchsorted(sorted_theme, np.arange(len(totals)))
    within = np.cumsum(sorted_pop) - np.repeat(
        np.cumsum(sorted_pop)[starts] - sorted_pop[starts], np.diff(np.append(starts, len(order)))
    )
    cdf = sorted_theme + within / totals[sorted_theme]
    picked = np.searchsorted(cdf, theme + rng.random(len(theme)), side="right")
    return order[np.minimum(picked, len(order) - 1)]
