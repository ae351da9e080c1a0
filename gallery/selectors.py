"""Reads for the public site: the filtered gallery, its facet counts, and one image's page.

Every function returns querysets or plain data and runs a fixed number of queries, whatever the
page size: filters are EXISTS subqueries (so a tag or colour join never duplicates a row), like
counts are stored on each photo (gallery.like_counts), and tags come in one prefetch.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from gallery.analysis.palette import FAMILIES, families_in_field, family_token
from gallery.analysis.quality import QUALITY_LEVEL_LABELS, QUALITY_LEVELS, AspectLine, breakdown, reasons_for
from gallery.analysis.search_terms import SearchTerms, search_terms
from gallery.collection_version import cached_for_this_version
from gallery.facet_counts import GROUPINGS, Counts, column_counts
from gallery.like_counts import stored_like_count
from gallery.models import (
    AnalysisStatus,
    Image,
    ImageTag,
    Like,
    Orientation,
    SizeClass,
    Source,
    Tag,
    TagOrigin,
)
from gallery.search import SearchScore

# The tag facet lists the most common tags only; a long tail of one-off tags is noise in a sidebar.
TAG_FACET_LIMIT = 30

SORTS = {
    "newest": "Newest",
    "liked": "Most liked",
    "taken": "Date taken",
    "quality": "Best quality",
}
# Search results are ranked by how well they match unless another sort is asked for. It is not in
# SORTS: without words there is nothing to rank by (and the API's cursors do not page by it).
RELEVANCE = "relevance"


@dataclass(frozen=True)
class GalleryFilters:
    """What the visitor asked for; empty strings and None mean "any"."""

    q: str = ""  # words to search for, as typed (see gallery.analysis.search_terms)
    tag: str = ""
    colour: str = ""
    orientation: str = ""
    size: str = ""
    year: int | None = None
    camera: str = ""
    licence: str = ""
    source: str = ""
    quality: str = ""  # a key of QUALITY_LEVELS: hide photos scoring below it
    author: str = ""  # exactly as the source credits it
    liked: str = ""  # LIKED_BY_VIEWER: only the photos the viewer liked (none for a visitor signed out)
    sort: str = "newest"
    viewer_id: int | None = None  # who is looking: not a filter, but what "liked" is relative to

    def without(self, name: str) -> GalleryFilters:
        blank: Any = None if name == "year" else ""
        if name == "q" and self.sort == RELEVANCE:  # nothing left to rank by
            return replace(self, q="", sort="newest")
        return replace(self, **{name: blank})

    @property
    def active(self) -> bool:
        return any(getattr(self.without("sort"), name) for name in FILTER_NAMES)

    @property
    def terms(self) -> SearchTerms:
        return search_terms(self.q)


# Every filter of the gallery, in the order the page lists them: the one list the form, the page,
# its links and its facets follow.
FILTER_NAMES = (
    "q",
    "tag",
    "colour",
    "orientation",
    "size",
    "year",
    "camera",
    "licence",
    "source",
    "quality",
    "author",
    "liked",
)
LIKED_BY_VIEWER = "me"


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    indent: bool = False  # a camera model shown under its make


@dataclass
class Facets:
    options: dict[str, list[FacetOption]] = field(default_factory=dict)


def visible_images() -> QuerySet[Image]:
    """Images the public sees: analysed, with a thumbnail to show.

    The one definition of a visible photo: every page, chart, profile and recommendation reads
    photos through this (or `visible_image_or_404`), so a photo hidden here is hidden everywhere.
    """
    return Image.objects.filter(status=AnalysisStatus.DONE).exclude(thumbnail="")


def visible_image_or_404(pk: int) -> Image:
    return get_object_or_404(visible_images(), pk=pk)


# The best shot of its near-duplicate group (a photo without other versions is its own): the one
# version lists show.
GROUP_BEST = Q(is_group_best=True)


def one_per_group(images: QuerySet[Image]) -> QuerySet[Image]:
    """Only the best shot of each near-duplicate group."""
    return images.filter(GROUP_BEST)


def other_versions_annotation() -> Coalesce:
    """How many other visible versions each image has, 0 for a photo of its own."""
    versions = (
        visible_images()
        .filter(duplicate_group=OuterRef("duplicate_group"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("duplicate_group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(versions, output_field=IntegerField()), 0)


def other_versions(image: Image) -> QuerySet[Image]:
    """The other visible versions of a photo, best shot first, for its page."""
    if image.duplicate_group is None:
        return Image.objects.none()
    return (
        visible_images()
        .filter(duplicate_group=image.duplicate_group)
        .exclude(pk=image.pk)
        .defer(*UNSHOWN_COLUMNS)
        .order_by("-is_group_best", "-width", "pk")
    )


def _apply_filters(queryset: QuerySet[Image], filters: GalleryFilters) -> QuerySet[Image]:
    if filters.q:
        queryset = matching(queryset, filters.terms)
    if filters.author:
        queryset = queryset.filter(author=filters.author)
    if filters.tag:
        queryset = queryset.filter(
            Exists(ImageTag.objects.filter(image=OuterRef("pk"), tag__name=filters.tag))
        )
    if filters.colour:
        queryset = queryset.filter(in_colour_family(filters.colour))
    if filters.orientation:
        queryset = queryset.filter(orientation=filters.orientation)
    if filters.size:
        queryset = queryset.filter(size_class=filters.size)
    if filters.year is not None:
        queryset = queryset.filter(taken_at__year=filters.year)
    if filters.camera:
        queryset = queryset.filter(
            Q(camera_make__iexact=filters.camera) | Q(camera_model__iexact=filters.camera)
        )
    if filters.licence:
        queryset = queryset.filter(licence=filters.licence)
    if filters.source:
        queryset = queryset.filter(source=filters.source)
    if filters.quality in QUALITY_LEVELS:
        queryset = queryset.filter(quality_score__gte=QUALITY_LEVELS[filters.quality])
    if filters.liked == LIKED_BY_VIEWER:
        queryset = queryset.filter(liked_by(filters.viewer_id))
    return queryset


def matching(images: QuerySet[Image], terms: SearchTerms) -> QuerySet[Image]:
    """The images holding every word of `terms` in their title, description, tags, author or camera,
    stemmed ("boats" finds "boat"); none when there are no words to look for.

    The one search of the site, on SQLite (FTS5) and PostgreSQL alike (gallery.search).
    """
    if not terms:
        return images.none()
    return images.filter(search_entry__document__matches=terms)


def search_score(terms: SearchTerms) -> SearchScore:
    """How well each image of `matching(…, terms)` fits, higher first; only valid on that queryset."""
    return SearchScore(F("search_entry__document"), terms)


def liked_by(user_id: int | None) -> Exists:
    """Images `user_id` liked, as a filter expression; none at all for None (signed out)."""
    if user_id is None:
        return Exists(Like.objects.none())
    return Exists(Like.objects.filter(image=OuterRef("pk"), user_id=user_id))


def in_colour_family(family: str) -> Q:
    """Images in `family` by the palette's rule, as a filter expression: its stored families
    (`Image.colour_families`, see gallery.analysis.palette.families_field) name it."""
    return Q(colour_families__contains=family_token(family))


@dataclass(frozen=True)
class SortColumn:
    """One column of a sort order; every sort is descending, with empty values last."""

    name: str
    nullable: bool = False
    is_time: bool = False
    is_float: bool = False


# The one definition of each sort's order: the gallery's ORDER BY and the keyset pages and
# neighbours (gallery.cursor) are both read from here. Each ends with the id, so no two photos tie.
SORT_COLUMNS: dict[str, tuple[SortColumn, ...]] = {
    "newest": (SortColumn("created_at", is_time=True), SortColumn("id")),
    "liked": (SortColumn("like_count"), SortColumn("created_at", is_time=True), SortColumn("id")),
    "taken": (SortColumn("taken_at", nullable=True, is_time=True), SortColumn("id")),
    "quality": (
        SortColumn("quality_score", nullable=True),
        SortColumn("created_at", is_time=True),
        SortColumn("id"),
    ),
    # Only a list with words to search for has a rank (see `list_sort`).
    RELEVANCE: (
        SortColumn("search_rank", is_float=True),
        SortColumn("created_at", is_time=True),
        SortColumn("id"),
    ),
}


def list_sort(filters: GalleryFilters) -> str:
    """The sort a list really has: relevance without words to rank by is the newest first."""
    return "newest" if filters.sort == RELEVANCE and not filters.terms else filters.sort


def _ordering(sort: str) -> list[Any]:
    columns = SORT_COLUMNS.get(sort, SORT_COLUMNS["newest"])
    return [
        F(column.name).desc(nulls_last=True) if column.nullable else f"-{column.name}" for column in columns
    ]


def gallery_order(filters: GalleryFilters) -> QuerySet[Image]:
    """The gallery's photos in its order, without what only the cards show: for a photo's place in
    the list (its neighbours, its page), where the version counts and tags would be wasted work.
    Sorted by relevance when there are words to search for and no other sort was chosen."""
    images = _apply_filters(one_per_group(visible_images()), filters)
    if filters.terms:
        images = images.annotate(search_rank=search_score(filters.terms))
    return images.order_by(*_ordering(list_sort(filters)))


def gallery_cards(filters: GalleryFilters) -> QuerySet[Image]:
    """The grid, one card per picture: filtered, sorted, with like and version counts; once a page is
    fetched, `with_card_tags` completes its cards."""
    return gallery_order(filters).annotate(other_versions=other_versions_annotation())


def gallery_images(filters: GalleryFilters) -> QuerySet[Image]:
    """The grid's photos with all their tags (the API lists them)."""
    return gallery_cards(filters).prefetch_related(_card_tags())


