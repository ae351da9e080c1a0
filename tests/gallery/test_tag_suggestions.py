"""Tag suggestions on the site: shown to signed-in people, answered with ✓ and ✗, learnt at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from gallery.analysis import tag_model
from gallery.models import Image, ImageTag, TagAnswer, TagOrigin, TagSuggester, TagSuggestion, Verdict
from gallery.services.analysis import analyse_image
from gallery.services.tag_suggestions import (
    answer_suggestion,
    apply_pending_answers,
    current_model,
    photo_features,
    train_suggester,
)
from tests.factories import make_image_tag
from tests.support.tag_photos import themed_collection, themed_photo, untagged_photo_after_training

pytestmark = pytest.mark.django_db
CaptureCallbacks = Callable[..., Any]


@pytest.fixture
def forest_photo() -> Image:
    """An untagged green photo in a collection the suggester was trained on."""
    return untagged_photo_after_training("forest")


def suggested(image: Image) -> dict[str, float]:
    return dict(TagSuggestion.objects.filter(image=image).values_list("tag__name", "confidence"))


def answer(client: Client, image: Image, tag: str, verdict: str, **extra: str) -> Any:
    tag_id = TagSuggestion.objects.get(image=image, tag__name=tag).tag_id
    url = reverse("gallery:answer_suggestion", args=[image.pk, tag_id])
    return client.post(url, {"verdict": verdict, **extra})


def test_a_trained_suggester_suggests_the_tag_of_photos_like_it(forest_photo: Image) -> None:
    suggestions = suggested(forest_photo)
    assert max(suggestions, key=lambda name: suggestions[name]) == "forest"
    assert suggestions["forest"] > 0.5


def test_the_photo_page_shows_suggestions_with_their_confidence_to_a_signed_in_person(
    client: Client, alice: User, forest_photo: Image
) -> None:
    client.force_login(alice)
    page = client.get(reverse("gallery:image", args=[forest_photo.pk])).content.decode()
    percent = f"{suggested(forest_photo)['forest']:.0%}"
    assert "Suggested" in page
    assert f'forest <span class="muted">{percent}</span>' in page
    assert 'value="accept"' in page
    assert 'value="reject"' in page


def test_nobody_signed_out_is_offered_suggestions(client: Client, forest_photo: Image) -> None:
    page = client.get(reverse("gallery:image", args=[forest_photo.pk])).content.decode()
    assert 'value="accept"' not in page


def test_an_accept_puts_the_tag_on_the_photo_with_its_origin(
    client: Client, alice: User, forest_photo: Image, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = answer(client, forest_photo, "forest", "accept")

    assert response.status_code == 302
    link = ImageTag.objects.get(image=forest_photo, tag__name="forest")
    assert link.origin == TagOrigin.SUGGESTED
    assert link.user is None
    assert TagAnswer.objects.get(image=forest_photo, tag__name="forest").user == alice
    assert "forest" not in suggested(forest_photo)  # a tag it carries is no longer a suggestion
    page = client.get(reverse("gallery:image", args=[forest_photo.pk])).content.decode()
    assert "Accepted suggestions" in page


def test_a_reject_hides_the_suggestion_from_that_person_only(
    client: Client, alice: User, bob: User, forest_photo: Image
) -> None:
    client.force_login(alice)
    answer(client, forest_photo, "forest", "reject")

    alice_page = client.get(reverse("gallery:image", args=[forest_photo.pk])).content.decode()
    client.force_login(bob)
    bob_page = client.get(reverse("gallery:image", args=[forest_photo.pk])).content.decode()
    assert "Not forest" not in alice_page
    assert "Not forest" in bob_page
    assert not ImageTag.objects.filter(image=forest_photo, tag__name="forest").exists()


def test_a_reject_lowers_the_confidence_on_near_identical_photos(
    client: Client, alice: User, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    themed_collection()
    photo = themed_photo("forest", seed=999, tags=())
    twin = themed_photo("forest", seed=999, tags=())  # the same colours: a near-identical photo
    sea = themed_photo("sea", seed=998, tags=())
    train_suggester()
    before_twin, before_sea = suggested(twin)["forest"], _probability(sea, "forest")

    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        answer(client, photo, "forest", "reject")

    assert suggested(twin).get("forest", 0.0) < before_twin - 0.1
    # A photo unlike it hardly moves.
    assert abs(_probability(sea, "forest") - before_sea) < 0.1


def _probability(image: Image, tag: str) -> float:
    model = current_model()
    assert model is not None
    return float(tag_model.predict(model, photo_features([image.pk])[image.pk])[0, model.tags.index(tag)])


def test_an_answer_is_learnt_into_the_stored_model_once(alice: User, bob: User, forest_photo: Image) -> None:
    suggestion = TagSuggestion.objects.get(image=forest_photo, tag__name="forest")
    answer_suggestion(user=alice, suggestion=suggestion, verdict=Verdict.REJECT)
    answer_suggestion(user=bob, suggestion=suggestion, verdict=Verdict.REJECT)
    stored = TagSuggester.objects.get()
    before, version = bytes(stored.state), stored.version

    assert apply_pending_answers() == 2
    assert apply_pending_answers() == 0  # nothing is learnt twice

    stored.refresh_from_db()
    assert stored.answers_applied == 2
    assert stored.version > version
    assert bytes(stored.state) != before
    assert not TagAnswer.objects.filter(applied_at__isnull=True).exists()
    # The two rejects, applied in order, give exactly the stored weights.
    expected = tag_model.from_bytes(before)
    features = photo_features([forest_photo.pk])[forest_photo.pk]
    tag_model.learn(expected, features, "forest", accepted=False)
    tag_model.learn(expected, features, "forest", accepted=False)
    assert np.allclose(tag_model.from_bytes(bytes(stored.state)).weights, expected.weights)


def test_nobody_can_answer_for_someone_else(
    client: Client, alice: User, bob: User, forest_photo: Image
) -> None:
    client.force_login(bob)
    answer(client, forest_photo, "forest", "reject", user=str(alice.pk))

    assert list(TagAnswer.objects.values_list("user__username", flat=True)) == ["bob"]
    client.force_login(alice)
    page = client.get(reverse("gallery:image", args=[forest_photo.pk])).content.decode()
    assert "Not forest" in page  # bob's answer hid nothing from alice


def test_a_suggestion_someone_rejected_cannot_be_answered_again_by_them(
    client: Client, alice: User, forest_photo: Image
) -> None:
    client.force_login(alice)
    answer(client, forest_photo, "forest", "reject")
    response = answer(client, forest_photo, "forest", "accept")

    assert response.status_code == 404
    assert not ImageTag.objects.filter(image=forest_photo, tag__name="forest").exists()


def test_answering_needs_a_signed_in_person(client: Client, forest_photo: Image) -> None:
    response = answer(client, forest_photo, "forest", "accept")

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not TagAnswer.objects.exists()


def test_an_answer_that_is_neither_accept_nor_reject_changes_nothing(
    client: Client, alice: User, forest_photo: Image
) -> None:
    client.force_login(alice)
    response = answer(client, forest_photo, "forest", "maybe")

    assert response.status_code == 302
    assert not TagAnswer.objects.exists()
    assert "forest" in suggested(forest_photo)


def test_answers_given_before_any_training_are_learnt_by_it(alice: User) -> None:
    themed_collection()
    photo = themed_photo("sea", seed=5, tags=())
    train_suggester()
    suggestion = TagSuggestion.objects.filter(image=photo).first()
    assert suggestion is not None
    TagSuggester.objects.all().delete()  # as if the model were not there yet
    answer_suggestion(user=alice, suggestion=suggestion, verdict=Verdict.REJECT)

    assert apply_pending_answers() == 0  # nothing to learn into
    train_suggester()
    assert not TagAnswer.objects.filter(applied_at__isnull=True).exists()


def test_too_few_tagged_photos_train_nothing_and_suggest_nothing() -> None:
    for seed in range(4):
        themed_photo("sea", seed=seed)

    summary = train_suggester()

    assert summary.suggestions == 0
    assert not TagSuggester.objects.exists()


def test_user_tags_count_for_training_once_two_people_agree(alice: User, bob: User) -> None:
    themed_collection()
    lonely = [themed_photo("sand", seed=400 + i, tags=()) for i in range(4)]
    agreed = [themed_photo("sea", seed=500 + i, tags=()) for i in range(4)]
    for photo in lonely:
        make_image_tag(photo, "dune", user=alice)
    for photo in agreed:
        make_image_tag(photo, "waves", user=alice)
        make_image_tag(photo, "waves", user=bob)

    train_suggester()

    tags = TagSuggester.objects.get().tags
    assert "waves" in tags
    assert "dune" not in tags


def test_a_new_photo_gets_suggestions_when_it_is_analysed() -> None:
    themed_collection()
    train_suggester()
    photo = themed_photo("sea", seed=7, tags=())
    Image.objects.filter(pk=photo.pk).update(colour_histogram=[])  # as it arrives: not analysed yet
    assert not suggested(photo)

    analyse_image(photo.pk)

    suggestions = suggested(photo)
    assert max(suggestions, key=lambda name: suggestions[name]) == "sea"


def test_an_answer_to_an_id_beyond_the_databases_range_is_a_404(client: Client, alice: User) -> None:
    client.force_login(alice)
    huge = 10**30
    for image_id, tag_id in ((huge, 1), (1, huge)):
        url = reverse("gallery:answer_suggestion", args=[image_id, tag_id])
        assert client.post(url, {"verdict": "accept"}).status_code == 404
