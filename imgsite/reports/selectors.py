"""Reads for the collection report: counts, tables and shares from the live database, as plain data.

The recommender evaluation is run by `imgsite.reports.services`, which calls the engine; everything here
only reads. The architecture is read from the code itself (the Source choices, the modules of the
pure packages, the task functions and the management commands), so the diagram follows the code.
"""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
from collections import Counter
from pathlib import Path
from statistics import median

import pandas as pd
from django.contrib.auth.models import User
from django.core.exceptions import FieldDoesNotExist
from django.core.management import get_commands
from django.db.models import CharField, Count, Q, Sum, TextField
from django.db.models.functions import ExtractYear

from gallery.analysis.colours import DEFAULT_K
from gallery.analysis.palette import FAMILY_MIN_SHARE, photo_families
from gallery.models import (
    AnalysisStatus,
    Colour,
    Image,
    ImageTag,
    IngestJob,
    Like,
    Orientation,
    SizeClass,
    Source,
    Tag,
    TagOrigin,
)
from gallery.selectors import visible_images
from gallery.services.storage import DERIVED_FOLDERS, folder_bytes
from imgsite.reports.content import (
    CollectionShape,
    DataSize,
    MethodFigure,
    ModelBuild,
    Preferences,
    QualitySummary,
    SourceLicenceRow,
    StoredGroup,
)
from profiles.models import ProfileSnapshot, SimulatedTaste
from profiles.selectors import share_of
from recommender.models import NotInterested
from recommender.selectors import latest_ready_model

TOP_TAGS = 12
# The quality branch adds this 0-100 score to Image; until then the report says there are no scores.
QUALITY_FIELD = "quality_score"
PROJECT_APPS = ("gallery", "profiles", "recommender", "imgsite.reports")
PURE_PACKAGES = (
    "gallery.analysis",
    "profiles.taste",
    "profiles.charts",
    "recommender.engine",
    "imgsite.reports.pdf",
)

# Image fields by what they are for; a field not named here is listed under "Other", so a field
# added later (e.g. a quality score) shows up in the report without editing this.
FIELD_GROUPS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("File", ("sha256", "file", "thumbnail", "preview", "file_size", "format", "mode"), ""),
    ("Pixels and shape", ("width", "height", "orientation", "size_class"), ""),
    ("Camera (EXIF)", ("taken_at", "camera_make", "camera_model", "lens", "iso", "f_number", "exposure_time", "focal_length", "exif"), "taken_at"),
    ("Location (EXIF)", ("gps_latitude", "gps_longitude"), "gps_latitude"),
    ("Provenance", ("source", "source_id", "file_url", "source_page_url", "licence", "licence_url", "author", "attribution", "title", "description", "ingest_job"), "author"),
    ("Features", ("colour_histogram", "phash", "layout_signature"), "phash"),
    ("Near-duplicates", ("duplicate_group", "is_group_best"), "duplicate_group"),
    ("Housekeeping", ("status", "analysis_error", "created_at", "updated_at"), ""),
)  # fmt: skip


def source_licence_rows() -> list[SourceLicenceRow]:
    rows = (
        Image.objects.values("source", "licence")
        .annotate(photos=Count("id"))
        .order_by("-photos", "source", "licence")
    )
    labels = dict(Source.choices)
    return [
        SourceLicenceRow(str(labels.get(r["source"], r["source"])), r["licence"] or "(none)", r["photos"])
        for r in rows
    ]


def data_size() -> DataSize:
    images = Image.objects.all()
    origins = dict(TagOrigin.choices)
    links = ImageTag.objects.values("origin").annotate(n=Count("id")).order_by("origin")
    return DataSize(
        photos=images.count(),
        visible_photos=visible_images().count(),
        failed_photos=images.filter(status=AnalysisStatus.FAILED).count(),
        users=User.objects.count(),
        simulated_users=SimulatedTaste.objects.count(),
        users_with_likes=Like.objects.values("user_id").distinct().count(),
        likes=Like.objects.count(),
        not_interested=NotInterested.objects.count(),
        tags=Tag.objects.count(),
        tag_links={str(origins.get(row["origin"], row["origin"])).lower(): row["n"] for row in links},
        bytes_originals=int(images.aggregate(total=Sum("file_size"))["total"] or 0),
        bytes_derived=derived_bytes(),
        ingest_jobs=IngestJob.objects.count(),
        profiles=ProfileSnapshot.objects.values("user_id").distinct().count(),
    )


