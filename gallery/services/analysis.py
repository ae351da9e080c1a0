"""Run the pure analysis on an image and save what it found: fields, files, colours, tags.

A new photo is analysed by the ingest pipeline from the picture it decoded to validate the file
(`analyse_picture`, then `create_analysed_image`); a stored photo is analysed again from its file by
`analyse_image` (the analysis task: `manage.py analyse`, the admin, the sweeper).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from gallery.analysis.near_duplicates import layout_digest
from gallery.analysis.palette import families_field, photo_families
from gallery.analysis.pipeline import analyse_bytes, analyse_decoded, assess_bytes
from gallery.analysis.result import AnalysisResult, DominantColour, ImageRejected, QualityReport
from gallery.analysis.validate import DecodedImage
from gallery.collection_version import collection_changed
from gallery.embedding import active_embedder
from gallery.models import AnalysisStatus, Colour, Image, ImageTag, Tag, TagOrigin
from gallery.services import jobs
from gallery.services.duplicates import place_in_group
from gallery.services.storage import (
    derivative_name,
    media_exists,
    read_media,
    remove_media,
    write_bytes_atomically,
)
from gallery.services.tag_suggestions import suggest_tags_for_new_photo
from gallery.tagging import normalise_tags
from imgsite.background import ANALYSE_IMAGE, BROKER_ERRORS, enqueue

log = logging.getLogger(__name__)


def analyse_image(image_id: int) -> Image | None:
    """Analyse one image; a failure is recorded on the image (and its job), never raised."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        log.info("image %s is gone; nothing to analyse", image_id)
        return None
    try:
        data = read_media(image.file.name)
    except FileNotFoundError:
        return mark_failed(image, f"the original file is missing from the media storage ({image.file.name})")
    # Outside the try: unusable encoder weights are the deployment's fault, not the photo's. The photo
    # stays pending for the sweeper, and the worker's start-up check says what to fix.
    embedder = active_embedder()
    try:
        result = analyse_bytes(data, max_pixels=settings.IMGSITE_MAX_IMAGE_PIXELS, embedder=embedder)
        image.file_size = len(data)
        save_analysis(image, result)
    except ImageRejected as exc:
        return mark_failed(image, str(exc))
    except (OperationalError, InterfaceError):
        raise  # the database, not the photo: the task retries (see gallery.tasks)
    except SoftTimeLimitExceeded:
        raise  # the task's time limit: the task decides what happens (gallery.tasks)
    except Exception as exc:
        # Whatever else went wrong (a full disk, a bug), the photo must not stay "pending" for good.
        log.exception("analysis of image %s raised", image.pk)
        return mark_failed(image, unexpected_error(exc))
    # After the save, so the photo is in the collection the next photo is checked against.
    place_in_group(image)
    suggest_tags_for_new_photo(image.pk)
    return image


def unexpected_error(exc: BaseException) -> str:
    return f"unexpected error: {type(exc).__name__}: {exc}"[:500]


@dataclass(frozen=True)
class PictureAnalysis:
    """What the analysis of one picture gave: its result, or why there is none."""

    result: AnalysisResult | None
    error: str = ""


def analyse_picture(decoded: DecodedImage, *, decode_seconds: float, label: str) -> PictureAnalysis:
    """The analysis of a picture the ingest pipeline decoded (and so validated). A failure here is
    the analysis's, not the file's: the photo is kept and shown to staff as failed, as when the
    analysis task fails. Unusable encoder weights raise: they are the deployment's fault, not the
    photo's (see analyse_image)."""
    embedder = active_embedder()
    try:
        return PictureAnalysis(analyse_decoded(decoded, decode_seconds=decode_seconds, embedder=embedder))
    except ImageRejected as exc:
        return PictureAnalysis(None, str(exc))
    except SoftTimeLimitExceeded:
        raise  # the task's time limit: the task decides what happens (gallery.tasks)
    except Exception as exc:
        log.exception("analysis of %s raised", label)
        return PictureAnalysis(None, unexpected_error(exc))


