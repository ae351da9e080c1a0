"""The one decode of a 12 MP HEIC photo beside a 12 MP JPEG's, as validate.decode_image does it.

    .venv/bin/python bench/heic_decode.py [--runs 5]

Encodes one photo-like 4000x3000 picture as JPEG (quality 90) and as HEIC (quality 90, pillow-heif, a
test-only dependency), then times decode_image on each (median of --runs, wall and CPU). A JPEG is
decoded in draft mode at 1/4 scale; HEIC has no reduced decode, so its whole picture is decoded.
Needs no database. Load on a shared machine moves these figures: the load average is printed.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pillow_heif

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gallery.analysis.validate import decode_image
from tests.support.images import photo_like

MAX_PIXELS = 120_000_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    picture = photo_like(4000, 3000, seed=1)
    with tempfile.TemporaryDirectory() as folder:
        jpeg, heic = Path(folder, "photo.jpg"), Path(folder, "photo.heic")
        picture.save(jpeg, "JPEG", quality=90)
        out = io.BytesIO()
        pillow_heif.from_pillow(picture).save(out, format="HEIF", quality=90)
        heic.write_bytes(out.getvalue())
        print(f"load average {os.getloadavg()[0]:.1f}; 4000x3000, {runs} runs each, median")
        results = {name: timed(path, runs) for name, path in (("JPEG", jpeg), ("HEIC", heic))}
    for name, (wall, cpu, size) in results.items():
        print(f"  {name:5} {size / 1e6:5.2f} MB  decode {wall * 1000:7.1f} ms wall  {cpu * 1000:7.1f} ms CPU")
    print(f"  HEIC / JPEG: {results['HEIC'][0] / results['JPEG'][0]:.1f}x wall")


def timed(path: Path, runs: int) -> tuple[float, float, int]:
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        decode_image(path, max_pixels=MAX_PIXELS)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
    return statistics.median(walls), statistics.median(cpus), path.stat().st_size


if __name__ == "__main__":
    main()