def derived_bytes() -> int:
    """Bytes of the thumbnails and previews, measured in the media storage (their sizes are not stored)."""
    return sum(folder_bytes(folder) for folder in DERIVED_FOLDERS)


def stored_groups() -> list[StoredGroup]:
    concrete = [f.name for f in Image._meta.get_fields() if getattr(f, "concrete", False) and f.name != "id"]
    named = {name for _, fields, _ in FIELD_GROUPS for name in fields}
    groups = [
        StoredGroup(
            title, [f for f in fields if f in concrete], _filled(optional) if optional else None, optional
        )
        for title, fields, optional in FIELD_GROUPS
    ]
    others = [name for name in concrete if name not in named]
    if others:
        groups.append(StoredGroup("Other", others))
    groups.append(
        StoredGroup(
            "Dominant colours (5 rows)",
            _model_fields(Colour, skip={"id", "image"}),
            _photos_with(Colour),
            "a colour",
        )
    )
    groups.append(
        StoredGroup("Tags", _model_fields(ImageTag, skip={"id", "image"}), _photos_with(ImageTag), "a tag")
    )
    return groups


def _model_fields(model: type[Colour] | type[ImageTag], *, skip: set[str]) -> list[str]:
    return [f.name for f in model._meta.get_fields() if getattr(f, "concrete", False) and f.name not in skip]


def _filled(field: str) -> int:
    column = Image._meta.get_field(field)
    empty = Q(**{f"{field}__isnull": True})
    if isinstance(column, CharField | TextField):
        empty |= Q(**{field: ""})
    return Image.objects.exclude(empty).count()


def _photos_with(model: type[Colour] | type[ImageTag]) -> int:
    return model.objects.values("image_id").distinct().count()


def collection_shape() -> CollectionShape:
    visible = visible_images()
    years = (
        visible.exclude(taken_at=None)
        .annotate(year=ExtractYear("taken_at"))
        .values("year")
        .annotate(n=Count("id"))
        .order_by("year")
    )
    sizes = dict(visible.values_list("size_class").annotate(n=Count("id")))
    return CollectionShape(
        years=[(int(row["year"]), row["n"]) for row in years],
        undated=visible.filter(taken_at=None).count(),
        size_classes=[(str(label), sizes.get(value, 0)) for value, label in SizeClass.choices],
    )


def preferences() -> Preferences | None:
    """What liked photos have in common, against the visible collection; None before the first like."""
    likes = pd.DataFrame(
        list(Like.objects.values_list("user_id", "image_id", "created_at")),
        columns=["user_id", "image_id", "created_at"],
    )
    if likes.empty:
        return None
    families = _family_sets()
    visible = len(families) or 1
    in_collection = Counter(family for fams in families.values() for family in fams)
    in_likes = Counter(family for image_id in likes["image_id"] for family in families.get(int(image_id), ()))
    family_rows = [
        (family, in_likes[family] / len(likes), in_collection[family] / visible) for family in in_collection
    ]
    weeks = likes.set_index(pd.to_datetime(likes["created_at"], utc=True))["image_id"].resample("W").count()
    top = Like.objects.values("image__title").annotate(n=Count("id")).order_by("-n", "image__title").first()
    return Preferences(
        families=family_rows,
        top_tags=top_liked_tags(),
        likes_per_week=[
            (moment.to_pydatetime(), int(count))
            for moment, count in zip(pd.DatetimeIndex(weeks.index), weeks.to_numpy(), strict=True)
        ],
        orientation=_orientation_shares(),
        median_likes_per_user=float(median(likes.groupby("user_id").size().tolist())),
        most_liked_title=str(top["image__title"] or "untitled") if top else "",
        most_liked_count=int(top["n"]) if top else 0,
    )


