"""/for-you/, "not interested", and the home page. Small function views: load, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from gallery.card_grids import Grid, grid_html_for, render_grid, shared_grid
from gallery.page_cache import cached_for_visitors, versioned_path_key
from gallery.selectors import best_images, visible_image_or_404, visible_images
from imgsite.auth import signed_in_user
from recommender import selectors, services

HOME_SECTION_SIZE = 10  # two full rows on a desktop grid of five
HOME_PICKS = 4


@require_GET
@cached_for_visitors
def home(request: HttpRequest) -> HttpResponse:
    picks = []
    if request.user.is_authenticated:
        picks = services.for_you(signed_in_user(request), count=HOME_PICKS).picks
    sections = shared_grid(versioned_path_key("home", request), _render_home_sections)
    return render(
        request, "recommender/home.html", {"picks": picks, "sections": grid_html_for(request, sections)}
    )


def _render_home_sections() -> Grid:
    """The popular, best and newest photos, the same for everyone (gallery.card_grids)."""
    popular = selectors.popular_images(limit=HOME_SECTION_SIZE)
    fresh = selectors.fresh_images(limit=HOME_SECTION_SIZE, exclude=[image.pk for image in popular])
    best = best_images(limit=HOME_SECTION_SIZE)
    context = {"popular": popular, "best": best, "fresh": fresh}
    return render_grid("recommender/partials/home_sections.html", context, [*popular, *best, *fresh])


@require_GET
@login_required
def for_you(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = services.for_you(user)
    just_hidden = None
    hidden_pk = request.GET.get("hidden", "")
    if hidden_pk.isdigit() and int(hidden_pk) in selectors.not_interested_image_ids(user):
        just_hidden = visible_images().filter(pk=int(hidden_pk)).first()
    return render(request, "recommender/for_you.html", {"page": page, "just_hidden": just_hidden})


@require_POST
@login_required
def not_interested(request: HttpRequest, pk: int) -> HttpResponse:
    # Always for the signed-in user: nothing in the request can name somebody else.
    image = visible_image_or_404(pk)
    services.mark_not_interested(user=signed_in_user(request), image=image)
    return redirect(f"{reverse('recommender:for_you')}?hidden={image.pk}")


@require_POST
@login_required
def undo_not_interested(request: HttpRequest, pk: int) -> HttpResponse:
    image = visible_image_or_404(pk)
    if services.undo_not_interested(user=signed_in_user(request), image=image):
        messages.success(request, "The photo is back among your picks.")
    return redirect("recommender:for_you")
