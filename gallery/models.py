"""The photo collection: images, their colours and tags, likes, and ingest jobs.

Models hold fields, constraints and cheap derived values only. Downloading, analysing and
bookkeeping live in `gallery.services`; pure computation lives in `gallery.analysis`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import models
from django.db.models import Q


class Orientation(models.TextChoices):
    LANDSCAPE = "landscape", "Landscape"
    PORTRAIT = "portrait", "Portrait"
    SQUARE = "square", "Square"


class SizeClass(models.TextChoices):
    THUMBNAIL = "thumbnail", "Thumbnail"
    SMALL = "small", "Small"
    MEDIUM = "medium", "Medium"
    LARGE = "large", "Large"


class AnalysisStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Analysed"
    FAILED = "failed", "Failed"


class Source(models.TextChoices):
    COMMONS = "commons", "Wikimedia Commons"
    OPENVERSE = "openverse", "Openverse"
    UNSPLASH_LITE = "unsplash-lite", "Unsplash Lite"
    URLS = "urls", "URL list"
    FOLDER = "folder", "Local folder"


class Image(models.Model):
    # Content. Files are content-addressed: originals/<sha[:2]>/<sha>.<ext>.
    sha256 = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to="originals/", max_length=255)
    thumbnail = models.FileField(upload_to="thumbs/", max_length=255, blank=True)
    preview = models.FileField(upload_to="previews/", max_length=255, blank=True)

    # Pixels, after the EXIF orientation is applied.
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    format = models.CharField(max_length=16, blank=True, help_text="Pillow format name, e.g. JPEG.")
    mode = models.CharField(max_length=16, blank=True, help_text="Pillow colour mode, e.g. RGB.")
    file_size = models.PositiveBigIntegerField(default=0, help_text="Bytes on disk.")

    # Derived shape; see gallery.analysis.shape for the tolerance and thresholds.
    orientation = models.CharField(max_length=16, choices=Orientation.choices, blank=True, db_index=True)
    size_class = models.CharField(max_length=16, choices=SizeClass.choices, blank=True, db_index=True)

    # Camera EXIF.
    taken_at = models.DateTimeField(null=True, blank=True, db_index=True)
    taken_at_offset = models.SmallIntegerField(
        "time-zone offset of the date taken",
        null=True,
        blank=True,
        help_text="Minutes east of UTC, as the camera recorded it (EXIF OffsetTimeOriginal); empty when it did not.",
    )
    camera_make = models.CharField(max_length=100, blank=True, db_index=True)
    camera_model = models.CharField(max_length=100, blank=True)
    lens = models.CharField(max_length=200, blank=True)
    iso = models.PositiveIntegerField("ISO", null=True, blank=True)
    f_number = models.FloatField(null=True, blank=True)
    exposure_time = models.FloatField(null=True, blank=True, help_text="Seconds.")
    focal_length = models.FloatField(null=True, blank=True, help_text="Millimetres.")
    gps_latitude = models.FloatField("GPS latitude", null=True, blank=True)
    gps_longitude = models.FloatField("GPS longitude", null=True, blank=True)
    gps_altitude = models.FloatField(
        "GPS altitude", null=True, blank=True, help_text="Metres above sea level, negative below it."
    )
    exif = models.JSONField(
        default=dict, blank=True, help_text="Full EXIF, tag names as keys, JSON-safe values."
    )

    # Features kept for similarity and near-duplicate detection.
    colour_histogram = models.JSONField(default=list, blank=True)
    phash = models.CharField(max_length=16, blank=True, db_index=True, help_text="64-bit DCT hash, hex.")
    layout_signature = models.BinaryField(
        blank=True, default=b"", editable=False, help_text="32x32 greyscale, confirms near-duplicates."
    )
    layout_digest = models.BinaryField(
        blank=True, default=b"", editable=False, help_text="8x8 digest of the layout, for the quick check."
    )

    # Near-duplicates (gallery.services.duplicates). Stored so that the gallery shows one photo per group
    # by filtering an indexed column instead of grouping on every request. A photo alone has no group
    # and is its own best shot.
    duplicate_group = models.PositiveIntegerField(
        null=True, blank=True, db_index=True, help_text="Shared by the versions of one picture."
    )
    is_group_best = models.BooleanField(
        "best shot", default=True, db_index=True, help_text="The version the gallery shows."
    )

    # Technical quality, judged from pixels; see gallery.analysis.quality for the measures and thresholds.
    quality_score = models.PositiveSmallIntegerField(
        null=True, blank=True, db_index=True, help_text="0 to 100; empty until analysed."
    )
    quality_problems = models.JSONField(
        default=list, blank=True, help_text="Names of the aspects found wanting, e.g. out_of_focus."
    )
    quality_values = models.JSONField(
        default=dict, blank=True, help_text="Each aspect's measured value, by name (null: not measured)."
    )

    # Provenance.
    source = models.CharField(max_length=32, choices=Source.choices, db_index=True)
    source_id = models.CharField(max_length=255, blank=True)
    file_url = models.URLField(max_length=2000, blank=True)
    source_page_url = models.URLField(max_length=2000, blank=True)
    licence = models.CharField(max_length=100, db_index=True)
    licence_url = models.URLField(max_length=500, blank=True)
    author = models.CharField(max_length=500, blank=True)
    attribution = models.TextField(blank=True)
    title = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    ingest_job = models.ForeignKey(
        "IngestJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="images"
    )

    # Housekeeping.
    status = models.CharField(
        max_length=16, choices=AnalysisStatus.choices, default=AnalysisStatus.PENDING, db_index=True
    )
    analysis_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], condition=~Q(source_id=""), name="image_unique_source_id"
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"Image {self.sha256[:12]}"

    @property
    def taken_at_local(self) -> datetime | None:
        """The date taken on the camera's clock, when the camera recorded its time zone."""
        if self.taken_at is None or self.taken_at_offset is None:
            return None
        return self.taken_at.astimezone(dt_timezone(timedelta(minutes=self.taken_at_offset)))

    @property
    def megapixels(self) -> float | None:
        if not self.width or not self.height:
            return None
        return round(self.width * self.height / 1_000_000, 1)


