"""How well and how fast the visual descriptor finds similar photos, against the colour histogram alone.

Run from the repository root:

    .venv/bin/python bench/descriptor.py [--folder ../shared/sample-photos] [--repeat 3]

The folder needs a manifest.json listing {"file", "category", "tags"} per photo (the shared sample
photos have one). Each photo goes through the site's own analysis (`analyse_file`), then its 1024 px
preview through `describe`. It prints, for colour only, the descriptor only and both combined as the
recommender combines them (each block unit length, weighted):

- leave-one-out nearest-neighbour category accuracy (cosine), and the same with a 5-NN vote;
- the share of a photo's 6 most similar photos that share a source tag with it (what "Similar
  photos" shows), and that share its category;

then the descriptor's cost per photo on the preview (median and 90th percentile, wall and CPU) and
its share of the whole analysis of these photos. Prints figures and asserts nothing; no database.
On a shared machine the times move with the load, printed beside them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gallery.analysis.descriptor import BLOCK_WEIGHTS, BLOCKS, DESCRIPTOR_LENGTH, describe
from gallery.analysis.pipeline import analyse_file

MAX_PIXELS = 120_000_000
SIMILAR_COUNT = 6
# As recommender.features.GROUP_WEIGHTS weighs the colour histogram against the visual block.
COMBINED_WEIGHTS = {"colour": 0.5, "visual": 1.0}


@dataclass
class Photo:
    category: str
    tags: set[str]
    histogram: np.ndarray
    descriptor: np.ndarray
    preview: Image.Image
    analysis_seconds: float


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("../shared/sample-photos"))
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of describe() per photo")
    args = parser.parse_args()
    manifest = json.loads((args.folder / "manifest.json").read_text())
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    rows = analyse_all(args.folder, manifest)
    print(f"{len(rows)} photos, descriptor of {DESCRIPTOR_LENGTH} numbers, blocks {dict(BLOCK_WEIGHTS)}\n")
    report_quality(rows)
    report_blocks(rows)
    report_cost(rows, args.repeat)


def analyse_all(folder: Path, manifest: list[dict[str, object]]) -> list[Photo]:
    rows = []
    for entry in manifest:
        path = folder / str(entry["file"])
        started = time.perf_counter()
        result = analyse_file(path, max_pixels=MAX_PIXELS)
        analysis_seconds = time.perf_counter() - started
        preview = Image.open(io.BytesIO(result.preview_jpeg))
        preview.load()
        rows.append(
            Photo(
                category=str(entry["category"]),
                tags={str(tag) for tag in entry["tags"]},  # type: ignore[attr-defined]
                histogram=np.sqrt(np.asarray(result.colour_histogram, dtype=np.float64)),
                descriptor=describe(preview).astype(np.float64),
                preview=preview,
                analysis_seconds=analysis_seconds,
            )
        )
    return rows


def report_quality(rows: list[Photo]) -> None:
    colour = _unit_rows(np.stack([r.histogram for r in rows]))
    visual = _unit_rows(np.stack([r.descriptor for r in rows]))
    combined = _unit_rows(
        np.hstack([colour * COMBINED_WEIGHTS["colour"], visual * COMBINED_WEIGHTS["visual"]])
    )
    print(f"{'features':<28}{'1-NN category':>15}{'5-NN vote':>11}{'6 similar: tag':>16}{'category':>10}")
    for name, matrix in (
        ("colour histogram", colour),
        ("descriptor", visual),
        ("colour + descriptor", combined),
    ):
        print(_quality_line(name, matrix, rows))
    chance = _chance_of_shared_tag(rows)
    print(f"{'(a random photo)':<28}{'':>15}{'':>11}{chance:>16.1%}\n")


def report_blocks(rows: list[Photo]) -> None:
    """Each block of the descriptor alone, to show what it brings."""
    visual = np.stack([r.descriptor for r in rows])
    for name, columns in BLOCKS.items():
        print(_quality_line(f"  block {name} alone", _unit_rows(visual[:, columns]), rows))
    print()


def report_cost(rows: list[Photo], repeat: int) -> None:
    walls, cpus = [], []
    for row in rows:
        preview = row.preview
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            describe(preview)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    analysis = [r.analysis_seconds for r in rows]
    median_wall, median_cpu = statistics.median(walls), statistics.median(cpus)
    print(
        f"describe() on the preview: median {median_wall * 1e3:.1f} ms wall, {median_cpu * 1e3:.1f} ms CPU; "
    )
    print(f"  90th percentile {np.percentile(walls, 90) * 1e3:.1f} ms wall")
    print(
        f"analysis of these photos without it: median {statistics.median(analysis) * 1e3:.0f} ms; "
        f"the descriptor adds {median_wall / statistics.median(analysis):.1%} "
        f"(photos/s per core at that median: {1 / statistics.median(analysis):.1f} -> "
        f"{1 / (statistics.median(analysis) + median_wall):.1f})"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def _quality_line(name: str, matrix: np.ndarray, rows: list[Photo]) -> str:
    similarity = matrix @ matrix.T
    np.fill_diagonal(similarity, -np.inf)
    order = np.argsort(-similarity, axis=1, kind="stable")
    categories = [r.category for r in rows]
    tags = [r.tags for r in rows]
    first = np.mean([categories[order[i, 0]] == categories[i] for i in range(len(rows))])
    vote = np.mean([_vote([categories[j] for j in order[i, :5]]) == categories[i] for i in range(len(rows))])
    shared_tag = np.mean(
        [np.mean([bool(tags[i] & tags[j]) for j in order[i, :SIMILAR_COUNT]]) for i in range(len(rows))]
    )
    shared_category = np.mean(
        [
            np.mean([categories[j] == categories[i] for j in order[i, :SIMILAR_COUNT]])
            for i in range(len(rows))
        ]
    )
    return f"{name:<28}{first:>15.1%}{vote:>11.1%}{shared_tag:>16.1%}{shared_category:>10.1%}"


def _chance_of_shared_tag(rows: list[Photo]) -> float:
    tags = [r.tags for r in rows]
    n = len(rows)
    pairs = [bool(tags[i] & tags[j]) for i in range(n) for j in range(n) if i != j]
    return float(np.mean(pairs))


def _vote(labels: list[object]) -> object:
    counts: dict[object, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return max(counts, key=lambda label: (counts[label], -labels.index(label)))


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


if __name__ == "__main__":
    main()
