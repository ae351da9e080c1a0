"""Every count a page shows stays exact while people like, unlike and tag photos and photos come
and go: the gallery's filter counts (kept in the cache between changes), the like counts on cards,
the photo page and the home page, and the tags index, each checked against a fresh count."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gallery.collection_version import forget_collection_version
from gallery.models import Image, ImageTag, Like
from gallery.selectors import GalleryFilters, gallery_facets, visible_images
from gallery.services.analysis import queue_analysis
from gallery.services.duplicates import join_group
from gallery.services.social import add_user_tag, like_image, remove_user_tag, unlike_image
from gallery.services.storage import delete_image
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


def shown_filter_counts(response: Any) -> dict[str, dict[str, int]]:
    """Each filter's options and counts as the page shows them (the form's fields are rendered once
    per list and collection version, so the HTML is what must stay exact)."""
    html = response.content.decode()
    boxes = re.findall(r'<select id="filter-(\w+)" name="\w+">(.*?)</select>', html, re.S)
    boxes += re.findall(r'<datalist id="(tag)-options">(.*?)</datalist>', html, re.S)
    shown = {}
    for name, options in boxes:
        counts = re.findall(r'<option value="([^"]+)"[^>]*>[^<]*\(([\d,]+)\)</option>', options)
        if counts:
            shown[name] = {unescape(value): int(count.replace(",", "")) for value, count in counts}
    return shown


def fresh_filter_counts(viewer: User) -> dict[str, dict[str, int]]:
    forget_collection_version()  # nothing cached: counted from the rows as they are now
    facets = gallery_facets(GalleryFilters(viewer_id=viewer.pk))
    return {
        name: {option.value: option.count for option in options}
        for name, options in facets.options.items()
        if options
    }


def shown_card_likes(response: Any) -> dict[int, int]:
    """Each card's like count as the grid shows it (a hidden count is none)."""
    cards = re.findall(
        r'<li class="card" data-like-scope[^>]*>\s*<a href="/photos/(\d+)/.*?data-like-count="card"( hidden)?>♥ (\d+)',
        response.content.decode(),
        re.S,
    )
    return {int(pk): 0 if hidden else int(count) for pk, hidden, count in cards}


def likes_of(image: Image) -> int:
    return Like.objects.filter(image_id=image.pk).count()


def assert_every_count_is_fresh(client: Client, viewer: User, photos: list[Image]) -> None:
    gallery = client.get("/gallery/")
    shown = shown_filter_counts(gallery)
    assert shown == fresh_filter_counts(viewer)
    cards = visible_images().filter(is_group_best=True)
    assert f'<p class="muted">{cards.count()} photo' in gallery.content.decode()
    assert shown_card_likes(gallery) == {card.pk: likes_of(card) for card in cards}
    for photo in photos:
        if visible_images().filter(pk=photo.pk).exists():
            page = client.get(f"/photos/{photo.pk}/")
            assert page.context["image"].like_count == likes_of(photo)
    home = shown_card_likes(client.get("/"))
    assert home
    assert home == {pk: likes_of(Image.objects.get(pk=pk)) for pk in home}
    tags = client.get("/tags/").context["page"].object_list
    for row in tags:
        tagged = ImageTag.objects.filter(
            tag__name=row["tag__name"], image__in=visible_images().filter(is_group_best=True)
        )
        assert row["n"] == tagged.values("image").distinct().count()


def test_every_count_shown_follows_likes_tags_and_deletions(client: Client) -> None:
    alice, bob = make_user(), make_user()
    client.force_login(alice)
    photos = [
        make_image(tags=["harbour"], colours=[("blue", 0.6)], quality_score=90),
        make_image(tags=["harbour", "boat"], colours=[("red", 0.5)], quality_score=70),
        make_image(tags=["boat"], colours=[("blue", 0.4)], width=80, height=120, quality_score=85),
        make_image(colours=[("green", 0.7)]),
    ]
    assert_every_count_is_fresh(client, alice, photos)  # and now the counts are cached

    like_image(user=alice, image=photos[0])
    like_image(user=bob, image=photos[0])
    like_image(user=bob, image=photos[1])
    assert_every_count_is_fresh(client, alice, photos)

    unlike_image(user=bob, image=photos[0])
    client.post(f"/photos/{photos[2].pk}/like/")  # alice, through the page
    assert_every_count_is_fresh(client, alice, photos)

    own_tag = add_user_tag(user=alice, image=photos[3], raw="harbour")
    assert_every_count_is_fresh(client, alice, photos)
    remove_user_tag(user=alice, image_tag_id=own_tag.pk)
    assert_every_count_is_fresh(client, alice, photos)

    delete_image(photos[1])
    assert_every_count_is_fresh(client, alice, photos)

    join_group([photos[0].pk, photos[2].pk])  # one card for two versions
    assert_every_count_is_fresh(client, alice, photos)

    queue_analysis([photos[3].pk])  # pending again: out of the gallery until analysed
    assert_every_count_is_fresh(client, alice, photos)

    bob.delete()
    assert_every_count_is_fresh(client, alice, photos)