class Colour(models.Model):
    """One of an image's dominant colours, ranked by share of pixels (rank 0 is the largest)."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="colours")
    rank = models.PositiveSmallIntegerField()
    hex = models.CharField(max_length=7)
    red = models.PositiveSmallIntegerField()
    green = models.PositiveSmallIntegerField()
    blue = models.PositiveSmallIntegerField()
    share = models.FloatField(help_text="Share of the image's pixels, 0 to 1.")
    name = models.CharField(max_length=40, help_text="Nearest CSS colour name.")
    family = models.CharField(max_length=16, db_index=True, help_text="Basic colour family, e.g. blue.")

    class Meta:
        ordering = ["image", "rank"]
        constraints = [models.UniqueConstraint(fields=["image", "rank"], name="colour_unique_rank")]

    def __str__(self) -> str:
        return f"{self.name} {self.hex} ({self.share:.0%})"


class Tag(models.Model):
    name = models.CharField(max_length=64, unique=True, help_text="Normalised: lower case, single spaces.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TagOrigin(models.TextChoices):
    SOURCE = "source", "Source"
    USER = "user", "User"
    AUTO = "auto", "Automatic"


class ImageTag(models.Model):
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="image_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="image_tags")
    origin = models.CharField(max_length=16, choices=TagOrigin.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="image_tags"
    )
    confidence = models.FloatField(default=1.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["image", "origin", "tag__name"]
        constraints = [
            # Source and auto tags are unique per image; user tags are unique per image and user.
            models.UniqueConstraint(
                fields=["image", "tag", "origin"],
                condition=Q(user__isnull=True),
                name="imagetag_unique_shared",
            ),
            models.UniqueConstraint(
                fields=["image", "tag", "user"],
                condition=Q(user__isnull=False),
                name="imagetag_unique_per_user",
            ),
            models.CheckConstraint(
                condition=(Q(origin="user") & Q(user__isnull=False))
                | (~Q(origin="user") & Q(user__isnull=True)),
                name="imagetag_user_iff_user_origin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tag.name} ({self.origin})"


class Like(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes")
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "image"], name="like_unique_user_image")]

    def __str__(self) -> str:
        return f"{self.user} likes {self.image_id}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED_JOB_STATUSES = frozenset({JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED})


class IngestJob(models.Model):
    """One run of a source. Only `gallery.services.jobs` writes its counters, so staff can watch it."""

    source = models.CharField(max_length=32, choices=Source.choices)
    query = models.CharField(max_length=500, blank=True, help_text="Category, search text, file or folder.")
    options = models.JSONField(default=dict, blank=True, help_text="Source options, e.g. licence and author.")
    wanted = models.PositiveIntegerField()
    done = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0, help_text="Duplicates already in the collection.")
    failed = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(
        default=0, help_text="Offered by the source but refused by policy, e.g. a non-free licence."
    )
    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    errors = models.JSONField(
        default=list, blank=True, help_text="One line per failed item, with its reason."
    )
    warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="Stored items with something to check, e.g. a licence in the file that differs from the one stated.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # The lease: one delivery of the job's task runs it at a time. It is taken with a conditional
    # UPDATE and renewed after every item; one that ran out means the worker died.
    lease_owner = models.CharField(max_length=100, blank=True, help_text="The task run holding the job.")
    lease_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    position = models.PositiveIntegerField(
        default=0, help_text="Source items already counted; a resumed job starts after them."
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.query!r} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_JOB_STATUSES

    @property
    def progress(self) -> float:
        """Share of the wanted images accounted for, 0 to 1."""
        if not self.wanted:
            return 1.0
        return min(1.0, self.done / self.wanted)
