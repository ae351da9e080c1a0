"""Benchmark the photos' files under gunicorn (2 workers) with the production settings.

Run from the repository root:  .venv/bin/python bench/media.py [--seconds 5] [--clients 4]
It needs nothing but this repository: the database is a throwaway SQLite file the media view never
opens, and the cache URL is never used by it. It writes 300 small gradient thumbnails (400 x 267,
a few KiB each) to a temporary media folder, starts `gunicorn imgsite.wsgi` as bench/pages.py does,
and loads, from client threads on loopback for a fixed time each: the bare Django view, then
/media/ thumbnails sent by Django (FileResponse, the default single-machine deploy); then it
restarts gunicorn with IMGSITE_MEDIA_ACCEL_REDIRECT set and loads the same URLs again, which now
answer with headers only (what Django costs when nginx sends the bytes). It prints requests/s,
p50 and p99 latency and each one's cost relative to the bare view. It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The path above makes `bench` importable when this file is run as a script.
from bench.pages import (
    WORKERS,
    Target,
    bench_environment,
    gunicorn,
    measure,
    print_table,
    write_thumbnails,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="load time per URL set")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="imgsite-bench-media-") as folder:
        env = bench_environment(Path(folder), f"sqlite:///{folder}/db.sqlite3", "redis://127.0.0.1:6379/0")
        names = write_thumbnails(Path(folder) / "media", 300)
        size = (Path(folder) / "media" / names[0]).stat().st_size
        thumbnails = tuple(f"/media/{name}" for name in names)
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; {WORKERS} gunicorn "
            f"workers, {args.clients} client threads, {args.seconds:g} s per row; "
            f"thumbnails of {size / 1024:.1f} KiB"
        )
        with gunicorn(env, Path(folder)) as (port, _):
            results = [
                measure(port, Target("bare Django view", ("/bench/bare/",)), args.seconds, args.clients),
                measure(port, Target("thumbnail, sent by Django", thumbnails), args.seconds, args.clients),
            ]
        accel = {**env, "IMGSITE_MEDIA_ACCEL_REDIRECT": "/protected-media/"}
        with gunicorn(accel, Path(folder)) as (port, _):
            results.append(
                measure(
                    port, Target("thumbnail, X-Accel-Redirect only", thumbnails), args.seconds, args.clients
                )
            )
        print_table(results)
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
