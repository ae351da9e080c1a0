"""What the collection report says, as plain data, and the sentences derived from it. No Django.

`imgsite.reports.selectors.report_data` fills a `ReportData` from the database and the evaluation; the
`imgsite.reports.pdf` package draws it. Every number the report prints is a field here, so a test can build
a `ReportData` by hand and find its numbers in the PDF. Sentences that depend on the data (the
attribution rule of a licence, the limitations, the conclusion) are derived here too, from the data,
never written in advance with numbers in them.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import datetime

from gallery.analysis.colours import DEFAULT_K
from gallery.analysis.palette import FAMILY_MIN_SHARE
from recommender.engine.als import ALSRecommender
from recommender.engine.diversity import DEFAULT_LAMBDA
from recommender.engine.ease import DEFAULT_REGULARIZATION as EASE_REGULARIZATION
from recommender.engine.ease import EASE_MAX_ITEMS
from recommender.engine.evaluate import evaluate
from recommender.engine.item_knn import ItemKNNRecommender

# The evaluation protocol: the engine's defaults, which `manage.py evaluate_recommender` also uses.
_EVALUATE_DEFAULTS = inspect.signature(evaluate).parameters
EVALUATION_K: int = _EVALUATE_DEFAULTS["k"].default
EVALUATION_TEST_SHARE: float = _EVALUATE_DEFAULTS["test_share"].default
EVALUATION_MIN_LIKES: int = _EVALUATE_DEFAULTS["min_interactions"].default
EVALUATION_SEED: int = _EVALUATE_DEFAULTS["seed"].default


@dataclass(frozen=True)
class SourceLicenceRow:
    source: str
    licence: str
    photos: int


@dataclass(frozen=True)
class DataSize:
    photos: int
    visible_photos: int
    failed_photos: int
    users: int
    simulated_users: int
    users_with_likes: int
    likes: int
    not_interested: int
    tags: int  # distinct tag names
    tag_links: dict[str, int]  # origin label -> photo-tag links
    bytes_originals: int
    bytes_derived: int  # thumbnails and previews found on disk
    ingest_jobs: int
    profiles: int  # users with a computed taste profile


@dataclass(frozen=True)
class StoredGroup:
    """A group of fields kept for each photo, with how many photos have a value in the optional ones."""

    name: str
    fields: list[str]
    filled: int | None = None  # photos with a value in the group's first optional field
    filled_field: str = ""


@dataclass(frozen=True)
class CollectionShape:
    """How the visible photos spread over the years they were taken and over size classes."""

    years: list[tuple[int, int]]  # year taken, photos
    undated: int
    size_classes: list[tuple[str, int]]  # label, photos


@dataclass(frozen=True)
class Preferences:
    families: list[tuple[str, float, float]]  # family, share of likes, share of the collection
    top_tags: list[tuple[str, int]]  # tag, likes on photos carrying it
    likes_per_week: list[tuple[datetime, int]]
    orientation: list[tuple[str, float, float]]  # orientation, share of likes, share of the collection
    median_likes_per_user: float
    most_liked_title: str
    most_liked_count: int


@dataclass(frozen=True)
class EvaluationTable:
    """The recommender evaluation, as `evaluate_recommender` prints it (on held-out likes)."""

    users: int
    columns: list[str]
    rows: list[tuple[str, list[float]]]  # algorithm, one value per column
    taste_columns: list[str] = field(default_factory=list)
    taste_rows: list[tuple[str, list[float]]] = field(default_factory=list)
    seconds: float = 0.0

    def value(self, algorithm: str, column: str) -> float | None:
        for name, values in self.rows:
            if name == algorithm and column in self.columns:
                return values[self.columns.index(column)]
        return None


@dataclass(frozen=True)
class ModelBuild:
    """The newest recommender the site serves."""

    built_at: datetime | None
    users: int
    items: int
    interactions: int
    weights: dict[str, float]
    validation_ndcg: float | None
    build_seconds: float | None


@dataclass(frozen=True)
class MethodFigure:
    """A data-mining method the site runs on the collection, with a figure measured on it."""

    method: str
    used_for: str
    figure: str


@dataclass(frozen=True)
class QualitySummary:
    """Photo quality scores (0-100), once the collection has them."""

    scored: int
    median: float
    below_50: int
    protocol: str


@dataclass(frozen=True)
class ReportData:
    generated_at: datetime
    goal: str
    size: DataSize
    sources: list[SourceLicenceRow]
    stored: list[StoredGroup]
    shape: CollectionShape
    preferences: Preferences | None
    evaluation: EvaluationTable | None
    evaluation_missing: str  # why there is no evaluation table, when there is none
    model: ModelBuild | None
    methods: list[MethodFigure]
    quality: QualitySummary | None
    duplicate_groups: int
    photos_in_duplicate_groups: int
    architecture: dict[str, list[str]]  # layer -> the modules or names in it, read from the code
    gather_seconds: float = 0.0

    @property
    def is_empty(self) -> bool:
        return self.size.photos == 0


GOAL = (
    "imgsite collects photos that anyone may reuse, from open sources (Wikimedia Commons, Openverse, "
    "Unsplash Lite, lists of URLs, local folders), describes each one (camera data, size and shape, "
    "dominant colours, tags), learns what each person likes from their likes and tags, and recommends "
    "photos with the reason for each pick. This report describes the data as it stands, the models "
    "trained on it and how well they do, for a teacher or student who wants to reuse or judge it."
)

NO_PHOTOS = "No photos yet: the collection is empty, so there is nothing to count or chart."


def algorithm_protocols() -> dict[str, str]:
    """One line per evaluated algorithm, its settings read from the engine's defaults."""
    knn, als = ItemKNNRecommender(), ALSRecommender()
    return {
        "random": "random unseen photos: the floor any model must beat",
        "popularity": "the most-liked photos the user has not seen: the baseline",
        "content": "photos nearest one of the user's interest clusters on colour, palette, tags and shape",
        "item_knn": f"item-item cosine on co-likes, {knn.neighbours} neighbours per photo",
        "als": f"implicit matrix factorisation by alternating least squares, {als.factors} factors, "
        f"{als.iterations} iterations",
        "ease": f"EASE, a closed-form item-item model (λ = {EASE_REGULARIZATION:g}), up to "
        f"{EASE_MAX_ITEMS:,} photos",
        "hybrid": "a weighted blend of the above, weights tuned on a validation split",
        "hybrid+mmr": f"the hybrid re-ranked by maximal marginal relevance (λ = {DEFAULT_LAMBDA:g}); the site serves it",
    }


