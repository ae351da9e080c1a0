"""The ingest pipeline: take a source's candidates, fetch, check, deduplicate and store each one.

Per candidate the order is: skip if (source, source_id) is known; fetch into a temporary file;
validate the bytes as an image; skip if the sha256 is known; move the file into its
content-addressed place; create the Image row and its source tags in one transaction; queue the
analysis once that commits. Any failure removes what this item wrote and the batch goes on: every
item ends stored, skipped, refused or failed with a reason, whatever it raised. A full disk (or a
read-only one) is the exception: no later item could be written either, so the job stops there and
is marked failed with that reason. Whatever happens, the job ends; it is never left "running".
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

import requests
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from gallery.analysis.dates import implausible_date_warning, is_plausible_taken_at
from gallery.analysis.result import ImageRejected
from gallery.analysis.validate import ImageInfo, validate_image_file
from gallery.models import Image, ImageTag, IngestJob, Tag, TagOrigin
from gallery.services import jobs
from gallery.services.analysis import send_analysis
from gallery.services.download import (
    DownloadError,
    DownloadLimits,
    FetchedFile,
    copy_local_to_temp,
    download_to_temp,
)
from gallery.services.provenance import with_embedded_metadata
from gallery.services.storage import (
    is_disk_full,
    media_path,
    move_into_place,
    original_name,
    remove_quietly,
)
from gallery.sources.base import Candidate, Rejection, SourceError, first_photos
from gallery.sources.registry import build_source, http_session
from gallery.tagging import normalise_tags

log = logging.getLogger(__name__)

ProgressCallback = Callable[[IngestJob], None]

# A job lists at most this many photos per photo it wants stored: duplicates and failures make
# some of them useless, but a source that yields nothing storable must not be read to its end.
LISTED_PER_WANTED = 20


@dataclass(frozen=True)
class ItemResult:
    outcome: jobs.Outcome
    message: str = ""
    image_id: int | None = None


class ItemFailed(Exception):
    """One candidate could not be ingested; the message goes on the job."""


class RunEnd(StrEnum):
    """How one run of a job's task ended, which tells the task what to do next."""

    FINISHED = "finished"  # done or failed; nothing more to do
    PAUSED = "paused"  # its time slice ran out; queue the rest
    BUSY = "busy"  # another live run holds the job; try again when its lease may have run out
    STOPPED = "stopped"  # cancelled, retried elsewhere, deleted or already finished


def run_ingest_job(job: IngestJob, *, progress: ProgressCallback | None = None) -> IngestJob:
    """Run a job to its end in this process (the command without a broker, and tests)."""
    run_ingest_job_slice(job.pk, progress=progress)
    job.refresh_from_db()
    return job


def run_ingest_job_slice(
    job_id: int, *, progress: ProgressCallback | None = None, slice_seconds: float | None = None
) -> RunEnd:
    """Run or resume a job under a lease, until `job.wanted` new images are stored, the source runs
    dry, or `slice_seconds` pass. Any number of deliveries of the same job may call this at once."""
    # Host and pid say which process holds a job (staff, the drill); the random part tells a
    # redelivery in the same process from the run before it.
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"[-100:]
    job = jobs.take_lease(job_id, owner=owner)
    if job is None:
        return RunEnd.BUSY if jobs.lease_seconds_left(job_id) else RunEnd.STOPPED
    deadline = None if slice_seconds is None else time.monotonic() + slice_seconds
    jobs.clear_job_temp_dir(job.pk)  # what the run before left half-downloaded
    try:
        end = run_leased_job(job, owner=owner, progress=progress, deadline=deadline)
    except IngestJob.DoesNotExist:
        log.info("ingest job %s was deleted while it ran; stopping", job_id)
        end = RunEnd.STOPPED
    finally:
        jobs.release_lease(job, owner=owner)
    if end != RunEnd.STOPPED:
        # A run that was stopped may share the folder with the run that took the job over.
        jobs.clear_job_temp_dir(job.pk)
    return end


