"""The recommendation engine: plain numpy/scipy, no Django.

Users and items are integer indices into a user-by-item interaction matrix; `IdMap` turns them back into
the site's (or a CSV file's) ids. Every algorithm shares one interface (`Recommender`): `fit(data)`,
`recommend(user, k, exclude_seen=True)` and `recommend_for_likes(liked_items, k)` for people the fitted
matrix does not know. Each recommendation carries a structured `Reason`;
`reason_words` is the one place that phrases it.
"""

from recommender.engine.als import ALSRecommender
from recommender.engine.base import Recommendation, Recommender, UserHistory
from recommender.engine.content import ContentRecommender
from recommender.engine.data import IdMap, InteractionData, ItemMetadata
from recommender.engine.hybrid import HybridRecommender
from recommender.engine.item_knn import ItemKNNRecommender
from recommender.engine.popularity import PopularityRecommender
from recommender.engine.random_baseline import RandomRecommender
from recommender.engine.reasons import Reason, ReasonKind, ReasonWords, reason_words

__all__ = [
    "ALSRecommender",
    "ContentRecommender",
    "HybridRecommender",
    "IdMap",
    "InteractionData",
    "ItemKNNRecommender",
    "ItemMetadata",
    "PopularityRecommender",
    "RandomRecommender",
    "Reason",
    "ReasonKind",
    "ReasonWords",
    "Recommendation",
    "Recommender",
    "UserHistory",
    "reason_words",
]
