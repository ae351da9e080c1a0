"""Interest clusters see what the photos look like, not only their colours and tags."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gallery.analysis.descriptor import describe
from profiles.taste import build_profile
from tests.profiles.taste_inputs import FakeImage, inputs_for
from tests.support.patterns import checkerboard, stripes

BLUE, WHITE = (30, 60, 200), (245, 245, 245)


def test_photos_alike_in_colour_and_tags_split_into_interests_by_their_look() -> None:
    images = [FakeImage(i, [("blue", 0.5), ("white", 0.5)], ["pattern"]) for i in range(1, 9)]
    inputs = inputs_for(images, liked=list(range(1, 9)))
    # Four striped photos and four checked ones, each a little different, all blue and white.
    looks = [stripes(BLUE, WHITE, period=16 + 4 * i) for i in range(4)]
    looks += [checkerboard(BLUE, WHITE, square=24 + 8 * i) for i in range(4)]
    inputs.images["visual"] = pd.Series([describe(picture) for picture in looks], dtype=object)

    interests = build_profile(inputs)["interests"]

    assert {frozenset(interest["member_image_ids"]) for interest in interests} == {
        frozenset(range(1, 5)),
        frozenset(range(5, 9)),
    }


def test_photos_without_visual_vectors_still_cluster_by_colour_and_tags() -> None:
    images = [FakeImage(i, [("blue", 0.9), ("white", 0.1)], ["sea"]) for i in range(1, 5)]
    images += [FakeImage(i, [("red", 0.9), ("yellow", 0.1)], ["food"]) for i in range(5, 9)]
    inputs = inputs_for(images, liked=list(range(1, 9)))
    inputs.images["visual"] = pd.Series([np.zeros(0, dtype=np.float32)] * 8, dtype=object)

    interests = build_profile(inputs)["interests"]

    assert {frozenset(interest["member_image_ids"]) for interest in interests} == {
        frozenset(range(1, 5)),
        frozenset(range(5, 9)),
    }
