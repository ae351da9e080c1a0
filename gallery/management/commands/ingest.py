"""`manage.py ingest <source> [query]`: collect photos from a source, with a progress bar and a summary."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gallery.models import Image, IngestJob, JobStatus, Source
from gallery.services.ingest import run_ingest_job
from gallery.services.jobs import create_ingest_job

OFFLINE_HINT = (
    "Other sources: folder (manage.py ingest folder PATH --licence 'CC0 1.0' --author NAME), "
    "urls (a CSV of url,licence,author,title,tags), unsplash-lite (a local copy of the dataset), openverse."
)


class Command(BaseCommand):
    help = "Collect open-licensed photos from a source; analysis runs in the background."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", choices=Source.values)
        parser.add_argument(
            "query",
            nargs="?",
            default="",
            help="commons: 'Category:…' or search text; openverse: search text; "
            "urls: a CSV file; folder and unsplash-lite: a folder.",
        )
        parser.add_argument("--count", type=int, default=None, help="How many new photos to store.")
        parser.add_argument(
            "--until-total",
            type=int,
            default=None,
            help="Store only as many as needed for the collection to hold this many photos.",
        )
        parser.add_argument("--licence", default="", help="Licence of the photos (folder source).")
        parser.add_argument("--author", default="", help="Author of the photos (folder source).")
        parser.add_argument("--no-wait", action="store_true", help="Queue the job and return at once.")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = self.wanted(options)
        if wanted == 0:
            self.stdout.write(
                f"The collection already holds {Image.objects.count()} photos; nothing to ingest."
            )
            return
        source, query = options["source"], options["query"]
        if source == Source.COMMONS and not query:
            query = settings.IMGSITE_DEFAULT_COMMONS_CATEGORY
        source_options = {k: options[k] for k in ("licence", "author") if options[k]}
        eager = settings.CELERY_TASK_ALWAYS_EAGER
        job = create_ingest_job(
            source=source, query=query, wanted=wanted, options=source_options, enqueue=not eager
        )
        job.refresh_from_db()
        if job.is_finished and not eager:
            # Sending it failed (the broker is down); the job says why and can be retried.
            raise CommandError(f"Job #{job.pk}: {job.errors[-1] if job.errors else job.status}")
        if options["no_wait"] and not eager:
            self.stdout.write(f"Queued ingest job #{job.pk}; watch it in the admin.")
            return
        started = time.monotonic()
        with tqdm(total=wanted, desc=f"{source} {query}"[:40], unit="photo") as bar:
            if eager:
                run_ingest_job(job, progress=lambda j: show(bar, j))
            else:
                gave_up = wait_for(job, bar, limits=WaitLimits.from_settings())
        if not eager and gave_up:
            raise CommandError(gave_up)
        self.report(job, time.monotonic() - started)

    def wanted(self, options: dict[str, Any]) -> int:
        if options["count"] is not None and options["count"] < 1:
            raise CommandError("--count must be at least 1.")
        if options["until_total"] is not None:
            return max(0, options["until_total"] - Image.objects.count())
        return options["count"] or settings.IMGSITE_DEFAULT_INGEST_COUNT

    def report(self, job: IngestJob, seconds: float) -> None:
        job.refresh_from_db()
        for line in job.errors[:20]:
            self.stderr.write(f"  failed: {line}")
        if job.status == JobStatus.FAILED:
            reason = job.errors[-1] if job.errors else "The source failed."
            raise CommandError(f"{reason.rstrip('.')}. {OFFLINE_HINT}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Stored {job.done} new photos from {job.source} in {seconds:.1f} s: "
                f"{job.skipped} already there, {job.failed} failed, "
                f"{job.rejected} refused (licence or file type). Job #{job.pk}."
            )
        )
        if job.done < job.wanted:
            self.stdout.write(f"The source ran out after {job.done} of the {job.wanted} wanted.")


def show(bar: tqdm[Any], job: IngestJob) -> None:
    bar.update(job.done - bar.n)
    bar.set_postfix(skipped=job.skipped, failed=job.failed, refused=job.rejected, refresh=False)


@dataclass(frozen=True)
class WaitLimits:
    pickup_seconds: float  # how long a queued job may wait for a worker to take it
    stall_seconds: float  # how long a running job may show no sign of life

    @classmethod
    def from_settings(cls) -> WaitLimits:
        pickup = float(settings.IMGSITE_INGEST_PICKUP_SECONDS)
        return cls(pickup_seconds=pickup, stall_seconds=settings.IMGSITE_JOB_LEASE_SECONDS + pickup)


def wait_for(job: IngestJob, bar: tqdm[Any], *, limits: WaitLimits) -> str:
    """With real workers the job runs elsewhere; follow its row until it ends, and return "".

    Gives up, returning why, when no worker takes the job or its worker stops renewing its lease
    and counting items: the job is not lost (the sweeper resumes it), but nobody should wait.
    """
    started = last_change = time.monotonic()
    last_seen: tuple[object, ...] = ()
    while True:
        job.refresh_from_db()
        show(bar, job)
        if job.is_finished:
            return ""
        now = time.monotonic()
        if job.status == JobStatus.QUEUED and now - started > limits.pickup_seconds:
            return (
                f"No worker has taken job #{job.pk} in {limits.pickup_seconds:.0f} s: is a Celery worker "
                "running (make worker)? The job stays queued and runs when one starts; cancel or "
                "follow it in the admin."
            )
        signs_of_life = (job.status, job.position, job.lease_owner, job.lease_expires_at)
        if signs_of_life != last_seen:
            last_seen, last_change = signs_of_life, now
        elif now - last_change > limits.stall_seconds:
            return (
                f"Job #{job.pk} has shown no progress for {limits.stall_seconds:.0f} s; its worker may "
                "have died. It resumes when a worker takes it again (celery beat or manage.py "
                "resume_stale_work finds it); cancel or retry it in the admin."
            )
        time.sleep(0.5)
