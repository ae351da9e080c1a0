"""New and cold users, and reasons that point at what the user really liked."""

from __future__ import annotations

from recommender.engine import HybridRecommender, InteractionData, Reason, ReasonKind, reason_words
from recommender.engine.synthetic import planted_tastes
from tests.recommender.conftest import FOOD, SEA


def test_a_user_with_no_likes_gets_popular_items_not_an_error(two_tastes: InteractionData) -> None:
    recommended = HybridRecommender().fit(two_tastes).recommend(6, k=4)

    assert len(recommended) == 4
    assert {r.item for r in recommended} <= {0, 1, 3, 4, 2, 5}
    assert all(r.reason.kind is ReasonKind.POPULAR for r in recommended)
    assert reason_words(recommended[0].reason).text == "Popular right now"


def test_a_brand_new_user_with_no_likes_gets_a_list_too(two_tastes: InteractionData) -> None:
    assert len(HybridRecommender().fit(two_tastes).recommend_for_likes([], k=3)) == 3


def test_a_user_with_one_like_gets_content_and_popularity(two_tastes: InteractionData) -> None:
    hybrid = HybridRecommender(diversity_lambda=None).fit(two_tastes)
    recommended = hybrid.recommend_for_likes([3], k=6)

    assert recommended[0].item in FOOD  # the look-alikes of the one like come first
    assert recommended[0].reason == Reason(ReasonKind.LIKED_ITEM, item=3)


def test_cold_users_use_only_content_and_popularity(two_tastes: InteractionData) -> None:
    hybrid = HybridRecommender().fit(two_tastes)

    assert set(hybrid.weights_for(hybrid.history(0))) == {"content", "popularity"}  # two likes: cold
    assert "als" in hybrid.weights_for(hybrid.history(1))  # three likes: warm


def test_because_you_liked_points_at_the_liked_item_most_like_it(two_tastes: InteractionData) -> None:
    hybrid = HybridRecommender(diversity_lambda=None).fit(two_tastes)
    top = hybrid.recommend_for_likes([0, 3], k=1)[0]

    assert top.reason.kind in {ReasonKind.LIKED_ITEM, ReasonKind.COLOUR}
    if top.reason.kind is ReasonKind.LIKED_ITEM:
        assert top.reason.item == (0 if top.item in SEA else 3)
        title = two_tastes.metadata.titles[top.reason.item]
        assert reason_words(top.reason, liked_title=title).text == f"Because you liked {title}"


def test_every_reason_points_at_a_photo_tag_or_colour_the_user_really_liked() -> None:
    planted = planted_tastes(n_users=40, n_items=120, n_interactions=800, n_themes=6, seed=4)
    data = planted.data
    hybrid = HybridRecommender().fit(data)
    checked = 0
    for user in range(data.n_users):
        liked = set(data.interactions[user].indices.tolist())
        liked_tags = {tag for item in liked for tag in data.metadata.tags[item]}
        liked_colours = {colour for item in liked for colour in data.metadata.colour_families[item]}
        for recommendation in hybrid.recommend(user, k=10):
            reason = recommendation.reason
            if reason.kind in {ReasonKind.LIKED_ITEM, ReasonKind.CO_LIKED_ITEM}:
                assert reason.item is not None
                assert reason.item in liked
            elif reason.kind in {ReasonKind.INTEREST, ReasonKind.TAG}:
                assert reason.items
                assert set(reason.items) <= liked
            if reason.kind is ReasonKind.TAG:
                assert reason.tag in liked_tags
            elif reason.kind is ReasonKind.COLOUR:
                assert reason.colour in liked_colours
            checked += 1
    assert checked == 10 * data.n_users


def test_the_hybrid_gives_varied_reasons_on_a_realistic_catalogue() -> None:
    planted = planted_tastes(n_users=40, n_items=120, n_interactions=800, n_themes=6, seed=4)
    hybrid = HybridRecommender().fit(planted.data)
    kinds = {r.reason.kind for user in range(40) for r in hybrid.recommend(user, k=10)}

    assert ReasonKind.LIKED_ITEM in kinds
    assert len(kinds) >= 3  # not one kind of reason for everything


def test_each_kind_of_reason_reads_as_one_sentence_naming_its_evidence() -> None:
    assert reason_words(Reason(ReasonKind.LIKED_ITEM, item=3), liked_title="Harbour at dawn").text == (
        "Because you liked Harbour at dawn"
    )
    assert reason_words(Reason(ReasonKind.COLOUR, colour="blue")).text == "Matches your favourite colour blue"
    assert (
        reason_words(Reason(ReasonKind.TAG, tag="lighthouse", items=(1, 4))).text
        == "Tagged lighthouse, like 2 of your likes"
    )
    assert (
        reason_words(Reason(ReasonKind.INTEREST, interest="mountain, snow", items=(1, 4))).text
        == "From your interest: mountain, snow"
    )
    assert reason_words(Reason(ReasonKind.OVERLAP)).text == "Popular with people whose likes overlap yours"
    assert reason_words(Reason(ReasonKind.POPULAR)).text == "Popular right now"
    assert reason_words(Reason(ReasonKind.FRESH)).text == "New in the collection"
    assert reason_words(Reason(ReasonKind.EXPLORE)).text == "Something new to explore"
