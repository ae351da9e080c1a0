"""Favourite colours: the palettes of weighted images, clustered with pixel share x weight."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans

from gallery.analysis.palette import FAMILIES, FAMILY_MIN_SHARE

TOP_COLOURS = 6


def weighted_palette(colours: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Palette rows of the weighted images with `mass` = pixel share x image weight."""
    rows = colours[colours["image_id"].isin(weights.index)].copy()
    rows["mass"] = rows["share"].astype(float) * rows["image_id"].map(weights).astype(float)
    return rows[rows["mass"] > 0].reset_index(drop=True)


def favourite_colours(palette: pd.DataFrame, top: int = TOP_COLOURS) -> list[dict[str, Any]]:
    """The user's top colours, largest mass first.

    Palette colours are clustered in RGB with their mass as sample weight, so a colour filling most
    of a few photos outranks a speck that appears in many. Each cluster is named after its heaviest
    member colour (whose CSS name and family the analysis already chose), and its hex is the
    mass-weighted mean of its members.
    """
    if palette.empty:
        return []
    rgb = palette[["red", "green", "blue"]].to_numpy(dtype=float)
    mass = palette["mass"].to_numpy(dtype=float)
    distinct = len(np.unique(rgb, axis=0))
    k = min(top, distinct)
    labels = _cluster_labels(rgb, mass, k)
    total = mass.sum()
    result: list[dict[str, Any]] = []
    for label in np.unique(labels):
        members = palette[labels == label]
        member_mass = members["mass"].to_numpy(dtype=float)
        centre = np.average(
            members[["red", "green", "blue"]].to_numpy(dtype=float), axis=0, weights=member_mass
        )
        heaviest = members.iloc[int(np.argmax(member_mass))]
        result.append(
            {
                "hex": _hex(centre),
                "share": round(float(member_mass.sum() / total), 4),
                "name": str(heaviest["name"]),
                "family": str(heaviest["family"]),
            }
        )
    result.sort(key=lambda colour: (-colour["share"], colour["hex"]))
    return result[:top]


def family_distribution(palette: pd.DataFrame) -> dict[str, float]:
    """Share of the weighted pixel mass in each colour family, in the fixed family order.

    A photo counts only towards the families it belongs to by the palette's rule (`photo_families`),
    so a speck of blue in a liked photo does not make blue a favourite family while the gallery's
    blue filter, its tags and the recommender all say the photo is not blue.
    """
    if palette.empty:
        return {}
    pairs = palette.groupby(["image_id", "family"])["share"].sum()
    belongs = pairs[pairs >= FAMILY_MIN_SHARE].index
    kept = palette[pd.MultiIndex.from_frame(palette[["image_id", "family"]]).isin(belongs)]
    if kept.empty:
        return {}
    by_family = kept.groupby("family")["mass"].sum()
    total = by_family.sum()
    ordered = [family for family in FAMILIES if family in by_family.index]
    ordered += sorted(set(by_family.index) - set(FAMILIES))
    return {family: round(float(by_family[family] / total), 4) for family in ordered}


def _cluster_labels(rgb: np.ndarray, mass: np.ndarray, k: int) -> np.ndarray:
    if k <= 1:
        return np.zeros(len(rgb), dtype=int)
    model = KMeans(n_clusters=k, n_init=4, random_state=0)
    return model.fit_predict(rgb, sample_weight=mass)


def _hex(rgb: np.ndarray) -> str:
    red, green, blue = (round(min(255.0, max(0.0, float(value)))) for value in rgb)
    return f"#{red:02x}{green:02x}{blue:02x}"
