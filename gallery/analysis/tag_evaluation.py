"""How good the tag suggestions are, measured on photos whose tags are known. No Django here.

Everything takes a `TaggedPhotos` (feature matrices by name, and each photo's tags) and returns plain
numbers; `manage.py evaluate_tagging` fills it from the site or from a folder and prints the tables.

- Suggestions, in a seeded k-fold: precision@1, precision@3 and recall@3 of the logistic model on
  the full features, against the most-frequent-tags baseline, the same model on colour only, and
  Gaussian naive Bayes on the same features (the other incremental model one could use).
- Learning curve: in each fold, the model starts from a share of the training photos' tags; the other
  training photos come in rounds, and a simulated curator accepts each one's suggestions that are
  among its true tags and rejects the rest, every answer through the online update
  (`tag_model.learn`). precision@3 on the held-out fold after each round.
- Wrong tags: a seeded share of tag assignments is swapped for tags the photo does not have, and
  "Tags to review" (confident learning, `tag_review`) is scored on finding exactly those.
- Similar photos: the share of a photo's 6 nearest neighbours (cosine) that share a tag with it.
- Calibration of the shown confidences: of the suggestions a person would see on a held-out photo
  (its top SUGGESTIONS_PER_PHOTO at or above MIN_CONFIDENCE), grouped by the percentage shown, the
  share that are among the photo's tags; a "40%" should be right about 40% of the time. The expected
  calibration error is the gap between the two, weighted by how many suggestions each group holds.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Final

import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure
from sklearn.naive_bayes import GaussianNB

from gallery.analysis import tag_model
from gallery.analysis.tag_model import FloatArray
from gallery.analysis.tag_review import (
    Trainer,
    fold_of_each,
    logistic_trainer,
    out_of_fold_probabilities,
    suspect_tags,
)

SIMILAR_COUNT: Final = 6
SUGGESTIONS_SHOWN: Final = 3
NOISE_SHARE: Final = 0.10
# The learning curve's model starts from this share of the training photos' tags.
SEED_SHARE: Final = 0.3
# Groups of shown confidences for the calibration table, from the lowest shown.
CALIBRATION_EDGES: Final = (tag_model.MIN_CONFIDENCE, 0.25, 0.4, 0.6, 1.0)


@dataclass(frozen=True)
class TaggedPhotos:
    features: dict[str, FloatArray]  # by name, e.g. "full" and "colour"; one row per photo
    tags: list[list[str]]  # each photo's known tags

    def __len__(self) -> int:
        return len(self.tags)


@dataclass(frozen=True)
class RankingScores:
    precision_at_1: float
    precision_at_3: float
    recall_at_3: float


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    shown: int  # suggestions shown with a confidence in [low, high)
    mean_confidence: float
    right_share: float  # of those, the share among the photo's true tags


@dataclass
class TaggingReport:
    photos: int
    vocabulary: list[str]
    folds: int
    seed: int
    methods: dict[str, RankingScores] = field(default_factory=dict)
    curve: list[float] = field(default_factory=list)  # precision@3 after round 0 (no feedback), 1, 2...
    review_injected: int = 0
    review_listed: int = 0
    review_found: int = 0
    similar: dict[str, float] = field(default_factory=dict)
    reliability: list[ReliabilityBin] = field(default_factory=list)

    @property
    def calibration_error(self) -> float:
        """Expected calibration error of the shown confidences (0 is perfect)."""
        shown = sum(b.shown for b in self.reliability)
        gaps = sum(b.shown * abs(b.mean_confidence - b.right_share) for b in self.reliability)
        return gaps / shown if shown else 0.0

    @property
    def review_precision(self) -> float:
        return self.review_found / self.review_listed if self.review_listed else 0.0

    @property
    def review_recall(self) -> float:
        return self.review_found / self.review_injected if self.review_injected else 0.0


def ranking_scores(probabilities: FloatArray, labels: FloatArray) -> RankingScores:
    """Scores of each photo's ranked tags against its true ones, over photos with at least one."""
    known = labels.sum(axis=1) > 0
    probabilities, labels = probabilities[known], labels[known]
    if not len(labels):
        return RankingScores(0.0, 0.0, 0.0)
    order = np.argsort(-probabilities, axis=1, kind="stable")
    hits = np.take_along_axis(labels, order[:, :SUGGESTIONS_SHOWN], axis=1)
    return RankingScores(
        precision_at_1=float(hits[:, 0].mean()),
        precision_at_3=float(hits.sum(axis=1).mean() / SUGGESTIONS_SHOWN),
        recall_at_3=float((hits.sum(axis=1) / labels.sum(axis=1)).mean()),
    )


