"""manage.py simulate_users --users 50 --seed 1: reproducible users with hidden tastes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gallery.selectors import visible_images
from profiles import services


class Command(BaseCommand):
    help = (
        "Create simulated users sim001.. with hidden tastes, 10-40 likes each (a few 'cold' users with "
        "1-2) and some tags of their own. The same seed over the same photos gives the same users."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=50, help="How many users (default 50).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        count, seed = options["users"], options["seed"]
        if not 1 <= count <= 999:
            raise CommandError("--users must be between 1 and 999 (usernames are sim001 to sim999).")
        if not visible_images().exists():
            raise CommandError("There are no analysed photos to like yet: ingest and analyse some first.")
        simulated = services.create_simulated_users(count=count, seed=seed, progress=self.stdout.write)
        cold = sum(1 for user in simulated if user.is_cold)
        likes = sum(len(user.liked_image_ids) for user in simulated)
        self.stdout.write(
            self.style.SUCCESS(
                f"Simulated {len(simulated)} users ({cold} cold) with {likes} likes, seed {seed}."
            )
        )
        self.stdout.write(
            f"Log in as any of {simulated[0].username}..{simulated[-1].username} "
            f"with the demo password: {services.DEMO_PASSWORD}"
        )
        self.stdout.write("manage.py remove_simulated_users deletes them and everything they did.")
