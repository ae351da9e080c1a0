"""Wrong tags found by confident learning (cleanlab) over out-of-fold probabilities. No Django here.

`out_of_fold_probabilities` trains the suggester's model k times, each time without one fold, so
that every photo's probabilities come from a model that never saw its labels: the premise of
confident learning. `suspect_tags` asks cleanlab which (photo, tag) assignments look wrong per tag
(`find_multilabel_issues_per_class`, pruning by noise rate) and keeps those where the photo carries
the tag: a photo that lacks a tag it should have is the suggester's business, not a review's.
The list is ranked by the model's probability for the tag, least likely first (cleanlab's
"self-confidence" for a label that is present).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
from cleanlab.multilabel_classification.filter import find_multilabel_issues_per_class

from gallery.analysis import tag_model
from gallery.analysis.tag_model import FloatArray

FOLDS: Final = 5
# cleanlab needs a few examples of each class in each role to estimate its noise rates.
MIN_PHOTOS_FOR_REVIEW: Final = 20

# Trains on (features, labels) and gives a function from feature rows to tag probabilities.
Trainer = Callable[[FloatArray, FloatArray], Callable[[FloatArray], FloatArray]]


def logistic_trainer(features: FloatArray, labels: FloatArray) -> Callable[[FloatArray], FloatArray]:
    """The served suggester's model (`tag_model.fit`)."""
    model = tag_model.fit(features, labels, [str(j) for j in range(labels.shape[1])])
    return lambda rows: tag_model.predict(model, rows)


@dataclass(frozen=True)
class SuspectTag:
    row: int
    column: int
    probability: float  # the model's out-of-fold probability that the photo has the tag


def fold_of_each(n: int, *, folds: int, seed: int) -> np.ndarray:
    """A seeded fold number for each of n items, folds as equal as can be."""
    order = np.random.default_rng(seed).permutation(n)
    fold = np.empty(n, dtype=np.int64)
    fold[order] = np.arange(n) % folds
    return fold


def out_of_fold_probabilities(
    features: FloatArray,
    labels: FloatArray,
    *,
    folds: int = FOLDS,
    seed: int = 0,
    trainer: Trainer = logistic_trainer,
) -> FloatArray:
    """Each photo's tag probabilities from a model trained on the other folds."""
    fold = fold_of_each(len(features), folds=folds, seed=seed)
    probabilities = np.zeros_like(labels)
    for f in range(folds):
        held = fold == f
        if not held.any() or held.all():
            continue
        probabilities[held] = trainer(features[~held], labels[~held])(features[held])
    return probabilities


def suspect_tags(labels: FloatArray, probabilities: FloatArray) -> list[SuspectTag]:
    """The tag assignments cleanlab finds likely wrong, least likely first; [] for too few photos."""
    n, k = labels.shape
    if n < MIN_PHOTOS_FOR_REVIEW or k < 2:
        return []
    label_lists = [[int(j) for j in np.flatnonzero(row)] for row in labels]
    issues = np.asarray(
        find_multilabel_issues_per_class(labels=label_lists, pred_probs=probabilities, n_jobs=1)
    )
    # One boolean column per tag, whichever way round this cleanlab version stacks them.
    mask = issues.T if issues.shape == (k, n) else issues
    rows, columns = np.nonzero(mask & (labels > 0.5))
    found = [
        SuspectTag(int(i), int(j), float(probabilities[i, j])) for i, j in zip(rows, columns, strict=True)
    ]
    return sorted(found, key=lambda s: (s.probability, s.row, s.column))
