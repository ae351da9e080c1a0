"""The public site: the gallery grid, an image's page, liking and tagging.

Views validate with a form, call one selector or service, and render or redirect. State changes
are POST only (CSRF-protected by the middleware); the like view also answers JSON for the small
script that likes without a reload.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from gallery.forms import GalleryFilterForm, SuggestionAnswerForm, TagForm
from gallery.models import Image, Verdict
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
from gallery.services.tag_suggestions import answer_suggestion as record_answer
from gallery.tag_selectors import photo_suggestions, suggestion_for_user_or_404
from gallery.tagging import InvalidTag
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
    ]
    fields = []
    for name, label, any_label in labels:
        current = getattr(filters, name)
        current = "" if current is None else str(current)
        options = facets.options.get(name, [])
        # A value from a shared link that has no images right now still shows as chosen.
        if current and all(option.value != current for option in options):
            options = [FacetOption(current, current, 0), *options]
        fields.append(FilterField(name, label, any_label, options, current))
    return fields


@require_GET
def gallery_index(request: HttpRequest) -> HttpResponse:
    filters = GalleryFilterForm(request.GET).filters()
    page = Paginator(gallery_images(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    fields = _filter_fields(filters, gallery_facets(filters))
    context = {
        "page": page,
        "filters": filters,
        "filter_fields": fields,
        "active_fields": [field for field in fields if field.current],
        "sorts": SORTS,
    }
    return render(request, "gallery/index.html", context)


def _image_page_context(request: HttpRequest, image: Image, tag_form: TagForm) -> dict[str, object]:
    return {
        "image": image,
        "colours": list(image.colours.all()),
        "tag_groups": group_tags(list(image.image_tags.all()), request.user.pk),
        "liked": user_likes_image(request.user, image),
        "tag_form": tag_form,
        "suggestions": photo_suggestions(image, request.user) if request.user.is_authenticated else [],
        "versions": list(other_versions(image)),
        "quality_reasons": quality_reasons(image),
        "quality_breakdown": quality_breakdown(image),
    }


@require_GET
def image_detail(request: HttpRequest, pk: int) -> HttpResponse:
    image = image_for_page(pk)
    return render(request, "gallery/image_detail.html", _image_page_context(request, image, TagForm()))


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def like(request: HttpRequest, pk: int) -> HttpResponse:
    image = visible_image_or_404(pk)
    image_url = reverse("gallery:image", args=[image.pk])
    if not request.user.is_authenticated:
        # Back to the photo after logging in: the like URL itself only takes POST.
        return redirect_to_login(image_url)
    if request.POST.get("action") == "unlike":
        unlike_image(user=request.user, image=image)
        liked = False
    else:
        like_image(user=request.user, image=image)
        liked = True
    if _wants_json(request):
        count = like_count(image)
        return JsonResponse({"liked": liked, "count": count})
    return redirect(f"{image_url}#like")


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
