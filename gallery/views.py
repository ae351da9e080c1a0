"""The public site: the gallery grid, an image's page, liking and tagging.

Views validate with a form, call one selector or service, and render or redirect. State changes
are POST only (CSRF-protected by the middleware); the like view also answers JSON for the small
script that likes without a reload.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from gallery.analysis.thumbnails import PREVIEW_LONG_EDGE
from gallery.credits import image_credit
from gallery.forms import GalleryFilterForm, TagForm
from gallery.models import Image
from gallery.photo_lists import liked_image_ids, liked_images, list_query, position_in_list
from gallery.selectors import (
    SORTS,
    FacetOption,
    Facets,
    GalleryFilters,
    gallery_facets,
    gallery_images,
    get_own_image_tag_or_404,
    group_tags,
    image_for_page,
    like_count,
    other_versions,
    quality_breakdown,
    quality_reasons,
    user_likes_image,
    visible_image_or_404,
)
from gallery.services.social import add_user_tag, like_image, remove_user_tag, unlike_image
from gallery.tagging import InvalidTag
from gallery.templatetags.gallery_extras import scaled_size
from imgsite.auth import signed_in_user

PAGE_SIZE = 24


@dataclass(frozen=True)
class FilterField:
    """One select in the filter bar, with its facet counts and the current choice."""

    name: str
    label: str
    any_label: str
    options: list[FacetOption]
    current: str

    @property
    def current_label(self) -> str:
        return next((o.label for o in self.options if o.value == self.current), self.current)


def _filter_fields(filters: GalleryFilters, facets: Facets) -> list[FilterField]:
    labels = [
        ("tag", "Tag", "Any tag"),
        ("colour", "Colour", "Any colour"),
        ("orientation", "Orientation", "Any shape"),
        ("size", "Size", "Any size"),
        ("year", "Year taken", "Any year"),
        ("camera", "Camera", "Any camera"),
        ("licence", "Licence", "Any licence"),
        ("source", "Source", "Any source"),
        ("quality", "Quality", "Any quality"),
        ("liked", "Likes", "Anyone's likes"),
    ]
    fields = []
    for name, label, any_label in labels:
        current = getattr(filters, name)
        current = "" if current is None else str(current)
        options = facets.options.get(name, [])
        if name == "liked" and not options and not current:
            continue  # signed out: there are no likes of yours to filter by
        # A value from a shared link that has no images right now still shows as chosen.
        if current and all(option.value != current for option in options):
            options = [FacetOption(current, current, 0), *options]
        fields.append(FilterField(name, label, any_label, options, current))
    return fields


def requested_filters(request: HttpRequest) -> GalleryFilters:
    """The gallery list the request's query string names, as seen by the requesting person."""
    return replace(GalleryFilterForm(request.GET).filters(), viewer_id=request.user.pk)


@require_GET
def gallery_index(request: HttpRequest) -> HttpResponse:
    filters = requested_filters(request)
    page = Paginator(gallery_images(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    fields = _filter_fields(filters, gallery_facets(filters))
    context = {
        "page": page,
        "filters": filters,
        "filter_fields": fields,
        "active_fields": [field for field in fields if field.current],
        "sorts": SORTS,
        "list_query": list_query(filters),
        "liked_ids": liked_image_ids(request.user, page.object_list),
        "in_gallery_list": True,
    }
    return render(request, "gallery/index.html", context)


def gallery_list_url(filters: GalleryFilters, *, page_number: int, image_pk: int) -> str:
    """The gallery page that shows the photo, in the list it was opened from, scrolled to its card."""
    query = list_query(filters)
    if page_number > 1:
        query += f"{'&' if query else '?'}page={page_number}"
    return f"{reverse('gallery:index')}{query}#photo-{image_pk}"


def _photo_in_list_context(request: HttpRequest, image: Image) -> dict[str, object]:
    """What the photo page and the viewer show about the list the photo was opened from."""
    filters = requested_filters(request)
    position = position_in_list(image, filters, page_size=PAGE_SIZE)
    web_width, web_height = scaled_size(image.width, image.height, PREVIEW_LONG_EDGE)
    return {
        "image": image,
        "list_query": list_query(filters),
        "position": position,
        "gallery_url": gallery_list_url(filters, page_number=position.page_number, image_pk=image.pk),
        "credit": image_credit(image),
        "web_size": (web_width, web_height) if image.preview else (image.width, image.height),
    }


def _image_page_context(request: HttpRequest, image: Image, tag_form: TagForm) -> dict[str, object]:
    return {
        **_photo_in_list_context(request, image),
        "colours": list(image.colours.all()),
        "tag_groups": group_tags(list(image.image_tags.all()), request.user.pk),
        "liked": user_likes_image(request.user, image),
        "tag_form": tag_form,
        "versions": list(other_versions(image)),
        "quality_reasons": quality_reasons(image),
        "quality_breakdown": quality_breakdown(image),
    }


@require_GET
def image_detail(request: HttpRequest, pk: int) -> HttpResponse:
    image = image_for_page(pk)
    return render(request, "gallery/image_detail.html", _image_page_context(request, image, TagForm()))


@require_GET
def image_viewer(request: HttpRequest, pk: int) -> HttpResponse:
    """The full-screen viewer's content for one photo in a list: a fragment that viewer.js shows."""
    image = image_for_page(pk)
    response = render(request, "gallery/partials/viewer_body.html", _photo_in_list_context(request, image))
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_GET
def my_likes(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = Paginator(liked_images(user), PAGE_SIZE).get_page(request.GET.get("page"))
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
    context = _image_page_context(request, image, form)
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
