"""One definition of a visible photo: analysed and with a thumbnail. A photo that is not visible is
missing from every page that shows or acts on photos, not only from the gallery grid."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gallery.models import Image, Like
from recommender.models import NotInterested
from tests.factories import make_image, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_thumbnail() -> Image:
    # Analysed, but its thumbnail was never written: the gallery cannot show it.
    return make_image(thumbnail="", title="Never shown")


def test_a_photo_hidden_from_the_gallery_has_no_page(client: Client, without_thumbnail: Image) -> None:
    assert client.get(reverse("gallery:image", args=[without_thumbnail.pk])).status_code == 404


def test_a_photo_hidden_from_the_gallery_cannot_be_liked_or_hidden(
    client: Client, without_thumbnail: Image
) -> None:
    client.force_login(make_user())
    assert client.post(reverse("gallery:like", args=[without_thumbnail.pk])).status_code == 404
    not_interested = reverse("recommender:not_interested", args=[without_thumbnail.pk])
    assert client.post(not_interested).status_code == 404
    assert not Like.objects.exists()
    assert not NotInterested.objects.exists()


def test_the_stats_page_counts_only_visible_photos(client: Client, without_thumbnail: Image) -> None:
    make_image(title="Shown")
    response = client.get(reverse("profiles:stats"))
    assert response.context["image_count"] == 1
