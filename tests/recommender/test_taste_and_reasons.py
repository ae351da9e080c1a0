"""One taste model and reasons that hold up: the cat case, reasons citing only similar photos and only
the person's own likes, and /me/ and /for-you/ showing the same interests."""

from __future__ import annotations

import re

import numpy as np
import pytest
import scipy.sparse as sp
from django.contrib.auth.models import User
from django.test import Client

from gallery.models import Image
from recommender import services
from recommender.engine import HybridRecommender, InteractionData, ItemMetadata, ReasonKind
from recommender.engine.reasons import csr_block
from recommender.engine.synthetic import planted_tastes
from tests.factories import make_image, make_like, make_user
from tests.recommender.site_factories import TwoTasteSite

CITING_A_LIKE = {ReasonKind.LIKED_ITEM, ReasonKind.CO_LIKED_ITEM}


# --- the cat case --------------------------------------------------------------------------------


def cat_catalogue() -> dict[str, Image]:
    """Two cats nobody has liked yet, and popular photos of other things, each liked by six fans."""
    photos = {
        "tabby": make_image(
            title="Tabby cat", colours=[("brown", 0.6), ("grey", 0.4)], tags=["cat", "tabby", "animal"]
        ),
        "other cat": make_image(
            title="Cat on a windowsill",
            colours=[("brown", 0.5), ("white", 0.3), ("grey", 0.2)],
            tags=["cat", "kitten", "animal"],
        ),
        "terrace": make_image(title="Terrace", colours=[("white", 0.7), ("grey", 0.3)], tags=["terrace"]),
        "team": make_image(title="Baseball team", colours=[("green", 0.8)], tags=["baseball", "team"]),
        "astronaut": make_image(title="Astronaut", colours=[("black", 0.6), ("white", 0.4)], tags=["space"]),
        "harbour": make_image(title="Harbour", colours=[("blue", 0.9)], tags=["sea", "boat"]),
    }
    for n in range(6):
        fan = make_user(f"fan{n}")
        for name in ("terrace", "team", "astronaut", "harbour"):
            make_like(fan, photos[name])
    return photos


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_model_cache")
def test_a_new_person_who_liked_a_tabby_cat_sees_the_other_cat_because_of_the_cat() -> None:
    photos = cat_catalogue()
    services.build_model(tune=False)
    newcomer = make_user("newcomer")
    make_like(newcomer, photos["tabby"])

    picks = services.for_you(newcomer).picks

    assert picks[0].image == photos["other cat"]
    assert picks[0].liked_image == photos["tabby"]
    assert picks[0].text == "Because you liked Tabby cat"
    popular = {photos[name] for name in ("terrace", "team", "astronaut", "harbour")}
    for pick in picks:  # the popular photos still come, but none claims the cat as its reason
        if pick.image in popular:
            assert pick.liked_image is None


# --- a reason cites a similar photo, never an unrelated one ----------------------------------------


def test_because_you_liked_cites_a_photo_of_the_picks_own_theme_never_an_unrelated_one() -> None:
    planted = planted_tastes(n_users=60, n_items=180, n_interactions=1500, n_themes=6, seed=3)
    hybrid = HybridRecommender().fit(planted.data)
    cited = 0
    for user in range(planted.data.n_users):
        for recommendation in hybrid.recommend(user, k=10):
            if recommendation.reason.kind is ReasonKind.LIKED_ITEM:
                liked = recommendation.reason.item
                assert planted.item_theme[liked] == planted.item_theme[recommendation.item]
                cited += 1
    assert cited >= 100  # the rule is exercised, not avoided


