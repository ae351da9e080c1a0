"""The four pages of the collection report, each drawn from a `ReportData` onto its own Figure.

1. the goal, sources and licences, the size of the data, what is stored for each photo;
2. the users' preferences, in words and four charts;
3. the data-mining and machine-learning models with their measured figures;
4. the architecture diagram, self-evaluation, conclusion, bibliography and how long the build took.
"""

from __future__ import annotations

from datetime import datetime

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from gallery.analysis.palette import FAMILIES
from imgsite.reports.content import (
    EVALUATION_K,
    NO_PHOTOS,
    EvaluationTable,
    ReportData,
    algorithm_protocols,
    attribution_rule,
    conclusion,
    evaluation_protocol,
    limitations,
    size_rows,
)
from imgsite.reports.pdf.diagram import draw_architecture
from imgsite.reports.pdf.layout import (
    MARGIN,
    MUTED,
    PAGE_WIDTH,
    SMALL_SIZE,
    Column,
    columns,
    new_page,
)
from imgsite.reports.pdf.references import REFERENCES

ACCENT = "#3b6ea8"
MUTED_BAR = "#b8c2cc"
FAMILY_COLOURS = {
    "red": "#d03030", "orange": "#f08c28", "yellow": "#e8c820", "green": "#3c9a3c", "blue": "#3070c8",
    "purple": "#8040b0", "pink": "#f080b0", "brown": "#8b5a2b", "black": "#222222", "grey": "#909090",
    "white": "#e8e8e8",
}  # fmt: skip
MAX_SOURCE_ROWS = 12
MIN_CHART_HEIGHT = 1.3  # inches; below this a chart is too small to read, so it is left out
CHART_FONT = 6.5


def full_width(figure: Figure, *, top: float = MARGIN) -> Column:
    return Column(figure, MARGIN, PAGE_WIDTH - 2 * MARGIN, top=top)


def title_page(data: ReportData) -> tuple[Figure, list[Column]]:
    figure = new_page()
    head = full_width(figure)
    head.paragraph("imgsite: the collection report", size=18, bold=True)
    head.paragraph(
        f"Built from the live database on {data.generated_at:%Y-%m-%d %H:%M} UTC. Every number below is "
        "counted from the data when the report is built.",
        colour=MUTED,
    )
    head.heading("1. Goal")
    head.paragraph(data.goal)
    if data.is_empty:
        head.paragraph(NO_PHOTOS, bold=True)
    head.heading("2. Data sources and licences")
    head.paragraph(
        "Photos per source and licence. Only licences that allow reuse and adaptation, commercially too, are "
        "collected (CC0, public domain, CC BY, CC BY-SA); the site shows each photo's author, licence and "
        "source page beside it.",
    )
    rows = [
        [row.source, row.licence, f"{row.photos:,}", attribution_rule(row.licence)] for row in data.sources
    ]
    if len(rows) > MAX_SOURCE_ROWS:
        rest = sum(row.photos for row in data.sources[MAX_SOURCE_ROWS - 1 :])
        rows = [
            *rows[: MAX_SOURCE_ROWS - 1],
            ["other sources and licences", "", f"{rest:,}", "see each photo's page"],
        ]
    if rows:
        head.table(
            ["source", "licence", "photos", "attribution rule"],
            rows,
            [0.18, 0.17, 0.08, 0.57],
            right_aligned=[2],
        )
    else:
        head.paragraph("No photos yet, so no sources or licences to list.", colour=MUTED)
    left, right = columns(figure, 2, top=head.y)
    left.heading("3. Size of the data")
    left.table(["what", "how many"], size_rows(data.size), [0.32, 0.68])
    right.heading("4. What is stored for each photo")
    total = data.size.photos
    stored_rows = [
        [
            group.name,
            ", ".join(_starred(group.fields, group.filled_field)),
            f"{group.filled:,} of {total:,}" if group.filled is not None else "all",
        ]
        for group in data.stored
    ]
    right.table(["group", "fields", "filled"], stored_rows, [0.25, 0.57, 0.18], size=6.6)
    right.paragraph(
        "Files are stored once under their SHA-256 hash; re-analysis rewrites every derived field. "
        '"Filled" counts the photos with a value in the starred field (for colours and tags, with at least one row); "all": every photo.',
        size=SMALL_SIZE,
        colour=MUTED,
    )
    below = columns(figure, 2, top=max(left.y, right.y) + 0.1)
    below[0].paragraph("Photos by year taken (EXIF date)", bold=True, size=7.5)
    axes = below[0].axes(below[0].remaining - 0.15, what="years chart", left_pad=0.35, bottom_pad=0.3)
    if axes is not None:
        _years_chart(axes, data)
    below[1].paragraph("Photos by size class (long edge)", bold=True, size=7.5)
    axes = below[1].axes(below[1].remaining - 0.15, what="sizes chart", left_pad=0.7, bottom_pad=0.3)
    if axes is not None:
        _sizes_chart(axes, data)
    return figure, [head, left, right, *below]


