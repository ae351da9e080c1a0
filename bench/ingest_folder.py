"""End-to-end folder ingest of JPEGs in one process with in-process tasks, as `make demo` runs.

Used by bench/analyse.py, which writes the photos and starts this script once per worker process:

    python bench/ingest_folder.py FOLDER --db DB_FILE --media MEDIA_DIR [--migrate-only]

Each run ingests every photo in FOLDER into the SQLite file DB_FILE (or DATABASE_URL when set) and
prints one line of JSON: photos stored, photos analysed, wall seconds of the ingest and CPU seconds.
The repository it imports is the one on PYTHONPATH (or this script's parent), so the same bench can
time another checkout's pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--media", type=Path, required=True)
    parser.add_argument("--migrate-only", action="store_true")
    args = parser.parse_args()
    configure(args.db, args.media, args.folder)

    import django
    from django.core.management import call_command

    django.setup()
    if args.migrate_only:
        call_command("migrate", verbosity=0)
        return
    print(json.dumps(ingest(args.folder)))


def configure(db: Path, media: Path, folder: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "imgsite.settings.local"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db}")
    os.environ["IMGSITE_MEDIA_ROOT"] = str(media)
    os.environ["IMGSITE_FOLDER_ROOTS"] = str(folder.parent)
    os.environ["CELERY_BROKER_URL"] = ""  # tasks in-process, as `make demo` runs them
    os.environ["DEBUG"] = "false"  # DEBUG keeps every SQL query in memory


def ingest(folder: Path) -> dict[str, float]:
    from gallery.models import AnalysisStatus, Image
    from gallery.services.ingest import run_ingest_job
    from gallery.services.jobs import create_ingest_job

    wanted = len(list(folder.glob("*.jpg")))
    job = create_ingest_job(
        source="folder",
        query=str(folder),
        wanted=wanted,
        options={"licence": "CC0", "author": "Bench"},
        enqueue=False,
    )
    started, cpu = time.perf_counter(), time.process_time()
    run_ingest_job(job)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    mine = Image.objects.filter(ingest_job=job)
    return {
        "stored": job.done,
        "failed": job.failed,
        "analysed": mine.filter(status=AnalysisStatus.DONE).count(),
        "wall": wall,
        "cpu": cpu,
    }


if __name__ == "__main__":
    main()
