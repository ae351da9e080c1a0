"""Similar photos served from the neighbours a build stored: the same as the product gives, also from a
model stored before they were kept, and never a photo hidden or deleted since the build."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gallery.models import AnalysisStatus, Image
from recommender import services
from recommender.artefacts import npz_bytes, stored_arrays
from recommender.engine import ContentRecommender
from recommender.models import RecommenderModel
from tests.factories import make_image
from tests.recommender.site_factories import TwoTasteSite

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_model_cache")]

# Photos between the two tastes, each its own mix, so that the neighbours are not all ties.
MIXES = [
    ((120, 60, 120), [("blue", 0.5), ("red", 0.5)], ["sea", "food"]),
    ((60, 160, 60), [("green", 0.9)], ["forest"]),
    ((90, 140, 60), [("green", 0.6), ("blue", 0.4)], ["forest", "coast"]),
    ((200, 200, 60), [("yellow", 0.7), ("white", 0.3)], ["food", "beach"]),
    ((40, 90, 160), [("blue", 0.9)], ["sea"]),
]


@pytest.fixture
def photos(site: TwoTasteSite) -> list[int]:
    for n, (rgb, colours, tags) in enumerate(MIXES):
        make_image(title=f"Mix {n}", rgb=rgb, colours=colours, tags=tags)
    return list(Image.objects.order_by("pk").values_list("pk", flat=True))


def similar_of_every_photo(photos: list[int]) -> dict[int, list[int]]:
    return {pk: services.similar_image_ids(pk) for pk in photos}


def served_content() -> ContentRecommender:
    model = services.current_model()
    assert model is not None
    content = model.hybrid.components["content"]
    assert isinstance(content, ContentRecommender)
    return content


def drop_stored_similar_photos(model: RecommenderModel) -> None:
    """Store the model as one built before similar photos were kept."""
    arrays, _ = stored_arrays(bytes(model.artefact))
    model.artefact = npz_bytes(
        {name: array for name, array in arrays.items() if name != "similar_neighbours"}
    )
    model.save(update_fields=["artefact"])
    services.forget_loaded_model()


def test_a_model_stored_without_similar_photos_serves_the_same_ones_from_the_product(
    photos: list[int],
) -> None:
    model = services.build_model(tune=False)
    assert served_content().similar is not None
    stored = similar_of_every_photo(photos)

    drop_stored_similar_photos(model)

    assert served_content().similar is None
    assert similar_of_every_photo(photos) == stored
    assert all(len(similar) == services.selectors.RELATED_COUNT for similar in stored.values())


def card_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/photos/(\d+)/[^"]*" class="card__link"', html)]


def test_photos_hidden_or_deleted_since_the_build_are_not_shown(client: Client, site: TwoTasteSite) -> None:
    services.build_model(tune=False)
    photo = site.sea[0]
    similar = services.similar_image_ids(photo.pk)
    hidden, deleted, kept = similar[0], similar[1], similar[2:]

    Image.objects.filter(pk=hidden).update(status=AnalysisStatus.FAILED)
    Image.objects.filter(pk=deleted).delete()

    api = client.get(f"/api/v1/photos/{photo.pk}/similar").json()
    page = client.get(f"/photos/{photo.pk}/").content.decode()
    on_page = card_ids(page.split("Similar photos")[1].split("People who liked this also liked")[0])
    assert [item["id"] for item in api["items"]] == kept
    assert on_page == kept
