"""manage.py evaluate_recommender: every algorithm, baselines included, on one split.

On the site's own likes by default, or on external files (--interactions, optional --item-tags), or
on a split a data set ships (--train and --test, e.g. MovieLens u1.base and u1.test). The split is a
seeded random holdout of --test-share of each user's likes, or with --split time each user's latest.
--min-rating R reads the weight column as ratings: likes are ratings of R or more.
Prints a table (precision, recall, NDCG and MAP at k, catalogue coverage, novelty) and, with --chart,
writes it as a bar chart (.svg or .png). With simulated users it also scores each list against
their hidden tastes (the "taste" columns).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gallery.services.storage import write_file_atomically
from recommender.engine.data import InteractionData
from recommender.engine.evaluate import evaluate, metrics_chart
from recommender.engine.external import read_external, read_given_split
from recommender.engine.reason_agreement import HiddenInterest
from recommender.engine.split import Split, time_split
from recommender.selectors import load_site_data
from recommender.services import TASTE_MATCH, hidden_interests, site_like_times

READ_ERRORS = (ValueError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError)

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
        parser.add_argument(
            "--split",
            choices=["random", "time"],
            default="random",
            help="random: a seeded share of each user's likes (default); time: each user's latest likes.",
        )
        parser.add_argument("--train", type=Path, help="A given split's training file (with --test).")
        parser.add_argument("--test", type=Path, help="A given split's test file (with --train).")
        parser.add_argument(
            "--min-rating",
            type=float,
            help="Read the weight column as ratings: likes are ratings of this or more (e.g. 4).",
        )
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
        data, hidden, split, described = self._data(options)
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
            split=split,
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

    def _data(
        self, options: dict[str, Any]
    ) -> tuple[InteractionData, dict[int, list[HiddenInterest]], Split | None, str]:
        interactions: Path | None = options["interactions"]
        item_tags: Path | None = options["item_tags"]
        train, test = options["train"], options["test"]
        if (train is None) != (test is None):
            raise CommandError("--train and --test go together.")
        if train is not None:
            if interactions is not None or options["split"] != "random":
                raise CommandError("--train/--test is a split already: leave out --interactions and --split.")
            return self._given_split(train, test, item_tags, options["min_rating"])
        if interactions is None:
            if item_tags is not None or options["min_rating"] is not None:
                raise CommandError("--item-tags and --min-rating go with --interactions or --train/--test.")
            data = load_site_data()
            tastes = hidden_interests(data, threshold=options["taste_match"])
            source = "the site's likes" + (
                f", {len(tastes)} simulated users with hidden tastes" if tastes else ""
            )
            split = self._time_split(data, site_like_times(data), options)
            return data, tastes, split, _described(data, source, options["split"])
        self._check_files(interactions, item_tags)
        try:
            loaded = read_external(interactions, item_tags, min_rating=options["min_rating"])
        except READ_ERRORS as exc:
            raise CommandError(f"Could not read {interactions}: {exc}") from exc
        self._report_skipped(loaded.problems, loaded.skipped_rows, loaded.below_min_rating)
        split = self._time_split(loaded.data, loaded.times, options)
        return loaded.data, {}, split, _described(loaded.data, str(interactions), options["split"])

    def _given_split(
        self, train: Path, test: Path, item_tags: Path | None, min_rating: float | None
    ) -> tuple[InteractionData, dict[int, list[HiddenInterest]], Split, str]:
        self._check_files(train, test, item_tags)
        try:
            loaded = read_given_split(train, test, item_tags, min_rating=min_rating)
        except READ_ERRORS as exc:
            raise CommandError(f"Could not read the split {train} / {test}: {exc}") from exc
        self._report_skipped(loaded.problems, loaded.skipped_rows, loaded.below_min_rating)
        if loaded.test_likes_in_training:
            self.stderr.write(
                f"Left out {loaded.test_likes_in_training} test likes that are in the training file too."
            )
        held = loaded.split.test.nnz
        source = f"{train} (training) and {test} ({held} test likes of {len(loaded.split.test_users)} users)"
        return loaded.data, {}, loaded.split, _described(loaded.data, source, "given")

    def _time_split(
        self, data: InteractionData, times: np.ndarray | None, options: dict[str, Any]
    ) -> Split | None:
        if options["split"] != "time":
            return None
        if times is None:
            raise CommandError("--split time needs a timestamp column; this data has none.")
        missing = int(np.isnan(times).sum())
        if missing:
            raise CommandError(f"--split time needs a timestamp on every like; {missing} have none.")
        return time_split(data.interactions, times, options["test_share"], options["min_likes"])

    def _check_files(self, *paths: Path | None) -> None:
        for path in paths:
            if path is not None and not path.is_file():
                raise CommandError(f"No such file: {path}")

    def _report_skipped(self, problems: list[str], skipped: int, below_min_rating: int) -> None:
        for problem in problems:
            self.stderr.write(problem)
        if skipped:
            self.stderr.write(f"Skipped {skipped} unusable rows.")
        if below_min_rating:
            self.stdout.write(f"Left out {below_min_rating} ratings under --min-rating.")


SPLITS = {
    "random": "a seeded random share of each user's likes held out",
    "time": "each user's latest likes held out",
    "given": "the given split",
}


def _described(data: InteractionData, source: str, split: str) -> str:
    return (
        f"Data: {source}: {data.n_users} users, {data.n_items} items, "
        f'{data.interactions.nnz} interactions, {data.not_interested.nnz} "not interested". '
        f"Split: {SPLITS[split]}."
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
