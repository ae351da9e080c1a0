"""manage.py evaluate_recommender: every algorithm, baselines included, on one seeded holdout split.

On the site's own likes by default, or on external CSVs (--interactions, optional --item-tags).
Prints a table (precision, recall, NDCG and MAP at k, catalogue coverage, novelty) and, with --chart,
writes it as a bar chart (.svg or .png). With simulated users it also scores each list against
their hidden tastes (the "taste" columns).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gallery.services.storage import write_file_atomically
from recommender.engine.data import InteractionData
from recommender.engine.evaluate import evaluate, metrics_chart
from recommender.engine.external import read_external
from recommender.engine.reason_agreement import HiddenInterest
from recommender.selectors import load_site_data
from recommender.services import TASTE_MATCH, hidden_interests

CHART_FORMATS = {".svg": "svg", ".png": "png"}


class Command(BaseCommand):
    help = (
        "Evaluate every recommender algorithm on held-out likes (the site's, or --interactions CSV) "
        "and print precision, recall, NDCG, MAP at k, coverage and novelty."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--k", type=int, default=10, help="List length scored (default 10).")
        parser.add_argument(
            "--test-share", type=float, default=0.2, help="Share of each user's likes held out (default 0.2)."
        )
        parser.add_argument(
            "--min-likes",
            type=int,
            default=5,
            help="Only users with at least this many likes are tested (default 5); the rest still train.",
        )
        parser.add_argument("--seed", type=int, default=0, help="Seed of the holdout split (default 0).")
        parser.add_argument("--chart", type=Path, help="Also write the table as a chart: out.svg or out.png.")
        parser.add_argument("--interactions", type=Path, help="CSV with user,item[,timestamp][,weight].")
        parser.add_argument("--item-tags", type=Path, help="CSV with item,tag (with --interactions).")
        parser.add_argument(
            "--taste-match",
            type=float,
            default=TASTE_MATCH,
            help=f"Affinity at which a photo matches a simulated user's hidden taste (default {TASTE_MATCH}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chart: Path | None = options["chart"]
        if chart is not None and chart.suffix.lower() not in CHART_FORMATS:
            raise CommandError(f"--chart must end in .svg or .png, got {chart.name!r}.")
        if options["k"] < 1:
            raise CommandError("--k must be at least 1.")
        if not 0 < options["test_share"] < 1:
            raise CommandError("--test-share must be between 0 and 1.")
        started = time.perf_counter()
        data, hidden, described = self._data(options)
        self.stdout.write(described)
        table = evaluate(
            data,
            k=options["k"],
            test_share=options["test_share"],
            min_interactions=options["min_likes"],
            seed=options["seed"],
            hidden_tastes={
                user: set().union(*(i.items for i in interests)) for user, interests in hidden.items()
            }
            or None,
            hidden_interests=hidden or None,
        )
        if table.empty or not int(table["users"].max()):
            raise CommandError(
                f"No user has {options['min_likes']} or more likes to test on; lower --min-likes or add data."
            )
        self.stdout.write(format_table(table))
        self.stdout.write(_summary(table, options["k"]))
        if chart is not None:
            write_file_atomically(
                chart, metrics_chart(table, image_format=CHART_FORMATS[chart.suffix.lower()])
            )
            self.stdout.write(f"Chart written to {chart}.")
        self.stdout.write(f"Evaluated in {time.perf_counter() - started:.1f} s.")

    def _data(self, options: dict[str, Any]) -> tuple[InteractionData, dict[int, list[HiddenInterest]], str]:
        interactions: Path | None = options["interactions"]
        item_tags: Path | None = options["item_tags"]
        if interactions is None:
            if item_tags is not None:
                raise CommandError("--item-tags goes with --interactions.")
            data = load_site_data()
            tastes = hidden_interests(data, threshold=options["taste_match"])
            source = "the site's likes" + (
                f", {len(tastes)} simulated users with hidden tastes" if tastes else ""
            )
            return data, tastes, _described(data, source)
        for path in (interactions, item_tags):
            if path is not None and not path.is_file():
                raise CommandError(f"No such file: {path}")
        try:
            loaded = read_external(interactions, item_tags)
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise CommandError(f"Could not read the CSV: {exc}") from exc
        for problem in loaded.problems:
            self.stderr.write(problem)
        if loaded.skipped_rows:
            self.stderr.write(f"Skipped {loaded.skipped_rows} unusable rows.")
        return loaded.data, {}, _described(loaded.data, str(interactions))


def _described(data: InteractionData, source: str) -> str:
    return (
        f"Data: {source}: {data.n_users} users, {data.n_items} items, "
        f'{data.interactions.nnz} interactions, {data.not_interested.nnz} "not interested".'
    )


def format_table(table: pd.DataFrame) -> str:
    """Held-out scores with coverage, novelty and fit time; then, if any, the hidden-taste scores."""
    taste = [column for column in table.columns if column.startswith("taste ")]
    held_out = table.drop(columns=[*taste, "fit_seconds"], errors="ignore")
    parts = ["On held-out likes:", held_out.to_string(float_format=lambda value: f"{value:.3f}")]
    if taste:
        renamed = table[taste].rename(columns=lambda column: column.removeprefix("taste "))
        parts += [
            "Against the simulated users' hidden tastes (unseen photos that match them):",
            renamed.to_string(float_format=lambda value: f"{value:.3f}"),
        ]
    if "fit_seconds" in table.columns:
        timings = ", ".join(f"{name} {seconds:.2f}" for name, seconds in table["fit_seconds"].items())
        parts.append(f"Fit seconds: {timings}.")
    return "\n".join(parts)


def _summary(table: pd.DataFrame, k: int) -> str:
    column = f"ndcg@{k}"
    if "hybrid" not in table.index or "popularity" not in table.index:
        return ""
    scores = table[column].astype(float)
    popular, hybrid = float(scores["popularity"]), float(scores["hybrid"])
    ratio = f"{hybrid / popular:.2f}x" if popular > 0 else "n/a (popularity scored 0)"
    return f"Hybrid NDCG@{k} on held-out likes {hybrid:.3f} vs popularity {popular:.3f}: {ratio}."
