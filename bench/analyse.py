"""Benchmark the analysis stage on 12-megapixel JPEGs with EXIF, on one and on two worker processes.

Run from the repository root:  .venv/bin/python bench/analyse.py [--images 24] [--naive 2]

It generates photo-like JPEGs (smooth gradients, texture and sensor-like noise, so they weigh a few MB
as camera files do) into a temporary folder, analyses them with gallery.analysis.pipeline.analyse_file
in a ProcessPoolExecutor of 1 and then 2 workers, and prints images per second, images per second per
core, the mean time of each stage, and the same work done naively (full-size decode, k-means on every
pixel) on a few images. The quality stage's and the visual descriptor's own costs and their shares of
the whole are printed too.
It prints figures and asserts nothing. No Django settings are needed.

Images per second per core is given two ways: from wall time (what a user waits for, and what other
load on the machine slows down) and from the CPU time the workers used (steadier on a shared machine).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gallery.analysis.pipeline import analyse_file
from gallery.analysis.result import AnalysisResult

REPO = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 4000, 3000
MAX_PIXELS = 50_000_000
STAGES = ("decode", "exif", "thumbnails", "colours", "features", "descriptor", "quality")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=24, help="how many 12 MP JPEGs to analyse")
    parser.add_argument("--naive", type=int, default=1, help="how many images for the naive baseline")
    parser.add_argument(
        "--ingest", type=int, default=40, help="how many 12 MP JPEGs to ingest end to end (0: skip)"
    )
    parser.add_argument(
        "--repo",
        type=Path,
        nargs="+",
        default=[REPO],
        help="the checkouts whose ingest pipelines are timed end to end, in turn on the same photos "
        "(e.g. main's and this one, to compare them back to back)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="imgsite-bench-") as folder:
        started = time.perf_counter()
        paths = write_photos(Path(folder) / "photos", max(args.images, args.ingest))
        sizes = [path.stat().st_size / 1e6 for path in paths]
        print(
            f"generated {len(paths)} JPEGs of {WIDTH}x{HEIGHT} with EXIF, "
            f"{min(sizes):.1f}-{max(sizes):.1f} MB (mean {statistics.mean(sizes):.2f} MB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before the runs\n")

        if args.ingest > 0:
            for workers, threads in END_TO_END_RUNS:
                for repo in args.repo:
                    run_end_to_end(
                        paths[: args.ingest], workers, threads=threads, repo=repo, scratch=Path(folder)
                    )
            print()
        run_decode_floor(paths[:6])
        for workers in (1, 2):
            run_pool(paths[: args.images], workers)
        if args.naive > 0:
            run_naive(paths[: args.naive], fast_seconds_per_image=last_fast_seconds[0])


last_fast_seconds = [0.0]
# (processes, IMGSITE_INGEST_THREADS each): one process one photo at a time, one process with the
# default two threads preparing photos ahead, and two processes of each kind.
END_TO_END_RUNS = ((1, 1), (1, 2), (2, 1), (2, 2))


def run_end_to_end(paths: list[Path], workers: int, *, threads: int, repo: Path, scratch: Path) -> None:
    """Folder ingest from file to analysed photo, as `make demo` runs it: fetch, check, store, analyse
    and save, tasks in-process, with `threads` threads preparing the next photos in each process
    (IMGSITE_INGEST_THREADS; older checkouts ignore it). With 2 workers, two processes each ingest
    half the photos at once into the same database and media folder."""
    run = scratch / f"ingest-{workers}-{threads}"
    folders = [run / f"part-{n}" for n in range(workers)]
    for index, path in enumerate(paths):
        folders[index % workers].mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folders[index % workers] / path.name)
    ingest_script = [sys.executable, str(REPO / "bench" / "ingest_folder.py")]
    environment = {
        **os.environ,
        "PYTHONPATH": str(repo),
        "DATABASE_URL": f"sqlite:///{run / 'db.sqlite3'}",
        "IMGSITE_MEDIA_ROOT": str(run / "media"),
        "IMGSITE_FOLDER_ROOTS": str(run),
        "IMGSITE_INGEST_THREADS": str(threads),
    }
    subprocess.run([*ingest_script, str(run), "--migrate-only"], env=environment, check=True, cwd=repo)
    load = os.getloadavg()[0]
    processes = [
        subprocess.Popen([*ingest_script, str(part)], env=environment, stdout=subprocess.PIPE, cwd=repo)
        for part in folders
    ]
    outcomes = [json.loads(process.communicate()[0]) for process in processes]
    # From the first ingest's start to the last one's end: Python and Django start-up left out.
    wall = max(outcome["finished"] for outcome in outcomes) - min(outcome["started"] for outcome in outcomes)
    stored = sum(outcome["stored"] for outcome in outcomes)
    analysed = sum(outcome["analysed"] for outcome in outcomes)
    cpu = sum(outcome["cpu"] for outcome in outcomes)
    label = ("1 process" if workers == 1 else f"{workers} processes") + (
        ", 1 thread" if threads == 1 else f", {threads} threads"
    )
    print(
        f"end to end, folder ingest, {label}: {stored} stored, {analysed} analysed in {wall:.2f} s: "
        f"{analysed / wall:.1f} photos/s ({analysed / cpu:.1f} per CPU second; load {load:.2f}; "
        f"code: {outcomes[0]['code']})"
    )
    shutil.rmtree(run)


def run_pool(paths: list[Path], workers: int) -> None:
    with ProcessPoolExecutor(max_workers=workers, initializer=warm_up, initargs=(paths[0],)) as pool:
        # Start every worker (imports, first k-means) before the clock runs.
        list(pool.map(cpu_seconds_of, [paths[0]] * workers))
        started = time.perf_counter()
        outcomes = list(pool.map(timed_analysis, paths))
        wall = time.perf_counter() - started

    rate = len(paths) / wall
    cpu = statistics.mean(cpu_seconds for cpu_seconds, _ in outcomes)
    stages = {stage: statistics.mean(t[stage] for _, t in outcomes) for stage in STAGES}
    if workers == 1:
        last_fast_seconds[0] = wall / len(paths)
    print(f"{workers} worker{'s' if workers > 1 else ''}: {len(paths)} images in {wall:.2f} s")
    print(f"  images/s          {rate:6.1f}")
    print(f"  images/s per core {rate / workers:6.1f} (wall)   {1 / cpu:6.1f} (CPU time)")
    print(
        "  mean ms per stage "
        + "  ".join(f"{stage} {seconds * 1000:.1f}" for stage, seconds in stages.items())
    )
    total = sum(stages.values())
    print(f"  mean ms in total  {total * 1000:.1f}")
    print(
        f"  quality measures  {stages['quality'] * 1000:.1f} ms per image, "
        f"{stages['quality'] / total:.0%} of the analysis stage"
    )
    print(
        f"  visual descriptor {stages['descriptor'] * 1000:.1f} ms per image, "
        f"{stages['descriptor'] / total:.0%} of the analysis stage\n"
    )


def warm_up(path: Path) -> None:
    analyse_file(path, max_pixels=MAX_PIXELS)


def cpu_seconds_of(path: Path) -> float:
    return timed_analysis(path)[0]


def timed_analysis(path: Path) -> tuple[float, dict[str, float]]:
    started = time.process_time()
    result: AnalysisResult = analyse_file(path, max_pixels=MAX_PIXELS)
    return time.process_time() - started, result.timings


def run_decode_floor(paths: list[Path]) -> None:
    """The part no shortcut removes: libjpeg must entropy-decode the whole file even at 1/8 scale."""
    cpu = []
    for path in [paths[0], *paths]:  # the first, uncounted, loads the JPEG plugin
        data = path.read_bytes()
        started = time.process_time()
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (image.width // 4, image.height // 4))
            image.load()
        cpu.append(time.process_time() - started)
    seconds = statistics.mean(cpu[1:])
    megabytes = statistics.mean(path.stat().st_size / 1e6 for path in paths)
    print(
        f"floor: the draft decode alone takes {seconds * 1000:.1f} ms CPU per image "
        f"({seconds * 1000 / megabytes:.1f} ms per MB of JPEG), at most {1 / seconds:.1f} images/s per core\n"
    )


def run_naive(paths: list[Path], *, fast_seconds_per_image: float) -> None:
    """The same steps without the shortcuts: full-size decode, resizes from full size, k-means on all pixels."""
    from sklearn.cluster import KMeans

    steps: dict[str, list[float]] = {"decode": [], "thumbnails": [], "k-means on all pixels": []}
    for path in paths:
        started = time.perf_counter()
        with Image.open(path) as image:
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGB")
        steps["decode"].append(time.perf_counter() - started)

        started = time.perf_counter()
        for long_edge in (1024, 480):
            copy = upright.copy()
            copy.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS, reducing_gap=None)
            copy.save(io.BytesIO(), "JPEG", quality=85)
        steps["thumbnails"].append(time.perf_counter() - started)

        started = time.perf_counter()
        KMeans(n_clusters=5, n_init=1, random_state=0).fit(
            np.asarray(upright, dtype=np.float32).reshape(-1, 3)
        )
        steps["k-means on all pixels"].append(time.perf_counter() - started)

    means = {step: statistics.mean(times) for step, times in steps.items()}
    total = sum(means.values())
    print(f"naive (1 process, {len(paths)} image{'s' if len(paths) > 1 else ''}): {1 / total:.2f} images/s")
    print("  mean s per step  " + "  ".join(f"{step} {seconds:.2f}" for step, seconds in means.items()))
    if fast_seconds_per_image:
        print(f"  the pipeline is {total / fast_seconds_per_image:.0f}x faster per image (wall, 1 worker)")


def write_photos(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    fields = _shared_fields()
    paths = []
    for index in range(count):
        path = folder / f"photo-{index:03d}.jpg"
        photo_like(index, fields).save(path, "JPEG", quality=90, exif=_camera_exif(index))
        paths.append(path)
    return paths


def _shared_fields() -> dict[str, np.ndarray]:
    """Texture and noise made once and shifted per image, so generating 24 images takes seconds."""
    rng = np.random.default_rng(0)
    y, x = np.ogrid[0:HEIGHT, 0:WIDTH]
    texture = 18 * np.sin(x / 37 + 3 * np.sin(y / 53))
    noise = rng.normal(0, 4.5, size=(HEIGHT, WIDTH))
    return {"detail": np.rint(texture + noise).astype(np.int16)}


def photo_like(seed: int, fields: dict[str, np.ndarray]) -> Image.Image:
    """A smooth three-colour gradient (drawn small, enlarged by Pillow) plus shifted texture and noise."""
    rng = np.random.default_rng(seed)
    corners = rng.uniform(20, 235, size=(3, 3))
    fy, fx = np.mgrid[0:1:75j, 0:1:100j]
    fx, fy = fx[..., None], fy[..., None]
    small = corners[0] * (1 - fx) * (1 - fy) + corners[1] * fx + corners[2] * fy * (1 - fx)
    base = Image.fromarray(small.astype(np.uint8), "RGB").resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
    detail = np.roll(fields["detail"], int(rng.integers(0, 400)), axis=1)[..., None]
    pixels = np.asarray(base, dtype=np.int16) + detail
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def _camera_exif(seed: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "EOS R6"
    exif[0x0112] = 6 if seed % 4 == 0 else 1
    exif[0x0132] = "2023:05:06 10:11:12"
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2023:05:06 10:11:12"
    sub[0x8827] = 100 * (1 + seed % 8)
    sub[0x829D] = 4.0
    sub[0x829A] = 1 / 500
    sub[0x920A] = 35.0
    sub[0xA434] = "RF 35mm F1.8"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (47.0, 22.0, 1.5), "E", (8.0, 32.0, 30.25)
    return exif


if __name__ == "__main__":
    main()
