"""manage.py remove_simulated_users: delete the simulated users and all their activity in one step."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from profiles import selectors, services


class Command(BaseCommand):
    help = (
        "Delete every simulated user (the accounts simulate_users made, marked by their stored hidden "
        "taste) with their likes, tags and profiles. Real users' likes and tags are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-input", action="store_true", help="Do not ask for confirmation (for scripts)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = selectors.simulated_users().count()
        if not count:
            self.stdout.write("There are no simulated users.")
            return
        if not options["no_input"]:
            answer = input(f"Delete {count} simulated users and their likes and tags? Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was deleted.")
        removed = services.remove_simulated_users()
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {removed.users} simulated users with {removed.likes} likes and {removed.tags} tags."
            )
        )
        self.stdout.write("Rebuild the recommender so it forgets them: manage.py rebuild_recommender")
