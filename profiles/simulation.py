"""Simulated users with hidden tastes: a documented, seeded preference model. Pure; no Django.

The hidden taste, as stored (`profiles.models.SimulatedTaste.interests`, and `SimulatedUser.interests`
here), is a list of 1-3 interests, each a plain JSON object:

    {"families": ["blue", "white"],        # colour families (gallery.analysis.palette.FAMILIES)
     "tags": ["lighthouse", "coast"],      # source tags of real photos, most distinctive first
     "orientation": "landscape", "size_class": "large",
     "weight": 0.62}                       # the interest's share of the person's likes (they sum to 1)

A photo "shares" an interest when it is in one of its colour families (by the site's one rule,
`photo_families`) or carries one of its tags; `affinity` below scores how well it matches. The
evaluation's "taste" columns count a photo as relevant when its affinity for one of the person's
interests reaches recommender.services.TASTE_MATCH.

The preference model:

1. A taste is a mix of 1-3 interests (weights drawn from a Dirichlet, so they sum to 1). Each
   interest is grown from a seed photo of the catalogue so that it matches real photos: its one or
   two strongest colour families, two of its most distinctive tags (fewest images in the
   catalogue), and its orientation and size class.
2. The affinity of a photo for an interest is
       3.0 x (share of the photo's palette in the interest's families)
     + 2.0 x (share of the interest's tags the photo carries)
     + 0.5 x (orientation matches) + 0.3 x (size class matches).
3. Each like first picks an interest by its weight, then a photo not yet liked with probability
   proportional to exp(SHARPNESS x affinity). With probability NOISE the like is instead a photo
   picked uniformly at random: people like things outside their taste too.
4. A user makes 10-40 likes, except about COLD_SHARE of users, who are "cold" with 1-2 likes.
   With probability TAG_PROBABILITY a liked photo is tagged with a word of the interest it was
   liked for that fits the photo: one of the interest's tags the photo already carries from its
   source, or one of the interest's colour families the photo is in. A photo that fits none (a
   "noise" like, say) gets no tag, so no simulated user ever puts "stonehenge" on an astronaut.
   The likes are spread over the last LIKE_SPAN_DAYS days.

Everything is drawn from one numpy Generator seeded by (seed), in a fixed order, over the catalogue
sorted by image id, so the same seed and catalogue give the same users, tastes, likes and tags.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gallery.analysis.palette import photo_families

MIN_LIKES, MAX_LIKES = 10, 40
COLD_SHARE = 0.1
NOISE = 0.1
SHARPNESS = 3.0
TAG_PROBABILITY = 0.3
LIKE_SPAN_DAYS = 60
FAMILY_WEIGHT, TAG_WEIGHT, ORIENTATION_WEIGHT, SIZE_WEIGHT = 3.0, 2.0, 0.5, 0.3


@dataclass(frozen=True)
class Interest:
    families: list[str]
    tags: list[str]
    orientation: str
    size_class: str
    weight: float


@dataclass
class SimulatedUser:
    username: str
    interests: list[Interest]
    is_cold: bool
    liked_image_ids: list[int] = field(default_factory=list)
    like_days_ago: list[int] = field(default_factory=list)  # same order as liked_image_ids
    user_tags: list[tuple[int, str]] = field(default_factory=list)  # (image id, tag)

    def interests_json(self) -> list[dict[str, Any]]:
        return [asdict(interest) for interest in self.interests]


@dataclass(frozen=True)
class Catalogue:
    """The photos users can like. `families` maps image id to {family: share}; `tags` to tag names."""

    images: pd.DataFrame  # image_id, orientation, size_class; sorted by image_id
    families: dict[int, dict[str, float]]
    tags: dict[int, list[str]]


def simulate_users(catalogue: Catalogue, *, count: int, seed: int) -> list[SimulatedUser]:
    """`count` users named sim001, sim002, ... drawn from the preference model above."""
    if catalogue.images.empty:
        return []
    rng = np.random.default_rng(seed)
    tag_frequency = _tag_frequency(catalogue)
    return [
        _simulate_one(catalogue, tag_frequency, rng, f"sim{number:03d}") for number in range(1, count + 1)
    ]


def affinity(catalogue: Catalogue, interest: Interest) -> np.ndarray:
    """Affinity of every catalogue photo (in catalogue order) for one interest."""
    ids = catalogue.images["image_id"].tolist()
    family_share = np.array(
        [sum(catalogue.families.get(i, {}).get(f, 0.0) for f in interest.families) for i in ids]
    )
    wanted = set(interest.tags)
    tag_share = np.array([len(wanted & set(catalogue.tags.get(i, []))) / max(len(wanted), 1) for i in ids])
    orientation = (catalogue.images["orientation"] == interest.orientation).to_numpy(dtype=float)
    size = (catalogue.images["size_class"] == interest.size_class).to_numpy(dtype=float)
    return (
        FAMILY_WEIGHT * family_share
        + TAG_WEIGHT * tag_share
        + ORIENTATION_WEIGHT * orientation
        + SIZE_WEIGHT * size
    )


def _simulate_one(
    catalogue: Catalogue, tag_frequency: dict[str, int], rng: np.random.Generator, username: str
) -> SimulatedUser:
    interest_count = int(rng.integers(1, 4))
    weights = rng.dirichlet(np.ones(interest_count) * 2.0)
    seeds = rng.choice(len(catalogue.images), size=interest_count, replace=False)
    interests = [
        _interest_from(catalogue, tag_frequency, int(row), float(weight), rng)
        for row, weight in zip(seeds, weights, strict=True)
    ]
    is_cold = bool(rng.random() < COLD_SHARE)
    like_count = int(rng.integers(1, 3)) if is_cold else int(rng.integers(MIN_LIKES, MAX_LIKES + 1))
    user = SimulatedUser(username=username, interests=interests, is_cold=is_cold)
    _draw_likes(catalogue, user, min(like_count, len(catalogue.images)), rng)
    # Spread the likes over the last LIKE_SPAN_DAYS days, oldest first, so charts over time show a story.
    user.like_days_ago = sorted(
        (int(d) for d in rng.integers(0, LIKE_SPAN_DAYS, size=len(user.liked_image_ids))), reverse=True
    )
    return user


def _interest_from(
    catalogue: Catalogue, tag_frequency: dict[str, int], row: int, weight: float, rng: np.random.Generator
) -> Interest:
    seed_image = catalogue.images.iloc[row]
    image_id = int(seed_image["image_id"])
    families = sorted(catalogue.families.get(image_id, {}).items(), key=lambda item: (-item[1], item[0]))
    family_count = int(rng.integers(1, 3))
    # Most distinctive first: a tag on few photos says more about a taste than "photograph".
    tags = sorted(set(catalogue.tags.get(image_id, [])), key=lambda tag: (tag_frequency[tag], tag))
    return Interest(
        families=[family for family, _ in families[:family_count]],
        tags=tags[:2],
        orientation=str(seed_image["orientation"]),
        size_class=str(seed_image["size_class"]),
        weight=round(weight, 4),
    )


def _draw_likes(catalogue: Catalogue, user: SimulatedUser, like_count: int, rng: np.random.Generator) -> None:
    ids = catalogue.images["image_id"].tolist()
    preferences = [np.exp(SHARPNESS * affinity(catalogue, interest)) for interest in user.interests]
    interest_weights = np.array([interest.weight for interest in user.interests])
    interest_weights = interest_weights / interest_weights.sum()
    available = np.ones(len(ids), dtype=bool)
    for _ in range(like_count):
        chosen_interest = int(rng.choice(len(user.interests), p=interest_weights))
        noisy = rng.random() < NOISE
        odds = np.where(available, 1.0 if noisy else preferences[chosen_interest], 0.0)
        row = int(rng.choice(len(ids), p=odds / odds.sum()))
        available[row] = False
        image_id = int(ids[row])
        user.liked_image_ids.append(image_id)
        words = fitting_tags(catalogue, user.interests[chosen_interest], image_id)
        if rng.random() < TAG_PROBABILITY and words:
            user.user_tags.append((image_id, words[int(rng.integers(len(words)))]))


def fitting_tags(catalogue: Catalogue, interest: Interest, image_id: int) -> list[str]:
    """The interest's words that are true of this photo: its tags the photo carries, then its colour
    families the photo is in."""
    carried = set(catalogue.tags.get(image_id, []))
    families = photo_families(catalogue.families.get(image_id, {}).items())
    return [tag for tag in interest.tags if tag in carried] + [
        family for family in interest.families if family in families
    ]


def _tag_frequency(catalogue: Catalogue) -> dict[str, int]:
    frequency: dict[str, int] = {}
    for tags in catalogue.tags.values():
        for tag in set(tags):
            frequency[tag] = frequency.get(tag, 0) + 1
    return frequency
