"""The pure profile computation on hand-built likes: no database involved."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd

from profiles.taste import InterestGroup, build_profile
from recommender.engine import ContentRecommender
from recommender.engine.base import history_from_likes
from recommender.features import (
    COLOUR_COLUMNS,
    EVENT_COLUMNS,
    IMAGE_COLUMNS,
    TAG_COLUMNS,
    CatalogueRows,
    EventRows,
    site_data_from_rows,
)
from tests.profiles.taste_inputs import FakeImage, inputs_for


def seascapes_and_food() -> list[FakeImage]:
    seas = [
        FakeImage(i, [("blue", 0.7), ("white", 0.2), ("grey", 0.1)], ["sea", "beach", "photo"])
        for i in range(1, 7)
    ]
    food = [
        FakeImage(i, [("red", 0.6), ("yellow", 0.3), ("white", 0.1)], ["food", "pizza", "photo"], "portrait")
        for i in range(7, 13)
    ]
    others = [FakeImage(i, [("green", 1.0)], ["forest", "photo"]) for i in range(13, 40)]
    return seas + food + others


def taste_groups(images: list[FakeImage], liked: list[int]) -> list[InterestGroup]:
    """The taste model's interests for these likes, from the recommender's own item features."""
    catalogue = CatalogueRows(
        images=pd.DataFrame(
            [(i.image_id, f"photo {i.image_id}", i.orientation, i.size_class, None) for i in images],
            columns=IMAGE_COLUMNS,
        ),
        colours=pd.DataFrame(
            [(i.image_id, family, share) for i in images for family, share in i.palette],
            columns=COLOUR_COLUMNS,
        ),
        tags=pd.DataFrame([(i.image_id, tag) for i in images for tag in i.tags], columns=TAG_COLUMNS),
    )
    no_events = EventRows(pd.DataFrame(columns=EVENT_COLUMNS), pd.DataFrame(columns=EVENT_COLUMNS))
    content = ContentRecommender().fit(site_data_from_rows(catalogue, no_events))
    index = {image.image_id: row for row, image in enumerate(images)}
    interests = content.interests(history_from_likes([index[i] for i in liked], len(images)))
    ids = [image.image_id for image in images]
    return [
        InterestGroup(i.name, i.share, [ids[m] for m in i.members], list(i.tags), i.colour) for i in interests
    ]


def test_a_user_who_likes_blue_seascapes_and_red_food_gets_two_interests_named_by_what_they_show() -> None:
    images = seascapes_and_food()
    liked = list(range(1, 13))
    inputs = replace(inputs_for(images, liked=liked), interests=taste_groups(images, liked))

    interests = build_profile(inputs)["interests"]

    assert {frozenset(interest["member_image_ids"]) for interest in interests} == {
        frozenset(range(1, 7)),
        frozenset(range(7, 13)),
    }
    sea = next(interest for interest in interests if 1 in interest["member_image_ids"])
    assert sea["label"] == "beach, sea"
    assert sea["top_family"] == "blue"
    assert sea["colours"][0] == "#285ac8"  # blue (40, 90, 200), the seascapes' heaviest palette colour
    assert sea["representative_image_id"] in range(1, 7)


def test_a_user_with_one_kind_of_photo_gets_one_interest() -> None:
    images = seascapes_and_food()
    liked = [1, 2, 3, 4, 5]

    profile = build_profile(replace(inputs_for(images, liked=liked), interests=taste_groups(images, liked)))

    assert len(profile["interests"]) == 1
    assert profile["interests"][0]["size"] == 5


def test_favourite_colours_follow_pixel_shares_not_how_often_a_colour_appears() -> None:
    # Yellow appears in all three photos but only as a speck; blue fills two of them.
    images = [
        FakeImage(1, [("blue", 0.9), ("yellow", 0.1)], ["a"]),
        FakeImage(2, [("blue", 0.85), ("yellow", 0.15)], ["b"]),
        FakeImage(3, [("green", 0.95), ("yellow", 0.05)], ["c"]),
    ]

    profile = build_profile(inputs_for(images, liked=[1, 2, 3]))

    colours = profile["colours"]
    assert [colour["family"] for colour in colours] == ["blue", "green", "yellow"]
    assert abs(colours[0]["share"] - (0.9 + 0.85) / 3) < 0.01
    assert colours[0]["hex"] == "#285ac8"  # FAMILY_RGB["blue"], (40, 90, 200): the mean of one blue
    # Photo 3's 5% of yellow is below the palette's family rule, so it does not count as yellow.
    assert profile["colour_families"]["yellow"] == round((0.1 + 0.15) / (1.0 + 1.0 + 0.95), 4)


def test_tags_count_half_as_much_as_likes() -> None:
    images = [FakeImage(1, [("blue", 1.0)], ["sea"]), FakeImage(2, [("red", 1.0)], ["food"])]

    profile = build_profile(inputs_for(images, liked=[1], tagged={2: ["dinner"]}))

    assert profile["colour_families"] == {"red": round(0.5 / 1.5, 4), "blue": round(1.0 / 1.5, 4)}
    assert profile["orientation"]["user"] == {"landscape": 1.0}


def test_tf_idf_keeps_a_tag_on_every_image_from_dominating() -> None:
    images = seascapes_and_food()

    profile = build_profile(inputs_for(images, liked=list(range(1, 13))))

    names = [tag["tag"] for tag in profile["tags"]]
    assert "photo" not in names  # on every image of the collection
    assert set(names[:4]) == {"sea", "beach", "food", "pizza"}


def test_a_users_own_tag_appears_among_their_favourite_tags() -> None:
    images = seascapes_and_food()

    profile = build_profile(inputs_for(images, liked=[1, 2], tagged={1: ["sunset"]}))

    assert "sunset" in [tag["tag"] for tag in profile["tags"]]


def test_the_profile_is_json_and_empty_activity_gives_an_empty_profile() -> None:
    profile = build_profile(inputs_for(seascapes_and_food(), liked=[]))

    assert json.loads(json.dumps(profile)) == profile
    assert profile["like_count"] == 0
    assert profile["interests"] == []
    assert profile["colours"] == []


def test_distributions_cameras_years_and_likes_over_time_are_reported() -> None:
    images = seascapes_and_food()

    profile = build_profile(inputs_for(images, liked=[1, 2, 7]))

    assert profile["orientation"]["user"] == {"landscape": round(2 / 3, 4), "portrait": round(1 / 3, 4)}
    assert profile["orientation"]["collection"] == {"landscape": 0.5, "portrait": 0.5}
    assert profile["cameras"] == [{"camera": "Canon EOS 5D", "weight": 3.0}]
    assert profile["years"] == {"2020": 3.0}
    assert profile["likes_over_time"] == [["2024-03-01", 3]]
