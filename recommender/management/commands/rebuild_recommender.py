"""manage.py rebuild_recommender: fit and store a new recommender model now, in this process."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from recommender.services import build_model


class Command(BaseCommand):
    help = "Fit the hybrid recommender on the site's current likes and store it as the newest model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-tune", action="store_true", help="Use the default blend weights instead of tuning them."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        model = build_model(tune=not options["no_tune"])
        weights = ", ".join(f"{name} {weight:g}" for name, weight in model.weights.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Built recommender model #{model.pk} in {model.metrics.get('build_seconds', 0):.1f} s: "
                f"{model.n_users} users, {model.n_items} photos, {model.n_interactions} likes; "
                f"weights {weights}."
            )
        )