def _card_tags() -> Prefetch:
    return Prefetch(
        "image_tags", queryset=ImageTag.objects.select_related("tag").order_by("origin", "tag__name")
    )


def with_card_tags(images: list[Image]) -> list[Image]:
    """Prefetch tags (one query) for the cards that show them: alt text describes an untitled photo
    by its tags and never reads them for a titled one.

    Fetching every card's tags made the tag rows and their model instances the largest single cost
    of /for-you/ and the home page, and 4 of the gallery's 25 ms (bench/README.md), for photos that
    nearly all have titles.
    """
    prefetch_related_objects([image for image in images if not image.title.strip()], _card_tags())
    return images


def _shared_cache_key(filters: GalleryFilters) -> str | None:
    """What names `filters`' counts in the shared cache; None when they are one person's own
    ("Liked by me" counts their likes, which do not change the collection's version)."""
    if filters.liked:
        return None
    return repr(replace(filters, viewer_id=None, sort=""))


def gallery_count(filters: GalleryFilters) -> int:
    """How many cards the gallery list `filters` names holds: counted once per collection version."""
    key = _shared_cache_key(filters)

    def count() -> int:
        return _apply_filters(one_per_group(visible_images()), filters).count()

    return count() if key is None else cached_for_this_version("count", key, count)