def evaluation_protocol(users: int) -> str:
    return (
        f"Protocol: for each of the {users} users with at least {EVALUATION_MIN_LIKES} likes, a seeded "
        f"{EVALUATION_TEST_SHARE:.0%} of their likes is held out (seed {EVALUATION_SEED}); every algorithm "
        f"is trained on the rest and scored on its top {EVALUATION_K} (precision, recall, NDCG, MAP), "
        "with catalogue coverage and novelty (mean self-information) over all lists."
    )


def attribution_rule(licence: str) -> str:
    """What a reuser of a photo under `licence` must do, in one line."""
    name = licence.upper()
    if "BY-SA" in name:
        return "credit the author, name the licence with a link, say what changed, share adaptations alike"
    if "BY" in name:
        return "credit the author, name the licence with a link, say what changed"
    if "CC0" in name or "PUBLIC DOMAIN" in name or "NO KNOWN" in name:
        return "no attribution required; the site credits the author and source anyway"
    return "as the licence states; the site shows the author and source beside the photo"


def size_rows(size: DataSize) -> list[tuple[str, str]]:
    """The "size of the data" table: what was counted, and how many."""
    links = ", ".join(f"{count:,} {origin}" for origin, count in size.tag_links.items()) or "none"
    return [
        (
            "Photos",
            f"{size.photos:,} ({size.visible_photos:,} shown, {size.failed_photos:,} failed analysis)",
        ),
        (
            "Users",
            f"{size.users:,} ({size.simulated_users:,} simulated, {size.users_with_likes:,} with likes)",
        ),
        ("Likes", f"{size.likes:,}"),
        ('"Not interested" marks', f"{size.not_interested:,}"),
        ("Tags", f"{size.tags:,} names; photo-tag links: {links}"),
        (
            "Bytes on disk",
            f"{human_bytes(size.bytes_originals + size.bytes_derived)} "
            f"({human_bytes(size.bytes_originals)} originals, {human_bytes(size.bytes_derived)} thumbnails and previews)",
        ),
        ("Ingest jobs", f"{size.ingest_jobs:,}"),
        ("Taste profiles", f"{size.profiles:,}"),
    ]