def save_analysis(image: Image, result: AnalysisResult) -> None:
    # Files first (atomic renames), then every database change in one transaction. Files this
    # analysis added are removed again if anything after them fails; files a row already names stay.
    added = write_derivatives(image.sha256, result)
    try:
        with transaction.atomic():
            apply_result_fields(image, result)
            image.save()
            replace_colours(image, result.colours)
            replace_auto_tags(image, auto_tag_confidences(result))
    except BaseException:
        remove_files(added)
        raise


def write_derivatives(sha256: str, result: AnalysisResult) -> list[str]:
    """Write the thumbnail and preview atomically; the names this call added (for undoing it)."""
    names = (derivative_name("thumbs", sha256), derivative_name("previews", sha256))
    added = [name for name in names if not media_exists(name)]
    try:
        write_bytes_atomically(names[0], result.thumbnail_jpeg)
        write_bytes_atomically(names[1], result.preview_jpeg)
    except BaseException:
        remove_files(added)
        raise
    return added


def remove_files(names: Iterable[str]) -> None:
    for name in names:
        remove_media(name)


def create_analysed_image(image: Image, analysis: PictureAnalysis, *, source_tags: Sequence[str]) -> None:
    """Insert a new photo with its analysis (or the reason it has none), colours and tags, in one
    transaction of a few statements; its files are already written."""
    result = analysis.result
    if result is None:
        image.status, image.analysis_error = AnalysisStatus.FAILED, analysis.error
    else:
        apply_result_fields(image, result)
    with transaction.atomic():
        image.save(force_insert=True)
        if result is not None:
            Colour.objects.bulk_create(colour_rows(image, result.colours))
            collection_changed()
        add_tags(image, source=source_tags, auto=auto_tag_confidences(result) if result else {})


def finish_new_image(image: Image) -> None:
    """After a new photo's row committed: group it with its other versions, or count its failed
    analysis on its job."""
    if image.status == AnalysisStatus.DONE:
        place_in_group(image)
        suggest_tags_for_new_photo(image.pk)
    else:
        record_failure(image, image.analysis_error)


def auto_tag_confidences(result: AnalysisResult) -> dict[str, float]:
    # The families the photo belongs to become its automatic tags, by the palette's one rule.
    return photo_families((colour.family, colour.share) for colour in result.colours)


def apply_result_fields(image: Image, result: AnalysisResult) -> None:
    exif = result.exif
    image.width, image.height = result.width, result.height
    image.format, image.mode = result.format, result.mode
    image.orientation, image.size_class = result.orientation, result.size_class
    image.taken_at = exif.taken_at or image.taken_at
    image.taken_at_offset = exif.taken_at_offset if exif.taken_at else None
    image.camera_make, image.camera_model, image.lens = exif.camera_make, exif.camera_model, exif.lens
    image.iso, image.f_number = exif.iso, exif.f_number
    image.exposure_time, image.focal_length = exif.exposure_time, exif.focal_length
    image.gps_latitude, image.gps_longitude = exif.gps_latitude, exif.gps_longitude
    image.gps_altitude = exif.gps_altitude
    image.exif = exif.raw
    image.colour_histogram = result.colour_histogram
    image.colour_families = families_field((colour.family, colour.share) for colour in result.colours)
    image.phash = result.phash
    image.layout_signature = result.layout
    image.layout_digest = layout_digest(result.layout)
    image.visual_features = result.visual_features
    image.visual_features_by = result.visual_features_by
    apply_quality(image, result.quality)
    image.thumbnail.name = derivative_name("thumbs", image.sha256)
    image.preview.name = derivative_name("previews", image.sha256)
    image.status = AnalysisStatus.DONE
    # An unreadable EXIF block or an impossible date is not a failure, but staff should see it.
    image.analysis_error = f"EXIF: {exif.warning}" if exif.warning else ""
    if exif.warning:
        log.warning("image %s: EXIF: %s", image.pk, exif.warning)


def apply_quality(image: Image, report: QualityReport) -> None:
    image.quality_score = report.score
    image.quality_problems = report.problems
    image.quality_values = report.values