def gallery_facets(filters: GalleryFilters) -> Facets:
    """For each filter, the options and how many images each would leave, given the other filters.

    A few grouped queries whatever the collection's size (see `_collection_facets`), kept in the
    shared cache until the collection changes (gallery.collection_version), so a request only
    counts the viewer's own likes.
    """
    facets = Facets(shared_facets(filters))
    if filters.viewer_id is not None:
        facets.options["liked"] = liked_facet(filters)
    return facets


def shared_list_key(filters: GalleryFilters) -> str | None:
    """What names the list `filters` describe alike for everyone, for what is cached about it under
    the collection's version; None when its counts are one person's own ("Liked by me")."""
    return _shared_cache_key(filters)


def shared_facets(filters: GalleryFilters) -> dict[str, list[FacetOption]]:
    """Every filter's options but "Liked by me", with their counts: from the shared cache while the
    collection is unchanged, unless they count one person's likes."""
    key = _shared_cache_key(filters)
    if key is None:
        return _collection_facets(filters)
    return dict(cached_for_this_version("facets", key, lambda: _collection_facets(filters)))


def liked_facet(filters: GalleryFilters) -> list[FacetOption]:
    """ "Liked by me" with how many photos of the list the viewer liked: one indexed count; none signed out."""
    viewer_id = filters.viewer_id
    if viewer_id is None:
        return []
    others = filters.without("liked")

    def count() -> int:
        return _apply_filters(one_per_group(visible_images()), others).filter(liked_by(viewer_id)).count()

    key = f"{viewer_id} {_shared_cache_key(others)}"
    return [
        FacetOption(
            LIKED_BY_VIEWER, "Liked by me", cached_for_this_version("liked-facet", key, count, likes=True)
        )
    ]


