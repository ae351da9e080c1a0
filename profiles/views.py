"""The taste dashboard (/me/), public profiles, their SVG charts, and the collection statistics."""

from __future__ import annotations

from typing import Any

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from gallery.embedding import embedder_info
from gallery.photo_lists import liked_image_ids
from gallery.selectors import visible_images
from gallery.visual_features import photos_with_visual_features
from profiles import selectors, services
from profiles.charts.collection import COLLECTION_CHARTS
from profiles.charts.user import USER_CHARTS
from profiles.models import ProfileSnapshot

INTEREST_THUMBNAILS = 6
INTEREST_PAGE_SIZE = 24


def _get_profile_owner_for(request: HttpRequest, username: str) -> AbstractBaseUser:
    return selectors.profile_owner_for(request.user, username)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, AbstractBaseUser)  # login_required guarantees it
    return _render_profile(request, request.user)


@require_GET
def public_profile(request: HttpRequest, username: str) -> HttpResponse:
    owner = selectors.profile_owner(username)
    if not selectors.may_see_profile(request.user, owner):
        return render(request, "profiles/private.html", {"owner": owner}, status=403)
    return _render_profile(request, owner)


@require_GET
def user_chart(request: HttpRequest, username: str, chart: str) -> HttpResponse:
    owner = _get_profile_owner_for(request, username)
    if chart not in USER_CHARTS:
        raise Http404("No such chart.")
    snapshot = services.current_snapshot(owner)
    if snapshot is None:
        raise Http404("No profile yet.")
    return _svg_response(services.user_chart_svg(snapshot=snapshot, name=chart), private=True)


@login_required
@require_POST
def set_public(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, AbstractBaseUser)
    is_public = request.POST.get("is_public") == "1"
    services.set_profile_public(user=request.user, is_public=is_public)
    if is_public:
        messages.success(request, "Your profile is now public: anyone with the link can see it.")
    else:
        messages.success(request, "Your profile is now private: only you can see it.")
    return redirect("profiles:me")


@require_GET
@csp_replace({"object-src": [SELF]})
def stats(request: HttpRequest) -> HttpResponse:
    image_count = visible_images().count()
    coverage = services.collection_chart_coverage() if image_count else {}
    charts = [
        {
            "name": chart.name,
            "title": chart.title,
            "caption": chart.caption,
            "links": chart.links,
            "coverage": coverage_note(coverage.get(chart.name, image_count), image_count, chart.others_lack),
        }
        for chart in COLLECTION_CHARTS.values()
    ]
    return render(
        request,
        "profiles/stats.html",
        {
            "charts": charts,
            "image_count": image_count,
            "embedder": embedder_info(),
            "featured_count": photos_with_visual_features(),
        },
    )


def coverage_note(covered: int, total: int, others_lack: str) -> str:
    """ "Based on 4 of 104 photos: the others have no date taken." when a chart rests on a part."""
    if covered >= total:
        return ""
    return f"Based on {covered} of {total} photos: the others {others_lack}."


# The mosaic and the map link their marks to the photos, so the stats page embeds them as documents
# (<object>): the page allows objects from the site, and the charts allow the site to embed them. As
# documents they are under their own CSP, so they allow the style attributes matplotlib paints with
# and the pictures it embeds; they hold no script, and every text in them is escaped.
CHART_DOCUMENT_CSP = {
    "frame-ancestors": [SELF],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:"],  # the map's thumbnails are PNGs inside the SVG
}


@require_GET
@xframe_options_sameorigin
@csp_replace(CHART_DOCUMENT_CSP)  # type: ignore[arg-type]  # typed for views without URL arguments
def stats_chart_svg(request: HttpRequest, chart: str) -> HttpResponse:
    if chart not in COLLECTION_CHARTS:
        raise Http404("No such chart.")
    return _svg_response(services.collection_chart(name=chart, kind="svg"), private=False)


