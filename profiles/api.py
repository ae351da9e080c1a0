"""The profiles app's JSON API: your taste profile, other people's public profiles, and the
statistics behind the /stats/ charts. Same selectors and services as the pages."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Path, Router

from gallery.embedding import embedder_info
from gallery.selectors import visible_images
from gallery.visual_features import photos_with_visual_features
from imgsite.api_auth import SIGNED_IN, caller_of, signed_in_user
from imgsite.api_problems import with_errors
from profiles import selectors, services
from profiles.charts.collection import COLLECTION_CHARTS
from profiles.schemas import ChartData, ChartSummary, Statistics, TasteProfile, VisualFeatures

router = Router(tags=["profiles"])
stats_router = Router(tags=["statistics"])

# Django's username rule (letters, digits and @ . + - _); anything else names nobody.
USERNAME_PATTERN = r"^[\w.@+-]+$"


def taste_profile(owner: AbstractBaseUser) -> TasteProfile:
    snapshot = services.current_snapshot(owner)
    return TasteProfile(
        username=owner.get_username(),
        is_public=selectors.profile_is_public(owner),
        computed_at=snapshot.computed_at if snapshot else None,
        profile=snapshot.data if snapshot else {},
    )


@router.get("/me/profile", response=with_errors({200: TasteProfile}), auth=SIGNED_IN, url_name="my_profile")
def my_profile(request: HttpRequest) -> TasteProfile:
    """Your taste profile, learned from your likes and tags."""
    return taste_profile(signed_in_user(request))


@router.get("/users/{username}/profile", response=with_errors({200: TasteProfile}), url_name="profile")
def public_profile(
    request: HttpRequest, username: str = Path(..., pattern=USERNAME_PATTERN, max_length=150)
) -> TasteProfile:
    """Someone's taste profile, if they made it public (yours, and any to staff); otherwise 404."""
    return taste_profile(selectors.profile_owner_for(caller_of(request).user, username))


def _chart_summary(request: HttpRequest, name: str) -> ChartSummary:
    chart = COLLECTION_CHARTS[name]
    return ChartSummary(
        name=chart.name,
        title=chart.title,
        caption=chart.caption,
        svg=request.build_absolute_uri(reverse("profiles:stats_chart", args=[name])),
        csv=request.build_absolute_uri(reverse("profiles:stats_csv", args=[name])),
        data=request.build_absolute_uri(reverse("api-1:chart", args=[name])),
    )


@stats_router.get("", response=with_errors({200: Statistics}), url_name="stats")
def statistics(request: HttpRequest) -> Statistics:
    """The collection's charts, as on /stats/, with links to each one's data."""
    embedder = embedder_info()
    return Statistics(
        photo_count=visible_images().count(),
        visual_features=VisualFeatures(
            embedder=embedder.name,
            kind=embedder.kind,
            description=embedder.description,
            photo_count=photos_with_visual_features(),
        ),
        charts=[_chart_summary(request, name) for name in COLLECTION_CHARTS],
    )


@stats_router.get("/{chart}", response=with_errors({200: ChartData}), url_name="chart")
def chart_data(request: HttpRequest, chart: str) -> ChartData:
    """The rows behind one chart: the same data as its CSV on /stats/."""
    if chart not in COLLECTION_CHARTS:
        raise Http404("No such chart.")
    spec = COLLECTION_CHARTS[chart]
    return ChartData(
        name=spec.name,
        title=spec.title,
        caption=spec.caption,
        rows=services.collection_chart_rows(name=chart),
    )