def test_a_pick_unlike_every_like_is_not_explained_by_a_like() -> None:
    # The person liked a seascape (0) and an unrelated city photo (1). Photo 2 is another seascape,
    # photo 3 a forest that looks like neither like; photo 3 is shown too (the list is 2 long).
    features = np.array(
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.98, 0.05, 0.0], [0.3, 0.3, 0.9]], dtype=np.float32
    )
    metadata = ItemMetadata(
        titles=["Harbour", "City", "Beach", "Forest"],
        tags=[("sea",), ("city",), ("sea",), ("forest",)],
        colour_families=[("blue",), ("grey",), ("blue",), ("green",)],
    )
    data = InteractionData(
        interactions=sp.csr_matrix(np.array([[1, 1, 0, 0]], dtype=np.float32)),
        item_features=features,
        metadata=metadata,
    )

    beach, forest = HybridRecommender(diversity_lambda=None).fit(data).recommend(0, k=2)

    assert (beach.item, beach.reason.kind, beach.reason.item) == (2, ReasonKind.LIKED_ITEM, 0)
    assert forest.item == 3
    assert forest.reason.kind not in CITING_A_LIKE


# --- a person's reasons never cite another person's likes ----------------------------------------


def test_reasons_never_cite_a_photo_only_someone_else_liked() -> None:
    # Photo 1 is a near-twin of the pick (2), but only user 1 liked it; user 0 liked 0 and 3.
    features = np.array([[1.0, 0.2], [1.0, 0.01], [1.0, 0.0], [0.0, 1.0], [0.1, 1.0]], dtype=np.float32)
    likes = np.array([[1, 0, 0, 1, 0], [0, 1, 0, 0, 1], [1, 1, 1, 0, 0], [0, 1, 1, 1, 1]], dtype=np.float32)
    data = InteractionData(interactions=sp.csr_matrix(likes), item_features=features)
    hybrid = HybridRecommender().fit(data)

    for user in range(data.n_users):
        own = set(np.flatnonzero(likes[user]).tolist())
        for recommendation in hybrid.recommend(user, k=3):
            reason = recommendation.reason
            if reason.item is not None:
                assert reason.item in own
            assert set(reason.items) <= own


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_model_cache")
def test_on_the_site_a_reason_links_only_to_the_persons_own_likes(site: TwoTasteSite) -> None:
    services.build_model(tune=False)
    for person in [site.alice, *site.fans]:
        own = set(person.likes.values_list("image_id", flat=True))
        for pick in services.for_you(person).picks:
            if pick.liked_image is not None:
                assert pick.liked_image.pk in own


# --- /me/ and /for-you/ show the same interests --------------------------------------------------


def shown_interests(html: str) -> list[str]:
    return re.findall(r"<[^>]*data-interest[^>]*>\s*([^<]+?)\s*<", html)


def two_interest_person(site: TwoTasteSite) -> User:
    person = make_user("carol")
    for image in [*site.sea[:3], *site.food[:3]]:
        make_like(person, image)
    return person


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_model_cache")
def test_me_and_for_you_show_the_same_interests(client: Client, site: TwoTasteSite) -> None:
    person = two_interest_person(site)
    services.build_model(tune=False)
    client.force_login(person)

    on_me = shown_interests(client.get("/me/").content.decode())
    on_for_you = shown_interests(client.get("/for-you/").content.decode())

    assert sorted(on_me) == ["coast, sea", "dinner, food"]
    assert on_for_you == on_me


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_model_cache")
def test_me_follows_a_rebuilt_model_so_both_pages_keep_agreeing(client: Client, site: TwoTasteSite) -> None:
    person = two_interest_person(site)
    client.force_login(person)
    before_any_model = shown_interests(client.get("/me/").content.decode())
    services.build_model(tune=False)

    after = shown_interests(client.get("/me/").content.decode())

    assert before_any_model == after  # vectors made from the same catalogue, before and after a build
    assert after == shown_interests(client.get("/for-you/").content.decode())


def test_the_co_like_block_reads_what_scipy_indexing_would() -> None:
    rng = np.random.default_rng(0)
    similarity = sp.random(300, 300, density=0.05, format="csr", random_state=1, dtype=np.float32)
    for _ in range(30):
        rows = rng.choice(300, int(rng.integers(1, 40)), replace=True)
        columns = rng.choice(300, int(rng.integers(1, 30)), replace=False)
        assert np.array_equal(csr_block(similarity, rows, columns), similarity[rows][:, columns].toarray())