def _starred(fields: list[str], counted: str) -> list[str]:
    return [f"{name}*" if name == counted else name for name in fields]


def _years_chart(axes: Axes, data: ReportData) -> None:
    shape = data.shape
    if not shape.years:
        _no_data(axes, "No photos yet." if data.is_empty else "No photo has an EXIF date.")
        return
    years = [year for year, _ in shape.years]
    axes.bar(years, [count for _, count in shape.years], color=ACCENT, width=0.8)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    axes.set_xlabel(f"{shape.undated:,} photos have no date", fontsize=CHART_FONT, color=MUTED)
    _style(axes)


def _sizes_chart(axes: Axes, data: ReportData) -> None:
    shape = data.shape
    if data.is_empty or not any(count for _, count in shape.size_classes):
        _no_data(axes, "No photos yet." if data.is_empty else "No analysed photos yet.")
        return
    positions = np.arange(len(shape.size_classes))
    counts = [count for _, count in shape.size_classes]
    bars = axes.barh(positions, counts, color=ACCENT)
    axes.set_yticks(positions, [label for label, _ in shape.size_classes])
    axes.invert_yaxis()
    axes.bar_label(bars, labels=[f"{c:,}" for c in counts], padding=2, fontsize=CHART_FONT)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    _style(axes)


def preferences_page(data: ReportData) -> tuple[Figure, list[Column]]:
    figure = new_page()
    head = full_width(figure)
    head.heading("5. What users prefer")
    prefs = data.preferences
    if prefs is None:
        head.paragraph(
            NO_PHOTOS if data.is_empty else "No likes yet: preferences appear once people like photos.",
            bold=True,
        )
        _empty_charts(head)
        return figure, [head]
    head.paragraph(_preferences_summary(data))
    top = head.y
    left, right = columns(figure, 2, top=top)
    left.paragraph("Colour families: share of liked photos vs share of the collection", bold=True, size=7.5)
    axes = left.axes(4.2, what="families chart", left_pad=0.45, bottom_pad=0.35)
    if axes is not None:
        _families_chart(axes, prefs.families)
    right.paragraph("Most-liked tags (likes on photos carrying the tag)", bold=True, size=7.5)
    axes = right.axes(4.2, what="tags chart", left_pad=0.95, bottom_pad=0.35)
    if axes is not None:
        _tags_chart(axes, prefs.top_tags)
    left.paragraph("Likes per week", bold=True, size=7.5)
    axes = left.axes(3.5, what="likes chart", left_pad=0.45, bottom_pad=0.45)
    if axes is not None:
        _likes_chart(axes, prefs.likes_per_week)
    right.paragraph("Orientation: share of liked photos vs the collection", bold=True, size=7.5)
    axes = right.axes(3.5, what="orientation chart", left_pad=0.95, bottom_pad=0.35)
    if axes is not None:
        _shares_chart(axes, prefs.orientation, colours=[ACCENT] * len(prefs.orientation))
    bottom = full_width(figure, top=max(left.y, right.y))
    bottom.paragraph(
        "How to read: a family or orientation whose dark bar is longer than its grey bar is liked more often "
        "than its share of the collection would predict. Taste profiles (clustered interests, TF-IDF tags) "
        "are computed per person and shown on each user's /me/ page.",
        size=SMALL_SIZE,
        colour=MUTED,
    )
    return figure, [head, left, right, bottom]


