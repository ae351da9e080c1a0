"""What the site learns about each person's taste, and the hidden tastes of simulated users.

The profile itself is computed by `profiles.taste` (pure) and stored here as JSON snapshots; the
latest snapshot of a user is their profile. Hidden tastes live in their own table so nothing the
site learns can leak into the answer key the recommender is evaluated against.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class UserProfile(models.Model):
    """Per-user profile settings. Profiles are private unless their owner makes them public."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    is_public = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class ProfileSnapshot(models.Model):
    """One computed taste profile; `data` is the JSON produced by `profiles.taste.build_profile`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_snapshots"
    )
    data = models.JSONField(default=dict)
    version = models.PositiveSmallIntegerField(help_text="Version of the profile format in `data`.")
    computed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = ["computed_at", "id"]

    def __str__(self) -> str:
        return f"Profile of {self.user} at {self.computed_at:%Y-%m-%d %H:%M}"

    @property
    def like_count(self) -> int:
        return int(self.data.get("like_count", 0))


class OwedProfileRebuild(models.Model):
    """A rebuild a like or tag asked for while the broker was down. The sweeper queues it once the
    broker is back (profiles.tasks.queue_owed_rebuilds_task); only a rebuild that runs clears it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owed_profile_rebuild"
    )
    since = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the sweeper last queued it; sent again if it never ran."
    )

    def __str__(self) -> str:
        return f"Profile rebuild owed to {self.user} since {self.since:%Y-%m-%d %H:%M}"


class SimulatedTaste(models.Model):
    """The hidden taste a simulated user was generated from; see `profiles.simulation`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="simulated_taste"
    )
    interests = models.JSONField(default=list, help_text="1-3 interests: colour families, tags, shape.")
    seed = models.BigIntegerField(help_text="The --seed of the simulate_users run that made this user.")
    is_cold = models.BooleanField(default=False, help_text="Made with only one or two likes.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Hidden taste of {self.user}"


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    """A personal access token for the JSON API. Only the SHA-256 of the secret is kept: the secret
    has 256 random bits, so a plain hash cannot be reversed, and a stolen database holds no token.
    `prefix` is the token's first characters, so its owner can tell their tokens apart."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the owner uses it for.")
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token, hex.")
    scope = models.CharField(max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name}, {self.scope}) of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE
