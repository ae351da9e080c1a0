"""The gallery's filter counts against counts made here, photo by photo, in plain Python: for a mix
of photos (colours split over several palette entries, dates, cameras with and without a make,
licences, sources, scores, near-duplicates, photos not yet analysed) and several combinations of
filters. Imported by tests/gallery/test_facet_counts.py (SQLite) and
tests/integration/test_facets_postgres.py (PostgreSQL), so both databases are held to the same
counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from gallery.analysis.palette import photo_families
from gallery.analysis.quality import QUALITY_LEVELS
from gallery.models import AnalysisStatus, Image, SizeClass, Source, TagOrigin
from gallery.selectors import GalleryFilters, all_tags, gallery_facets, tag_suggestions
from tests.factories import make_image, make_image_tag, make_user

Photo = dict[str, object]


@pytest.fixture
def photos() -> list[Photo]:
    """The photos made, each with what a person would read off it."""
    specs: list[Photo] = [
        {
            "colours": [("blue", 0.06), ("blue", 0.05), ("white", 0.89)],
            "taken": 2019,
            "make": "Canon",
            "model": "EOS R",
            "licence": "CC BY 4.0",
            "source": Source.COMMONS,
            "score": 91,
            "width": 120,
            "height": 80,
        },
        {
            "colours": [("red", 0.5), ("blue", 0.5)],
            "taken": 2019,
            "make": "",
            "model": "iPhone 12",
            "licence": "CC0 1.0",
            "source": Source.OPENVERSE,
            "score": 55,
            "width": 80,
            "height": 120,
        },
        {
            "colours": [("green", 0.95), ("blue", 0.05)],
            "taken": None,
            "make": "NIKON",
            "model": "D750",
            "licence": "CC BY-SA 4.0",
            "source": Source.COMMONS,
            "score": None,
            "width": 100,
            "height": 100,
        },
        {
            "colours": [("blue", 1.0)],
            "taken": 2021,
            "make": "Canon",
            "model": "EOS 5D",
            "licence": "CC BY 4.0",
            "source": Source.FOLDER,
            "score": 72,
            "width": 120,
            "height": 80,
            "size": SizeClass.LARGE,
        },
        {
            "colours": [],
            "taken": 2021,
            "make": "",
            "model": "",
            "licence": "CC BY 4.0",
            "source": Source.OPENVERSE,
            "score": 30,
            "width": 120,
            "height": 80,
        },
    ]
    made = []
    for spec in specs:
        taken = spec["taken"]
        image = make_image(
            colours=spec["colours"],  # type: ignore[arg-type]
            width=spec["width"],  # type: ignore[arg-type]
            height=spec["height"],  # type: ignore[arg-type]
            with_files=False,
            thumbnail="thumbs/x.jpg",
            taken_at=datetime(int(taken), 6, 1, tzinfo=UTC) if taken else None,  # type: ignore[call-overload]
            camera_make=spec["make"],
            camera_model=spec["model"],
            licence=spec["licence"],
            source=spec["source"],
            quality_score=spec["score"],
            size_class=spec.get("size", SizeClass.SMALL),
        )
        made.append({**spec, "image": image})
    # Tags: a photo may carry one tag twice (from its source and from a person, or from the
    # source and the automatic tagger); it is counted once.
    tags = {0: ["harbour", "boat"], 1: ["harbour", "night"], 3: ["boat"], 4: ["harbour"]}
    for index, names in tags.items():
        for name in names:
            make_image_tag(made[index]["image"], name)  # type: ignore[arg-type]
        made[index]["tags"] = names
    make_image_tag(made[0]["image"], "harbour", user=make_user())  # type: ignore[arg-type]
    make_image_tag(made[1]["image"], "night", origin=TagOrigin.AUTO)  # type: ignore[arg-type]
    # Not counted: a second version of the first photo, and a photo still being analysed.
    copy = make_image(
        colours=[("blue", 1.0)],
        tags=["boat"],
        with_files=False,
        thumbnail="thumbs/x.jpg",
        is_group_best=False,
    )
    pending = make_image(colours=[("blue", 1.0)], status=AnalysisStatus.PENDING, with_files=False)
    assert not copy.is_group_best
    assert pending.status == AnalysisStatus.PENDING
    return made


def _families(photo: Photo) -> list[str]:
    return list(photo_families(photo["colours"]))  # type: ignore[arg-type]


def _orientation(photo: Photo) -> str:
    image = photo["image"]
    assert isinstance(image, Image)
    return str(image.orientation)


# What each filter keeps, and the values a photo offers it, read off the photo as a person would.
KEEPS: dict[str, Callable[[Photo, str], bool]] = {
    "tag": lambda p, v: v in p.get("tags", []),  # type: ignore[operator]
    "colour": lambda p, v: v in _families(p),
    "orientation": lambda p, v: _orientation(p) == v,
    "size": lambda p, v: p.get("size", SizeClass.SMALL) == v,
    "year": lambda p, v: p["taken"] == int(v),
    "camera": lambda p, v: v.lower() in {str(p["make"]).lower(), str(p["model"]).lower()},
    "licence": lambda p, v: p["licence"] == v,
    "source": lambda p, v: p["source"] == v,
    "quality": lambda p, v: p["score"] is not None and int(p["score"]) >= QUALITY_LEVELS[v],  # type: ignore[call-overload]
}
VALUES: dict[str, Callable[[Photo], list[str]]] = {
    "tag": lambda p: list(p.get("tags", [])),  # type: ignore[call-overload]
    "colour": _families,
    "orientation": lambda p: [_orientation(p)],
    "size": lambda p: [str(p.get("size", SizeClass.SMALL))],
    "year": lambda p: [str(p["taken"])] if p["taken"] else [],
    "camera": lambda p: [str(v) for v in {p["make"], p["model"]} if v],
    "licence": lambda p: [str(p["licence"])],
    "source": lambda p: [str(p["source"])],
    "quality": lambda p: [
        level
        for level, score in QUALITY_LEVELS.items()
        if p["score"] is not None and int(p["score"]) >= score  # type: ignore[call-overload]
    ],
}


def expected_counts(photos: list[Photo], filters: dict[str, str], name: str) -> dict[str, int]:
    """How many photos each value of filter `name` would leave, under the other `filters`."""
    kept = [p for p in photos if all(KEEPS[f](p, v) for f, v in filters.items() if f != name)]
    return dict(Counter(value for p in kept for value in VALUES[name](p)))


COMBINATIONS = [
    {},
    {"colour": "blue"},
    {"colour": "blue", "orientation": "landscape"},
    {"year": "2019", "licence": "CC BY 4.0"},
    {"camera": "Canon", "quality": "good"},
    {"size": SizeClass.SMALL, "camera": "iPhone 12"},
    {"tag": "harbour"},
    {"tag": "boat", "colour": "blue"},
    {"source": Source.OPENVERSE, "colour": "red"},
]


@pytest.mark.parametrize("filters", COMBINATIONS, ids=lambda f: "+".join(f) or "none")
def test_each_filter_counts_the_photos_each_option_would_leave(
    photos: list[Photo], filters: dict[str, str]
) -> None:
    asked = GalleryFilters(**{k: int(v) if k == "year" else v for k, v in filters.items()})  # type: ignore[arg-type]
    shown = gallery_facets(asked).options
    for name in KEEPS:
        nonzero = {option.value: option.count for option in shown[name] if option.count}
        assert nonzero == expected_counts(photos, filters, name), name


@pytest.mark.parametrize("filters", [{}, {"colour": "blue"}, {"tag": "boat"}], ids=["none", "colour", "tag"])
def test_the_tag_box_suggests_the_tags_containing_the_text_with_the_photos_each_would_leave(
    photos: list[Photo], filters: dict[str, str]
) -> None:
    suggested = tag_suggestions(GalleryFilters(**filters), "  ha ", limit=10)  # type: ignore[arg-type]

    expected = {name: n for name, n in expected_counts(photos, filters, "tag").items() if "ha" in name}
    assert {option.value: option.count for option in suggested} == expected


def test_the_tags_index_lists_every_tag_on_a_listed_photo_once_per_photo(photos: list[Photo]) -> None:
    assert all_tags() == [
        {"tag__name": "boat", "n": 2},
        {"tag__name": "harbour", "n": 3},
        {"tag__name": "night", "n": 1},
    ]