def _collection_facets(filters: GalleryFilters) -> dict[str, list[FacetOption]]:
    """Every filter's options but "Liked by me", counted under the other filters: the tags in one
    query (none when the collection's tag counts are cached and no other filter is in use), the
    photos' own columns in one more (gallery.facet_counts), and one again for each of those
    filters in use, since its options are counted without it."""

    def others(name: str) -> QuerySet[Image]:
        return _apply_filters(one_per_group(visible_images()), filters.without(name))

    options = {"tag": _tag_options(filters)}
    in_use = [name for name in GROUPINGS if filters.without(name) != filters]
    listed = _apply_filters(one_per_group(visible_images()), filters)
    counts = column_counts(listed, [name for name in GROUPINGS if name not in in_use])
    for name in in_use:
        counts |= column_counts(others(name), [name])
    for name in GROUPINGS:
        options[name] = _COLUMN_OPTIONS[name](counts[name])
    return options


def _colour_options(counts: Counts) -> list[FacetOption]:
    """Counts by stored set of families (" blue grey "), added up by family."""
    by_family: Counter[str] = Counter()
    for (families,), n in counts.items():
        for family in families_in_field(families or ""):
            by_family[family] += n
    known = [FacetOption(family, family.title(), by_family.get(family, 0)) for family in FAMILIES]
    # A family the analysis names that this list lacks still shows, after the known ones.
    extra = [FacetOption(f, f.title(), n) for f, n in sorted(by_family.items()) if f not in FAMILIES]
    return known + extra


def _choice_options(counts: Counts, labels: dict[str, str]) -> list[FacetOption]:
    present = {value: n for (value,), n in counts.items() if value}
    # Known choices always show (with 0 when none match); free-text values only when present.
    values = list(labels) + sorted(v for v in present if v not in labels)
    return [FacetOption(v, str(labels.get(v, v)), present.get(v, 0)) for v in values]


def _year_options(counts: Counts) -> list[FacetOption]:
    years = sorted(((int(year), n) for (year,), n in counts.items() if year is not None), reverse=True)
    return [FacetOption(str(year), str(year), n) for year, n in years]


def _camera_options(counts: Counts) -> list[FacetOption]:
    return camera_options(
        [(make or "", model or "", n) for (make, model), n in counts.items() if make or model]
    )


def _quality_options(counts: Counts) -> list[FacetOption]:
    """How many photos each minimum score keeps."""
    scores = [(int(score), n) for (score,), n in counts.items() if score is not None]
    return [
        FacetOption(level, QUALITY_LEVEL_LABELS[level], sum(n for score, n in scores if score >= minimum))
        for level, minimum in QUALITY_LEVELS.items()
    ]


