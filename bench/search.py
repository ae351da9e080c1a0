"""Benchmark photo search: the selector on SQLite (FTS5) and PostgreSQL, and PostgreSQL's choices.

Run from the repository root:  .venv/bin/python bench/search.py [--sizes 2000 20000] [--runs 100]
It needs PostgreSQL on 127.0.0.1:5432 (--pg) for the PostgreSQL half; `--sqlite-only` skips it.

For each size it seeds that many analysed photos (titles, descriptions and 3 tags each, drawn from
a small vocabulary) into a throwaway database, timing the load with the search triggers on and, on
PostgreSQL, with them off plus one rebuild of the index afterwards. It then times the search
selector as a page uses it (first 24 results by relevance, and the count) for a rare word, a common
word and two words, printing p50/p99. On PostgreSQL it also times the same query three ways: the
stored GIN-indexed tsvector the site uses; an expression GIN index over title and description
(which cannot cover tags, author or camera, kept in other rows or columns); and the full document
computed per row with no index. It asserts nothing; numbers move with the machine's load, printed
beside them. The SQLite database is a temporary file; the PostgreSQL one is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psycopg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.words import MOODS, SUBJECTS, WORDS  # noqa: E402 (needs the repository on the path)

# One photo's number (in one title), a word in about one description in five, and two words.
QUERIES = {"one photo (1234)": "1234", "common word (light)": "light", "two words": "misty harbour"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="imgsite_bench_search")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args)
        return
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    engines = ["sqlite"] if args.sqlite_only else ["sqlite", "postgresql"]
    for engine in engines:
        # One process per engine: Django settings are read once per process.
        subprocess.run([sys.executable, __file__, "--child", engine, *sys.argv[1:]], check=True)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


def run_child(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="imgsite-bench-search-") as folder:
        if args.child == "sqlite":
            url = f"sqlite:///{folder}/bench.sqlite3"
        else:
            url = f"{args.pg}/{args.database}"
            _admin_sql(args.pg, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            _admin_sql(args.pg, f'CREATE DATABASE "{args.database}"')
        os.environ.update(
            DJANGO_SETTINGS_MODULE="imgsite.settings.test", DATABASE_URL=url, IMGSITE_MEDIA_ROOT=folder
        )
        try:
            measure_engine(args.child, args.sizes, args.runs)
        finally:
            if args.child == "postgresql":
                from django.db import connections

                connections.close_all()
                _admin_sql(args.pg, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


def _admin_sql(server_url: str, sql: str) -> None:
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(sql.encode())


def measure_engine(engine: str, sizes: list[int], runs: int) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"\n== {engine} ==")
    for size in sizes:
        clear()
        seconds = seed(size, random.Random(size))
        line = f"{size:>6} photos: loaded in {seconds:.1f} s with the search triggers"
        if engine == "postgresql":
            clear()
            off, rebuild = seed_without_triggers(size)
            line += f"; {off:.1f} s without them, plus {rebuild:.1f} s to build the index once"
        print(line)
        analyse()
        for label, text in QUERIES.items():
            found, latencies = time_selector(text, runs)
            print(f"  selector, {label:<20} {found:>5} found  {_p(latencies)}")
        if engine == "postgresql":
            for label, latencies in time_postgres_variants(size, runs).items():
                print(f"  SQL '{QUERIES['common word (light)']}', {label:<44} {_p(latencies)}")


def _p(latencies: list[float]) -> str:
    return f"p50 {np.percentile(latencies, 50):7.2f} ms  p99 {np.percentile(latencies, 99):7.2f} ms"


def clear() -> None:
    from gallery.models import Image, ImageTag, Tag

    ImageTag.objects.all().delete()
    Tag.objects.all().delete()
    Image.objects.all().delete()


def _rows(size: int, rng: random.Random) -> list:
    from gallery.models import AnalysisStatus, Image

    return [
        Image(
            sha256=f"{n:064x}",
            file="thumbs/x.jpg",
            thumbnail="thumbs/x.jpg",
            source="commons",
            source_id=f"bench-{n}",
            licence="CC BY 4.0",
            author=f"Photographer {n % 97}",
            camera_make=rng.choice(["Canon", "NIKON", "SONY", ""]),
            title=f"{rng.choice(MOODS).title()} {rng.choice(SUBJECTS)} {n}",
            description=" ".join(rng.choices(WORDS, k=12)),
            status=AnalysisStatus.DONE,
        )
        for n in range(size)
    ]


def seed(size: int, rng: random.Random) -> float:
    from django.db import transaction

    from gallery.models import Image, ImageTag, Tag, TagOrigin

    started = time.perf_counter()
    with transaction.atomic():
        images = Image.objects.bulk_create(_rows(size, rng), batch_size=1000)
        tags = Tag.objects.bulk_create([Tag(name=word) for word in WORDS])
        links = [
            ImageTag(image=image, tag=tag, origin=TagOrigin.SOURCE)
            for image in images
            for tag in rng.sample(tags, 3)
        ]
        ImageTag.objects.bulk_create(links, batch_size=1000)
    return time.perf_counter() - started


def seed_without_triggers(size: int) -> tuple[float, float]:
    from django.db import connection

    tables = ("gallery_image", "gallery_imagetag", "gallery_tag")
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        seconds = seed(size, random.Random(size))
    finally:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM gallery_image_search")
        cursor.execute(
            "INSERT INTO gallery_image_search (rowid, gallery_image_search) "
            "SELECT id, gallery_image_search_document(id) FROM gallery_image"
        )
    return seconds, time.perf_counter() - started


def analyse() -> None:
    # Planner statistics for the freshly loaded tables (both engines take the same statement).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def time_selector(text: str, runs: int) -> tuple[int, list[float]]:
    from gallery.selectors import GalleryFilters, gallery_images

    filters = GalleryFilters(q=text, sort="relevance")
    latencies = []
    found = 0
    for _ in range(runs):
        started = time.perf_counter()
        images = gallery_images(filters)
        found = images.count()
        list(images[:24])
        latencies.append((time.perf_counter() - started) * 1000)
    return found, latencies


def time_postgres_variants(size: int, runs: int) -> dict[str, list[float]]:
    from django.db import connection

    word = QUERIES["common word (light)"]
    query = "plainto_tsquery('english', %s)"
    expression = "to_tsvector('english', i.title || ' ' || i.description)"
    variants = {
        "stored tsvector, GIN (the site)": f"""SELECT i.id FROM gallery_image i
            JOIN gallery_image_search s ON s.rowid = i.id WHERE s.gallery_image_search @@ {query}
            ORDER BY ts_rank(s.gallery_image_search, {query}) DESC LIMIT 24""",
        "expression GIN, title+description only": f"""SELECT i.id FROM gallery_image i
            WHERE {expression} @@ {query} ORDER BY ts_rank({expression}, {query}) DESC LIMIT 24""",
        "whole document per row, no index": f"""SELECT i.id FROM gallery_image i
            WHERE gallery_image_search_document(i.id) @@ {query}
            ORDER BY ts_rank(gallery_image_search_document(i.id), {query}) DESC LIMIT 24""",
    }
    results = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX bench_expression_gin ON gallery_image USING gin (({expression.replace('i.', '')}))"
        )
        cursor.execute("ANALYZE gallery_image")
        for label, sql in variants.items():
            repeat = runs if "no index" not in label or size <= 2000 else max(5, runs // 20)
            latencies = []
            for _ in range(repeat):
                started = time.perf_counter()
                cursor.execute(sql, [word, word])
                cursor.fetchall()
                latencies.append((time.perf_counter() - started) * 1000)
            results[label] = latencies
        cursor.execute("DROP INDEX bench_expression_gin")
    return results


if __name__ == "__main__":
    main()
