"""The public site: the gallery grid, an image's page, liking and tagging.

Views validate with a form, call one selector or service, and render or redirect. State changes
are POST only (CSRF-protected by the middleware); the like view also answers JSON for the small
script that likes without a reload.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, replace
from functools import lru_cache
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from gallery import pagination
from gallery.analysis.search_terms import clean_search_text
from gallery.analysis.thumbnails import PREVIEW_LONG_EDGE
from gallery.card_grids import Grid, grid_html_for, render_grid, shared_grid
from gallery.collection_version import cached_for_this_version
from gallery.credits import image_credit
from gallery.forms import GalleryFilterForm, SuggestionAnswerForm, TagForm
from gallery.models import Image, Verdict
from gallery.page_cache import cached_alike_for_everyone, cached_for_visitors, versioned_path_key
from gallery.pagination import gallery_page
from gallery.photo_lists import (
    gallery_list_url,
    gallery_url,
    liked_images,
    list_query,
)
from gallery.photo_page import is_own_list, like_state, photo_facts, shared_position_in_list
from gallery.selectors import (
    FILTER_NAMES,
    RELEVANCE,
    SORTS,
    FacetOption,
    GalleryFilters,
    all_tags,
    author_or_404,
    gallery_cards,
    gallery_count,
    get_own_image_tag_or_404,
    group_tags,
    image_for_page,
    like_count,
    liked_facet,
    list_sort,
    quality_breakdown,
    quality_reasons,
    shared_facets,
    shared_list_key,
    tag_or_404,
    tag_suggestions,
    visible_image_or_404,
    with_card_tags,
)
from gallery.services.social import add_user_tag, like_image, remove_user_tag, unlike_image
from gallery.services.tag_suggestions import answer_suggestion as record_answer
from gallery.tag_selectors import photo_suggestions, suggestion_for_user_or_404
from gallery.tagging import MAX_TAG_LENGTH, InvalidTag
from gallery.templatetags.gallery_extras import scaled_size
from imgsite.auth import signed_in_user

# Each filter's label, the words for "any", and how the form shows it (FILTER_NAMES orders them).
FILTER_LABELS: dict[str, tuple[str, str, str]] = {
    "q": ("Search", "", "search"),
    "tag": ("Tag", "Any tag", "tag"),
    "colour": ("Colour", "Any colour", "select"),
    "orientation": ("Orientation", "Any shape", "select"),
    "size": ("Size", "Any size", "select"),
    "year": ("Year taken", "Any year", "select"),
    "camera": ("Camera", "Any camera", "select"),
    "licence": ("Licence", "Any licence", "select"),
    "source": ("Source", "Any source", "select"),
    "quality": ("Quality", "Any quality", "select"),
    "author": ("Author", "Any author", "hidden"),
    "liked": ("Likes", "Anyone's likes", "select"),
}
# How many tags the tag box offers at once (the completion endpoint's answer, too).
TAG_SUGGESTIONS = 20
TAGS_PER_PAGE = 200


@dataclass(frozen=True)
class FilterField:
    """One filter of the form, with its facet counts, the current choice and the link that drops it."""

    name: str
    label: str
    any_label: str
    kind: str  # search, tag (a text box with completions), select or hidden
    options: list[FacetOption]
    current: str
    remove_url: str

    @property
    def current_label(self) -> str:
        return next((o.label for o in self.options if o.value == self.current), self.current)


def _filter_field(filters: GalleryFilters, name: str, options: list[FacetOption]) -> FilterField | None:
    label, any_label, kind = FILTER_LABELS[name]
    current = getattr(filters, name)
    current = "" if current is None else str(current)
    if name == "liked" and not options and not current:
        return None  # signed out: there are no likes of yours to filter by
    # A value from a shared link that has no images right now still shows as chosen.
    if kind == "select" and current and all(option.value != current for option in options):
        options = [FacetOption(current, current, 0), *options]
    remove_url = gallery_url(filters.without(name))
    return FilterField(name, label, any_label, kind, options, current, remove_url)


@dataclass(frozen=True)
class FilterParts:
    """The filter form's fields, the colour swatches and the active filters' chips, all but "Liked by
    me": the same for everyone looking at one list, so rendered once per list and collection version
    (rendering them was a fifth of a signed-in gallery page's time, bench/README.md)."""

    fields: str
    swatches: str
    chips: str
    active_count: int

    def safe(self, name: str) -> SafeString:
        return mark_safe(getattr(self, name))  # rendered by the template engine, which escaped it


def _filter_parts(filters: GalleryFilters) -> FilterParts:
    key = shared_list_key(filters)
    if key is None:  # counts of one person's likes
        return _render_filter_parts(filters)
    # The links keep the list's sort, which its counts do not depend on. Kept as plain values, so a
    # new version of the class never meets an old pickle of it.
    fields, swatches, chips, active_count = cached_for_this_version(
        "filter-parts", f"{key} {filters.sort}", lambda: astuple(_render_filter_parts(filters))
    )
    return FilterParts(fields, swatches, chips, active_count)


def _render_filter_parts(filters: GalleryFilters) -> FilterParts:
    options = shared_facets(filters)
    shared = [_filter_field(filters, name, options.get(name, [])) for name in FILTER_NAMES if name != "liked"]
    fields = [field for field in shared if field is not None]
    colour = next(field for field in fields if field.name == "colour")
    colour_links = [
        (option, gallery_url(replace(filters, colour="" if option.value == colour.current else option.value)))
        for option in colour.options
        if option.count or option.value == colour.current
    ]
    active = [field for field in fields if field.current]
    return FilterParts(
        fields=render_to_string("gallery/partials/filter_fields.html", {"fields": fields}),
        swatches=render_to_string(
            "gallery/partials/swatches.html", {"colour_links": colour_links, "current": colour.current}
        ),
        chips=render_to_string("gallery/partials/filter_chips.html", {"fields": active}),
        active_count=len(active),
    )


def _without_blanks(request: HttpRequest) -> str | None:
    """The same URL without its blank parameters, or None when it has none (nothing to redirect)."""
    pairs = [(name, value) for name, values in request.GET.lists() for value in values]
    kept = [(name, value) for name, value in pairs if value.strip()]
    if len(kept) == len(pairs):
        return None
    return request.path + (f"?{urlencode(kept)}" if kept else "")


def _gallery_page(request: HttpRequest, filters: GalleryFilters, heading: str) -> HttpResponse:
    count = gallery_count(filters)
    grid = _results_grid(request, filters, count)
    parts = _filter_parts(filters)
    liked_field = _filter_field(filters, "liked", liked_facet(filters))
    context = {
        "count": count,
        "grid": grid_html_for(request, grid),
        "filters": filters,
        "heading": heading,
        "terms": filters.terms,
        "filter_parts": {name: parts.safe(name) for name in ("fields", "swatches", "chips")},
        "liked_field": liked_field,
        "active_count": parts.active_count + (1 if liked_field is not None and liked_field.current else 0),
        "sorts": {**SORTS, RELEVANCE: "Relevance"} if filters.terms else SORTS,
        "clear_url": reverse("gallery:index"),
        "header_search": filters.q,
    }
    return render(request, "gallery/index.html", context)


def _results_grid(request: HttpRequest, filters: GalleryFilters, count: int) -> Grid:
    """The cards and pagination of the page of `filters`' list (of `count` cards) that the request
    asks for, shared by every viewer of that page but for a list of one person's likes."""
    key = versioned_path_key("grid", request) if shared_list_key(filters) is not None else None
    return shared_grid(key, lambda: _render_results_grid(request, filters, count))


def _render_results_grid(request: HttpRequest, filters: GalleryFilters, count: int) -> Grid:
    page = gallery_page(
        gallery_cards(filters),
        sort=list_sort(filters),
        count=count,
        per_page=pagination.PAGE_SIZE,
        query=request.GET,
    )
    if not page.object_list:
        return Grid(("",), ())
    context = {"page": page, "list_query": list_query(filters), "in_gallery_list": True}
    return render_grid("gallery/partials/results_grid.html", context, with_card_tags(page.object_list))


def _heading(filters: GalleryFilters) -> str:
    if filters.q:
        return f"Photos matching “{Truncator(filters.q).chars(80)}”"
    return "Filtered photos" if filters.active else "Gallery"


def requested_filters(request: HttpRequest) -> GalleryFilters:
    """The gallery list the request's query string names, as seen by the requesting person."""
    return replace(filters_in_query(request.GET.urlencode()), viewer_id=request.user.pk)


@lru_cache(maxsize=1024)
def filters_in_query(query_string: str) -> GalleryFilters:
    """The filters a query string names. Reading them is pure (the form's fields, no database) and
    GalleryFilters is frozen, so each process reads a query string once: validating the form was
    0.6 ms of a signed-in gallery page's 8."""
    return GalleryFilterForm(QueryDict(query_string)).filters()


@require_GET
@cached_for_visitors
def gallery_index(request: HttpRequest) -> HttpResponse:
    clean = _without_blanks(request)
    if clean is not None:
        return redirect(clean)
    filters = requested_filters(request)
    return _gallery_page(request, filters, _heading(filters))


@require_GET
@cached_for_visitors
def tag_page(request: HttpRequest, name: str) -> HttpResponse:
    """A tag's photos: the gallery filtered by it, at an address of its own."""
    clean = _without_blanks(request)
    if clean is not None:
        return redirect(clean)
    tag = tag_or_404(name)
    filters = replace(requested_filters(request), tag=tag.name)
    return _gallery_page(request, filters, f"Photos tagged “{tag.name}”")


@require_GET
@cached_for_visitors
def author_page(request: HttpRequest, name: str) -> HttpResponse:
    """An author's photos: the gallery filtered by exactly this credit."""
    clean = _without_blanks(request)
    if clean is not None:
        return redirect(clean)
    author = author_or_404(name)
    filters = replace(requested_filters(request), author=author)
    return _gallery_page(request, filters, f"Photos by {author}")


@require_GET
def tags_index(request: HttpRequest) -> HttpResponse:
    """Every tag with its number of pictures, a page of names at a time: no tag is out of reach."""
    page = Paginator(all_tags(), TAGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "gallery/tags.html", {"page": page})


@require_GET
def tag_suggest(request: HttpRequest) -> JsonResponse:
    """Tags containing `prefix`, most common first, counted under the gallery's other filters."""
    filters = requested_filters(request)
    text = clean_search_text((request.GET.get("prefix") or "")[:MAX_TAG_LENGTH])  # no NUL for PostgreSQL
    options = tag_suggestions(filters, text, limit=TAG_SUGGESTIONS)
    return JsonResponse({"tags": [{"name": option.value, "count": option.count} for option in options]})


def _photo_in_list_context(request: HttpRequest, image: Image) -> dict[str, object]:
    """What the photo page and the viewer show about the list the photo was opened from."""
    filters = requested_filters(request)
    position = shared_position_in_list(
        image, filters, page_size=pagination.PAGE_SIZE, numbered_pages=pagination.OFFSET_PAGES
    )
    web_width, web_height = scaled_size(image.width, image.height, PREVIEW_LONG_EDGE)
    return {
        "image": image,
        "list_query": list_query(filters),
        "position": position,
        "gallery_url": gallery_list_url(filters, position, image_pk=image.pk),
        "credit": image_credit(image),
        "web_size": (web_width, web_height) if image.preview else (image.width, image.height),
    }


def _image_page_context(request: HttpRequest, pk: int, tag_form: TagForm) -> dict[str, object]:
    """The photo page: its facts as everyone sees them, then what is this person's own."""
    facts = photo_facts(pk)
    image = facts.image
    likes = like_state(request.user, pk)
    image.like_count = likes.count  # a like changes it without a new collection version
    return {
        **_photo_in_list_context(request, image),
        "colours": facts.colours,
        "tag_groups": group_tags(facts.image_tags, request.user.pk),
        "liked": likes.liked,
        "tag_form": tag_form,
        "suggestions": photo_suggestions(image, request.user) if request.user.is_authenticated else [],
        "versions": facts.versions,
        "quality_reasons": quality_reasons(image),
        "quality_breakdown": quality_breakdown(image),
    }


@require_GET
@cached_for_visitors
def image_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "gallery/image_detail.html", _image_page_context(request, pk, TagForm()))


