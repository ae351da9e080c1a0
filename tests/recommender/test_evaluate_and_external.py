"""The evaluation harness, its chart, and reading external CSV data."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.engine import HybridRecommender, PopularityRecommender
from recommender.engine.evaluate import default_algorithms, evaluate, metrics_chart
from recommender.engine.external import read_external
from recommender.engine.synthetic import planted_tastes


@pytest.fixture(scope="module")
def planted_table():  # 50 simulated users over 136 photos, as in the acceptance test
    planted = planted_tastes(n_users=50, n_items=136, n_interactions=50 * 25, n_themes=8, seed=1)
    tastes = {user: planted.taste_items(user).tolist() for user in range(50)}
    return evaluate(planted.data, default_algorithms(seed=0), k=10, seed=0, hidden_tastes=tastes)


def test_the_table_has_every_algorithm_and_every_metric(planted_table) -> None:
    assert list(planted_table.index) == [
        "random",
        "popularity",
        "content",
        "item_knn",
        "als",
        "ease",
        "hybrid",
        "hybrid+mmr",
    ]
    for column in ["precision@10", "recall@10", "ndcg@10", "map@10", "coverage", "novelty", "taste ndcg@10"]:
        assert column in planted_table.columns


def test_the_hybrid_beats_popularity_by_half_again_on_planted_tastes(planted_table) -> None:
    assert planted_table.loc["hybrid", "ndcg@10"] >= 1.5 * planted_table.loc["popularity", "ndcg@10"]
    assert planted_table.loc["hybrid", "taste ndcg@10"] > planted_table.loc["popularity", "taste ndcg@10"]


def test_popularity_beats_random_and_random_covers_more_of_the_catalogue(planted_table) -> None:
    assert planted_table.loc["popularity", "ndcg@10"] > planted_table.loc["random", "ndcg@10"]
    assert planted_table.loc["random", "coverage"] > planted_table.loc["popularity", "coverage"]


def test_the_chart_is_an_svg_or_png_with_every_algorithm(planted_table) -> None:
    svg = metrics_chart(planted_table)
    png = metrics_chart(planted_table, ["ndcg@10"], image_format="png")

    assert b"<svg" in svg[:500]
    assert b"hybrid" in svg
    assert png.startswith(b"\x89PNG")


def test_the_chart_refuses_an_unknown_metric(planted_table) -> None:
    with pytest.raises(ValueError, match="no such metric"):
        metrics_chart(planted_table, ["speed@10"])


def test_evaluating_only_some_algorithms_gives_only_those_rows() -> None:
    planted = planted_tastes(n_users=20, n_items=50, n_interactions=300, n_themes=4, seed=2)
    table = evaluate(planted.data, {"popularity": PopularityRecommender, "hybrid": HybridRecommender}, k=5)

    assert list(table.index) == ["popularity", "hybrid"]
    assert "precision@5" in table.columns


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_external_csv_builds_interactions_negatives_and_tag_features(tmp_path: Path) -> None:
    interactions = write(
        tmp_path / "interactions.csv",
        "user,item,timestamp,weight\n"
        "alice,p1,2024-01-01,1\n"
        "alice,p2,2024-01-02,2\n"
        "alice,p1,2024-01-03,1\n"  # repeated: weights add up
        "bob,p2,,\n"  # no weight: 1
        "bob,p3,,-1\n"  # negative: not interested
        "carol,p1,,lots\n"  # not a number: skipped, the file goes on
        ",p2,,1\n",  # no user: skipped
    )
    tags = write(tmp_path / "tags.csv", "item,tag\np1,sea\np2,sea\np2,boat\np4,food\n")
    loaded = read_external(interactions, tags)
    data, ids = loaded.data, loaded.data.ids
    assert ids is not None

    assert list(ids.user_ids) == ["alice", "bob"]
    assert list(ids.item_ids) == ["p1", "p2", "p3", "p4"]  # p4 only has tags, but joins the catalogue
    assert data.interactions[ids.user_index("alice"), ids.item_index("p1")] == 2.0
    assert data.interactions[ids.user_index("alice"), ids.item_index("p2")] == 2.0
    assert data.interactions[ids.user_index("bob"), ids.item_index("p2")] == 1.0
    assert data.not_interested[ids.user_index("bob"), ids.item_index("p3")] == 1.0
    assert data.interactions[ids.user_index("bob"), ids.item_index("p3")] == 0.0
    assert loaded.skipped_rows == 2
    assert "line 7" in loaded.problems[0]
    assert data.item_features.shape == (4, 3)  # boat, food, sea
    assert list(data.metadata.tags[1]) == ["sea", "boat"]


def test_external_data_can_be_recommended_from(tmp_path: Path) -> None:
    rows = "".join(f"u{u},i{(u + j) % 12}\n" for u in range(12) for j in range(4))
    loaded = read_external(write(tmp_path / "i.csv", "user,item\n" + rows))

    assert len(HybridRecommender().fit(loaded.data).recommend(0, k=3)) == 3


def test_external_csv_without_the_required_columns_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="user,item"):
        read_external(write(tmp_path / "bad.csv", "person,photo\na,b\n"))


def test_external_csv_with_no_usable_rows_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no usable rows"):
        read_external(write(tmp_path / "empty.csv", "user,item\n"))