# How each filter counted from the photos' own columns turns its counts into options.
_COLUMN_OPTIONS: dict[str, Callable[[Counts], list[FacetOption]]] = {
    "colour": _colour_options,
    "orientation": lambda counts: _choice_options(counts, dict(Orientation.choices)),
    "size": lambda counts: _choice_options(counts, dict(SizeClass.choices)),
    "year": _year_options,
    "camera": _camera_options,
    "licence": lambda counts: _choice_options(counts, {}),
    "source": lambda counts: _choice_options(counts, dict(Source.choices)),
    "quality": _quality_options,
}


def _tag_facet(
    images: QuerySet[Image], *, containing: str = "", limit: int = TAG_FACET_LIMIT
) -> list[FacetOption]:
    """The most common tags among `images` (optionally those whose name contains `containing`)."""
    links = ImageTag.objects.filter(image__in=images.values("pk"))
    if containing:
        links = links.filter(tag__name__contains=containing)
    rows = (
        links.values("tag__name")
        .annotate(n=Count("image", distinct=True))
        .order_by("-n", "tag__name")[:limit]
    )
    return [FacetOption(row["tag__name"], row["tag__name"], row["n"]) for row in rows]


def tag_suggestions(filters: GalleryFilters, text: str, *, limit: int) -> list[FacetOption]:
    """Tags whose name contains `text`, with how many photos each would leave given the other filters,
    most common first: what the gallery's tag box completes to."""
    return _tag_options(filters, containing=text.strip().lower(), limit=limit)


def _tag_options(
    filters: GalleryFilters, *, containing: str = "", limit: int = TAG_FACET_LIMIT
) -> list[FacetOption]:
    """The most common tags among the photos `filters` leave but for its tag (those whose name
    contains `containing`): read off `listed_tag_counts` when no other filter is in use, as on the
    gallery's first page and a tag's own page, and counted otherwise."""
    others = filters.without("tag")
    if others.active:
        return _tag_facet(
            _apply_filters(one_per_group(visible_images()), others), containing=containing, limit=limit
        )
    counts = sorted(
        ((name, n) for name, n in listed_tag_counts().items() if containing in name),
        key=lambda item: (-item[1], item[0]),
    )
    return [FacetOption(name, name, n) for name, n in counts[:limit]]


def listed_tag_counts() -> dict[str, int]:
    """How many listed photos (visible, one per group) carry each tag, whatever its origins: counted
    once per collection version, for the tags index, the tag counts and the tag box's suggestions."""

    def count() -> dict[str, int]:
        rows = (
            ImageTag.objects.filter(image__in=one_per_group(visible_images()).values("pk"))
            .values_list("tag__name")
            .annotate(n=Count("image", distinct=True))
            .order_by()
        )
        return {str(name): int(n) for name, n in rows}

    return cached_for_this_version("tag-counts", "listed", count)


def all_tags() -> list[dict[str, Any]]:
    """Every tag on a visible picture with its number of pictures, by name: the tags index."""
    return [{"tag__name": name, "n": n} for name, n in sorted(listed_tag_counts().items())]


def tag_or_404(name: str) -> Tag:
    if "\x00" in name:  # no tag has one, and PostgreSQL refuses the query
        raise Http404("No such tag.")
    return get_object_or_404(Tag, name=name)


def author_or_404(name: str) -> str:
    """`name` when a visible photo credits exactly that author; 404 otherwise."""
    if not name or "\x00" in name or not visible_images().filter(author=name).exists():
        raise Http404("No photos by this author.")
    return name


