"""manage.py evaluate_recommender on a tiny site and on external CSVs."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from profiles.models import SimulatedTaste
from tests.recommender.site_factories import two_taste_site

ALGORITHMS = ["random", "popularity", "content", "item_knn", "als", "hybrid", "hybrid+mmr"]


def run(*args: str) -> str:
    out = StringIO()
    call_command("evaluate_recommender", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_it_scores_every_algorithm_on_the_sites_likes_and_draws_a_chart(tmp_path: Path) -> None:
    two_taste_site()
    chart = tmp_path / "quality.svg"

    output = run("--chart", str(chart), "--seed", "3")

    for name in ALGORITHMS:
        assert f"\n{name} " in output
    for column in ("precision@10", "recall@10", "ndcg@10", "map@10", "coverage", "novelty"):
        assert column in output
    assert "Hybrid NDCG@10" in output
    assert chart.read_text().lstrip().startswith("<?xml")
    assert "hidden tastes" not in output  # nobody here is simulated


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_table() -> None:
    two_taste_site()

    first, again = run("--seed", "5"), run("--seed", "5")

    def table(text: str) -> str:
        return text.split("Fit seconds")[0]  # timings differ from run to run

    assert table(first) == table(again)


@pytest.mark.django_db
def test_simulated_users_are_also_scored_against_their_hidden_tastes() -> None:
    site = two_taste_site()
    sea_taste = {
        "families": ["blue"],
        "tags": ["sea", "coast"],
        "orientation": "landscape",
        "size_class": "small",
    }
    for fan in site.fans[:4]:
        SimulatedTaste.objects.create(user=fan, interests=[{**sea_taste, "weight": 1.0}], seed=1)

    output = run()

    assert "4 simulated users with hidden tastes" in output
    assert "Against the simulated users' hidden tastes" in output


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_it_runs_on_external_csvs_and_reports_skipped_rows(tmp_path: Path) -> None:
    rows = ["user,item,timestamp,weight"]
    for user in range(8):
        theme = "a" if user % 2 else "b"
        rows += [f"u{user},{theme}{item},1700000000,1" for item in range(6)]
    rows.append(",missing-user,0,1")
    interactions = write(tmp_path / "likes.csv", "\n".join(rows) + "\n")
    tags = write(tmp_path / "tags.csv", "item,tag\n" + "".join(f"a{i},alpha\nb{i},beta\n" for i in range(6)))
    chart = tmp_path / "out.png"
    err = StringIO()

    out = StringIO()
    call_command(
        "evaluate_recommender",
        "--interactions",
        str(interactions),
        "--item-tags",
        str(tags),
        "--chart",
        str(chart),
        stdout=out,
        stderr=err,
    )

    assert "8 users, 12 items, 48 interactions" in out.getvalue()
    assert "\nhybrid " in out.getvalue()
    assert "Skipped 1 unusable rows" in err.getvalue()
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_a_csv_without_the_needed_columns_is_refused_clearly(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", "person,photo\n1,2\n")

    with pytest.raises(CommandError, match="needs columns user,item"):
        run("--interactions", str(bad))


def test_a_missing_file_and_a_bad_chart_name_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        run("--interactions", str(tmp_path / "nope.csv"))
    with pytest.raises(CommandError, match=r"\.svg or \.png"):
        run("--chart", str(tmp_path / "chart.pdf"))
    assert not (tmp_path / "chart.pdf").exists()


@pytest.mark.django_db
def test_a_site_with_too_few_likes_to_test_says_so() -> None:
    with pytest.raises(CommandError, match="No user has 5 or more likes"):
        run()
