"""Reads for the public site: the filtered gallery, its facet counts, and one image's page.

Every function returns querysets or plain data and runs a fixed number of queries, whatever the
page size: filters are EXISTS subqueries (so a tag or colour join never duplicates a row), like
counts are stored on each photo (gallery.like_counts), and tags come in one prefetch.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.http import Http404
from django.shortcuts import get_object_or_404

from gallery.analysis.palette import FAMILIES, FAMILY_MIN_SHARE
from gallery.analysis.quality import QUALITY_LEVEL_LABELS, QUALITY_LEVELS, AspectLine, breakdown, reasons_for
from gallery.analysis.search_terms import SearchTerms, search_terms
from gallery.collection_version import cached_for_this_version
from gallery.like_counts import stored_like_count
from gallery.models import (
    AnalysisStatus,
    Colour,
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


def _family_totals() -> QuerySet[Any, dict[str, Any]]:
    """(image, family) groups whose colours together reach the palette's FAMILY_MIN_SHARE."""
    return (
        Colour.objects.order_by()
        .values("image", "family")
        .annotate(total=Sum("share"))
        .filter(total__gte=FAMILY_MIN_SHARE)
    )


def in_colour_family(family: str) -> Exists:
    """Images in `family` by the palette's rule (`photo_families`), as a filter expression."""
    return Exists(_family_totals().filter(image=OuterRef("pk"), family=family))


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


def gallery_images(filters: GalleryFilters) -> QuerySet[Image]:
    """The grid, one card per picture: filtered, sorted, with like and version counts and tags for alt text."""
    tags = Prefetch(
        "image_tags", queryset=ImageTag.objects.select_related("tag").order_by("origin", "tag__name")
    )
    return gallery_order(filters).annotate(other_versions=other_versions_annotation()).prefetch_related(tags)


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

    One grouped query per filter, so nine queries whatever the collection's size (ten signed in);
    kept in the shared cache until the collection changes (gallery.collection_version), so a
    request only counts the viewer's own likes.
    """
    key = _shared_cache_key(filters)
    facets = Facets()
    if key is None:
        facets.options = _collection_facets(filters)
    else:
        facets.options = dict(cached_for_this_version("facets", key, lambda: _collection_facets(filters)))
    if filters.viewer_id is not None:
        liked = _apply_filters(one_per_group(visible_images()), filters.without("liked"))
        count = liked.filter(liked_by(filters.viewer_id)).count()
        facets.options["liked"] = [FacetOption(LIKED_BY_VIEWER, "Liked by me", count)]
    return facets


def _collection_facets(filters: GalleryFilters) -> dict[str, list[FacetOption]]:
    """Every filter's options but "Liked by me", counted under the other filters."""
    facets = Facets()

    def others(name: str) -> QuerySet[Image]:
        return _apply_filters(one_per_group(visible_images()), filters.without(name))

    facets.options["tag"] = _tag_facet(others("tag"))
    facets.options["colour"] = _colour_facet(others("colour"))
    facets.options["orientation"] = _choice_facet(
        others("orientation"), "orientation", dict(Orientation.choices)
    )
    facets.options["size"] = _choice_facet(others("size"), "size_class", dict(SizeClass.choices))
    facets.options["year"] = _year_facet(others("year"))
    facets.options["camera"] = _camera_facet(others("camera"))
    facets.options["licence"] = _choice_facet(others("licence"), "licence", {})
    facets.options["source"] = _choice_facet(others("source"), "source", dict(Source.choices))
    facets.options["quality"] = _quality_facet(others("quality"))
    return facets.options


def _quality_facet(images: QuerySet[Image]) -> list[FacetOption]:
    """How many photos each minimum score keeps; one query for all the levels."""
    counts = images.aggregate(
        **{level: Count("pk", filter=Q(quality_score__gte=score)) for level, score in QUALITY_LEVELS.items()}
    )
    return [FacetOption(level, QUALITY_LEVEL_LABELS[level], counts[level]) for level in QUALITY_LEVELS]


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
    most common first: what the gallery's tag box completes to. One query."""
    others = _apply_filters(one_per_group(visible_images()), filters.without("tag"))
    return _tag_facet(others, containing=text.strip().lower(), limit=limit)


def all_tags() -> QuerySet[Any, dict[str, Any]]:
    """Every tag on a visible picture with its number of pictures, by name: the tags index."""
    return (
        ImageTag.objects.filter(image__in=one_per_group(visible_images()).values("pk"))
        .values("tag__name")
        .annotate(n=Count("image", distinct=True))
        .order_by("tag__name")
    )


def tag_or_404(name: str) -> Tag:
    if "\x00" in name:  # no tag has one, and PostgreSQL refuses the query
        raise Http404("No such tag.")
    return get_object_or_404(Tag, name=name)


def author_or_404(name: str) -> str:
    """`name` when a visible photo credits exactly that author; 404 otherwise."""
    if not name or "\x00" in name or not visible_images().filter(author=name).exists():
        raise Http404("No photos by this author.")
    return name


def _colour_facet(images: QuerySet[Image]) -> list[FacetOption]:
    # One row per (image, family) in the family, so counting rows by family counts images.
    counts = Counter(_family_totals().filter(image__in=images.values("pk")).values_list("family", flat=True))
    known = [FacetOption(family, family.title(), counts.get(family, 0)) for family in FAMILIES]
    # A family the analysis names that this list lacks still shows, after the known ones.
    extra = [FacetOption(f, f.title(), n) for f, n in sorted(counts.items()) if f not in FAMILIES]
    return known + extra


def _choice_facet(images: QuerySet[Image], column: str, labels: dict[str, str]) -> list[FacetOption]:
    rows = images.exclude(**{column: ""}).order_by().values(column).annotate(n=Count("pk"))
    counts = {row[column]: row["n"] for row in rows}
    # Known choices always show (with 0 when none match); free-text values only when present.
    values = list(labels) + sorted(v for v in counts if v not in labels)
    return [FacetOption(v, str(labels.get(v, v)), counts.get(v, 0)) for v in values]


def _year_facet(images: QuerySet[Image]) -> list[FacetOption]:
    rows = (
        images.filter(taken_at__isnull=False)
        .annotate(year=ExtractYear("taken_at"))
        .order_by()
        .values("year")
        .annotate(n=Count("pk"))
    )
    return [
        FacetOption(str(row["year"]), str(row["year"]), row["n"])
        for row in sorted(rows, key=lambda r: -r["year"])
    ]


def _camera_facet(images: QuerySet[Image]) -> list[FacetOption]:
    """Makes with their models beneath; one query, since each image has one make and model."""
    rows = (
        images.exclude(camera_make="", camera_model="")
        .order_by()
        .values("camera_make", "camera_model")
        .annotate(n=Count("pk"))
    )
    return camera_options([(r["camera_make"], r["camera_model"], r["n"]) for r in rows])


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


def image_for_page(pk: int) -> Image:
    """One visible image with its palette and tags, or 404."""
    tags = Prefetch(
        "image_tags", queryset=ImageTag.objects.select_related("tag", "user").order_by("tag__name", "pk")
    )
    queryset = visible_images().prefetch_related("colours", tags)
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
