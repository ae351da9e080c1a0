"""manage.py create_demo_users: the accounts `make demo` needs, then the simulated crowd."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from gallery.selectors import visible_images
from profiles import services

SIMULATED_USERS = 50
SIMULATION_SEED = 1


class Command(BaseCommand):
    help = (
        "Create a staff superuser 'admin' and a regular user 'demo' (password: "
        f"{services.DEMO_PASSWORD}) if they are missing, then simulate {SIMULATED_USERS} users "
        f"with seed {SIMULATION_SEED} when there are photos."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        for username, is_staff in (("admin", True), ("demo", False)):
            if user_model.objects.filter(username=username).exists():
                self.stdout.write(f"{username}: already exists, left unchanged.")
                continue
            if is_staff:
                user_model.objects.create_superuser(
                    username, f"{username}@example.com", services.DEMO_PASSWORD
                )
            else:
                user_model.objects.create_user(username, f"{username}@example.com", services.DEMO_PASSWORD)
            self.stdout.write(self.style.SUCCESS(f"{username}: created."))
        self.stdout.write(f"Demo logins: admin (staff) and demo, password {services.DEMO_PASSWORD}")
        if not visible_images().exists():
            self.stdout.write("No analysed photos yet, so no simulated users; run simulate_users later.")
        elif services.existing_simulation(count=SIMULATED_USERS, seed=SIMULATION_SEED):
            self.stdout.write(
                f"sim001..sim{SIMULATED_USERS:03d} (seed {SIMULATION_SEED}) exist already: reused. "
                f"To simulate them again over today's photos: manage.py simulate_users "
                f"--users {SIMULATED_USERS} --seed {SIMULATION_SEED}"
            )
        else:
            call_command("simulate_users", users=SIMULATED_USERS, seed=SIMULATION_SEED, stdout=self.stdout)
