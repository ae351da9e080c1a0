"""The gallery's JSON API: photos (the gallery's filters and sorts, cursor pages), a photo's full
record, similar photos, your likes and your tags; and, for staff, ingest jobs.

Each endpoint reads through `gallery.selectors` and writes through `gallery.services`, the same
functions the pages use, so the API and the site cannot disagree about which photos are visible,
which colour family a photo is in, or how a tag is normalised.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Status
from ninja.errors import HttpError

from gallery.admin_views import IngestJobStartForm
from gallery.analysis.palette import photo_families
from gallery.credits import image_credit
from gallery.cursor import InvalidCursor, cursor_page, decode_cursor, sign_key
from gallery.forms import GalleryFilterForm, TagForm
from gallery.models import Image, IngestJob, Like
from gallery.schemas import (
    Attribution,
    Camera,
    ColourOut,
    Duplicates,
    Files,
    IngestJobIn,
    IngestJobOut,
    LikeOut,
    LikePage,
    LikeState,
    Links,
    Location,
    Metadata,
    NewTag,
    PhotoCard,
    PhotoFilters,
    PhotoPage,
    PhotoRecord,
    Quality,
    SimilarPhotos,
    SuggestionAnswerIn,
    SuggestionAnswerOut,
    SuggestionOut,
    TagIn,
    TagOut,
)
from gallery.selectors import (
    gallery_images,
    get_own_image_tag_or_404,
    group_tags,
    image_for_page,
    like_count,
    list_sort,
    other_versions,
    quality_reasons,
    user_likes_image,
    visible_image_or_404,
)
from gallery.services.jobs import create_ingest_job
from gallery.services.social import add_user_tag, like_image, remove_user_tag, unlike_image
from gallery.services.tag_suggestions import answer_suggestion as record_answer
from gallery.tag_selectors import photo_suggestions, suggestion_for_user_or_404
from gallery.tagging import InvalidTag
from imgsite.api_auth import SIGNED_IN, caller_of, signed_in_user, staff_user, writing_user
from imgsite.api_problems import with_errors
from recommender.selectors import images_in_order
from recommender.services import current_model, similar_image_ids

router = Router(tags=["photos"])
likes_router = Router(tags=["likes"], auth=SIGNED_IN)
tags_router = Router(tags=["tags"], auth=SIGNED_IN)
staff_router = Router(tags=["staff"], auth=SIGNED_IN)

INGEST_PERMISSION = "gallery.add_ingestjob"  # what the admin's "start an ingest job" page asks


# --- Building the JSON ---------------------------------------------------------------------------


def _absolute(request: HttpRequest, url: str) -> str:
    return request.build_absolute_uri(url)


def _file_url(request: HttpRequest, field: Any) -> str | None:
    return _absolute(request, field.url) if field else None


def photo_links(request: HttpRequest, image_id: int) -> Links:
    return Links(
        api=_absolute(request, reverse("api-1:photo", args=[image_id])),
        page=_absolute(request, reverse("gallery:image", args=[image_id])),
    )


def photo_card(request: HttpRequest, image: Image) -> PhotoCard:
    return PhotoCard(
        id=image.pk,
        title=image.title,
        width=image.width,
        height=image.height,
        orientation=image.orientation,
        like_count=int(getattr(image, "like_count", 0)),
        other_versions=int(getattr(image, "other_versions", 0)),
        thumbnail=_file_url(request, image.thumbnail),
        links=photo_links(request, image.pk),
    )


def _tags(image: Image, viewer_id: int | None) -> list[TagOut]:
    groups = group_tags(list(image.image_tags.all()), viewer_id)
    return [
        *(TagOut(name=chip.name, origin="source") for chip in groups.source),
        *(
            TagOut(name=chip.name, origin="user", people=chip.count, your_tag_id=chip.own_tag_id)
            for chip in groups.user
        ),
        *(TagOut(name=chip.name, origin="suggested") for chip in groups.suggested),
        *(TagOut(name=chip.name, origin="auto") for chip in groups.auto),
    ]


def _metadata(image: Image) -> Metadata:
    latitude, longitude = image.gps_latitude, image.gps_longitude
    location = (
        None
        if latitude is None or longitude is None
        else Location(latitude=latitude, longitude=longitude, altitude=image.gps_altitude)
    )
    return Metadata(
        width=image.width,
        height=image.height,
        megapixels=image.megapixels,
        format=image.format,
        file_size=image.file_size,
        orientation=image.orientation,
        size_class=image.size_class,
        taken_at=image.taken_at,
        taken_at_offset=image.taken_at_offset,
        camera=Camera(
            make=image.camera_make,
            model=image.camera_model,
            lens=image.lens,
            iso=image.iso,
            f_number=image.f_number,
            exposure_time=image.exposure_time,
            focal_length=image.focal_length,
        ),
        location=location,
        added_at=image.created_at,
    )


def _attribution(image: Image) -> Attribution:
    return Attribution(
        title=image.title,
        author=image.author,
        licence=image.licence,
        licence_url=image.licence_url,
        credit=image_credit(image).text,
        source=image.source,
        source_id=image.source_id,
        source_page=image.source_page_url,
    )


def photo_record(request: HttpRequest, image: Image) -> PhotoRecord:
    viewer = caller_of(request).user
    colours = list(image.colours.all())
    versions = list(other_versions(image))
    return PhotoRecord(
        id=image.pk,
        title=image.title,
        description=image.description,
        metadata=_metadata(image),
        colours=[
            ColourOut(
                rank=c.rank,
                hex=c.hex,
                rgb=[c.red, c.green, c.blue],
                share=c.share,
                name=c.name,
                family=c.family,
            )
            for c in colours
        ],
        colour_families=photo_families((c.family, c.share) for c in colours),
        tags=_tags(image, viewer.pk if viewer else None),
        # The quality measures fill this once they exist; null means "not measured".
        quality=Quality(
            score=image.quality_score,
            problems=image.quality_problems or [],
            reasons=quality_reasons(image),
            values=image.quality_values or {},
        ),
        duplicates=Duplicates(
            group=image.duplicate_group,
            is_best_shot=image.is_group_best,
            other_versions=[photo_card(request, version) for version in versions],
        ),
        attribution=_attribution(image),
        files=Files(
            original=_absolute(request, image.file.url),
            preview=_file_url(request, image.preview),
            thumbnail=_file_url(request, image.thumbnail),
        ),
        like_count=int(getattr(image, "like_count", 0)),
        liked_by_you=user_likes_image(viewer, image) if viewer else False,
        links=photo_links(request, image.pk),
    )


# --- Photos --------------------------------------------------------------------------------------


@router.get("", response=with_errors({200: PhotoPage}), url_name="photos")
def list_photos(request: HttpRequest, params: Query[PhotoFilters]) -> PhotoPage:
    """The gallery: one photo per picture, filtered and sorted as on /gallery/, a page at a time."""
    data = params.dict(exclude={"cursor", "limit"}, exclude_none=True)
    form = GalleryFilterForm(data)
    if not form.is_valid():
        raise HttpError(422, f"Invalid filters: {form.errors.as_text()}")
    filters = form.filters()
    try:
        photos, next_cursor = cursor_page(
            gallery_images(filters), sort=list_sort(filters), cursor=params.cursor, limit=params.limit
        )
    except InvalidCursor as exc:
        raise HttpError(422, str(exc)) from exc
    return PhotoPage(items=[photo_card(request, photo) for photo in photos], next_cursor=next_cursor)


@router.get("/{int:photo_id}", response=with_errors({200: PhotoRecord}), url_name="photo")
def get_photo(request: HttpRequest, photo_id: int) -> PhotoRecord:
    """A photo's full record: metadata, colours, tags with their origin, duplicates, attribution, files."""
    return photo_record(request, image_for_page(photo_id))


