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

from gallery.search import SearchDocumentField


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
    # What the photo looks like (texture, shape, layout), from the embedder named beside it; see
    # gallery.analysis.embedders. Read it back with gallery.analysis.descriptor.from_bytes.
    visual_features = models.BinaryField(
        blank=True, default=b"", editable=False, help_text="Unit vector as little-endian float16."
    )
    visual_features_by = models.CharField(
        max_length=80, blank=True, db_index=True, help_text="The embedder that made visual_features."
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

    # The families of its colours (gallery.analysis.palette.families_field), written with the colours,
    # so the colour filter and its counts read this column instead of adding up colours per request.
    colour_families = models.CharField(
        max_length=100, blank=True, editable=False, help_text='The colour families, as " blue grey ".'
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
    # Indexed for an author's page, which lists and counts one author's photos (at most 500
    # characters: within PostgreSQL's limit for an index entry whatever the characters).
    author = models.CharField(max_length=500, blank=True, db_index=True)
    attribution = models.TextField(blank=True)
    title = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    ingest_job = models.ForeignKey(
        "IngestJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="images"
    )

    # How many people like the photo: kept by gallery.services.like_counts in the transaction that adds
    # or removes a Like, so lists sort and show it without counting likes on every request.
    like_count = models.PositiveIntegerField(default=0, editable=False)

    # Housekeeping.
    status = models.CharField(
        max_length=16, choices=AnalysisStatus.choices, default=AnalysisStatus.PENDING, db_index=True
    )
    analysis_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Indexed: each process's duplicate index reads the photos changed since its last look-up.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The "Most liked" order (gallery.selectors.SORT_COLUMNS), so its first page reads 24 rows.
            models.Index(
                models.F("like_count").desc(),
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="image_most_liked",
            ),
            # The gallery's filter counts (gallery.selectors.gallery_facets) read only listed photos'
            # facet columns: on PostgreSQL an index-only scan of this, not of the wide table.
            models.Index(
                fields=[
                    "orientation",
                    "size_class",
                    "source",
                    "licence",
                    "colour_families",
                    "quality_score",
                    "taken_at",
                    "camera_make",
                    "camera_model",
                    "id",
                ],
                condition=Q(status=AnalysisStatus.DONE, is_group_best=True) & ~Q(thumbnail=""),
                name="image_listed_facets",
            ),
            # The home page's best photos, so it reads 10 rows: on the score alone, the many photos
            # of equal score were sorted (11 ms at 100,000 photos). Empty scores come first in it, as
            # PostgreSQL sorts them descending (SQLite's indexes cannot put them last): the
            # gallery's "Best quality" order, which puts them last, does not use it.
            models.Index(
                models.F("quality_score").desc(),
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="image_best_quality",
            ),
        ]
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


class ImageSearch(models.Model):
    """A photo's row in the search index, written only by database triggers (see gallery.search).

    Read it through `gallery.selectors`; never save one from Python.
    """

    image = models.OneToOneField(
        Image,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,  # the delete trigger removes the row
        db_constraint=False,
        related_name="search_entry",
        editable=False,
    )
    document = SearchDocumentField(db_column="gallery_image_search", editable=False)

    class Meta:
        db_table = "gallery_image_search"

    def __str__(self) -> str:
        return f"search entry of image {self.pk}"


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
    # A tag the suggester proposed and someone accepted; who did is on their TagAnswer.
    SUGGESTED = "suggested", "Accepted suggestion"


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


class TagSuggester(models.Model):
    """The tag suggester's learnt model, one row per name ("default").

    Only gallery.services.tag_suggestions writes it, under a row lock, and bumps `version` on every
    write, so processes that keep a copy in memory know when theirs is stale.
    """

    name = models.CharField(max_length=32, unique=True, default="default")
    feature_kind = models.CharField(max_length=64, help_text="The feature recipe it was trained on.")
    state = models.BinaryField(editable=False, help_text="The arrays of gallery.analysis.tag_model, as .npz.")
    tags = models.JSONField(default=list, blank=True, help_text="Its vocabulary, most common first.")
    version = models.PositiveIntegerField(default=0)
    training_photos = models.PositiveIntegerField(default=0)
    answers_applied = models.PositiveIntegerField(
        default=0, help_text="Answers learnt since the last training."
    )
    trained_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Tag suggester {self.name} v{self.version}"


class TagSuggestion(models.Model):
    """A tag the suggester proposes for a photo that does not carry it yet, with its confidence."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="tag_suggestions")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="suggestions")
    confidence = models.FloatField(help_text="The model's probability, 0 to 1.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["image", "-confidence", "tag_id"]
        constraints = [models.UniqueConstraint(fields=["image", "tag"], name="tagsuggestion_unique")]

    def __str__(self) -> str:
        return f"{self.tag} {self.confidence:.0%} on image {self.image_id}"


class Verdict(models.TextChoices):
    ACCEPT = "accept", "Accepted"
    REJECT = "reject", "Rejected"


class TagAnswer(models.Model):
    """One person's answer to a suggested tag on a photo (or staff removing a tag under review).

    Every answer is a row, so concurrent answers are never lost; the model learns the rows whose
    `applied_at` is empty and stamps them in the same transaction.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tag_answers")
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="tag_answers")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="answers")
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    confidence = models.FloatField(null=True, blank=True, help_text="The confidence shown when answered.")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When the suggester learnt it; empty: not yet."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "image", "tag"], name="taganswer_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.verdict}s {self.tag} on image {self.image_id}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "To review"
    KEPT = "kept", "Kept"
    REMOVED = "removed", "Removed"


class TagReview(models.Model):
    """A tag on a photo that confident learning finds likely wrong, for staff to keep or remove."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="tag_reviews")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="reviews")
    probability = models.FloatField(help_text="The out-of-fold probability that the photo has the tag.")
    status = models.CharField(
        max_length=8, choices=ReviewStatus.choices, default=ReviewStatus.OPEN, db_index=True
    )
    found_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["probability", "id"]
        verbose_name = "tag to review"
        verbose_name_plural = "tags to review"
        constraints = [models.UniqueConstraint(fields=["image", "tag"], name="tagreview_unique")]

    def __str__(self) -> str:
        return f"{self.tag} on image {self.image_id} ({self.status})"


class Like(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes")
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "image"], name="like_unique_user_image")]
        indexes = [
            # A photo's latest fans ("People who liked this also liked" counts their likes): read from
            # the photo's own likes, newest first, instead of scanning all likes by date (65 ms for
            # a popular photo among a million likes, bench/README.md).
            models.Index(
                models.F("image"),
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="like_latest_fans",
            ),
        ]

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