def camera_options(rows: list[tuple[str, str, int]]) -> list[FacetOption]:
    """Fold (make, model, count) rows into make options followed by their models."""
    by_make: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for make, model, n in rows:
        by_make[make.strip()].append((model.strip(), n))
    options: list[FacetOption] = []
    for make in sorted(by_make, key=str.lower):
        models = by_make[make]
        if make:
            options.append(FacetOption(make, make, sum(n for _, n in models)))
        for model, n in sorted(models, key=lambda m: m[0].lower()):
            if model and model.lower() != make.lower():
                options.append(FacetOption(model, model, n, indent=bool(make)))
    return options


# --- The image page ------------------------------------------------------------------------------


# What no page shows of a photo, the largest of its columns (the visual vectors, the histogram, the
# layout hashes and the EXIF): pages that read whole photos leave them in the database.
UNSHOWN_COLUMNS = ("exif", "colour_histogram", "layout_signature", "layout_digest", "visual_features")


def image_for_page(pk: int) -> Image:
    """One visible image with its palette and tags, or 404."""
    tags = Prefetch("image_tags", queryset=ImageTag.objects.select_related("tag").order_by("tag__name", "pk"))
    queryset = visible_images().defer(*UNSHOWN_COLUMNS).prefetch_related("colours", tags)
    return get_object_or_404(queryset, pk=pk)


def quality_reasons(image: Image) -> list[str]:
    """Why the photo lost points, in a photographer's words, from its stored measurements."""
    return reasons_for(image.quality_values or {})


def quality_breakdown(image: Image) -> list[AspectLine]:
    """Each quality aspect's measurement beside its threshold, for the photo page."""
    return breakdown(image.quality_values) if image.quality_values else []


def best_images(*, limit: int) -> list[Image]:
    """The best of the collection: the highest quality scores among photos at the "best" level."""
    return list(
        visible_images()
        .filter(quality_score__gte=QUALITY_LEVELS["best"])
        .order_by("-quality_score", "-created_at", "-id")[:limit]
    )


def user_likes_image(user: User | AnonymousUser, image: Image) -> bool:
    if not user.is_authenticated:
        return False
    return Like.objects.filter(user_id=user.pk, image=image).exists()


def like_count(image: Image) -> int:
    """The photo's like count as stored now, e.g. after the viewer's like changed it."""
    return stored_like_count(image.pk)


@dataclass(frozen=True)
class TagChip:
    name: str
    count: int = 1  # how many people added it, for user tags
    own_tag_id: int | None = None  # set when the viewer added it, so they may remove it


@dataclass
class TagGroups:
    source: list[TagChip] = field(default_factory=list)
    user: list[TagChip] = field(default_factory=list)
    suggested: list[TagChip] = field(default_factory=list)  # accepted suggestions
    auto: list[TagChip] = field(default_factory=list)


def group_tags(image_tags: list[ImageTag], viewer_id: int | None) -> TagGroups:
    """Tags by origin; user tags folded by name, counting people and marking the viewer's own."""
    groups = TagGroups()
    user_counts: dict[str, int] = defaultdict(int)
    own_ids: dict[str, int] = {}
    for image_tag in image_tags:
        name = image_tag.tag.name
        if image_tag.origin == TagOrigin.USER:
            user_counts[name] += 1
            if viewer_id is not None and image_tag.user_id == viewer_id:
                own_ids[name] = image_tag.pk
        elif image_tag.origin == TagOrigin.AUTO:
            groups.auto.append(TagChip(name))
        elif image_tag.origin == TagOrigin.SUGGESTED:
            groups.suggested.append(TagChip(name))
        else:
            groups.source.append(TagChip(name))
    groups.user = [TagChip(name, n, own_ids.get(name)) for name, n in sorted(user_counts.items())]
    return groups


def get_own_image_tag_or_404(user: User | AnonymousUser, pk: int) -> ImageTag:
    """The one way views load a user tag: only the person who added it gets it; others get 404."""
    # An anonymous user's pk is None, which matches no user tag (the model requires a user).
    return get_object_or_404(ImageTag, pk=pk, origin=TagOrigin.USER, user_id=user.pk)
