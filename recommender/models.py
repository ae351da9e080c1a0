"""Fitted recommender models and the "not interested" signal.

A RecommenderModel row is one background build: its status, the hybrid's tuned weights, the
validation metrics, and the fitted arrays as one compressed .npz (numpy's own format, loaded with
allow_pickle=False, so a stored model can never run code). The arrays live in the row rather than in
MEDIA_ROOT because they include who liked what, and media is public; a row and its arrays are also
written in one transaction, so there is never a model without its artefact.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BuildStatus(models.TextChoices):
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class RecommenderModel(models.Model):
    status = models.CharField(
        max_length=16, choices=BuildStatus.choices, default=BuildStatus.BUILDING, db_index=True
    )
    algorithm = models.CharField(max_length=32, default="hybrid")
    weights = models.JSONField(default=dict, blank=True, help_text="Blend weights of the hybrid.")
    metrics = models.JSONField(
        default=dict, blank=True, help_text="Validation scores, sizes and timings of the build."
    )
    n_users = models.PositiveIntegerField(default=0)
    n_items = models.PositiveIntegerField(default=0)
    n_interactions = models.PositiveIntegerField(default=0)
    artefact = models.BinaryField(blank=True, default=b"", editable=False)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "recommender model"

    def __str__(self) -> str:
        return f"Recommender model #{self.pk} ({self.get_status_display()})"

    @property
    def artefact_size(self) -> int:
        return len(self.artefact or b"")


class NotInterested(models.Model):
    """A user asked not to see a photo: it is hidden for them and counts as a negative signal."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="not_interested"
    )
    image = models.ForeignKey("gallery.Image", on_delete=models.CASCADE, related_name="not_interested")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "not interested"
        verbose_name_plural = "not interested"
        constraints = [
            models.UniqueConstraint(fields=["user", "image"], name="notinterested_unique_user_image")
        ]

    def __str__(self) -> str:
        return f"{self.user} is not interested in {self.image_id}"
