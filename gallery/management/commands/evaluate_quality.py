"""`manage.py evaluate_quality [--folder PATH] [--limit N] [--seed 0] [--only SECTION] [--chart out.svg|out.png]`

Judges the photo-editor measures on the site's analysed photos (or on the image files of a folder). Each
section of the report is one method fed the same decoded photos:

- degradations: degraded copies of each photo (dark, bright, motion blur, defocus, JPEG at quality
  5-10, noise); per degradation, the detection rate, the false alarms on the originals and the share of
  pairs in which the original scores higher (gallery/analysis/quality_evaluation.py);
- duplicates: four near-duplicate variants of each photo (half size, JPEG quality 55, 4% crop, 12%
  brighter), all grouped as the site groups its collection; the precision and recall of that grouping
  over pairs, and the pairs of distinct photos wrongly grouped (gallery/analysis/duplicate_evaluation.py).

`--chart out.svg` draws the first section run to that file and the duplicates to `out-duplicates.svg`
beside it. Files are read, never written; only the charts are saved. Exits non-zero when a target is
missed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gallery.analysis import quality, thumbnails
from gallery.analysis.duplicate_evaluation import (
    VARIANTS,
    DuplicateReport,
    duplicate_chart,
    evaluate_grouping,
)
from gallery.analysis.quality_evaluation import (
    DegradationReport,
    Original,
    degradation_chart,
    degradation_table,
    evaluate_degradations,
)
from gallery.analysis.result import ImageRejected
from gallery.analysis.validate import decode_bytes
from gallery.selectors import visible_images
from gallery.services.storage import read_media, write_file_atomically

CHART_FORMATS = {".svg": "svg", ".png": "png"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif"}
# Copies are made from the decoded picture no larger than this, so a folder of 24 MP files stays quick.
EVALUATION_LONG_EDGE = 1600
SECTIONS = ("degradations", "duplicates")
# The grouping targets of issue 12; the degradation targets live with their evaluation.
DUPLICATE_MIN_PRECISION = 0.98
DUPLICATE_MIN_RECALL = 0.95


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
        parser.add_argument("--only", choices=SECTIONS, help="Run one section of the report, not both.")
        parser.add_argument(
            "--chart", type=Path, help="Also write the results as charts: out.svg or out.png."
        )

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
        sections = [options["only"]] if options["only"] else list(SECTIONS)
        originals = list(self._originals(paths))
        missed = []
        if "degradations" in sections:
            report = self._degradation_section(iter(originals), seed=options["seed"])
            if chart is not None:
                image_format = CHART_FORMATS[chart.suffix.lower()]
                write_file_atomically(chart, degradation_chart(report, image_format=image_format))
                self.stdout.write(f"Chart written to {chart}.")
            if not report.meets_targets:
                missed.append("a degradation target (see MISSED above)")
        if "duplicates" in sections:
            duplicates_chart = None
            if chart is not None:
                duplicates_chart = chart if sections == ["duplicates"] else _beside(chart, "duplicates")
            grouping = self._duplicate_section(originals, duplicates_chart)
            if grouping.precision < DUPLICATE_MIN_PRECISION or grouping.recall < DUPLICATE_MIN_RECALL:
                missed.append("the near-duplicate precision or recall target")
        if missed:
            raise CommandError(f"Missed {' and '.join(missed)}.")

    def _paths(self, folder: Path | None, limit: int) -> list[tuple[str, Callable[[], bytes]]]:
        """Each photo's label and a way to read its bytes: a folder's files, or the site's originals
        from the media storage (wherever it is)."""
        found: list[tuple[str, Callable[[], bytes]]]
        if folder is not None:
            files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
            found = [(p.name, p.read_bytes) for p in files]
        else:
            rows = visible_images().order_by("pk").values_list("pk", "file")
            found = [(f"#{pk}", partial(read_media, name)) for pk, name in rows]
        return found[:limit] if limit > 0 else found

    def _originals(self, paths: list[tuple[str, Callable[[], bytes]]]) -> Iterator[Original]:
        """Each readable photo decoded as the analysis decodes it; unreadable ones are named and skipped."""
        for label, read in paths:
            try:
                decoded = decode_bytes(read(), max_pixels=settings.IMGSITE_MAX_IMAGE_PIXELS)
            except (ImageRejected, OSError) as exc:
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

    def _duplicate_section(self, originals: list[Original], chart: Path | None) -> DuplicateReport:
        if len(originals) < 2:
            raise CommandError("Need at least two readable photos to evaluate near-duplicate grouping.")
        report = evaluate_grouping([(original.label, original.picture) for original in originals])
        out = self.stdout
        out.write(
            f"Near-duplicates: {report.originals} originals, {report.photos} photos with their variants"
        )
        out.write(f"  precision {report.precision:.3f}  (target >= {DUPLICATE_MIN_PRECISION})")
        out.write(f"  recall    {report.recall:.3f}  (target >= {DUPLICATE_MIN_RECALL})")
        out.write(
            f"  pairs: {report.true_pairs} of the same picture, {report.found_pairs} grouped, "
            f"{report.correct_pairs} right"
        )
        out.write(f"  pairs of distinct photos wrongly grouped: {len(report.wrong_pairs)}")
        for first, second in report.wrong_pairs[:10]:
            out.write(f"    {first}  +  {second}")
        for variant in VARIANTS:
            missed = report.missed_by_variant.get(variant, 0)
            out.write(
                f"  {variant:<16} grouped with its original in {report.originals - missed}/{report.originals}"
            )
        if chart is not None:
            write_file_atomically(
                chart, duplicate_chart(report, image_format=CHART_FORMATS[chart.suffix.lower()])
            )
            out.write(f"  chart: {chart}")
        return report


def _beside(path: Path, name: str) -> Path:
    return path.with_name(f"{path.stem}-{name}{path.suffix}")