def run_leased_job(
    job: IngestJob, *, owner: str, progress: ProgressCallback | None, deadline: float | None
) -> RunEnd:
    session = http_session()
    refusals: Counter[str] = Counter()
    resume_at = job.position
    try:
        source = build_source(job.source, job.query, options=job.options)
        # Skipped, failed and refused items do not count, so list plenty; the loop stops at `wanted`.
        listed = first_photos(source.candidates(), job.wanted * LISTED_PER_WANTED)
        for index, item in enumerate(listed):
            if job.done >= job.wanted:
                break
            if index < resume_at:
                continue  # counted by an earlier run of this job
            if deadline is not None and time.monotonic() > deadline:
                return RunEnd.PAUSED
            result = ingest_item(item, job=job, session=session)
            if index == resume_at and stored_by_this_job(result, job):
                # The run that died stored this item but was killed before counting it.
                result = ItemResult("done", image_id=result.image_id)
            if not jobs.record_outcome(job, result.outcome, result.message, owner=owner):
                return RunEnd.STOPPED  # another run took the job over; it counts this item
            if isinstance(item, Rejection):
                refusals[item.reason] += 1
            if progress is not None:
                progress(job)
            if not jobs.renew_lease(job, owner=owner):
                return RunEnd.STOPPED
    except SourceError as exc:
        jobs.mark_failed(job, str(exc))
        return RunEnd.FINISHED
    except SoftTimeLimitExceeded:
        raise  # the task's time limit: the task decides what happens (gallery.tasks)
    except Exception as exc:
        # A full disk, a bug or a lost database must not leave the job "running" for good.
        jobs.mark_failed(job, job_stopped_message(job, exc))
        return RunEnd.FINISHED
    finally:
        log_refusals(job, refusals)
    jobs.mark_finished(job)
    return RunEnd.FINISHED


def stored_by_this_job(result: ItemResult, job: IngestJob) -> bool:
    return (
        result.outcome == "skipped"
        and result.image_id is not None
        and Image.objects.filter(pk=result.image_id, ingest_job=job).exists()
    )


def log_refusals(job: IngestJob, refusals: Counter[str]) -> None:
    """One line per reason rather than one per item: a category can hold thousands of refusals."""
    for reason, count in refusals.most_common():
        log.info("job %s: the source offered %d item(s) refused with: %s", job.pk, count, reason)


def ingest_item(
    item: Candidate | Rejection, *, job: IngestJob | None, session: requests.Session
) -> ItemResult:
    if isinstance(item, Rejection):
        log.debug("source refused %s: %s", item.source_id, item.reason)
        return ItemResult("rejected", f"{item.source_id}: {item.reason}")
    try:
        return ingest_candidate(item, job=job, session=session)
    except ItemFailed as exc:
        return ItemResult("failed", f"{describe(item)}: {exc}")
    except (OperationalError, InterfaceError):
        raise  # the database, not this item: the job-level handler ends the job
    except SoftTimeLimitExceeded:
        raise  # the task's time limit: the task decides what happens (gallery.tasks)
    except Exception as exc:
        if is_disk_full(exc):
            raise  # the job stops: no other item could be written either
        # Anything else is this item's problem; its files were removed on the way out.
        log.exception("ingest of %s failed unexpectedly", describe(item))
        return ItemResult("failed", f"{describe(item)}: unexpected error: {_error_text(exc)}")


def job_stopped_message(job: IngestJob, exc: Exception) -> str:
    if isinstance(exc, OSError) and is_disk_full(exc):
        return f"Stopped: cannot write files ({exc.strerror}). Free some disk space and run the job again."
    log.exception("ingest job %s stopped by an unexpected error", job.pk)
    return f"Stopped by an unexpected error: {_error_text(exc)}"


