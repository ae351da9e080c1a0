"""`manage.py evaluate_quality [--folder PATH] [--limit N] [--seed 0] [--chart out.svg|out.png]`

Checks the quality measures on the site's analysed photos (or on the image files of a folder) by making
degraded copies of each one and printing, per degradation, the detection rate, the false alarms on the
originals and the share of pairs in which the original scores higher (see
gallery/analysis/quality_evaluation.py). Exits non-zero when a target is missed.

Each section of the report is one method fed the same photos; a new section (e.g. near-duplicates) is
another `_..._section(originals)` called from `handle`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gallery.analysis import quality, thumbnails
from gallery.analysis.quality_evaluation import (
    DegradationReport,
    Original,
    degradation_chart,
    degradation_table,
    evaluate_degradations,
)
from gallery.analysis.result import ImageRejected
from gallery.analysis.validate import decode_image
from gallery.selectors import visible_images
from gallery.services.storage import media_path

CHART_FORMATS = {".svg": "svg", ".png": "png"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif"}
# Copies are made from the decoded picture no larger than this, so a folder of 24 MP files stays quick.
EVALUATION_LONG_EDGE = 1600


class Command(BaseCommand):
    help = (
        "Measure how well quality problems are found on degraded copies of the site's (or a folder's) photos."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--folder", type=Path, help="Judge the image files in this folder, not the site's."
        )
        parser.add_argument("--limit", type=int, default=0, help="At most this many photos (0: all).")
        parser.add_argument("--seed", type=int, default=0, help="Seed for the random parts of the copies.")
        parser.add_argument("--chart", type=Path, help="Also write the table as a chart: out.svg or out.png.")

    def handle(self, *args: Any, **options: Any) -> None:
        chart: Path | None = options["chart"]
        if chart is not None and chart.suffix.lower() not in CHART_FORMATS:
            raise CommandError(f"--chart must end in .svg or .png, got {chart.name!r}.")
        folder: Path | None = options["folder"]
        if folder is not None and not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        paths = self._paths(folder, options["limit"])
        if not paths:
            raise CommandError("No photos to evaluate.")
        report = self._degradation_section(self._originals(paths), seed=options["seed"])
        if chart is not None:
            _write_atomically(
                chart, degradation_chart(report, image_format=CHART_FORMATS[chart.suffix.lower()])
            )
            self.stdout.write(f"Chart written to {chart}.")
        if not report.meets_targets:
            raise CommandError("A quality target was missed; see MISSED above.")

    def _paths(self, folder: Path | None, limit: int) -> list[tuple[str, Path]]:
        if folder is not None:
            files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
            found = [(p.name, p) for p in files]
        else:
            rows = visible_images().order_by("pk").values_list("pk", "file")
            found = [(f"#{pk}", media_path(name)) for pk, name in rows]
        return found[:limit] if limit > 0 else found

    def _originals(self, paths: list[tuple[str, Path]]) -> Iterator[Original]:
        """Each readable photo decoded as the analysis decodes it; unreadable ones are named and skipped."""
        for label, path in paths:
            try:
                decoded = decode_image(path, max_pixels=settings.IMGSITE_MAX_IMAGE_PIXELS)
            except ImageRejected as exc:
                self.stderr.write(f"  skipped {label}: {exc}")
                continue
            picture = thumbnails.upright(
                thumbnails.flatten(thumbnails.to_rgb(decoded.image)), decoded.exif.orientation_tag
            )
            period = quality.block_period(decoded.image.size, decoded.info.width, decoded.info.height)
            if max(picture.size) > EVALUATION_LONG_EDGE:
                picture, period = thumbnails.fit(picture, EVALUATION_LONG_EDGE), 0  # a resize hides the grid
            width, height = thumbnails.oriented_size(
                decoded.info.width, decoded.info.height, decoded.exif.orientation_tag
            )
            yield Original(label, picture.convert("RGB"), width, height, period)

    def _degradation_section(self, originals: Iterator[Original], *, seed: int) -> DegradationReport:
        report = evaluate_degradations(originals, seed=seed)
        self.stdout.write(f"Degraded copies of {report.originals} photos (seed {seed}):")
        for line in degradation_table(report):
            self.stdout.write(f"  {line}")
        found = ", ".join(f"{name} {count}" for name, count in sorted(report.original_problems.items()))
        self.stdout.write(f"  problems found on the originals themselves: {found or 'none'}")
        return report


def _write_atomically(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written chart."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
