"""Metrics against values worked out by hand, and the seeded holdout split."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recommender.engine.diversity import mmr_order
from recommender.engine.metrics import (
    average_precision_at_k,
    catalogue_coverage,
    ndcg_at_k,
    novelty,
    precision_at_k,
    recall_at_k,
)
from recommender.engine.split import holdout_split

# Recommended [1, 2, 3, 4, 5], relevant {2, 4, 9}: hits at ranks 2 and 4.
RECOMMENDED = [1, 2, 3, 4, 5]
RELEVANT = {2, 4, 9}


def test_precision_is_hits_over_k() -> None:
    assert precision_at_k(RECOMMENDED, RELEVANT, 5) == pytest.approx(2 / 5)  # 0.4


def test_recall_is_hits_over_the_number_relevant() -> None:
    assert recall_at_k(RECOMMENDED, RELEVANT, 5) == pytest.approx(2 / 3)


def test_ndcg_discounts_each_hit_by_log2_of_its_rank_plus_one() -> None:
    # DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068 = 1.06161
    # ideal: 3 relevant items at ranks 1-3 = 1/log2(2) + 1/log2(3) + 1/log2(4) = 1 + 0.63093 + 0.5 = 2.13093
    assert ndcg_at_k(RECOMMENDED, RELEVANT, 5) == pytest.approx(1.06161 / 2.13093, abs=1e-5)  # 0.49819


def test_average_precision_averages_precision_at_each_hit() -> None:
    # hits at rank 2 (precision 1/2) and rank 4 (precision 2/4): (0.5 + 0.5) / min(3 relevant, k=5) = 1/3
    assert average_precision_at_k(RECOMMENDED, RELEVANT, 5) == pytest.approx(1 / 3)


def test_a_perfect_list_scores_one_and_an_empty_truth_scores_zero() -> None:
    assert ndcg_at_k([2, 4, 9], RELEVANT, 3) == pytest.approx(1.0)
    assert average_precision_at_k([2, 4, 9], RELEVANT, 3) == pytest.approx(1.0)
    assert ndcg_at_k(RECOMMENDED, set(), 5) == 0.0


def test_only_the_top_k_count() -> None:
    assert precision_at_k(RECOMMENDED, RELEVANT, 2) == pytest.approx(1 / 2)  # one hit in [1, 2]
    assert recall_at_k(RECOMMENDED, RELEVANT, 1) == 0.0


def test_coverage_is_the_share_of_the_catalogue_shown_to_anyone() -> None:
    assert catalogue_coverage([[0, 1], [1, 2]], n_items=10) == pytest.approx(3 / 10)


def test_novelty_is_the_mean_self_information_of_recommended_items() -> None:
    # 3 users; counts 3, 1, 0 give p = (3+1)/4 = 1, (1+1)/4 = 0.5, (0+1)/4 = 0.25, so -log2 p = 0, 1, 2
    assert novelty([[0, 1], [2]], np.array([3, 1, 0]), n_users=3) == pytest.approx((0 + 1 + 2) / 3)


def interactions(n_users: int = 30, n_items: int = 40, seed: int = 0) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    return sp.csr_matrix((rng.random((n_users, n_items)) < 0.3).astype(np.float32))


def test_the_same_seed_gives_the_same_split_and_another_seed_another() -> None:
    data = interactions()
    first, again, other = (
        holdout_split(data, seed=5),
        holdout_split(data, seed=5),
        holdout_split(data, seed=6),
    )

    assert (first.test != again.test).nnz == 0
    assert (first.test != other.test).nnz > 0


def test_the_split_hides_a_share_of_each_user_and_loses_nothing() -> None:
    data = interactions()
    split = holdout_split(data, share=0.2, min_interactions=5, seed=1)
    counts = np.diff(data.indptr)
    held = np.diff(split.test.indptr)

    assert (split.train + split.test != data).nnz == 0
    assert split.train.multiply(split.test).nnz == 0
    assert list(held) == [max(1, int(0.2 * c)) if c >= 5 else 0 for c in counts]


def test_users_with_too_few_interactions_stay_whole_in_training() -> None:
    data = sp.csr_matrix(np.array([[1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1]], dtype=np.float32))
    split = holdout_split(data, share=0.5, min_interactions=5, seed=0)

    assert split.train[0].nnz == 2
    assert split.test[1].nnz == 3
    assert list(split.test_users) == [1]


def test_a_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="share"):
        holdout_split(interactions(), share=1.5)


# Four near-identical seascapes (interest A, most relevant), one food photo (B), one unrelated filler
# that only sets the bottom of the relevance scale.
POOL_VECTORS = np.array([[1, 0, 0], [0.99, 0.14, 0], [0.99, 0, 0.14], [0.98, 0.2, 0], [0, 1, 0], [0, 0, 1]])
POOL_VECTORS = POOL_VECTORS / np.linalg.norm(POOL_VECTORS, axis=1, keepdims=True)
POOL_RELEVANCE = np.array([1.0, 0.95, 0.9, 0.85, 0.8, 0.0])


def test_mmr_with_lambda_one_keeps_the_relevance_order() -> None:
    assert list(mmr_order(POOL_RELEVANCE, POOL_VECTORS, k=6, lambda_=1.0)) == [0, 1, 2, 3, 4, 5]


def test_mmr_with_a_lower_lambda_lets_the_second_interest_in_early() -> None:
    # After the first seascape, another scores 0.7*0.95 - 0.3*0.99 = 0.37, the food photo 0.7*0.8 - 0 = 0.56.
    assert list(mmr_order(POOL_RELEVANCE, POOL_VECTORS, k=2, lambda_=0.7)) == [0, 4]
    assert list(mmr_order(POOL_RELEVANCE, POOL_VECTORS, k=2, lambda_=1.0)) == [0, 1]


def test_mmr_refuses_a_lambda_outside_zero_to_one() -> None:
    with pytest.raises(ValueError, match="lambda"):
        mmr_order(POOL_RELEVANCE, POOL_VECTORS, k=2, lambda_=1.5)
