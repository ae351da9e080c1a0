"""Tag suggestions: training the suggester, learning from each answer, and the suggestions stored.

The model (pure, `gallery.analysis.tag_model`) lives in one database row, `TagSuggester`, so every
web process and worker on every machine reads the same one. Writers take that row's lock first
(an UPDATE of its version, which locks the row on PostgreSQL and takes the write lock on SQLite),
so a training and the online learning never overwrite each other's work.

- `train_suggester` fits the model on the tags photos carry that we trust (TRUSTED_ORIGINS, user
  tags that at least two people added or staff kept under review), answers counting ANSWER_WEIGHT
  times, then refreshes every photo's suggestions.
- `answer_suggestion` records an accept or reject as a `TagAnswer` row (an accept also puts the tag
  on the photo with origin "suggested") and queues `apply_pending_answers` on commit.
- `apply_pending_answers` learns the answers not learnt yet, one online step each, and stamps them,
  all in one transaction under the row lock: two answers given at once are both learnt, once each.
- `refresh_suggestions` stores each photo's top suggestions; the analysis calls it for a new photo.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from gallery.analysis import tag_model
from gallery.analysis.tag_features import feature_vector, recipe
from gallery.analysis.tag_model import MIN_CONFIDENCE, SUGGESTIONS_PER_PHOTO, FloatArray, TagModel
from gallery.embedding import active_embedder_name
from gallery.models import (
    Image,
    ImageTag,
    ReviewStatus,
    Tag,
    TagAnswer,
    TagOrigin,
    TagReview,
    TagSuggester,
    TagSuggestion,
    Verdict,
)
from gallery.selectors import visible_images
from gallery.visual_features import vectors_from_rows
from imgsite.background import BROKER_ERRORS, LEARN_TAG_ANSWERS, TRAIN_TAG_SUGGESTER, enqueue

log = logging.getLogger(__name__)

SUGGESTER_NAME: Final = "default"
# Fewer photos than this with trusted tags teach nothing worth showing.
MIN_TRAINING_PHOTOS: Final = 10
# Tags whose origin makes them training labels as they stand. Automatic tags (colour families)
# are left out: the palette rule already gives them, a model would only copy it.
TRUSTED_ORIGINS: Final = (TagOrigin.SOURCE, TagOrigin.SUGGESTED)
# A user tag becomes a training label once this many people added it to the same photo.
CONFIRMING_USERS: Final = 2
# Answers learnt per transaction; a longer backlog is learnt in further rounds.
ANSWER_BATCH: Final = 500
_CHUNK: Final = 500


class SuggestionGone(Exception):
    """The suggestion was answered, removed or refreshed away meanwhile."""


@dataclass(frozen=True)
class TrainingSummary:
    photos: int
    tags: int
    suggestions: int


# --- Features and labels ---------------------------------------------------------------------------


def feature_kind() -> str:
    """The recipe of the features the site reads now: the running embedder's vectors and colour."""
    return recipe(active_embedder_name())


def photo_features(image_ids: Iterable[int]) -> dict[int, FloatArray]:
    """The suggester's feature vector of each analysed photo, by id (the others are left out)."""
    rows = list(
        Image.objects.filter(pk__in=list(image_ids))
        .exclude(colour_histogram=[])
        .values_list("pk", "colour_histogram", "visual_features", "visual_features_by")
    )
    visual = vectors_from_rows((blob, made_by) for _, _, blob, made_by in rows)
    return {row[0]: feature_vector(row[1], vector) for row, vector in zip(rows, visual, strict=True)}


def trusted_tags() -> dict[int, set[str]]:
    """Each visible photo's tags that the suggester learns from, by photo id."""
    visible = visible_images().values("pk")
    tags: dict[int, set[str]] = defaultdict(set)
    shared = ImageTag.objects.filter(image__in=visible, origin__in=TRUSTED_ORIGINS)
    for image_id, name in shared.values_list("image_id", "tag__name"):
        tags[image_id].add(name)
    confirmed = (
        ImageTag.objects.filter(image__in=visible, origin=TagOrigin.USER)
        .values("image_id", "tag__name")
        .annotate(people=Count("user", distinct=True))
        .filter(people__gte=CONFIRMING_USERS)
    )
    for row in confirmed:
        tags[row["image_id"]].add(row["tag__name"])
    kept = TagReview.objects.filter(image__in=visible, status=ReviewStatus.KEPT)
    for image_id, name in kept.values_list("image_id", "tag__name"):
        tags[image_id].add(name)
    return tags


# --- Training ----------------------------------------------------------------------------------------


