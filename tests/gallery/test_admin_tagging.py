"""Staff answer suggestions in bulk and work through "Tags to review" in the admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from gallery.models import (
    ImageTag,
    ReviewStatus,
    TagAnswer,
    TagOrigin,
    TagReview,
    TagSuggestion,
    Verdict,
)
from gallery.services.tag_review import find_wrong_tags
from gallery.services.tag_suggestions import train_suggester
from tests.factories import make_user
from tests.support.tag_photos import themed_collection, themed_photo

pytestmark = pytest.mark.django_db
CaptureCallbacks = Callable[..., Any]


@pytest.fixture
def curator(client: Client) -> User:
    user = make_user("curator", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def mislabelled() -> tuple[int, str]:
    """20 photos of each theme, and a green photo tagged "sea"; returns its id and the wrong tag.

    (Confident learning estimates each tag's noise rate from the photos: a handful is too few.)"""
    themed_collection(20)
    wrong = themed_photo("forest", seed=777, tags=("sea",))
    return wrong.pk, "sea"


def bulk(client: Client, model: str, action: str, ids: list[int]) -> Any:
    url = reverse(f"admin:gallery_{model}_changelist")
    return client.post(url, {"action": action, "_selected_action": [str(pk) for pk in ids]})


def test_staff_accept_suggestions_in_bulk(
    client: Client, curator: User, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    themed_collection()
    photos = [themed_photo("sand", seed=600 + i, tags=()) for i in range(3)]
    train_suggester()
    chosen = list(TagSuggestion.objects.filter(image__in=photos, tag__name="sand"))
    assert len(chosen) == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = bulk(client, "tagsuggestion", "accept_selected", [s.pk for s in chosen])

    assert response.status_code == 302
    added = ImageTag.objects.filter(image__in=photos, tag__name="sand", origin=TagOrigin.SUGGESTED)
    assert added.count() == 3
    assert TagAnswer.objects.filter(user=curator, verdict=Verdict.ACCEPT).count() == 3


def test_a_staff_reject_removes_the_suggestion_for_everyone(client: Client, curator: User) -> None:
    themed_collection()
    photo = themed_photo("sand", seed=600, tags=())
    train_suggester()
    suggestion = TagSuggestion.objects.get(image=photo, tag__name="sand")

    bulk(client, "tagsuggestion", "reject_selected", [suggestion.pk])

    assert not TagSuggestion.objects.filter(image=photo, tag__name="sand").exists()
    assert not ImageTag.objects.filter(image=photo, tag__name="sand").exists()
    train_suggester()  # and it stays away after a retraining
    assert not TagSuggestion.objects.filter(image=photo, tag__name="sand").exists()


def test_the_suggestion_list_needs_staff(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.get(reverse("admin:gallery_tagsuggestion_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_tags_to_review_list_a_wrong_tag_first(
    client: Client, curator: User, mislabelled: tuple[int, str]
) -> None:
    image_id, wrong = mislabelled

    assert find_wrong_tags() >= 1

    first = TagReview.objects.filter(status=ReviewStatus.OPEN).order_by("probability").first()
    assert first is not None
    assert (first.image_id, first.tag.name) == (image_id, wrong)
    page = client.get(reverse("admin:gallery_tagreview_changelist")).content.decode()
    assert "Tags to review" in page
    assert reverse("admin:gallery_tagreview_remove", args=[first.pk]) in page


def test_removing_a_reviewed_tag_takes_it_off_and_teaches_the_suggester(
    client: Client,
    curator: User,
    mislabelled: tuple[int, str],
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    image_id, wrong = mislabelled
    train_suggester()
    find_wrong_tags()
    review = TagReview.objects.get(image_id=image_id, tag__name=wrong)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:gallery_tagreview_remove", args=[review.pk]))

    assert response.status_code == 302
    assert not ImageTag.objects.filter(image_id=image_id, tag__name=wrong).exists()
    answer = TagAnswer.objects.get(image_id=image_id, tag__name=wrong)
    assert answer.verdict == Verdict.REJECT
    assert answer.applied_at is not None  # learnt by the online step at once
    review.refresh_from_db()
    assert review.status == ReviewStatus.REMOVED


def test_a_kept_tag_is_never_listed_again(
    client: Client, curator: User, mislabelled: tuple[int, str]
) -> None:
    image_id, wrong = mislabelled
    find_wrong_tags()
    review = TagReview.objects.get(image_id=image_id, tag__name=wrong)

    client.post(reverse("admin:gallery_tagreview_keep", args=[review.pk]))
    find_wrong_tags()

    assert TagReview.objects.get(image_id=image_id, tag__name=wrong).status == ReviewStatus.KEPT
    assert not TagReview.objects.filter(image_id=image_id, tag__name=wrong, status=ReviewStatus.OPEN).exists()
    assert ImageTag.objects.filter(image_id=image_id, tag__name=wrong).exists()


def test_keep_and_remove_take_only_post(client: Client, curator: User, mislabelled: tuple[int, str]) -> None:
    find_wrong_tags()
    review = TagReview.objects.first()
    assert review is not None

    response = client.get(reverse("admin:gallery_tagreview_remove", args=[review.pk]))

    assert response.status_code == 405
    assert ImageTag.objects.filter(image_id=review.image_id, tag_id=review.tag_id).exists()


def test_people_who_are_not_staff_cannot_remove_tags(
    client: Client, alice: User, mislabelled: tuple[int, str]
) -> None:
    find_wrong_tags()
    review = TagReview.objects.first()
    assert review is not None
    client.force_login(alice)

    client.post(reverse("admin:gallery_tagreview_remove", args=[review.pk]))

    assert ImageTag.objects.filter(image_id=review.image_id, tag_id=review.tag_id).exists()