def _family_sets() -> dict[int, set[str]]:
    """Visible photo id -> its colour families, by the one family rule (`photo_families`)."""
    palettes: dict[int, list[tuple[str, float]]] = {}
    rows = Colour.objects.filter(image__in=visible_images()).values_list("image_id", "family", "share")
    for image_id, family, share in rows:
        palettes.setdefault(image_id, []).append((family, share))
    return {image_id: set(photo_families(palette)) for image_id, palette in palettes.items()}


def top_liked_tags(limit: int = TOP_TAGS) -> list[tuple[str, int]]:
    # Automatic tags are the colour families, charted on their own; these are the sources' and people's.
    rows = (
        ImageTag.objects.exclude(origin=TagOrigin.AUTO)
        .values("tag__name")
        .annotate(likes=Count("image__likes", distinct=True))
        .filter(likes__gt=0)
        .order_by("-likes", "tag__name")[:limit]
    )
    return [(row["tag__name"], row["likes"]) for row in rows]


def _orientation_shares() -> list[tuple[str, float, float]]:
    liked = Like.objects.exclude(image__orientation="").values("image__orientation").annotate(n=Count("id"))
    total = sum(row["n"] for row in liked) or 1
    liked_share = {row["image__orientation"]: row["n"] / total for row in liked}
    collection = share_of(visible_images(), "orientation")
    return [
        (str(label), liked_share.get(value, 0.0), collection.get(value, 0.0))
        for value, label in Orientation.choices
        if value in liked_share or value in collection
    ]


def served_model() -> ModelBuild | None:
    model = latest_ready_model()
    if model is None:
        return None
    metrics = model.metrics or {}
    validation = metrics.get("validation_ndcg@10")
    seconds = metrics.get("build_seconds")
    return ModelBuild(
        built_at=model.built_at,
        users=model.n_users,
        items=model.n_items,
        interactions=model.n_interactions,
        weights={str(k): float(v) for k, v in (model.weights or {}).items()},
        validation_ndcg=float(validation) if validation is not None else None,
        build_seconds=float(seconds) if seconds is not None else None,
    )


def method_figures() -> list[MethodFigure]:
    """The unsupervised methods run on every photo or profile, each with a figure from this data."""
    visible = visible_images()
    photos = visible.count()
    if not photos:
        return []
    families = _family_sets()
    mean_families = sum(len(f) for f in families.values()) / max(len(families), 1)
    colours = Colour.objects.filter(image__in=visible).count()
    shared_tags = ImageTag.objects.filter(image__in=visible).exclude(origin=TagOrigin.USER)
    tag_names = shared_tags.values("tag_id").distinct().count()
    informative = (
        shared_tags.values("tag_id").annotate(n=Count("image_id", distinct=True)).filter(n__gte=2).count()
    )
    interests = _interest_counts()
    hashed = visible.exclude(phash="").count()
    figures = [
        MethodFigure(
            f"k-means (k={DEFAULT_K}) on pixels",
            "dominant colours, their CSS names and colour families",
            f"{colours:,} palette colours on {photos:,} photos; {mean_families:.1f} families a photo "
            f"({FAMILY_MIN_SHARE:.0%} rule)",
        ),
        MethodFigure(
            "TF-IDF",
            "weighing tags in item features and taste profiles",
            f"{tag_names:,} source and automatic tags, {informative:,} of them on 2+ photos",
        ),
    ]
    if interests:
        figures.append(
            MethodFigure(
                "average-linkage clusters of likes (cosine)",
                "each person's interests (/me/, /for-you/ and its reasons)",
                f"{len(interests):,} profiles, {sum(interests) / len(interests):.1f} interests on average",
            )
        )
    figures.append(
        MethodFigure(
            "64-bit DCT perceptual hash",
            "near-duplicate groups, best shot",
            f"{hashed:,} of {photos:,} photos hashed",
        )
    )
    figures.append(
        MethodFigure(
            "cosine nearest neighbours",
            '"Similar photos" on each photo page',
            f"feature vectors over {photos:,} photos (histogram, palette, tags, shape)",
        )
    )
    return figures


