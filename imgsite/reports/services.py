"""Building the collection report: gather the facts, evaluate the recommender, draw the PDF."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd
from django.utils import timezone

from imgsite.reports import selectors
from imgsite.reports.content import (
    EVALUATION_K,
    EVALUATION_MIN_LIKES,
    EVALUATION_SEED,
    EVALUATION_TEST_SHARE,
    GOAL,
    EvaluationTable,
    ReportData,
)
from imgsite.reports.pdf import render_report
from recommender.engine.evaluate import evaluate
from recommender.selectors import load_site_data
from recommender.services import hidden_tastes


def build_collection_report(*, strict: bool = False) -> bytes:
    """The four-page PDF of the collection as it is now."""
    started = time.perf_counter()
    data = report_data(started=started)
    return render_report(data, started=started, strict=strict)


def report_data(*, started: float | None = None, now: datetime | None = None) -> ReportData:
    began = time.perf_counter() if started is None else started
    evaluation, missing = recommender_evaluation()
    groups, grouped_photos = selectors.duplicate_counts()
    data = ReportData(
        generated_at=(now or timezone.now()).astimezone(UTC),
        goal=GOAL,
        size=selectors.data_size(),
        sources=selectors.source_licence_rows(),
        stored=selectors.stored_groups(),
        shape=selectors.collection_shape(),
        preferences=selectors.preferences(),
        evaluation=evaluation,
        evaluation_missing=missing,
        model=selectors.served_model(),
        methods=selectors.method_figures(),
        quality=selectors.quality_summary(),
        duplicate_groups=groups,
        photos_in_duplicate_groups=grouped_photos,
        architecture=selectors.architecture_layers(),
    )
    return replace(data, gather_seconds=time.perf_counter() - began)


def recommender_evaluation() -> tuple[EvaluationTable | None, str]:
    """`evaluate_recommender`'s table with its default protocol, or None and the reason there is none."""
    data = load_site_data()
    if not data.n_items:
        return None, "there are no photos to recommend yet."
    tested = int((data.interactions.getnnz(axis=1) >= EVALUATION_MIN_LIKES).sum())
    if not tested:
        return None, f"no user has {EVALUATION_MIN_LIKES} or more likes to hold some out."
    started = time.perf_counter()
    table = evaluate(
        data,
        k=EVALUATION_K,
        test_share=EVALUATION_TEST_SHARE,
        min_interactions=EVALUATION_MIN_LIKES,
        seed=EVALUATION_SEED,
        hidden_tastes=hidden_tastes(data) or None,
    )
    return evaluation_table(table, seconds=time.perf_counter() - started), ""


def evaluation_table(table: pd.DataFrame, *, seconds: float) -> EvaluationTable:
    taste = [c for c in table.columns if c.startswith("taste ")]
    held_out = [c for c in table.columns if c not in {*taste, "users", "fit_seconds"}]
    return EvaluationTable(
        users=int(table["users"].max()),
        columns=held_out,
        rows=[(str(name), [float(v) for v in row]) for name, row in table[held_out].iterrows()],
        taste_columns=[c.removeprefix("taste ") for c in taste],
        taste_rows=[(str(name), [float(v) for v in row]) for name, row in table[taste].iterrows()]
        if taste
        else [],
        seconds=seconds,
    )
