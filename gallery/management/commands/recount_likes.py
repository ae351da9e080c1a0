"""`manage.py recount_likes`: set every photo's stored like count from its likes.

The site keeps the counts itself (gallery.like_counts); this is for likes loaded around it (a bulk
COPY, a restore of the likes table alone) and as a check: it says how many counts were wrong.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, F, Q

from gallery.like_counts import recount_likes
from gallery.models import Image


class Command(BaseCommand):
    help = "Set every photo's stored like count from its likes and say how many were wrong."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            wrong = (
                Image.objects.annotate(likes_now=Count("likes")).filter(~Q(like_count=F("likes_now"))).count()
            )
            updated = recount_likes()  # also replaces the likes' version: cached pages show the new counts
        self.stdout.write(f"Recounted the likes of {updated} photos; {wrong} stored counts were wrong.")
