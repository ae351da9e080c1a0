"""What the tag suggester costs: one photo's suggestions, one online update, a training.

    .venv/bin/python bench/tag_suggestions.py [--tags 30 200] [--photos 1000 10000] [--repeat 2000]

Features are the site's recipe at its real size (the 420-number descriptor and the 112-bin colour
histogram, 532 numbers), random but fixed by a seed; models have 30 tags (the sample photos'
vocabulary) and 200. For each size it prints p50/p99 (wall) of:

- one photo's suggestions: feature vector from the stored histogram and visual vector, the
  probabilities, the top 5 above the floor (what the analysis and a refresh do per photo);
- one online update as the worker does it: the stored model read from its .npz bytes, one answer
  learnt, the bytes written back (the database round trip is not included);
- the training on 1k and 10k photos (L-BFGS, one thread).

Needs no database. No assertions: figures only. The machine's load is printed beside them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gallery.analysis import tag_model
from gallery.analysis.descriptor import DESCRIPTOR_LENGTH
from gallery.analysis.features import HISTOGRAM_LENGTH
from gallery.analysis.tag_features import feature_vector
from gallery.analysis.tag_model import MIN_CONFIDENCE, SUGGESTIONS_PER_PHOTO


def timed(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    samples.sort()
    return statistics.median(samples) * 1000, samples[int(0.99 * (len(samples) - 1))] * 1000


def random_photo(rng: np.random.Generator) -> tuple[list[float], np.ndarray]:
    histogram = rng.dirichlet(np.full(HISTOGRAM_LENGTH, 0.2)).tolist()
    visual = rng.normal(size=DESCRIPTOR_LENGTH).astype(np.float32)
    return histogram, visual / np.linalg.norm(visual)


def trained(rng: np.random.Generator, photos: int, tags: int) -> tuple[tag_model.TagModel, float]:
    features = np.vstack([feature_vector(*random_photo(rng)) for _ in range(photos)])
    labels = (rng.random((photos, tags)) < 3 / tags).astype(np.float64)
    started = time.perf_counter()
    model = tag_model.fit(features, labels, [f"tag{j}" for j in range(tags)])
    return model, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tags", type=int, nargs="+", default=[30, 200])
    parser.add_argument("--photos", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; times in ms, p50 / p99")
    for tags in args.tags:
        model, _ = trained(rng, 500, tags)
        histogram, visual = random_photo(rng)

        def suggest(
            model: tag_model.TagModel = model, histogram: list[float] = histogram, visual: np.ndarray = visual
        ) -> object:
            probabilities = tag_model.predict(model, feature_vector(histogram, visual))[0]
            return tag_model.top_suggestions(
                model, probabilities, exclude=(), count=SUGGESTIONS_PER_PHOTO, minimum=MIN_CONFIDENCE
            )

        stored = tag_model.to_bytes(model)
        features = feature_vector(histogram, visual)

        def update(
            stored: bytes = stored, tag: str = model.tags[0], features: np.ndarray = features
        ) -> object:
            loaded = tag_model.from_bytes(stored)
            tag_model.learn(loaded, features, tag, accepted=False)
            return tag_model.to_bytes(loaded)

        s50, s99 = timed(suggest, args.repeat)
        u50, u99 = timed(update, max(1, args.repeat // 4))
        print(
            f"{tags:>4} tags x {len(model.mean)} features ({len(stored) / 1024:.0f} KiB stored): "
            f"one photo's suggestions {s50:.2f} / {s99:.2f}; one online update {u50:.2f} / {u99:.2f}"
        )
    for photos in args.photos:
        _, seconds = trained(rng, photos, 30)
        print(f"training on {photos:>6} photos, 30 tags: {seconds:.1f} s")


if __name__ == "__main__":
    main()
