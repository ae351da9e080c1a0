"""`manage.py resume_stale_work`: what Celery beat runs every minute, by hand (e.g. from cron
when beat is not running): resume jobs whose worker died, requeue photos left pending, queue the
profile rebuilds owed while the broker was down, and remove abandoned temporary files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gallery.services.sweeper import resume_stale_work
from profiles.services import queue_owed_rebuilds


class Command(BaseCommand):
    help = "Resume work a dead worker or a down broker left behind."

    def handle(self, *args: Any, **options: Any) -> None:
        result = resume_stale_work()
        rebuilds = queue_owed_rebuilds()
        self.stdout.write(
            f"Resumed {result.jobs_resumed} job(s), requeued {result.images_requeued} pending photo(s), "
            f"queued {rebuilds} owed profile rebuild(s), removed {result.temp_files_removed} "
            "abandoned temporary file(s)."
        )