def _preferences_summary(data: ReportData) -> str:
    prefs = data.preferences
    assert prefs is not None
    # The biggest gap in percentage points, not the biggest ratio: a ratio crowns a family that
    # covers 1% of the collection and 2% of the likes, which is noise.
    lifted = sorted(
        (item for item in prefs.families if item[1] > item[2]), key=lambda item: item[2] - item[1]
    )
    parts = [
        f"{data.size.users_with_likes:,} users have liked {data.size.likes:,} times "
        f"(median {prefs.median_likes_per_user:g} likes a user)."
    ]
    if lifted:
        family, liked, share = lifted[0]
        parts.append(
            f"The colour family liked most above its presence is {family}: in {liked:.0%} of liked photos "
            f"against {share:.0%} of the collection."
        )
    if prefs.top_tags:
        tag, likes = prefs.top_tags[0]
        parts.append(f'The most-liked tag is "{tag}" ({likes:,} likes).')
    if prefs.most_liked_title:
        parts.append(
            f'The most-liked photo is "{prefs.most_liked_title}" ({prefs.most_liked_count:,} likes).'
        )
    return " ".join(parts)


def _style(axes: Axes) -> None:
    axes.tick_params(labelsize=CHART_FONT)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _families_chart(axes: Axes, families: list[tuple[str, float, float]]) -> None:
    order = [f for f in FAMILIES if any(item[0] == f for item in families)]
    by_name = {item[0]: item for item in families}
    positions = np.arange(len(order))
    liked = [by_name[f][1] for f in order]
    collection = [by_name[f][2] for f in order]
    axes.barh(
        positions - 0.2,
        liked,
        0.4,
        color=[FAMILY_COLOURS.get(f, ACCENT) for f in order],
        edgecolor="#555555",
        linewidth=0.3,
        label="liked photos",
    )
    axes.barh(positions + 0.2, collection, 0.4, color=MUTED_BAR, label="collection")
    axes.set_yticks(positions, order)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.legend(fontsize=CHART_FONT, frameon=False, loc="lower right")
    _style(axes)


def _tags_chart(axes: Axes, tags: list[tuple[str, int]]) -> None:
    if not tags:
        _no_data(axes, "No tags on liked photos yet.")
        return
    names = [name for name, _ in tags]
    counts = [count for _, count in tags]
    bars = axes.barh(np.arange(len(tags)), counts, color=ACCENT)
    axes.set_yticks(np.arange(len(tags)), names)
    axes.invert_yaxis()
    axes.bar_label(bars, labels=[f"{c:,}" for c in counts], padding=2, fontsize=CHART_FONT)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    _style(axes)


def _likes_chart(axes: Axes, weeks: list[tuple[datetime, int]]) -> None:
    if not weeks:
        _no_data(axes, "No likes yet.")
        return
    dates = [week for week, _ in weeks]
    counts = [count for _, count in weeks]
    axes.bar(dates, counts, width=5, color=ACCENT)  # type: ignore[arg-type]
    axes.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=6))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b\n%Y"))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    axes.set_ylabel("likes", fontsize=CHART_FONT)
    _style(axes)


