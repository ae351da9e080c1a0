"""The ingest pipeline: take a source's candidates, fetch, check, deduplicate and store each one.

`run_ingest_job` (in this process) and `run_ingest_job_slice` (a task's time slice) are the entry
points; everything else here is a step of theirs.

Per candidate the order is: skip if (source, source_id) is known; fetch the bytes into memory,
hashed as they arrive (read once); decode the picture once, which both validates the file
(truncated, corrupt, oversized and hostile files are refused here, before anything is written) and
feeds the analysis; skip if the sha256 is known; write the original and its thumbnails atomically;
insert the Image row with its analysis, colours and tags in one transaction; group it with its other
versions.

The fetch, decode and analysis of the next few candidates run in worker threads
(IMGSITE_INGEST_THREADS) while this thread stores the current one: Pillow and numpy release the GIL
while they decode and compute, so on several cores one process ingests as fast as two did one at a
time. Only the caller's thread touches the database, and items are counted in the source's order, so
a job's position and its resumption after a crash mean what they meant. A photo whose bytes turn out
to be known is decoded for nothing; one whose source id is known never reaches a thread.
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
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar
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
from gallery.collection_version import changes_counted_every
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


@dataclass(frozen=True)
class _Prepared:
    """A candidate's bytes, decoded and analysed: everything before the database is asked anything."""

    fetched: FetchedFile
    decoded: DecodedImage
    analysis: PictureAnalysis


# What the caller's thread knows of an item before storing it: its outcome already (refused by the
# source, or its source id known), or the work on it in a worker thread.
_Begun = ItemResult | Future[_Prepared]
_Item = TypeVar("_Item")
_Started = TypeVar("_Started")


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
        with changes_counted_every(settings.IMGSITE_COUNTS_REFRESH_SECONDS):
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
    refusals: Counter[str] = Counter()
    resume_at = job.position  # items before it were counted by an earlier run of this job
    try:
        source = build_source(job.source, job.query, options=job.options)
        # Skipped, failed and refused items do not count, so list plenty; the loop stops at `wanted`.
        listed = first_photos(source.candidates(), job.wanted * LISTED_PER_WANTED)
        unseen = islice(enumerate(listed), resume_at, None)
        with _Preparer(threads=settings.IMGSITE_INGEST_THREADS) as preparer:
            for (index, item), begun in _looking_ahead(
                unseen,
                lambda numbered: _begin(numbered[1], preparer),
                how_far=lambda: min(preparer.threads, job.wanted - job.done - 1),
            ):
                if job.done >= job.wanted:
                    break
                if deadline is not None and time.monotonic() > deadline:
                    return RunEnd.PAUSED
                first = index == resume_at
                if not _count_item(job, item, begun, first=first, owner=owner, refusals=refusals):
                    return RunEnd.STOPPED
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


def _count_item(
    job: IngestJob,
    item: Candidate | Rejection,
    begun: _Begun,
    *,
    first: bool,
    owner: str,
    refusals: Counter[str],
) -> bool:
    """Store one item and count its outcome; False once this run no longer holds the job.
    `first`: the first item of this run, which a run that died may have stored without counting."""
    result = _ingest_item(item, begun, job=job)
    if first and _stored_by_this_job(result, job):
        # The run that died stored this item but was killed before counting it.
        result = ItemResult("done", image_id=result.image_id)
    if isinstance(item, Rejection):
        refusals[item.reason] += 1
    # Counting the item renews the lease in the same statement; it fails once the job was
    # cancelled, retried or taken over by another run, which then counts this item.
    return jobs.record_outcome(job, result.outcome, result.message, owner=owner)


def _looking_ahead(
    items: Iterable[_Item], begin: Callable[[_Item], _Started], *, how_far: Callable[[], int]
) -> Iterator[tuple[_Item, _Started]]:
    """Each item with what `begin` made of it, in order; `begin` is called up to `how_far()` items
    before the caller gets to them, so work it hands to threads is under way when it is needed.

    An error reading `items` (a source failing on its next page) is raised where it would have been
    without the look-ahead: after the items read before it."""
    pending: deque[tuple[_Item, _Started]] = deque()
    upcoming = iter(items)
    more = True
    failure: Exception | None = None
    while True:
        while more and len(pending) <= max(0, how_far()):
            try:
                item = next(upcoming)
            except StopIteration:
                more = False
            except Exception as exc:
                more, failure = False, exc
            else:
                pending.append((item, begin(item)))
        if not pending:
            if failure is not None:
                raise failure
            return
        yield pending.popleft()


class _Preparer:
    """Fetches, checks, decodes and analyses candidates in worker threads, each with its own HTTP
    session. Nothing here touches the database: that stays with the thread that made the preparer."""

    def __init__(self, *, threads: int) -> None:
        self.threads = max(1, threads)
        self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="ingest")
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        # Work not started is dropped; a decode under way finishes first (a second at most).
        self._pool.shutdown(wait=True, cancel_futures=True)
        for session in self._sessions:
            session.close()

    def submit(self, candidate: Candidate) -> Future[_Prepared]:
        return self._pool.submit(self._prepare, candidate)

    def _prepare(self, candidate: Candidate) -> _Prepared:
        fetched = _fetch(candidate, session=self._session())
        _check_checksum(fetched, candidate)
        started = time.perf_counter()
        decoded = _decode(fetched)
        analysis = analyse_picture(
            decoded, decode_seconds=time.perf_counter() - started, label=_describe(candidate)
        )
        return _Prepared(fetched, decoded, analysis)

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = http_session()
            with self._lock:
                self._sessions.append(session)
        return session


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


def _begin(item: Candidate | Rejection, preparer: _Preparer) -> _Begun:
    if isinstance(item, Rejection):
        log.debug("source refused %s: %s", item.source_id, item.reason)
        return ItemResult("rejected", f"{item.source_id}: {item.reason}")
    known = _find_known_image(item)
    if known is not None:
        return ItemResult("skipped", f"{_describe(item)}: already in the collection", known)
    return preparer.submit(item)


def _ingest_item(item: Candidate | Rejection, begun: _Begun, *, job: IngestJob | None) -> ItemResult:
    if isinstance(begun, ItemResult):
        return begun
    assert isinstance(item, Candidate)
    try:
        return _ingest_candidate(item, begun, job=job)
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
    candidate: Candidate, preparing: Future[_Prepared], *, job: IngestJob | None
) -> ItemResult:
    prepared = preparing.result()  # raises what the worker thread raised (ItemFailed, …)
    fetched, decoded = prepared.fetched, prepared.decoded
    duplicate = Image.objects.filter(sha256=fetched.sha256).values_list("pk", flat=True).first()
    if duplicate is not None:
        return ItemResult("skipped", f"{_describe(candidate)}: same file as image #{duplicate}", duplicate)
    candidate = with_embedded_metadata(candidate, decoded.image, job=job, name=_describe(candidate))
    image = _store(candidate, fetched, decoded.info, prepared.analysis, job=job)
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
    if candidate.expected_size > limits.max_bytes:
        # The source states the size (Commons, Openverse): no need to download up to the cap to know.
        raise ItemFailed(
            f"the source gives its size as {candidate.expected_size / 1e6:.1f} MB, over the "
            f"{limits.max_bytes / 1e6:.1f} MB limit; it was not downloaded"
        )
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
