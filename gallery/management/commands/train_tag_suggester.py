"""`manage.py train_tag_suggester`: train the tag suggester afresh, refresh every photo's suggestions
and list the tags to review. What beat runs every IMGSITE_TAG_TRAINING_HOURS, here and now."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from gallery.services.tag_review import find_wrong_tags
from gallery.services.tag_suggestions import train_suggester


class Command(BaseCommand):
    help = "Train the tag suggester on the trusted tags, refresh the suggestions, find tags to review."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        summary = train_suggester()
        if not summary.suggestions and summary.tags < 2:
            self.stdout.write(
                f"Not trained: {summary.photos} photos carry trusted tags, {summary.tags} tags are on enough "
                "of them. Suggestions start once a few tags are each on a few photos."
            )
            return
        to_review = find_wrong_tags()
        self.stdout.write(
            f"Trained on {summary.photos} photos and {summary.tags} tags; {summary.suggestions} suggestions "
            f"stored, {to_review} tags to review ({time.perf_counter() - started:.1f} s)."
        )
