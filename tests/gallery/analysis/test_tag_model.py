"""The pure tag suggester, the wrong-tag finder and the evaluation, on synthetic features."""

from __future__ import annotations

import numpy as np
import pytest

from gallery.analysis import tag_model
from gallery.analysis.tag_evaluation import (
    TaggedPhotos,
    evaluate,
    frequency_trainer,
    inject_wrong_tags,
    kfold_scores,
    learning_curve,
    logistic_trainer,
    reliability,
    report_lines,
    similar_tag_share,
)
from gallery.analysis.tag_review import out_of_fold_probabilities, suspect_tags

TAGS = ["sea", "forest", "sand", "snow"]


def clustered(n_per_tag: int = 30, *, seed: int = 0, spread: float = 0.6) -> tuple[np.ndarray, np.ndarray]:
    """Features in one Gaussian cluster per tag (16 dimensions); each photo carries its cluster's tag."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 2, (len(TAGS), 16))
    features = np.vstack([centres[t] + rng.normal(0, spread, (n_per_tag, 16)) for t in range(len(TAGS))])
    labels = np.repeat(np.eye(len(TAGS)), n_per_tag, axis=0)
    return features, labels


def test_the_vocabulary_keeps_tags_on_enough_photos_most_common_first() -> None:
    photos = [["sea", "boat"], ["sea"], ["sea", "boat"], ["sand"], ["boat", "sea"]]
    assert tag_model.vocabulary(photos, min_photos=3) == ["sea", "boat"]


def test_a_fitted_model_ranks_each_photos_own_tag_first() -> None:
    features, labels = clustered()
    model = tag_model.fit(features, labels, TAGS)

    probabilities = tag_model.predict(model, features)

    assert (probabilities.argmax(axis=1) == labels.argmax(axis=1)).mean() > 0.95


def test_a_reject_lowers_the_tag_on_near_identical_photos_much_more_than_elsewhere() -> None:
    features, labels = clustered()
    model = tag_model.fit(features, labels, TAGS)
    photo = features[0]  # a "sea" photo
    twin = photo + 0.01
    elsewhere = features[-1]  # a "snow" photo
    before = tag_model.predict(model, np.vstack([twin, elsewhere]))[:, 0]

    tag_model.learn(model, photo, "sea", accepted=False)

    after = tag_model.predict(model, np.vstack([twin, elsewhere]))[:, 0]
    assert after[0] < before[0] - 0.2
    assert before[0] - after[0] > 3 * abs(after[1] - before[1])


def test_an_accept_moves_the_tags_logit_on_the_photo_by_the_answer_step() -> None:
    features, labels = clustered()
    model = tag_model.fit(features, labels, TAGS)
    before = tag_model.predict(model, features[0])[0, 1]  # "forest" on a "sea" photo

    tag_model.learn(model, features[0], "forest", accepted=True)

    after = tag_model.predict(model, features[0])[0, 1]
    assert logit(after) - logit(before) == pytest.approx(tag_model.ANSWER_STEP * (1 - before), rel=1e-6)


def logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def test_a_tag_outside_the_vocabulary_teaches_nothing() -> None:
    features, labels = clustered()
    model = tag_model.fit(features, labels, TAGS)
    weights = model.weights.copy()

    assert not tag_model.learn(model, features[0], "volcano", accepted=True)
    assert np.array_equal(model.weights, weights)


def test_a_model_survives_the_round_trip_through_bytes() -> None:
    features, labels = clustered()
    model = tag_model.fit(features, labels, TAGS)
    tag_model.learn(model, features[0], "sea", accepted=False)

    copy = tag_model.from_bytes(tag_model.to_bytes(model))

    assert copy.tags == TAGS
    assert copy.updates == 1
    assert np.array_equal(tag_model.predict(copy, features), tag_model.predict(model, features))


def test_top_suggestions_leave_out_carried_tags_and_weak_guesses() -> None:
    features, labels = clustered()
    model = tag_model.fit(features, labels, TAGS)
    probabilities = np.array([0.9, 0.6, 0.1, 0.7])

    picked = tag_model.top_suggestions(model, probabilities, exclude={"sea"}, count=5, minimum=0.5)

    assert [(s.tag, s.confidence) for s in picked] == [("snow", 0.7), ("forest", 0.6)]


def test_confident_learning_finds_injected_wrong_tags() -> None:
    features, labels = clustered(40, spread=0.5)
    noisy, injected = inject_wrong_tags(labels, share=0.05, seed=3)
    assert len(injected) == 8

    probabilities = out_of_fold_probabilities(features, noisy, seed=0)
    found = {(s.row, s.column) for s in suspect_tags(noisy, probabilities)}

    # cleanlab's noise-rate pruning is cautious: what it lists is wrong, and it lists at least half.
    assert len(found & injected) == len(found)
    assert len(found) >= len(injected) / 2


def test_the_wrong_tag_list_is_ranked_least_likely_first() -> None:
    features, labels = clustered(40, spread=0.5)
    noisy, _ = inject_wrong_tags(labels, share=0.05, seed=3)
    found = suspect_tags(noisy, out_of_fold_probabilities(features, noisy, seed=0))

    assert [s.probability for s in found] == sorted(s.probability for s in found)
    assert all(noisy[s.row, s.column] == 1 for s in found)  # only tags the photos carry


def test_suggestions_beat_the_most_frequent_tags() -> None:
    features, labels = clustered(spread=1.5)
    served = kfold_scores(features, labels, logistic_trainer, folds=5, seed=0)
    baseline = kfold_scores(features, labels, frequency_trainer, folds=5, seed=0)
    assert served.precision_at_1 > baseline.precision_at_1 + 0.3


def test_the_learning_curve_rises_with_answers() -> None:
    # Two tags a photo (one cluster per pair), overlapping clusters: a weak start that answers improve.
    rng = np.random.default_rng(4)
    pairs = [(0, 1), (2, 3), (0, 2), (1, 3), (4, 5), (0, 5)]
    centres = rng.normal(0, 1, (len(pairs), 64))
    features = np.vstack([c + rng.normal(0, 2.5, (30, 64)) for c in centres])
    labels = np.zeros((len(features), 6))
    for p, (a, b) in enumerate(pairs):
        labels[p * 30 : (p + 1) * 30, [a, b]] = 1

    curve = learning_curve(features, labels, folds=5, seed=0, rounds=4)

    assert curve[-1] > curve[0] + 0.03


def test_similar_photos_share_tags_when_features_carry_them() -> None:
    features, labels = clustered()
    tag_sets = [{TAGS[int(j)]} for j in labels.argmax(axis=1)]
    noise = np.random.default_rng(0).normal(size=features.shape)
    assert similar_tag_share(features, tag_sets) > 0.9
    assert similar_tag_share(noise, tag_sets) < 0.5


def test_the_evaluation_reports_every_section() -> None:
    features, labels = clustered(20)
    tags = [[TAGS[int(j)]] for j in labels.argmax(axis=1)]
    report = evaluate(TaggedPhotos({"full": features, "colour": features[:, :4]}, tags), rounds=2)

    assert set(report.methods) == {
        "most frequent tags",
        "logistic, colour only",
        "naive Bayes, full",
        "logistic, full (served)",
    }
    assert len(report.curve) == 3
    assert report.review_injected > 0
    assert set(report.similar) == {"full", "colour"}
    assert report.reliability
    assert any("expected calibration error" in line for line in report_lines(report))


def _photos_with_confidences(share_right: float, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """4,000 photos, one tag each shown with a confidence in [0.15, 1], right `share_right` x that often."""
    rng = np.random.default_rng(seed)
    confidence = rng.uniform(tag_model.MIN_CONFIDENCE, 1.0, 4000)
    right = rng.random(4000) < confidence * share_right
    return confidence[:, None], right[:, None].astype(float)


def test_honest_confidences_are_right_as_often_as_they_say() -> None:
    bins = reliability(*_photos_with_confidences(1.0))

    assert sum(b.shown for b in bins) == 4000
    for b in bins:
        assert b.right_share == pytest.approx(b.mean_confidence, abs=0.05)
        assert b.low <= b.mean_confidence < b.high


def test_overconfident_suggestions_show_a_large_calibration_error() -> None:
    features, labels = clustered(20)
    tags = [[TAGS[int(j)]] for j in labels.argmax(axis=1)]
    report = evaluate(TaggedPhotos({"full": features, "colour": features[:, :4]}, tags), rounds=1)
    report.reliability = reliability(*_photos_with_confidences(0.5))
    honest = reliability(*_photos_with_confidences(1.0))

    assert report.calibration_error > 0.2
    report.reliability = honest
    assert report.calibration_error < 0.05
