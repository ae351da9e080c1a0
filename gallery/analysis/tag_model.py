"""Tag suggestions: a one-vs-rest logistic model over photo features that learns from every answer.

No Django here: features are a float matrix (one row per photo), labels a 0/1 matrix (one column per
tag of the vocabulary). The model is

    p(tag t | photo x) = sigmoid(w_t . z + b_t),   z = (x - mean) / scale

with the mean and scale of the training photos' features frozen at the first fit, so that later
online steps and later photos are read on the same scale.

- `fit` trains every tag at once by L-BFGS on the L2-regularised, weighted log loss (scipy). An
  entry's weight lets a person's answer count more than an assumed negative.
- `learn` is the online update for one answered (photo, tag): one normalised gradient step on that
  tag's weights only, sized so the answered photo's logit moves by ANSWER_STEP x (label - p). A photo
  with the same features moves by the same amount, an unrelated one by its (standardised) cosine
  with the answered photo times that. Nothing else is retrained, so an update costs O(features).
- The state is plain arrays, kept as `.npz` bytes (no pickle): safe to store in a database row.

Why logistic and not naive Bayes: on the sample photos it ranks tags better (precision@3, see
`manage.py evaluate_tagging`), its probabilities are calibrated enough to show as a percentage and to
feed confident learning, and its online step has a known effect on near-identical photos.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

FloatArray = npt.NDArray[np.float64]

# A tag enters the vocabulary when at least this many training photos carry it: fewer is no pattern.
MIN_TAG_PHOTOS: Final = 3
# L2 penalty on the weights in the batch fit, per photo (chosen with evaluate_tagging on the samples).
L2_PENALTY: Final = 1.0
# How far one answer moves the answered photo's logit, times (label - p): 2 turns a confident 0.8
# into about 0.45 on a reject, and a 0.3 into about 0.7 on an accept.
ANSWER_STEP: Final = 2.0
# An answer counts this many times an assumed (unanswered) label in the batch fit.
ANSWER_WEIGHT: Final = 3.0
MAX_ITERATIONS: Final = 300
# What a photo offers: the most probable tags, down to a floor below which a guess is noise.
SUGGESTIONS_PER_PHOTO: Final = 5
MIN_CONFIDENCE: Final = 0.15


@dataclass
class TagModel:
    tags: list[str]
    weights: FloatArray  # (tags, features)
    bias: FloatArray  # (tags,)
    mean: FloatArray  # (features,)
    scale: FloatArray  # (features,)
    updates: int = 0  # online steps taken since the fit

    @property
    def feature_count(self) -> int:
        return int(self.mean.shape[0])


def vocabulary(label_sets: Iterable[Iterable[str]], *, min_photos: int = MIN_TAG_PHOTOS) -> list[str]:
    """Tags carried by at least `min_photos` of the photos, most common first (ties by name)."""
    counts: dict[str, int] = {}
    for tags in label_sets:
        for tag in set(tags):
            counts[tag] = counts.get(tag, 0) + 1
    kept = [tag for tag, n in counts.items() if n >= min_photos]
    return sorted(kept, key=lambda tag: (-counts[tag], tag))


def label_matrix(label_sets: Sequence[Iterable[str]], tags: Sequence[str]) -> FloatArray:
    """A 0/1 matrix, one row per photo and one column per tag of `tags`."""
    column = {tag: j for j, tag in enumerate(tags)}
    labels = np.zeros((len(label_sets), len(tags)))
    for i, tag_set in enumerate(label_sets):
        for tag in tag_set:
            if tag in column:
                labels[i, column[tag]] = 1.0
    return labels


def fit(
    features: FloatArray,
    labels: FloatArray,
    tags: Sequence[str],
    *,
    entry_weights: FloatArray | None = None,
    l2_penalty: float = L2_PENALTY,
    scale: FloatArray | None = None,
) -> TagModel:
    """Train one logistic classifier per tag (column of `labels`) on the same standardised features.

    `scale` divides the centred features (default: each feature's standard deviation)."""
    d = features.shape[1]
    mean = features.mean(axis=0)
    if scale is None:
        scale = features.std(axis=0)
        scale[scale < 1e-9] = 1.0  # a feature that never varies stays at 0 after centring
    z = (features - mean) / scale
    k = labels.shape[1]
    weight = np.ones_like(labels) if entry_weights is None else entry_weights
    total = max(float(weight.sum()) / max(k, 1), 1.0)

    def loss_and_gradient(theta: FloatArray) -> tuple[float, FloatArray]:
        w = theta[: k * d].reshape(k, d)
        b = theta[k * d :]
        logits = z @ w.T + b
        # log(1 + e^x) - y x, computed stably.
        loss = weight * (np.logaddexp(0.0, logits) - labels * logits)
        error = weight * (_sigmoid(logits) - labels)
        grad_w = error.T @ z / total + l2_penalty * w
        grad_b = error.sum(axis=0) / total
        value = float(loss.sum()) / total + 0.5 * l2_penalty * float((w * w).sum())
        return value, np.concatenate([grad_w.ravel(), grad_b])

    start = np.zeros(k * d + k)
    # The matrices are small: BLAS threads only add overhead, and fight the other workers for cores.
    with threadpool_limits(limits=1, user_api="blas"):
        result = minimize(
            loss_and_gradient, start, jac=True, method="L-BFGS-B", options={"maxiter": MAX_ITERATIONS}
        )
    theta = np.asarray(result.x, dtype=np.float64)
    return TagModel(
        tags=list(tags),
        weights=theta[: k * d].reshape(k, d).copy(),
        bias=theta[k * d :].copy(),
        mean=mean,
        scale=scale,
    )


def predict(model: TagModel, features: FloatArray) -> FloatArray:
    """Probabilities, one row per photo and one column per tag of the model."""
    z = (np.atleast_2d(features) - model.mean) / model.scale
    return _sigmoid(z @ model.weights.T + model.bias)


def learn(
    model: TagModel, features: FloatArray, tag: str, accepted: bool, *, step: float = ANSWER_STEP
) -> bool:
    """Take one answer into the model in place: `accepted` or rejected `tag` on the photo with `features`.

    Returns False (and changes nothing) for a tag outside the model's vocabulary.
    """
    if tag not in model.tags:
        return False
    t = model.tags.index(tag)
    z = (np.asarray(features, dtype=np.float64) - model.mean) / model.scale
    p = float(_sigmoid(np.array([z @ model.weights[t] + model.bias[t]]))[0])
    # Normalised step: the bias counts as one more feature that is always 1.
    rate = step / (float(z @ z) + 1.0)
    error = (1.0 if accepted else 0.0) - p
    model.weights[t] += rate * error * z
    model.bias[t] += rate * error
    model.updates += 1
    return True


@dataclass(frozen=True)
class Suggestion:
    tag: str
    confidence: float


def top_suggestions(
    model: TagModel, probabilities: FloatArray, *, exclude: Iterable[str] = (), count: int, minimum: float
) -> list[Suggestion]:
    """The `count` most probable tags of one photo, at least `minimum`, without those in `exclude`."""
    left_out = set(exclude)
    order = np.lexsort((np.arange(len(probabilities)), -probabilities))
    picked: list[Suggestion] = []
    for j in order:
        if len(picked) == count or probabilities[j] < minimum:
            break
        if model.tags[j] not in left_out:
            picked.append(Suggestion(model.tags[j], float(probabilities[j])))
    return picked


def to_bytes(model: TagModel) -> bytes:
    buffer = io.BytesIO()
    np.savez(
        buffer,
        tags=np.array(model.tags, dtype=np.str_),
        weights=model.weights,
        bias=model.bias,
        mean=model.mean,
        scale=model.scale,
        updates=np.array([model.updates]),
    )
    return buffer.getvalue()


def from_bytes(data: bytes) -> TagModel:
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        return TagModel(
            tags=[str(tag) for tag in arrays["tags"]],
            weights=arrays["weights"].astype(np.float64),
            bias=arrays["bias"].astype(np.float64),
            mean=arrays["mean"].astype(np.float64),
            scale=arrays["scale"].astype(np.float64),
            updates=int(arrays["updates"][0]),
        )


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)), dtype=np.float64)
