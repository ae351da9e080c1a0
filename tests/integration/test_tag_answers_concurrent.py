"""Two people answer at the same moment on PostgreSQL: both answers are learnt, each once.

Each thread has its own database connection, records its answer and runs the online learning at
once, as two web processes and two workers would. The suggester row's lock makes the second
learning wait for the first and then find only what is left, so the stored model ends up exactly as
if the two answers had been learnt one after the other.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.db import connection

from gallery.analysis import tag_model
from gallery.models import TagAnswer, TagSuggester, TagSuggestion, Verdict
from gallery.services.tag_suggestions import (
    answer_suggestion,
    apply_pending_answers,
    photo_features,
    train_suggester,
)
from imgsite import background
from tests.factories import make_user
from tests.support.tag_photos import themed_collection, themed_photo

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_two_answers_given_at_once_are_both_learnt_once() -> None:
    themed_collection()
    photo = themed_photo("forest", seed=999, tags=())
    train_suggester()
    suggestion = TagSuggestion.objects.get(image=photo, tag__name="forest")
    people = [make_user("ann"), make_user("ben")]
    before = tag_model.from_bytes(bytes(TagSuggester.objects.get().state))
    background.task_named(background.LEARN_TAG_ANSWERS)  # registered before the threads queue it
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def answer(user: User, suggestion: TagSuggestion) -> None:
        try:
            start.wait(timeout=10)
            answer_suggestion(user=user, suggestion=suggestion, verdict=Verdict.REJECT)
            apply_pending_answers()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(person, suggestion)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    stored = TagSuggester.objects.get()
    assert stored.answers_applied == 2
    assert not TagAnswer.objects.filter(applied_at__isnull=True).exists()
    # Both rejects are in the weights: two steps, in whichever order the lock let them in.
    features = photo_features([photo.pk])[photo.pk]
    tag_model.learn(before, features, "forest", accepted=False)
    tag_model.learn(before, features, "forest", accepted=False)
    assert np.allclose(tag_model.from_bytes(bytes(stored.state)).weights, before.weights)
    assert TagAnswer.objects.filter(tag__name="forest", verdict=Verdict.REJECT).count() == 2