@router.get("/{int:photo_id}/similar", response=with_errors({200: SimilarPhotos}), url_name="similar")
def similar_photos(request: HttpRequest, photo_id: int) -> SimilarPhotos:
    """Nearest neighbours on colour, tags and shape, as under "Similar photos" on the photo's page."""
    image = visible_image_or_404(photo_id)
    model = current_model()
    similar = images_in_order(similar_image_ids(image.pk))
    return SimilarPhotos(
        items=[photo_card(request, photo) for photo in similar],
        model_built_at=model.built_at if model else None,
    )


# --- Your likes and tags -------------------------------------------------------------------------


@router.put("/{int:photo_id}/like", response=with_errors({200: LikeState}), auth=SIGNED_IN, url_name="like")
def like(request: HttpRequest, photo_id: int) -> LikeState:
    """Like a photo. Liking twice leaves one like."""
    user = writing_user(request)
    image = visible_image_or_404(photo_id)
    like_image(user=user, image=image)
    return LikeState(liked=True, like_count=like_count(image))


@router.delete("/{int:photo_id}/like", response=with_errors({200: LikeState}), auth=SIGNED_IN)
def unlike(request: HttpRequest, photo_id: int) -> LikeState:
    """Take back your like; nothing happens if you had not liked it."""
    user = writing_user(request)
    image = visible_image_or_404(photo_id)
    unlike_image(user=user, image=image)
    return LikeState(liked=False, like_count=like_count(image))


