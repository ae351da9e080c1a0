"""The ingest pipeline: take a source's candidates, fetch, check, deduplicate and store each one.

`run_ingest_job` (in this process) and `run_ingest_job_slice` (a task's time slice) are the entry
points; everything else here is a step of theirs.

Per candidate the order is: skip if (source, source_id) is known; fetch the bytes into memory,
hashed as they arrive (read once); skip if the sha256 is known; decode the picture once, which both
validates the file (truncated, corrupt, oversized and hostile files are refused here, before anything
is written) and feeds the analysis; write the original and its thumbnails atomically; insert the
Image row with its analysis, colours and tags in one transaction; group it with its other versions.
Any failure removes what this item wrote and the batch goes on: every item ends stored, skipped,
refused or failed with a reason, whatever it raised. A photo whose file is good but whose analysis
fails is stored as failed, with the reason, as when the analysis task fails. A full disk (or a
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
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

import requests
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.models import Q
from django.utils import timezone

from gallery.analysis.dates import implausible_date_warning, is_plausible_taken_at
from gallery.analysis.result import ImageRejected
from gallery.analysis.validate import DecodedImage, ImageInfo, decode_bytes
from gallery.fields import clipped
from gallery.models import Image, IngestJob
from gallery.services import jobs
from gallery.services.analysis import (
    PictureAnalysis,
    analyse_picture,
    create_analysed_image,
    finish_new_image,
    remove_files,
    unexpected_error,
    write_derivatives,
)
from gallery.services.download import (
    DownloadError,
    DownloadLimits,
    FetchedFile,
    download_file,
    read_local_file,
)
from gallery.services.provenance import with_embedded_metadata
from gallery.services.storage import (
    cannot_write_media,
    is_disk_full,
    is_store_unavailable,
    media_exists,
    original_name,
    write_bytes_atomically,
)
from gallery.sources.base import Candidate, Rejection, SourceError, first_photos
from gallery.sources.registry import build_source, http_session

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
    try:
        end = _run_leased_job(job, owner=owner, progress=progress, deadline=deadline)
    except IngestJob.DoesNotExist:
        log.info("ingest job %s was deleted while it ran; stopping", job_id)
        end = RunEnd.STOPPED
    finally:
        jobs.release_lease(job, owner=owner)
    return end


def _run_leased_job(
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
            result = _ingest_item(item, job=job, session=session)
            if index == resume_at and _stored_by_this_job(result, job):
                # The run that died stored this item but was killed before counting it.
                result = ItemResult("done", image_id=result.image_id)
            # Counting the item renews the lease in the same statement; it fails once the job was
            # cancelled, retried or taken over by another run, which then counts this item.
            if not jobs.record_outcome(job, result.outcome, result.message, owner=owner):
                return RunEnd.STOPPED
            if isinstance(item, Rejection):
                refusals[item.reason] += 1
            if progress is not None:
                progress(job)
            if not jobs.holds_lease(job, owner=owner):
                return RunEnd.STOPPED
    except SourceError as exc:
        jobs.mark_failed(job, str(exc))
        return RunEnd.FINISHED
    except SoftTimeLimitExceeded:
        raise  # the task's time limit: the task decides what happens (gallery.tasks)
    except Exception as exc:
        # A full disk, a bug or a lost database must not leave the job "running" for good.
        jobs.mark_failed(job, _job_stopped_message(job, exc))
        return RunEnd.FINISHED
    finally:
        _log_refusals(job, refusals)
    jobs.mark_finished(job)
    return RunEnd.FINISHED


def _stored_by_this_job(result: ItemResult, job: IngestJob) -> bool:
    return (
        result.outcome == "skipped"
        and result.image_id is not None
        and Image.objects.filter(pk=result.image_id, ingest_job=job).exists()
    )


def _log_refusals(job: IngestJob, refusals: Counter[str]) -> None:
    """One line per reason rather than one per item: a category can hold thousands of refusals."""
    for reason, count in refusals.most_common():
        log.info("job %s: the source offered %d item(s) refused with: %s", job.pk, count, reason)


def _ingest_item(
    item: Candidate | Rejection, *, job: IngestJob | None, session: requests.Session
) -> ItemResult:
    if isinstance(item, Rejection):
        log.debug("source refused %s: %s", item.source_id, item.reason)
        return ItemResult("rejected", f"{item.source_id}: {item.reason}")
    try:
        return _ingest_candidate(item, job=job, session=session)
    except ItemFailed as exc:
        return ItemResult("failed", f"{_describe(item)}: {exc}")
    except (OperationalError, InterfaceError):
        raise  # the database, not this item: the job-level handler ends the job
    except SoftTimeLimitExceeded:
        raise  # the task's time limit: the task decides what happens (gallery.tasks)
    except Exception as exc:
        if cannot_write_media(exc):
            raise  # the job stops: no other item could be written either
        # Anything else is this item's problem; its files were removed on the way out.
        log.exception("ingest of %s failed unexpectedly", _describe(item))
        return ItemResult("failed", f"{_describe(item)}: unexpected error: {_error_text(exc)}")


def _job_stopped_message(job: IngestJob, exc: Exception) -> str:
    if isinstance(exc, OSError) and is_disk_full(exc):
        return f"Stopped: cannot write files ({exc.strerror}). Free some disk space and run the job again."
    if is_store_unavailable(exc):
        return (
            f"Stopped: cannot write to the media storage ({_error_text(exc)}). Check the IMGSITE_S3_* "
            "settings and credentials (`manage.py check --deploy`) and run the job again."
        )
    log.exception("ingest job %s stopped by an unexpected error", job.pk)
    return f"Stopped by an unexpected error: {_error_text(exc)}"


def _error_text(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _ingest_candidate(
    candidate: Candidate, *, job: IngestJob | None, session: requests.Session
) -> ItemResult:
    known = _find_known_image(candidate)
    if known is not None:
        return ItemResult("skipped", f"{_describe(candidate)}: already in the collection", known)
    fetched = _fetch(candidate, session=session)
    _check_checksum(fetched, candidate)
    duplicate = Image.objects.filter(sha256=fetched.sha256).values_list("pk", flat=True).first()
    if duplicate is not None:
        return ItemResult("skipped", f"{_describe(candidate)}: same file as image #{duplicate}", duplicate)
    started = time.perf_counter()
    decoded = _decode(fetched)
    analysis = analyse_picture(
        decoded, decode_seconds=time.perf_counter() - started, label=_describe(candidate)
    )
    candidate = with_embedded_metadata(candidate, decoded.image, job=job, name=_describe(candidate))
    image = _store(candidate, fetched, decoded.info, analysis, job=job)
    if image is None:
        return ItemResult("skipped", f"{_describe(candidate)}: stored by another worker meanwhile")
    finish_new_image(image)
    return ItemResult("done", image_id=image.pk)


def _find_known_image(candidate: Candidate) -> int | None:
    if not candidate.source_id:
        return None
    return (
        Image.objects.filter(source=candidate.source, source_id=candidate.source_id)
        .values_list("pk", flat=True)
        .first()
    )


def _fetch(candidate: Candidate, *, session: requests.Session) -> FetchedFile:
    limits = _download_limits()
    try:
        if candidate.local_path:
            return read_local_file(Path(candidate.local_path), max_bytes=limits.max_bytes)
        return download_file(candidate.file_url, session=session, limits=limits)
    except DownloadError as exc:
        raise ItemFailed(str(exc)) from exc


def _check_checksum(fetched: FetchedFile, candidate: Candidate) -> None:
    if candidate.expected_sha1 and candidate.expected_sha1.lower() != fetched.sha1:
        raise ItemFailed("the downloaded bytes do not match the checksum the source published")


def _decode(fetched: FetchedFile) -> DecodedImage:
    """The one decode: refuses a file that is not a whole image we accept, and feeds the analysis."""
    try:
        return decode_bytes(fetched.data, max_pixels=settings.IMGSITE_MAX_IMAGE_PIXELS)
    except ImageRejected as exc:
        raise ItemFailed(str(exc)) from exc


def _store(
    candidate: Candidate,
    fetched: FetchedFile,
    info: ImageInfo,
    analysis: PictureAnalysis,
    *,
    job: IngestJob | None,
) -> Image | None:
    """Write the files, then create the row; undo the files if the row cannot be made.

    A full disk while writing the original stops the job (raised); while writing the thumbnails the
    photo is kept with its analysis failed, as when the analysis task cannot write them."""
    name = original_name(fetched.sha256, info.format)
    written = [] if media_exists(name) else [name]
    write_bytes_atomically(name, fetched.data)
    try:
        if analysis.result is not None:
            analysis = _with_derivatives(fetched.sha256, analysis, written)
        image = Image(**_image_fields(candidate, fetched, info, name), ingest_job=job)
        create_analysed_image(image, analysis, source_tags=candidate.tags)
    except IntegrityError:
        # Another worker stored the same bytes or source id first; its row owns the files it names.
        remove_files(name for name in written if not _named_by_a_row(name))
        return None
    except BaseException:
        remove_files(written)
        raise
    return image


def _with_derivatives(sha256: str, analysis: PictureAnalysis, written: list[str]) -> PictureAnalysis:
    assert analysis.result is not None
    try:
        written += write_derivatives(sha256, analysis.result)
    except OSError as exc:
        log.exception("the thumbnails of %s could not be written", sha256)
        return PictureAnalysis(None, unexpected_error(exc))
    return analysis


def _named_by_a_row(name: str) -> bool:
    return Image.objects.filter(Q(file=name) | Q(thumbnail=name) | Q(preview=name)).exists()


def _image_fields(
    candidate: Candidate, fetched: FetchedFile, info: ImageInfo, name: str
) -> dict[str, object]:
    return {
        "sha256": fetched.sha256,
        "file": name,
        "file_size": fetched.size,
        "format": info.format,
        "width": info.width,
        "height": info.height,
        "source": candidate.source,
        "source_id": clipped(Image, "source_id", candidate.source_id),
        "file_url": clipped(Image, "file_url", candidate.file_url),
        "source_page_url": clipped(Image, "source_page_url", candidate.source_page_url),
        "licence": clipped(Image, "licence", candidate.licence),
        "licence_url": clipped(Image, "licence_url", candidate.licence_url),
        "author": clipped(Image, "author", candidate.author),
        "attribution": candidate.attribution,
        "title": clipped(Image, "title", candidate.title),
        "description": candidate.description,
        "taken_at": _plausible_date(candidate.taken_at),
    }


def _plausible_date(moment: datetime | None) -> datetime | None:
    """The date the source states, unless no photo can have been taken then; EXIF overrides it later."""
    if moment is None or is_plausible_taken_at(moment, now=timezone.now()):
        return moment
    log.warning("dropped the source's date: %s", implausible_date_warning(moment))
    return None


def _download_limits() -> DownloadLimits:
    return DownloadLimits(
        max_bytes=settings.IMGSITE_MAX_DOWNLOAD_BYTES,
        connect_timeout=settings.IMGSITE_CONNECT_TIMEOUT,
        read_timeout=settings.IMGSITE_READ_TIMEOUT,
        deadline=settings.IMGSITE_DOWNLOAD_DEADLINE,
        allow_private=settings.IMGSITE_ALLOW_PRIVATE_URLS,
        trusted_hosts=_configured_api_hosts(),
    )


def _configured_api_hosts() -> frozenset[str]:
    """The deployer chose these hosts (e.g. a local Commons mirror); their files are not checked."""
    urls = (settings.IMGSITE_COMMONS_API, settings.IMGSITE_OPENVERSE_API)
    return frozenset(urlsplit(url).netloc for url in urls if url)


def _describe(candidate: Candidate | Rejection) -> str:
    if isinstance(candidate, Rejection):
        return candidate.source_id
    return candidate.title or candidate.source_id or candidate.file_url or candidate.local_path
