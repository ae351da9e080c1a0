"""Simulated users: the pure preference model and the commands that store users for the demo."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from gallery.models import Image, ImageTag, Like, Tag
from profiles import services
from profiles.models import ProfileSnapshot, SimulatedTaste, UserProfile
from profiles.simulation import Catalogue, Interest, affinity, fitting_tags, simulate_users
from tests.factories import make_image

FAMILIES = ["blue", "red", "green", "yellow", "white", "grey"]
SUBJECTS = ["sea", "food", "forest", "city", "flowers", "cats"]


def catalogue(size: int = 60) -> Catalogue:
    ids = list(range(1, size + 1))
    return Catalogue(
        images=pd.DataFrame(
            {
                "image_id": ids,
                "orientation": ["landscape" if i % 3 else "portrait" for i in ids],
                "size_class": ["large" if i % 2 else "medium" for i in ids],
            }
        ),
        families={i: {FAMILIES[i % 6]: 0.8, FAMILIES[(i + 1) % 6]: 0.2} for i in ids},
        tags={i: [SUBJECTS[i % 6], "photograph"] for i in ids},
    )


def test_the_same_seed_gives_the_same_users_tastes_likes_and_tags() -> None:
    first = simulate_users(catalogue(), count=20, seed=7)
    second = simulate_users(catalogue(), count=20, seed=7)

    assert first == second
    assert simulate_users(catalogue(), count=20, seed=8) != first


def test_simulated_users_have_one_to_three_interests_and_ten_to_forty_likes_unless_cold() -> None:
    users = simulate_users(catalogue(), count=50, seed=1)

    assert [user.username for user in users[:2]] == ["sim001", "sim002"]
    assert all(1 <= len(user.interests) <= 3 for user in users)
    assert any(user.is_cold for user in users)
    for user in users:
        low, high = (1, 2) if user.is_cold else (10, 40)
        assert low <= len(user.liked_image_ids) <= high
        assert len(set(user.liked_image_ids)) == len(user.liked_image_ids)
    assert any(user.user_tags for user in users)


def test_simulated_users_mostly_like_photos_that_match_their_hidden_taste() -> None:
    cat = catalogue()
    users = [user for user in simulate_users(cat, count=30, seed=3) if not user.is_cold]

    matches = 0.0
    for user in users:
        best = pd.Series(
            sum(interest.weight * affinity(cat, interest) for interest in user.interests),
            index=cat.images["image_id"],
        )
        median = best.median()
        matches += sum(best[i] > median for i in user.liked_image_ids) / len(user.liked_image_ids)
    assert matches / len(users) > 0.7


def test_interests_are_built_from_the_catalogues_distinctive_tags_not_ubiquitous_ones() -> None:
    users = simulate_users(catalogue(), count=10, seed=2)

    tags = {tag for user in users for interest in user.interests for tag in interest.tags}
    assert tags <= set(SUBJECTS) | {"photograph"}
    assert all(interest.tags[0] in SUBJECTS for user in users for interest in user.interests)


def test_an_empty_catalogue_gives_no_users() -> None:
    empty = Catalogue(pd.DataFrame(columns=["image_id", "orientation", "size_class"]), {}, {})

    assert simulate_users(empty, count=5, seed=1) == []


@pytest.fixture
def photos(db: None) -> list[Image]:
    return [
        make_image(
            with_files=False,
            thumbnail=f"thumbs/simulated-{n}.jpg",  # visible photos have one; no file is read here
            colours=[(FAMILIES[n % 6], 0.8), (FAMILIES[(n + 1) % 6], 0.2)],
            tags=[SUBJECTS[n % 6], "photograph"],
        )
        for n in range(30)
    ]


def stored_state() -> tuple[list[tuple[str, int]], list[tuple[str, int, str]], list[tuple[str, object]]]:
    likes = sorted(
        (username, image_id) for username, image_id in Like.objects.values_list("user__username", "image_id")
    )
    tags = sorted(
        ImageTag.objects.filter(user__isnull=False).values_list("user__username", "image_id", "tag__name")
    )
    tastes = sorted(SimulatedTaste.objects.values_list("user__username", "interests"), key=lambda row: row[0])
    return likes, tags, tastes


def test_the_command_stores_reproducible_users_and_prints_their_logins(photos: list[Image]) -> None:
    out = io.StringIO()
    call_command("simulate_users", users=8, seed=1, stdout=out)
    first = stored_state()

    call_command("simulate_users", users=8, seed=1, stdout=io.StringIO())

    assert stored_state() == first
    assert User.objects.filter(username__startswith="sim").count() == 8
    assert SimulatedTaste.objects.filter(seed=1).count() == 8
    assert services.DEMO_PASSWORD in out.getvalue()
    assert "sim001..sim008" in out.getvalue()
    sim = User.objects.get(username="sim001")
    assert sim.check_password(services.DEMO_PASSWORD)
    assert UserProfile.objects.get(user=sim).is_public
    assert ProfileSnapshot.objects.filter(user=sim).exists()


def test_the_hidden_taste_is_kept_apart_from_the_learned_profile(photos: list[Image]) -> None:
    call_command("simulate_users", users=3, seed=4, stdout=io.StringIO())

    taste = SimulatedTaste.objects.get(user__username="sim001")
    assert {"families", "tags", "orientation", "size_class", "weight"} <= set(taste.interests[0])
    assert "interests" not in ProfileSnapshot.objects.filter(user__username="sim001").latest().data["weights"]


def test_the_command_refuses_an_empty_collection(db: None) -> None:
    with pytest.raises(CommandError, match="no analysed photos"):
        call_command("simulate_users", users=3, seed=1, stdout=io.StringIO())


def test_create_demo_users_makes_admin_and_demo_then_the_simulated_crowd(photos: list[Image]) -> None:
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    call_command("create_demo_users", stdout=io.StringIO())  # safe to run again

    admin, demo = User.objects.get(username="admin"), User.objects.get(username="demo")
    assert admin.is_superuser
    assert admin.is_staff
    assert not demo.is_staff
    assert demo.check_password(services.DEMO_PASSWORD)
    assert User.objects.filter(username__startswith="sim").count() == 50
    assert services.DEMO_PASSWORD in out.getvalue()


def test_create_demo_users_without_photos_only_makes_the_two_accounts(db: None) -> None:
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)

    assert set(User.objects.values_list("username", flat=True)) == {"admin", "demo"}
    assert "No analysed photos yet" in out.getvalue()


def test_a_simulated_tag_is_always_true_of_the_photo_it_is_on() -> None:
    cat = catalogue()
    users = simulate_users(cat, count=40, seed=5)

    tagged = [(user, image_id, tag) for user in users for image_id, tag in user.user_tags]
    assert len(tagged) > 20
    for user, image_id, tag in tagged:
        photo_words = set(cat.tags[image_id]) | {
            f for f, share in cat.families[image_id].items() if share >= 0.1
        }
        assert tag in photo_words, f"{user.username} put {tag!r} on photo {image_id}"
        assert any(tag in interest.tags or tag in interest.families for interest in user.interests)


def test_a_photo_that_fits_none_of_the_interest_gets_no_tag_from_it() -> None:
    photos = Catalogue(
        images=pd.DataFrame(
            {"image_id": [1, 2], "orientation": ["landscape"] * 2, "size_class": ["large"] * 2}
        ),
        families={1: {"grey": 0.95, "blue": 0.05}, 2: {"blue": 0.12, "white": 0.88}},
        tags={1: ["astronaut"], 2: ["sea"]},
    )
    interest = Interest(
        families=["blue"], tags=["sea"], orientation="landscape", size_class="large", weight=1.0
    )

    assert fitting_tags(photos, interest, 2) == ["sea", "blue"]
    # 5% blue is not a blue photo by the site's rule (10%), and the astronaut carries no "sea".
    assert fitting_tags(photos, interest, 1) == []


def test_create_demo_users_reuses_the_simulated_users_it_made_before(photos: list[Image]) -> None:
    call_command("create_demo_users", stdout=io.StringIO())
    before = stored_state()
    Like.objects.filter(user__username="sim001").delete()  # would come back if it simulated again

    out = io.StringIO()
    call_command("create_demo_users", stdout=out)

    assert "exist already: reused" in out.getvalue()
    assert "simulate_users --users 50 --seed 1" in out.getvalue()
    assert stored_state() != before
    assert not Like.objects.filter(user__username="sim001").exists()


def test_simulating_says_how_far_it_got(photos: list[Image]) -> None:
    out = io.StringIO()
    call_command("simulate_users", users=12, seed=1, stdout=out)

    assert "Simulating 12 users (seed 1)" in out.getvalue()
    assert "profiles built: 10/12" in out.getvalue()
    assert "profiles built: 12/12" in out.getvalue()


def test_removing_simulated_users_deletes_their_activity_and_leaves_real_users_alone(
    photos: list[Image],
) -> None:
    call_command("simulate_users", users=6, seed=2, stdout=io.StringIO())
    real = User.objects.create_user("ann", "ann@example.com", "pw-ann-123456")
    staff = User.objects.create_user("sim007", "s@example.com", "pw", is_staff=True)
    SimulatedTaste.objects.create(user=staff, interests=[], seed=2)  # staff are never deleted
    Like.objects.create(user=real, image=photos[0])
    Like.objects.create(user=real, image=photos[1])
    real_tag = ImageTag.objects.create(
        image=photos[0], tag=Tag.objects.create(name="my harbour"), origin="user", user=real
    )
    only_simulated = Tag.objects.create(name="simulated only")
    ImageTag.objects.create(
        image=photos[2], tag=only_simulated, origin="user", user=User.objects.get(username="sim001")
    )
    simulated_likes = Like.objects.filter(user__username__startswith="sim0").count()

    out = io.StringIO()
    call_command("remove_simulated_users", "--no-input", stdout=out)

    assert set(User.objects.values_list("username", flat=True)) == {"ann", "sim007"}
    assert sorted(Like.objects.values_list("user__username", "image_id")) == [
        ("ann", photos[0].pk),
        ("ann", photos[1].pk),
    ]
    assert list(ImageTag.objects.filter(origin="user")) == [real_tag]
    assert not Tag.objects.filter(pk=only_simulated.pk).exists()
    assert Tag.objects.filter(name="my harbour").exists()
    assert ImageTag.objects.filter(origin="source").count() == 60  # the photos' own tags stay
    assert f"Deleted 6 simulated users with {simulated_likes} likes" in out.getvalue()


def test_staff_remove_simulated_users_from_the_admin_in_one_action(photos: list[Image], client) -> None:
    call_command("simulate_users", users=3, seed=1, stdout=io.StringIO())
    admin = User.objects.create_superuser("boss", "boss@example.com", "pw-boss-123456")
    Like.objects.create(user=admin, image=photos[0])
    client.force_login(admin)

    response = client.post(
        "/admin/profiles/simulatedtaste/",
        {
            "action": "remove_simulated_users",
            "_selected_action": list(SimulatedTaste.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )

    assert "Deleted 3 simulated users" in response.content.decode()
    assert not User.objects.filter(username__startswith="sim").exists()
    assert Like.objects.filter(user=admin).count() == 1


def test_staff_cannot_mark_a_real_account_simulated_by_hand(db: None, client) -> None:
    admin = User.objects.create_superuser("boss", "boss@example.com", "pw-boss-123456")
    client.force_login(admin)

    assert client.get("/admin/profiles/simulatedtaste/add/").status_code == 403
