"""End-to-end folder ingest of JPEGs in one process with in-process tasks, as `make demo` runs.

Used by bench/analyse.py, which writes the photos, migrates a database and starts this script once
per worker process with the environment saying where things are:

    DATABASE_URL=sqlite:///DB IMGSITE_MEDIA_ROOT=DIR IMGSITE_FOLDER_ROOTS=PARENT \
        python bench/ingest_folder.py FOLDER          # or --migrate-only

Each run ingests every photo in FOLDER and prints one line of JSON: photos stored, failed and
analysed, when the ingest started and finished (epoch seconds), its CPU seconds of the ingest, and which checkout's code ran. The repository it
imports is the one on PYTHONPATH, so the same bench can time another checkout's pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "imgsite.settings.local"
os.environ["CELERY_BROKER_URL"] = ""  # tasks in-process, as `make demo` runs them
os.environ["DEBUG"] = "false"  # DEBUG keeps every SQL query in memory
django.setup()

from django.core.management import call_command  # noqa: E402  (after django.setup)

import gallery  # noqa: E402
from gallery.models import AnalysisStatus, Image  # noqa: E402
from gallery.services.ingest import run_ingest_job  # noqa: E402
from gallery.services.jobs import create_ingest_job  # noqa: E402
from imgsite.background import ANALYSE_IMAGE, task_named  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--migrate-only", action="store_true")
    args = parser.parse_args()
    if args.migrate_only:
        call_command("migrate", verbosity=0)
        return
    print(json.dumps(ingest(args.folder)))


def ingest(folder: Path) -> dict[str, float | str]:
    # Celery's task discovery runs Django's system checks once per process (a second or more); paid
    # here, before the clock, so the figure is the per-photo rate whichever version queues tasks.
    task_named(ANALYSE_IMAGE)
    job = create_ingest_job(
        source="folder",
        query=str(folder),
        wanted=len(list(folder.glob("*.jpg"))),
        options={"licence": "CC0", "author": "Bench"},
        enqueue=False,
    )
    started, cpu = time.time(), time.process_time()
    run_ingest_job(job)
    finished, cpu = time.time(), time.process_time() - cpu
    return {
        "stored": job.done,
        "failed": job.failed,
        "analysed": Image.objects.filter(ingest_job=job, status=AnalysisStatus.DONE).count(),
        "started": started,
        "finished": finished,
        "cpu": cpu,
        "code": str(Path(gallery.__file__ or "").parent.parent),
    }


if __name__ == "__main__":
    main()
