"""Schemas of the gallery's JSON API (gallery/api.py): photos, their records, likes and tags."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal, TypeAlias

from ninja import Field, Schema

from gallery.admin_views import MAX_INGEST_COUNT
from gallery.analysis.palette import FAMILIES
from gallery.analysis.search_terms import MAX_SEARCH_CHARS
from gallery.models import Orientation, SizeClass, Source
from gallery.selectors import RELEVANCE, SORTS

# Literal types built from the same constants as the gallery's filter form, so the schema lists
# exactly the values the form accepts. mypy cannot follow a Literal built at run time: it sees str.
if TYPE_CHECKING:
    ColourFamily: TypeAlias = str
    OrientationValue: TypeAlias = str
    SizeValue: TypeAlias = str
    SourceValue: TypeAlias = str
    SortValue: TypeAlias = str
else:
    ColourFamily = Literal[tuple(FAMILIES)]
    OrientationValue = Literal[tuple(Orientation.values)]
    SizeValue = Literal[tuple(SizeClass.values)]
    SourceValue = Literal[tuple(Source.values)]
    SortValue = Literal[(*SORTS, RELEVANCE)]

MAX_PAGE = 100


class PhotoFilters(Schema):
    """The gallery's filters and sorting, as on /gallery/ (the same form reads them)."""

    q: str | None = Field(
        None,
        max_length=MAX_SEARCH_CHARS,
        description="Words to search for in titles, descriptions, tags, authors and cameras "
        "(stemmed: “boats” finds “boat”; every word must be found).",
    )
    tag: str | None = Field(
        None, max_length=64, description="A tag, as people type it (“#Sunset” finds “sunset”)."
    )
    colour: ColourFamily | None = Field(
        default=None, description="A colour family, by the palette's 10% rule."
    )
    orientation: OrientationValue | None = None
    size: SizeValue | None = None
    year: int | None = Field(default=None, ge=1800, le=2200, description="Year taken.")
    camera: str | None = Field(default=None, max_length=100, description="Camera make or model.")
    licence: str | None = Field(default=None, max_length=100)
    source: SourceValue | None = None
    sort: SortValue | None = Field(
        default=None, description="`relevance` (the default with `q`) or `newest` (the default without)."
    )
    cursor: str | None = Field(
        default=None, max_length=2000, description="`next_cursor` of the previous page."
    )
    limit: int = Field(default=24, ge=1, le=MAX_PAGE)


class Links(Schema):
    api: str
    page: str


class Files(Schema):
    original: str
    preview: str | None
    thumbnail: str | None


class PhotoCard(Schema):
    id: int
    title: str
    width: int | None
    height: int | None
    orientation: str
    like_count: int
    other_versions: int = Field(description="Other versions of this picture (near-duplicates).")
    thumbnail: str | None
    links: Links


class PhotoPage(Schema):
    items: list[PhotoCard]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class ColourOut(Schema):
    rank: int
    hex: str
    rgb: list[int]
    share: float
    name: str
    family: str


class TagOut(Schema):
    name: str
    origin: Literal["source", "user", "suggested", "auto"]
    people: int = Field(default=1, description="For user tags: how many people added it.")
    your_tag_id: int | None = Field(
        default=None, description="Set on your own user tag: DELETE /api/v1/tags/{id}."
    )


class Camera(Schema):
    make: str
    model: str
    lens: str
    iso: int | None
    f_number: float | None
    exposure_time: float | None = Field(description="Seconds.")
    focal_length: float | None = Field(description="Millimetres.")


class Location(Schema):
    latitude: float
    longitude: float
    altitude: float | None = Field(default=None, description="Metres above sea level, negative below it.")


class Metadata(Schema):
    width: int | None
    height: int | None
    megapixels: float | None
    format: str
    file_size: int = Field(description="Bytes.")
    orientation: str
    size_class: str
    taken_at: datetime | None
    taken_at_offset: int | None = Field(
        default=None,
        description="The time-zone offset the camera recorded with taken_at, in minutes east of UTC "
        "(EXIF OffsetTimeOriginal); null when it recorded none.",
    )
    camera: Camera
    location: Location | None
    added_at: datetime


class Attribution(Schema):
    title: str
    author: str
    licence: str
    licence_url: str
    credit: str = Field(
        description="The credit line to show with the photo: title, author, source and licence (TASL), as on its page."
    )
    source: str
    source_id: str
    source_page: str


class Duplicates(Schema):
    group: int | None = Field(
        description="Shared by the versions of one picture; null for a photo of its own."
    )
    is_best_shot: bool
    other_versions: list[PhotoCard]


class Quality(Schema):
    """How the analysis judged the photo: a 0-100 score, the aspects found wanting (e.g.
    out_of_focus), each with its reason in words, and every measured value (null: not measured)."""

    score: int | None = None
    problems: list[str] = []
    reasons: list[str] = []
    values: dict[str, float | None] = {}


class PhotoRecord(Schema):
    id: int
    title: str
    description: str
    metadata: Metadata
    colours: list[ColourOut]
    colour_families: dict[str, float] = Field(description="Family -> share, for families over the 10% rule.")
    tags: list[TagOut]
    quality: Quality | None = None
    duplicates: Duplicates
    attribution: Attribution
    files: Files
    like_count: int
    liked_by_you: bool
    links: Links


class LikeOut(Schema):
    photo: PhotoCard
    liked_at: datetime


class LikeState(Schema):
    liked: bool
    like_count: int


class LikePage(Schema):
    items: list[LikeOut]
    next_cursor: str | None


class TagIn(Schema):
    name: str = Field(
        min_length=1,
        max_length=200,
        description="Normalised as on the site: “#Sunset  Beach” → “sunset beach”.",
    )


class NewTag(Schema):
    id: int
    name: str
    photo_id: int


class SuggestionOut(Schema):
    tag_id: int
    tag: str
    confidence: float = Field(description="How likely the suggester thinks the tag is right, 0 to 1.")


class SuggestionAnswerIn(Schema):
    verdict: Literal["accept", "reject"] = Field(
        description="`accept` adds the tag to the photo; `reject` hides it from you on this photo for good."
    )


class SuggestionAnswerOut(Schema):
    tag: str
    verdict: str
    photo_id: int


class SimilarPhotos(Schema):
    items: list[PhotoCard]
    model_built_at: datetime | None = Field(
        description="Null when no recommender model is built yet (no similar photos)."
    )


class IngestJobIn(Schema):
    source: SourceValue
    query: str = Field(default="", max_length=500)
    count: int = Field(default=50, ge=1, le=MAX_INGEST_COUNT)
    licence: str = Field(default="", max_length=100)
    author: str = Field(default="", max_length=500)


class IngestJobOut(Schema):
    id: int
    source: str
    query: str
    status: str
    wanted: int
    done: int
    skipped: int
    failed: int
    rejected: int
    progress: float = Field(description="0 to 1.")
    errors: list[str]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