def frequency_trainer(features: FloatArray, labels: FloatArray) -> Callable[[FloatArray], FloatArray]:
    """The baseline: every photo gets the tags most frequent in training, in that order."""
    share = labels.mean(axis=0)
    return lambda rows: np.tile(share, (len(rows), 1))


def naive_bayes_trainer(features: FloatArray, labels: FloatArray) -> Callable[[FloatArray], FloatArray]:
    """Gaussian naive Bayes, one per tag; a tag with one class in training gets its share."""
    models: list[GaussianNB | float] = []
    for column in labels.T:
        if column.min() == column.max():
            models.append(float(column[0]))
        else:
            models.append(GaussianNB().fit(features, column.astype(int)))

    def predict(rows: FloatArray) -> FloatArray:
        columns = [
            np.full(len(rows), m) if isinstance(m, float) else m.predict_proba(rows)[:, 1] for m in models
        ]
        return np.column_stack(columns)

    return predict


def kfold_scores(
    features: FloatArray, labels: FloatArray, trainer: Trainer, *, folds: int, seed: int
) -> RankingScores:
    probabilities = out_of_fold_probabilities(features, labels, folds=folds, seed=seed, trainer=trainer)
    return ranking_scores(probabilities, labels)


def reliability(probabilities: FloatArray, labels: FloatArray) -> list[ReliabilityBin]:
    """The shown suggestions (each photo's top ones at or above the floor), grouped by confidence."""
    order = np.argsort(-probabilities, axis=1, kind="stable")[:, : tag_model.SUGGESTIONS_PER_PHOTO]
    shown = np.take_along_axis(probabilities, order, axis=1)
    right = np.take_along_axis(labels, order, axis=1)
    bins = []
    for low, high in pairwise(CALIBRATION_EDGES):
        inside = (shown >= low) & ((shown < high) | (high == CALIBRATION_EDGES[-1]))
        if inside.any():
            bins.append(
                ReliabilityBin(
                    low, high, int(inside.sum()), float(shown[inside].mean()), float(right[inside].mean())
                )
            )
    return bins


def learning_curve(
    features: FloatArray, labels: FloatArray, *, folds: int, seed: int, rounds: int
) -> list[float]:
    """precision@3 on a held-out fold after 0..rounds rounds of simulated answers, averaged over folds.

    In each fold the model starts from SEED_SHARE of the other photos' tags, as a young collection
    does; the rest of them arrive in `rounds` batches, untagged, and the curator answers each
    photo's top suggestions. Only the online update learns from them, no refit.
    """
    fold = fold_of_each(len(labels), folds=folds, seed=seed)
    rng = np.random.default_rng(seed + 1)
    tags = [str(j) for j in range(labels.shape[1])]
    curves = []
    for f in range(folds):
        tested = np.flatnonzero(fold == f)
        others = rng.permutation(np.flatnonzero(fold != f))
        start = max(2, round(SEED_SHARE * len(others)))
        model = tag_model.fit(features[others[:start]], labels[others[:start]], tags)
        curve = [_precision_at_3(model, features[tested], labels[tested])]
        for batch in np.array_split(others[start:], rounds):
            _answer_round(model, features, labels, batch)
            curve.append(_precision_at_3(model, features[tested], labels[tested]))
        curves.append(curve)
    return [float(x) for x in np.mean(np.array(curves), axis=0)]


