"""`manage.py analyse --missing|--all|--quality`: (re-)run the analysis of stored photos.

`--quality` judges the quality of analysed photos again (after the thresholds change, or for photos
analysed before quality was measured). It runs here, not on the workers: it reads each original once
and writes three fields, so there is no job to follow.

`--features` recomputes the visual feature vectors of analysed photos that have none from the
embedder the site runs now: after switching IMGSITE_EMBEDDER_ONNX on, off or to other weights (or
after the built-in descriptor's version changed). It runs here too, from the stored previews, in
batches, and goes on past photos it cannot read, listing them at the end.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gallery.analysis.onnx_encoder import EncoderUnavailable
from gallery.checks import EMBEDDER_HINT
from gallery.embedding import active_embedder
from gallery.models import AnalysisStatus, Image
from gallery.services.analysis import analyse_image, queue_analysis, reassess_quality
from gallery.services.visual import recompute_visual_features, stale_image_ids


class Command(BaseCommand):
    help = "Analyse photos: --missing for those not yet analysed (or failed), --all for every one."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--missing", action="store_true", help="Pending and failed photos only.")
        group.add_argument("--all", action="store_true", help="Every photo.")
        group.add_argument(
            "--quality", action="store_true", help="Only the quality score and problems of analysed photos."
        )
        group.add_argument(
            "--features",
            action="store_true",
            help="Only the visual feature vectors, for photos without one from the current embedder.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["quality"]:
            self.reassess_quality()
            return
        if options["features"]:
            self.recompute_features()
            return
        images = Image.objects.all()
        if options["missing"]:
            images = images.exclude(status=AnalysisStatus.DONE)
        ids = list(images.order_by("pk").values_list("pk", flat=True))
        if not ids:
            self.stdout.write("Nothing to analyse.")
            return
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write(f"Queued {queue_analysis(ids)} photos for the workers.")
            return
        for image_id in tqdm(ids, desc="analyse", unit="photo"):
            analyse_image(image_id)
        self.summarise(ids)

    def reassess_quality(self) -> None:
        ids = list(
            Image.objects.filter(status=AnalysisStatus.DONE).order_by("pk").values_list("pk", flat=True)
        )
        judged = sum(
            reassess_quality(image_id) is not None for image_id in tqdm(ids, desc="quality", unit="photo")
        )
        self.stdout.write(f"Judged the quality of {judged} photos; {len(ids) - judged} could not be read.")

    def recompute_features(self) -> None:
        try:
            embedder = active_embedder()
        except EncoderUnavailable as error:
            raise CommandError(f"{error}. {EMBEDDER_HINT}") from error
        ids = stale_image_ids(embedder.name)
        self.stdout.write(f"Embedder: {embedder.name} ({embedder.length} numbers a photo).")
        if not ids:
            self.stdout.write("Every analysed photo already has its visual features.")
            return
        with tqdm(total=len(ids), desc="features", unit="photo") as bar:
            report = recompute_visual_features(ids, embedder, progress=bar.update)
        for image_id, reason in report.failures[:20]:
            self.stderr.write(f"  failed: #{image_id}: {reason}")
        self.stdout.write(
            f"Recomputed the visual features of {report.updated} photos; {len(report.failures)} failed. "
            "Rebuild the recommender (manage.py rebuild_recommender) for similar photos to use them."
        )
        if ids and not report.updated:
            raise CommandError("No photo's features could be recomputed; see the reasons above.")

    def summarise(self, ids: list[int]) -> None:
        failed = Image.objects.filter(pk__in=ids, status=AnalysisStatus.FAILED)
        for image in failed[:20]:
            self.stderr.write(f"  failed: #{image.pk} {image}: {image.analysis_error}")
        count = failed.count()
        self.stdout.write(f"Analysed {len(ids) - count} photos; {count} failed.")
        if count == len(ids):
            raise CommandError("Every analysis failed; see the reasons above.")
