"""The recommender's JSON API: your recommendations with their reasons, "not interested"; for staff,
a rebuild."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError

from gallery.api import photo_card
from gallery.selectors import visible_image_or_404
from imgsite.api_auth import SIGNED_IN, signed_in_user, staff_user, writing_user
from imgsite.api_problems import Problem, with_errors
from recommender import services
from recommender.schemas import NotInterestedState, PickOut, ReasonOut, RebuildQueued, Recommendations

router = Router(tags=["recommendations"], auth=SIGNED_IN)
staff_router = Router(tags=["staff"], auth=SIGNED_IN)

REBUILD_PERMISSION = "recommender.view_recommendermodel"  # what the admin's "Rebuild now" asks


def pick_out(request: HttpRequest, pick: services.Pick) -> PickOut:
    return PickOut(
        photo=photo_card(request, pick.image),
        reason=ReasonOut(
            kind=pick.kind,  # type: ignore[arg-type]
            text=pick.text,
            liked_photo_id=pick.liked_image.pk if pick.liked_image else None,
            interest=pick.reason.interest,
            tag=pick.reason.tag,
            colour=pick.reason.colour,
        ),
    )


@router.get("/me/recommendations", response=with_errors({200: Recommendations}), url_name="recommendations")
def recommendations(
    request: HttpRequest, count: int = Query(services.FOR_YOU_COUNT, ge=1, le=100)
) -> Recommendations:
    """Photos picked for you, each with the reason it was picked, as on /for-you/."""
    page = services.for_you(signed_in_user(request), count=count)
    return Recommendations(
        items=[pick_out(request, pick) for pick in page.picks],
        fallback=page.fallback,
        model_built_at=page.built_at,
        like_count=page.like_count,
    )


@router.put(
    "/photos/{int:photo_id}/not-interested",
    response=with_errors({200: NotInterestedState}),
    url_name="not_interested",
)
def not_interested(request: HttpRequest, photo_id: int) -> NotInterestedState:
    """Hide a photo from your recommendations; it also counts against photos like it."""
    user = writing_user(request)
    services.mark_not_interested(user=user, image=visible_image_or_404(photo_id))
    return NotInterestedState(not_interested=True)


@router.delete("/photos/{int:photo_id}/not-interested", response=with_errors({200: NotInterestedState}))
def undo_not_interested(request: HttpRequest, photo_id: int) -> NotInterestedState:
    """Take back a "not interested"."""
    user = writing_user(request)
    services.undo_not_interested(user=user, image=visible_image_or_404(photo_id))
    return NotInterestedState(not_interested=False)


@staff_router.post(
    "/recommender/rebuild", response=with_errors({202: RebuildQueued, 503: Problem}), url_name="rebuild"
)
def rebuild(request: HttpRequest) -> Status[RebuildQueued]:
    """Queue a rebuild of the recommender model, as the admin's "Rebuild now" does."""
    writing_user(request)
    staff_user(request, permission=REBUILD_PERMISSION)
    if not services.schedule_rebuild():
        raise HttpError(503, services.REBUILD_NOT_QUEUED)
    return Status(
        202,
        RebuildQueued(
            queued=True,
            detail="A rebuild has been queued; GET /api/v1/me/recommendations shows its picks once built.",
        ),
    )
