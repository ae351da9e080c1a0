"""`manage.py group_duplicates`: regroup the whole collection's near-duplicates from scratch.

New photos join groups as they are analysed; this is for a collection analysed before groups existed
(run `analyse --all` first, so every photo has its layout signature) or after a change of the rule.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gallery.models import Image
from gallery.services.duplicates import regroup_collection


class Command(BaseCommand):
    help = "Group the collection's near-duplicates again and choose each group's best shot."

    def handle(self, *args: Any, **options: Any) -> None:
        groups = regroup_collection()
        grouped = Image.objects.filter(duplicate_group__isnull=False).count()
        self.stdout.write(f"{groups} groups of near-duplicates, {grouped} photos in them.")
