"""Each algorithm on tiny catalogues where the right answer is obvious."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.engine import (
    ALSRecommender,
    ContentRecommender,
    HybridRecommender,
    InteractionData,
    ItemKNNRecommender,
    PopularityRecommender,
    RandomRecommender,
    Recommender,
)
from recommender.engine.base import history_from_likes
from tests.recommender.conftest import FEATURES, FOOD, MIDDLE, SEA, matrix


def items(recommender: Recommender, user: int, k: int = 10, exclude_seen: bool = True) -> list[int]:
    return [r.item for r in recommender.recommend(user, k, exclude_seen=exclude_seen)]


def small_als() -> ALSRecommender:
    return ALSRecommender(factors=4, iterations=15, regularization=0.1, alpha=10.0, seed=1)


def all_algorithms() -> list[Recommender]:
    return [
        PopularityRecommender(),
        RandomRecommender(seed=3),
        ContentRecommender(),
        ItemKNNRecommender(),
        small_als(),
        HybridRecommender(),
    ]


def test_popularity_ranks_the_most_liked_items_first_for_everyone(two_tastes: InteractionData) -> None:
    recommended = items(PopularityRecommender().fit(two_tastes), user=6)

    assert recommended[:4] == [0, 1, 3, 4]  # three likes each; ties go to the lower index
    assert recommended[-1] == MIDDLE  # nobody liked it


def test_random_gives_the_same_list_for_the_same_seed_and_another_for_another(
    two_tastes: InteractionData,
) -> None:
    first = items(RandomRecommender(seed=1).fit(two_tastes), user=6)
    again = items(RandomRecommender(seed=1).fit(two_tastes), user=6)
    other_seeds = {tuple(items(RandomRecommender(seed=s).fit(two_tastes), user=6)) for s in range(2, 8)}

    assert first == again
    assert sorted(first) == list(range(7))
    assert other_seeds - {tuple(first)}


def test_item_knn_recommends_the_item_liked_by_the_same_people(two_tastes: InteractionData) -> None:
    knn = ItemKNNRecommender().fit(two_tastes)

    assert items(knn, user=0) == [2]  # only the lighthouse is co-liked with what user 0 liked
    assert items(knn, user=3) == [5]


def test_item_knn_keeps_only_the_top_neighbours_of_each_item(two_tastes: InteractionData) -> None:
    knn = ItemKNNRecommender(neighbours=1).fit(two_tastes)

    assert np.diff(knn.similarity.indptr).max() == 1
    assert knn.similarity.diagonal().sum() == 0  # an item is not its own neighbour


def test_als_ranks_the_unseen_item_of_the_users_block_above_the_other_block(
    two_tastes: InteractionData,
) -> None:
    recommended = items(small_als().fit(two_tastes), user=0)

    assert recommended[0] == 2
    assert set(recommended) >= set(FOOD)


def test_als_folds_in_a_new_user_from_their_likes(two_tastes: InteractionData) -> None:
    als = small_als().fit(two_tastes)

    assert als.recommend_for_likes([3, 4], k=1)[0].item == 5


def test_content_scores_each_item_by_its_closest_interest_not_the_average(
    two_tastes: InteractionData,
) -> None:
    content = ContentRecommender().fit(two_tastes)
    history = content.history(1)  # user 1 liked all the seascapes
    mixed = content.recommend_for_likes([0, 1, 3, 4], k=3)

    assert len(content.interests(content.history(0))) == 1
    assert len(content.interests(history)) == 1
    assert [r.item for r in mixed][:2] == [2, 5]  # one from each interest, each a near twin of a like
    assert mixed[2].item == MIDDLE  # the "average" of both tastes comes last, not first


def test_content_sees_two_interests_in_a_user_who_likes_seascapes_and_food(
    two_tastes: InteractionData,
) -> None:
    content = ContentRecommender().fit(two_tastes)
    interests = content.interests(history_from_likes([0, 1, 3, 4], n_items=7))

    assert len(interests) == 2


def test_hybrid_recommends_the_users_own_block_first(two_tastes: InteractionData) -> None:
    hybrid = HybridRecommender(diversity_lambda=None).fit(two_tastes)

    assert items(hybrid, user=0)[0] == 2
    assert items(hybrid, user=3)[0] == 5


def test_the_hybrid_spreads_a_page_of_near_identical_photos_across_the_persons_interests() -> None:
    # Six near-identical seascapes (0-5), three food photos a little off the liked food (6-8), the liked
    # food (9) and twelve unrelated photos (10-21). The person liked seascape 0 and food 9.
    seascapes = [[1.0, 0.01 * n, 0.0] for n in range(6)]
    food = [[0.3, 1.0, 0.0]] * 3 + [[0.0, 1.0, 0.0]]
    unrelated = [[0.0, 0.0, 1.0]] * 12
    features = np.array(seascapes + food + unrelated, dtype=np.float32)
    data = InteractionData(interactions=matrix([[0, 9]], n_items=len(features)), item_features=features)

    relevance_only = items(HybridRecommender(diversity_lambda=None).fit(data), user=0, k=4)
    diversified = items(HybridRecommender().fit(data), user=0, k=4)

    assert relevance_only == [1, 2, 3, 4]  # a page of copies of one seascape
    assert diversified[:2] == [1, 6]  # MMR, on by default, brings the food in second


def test_content_pushes_down_photos_like_one_the_person_is_not_interested_in(
    two_tastes: InteractionData,
) -> None:
    # The in-between photo (6) is as close to the seascapes as to the food; "not interested" in one
    # food photo (3) must then put every seascape above the remaining food.
    content = ContentRecommender().fit(two_tastes)

    ranked = [r.item for r in content.recommend_for_likes([MIDDLE], k=5, not_interested_items=[3])]

    assert set(ranked[:3]) == set(SEA)
    assert ranked[3:] == [4, 5]


def test_disliked_items_are_never_recommended(two_tastes: InteractionData) -> None:
    negatives = sp.csr_matrix(([1.0], ([0], [2])), shape=two_tastes.interactions.shape)
    data = InteractionData(two_tastes.interactions, two_tastes.item_features, two_tastes.metadata, negatives)

    for algorithm in all_algorithms():
        assert 2 not in items(algorithm.fit(data), user=0), algorithm.name


@pytest.mark.parametrize("algorithm", all_algorithms(), ids=lambda a: a.name)
def test_an_empty_catalogue_gives_an_empty_list(algorithm: Recommender) -> None:
    empty = InteractionData(interactions=sp.csr_matrix((3, 0), dtype=np.float32))

    assert algorithm.fit(empty).recommend(0, k=5) == []


@pytest.mark.parametrize("algorithm", all_algorithms(), ids=lambda a: a.name)
def test_a_user_who_liked_everything_gets_nothing_new(algorithm: Recommender) -> None:
    data = InteractionData(interactions=matrix([list(range(7)), [0, 1], [3, 4]]), item_features=FEATURES)
    fitted = algorithm.fit(data)

    assert fitted.recommend(0, k=5) == []
    assert len(fitted.recommend(0, k=5, exclude_seen=False)) == 5


@pytest.mark.parametrize("algorithm", all_algorithms(), ids=lambda a: a.name)
def test_every_algorithm_refuses_an_unknown_user_clearly(
    algorithm: Recommender, two_tastes: InteractionData
) -> None:
    with pytest.raises(ValueError, match="unknown user"):
        algorithm.fit(two_tastes).recommend(99, k=3)


def test_recommending_before_fitting_says_to_fit_first() -> None:
    with pytest.raises(RuntimeError, match="fit"):
        PopularityRecommender().recommend(0)


def test_scores_come_best_first(two_tastes: InteractionData) -> None:
    for algorithm in all_algorithms()[:-1]:  # the hybrid's MMR may reorder on purpose
        scores = [r.score for r in algorithm.fit(two_tastes).recommend(0, k=5)]
        assert scores == sorted(scores, reverse=True), algorithm.name


def test_sea_items_outrank_food_for_a_sea_lover_in_every_personal_algorithm(
    two_tastes: InteractionData,
) -> None:
    for algorithm in [ContentRecommender(), small_als(), HybridRecommender(diversity_lambda=None)]:
        ranked = items(algorithm.fit(two_tastes), user=0, exclude_seen=False)
        assert max(ranked.index(i) for i in SEA) < min(ranked.index(i) for i in FOOD), algorithm.name
