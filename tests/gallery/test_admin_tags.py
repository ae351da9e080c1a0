"""Staff see how many images each tag has and merge synonyms through a confirmation page."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from gallery.models import ImageTag, Tag
from tests.factories import make_image, make_image_tag, make_tag, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:gallery_tag_changelist"


def merge(client: Client, tags: list[Tag], **extra: object):
    data = {"action": "merge_into", "_selected_action": [tag.pk for tag in tags], **extra}
    return client.post(reverse(CHANGELIST), data)


def test_the_list_counts_images_per_tag_and_searches_names(admin_client: Client) -> None:
    for _ in range(3):
        make_image(tags=["sea"])
    make_image(tags=["forest"])

    response = admin_client.get(reverse(CHANGELIST), {"q": "se", "o": "-2"})

    rows = [(tag.name, tag.image_count) for tag in response.context["cl"].result_list]
    assert rows == [("sea", 3)]


def test_merging_asks_which_tag_to_keep_and_suggests_the_most_used(admin_client: Client) -> None:
    make_image(tags=["ocean"])
    make_image(tags=["sea"])
    make_image(tags=["sea"])
    sea, ocean = Tag.objects.get(name="sea"), Tag.objects.get(name="ocean")

    response = merge(admin_client, [sea, ocean])

    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the tag to keep" in html
    assert "sea (2 images)" in html
    assert "ocean (1 image)" in html
    checked = re.findall(r'<input type="radio" name="target" value="(\d+)"[^>]* checked', html)
    assert checked == [str(sea.pk)]
    assert Tag.objects.count() == 2  # nothing merged before the confirmation


def test_confirming_a_merge_keeps_every_image_link_once(admin_client: Client) -> None:
    alice = make_user("alice")
    both = make_image(title="Both")
    only_ocean = make_image(title="Only ocean")
    make_image_tag(both, "sea")
    make_image_tag(both, "ocean")
    make_image_tag(both, "ocean", user=alice)
    make_image_tag(only_ocean, "ocean")
    sea, ocean = make_tag("sea"), make_tag("ocean")

    response = merge(admin_client, [sea, ocean], target=sea.pk, apply="1")

    assert response.status_code == 302
    assert list(Tag.objects.values_list("name", flat=True)) == ["sea"]
    links = sorted(ImageTag.objects.values_list("image__title", "tag__name", "origin"))
    assert links == [
        ("Both", "sea", "source"),
        ("Both", "sea", "user"),
        ("Only ocean", "sea", "source"),
    ]
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == "Merged 'ocean' into 'sea'; 2 image links moved."


def test_merging_needs_at_least_two_tags(admin_client: Client) -> None:
    sea = make_tag("sea")

    response = merge(admin_client, [sea], target=sea.pk, apply="1")

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Select at least two tags to merge."]
    assert Tag.objects.filter(name="sea").exists()


def test_a_target_outside_the_selection_is_refused(admin_client: Client) -> None:
    sea, ocean, forest = make_tag("sea"), make_tag("ocean"), make_tag("forest")

    response = merge(admin_client, [sea, ocean], target=forest.pk, apply="1")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Tag.objects.count() == 3


def test_staff_without_the_delete_permission_cannot_merge(client: Client) -> None:
    from django.contrib.auth.models import Permission

    clerk = make_user("clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_tag"))
    client.force_login(clerk)
    sea, ocean = make_tag("sea"), make_tag("ocean")

    merge(client, [sea, ocean], target=sea.pk, apply="1")

    assert Tag.objects.count() == 2