def _interest_counts() -> list[int]:
    """Interests in each user's latest taste profile."""
    latest: dict[int, int] = {}
    for user_id, data in ProfileSnapshot.objects.order_by("user_id", "computed_at", "id").values_list(
        "user_id", "data"
    ):
        latest[user_id] = len((data or {}).get("interests") or [])
    return list(latest.values())


def quality_summary() -> QualitySummary | None:
    """Quality scores, once Image has a `quality_score` (0-100) field; None until then.

    The lead extends this (and `imgsite.reports.pdf.pages.quality_section`) when the quality branch lands.
    """
    try:
        Image._meta.get_field(QUALITY_FIELD)
    except FieldDoesNotExist:
        return None
    scores = [
        float(s)
        for s in visible_images()
        .filter(**{f"{QUALITY_FIELD}__isnull": False})
        .values_list(QUALITY_FIELD, flat=True)
    ]
    if not scores:
        return None
    return QualitySummary(
        scored=len(scores),
        median=float(median(scores)),
        below_50=sum(1 for s in scores if s < 50),
        protocol="Each aspect (focus, exposure, noise, JPEG blocks, resolution) is measured from pixels and combined into 0-100.",
    )


def duplicate_counts() -> tuple[int, int]:
    """(groups, photos in them)."""
    grouped = Image.objects.exclude(duplicate_group=None)
    return grouped.values("duplicate_group").distinct().count(), grouped.count()


def architecture_layers() -> dict[str, list[str]]:
    return {
        "Sources": [str(label) for _, label in Source.choices],
        "Analysis (pure)": [
            line for package in PURE_PACKAGES for line in _joined_lines(package, _modules(package))
        ],
        "Services and selectors": _service_lines(),
        "Tasks (Celery)": [task for app in PROJECT_APPS for task in _task_names(f"{app}.tasks")],
        "Views and commands": _view_lines(),
    }


def _modules(package: str) -> list[str]:
    spec = importlib.util.find_spec(package)
    paths = list(spec.submodule_search_locations or []) if spec else []
    return sorted(module.name for module in pkgutil.iter_modules(paths))


def _service_lines() -> list[str]:
    lines = []
    for app in PROJECT_APPS:
        if importlib.util.find_spec(f"{app}.services") is None:
            continue
        modules = _modules(f"{app}.services")  # [] when services is one module, not a package
        lines += _joined_lines(f"{app}.services", modules, width=26) if modules else [f"{app}.services"]
    selectors = [app for app in PROJECT_APPS if importlib.util.find_spec(f"{app}.selectors") is not None]
    return [*lines, *_joined_lines("selectors", selectors, width=26)]


def _task_names(module: str) -> list[str]:
    """Functions decorated as Celery tasks in `module`, read from its source without importing it."""
    spec = importlib.util.find_spec(module) if importlib.util.find_spec(module.split(".")[0]) else None
    if spec is None or spec.origin is None:
        return []
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and any("task" in ast.unparse(d) for d in node.decorator_list)
    ]


def _view_lines() -> list[str]:
    commands = sorted(name for name, app in get_commands().items() if app in PROJECT_APPS)
    views = []
    for app in ("gallery", "profiles", "recommender"):
        spec = importlib.util.find_spec(f"{app}.views")
        if spec and spec.origin:
            tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
            count = sum(
                1 for node in tree.body if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
            )
            views.append(f"{app}.views ({count} views)")
    return [*views, "Django admin (+ report download)", *_joined_lines("manage.py", commands, width=40)]


def _joined_lines(prefix: str, names: list[str], width: int = 30) -> list[str]:
    """Names joined with commas into lines of at most `width` characters, the first led by `prefix`."""
    lines: list[str] = []
    line = f"{prefix}:"
    for name in names:
        candidate = f"{line} {name},"
        if len(candidate) > width and line.strip():
            lines.append(line)
            line = f"  {name},"
        else:
            line = candidate
    lines.append(line.rstrip(","))
    return lines
