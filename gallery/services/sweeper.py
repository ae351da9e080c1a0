"""Find work that a dead worker or a down broker left behind, and start it again.

Every task is idempotent and every job runs under a lease, so sending something twice is safe:
the sweeper errs on the side of resending. It runs from Celery beat and from
`manage.py resume_stale_work`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from gallery.models import AnalysisStatus, Image, IngestJob, JobStatus
from gallery.services import jobs
from gallery.services.analysis import send_analysis
from gallery.services.storage import is_local_storage, media_path, remove_quietly

log = logging.getLogger(__name__)

# Files interrupted writes leave: the atomic writes' partial files, and the temporary downloads of
# versions that wrote downloads to media/tmp/ (downloads are now held in memory until accepted).
TEMP_PATTERNS = (("tmp", "**/.download-*"), (".", "**/.partial-*"))


@dataclass(frozen=True)
class SweepResult:
    jobs_resumed: int
    images_requeued: int
    temp_files_removed: int

    def as_counts(self) -> dict[str, int]:
        return asdict(self)


def resume_stale_work(*, now: datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    return SweepResult(
        jobs_resumed=resume_stale_jobs(now=now),
        images_requeued=requeue_stale_pending_images(now=now),
        temp_files_removed=remove_abandoned_temp_files(older_than=settings.CELERY_TASK_TIME_LIMIT),
    )


def stale_jobs(*, now: datetime) -> list[int]:
    """Running jobs whose lease ran out (their worker died), and queued jobs no worker took."""
    queued_before = now - timedelta(seconds=settings.IMGSITE_STALE_PENDING_SECONDS)
    dead_run = Q(status=JobStatus.RUNNING) & (Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
    never_taken = Q(status=JobStatus.QUEUED, created_at__lt=queued_before)
    return list(IngestJob.objects.filter(dead_run | never_taken).order_by("pk").values_list("pk", flat=True))


def resume_stale_jobs(*, now: datetime) -> int:
    resumed = 0
    for job_id in stale_jobs(now=now):
        log.warning("ingest job %s was left unfinished; queueing it again", job_id)
        if not jobs.queue_job(job_id):
            break
        resumed += 1
    return resumed


def requeue_stale_pending_images(*, now: datetime) -> int:
    """Photos pending longer than any analysis takes lost their task (or it was never sent)."""
    before = now - timedelta(seconds=settings.IMGSITE_STALE_PENDING_SECONDS)
    ids = list(
        Image.objects.filter(status=AnalysisStatus.PENDING, updated_at__lt=before).values_list(
            "pk", flat=True
        )
    )
    sent = 0
    for image_id in ids:
        if not send_analysis(image_id):
            break
        # Restart the clock, so the next sweep leaves it to the task just sent.
        Image.objects.filter(pk=image_id, status=AnalysisStatus.PENDING).update(updated_at=timezone.now())
        sent += 1
    return sent


def remove_abandoned_temp_files(*, older_than: float) -> int:
    """Files an interrupted download or write left; none can still be in use after a task's limit.

    Only the local disk has them: an object store never shows an upload that did not finish."""
    if not is_local_storage():
        return 0
    cutoff = time.time() - older_than
    removed = 0
    for folder, pattern in TEMP_PATTERNS:
        for path in media_path(folder).glob(pattern):
            if is_old_file(path, cutoff):
                remove_quietly(path)
                removed += 1
    return removed


def is_old_file(path: Path, cutoff: float) -> bool:
    try:
        return path.is_file() and path.stat().st_mtime < cutoff
    except OSError:
        return False
