"""Recompute the visual feature vectors of stored photos, e.g. after the site switched embedders.

Each photo is embedded from its stored preview (the picture the analysis embeds), in batches: one
query reads a batch, one UPDATE per batch writes it. A photo whose preview is missing or unreadable
is reported and skipped; the others go on.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from PIL import Image as PillowImage

from gallery.analysis import thumbnails
from gallery.analysis.descriptor import to_bytes
from gallery.analysis.embedders import ImageEmbedder
from gallery.models import AnalysisStatus, Image
from gallery.services.storage import read_media

log = logging.getLogger(__name__)

BATCH_SIZE = 64


@dataclass
class RecomputeReport:
    updated: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)  # (image id, reason)


def stale_image_ids(embedder_name: str) -> list[int]:
    """Analysed photos with no vector from `embedder_name`, oldest first."""
    return list(
        Image.objects.filter(status=AnalysisStatus.DONE)
        .exclude(visual_features_by=embedder_name)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def recompute_visual_features(
    image_ids: Sequence[int],
    embedder: ImageEmbedder,
    *,
    progress: Callable[[int], object] = lambda done: None,
) -> RecomputeReport:
    report = RecomputeReport()
    for batch in _batches(image_ids):
        images = list(Image.objects.filter(pk__in=batch).only("pk", "preview"))
        changed = []
        for image in images:
            try:
                image.visual_features = to_bytes(embedder.embed(_preview_of(image)))
            except Exception as error:  # one bad photo must not stop the rest
                log.warning("visual features of image %s not recomputed: %s", image.pk, error)
                report.failures.append((image.pk, f"{type(error).__name__}: {error}"[:300]))
                continue
            image.visual_features_by = embedder.name
            changed.append(image)
        Image.objects.bulk_update(changed, ["visual_features", "visual_features_by"])
        report.updated += len(changed)
        progress(len(batch))
    return report


def _preview_of(image: Image) -> PillowImage.Image:
    if not image.preview:
        raise FileNotFoundError("the photo has no preview; run `manage.py analyse --all` for it")
    with PillowImage.open(io.BytesIO(read_media(image.preview.name))) as preview:
        preview.load()
        return thumbnails.flatten(thumbnails.to_rgb(preview))


def _batches(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]