def _answer_round(
    model: tag_model.TagModel, features: FloatArray, labels: FloatArray, photos: npt.NDArray[np.int64]
) -> None:
    """The curator answers each photo's top suggestions: accepts its true tags, rejects the rest."""
    for i in photos:
        probabilities = tag_model.predict(model, features[i])[0]
        for j in np.argsort(-probabilities, kind="stable")[:SUGGESTIONS_SHOWN]:
            tag_model.learn(model, features[i], model.tags[j], accepted=bool(labels[i, j]))


def _precision_at_3(model: tag_model.TagModel, features: FloatArray, labels: FloatArray) -> float:
    return ranking_scores(tag_model.predict(model, features), labels).precision_at_3


def inject_wrong_tags(
    labels: FloatArray, *, share: float, seed: int
) -> tuple[FloatArray, set[tuple[int, int]]]:
    """Swap a seeded `share` of the tag assignments for a tag the photo lacks; returns the noisy
    labels and the (photo, tag) positions of the wrong tags put in."""
    rng = np.random.default_rng(seed)
    noisy = labels.copy()
    rows, columns = np.nonzero(labels > 0.5)
    count = round(share * len(rows))
    injected: set[tuple[int, int]] = set()
    for pick in rng.choice(len(rows), size=count, replace=False):
        i, j = int(rows[pick]), int(columns[pick])
        absent = np.flatnonzero(noisy[i] < 0.5)
        if not len(absent):
            continue
        wrong = int(rng.choice(absent))
        noisy[i, j], noisy[i, wrong] = 0.0, 1.0
        injected.add((i, wrong))
    return noisy, injected


def review_scores(features: FloatArray, labels: FloatArray, *, folds: int, seed: int) -> tuple[int, int, int]:
    """(injected, listed, found): how "Tags to review" does on a seeded share of swapped tags."""
    noisy, injected = inject_wrong_tags(labels, share=NOISE_SHARE, seed=seed)
    probabilities = out_of_fold_probabilities(features, noisy, folds=folds, seed=seed)
    listed = {(s.row, s.column) for s in suspect_tags(noisy, probabilities)}
    return len(injected), len(listed), len(listed & injected)


def nearest_neighbours(features: FloatArray, *, count: int = SIMILAR_COUNT) -> np.ndarray:
    """Each row's `count` nearest other rows by cosine on standardised features."""
    z = (features - features.mean(axis=0)) / np.where(features.std(axis=0) > 1e-9, features.std(axis=0), 1.0)
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    unit = z / np.where(norms > 0, norms, 1.0)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    return np.argsort(-similarity, axis=1, kind="stable")[:, :count]


def similar_tag_share(features: FloatArray, tag_sets: Sequence[set[str]]) -> float:
    """The share of each photo's similar photos that share at least one tag with it, averaged."""
    neighbours = nearest_neighbours(features)
    shares = [
        np.mean([bool(tag_sets[i] & tag_sets[int(j)]) for j in row])
        for i, row in enumerate(neighbours)
        if tag_sets[i]
    ]
    return float(np.mean(shares)) if shares else 0.0


def evaluate(photos: TaggedPhotos, *, folds: int = 5, seed: int = 0, rounds: int = 5) -> TaggingReport:
    words = tag_model.vocabulary(photos.tags)
    labels = tag_model.label_matrix(photos.tags, words)
    report = TaggingReport(photos=len(photos), vocabulary=words, folds=folds, seed=seed)
    full, colour = photos.features["full"], photos.features["colour"]
    if not words or len(photos) < folds * 2:
        return report
    report.methods["most frequent tags"] = kfold_scores(
        full, labels, frequency_trainer, folds=folds, seed=seed
    )
    report.methods["logistic, colour only"] = kfold_scores(
        colour, labels, logistic_trainer, folds=folds, seed=seed
    )
    report.methods["naive Bayes, full"] = kfold_scores(
        full, labels, naive_bayes_trainer, folds=folds, seed=seed
    )
    served = out_of_fold_probabilities(full, labels, folds=folds, seed=seed)
    report.methods["logistic, full (served)"] = ranking_scores(served, labels)
    report.reliability = reliability(served, labels)
    report.curve = learning_curve(full, labels, folds=folds, seed=seed, rounds=rounds)
    report.review_injected, report.review_listed, report.review_found = review_scores(
        full, labels, folds=folds, seed=seed
    )
    tag_sets = [set(tags) for tags in photos.tags]
    report.similar = {name: similar_tag_share(matrix, tag_sets) for name, matrix in photos.features.items()}
    return report