def _shares_chart(axes: Axes, shares: list[tuple[str, float, float]], *, colours: list[str]) -> None:
    if not shares:
        _no_data(axes, "No liked photos with a shape yet.")
        return
    positions = np.arange(len(shares))
    axes.barh(positions - 0.2, [s[1] for s in shares], 0.4, color=colours, label="liked photos")
    axes.barh(positions + 0.2, [s[2] for s in shares], 0.4, color=MUTED_BAR, label="collection")
    axes.set_yticks(positions, [s[0] for s in shares])
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.legend(fontsize=CHART_FONT, frameon=False, loc="lower right")
    _style(axes)


def _no_data(axes: Axes, message: str) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", fontsize=8, color=MUTED, transform=axes.transAxes)


def _empty_charts(column: Column) -> None:
    axes = column.axes(1.0, what="empty chart")
    if axes is not None:
        _no_data(axes, "The charts of likes, colours, tags and shapes appear here once there is data.")


def models_page(data: ReportData) -> tuple[Figure, list[Column]]:
    figure = new_page()
    head = full_width(figure)
    head.heading("6. Data mining and machine learning, with their metrics")
    head.paragraph("Methods the site runs on the collection, each with a figure measured on this data:")
    if data.methods:
        head.table(
            ["method", "used for", "measured here"],
            [[m.method, m.used_for, m.figure] for m in data.methods],
            [0.24, 0.38, 0.38],
        )
    else:
        head.paragraph(NO_PHOTOS, bold=True)
    head.heading("Recommender evaluation", size=9.5)
    evaluation = data.evaluation
    if evaluation is None:
        head.paragraph(f"Not evaluated: {data.evaluation_missing}", bold=True)
    else:
        head.paragraph(evaluation_protocol(evaluation.users), size=SMALL_SIZE)
        header = ["algorithm", *evaluation.columns]
        rows = [[name, *(f"{value:.3f}" for value in values)] for name, values in evaluation.rows]
        count = len(evaluation.columns)
        head.table(header, rows, [0.16, *([0.84 / count] * count)], right_aligned=range(1, count + 1))
        if evaluation.taste_rows:
            head.paragraph(
                "Against the simulated users' hidden tastes: an unseen photo counts as relevant when it matches "
                "one of the user's hidden interests, so finding good photos the user had not met yet is rewarded.",
                size=SMALL_SIZE,
            )
            tcount = len(evaluation.taste_columns)
            head.table(
                ["algorithm", *evaluation.taste_columns],
                [[name, *(f"{v:.3f}" for v in values)] for name, values in evaluation.taste_rows],
                [0.16, *([0.84 / tcount] * tcount)],
                right_aligned=range(1, tcount + 1),
            )
        protocols = algorithm_protocols()
        head.bullets([f"{name}: {protocols.get(name, '')}" for name, _ in evaluation.rows], size=SMALL_SIZE)
    head.paragraph(_model_sentence(data), size=SMALL_SIZE)
    quality_section(head, data)
    tag_suggestion_section(head, data)
    duplicate_section(head, data)
    if evaluation is not None and head.remaining > MIN_CHART_HEIGHT:
        head.paragraph(f"NDCG@{EVALUATION_K} by algorithm", bold=True, size=7.5)
        axes = head.axes(min(head.remaining - 0.1, 2.4), what="ndcg chart", left_pad=0.4, bottom_pad=0.3)
        if axes is not None:
            _ndcg_chart(axes, evaluation)
    return figure, [head]