@likes_router.get("", response=with_errors({200: LikePage}), url_name="likes")
def my_likes(request: HttpRequest, cursor: str | None = None, limit: int = 24) -> LikePage:
    """The photos you liked, newest like first."""
    user = signed_in_user(request)
    if not 1 <= limit <= 100:
        raise HttpError(422, "limit must be between 1 and 100.")
    likes = Like.objects.filter(user=user).order_by("-id")
    if cursor:
        try:
            likes = likes.filter(pk__lt=int(decode_cursor(cursor, "likes")[0]))
        except (InvalidCursor, ValueError, IndexError) as exc:
            raise HttpError(422, "This cursor is not one the API gave out.") from exc
    page = list(likes.values_list("pk", "image_id", "created_at")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    photos = {photo.pk: photo for photo in images_in_order([image_id for _, image_id, _ in page])}
    items = [
        LikeOut(photo=photo_card(request, photos[image_id]), liked_at=liked_at)
        for _, image_id, liked_at in page
        if image_id in photos
    ]
    return LikePage(items=items, next_cursor=sign_key("likes", [page[-1][0]]) if more else None)


@router.post("/{int:photo_id}/tags", response=with_errors({201: NewTag}), auth=SIGNED_IN, url_name="tags")
def add_tag(request: HttpRequest, photo_id: int, body: TagIn) -> Status[NewTag]:
    """Tag a photo. The name is normalised as on the site; adding your tag again changes nothing."""
    user = writing_user(request)
    image = visible_image_or_404(photo_id)
    form = TagForm({"tag": body.name})
    if not form.is_valid():
        raise HttpError(422, " ".join(str(error) for error in form.errors.get("tag", ["Not a valid tag."])))
    try:
        image_tag = add_user_tag(user=user, image=image, raw=form.cleaned_data["tag"])
    except InvalidTag as exc:
        raise HttpError(422, str(exc)) from exc
    return Status(201, NewTag(id=image_tag.pk, name=image_tag.tag.name, photo_id=image.pk))


@router.get(
    "/{int:photo_id}/suggestions",
    response=with_errors({200: list[SuggestionOut]}),
    auth=SIGNED_IN,
    url_name="suggestions",
)
def list_suggestions(request: HttpRequest, photo_id: int) -> list[SuggestionOut]:
    """The tags the suggester offers you on this photo, most likely first (as under "Suggested")."""
    user = signed_in_user(request)
    image = visible_image_or_404(photo_id)
    return [
        SuggestionOut(tag_id=s.tag_id, tag=s.tag.name, confidence=s.confidence)
        for s in photo_suggestions(image, user)
    ]


@router.put(
    "/{int:photo_id}/suggestions/{int:tag_id}",
    response=with_errors({200: SuggestionAnswerOut}),
    auth=SIGNED_IN,
    url_name="suggestion",
)
def answer_suggestion(
    request: HttpRequest, photo_id: int, tag_id: int, body: SuggestionAnswerIn
) -> SuggestionAnswerOut:
    """Answer a suggestion offered to you; the suggester learns from it as from ✓ and ✗ on the site.
    A suggestion not offered to you now (answered already, or never made) is a 404."""
    user = writing_user(request)
    suggestion = suggestion_for_user_or_404(user, image_id=photo_id, tag_id=tag_id)
    record_answer(user=user, suggestion=suggestion, verdict=body.verdict)
    return SuggestionAnswerOut(tag=suggestion.tag.name, verdict=body.verdict, photo_id=photo_id)


@tags_router.delete("/{int:tag_id}", response=with_errors({204: None}), url_name="tag")
def remove_tag(request: HttpRequest, tag_id: int) -> Status[None]:
    """Remove one of your own tags (its `your_tag_id`); anybody else's is a 404."""
    user = writing_user(request)
    image_tag = get_own_image_tag_or_404(user, tag_id)
    remove_user_tag(user=user, image_tag_id=image_tag.pk)
    return Status(204, None)


# --- Staff ---------------------------------------------------------------------------------------


def job_out(job: IngestJob) -> IngestJobOut:
    return IngestJobOut(
        id=job.pk,
        source=job.source,
        query=job.query,
        status=job.status,
        wanted=job.wanted,
        done=job.done,
        skipped=job.skipped,
        failed=job.failed,
        rejected=job.rejected,
        progress=job.progress,
        errors=[str(line) for line in job.errors],
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


@staff_router.post("/ingest-jobs", response=with_errors({202: IngestJobOut}), url_name="ingest_jobs")
def start_ingest_job(request: HttpRequest, body: IngestJobIn) -> Status[IngestJobOut]:
    """Start collecting photos from a source, checked as on the admin's "start an ingest job" page."""
    writing_user(request)
    staff_user(request, permission=INGEST_PERMISSION)
    form = IngestJobStartForm(body.dict())
    if not form.is_valid():
        raise HttpError(422, form.errors.as_text())
    job = create_ingest_job(
        source=form.cleaned_data["source"],
        query=form.cleaned_data["query"].strip(),
        wanted=form.cleaned_data["count"],
        options=form.options(),
    )
    job.refresh_from_db()
    return Status(202, job_out(job))


@staff_router.get(
    "/ingest-jobs/{int:job_id}", response=with_errors({200: IngestJobOut}), url_name="ingest_job"
)
def ingest_job(request: HttpRequest, job_id: int) -> IngestJobOut:
    """An ingest job's progress: counts, status and the reason of each failed item."""
    staff_user(request, permission="gallery.view_ingestjob")
    return job_out(get_object_or_404(IngestJob, pk=job_id))