def train_suggester() -> TrainingSummary:
    """Fit the model afresh on every trusted tag and answer, then refresh every photo's suggestions."""
    last_answer = TagAnswer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    tags = trusted_tags()
    features = photo_features(tags)
    ids = sorted(pk for pk in tags if pk in features)
    words = tag_model.vocabulary(tags[pk] for pk in ids)
    if len(ids) < MIN_TRAINING_PHOTOS or len(words) < 2:
        log.info("tag suggester not trained: %s photos with %s tags in the vocabulary", len(ids), len(words))
        return TrainingSummary(photos=len(ids), tags=len(words), suggestions=0)
    labels = tag_model.label_matrix([tags[pk] for pk in ids], words)
    weights = _answer_weights(ids, words, last_answer, labels)
    model = tag_model.fit(np.vstack([features[pk] for pk in ids]), labels, words, entry_weights=weights)
    with transaction.atomic():
        _lock_suggester()
        TagSuggester.objects.update_or_create(
            name=SUGGESTER_NAME,
            defaults={
                "feature_kind": feature_kind(),
                "state": tag_model.to_bytes(model),
                "tags": words,
                "training_photos": len(ids),
                "answers_applied": 0,
                "trained_at": timezone.now(),
            },
        )
        # Answers up to the last one read are in the fit; later ones are left for the online step.
        TagAnswer.objects.filter(pk__lte=last_answer, applied_at__isnull=True).update(
            applied_at=timezone.now()
        )
    stored = refresh_suggestions(visible_images().values_list("pk", flat=True), model=model)
    return TrainingSummary(photos=len(ids), tags=len(words), suggestions=stored)


def _answer_weights(ids: list[int], words: list[str], last_answer: int, labels: FloatArray) -> FloatArray:
    """ANSWER_WEIGHT where someone answered; a reject also makes the entry a negative."""
    row = {pk: i for i, pk in enumerate(ids)}
    column = {name: j for j, name in enumerate(words)}
    weights = np.ones_like(labels)
    answers = TagAnswer.objects.filter(pk__lte=last_answer, image_id__in=ids).values_list(
        "image_id", "tag__name", "verdict"
    )
    for image_id, name, verdict in answers:
        if name in column:
            i, j = row[image_id], column[name]
            weights[i, j] = tag_model.ANSWER_WEIGHT
            if verdict == Verdict.REJECT and not _is_kept(image_id, name):
                labels[i, j] = 0.0
    return weights


def _is_kept(image_id: int, name: str) -> bool:
    return TagReview.objects.filter(image_id=image_id, tag__name=name, status=ReviewStatus.KEPT).exists()


def _lock_suggester() -> None:
    """Take the suggester row's lock for the rest of the transaction (see the module docstring)."""
    TagSuggester.objects.filter(name=SUGGESTER_NAME).update(version=F("version") + 1)


def current_model() -> TagModel | None:
    """The stored model, or None before the first training or when it was trained on other features."""
    row = TagSuggester.objects.filter(name=SUGGESTER_NAME).values_list("feature_kind", "state").first()
    if row is None or row[0] != feature_kind():
        return None
    return tag_model.from_bytes(bytes(row[1]))


# --- Stored suggestions ------------------------------------------------------------------------------


def refresh_suggestions(image_ids: Iterable[int], *, model: TagModel | None = None) -> int:
    """Store the top suggestions of each photo; returns how many were stored. No model: no change."""
    model = model or current_model()
    if model is None:
        return 0
    stored = 0
    ids = list(image_ids)
    for start in range(0, len(ids), _CHUNK):
        stored += _refresh_chunk(model, ids[start : start + _CHUNK])
    return stored


def suggest_tags_for_new_photo(image_id: int) -> None:
    """A photo just analysed gets its suggestions; a stored model that cannot be read costs only them."""
    try:
        refresh_suggestions([image_id])
    except (ValueError, KeyError, OSError) as exc:  # what numpy raises on a damaged .npz
        log.error("no tag suggestions for image %s: the stored model cannot be read: %s", image_id, exc)


def _refresh_chunk(model: TagModel, ids: Sequence[int]) -> int:
    features = photo_features(ids)
    known = [pk for pk in ids if pk in features]
    if not known:
        return 0
    probabilities = tag_model.predict(model, np.vstack([features[pk] for pk in known]))
    carried = _tags_not_to_suggest(known)
    names = {tag.name: tag for tag in tags_named(model.tags)}
    rows = []
    for pk, row in zip(known, probabilities, strict=True):
        picked = tag_model.top_suggestions(
            model, row, exclude=carried[pk], count=SUGGESTIONS_PER_PHOTO, minimum=MIN_CONFIDENCE
        )
        rows += [
            TagSuggestion(image_id=pk, tag=names[s.tag], confidence=round(s.confidence, 4)) for s in picked
        ]
    with transaction.atomic():
        TagSuggestion.objects.filter(image_id__in=ids).delete()
        # An upsert: a refresh of the same photo running at the same time (its analysis, say) may
        # have put the same row back since our delete.
        TagSuggestion.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["image", "tag"],
            update_fields=["confidence", "updated_at"],
        )
    return len(rows)