def _ndcg_chart(axes: Axes, evaluation: EvaluationTable) -> None:
    column = f"ndcg@{EVALUATION_K}"
    names = [name for name, _ in evaluation.rows]
    positions = np.arange(len(names))
    held_out = [values[evaluation.columns.index(column)] for _, values in evaluation.rows]
    width = 0.4 if evaluation.taste_rows else 0.6
    axes.bar(
        positions - (0.2 if evaluation.taste_rows else 0),
        held_out,
        width,
        color=ACCENT,
        label="held-out likes",
    )
    if evaluation.taste_rows and column in evaluation.taste_columns:
        taste = [values[evaluation.taste_columns.index(column)] for _, values in evaluation.taste_rows]
        axes.bar(positions + 0.2, taste, width, color=MUTED_BAR, label="hidden tastes")
    axes.set_xticks(positions, names)
    axes.set_ylabel(column, fontsize=CHART_FONT)
    axes.legend(fontsize=CHART_FONT, frameon=False, loc="upper left")
    _style(axes)


def _model_sentence(data: ReportData) -> str:
    model = data.model
    if model is None:
        return "Served model: none built yet; /for-you/ shows popular and new photos until one is."
    weights = ", ".join(f"{name} {weight:.2f}" for name, weight in model.weights.items()) or "default"
    built = f"{model.built_at:%Y-%m-%d %H:%M} UTC" if model.built_at else "an unknown time"
    validation = (
        f"; validation NDCG@10 {model.validation_ndcg:.3f}" if model.validation_ndcg is not None else ""
    )
    seconds = f" in {model.build_seconds:.1f} s" if model.build_seconds is not None else ""
    return (
        f"Served model: built {built}{seconds} on {model.users:,} users, {model.items:,} photos and "
        f"{model.interactions:,} likes; blend weights {weights}{validation}."
    )


def quality_section(column: Column, data: ReportData) -> None:
    """Photo quality figures. Extend here when quality scores gain more figures (e.g. calibration)."""
    column.heading("Photo quality", size=9.5)
    quality = data.quality
    if quality is None:
        column.paragraph("No quality scores in this build yet, so no quality figures.", size=SMALL_SIZE)
        return
    column.paragraph(
        f"{quality.scored:,} photos scored; median score {quality.median:.0f} of 100; {quality.below_50:,} "
        f"below 50. {quality.protocol}",
        size=SMALL_SIZE,
    )


def tag_suggestion_section(column: Column, data: ReportData) -> None:
    """Tag-suggestion figures; the site does not suggest tags yet, and the report says so."""
    column.heading("Tag suggestions", size=9.5)
    column.paragraph(
        "The site does not suggest tags yet, so there is no precision to report.", size=SMALL_SIZE
    )


def duplicate_section(column: Column, data: ReportData) -> None:
    column.heading("Near-duplicates", size=9.5)
    column.paragraph(
        f"{data.duplicate_groups:,} groups of near-duplicates hold {data.photos_in_duplicate_groups:,} photos "
        "(pHash within a Hamming distance, confirmed by a 32x32 layout signature); the gallery shows the best "
        "shot of each. manage.py evaluate_quality measures the grouping's precision and recall on degraded "
        "copies.",
        size=SMALL_SIZE,
    )


def closing_page(data: ReportData, *, build_seconds: float) -> tuple[Figure, list[Column]]:
    figure = new_page()
    head = full_width(figure)
    head.heading("7. Architecture")
    head.paragraph(
        "Drawn from the code: each box lists what the report found in that layer when it was built.",
        size=SMALL_SIZE,
        colour=MUTED,
    )
    axes = head.axes(3.6, what="architecture")
    if axes is not None:
        draw_architecture(axes, data.architecture)
    head.heading("8. Self-evaluation and limitations")
    head.bullets(limitations(data), size=SMALL_SIZE)
    head.heading("9. Conclusion")
    head.paragraph(conclusion(data))
    head.heading("10. Bibliography")
    for number, (method, reference) in enumerate(REFERENCES, start=1):
        head.paragraph(f"[{number}] {method}: {reference}", size=6.4)
    head.paragraph(
        f"This report was built in {build_seconds:.1f} s up to this page (gathering the data and evaluating "
        f"the models: {data.gather_seconds:.1f} s).",
        size=SMALL_SIZE,
        colour=MUTED,
    )
    return figure, [head]
