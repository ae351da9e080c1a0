"""merge_tags folds synonyms into one tag and every image keeps its links."""

from __future__ import annotations

import itertools

import pytest

from gallery.models import Image, ImageTag, Tag, TagOrigin
from gallery.services.tags import Link, merge_tags, plan_merge

_counter = itertools.count()


def make_image(**fields: object) -> Image:
    number = next(_counter)
    defaults: dict[str, object] = {
        "sha256": f"{number:064x}",
        "file": f"originals/{number}.jpg",
        "source": "folder",
        "licence": "CC0",
        "title": f"Photo {number}",
    }
    return Image.objects.create(**{**defaults, **fields})


def tag_names(image: Image) -> list[tuple[str, str, int | None]]:
    return sorted(image.image_tags.values_list("tag__name", "origin", "user_id"), key=str)


def test_plan_keeps_the_first_of_two_links_with_the_same_image_origin_and_user() -> None:
    target = [Link(id=1, image_id=10, origin="source", user_id=None, confidence=0.5)]
    others = [
        Link(id=2, image_id=10, origin="source", user_id=None, confidence=0.9),
        Link(id=3, image_id=10, origin="auto", user_id=None, confidence=1.0),
        Link(id=4, image_id=11, origin="user", user_id=7, confidence=1.0),
        Link(id=5, image_id=11, origin="user", user_id=7, confidence=1.0),
    ]

    plan = plan_merge(target, others)

    assert plan.move == [3, 4]
    assert plan.drop == [2, 5]
    assert plan.raise_confidence == {1: 0.9}


@pytest.mark.django_db
def test_it_moves_every_image_link_to_the_target_and_deletes_the_synonyms(django_user_model) -> None:
    alice = django_user_model.objects.create_user("alice", password="pw-alice-123")
    sea, ocean, seaside = (Tag.objects.create(name=n) for n in ("sea", "ocean", "seaside"))
    beach, boat = make_image(), make_image()
    ImageTag.objects.create(image=beach, tag=sea, origin=TagOrigin.SOURCE)
    ImageTag.objects.create(image=boat, tag=ocean, origin=TagOrigin.AUTO, confidence=0.7)
    ImageTag.objects.create(image=boat, tag=seaside, origin=TagOrigin.USER, user=alice)

    moved = merge_tags(target=sea, others=[ocean, seaside])

    assert moved == 2
    assert list(Tag.objects.values_list("name", flat=True)) == ["sea"]
    assert tag_names(beach) == [("sea", "source", None)]
    assert tag_names(boat) == [("sea", "auto", None), ("sea", "user", alice.pk)]


@pytest.mark.django_db
def test_it_folds_overlapping_links_into_one_per_image_origin_and_user(django_user_model) -> None:
    alice = django_user_model.objects.create_user("alice", password="pw-alice-123")
    bob = django_user_model.objects.create_user("bob", password="pw-bob-123")
    sea, ocean = Tag.objects.create(name="sea"), Tag.objects.create(name="ocean")
    image = make_image()
    ImageTag.objects.create(image=image, tag=sea, origin=TagOrigin.SOURCE, confidence=0.4)
    ImageTag.objects.create(image=image, tag=ocean, origin=TagOrigin.SOURCE, confidence=0.8)
    ImageTag.objects.create(image=image, tag=sea, origin=TagOrigin.USER, user=alice)
    ImageTag.objects.create(image=image, tag=ocean, origin=TagOrigin.USER, user=alice)
    ImageTag.objects.create(image=image, tag=ocean, origin=TagOrigin.USER, user=bob)

    moved = merge_tags(target=sea, others=[ocean])

    assert moved == 1
    assert tag_names(image) == [
        ("sea", "source", None),
        ("sea", "user", alice.pk),
        ("sea", "user", bob.pk),
    ]
    assert image.image_tags.get(origin=TagOrigin.SOURCE).confidence == 0.8
    assert not Tag.objects.filter(name="ocean").exists()


@pytest.mark.django_db
def test_two_synonyms_on_the_same_image_become_one_link() -> None:
    water, sea, ocean = (Tag.objects.create(name=n) for n in ("water", "sea", "ocean"))
    image = make_image()
    ImageTag.objects.create(image=image, tag=sea, origin=TagOrigin.AUTO)
    ImageTag.objects.create(image=image, tag=ocean, origin=TagOrigin.AUTO)

    merge_tags(target=water, others=[sea, ocean])

    assert tag_names(image) == [("water", "auto", None)]
    assert list(Tag.objects.values_list("name", flat=True)) == ["water"]


@pytest.mark.django_db
def test_merging_a_tag_into_itself_changes_nothing() -> None:
    sea = Tag.objects.create(name="sea")
    image = make_image()
    ImageTag.objects.create(image=image, tag=sea, origin=TagOrigin.SOURCE)

    assert merge_tags(target=sea, others=[sea]) == 0
    assert tag_names(image) == [("sea", "source", None)]