@require_GET
def stats_chart_csv(request: HttpRequest, chart: str) -> HttpResponse:
    if chart not in COLLECTION_CHARTS:
        raise Http404("No such chart.")
    response = HttpResponse(
        services.collection_chart(name=chart, kind="csv"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="imgsite-{chart}.csv"'
    return response


def _render_profile(request: HttpRequest, owner: AbstractBaseUser) -> HttpResponse:
    snapshot = services.current_snapshot(owner)
    profile = snapshot.data if snapshot is not None else {}
    context: dict[str, Any] = {
        "owner": owner,
        "is_owner": request.user.pk == owner.pk,
        "is_public": selectors.profile_is_public(owner),
        "snapshot": snapshot,
        "profile": profile,
        "has_profile": bool(profile.get("image_count")),
        "charts": _chart_links(owner, snapshot),
        "interests": _interests_with_images(profile.get("interests") or []),
        "cameras": shares_of(
            [(str(row["camera"]), float(row["weight"])) for row in profile.get("cameras") or []]
        ),
        "colour_families": shares_of(
            sorted(
                (
                    (str(family), float(share))
                    for family, share in (profile.get("colour_families") or {}).items()
                ),
                key=lambda pair: -pair[1],
            )
        ),
        "years": shares_of(
            [(str(year), float(weight)) for year, weight in (profile.get("years") or {}).items()]
        ),
    }
    return render(request, "profiles/dashboard.html", context)


def shares_of(weights: list[tuple[str, float]]) -> list[dict[str, Any]]:
    """Label and whole percent of the total weight, in the given order. A profile weighs a like and a
    tag differently (1.5 for a photo liked and tagged); people read shares, not those weights."""
    total = sum(weight for _, weight in weights)
    if total <= 0:
        return []
    return [{"label": label, "percent": round(100 * weight / total)} for label, weight in weights]


@require_GET
def interest_photos(request: HttpRequest, username: str, number: int) -> HttpResponse:
    """Every photo of one interest on a profile ("+7 more" on its card), in the interest's order."""
    owner = _get_profile_owner_for(request, username)
    snapshot = services.current_snapshot(owner)
    interests = (snapshot.data.get("interests") or []) if snapshot is not None else []
    if not 0 <= number < len(interests):
        raise Http404("No such interest.")
    interest = interests[number]
    page = Paginator(interest["member_image_ids"], INTEREST_PAGE_SIZE).get_page(request.GET.get("page"))
    found = visible_images().in_bulk(list(page.object_list))
    images = [found[pk] for pk in page.object_list if pk in found]
    context = {
        "owner": owner,
        "is_owner": request.user.pk == owner.pk,
        "interest": interest,
        "page": page,
        "images": images,
        "liked_ids": liked_image_ids(request.user, images),
    }
    return render(request, "profiles/interest.html", context)


def _chart_links(owner: AbstractBaseUser, snapshot: ProfileSnapshot | None) -> dict[str, dict[str, str]]:
    """Chart name -> title and URL. The snapshot id in the query string busts browser caches."""
    if snapshot is None:
        return {}
    return {
        name: {
            "title": title,
            "url": reverse("profiles:user_chart", args=[owner.get_username(), name]) + f"?v={snapshot.pk}",
        }
        for name, (title, _) in USER_CHARTS.items()
    }


def _interests_with_images(interests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each interest with its representative and first member Image rows, for thumbnails."""
    wanted = {i for interest in interests for i in interest["member_image_ids"][:INTEREST_THUMBNAILS]}
    images = visible_images().in_bulk(wanted)
    enriched = []
    for interest in interests:
        members = [images[i] for i in interest["member_image_ids"][:INTEREST_THUMBNAILS] if i in images]
        enriched.append({**interest, "images": members, "more": max(0, interest["size"] - len(members))})
    return enriched


def _svg_response(svg: str, *, private: bool) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    # Profiles are personal: browsers may keep them, shared caches may not.
    response["Cache-Control"] = "private, max-age=300" if private else "public, max-age=300"
    return response
