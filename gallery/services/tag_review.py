"""Tags to review: the tag assignments confident learning finds likely wrong, and staff's decisions.

`find_wrong_tags` runs cleanlab (`gallery.analysis.tag_review`) over out-of-fold probabilities of
the suggester's model on the trusted tags, and lists what it finds as open `TagReview` rows, least
likely first. A tag staff kept is never listed again (and counts as trusted from then on); a
removal takes the tag off the photo and becomes a staff reject, the suggester's negative example.
"""

from __future__ import annotations

import numpy as np
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from gallery.analysis import tag_model
from gallery.analysis.tag_review import out_of_fold_probabilities, suspect_tags
from gallery.models import ImageTag, ReviewStatus, TagAnswer, TagOrigin, TagReview, Verdict
from gallery.services.tag_suggestions import photo_features, send_learning, tags_named, trusted_tags


def find_wrong_tags(*, seed: int = 0) -> int:
    """Replace the open review list with what confident learning finds now; returns its length."""
    tags = trusted_tags()
    features = photo_features(tags)
    ids = sorted(pk for pk in tags if pk in features)
    words = tag_model.vocabulary(tags[pk] for pk in ids)
    if len(words) < 2:
        return 0
    labels = tag_model.label_matrix([tags[pk] for pk in ids], words)
    matrix = np.vstack([features[pk] for pk in ids])
    found = suspect_tags(labels, out_of_fold_probabilities(matrix, labels, seed=seed))
    by_name = {tag.name: tag for tag in tags_named(words)}
    decided = set(TagReview.objects.exclude(status=ReviewStatus.OPEN).values_list("image_id", "tag__name"))
    fresh = [
        TagReview(image_id=ids[s.row], tag=by_name[words[s.column]], probability=round(s.probability, 4))
        for s in found
        if (ids[s.row], words[s.column]) not in decided
    ]
    with transaction.atomic():
        TagReview.objects.filter(status=ReviewStatus.OPEN).delete()
        TagReview.objects.bulk_create(fresh)
    return len(fresh)


def keep_tags(*, reviews: list[TagReview], user: User) -> int:
    """Staff keep these tags: they leave the list for good."""
    ids = [review.pk for review in reviews if review.status == ReviewStatus.OPEN]
    return TagReview.objects.filter(pk__in=ids).update(
        status=ReviewStatus.KEPT, decided_by=user, decided_at=timezone.now()
    )


def remove_tags(*, reviews: list[TagReview], user: User) -> int:
    """Staff remove these tags from their photos; each becomes a negative example for the suggester."""
    removed = 0
    with transaction.atomic():
        for review in reviews:
            if review.status != ReviewStatus.OPEN:
                continue
            ImageTag.objects.filter(image_id=review.image_id, tag_id=review.tag_id).exclude(
                origin=TagOrigin.AUTO
            ).delete()
            TagAnswer.objects.update_or_create(
                user=user,
                image_id=review.image_id,
                tag_id=review.tag_id,
                defaults={"verdict": Verdict.REJECT, "confidence": review.probability, "applied_at": None},
            )
            TagReview.objects.filter(pk=review.pk).update(
                status=ReviewStatus.REMOVED, decided_by=user, decided_at=timezone.now()
            )
            removed += 1
        transaction.on_commit(send_learning)
    return removed
