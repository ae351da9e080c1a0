"""Tag suggestions in the JSON API: yours to list and answer, learnt as answers on the site are."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from gallery.models import Image, ImageTag, TagAnswer, TagOrigin, TagSuggestion
from tests.api.conftest import ApiClient, token_client
from tests.support.tag_photos import untagged_photo_after_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def forest_photo() -> Image:
    """An untagged green photo in a collection the suggester was trained on."""
    return untagged_photo_after_training("forest")


def _url(photo: Image, tag: str = "") -> str:
    base = f"/api/v1/photos/{photo.pk}/suggestions"
    if not tag:
        return base
    return f"{base}/{TagSuggestion.objects.get(image=photo, tag__name=tag).tag_id}"


def test_a_signed_in_person_lists_the_suggestions_most_likely_first(
    alice_api: ApiClient, forest_photo: Image
) -> None:
    response = alice_api.get(_url(forest_photo))

    assert response.status_code == 200
    items = response.json()
    assert items[0]["tag"] == "forest"
    confidences = [item["confidence"] for item in items]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0 <= confidence <= 1 for confidence in confidences)


def test_accepting_tags_the_photo_and_the_suggestion_is_no_longer_offered(
    alice_api: ApiClient, alice: User, forest_photo: Image
) -> None:
    response = alice_api.put(_url(forest_photo, "forest"), {"verdict": "accept"})

    assert response.status_code == 200
    assert response.json() == {"tag": "forest", "verdict": "accept", "photo_id": forest_photo.pk}
    assert ImageTag.objects.get(image=forest_photo, tag__name="forest").origin == TagOrigin.SUGGESTED
    assert TagAnswer.objects.get(image=forest_photo, tag__name="forest").user == alice
    assert "forest" not in [item["tag"] for item in alice_api.get(_url(forest_photo)).json()]


def test_a_rejection_hides_it_from_that_person_only_and_cannot_be_given_twice(
    alice_api: ApiClient, bob_api: ApiClient, forest_photo: Image
) -> None:
    url = _url(forest_photo, "forest")
    assert alice_api.put(url, {"verdict": "reject"}).status_code == 200

    assert "forest" not in [item["tag"] for item in alice_api.get(_url(forest_photo)).json()]
    assert "forest" in [item["tag"] for item in bob_api.get(_url(forest_photo)).json()]
    again = alice_api.put(url, {"verdict": "accept"})
    assert again.status_code == 404
    assert again["Content-Type"] == "application/problem+json"
    assert not ImageTag.objects.filter(image=forest_photo, tag__name="forest").exists()


def test_answers_need_a_write_token_and_a_known_verdict(
    alice: User, anonymous_api: ApiClient, forest_photo: Image
) -> None:
    url = _url(forest_photo, "forest")
    assert anonymous_api.get(_url(forest_photo)).status_code == 401
    assert anonymous_api.put(url, {"verdict": "accept"}).status_code == 401
    assert token_client(alice, "read").put(url, {"verdict": "accept"}).status_code == 403
    assert token_client(alice, "write").put(url, {"verdict": "maybe"}).status_code == 422
    assert not TagAnswer.objects.exists()