def _tags_not_to_suggest(ids: Sequence[int]) -> dict[int, set[str]]:
    """Per photo: the tags it carries (any origin), those staff removed and those staff rejected."""
    left_out: dict[int, set[str]] = defaultdict(set)
    for image_id, name in ImageTag.objects.filter(image_id__in=ids).values_list("image_id", "tag__name"):
        left_out[image_id].add(name)
    removed = TagReview.objects.filter(image_id__in=ids, status=ReviewStatus.REMOVED)
    staff_rejects = TagAnswer.objects.filter(image_id__in=ids, verdict=Verdict.REJECT, user__is_staff=True)
    for queryset in (removed, staff_rejects):
        for image_id, name in queryset.values_list("image_id", "tag__name"):
            left_out[image_id].add(name)
    return left_out


def tags_named(names: Sequence[str]) -> list[Tag]:
    Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=list(names)))


# --- Answers -----------------------------------------------------------------------------------------


def answer_suggestion(*, user: User, suggestion: TagSuggestion, verdict: str) -> TagAnswer:
    """Record `user`'s accept or reject of a suggestion; an accept puts the tag on the photo.

    Idempotent: answering twice keeps the first answer. The model learns it in the background.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                answer, created = TagAnswer.objects.get_or_create(
                    user=user,
                    image_id=suggestion.image_id,
                    tag_id=suggestion.tag_id,
                    defaults={"verdict": verdict, "confidence": suggestion.confidence},
                )
        except IntegrityError:  # the same person's other request won the race
            answer, created = (
                TagAnswer.objects.get(user=user, image_id=suggestion.image_id, tag_id=suggestion.tag_id),
                False,
            )
        if created and answer.verdict == Verdict.ACCEPT:
            _put_accepted_tag(suggestion)
        if created and user.is_staff and answer.verdict == Verdict.REJECT:
            # Staff answer for the collection: the suggestion goes for everyone.
            TagSuggestion.objects.filter(pk=suggestion.pk).delete()
        transaction.on_commit(send_learning)
    return answer


def _put_accepted_tag(suggestion: TagSuggestion) -> None:
    ImageTag.objects.get_or_create(
        image_id=suggestion.image_id,
        tag_id=suggestion.tag_id,
        origin=TagOrigin.SUGGESTED,
        user=None,
        defaults={"confidence": suggestion.confidence},
    )
    # The photo carries it now: it is no longer a suggestion, for anyone.
    TagSuggestion.objects.filter(pk=suggestion.pk).delete()


def send_learning() -> bool:
    """Queue the online learning. With the broker down the answers wait, as rows, for the next run."""
    try:
        enqueue(LEARN_TAG_ANSWERS)
    except BROKER_ERRORS as exc:
        log.warning("tag answers left to learn later, the broker is down: %s", exc)
        return False
    return True


def queue_training() -> bool:
    """Queue a full retraining (and the search for wrong tags); False when the broker is down."""
    try:
        enqueue(TRAIN_TAG_SUGGESTER)
    except BROKER_ERRORS as exc:
        log.warning("tag suggester retraining not queued, the broker is down: %s", exc)
        return False
    return True


def apply_pending_answers(*, batch: int = ANSWER_BATCH) -> int:
    """Learn the answers not learnt yet, under the suggester's lock; returns how many were learnt."""
    with transaction.atomic():
        _lock_suggester()
        row = TagSuggester.objects.select_for_update().filter(name=SUGGESTER_NAME).first()
        if row is None or row.feature_kind != feature_kind():
            return 0  # the first training (or the retraining after a feature switch) will learn them
        answers = list(
            TagAnswer.objects.filter(applied_at__isnull=True).select_related("tag").order_by("pk")[:batch]
        )
        if not answers:
            return 0
        model = tag_model.from_bytes(bytes(row.state))
        features = photo_features({answer.image_id for answer in answers})
        for answer in answers:
            if answer.image_id in features:
                tag_model.learn(
                    model, features[answer.image_id], answer.tag.name, answer.verdict == Verdict.ACCEPT
                )
        row.state = tag_model.to_bytes(model)
        row.answers_applied = F("answers_applied") + len(answers)
        row.save(update_fields=["state", "answers_applied", "updated_at"])
        TagAnswer.objects.filter(pk__in=[answer.pk for answer in answers]).update(applied_at=timezone.now())
        # Still under the lock, so a later model's suggestions are never overwritten by an older one's.
        refresh_suggestions(_photos_to_refresh(answers), model=model)
    return len(answers)


def _photos_to_refresh(answers: Sequence[TagAnswer]) -> list[int]:
    """The answered photos, their other versions, and every photo suggested one of the answered tags."""
    image_ids = {answer.image_id for answer in answers}
    groups = Image.objects.filter(pk__in=image_ids, duplicate_group__isnull=False).values("duplicate_group")
    tags = {answer.tag_id for answer in answers}
    related = Image.objects.filter(
        Q(duplicate_group__in=groups) | Q(tag_suggestions__tag_id__in=tags)
    ).values_list("pk", flat=True)
    return sorted(image_ids | set(related))