def _error_text(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def ingest_candidate(candidate: Candidate, *, job: IngestJob | None, session: requests.Session) -> ItemResult:
    known = find_known_image(candidate)
    if known is not None:
        return ItemResult("skipped", f"{describe(candidate)}: already in the collection", known)
    fetched = fetch(candidate, session=session, into=jobs.job_temp_dir(job.pk if job else None))
    try:
        info = check_image(fetched, candidate)
        duplicate = Image.objects.filter(sha256=fetched.sha256).values_list("pk", flat=True).first()
        if duplicate is not None:
            return ItemResult("skipped", f"{describe(candidate)}: same file as image #{duplicate}", duplicate)
        candidate = with_embedded_metadata(candidate, fetched.path, job=job, name=describe(candidate))
        image = store(candidate, fetched, info, job=job)
    finally:
        remove_quietly(fetched.path)
    if image is None:
        return ItemResult("skipped", f"{describe(candidate)}: stored by another worker meanwhile")
    return ItemResult("done", image_id=image.pk)


def find_known_image(candidate: Candidate) -> int | None:
    if not candidate.source_id:
        return None
    return (
        Image.objects.filter(source=candidate.source, source_id=candidate.source_id)
        .values_list("pk", flat=True)
        .first()
    )


def fetch(candidate: Candidate, *, session: requests.Session, into: Path) -> FetchedFile:
    limits = download_limits()
    try:
        if candidate.local_path:
            return copy_local_to_temp(Path(candidate.local_path), max_bytes=limits.max_bytes, into=into)
        return download_to_temp(candidate.file_url, session=session, limits=limits, into=into)
    except DownloadError as exc:
        raise ItemFailed(str(exc)) from exc


def check_image(fetched: FetchedFile, candidate: Candidate) -> ImageInfo:
    if candidate.expected_sha1 and candidate.expected_sha1.lower() != fetched.sha1:
        raise ItemFailed("the downloaded bytes do not match the checksum the source published")
    try:
        return validate_image_file(fetched.path, max_pixels=settings.IMGSITE_MAX_IMAGE_PIXELS)
    except ImageRejected as exc:
        raise ItemFailed(str(exc)) from exc


def store(
    candidate: Candidate, fetched: FetchedFile, info: ImageInfo, *, job: IngestJob | None
) -> Image | None:
    """Move the file into place and create its row; undo the file if the row cannot be made."""
    name = original_name(fetched.sha256, info.format)
    created_file = move_into_place(fetched.path, name)
    try:
        with transaction.atomic():
            image = Image.objects.create(**image_fields(candidate, fetched, info, name), ingest_job=job)
            add_source_tags(image, candidate.tags)
    except IntegrityError:
        # Another worker stored the same bytes or source id first; its row owns the file now.
        if created_file and not Image.objects.filter(file=name).exists():
            remove_quietly(media_path(name))
        return None
    except BaseException:
        if created_file:
            remove_quietly(media_path(name))
        raise
    queue_analysis_on_commit(image.pk)
    return image


def image_fields(candidate: Candidate, fetched: FetchedFile, info: ImageInfo, name: str) -> dict[str, object]:
    return {
        "sha256": fetched.sha256,
        "file": name,
        "file_size": fetched.size,
        "format": info.format,
        "width": info.width,
        "height": info.height,
        "source": candidate.source,
        "source_id": candidate.source_id[:255],
        "file_url": candidate.file_url[:2000],
        "source_page_url": candidate.source_page_url[:2000],
        "licence": candidate.licence[:100],
        "licence_url": candidate.licence_url[:500],
        "author": candidate.author[:500],
        "attribution": candidate.attribution,
        "title": candidate.title[:500],
        "description": candidate.description,
        "taken_at": parse_source_date(candidate.taken_at),
    }


def add_source_tags(image: Image, raw_tags: tuple[str, ...]) -> None:
    names = normalise_tags(list(raw_tags))
    if not names:
        return
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    tags = Tag.objects.filter(name__in=names)
    ImageTag.objects.bulk_create(
        [ImageTag(image=image, tag=tag, origin=TagOrigin.SOURCE) for tag in tags], ignore_conflicts=True
    )


def queue_analysis_on_commit(image_id: int) -> None:
    transaction.on_commit(lambda: send_analysis(image_id))


def parse_source_date(text: str) -> datetime | None:
    """Sources state dates loosely ('2019-05-01 12:00:00', '2019-05-01'); EXIF overrides later."""
    if not text:
        return None
    cleaned = text.strip().replace("T", " ")[:19]
    if len(cleaned) == 10:
        cleaned += " 00:00:00"
    try:
        parsed = parse_datetime(cleaned)
    except ValueError:
        return None
    if parsed is None:
        return None
    moment = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)
    if not is_plausible_taken_at(moment, now=timezone.now()):
        log.warning("dropped the source's date: %s", implausible_date_warning(moment))
        return None
    return moment


def download_limits() -> DownloadLimits:
    return DownloadLimits(
        max_bytes=settings.IMGSITE_MAX_DOWNLOAD_BYTES,
        connect_timeout=settings.IMGSITE_CONNECT_TIMEOUT,
        read_timeout=settings.IMGSITE_READ_TIMEOUT,
        deadline=settings.IMGSITE_DOWNLOAD_DEADLINE,
        allow_private=settings.IMGSITE_ALLOW_PRIVATE_URLS,
        trusted_hosts=configured_api_hosts(),
    )


def configured_api_hosts() -> frozenset[str]:
    """The deployer chose these hosts (e.g. a local Commons mirror); their files are not checked."""
    urls = (settings.IMGSITE_COMMONS_API, settings.IMGSITE_OPENVERSE_API)
    return frozenset(urlsplit(url).netloc for url in urls if url)


def describe(candidate: Candidate | Rejection) -> str:
    if isinstance(candidate, Rejection):
        return candidate.source_id
    return candidate.title or candidate.source_id or candidate.file_url or candidate.local_path
