"""A small site for the recommender's Django tests: two tastes (blue seascapes, red food) and people."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from gallery.models import Image
from tests.factories import make_image, make_like, make_user


@dataclass
class TwoTasteSite:
    sea: list[Image]
    food: list[Image]
    alice: User
    bob: User
    fans: list[User]


def two_taste_site(*, sea_count: int = 6, food_count: int = 6) -> TwoTasteSite:
    """Six blue seascapes and six red food photos; four sea fans and four food fans like most of
    their own kind; alice has liked three seascapes, bob nothing yet."""
    sea = [
        make_image(
            title=f"Sea {n}",
            rgb=(40, 90, 200),
            colours=[("blue", 0.7), ("white", 0.3)],
            tags=["sea", "coast"],
        )
        for n in range(sea_count)
    ]
    food = [
        make_image(title=f"Food {n}", rgb=(200, 30, 30), colours=[("red", 0.8)], tags=["food", "dinner"])
        for n in range(food_count)
    ]
    fans = []
    for n in range(4):
        fan = make_user(f"seafan{n}")
        for image in sea[n % 2 :: 1][:5]:
            make_like(fan, image)
        fans.append(fan)
    for n in range(4):
        fan = make_user(f"foodfan{n}")
        for image in food[n % 2 :: 1][:5]:
            make_like(fan, image)
        fans.append(fan)
    alice = make_user("alice")
    for image in sea[:3]:
        make_like(alice, image)
    return TwoTasteSite(sea=sea, food=food, alice=alice, bob=make_user("bob"), fans=fans)