def _names_own_list(request: HttpRequest) -> bool:
    return is_own_list(requested_filters(request))


@require_GET
def image_viewer(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The full-screen viewer's content for one photo in a list: a fragment that viewer.js shows."""
    response = _viewer_body(request, pk)
    response["X-Robots-Tag"] = "noindex"
    return response


@cached_alike_for_everyone(unless=_names_own_list)
def _viewer_body(request: HttpRequest, pk: int) -> HttpResponse:
    # The same for everyone who opens the photo from the same list: nothing in it is a person's own.
    image = photo_facts(pk).image
    image.like_count = like_count(image)  # its place in a list sorted by likes reads the count now
    return render(request, "gallery/partials/viewer_body.html", _photo_in_list_context(request, image))


@login_required
@require_GET
def my_likes(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = Paginator(liked_images(user), pagination.PAGE_SIZE).get_page(request.GET.get("page"))
    # Every photo here is liked; the hearts read this like any grid's.
    context = {"page": page, "liked_ids": {image.pk for image in page.object_list}}
    return render(request, "gallery/my_likes.html", context)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _safe_next(request: HttpRequest) -> str | None:
    """The page a like form came from (the grid or the photo), when it is on this site."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target.startswith("/") and allowed else None


@require_POST
def like(request: HttpRequest, pk: int) -> HttpResponse:
    image = visible_image_or_404(pk)
    image_url = reverse("gallery:image", args=[image.pk])
    back = _safe_next(request)
    if not request.user.is_authenticated:
        # Back to the page after logging in: the like URL itself only takes POST.
        return redirect_to_login(back or image_url)
    if request.POST.get("action") == "unlike":
        unlike_image(user=request.user, image=image)
        liked = False
    else:
        like_image(user=request.user, image=image)
        liked = True
    if _wants_json(request):
        count = like_count(image)
        return JsonResponse({"liked": liked, "count": count})
    return redirect(back or f"{image_url}#like")


@require_POST
def add_tag(request: HttpRequest, pk: int) -> HttpResponse:
    image_url = reverse("gallery:image", args=[pk])
    if not request.user.is_authenticated:
        return redirect_to_login(image_url)
    image = image_for_page(pk)
    form = TagForm(request.POST)
    if form.is_valid():
        try:
            image_tag = add_user_tag(user=request.user, image=image, raw=form.cleaned_data["tag"])
        except InvalidTag as exc:  # the form already normalised; kept for safety
            form.add_error("tag", str(exc))
        else:
            messages.success(request, f"Tagged “{image_tag.tag.name}”.")
            return redirect(f"{image_url}#tags")
    context = _image_page_context(request, pk, form)
    return render(request, "gallery/image_detail.html", context, status=400)


@require_POST
@login_required
def remove_tag(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    image_tag = get_own_image_tag_or_404(user, pk)
    image_id, name = image_tag.image_id, image_tag.tag.name
    remove_user_tag(user=user, image_tag_id=image_tag.pk)
    messages.success(request, f"Removed your tag “{name}”.")
    return redirect(reverse("gallery:image", args=[image_id]) + "#tags")


@require_POST
def answer_suggestion(request: HttpRequest, pk: int, tag_id: int) -> HttpResponse:
    """✓ adds a suggested tag to the photo, ✗ hides it from this person for good; both teach the model."""
    image_url = reverse("gallery:image", args=[pk])
    if not request.user.is_authenticated:
        return redirect_to_login(image_url)
    user = signed_in_user(request)
    form = SuggestionAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Answer a suggestion with ✓ or ✗.")
        return redirect(f"{image_url}#suggestions")
    suggestion = suggestion_for_user_or_404(user, image_id=pk, tag_id=tag_id)
    record_answer(user=user, suggestion=suggestion, verdict=form.cleaned_data["verdict"])
    name = suggestion.tag.name
    if form.cleaned_data["verdict"] == Verdict.ACCEPT:
        messages.success(request, f"Tagged “{name}”. Thanks: suggestions learn from your answer.")
    else:
        messages.success(request, f"“{name}” will not be suggested to you on this photo again.")
    return redirect(f"{image_url}#suggestions")