def reassess_quality(image_id: int) -> Image | None:
    """Judge an analysed photo's quality again from its original, leaving the rest of its analysis alone.

    Returns None when the photo or its file is gone or the file no longer decodes; nothing is changed then.
    """
    image = Image.objects.filter(pk=image_id, status=AnalysisStatus.DONE).first()
    if image is None:
        return None
    try:
        report = assess_bytes(read_media(image.file.name), max_pixels=settings.IMGSITE_MAX_IMAGE_PIXELS)
    except FileNotFoundError:
        log.warning("quality of image %s not reassessed: its original is missing", image_id)
        return None
    except ImageRejected as exc:
        log.warning("quality of image %s not reassessed: %s", image_id, exc)
        return None
    apply_quality(image, report)
    image.save(update_fields=["quality_score", "quality_problems", "quality_values", "updated_at"])
    return image


def refresh_colour_families(image: Image) -> None:
    """Store the families of the colour rows `image` has now (for colours written by other means
    than an analysis, which stores both at once)."""
    image.colour_families = families_field(image.colours.values_list("family", "share"))
    image.save(update_fields=["colour_families"])


def replace_colours(image: Image, colours: list[DominantColour]) -> None:
    image.colours.all().delete()
    Colour.objects.bulk_create(colour_rows(image, colours))
    collection_changed()  # bulk_create sends no signal; the colour filter counts these


def colour_rows(image: Image, colours: list[DominantColour]) -> list[Colour]:
    return [
        Colour(
            image=image,
            rank=rank,
            hex=colour.hex,
            red=colour.rgb[0],
            green=colour.rgb[1],
            blue=colour.rgb[2],
            share=colour.share,
            name=colour.name,
            family=colour.family,
        )
        for rank, colour in enumerate(colours)
    ]


def replace_auto_tags(image: Image, confidences: dict[str, float]) -> None:
    ImageTag.objects.filter(image=image, origin=TagOrigin.AUTO).delete()
    add_tags(image, source=(), auto=confidences)


def add_tags(image: Image, *, source: Sequence[str], auto: dict[str, float]) -> None:
    """Link the source's tags (normalised) and the automatic ones with their confidence: three
    statements whatever their number."""
    source_names = set(normalise_tags(list(source)))
    names = source_names | set(auto)
    if not names:
        return
    Tag.objects.bulk_create([Tag(name=name) for name in sorted(names)], ignore_conflicts=True)
    links = []
    for tag in Tag.objects.filter(name__in=names):
        if tag.name in source_names:
            links.append(ImageTag(image=image, tag=tag, origin=TagOrigin.SOURCE))
        if tag.name in auto:
            links.append(
                ImageTag(image=image, tag=tag, origin=TagOrigin.AUTO, confidence=round(auto[tag.name], 3))
            )
    ImageTag.objects.bulk_create(links, ignore_conflicts=True)
    collection_changed()  # bulk_create sends no signal; the tag filter counts these


def mark_failed(image: Image, message: str) -> Image:
    image.status = AnalysisStatus.FAILED
    image.analysis_error = message
    image.save(update_fields=["status", "analysis_error", "updated_at"])
    record_failure(image, message)
    return image


def record_failure(image: Image, message: str) -> None:
    log.warning("analysis of image %s failed: %s", image.pk, message)
    if image.ingest_job_id:
        jobs.record_analysis_failure(image.ingest_job_id, f"{image}: analysis failed: {message}")


def mark_analysis_timed_out(image_id: int, *, seconds: float) -> Image | None:
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return None
    return mark_failed(image, f"the analysis took longer than the {seconds:.0f} s time limit")


def queue_analysis(image_ids: Iterable[int]) -> int:
    """Mark images pending and queue their analysis once this transaction commits."""
    ids = list(image_ids)
    Image.objects.filter(pk__in=ids).update(status=AnalysisStatus.PENDING, updated_at=timezone.now())
    collection_changed()  # pending photos leave the gallery until analysed again
    for image_id in ids:
        transaction.on_commit(lambda image_id=image_id: send_analysis(image_id))  # type: ignore[misc]
    return len(ids)


def send_analysis(image_id: int) -> bool:
    """Queue one analysis. With the broker down the photo stays pending, and the sweeper sends it
    once the broker is back; the page or the ingest that asked goes on."""
    try:
        enqueue(ANALYSE_IMAGE, image_id)
    except BROKER_ERRORS as exc:
        log.warning("analysis of image %s left pending, the broker is down: %s", image_id, exc)
        return False
    return True