def human_bytes(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1000
    return f"{value:,.1f} TB"


def limitations(data: ReportData) -> list[str]:
    """Weak points of this collection and of its evaluation, each read off the data."""
    size = data.size
    found: list[str] = []
    if data.is_empty:
        return [NO_PHOTOS, "With no photos and no likes, no model can be trained or evaluated."]
    sources = {row.source for row in data.sources}
    licences = {row.licence for row in data.sources}
    if len(sources) == 1:
        found.append(
            f"Every photo comes from one source ({next(iter(sources))}) under "
            f"{len(licences)} licence(s): the collection says little about photos in general."
        )
    if size.users and size.simulated_users / size.users >= 0.5:
        found.append(
            f"{size.simulated_users} of the {size.users} users are simulated, with tastes drawn from "
            "colour families and tags: the evaluation measures how well the models recover those "
            "rules, not real people's taste."
        )
    if data.evaluation is None:
        found.append(f"There is no recommender evaluation: {data.evaluation_missing}")
    elif data.evaluation.users < 30:
        found.append(
            f"The evaluation rests on {data.evaluation.users} test users and one random holdout: "
            "differences of a few hundredths between algorithms are within noise."
        )
    if size.failed_photos:
        found.append(f"{size.failed_photos} photos failed analysis and are left out of every model.")
    if data.quality is None:
        found.append("Photo quality scores are not in this build, so no quality figures are reported.")
    found.append(
        f"Colour families come from a fixed palette rule ({FAMILY_MIN_SHARE:.0%} of pixels, from {DEFAULT_K} "
        "k-means colours) and tags from the sources: no model looks at what a photo shows."
    )
    found.append("The holdout split ignores time; a split by date would be closer to how the site is used.")
    return found


def conclusion(data: ReportData) -> str:
    size = data.size
    if data.is_empty:
        return (
            "The site is ready but holds no photos yet. Ingest a collection and let people like "
            "photos, then build this report again: every section fills from the data."
        )
    parts = [
        f"The collection holds {size.photos:,} photos from {len({r.source for r in data.sources})} "
        f"source(s), liked {size.likes:,} times by {size.users_with_likes:,} users."
    ]
    evaluation = data.evaluation
    if evaluation is not None:
        column = f"ndcg@{EVALUATION_K}"
        best = max(evaluation.rows, key=lambda row: row[1][evaluation.columns.index(column)])
        popular = evaluation.value("popularity", column)
        served = evaluation.value("hybrid+mmr", column)
        parts.append(
            f"On held-out likes the best NDCG@{EVALUATION_K} is {best[0]}'s ({best[1][evaluation.columns.index(column)]:.3f})."
        )
        if popular is not None and served is not None:
            verdict = "above" if served > popular else "not above"
            parts.append(
                f"The model the site serves (hybrid+mmr, {served:.3f}) is {verdict} the popularity "
                f"baseline ({popular:.3f})."
            )
    else:
        parts.append("The recommender could not be evaluated yet; the site falls back on popular photos.")
    parts.append(
        "The next steps are real users' likes, a time-based split, and models that see the photos' content."
    )
    return " ".join(parts)