def report_lines(report: TaggingReport) -> list[str]:
    lines = [
        f"{report.photos} photos, {len(report.vocabulary)} tags on at least {tag_model.MIN_TAG_PHOTOS} photos, "
        f"{report.folds}-fold, seed {report.seed}",
        "",
        f"{'method':<26} {'precision@1':>12} {'precision@3':>12} {'recall@3':>9}",
    ]
    for name, s in report.methods.items():
        lines.append(f"{name:<26} {s.precision_at_1:>12.3f} {s.precision_at_3:>12.3f} {s.recall_at_3:>9.3f}")
    served = report.methods.get("logistic, full (served)")
    for name in ("most frequent tags", "logistic, colour only"):
        other = report.methods.get(name)
        if served and other and other.precision_at_3:
            lines.append(
                f"  served vs {name}: precision@3 {served.precision_at_3 - other.precision_at_3:+.3f} "
                f"({served.precision_at_3 / other.precision_at_3:.2f}x)"
            )
    if report.curve:
        lines += ["", "Learning curve (precision@3 on unanswered photos after each round of answers):"]
        lines.append("  " + "  ".join(f"round {r}: {p:.3f}" for r, p in enumerate(report.curve)))
    if report.review_injected:
        lines += [
            "",
            f"Tags to review: {report.review_injected} wrong tags put in ({NOISE_SHARE:.0%} of assignments), "
            f"{report.review_listed} listed, {report.review_found} of them wrong: "
            f"precision {report.review_precision:.2f}, recall {report.review_recall:.2f}",
        ]
    if report.reliability:
        lines += [
            "",
            "Calibration of the shown confidences (held-out photos, the served model):",
            f"  {'shown as':<12} {'suggestions':>11} {'mean shown':>11} {'right':>7}",
        ]
        lines += [
            f"  {f'{b.low:.0%}-{b.high:.0%}':<12} {b.shown:>11} {b.mean_confidence:>11.1%} {b.right_share:>7.1%}"
            for b in report.reliability
        ]
        lines.append(f"  expected calibration error {report.calibration_error:.3f}")
    if report.similar:
        lines += ["", f"Similar photos sharing a tag (of {SIMILAR_COUNT} per photo):"]
        lines += [f"  {name:<10} {share:.3f}" for name, share in report.similar.items()]
    return lines


def report_chart(report: TaggingReport, *, image_format: str = "png") -> bytes:
    figure = Figure(figsize=(10, 4), layout="constrained")
    scores, curve = figure.subplots(1, 2)
    names = list(report.methods)
    x = np.arange(len(names))
    for offset, (label, values) in enumerate(
        [
            ("precision@1", [s.precision_at_1 for s in report.methods.values()]),
            ("precision@3", [s.precision_at_3 for s in report.methods.values()]),
            ("recall@3", [s.recall_at_3 for s in report.methods.values()]),
        ]
    ):
        scores.bar(x + (offset - 1) * 0.27, values, width=0.27, label=label)
    scores.set_xticks(x, [name.replace(", ", "\n") for name in names], fontsize=8)
    scores.set_ylim(0, 1)
    scores.set_title(f"Tag suggestions, {report.folds}-fold, {report.photos} photos")
    scores.legend(fontsize=8)
    curve.plot(range(len(report.curve)), report.curve, marker="o")
    curve.set_xlabel("rounds of answers")
    curve.set_ylabel("precision@3 on unanswered photos")
    curve.set_title("Learning from accepts and rejects")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=image_format)
    return buffer.getvalue()
