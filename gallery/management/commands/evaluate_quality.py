"""`manage.py evaluate_quality [--folder DIR] [--limit N] [--chart out.svg|out.png]`.

Judges the photo-editor measures on the site's analysed photos, or on the photos in a folder:

- near-duplicates: each original gets four variants (half size, JPEG quality 55, 4% crop, 12% brighter);
  all are grouped as the site groups its collection, and the command prints the precision and recall
  of that grouping over pairs, and how many pairs of distinct photos were wrongly grouped. The chart
  plots every pair's pHash distance against its layout similarity, with the rule's thresholds.

Files are read, never written; only the chart is saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from gallery.analysis.duplicate_evaluation import (
    VARIANTS,
    DuplicateReport,
    duplicate_chart,
    evaluate_grouping,
)
from gallery.models import AnalysisStatus, Image
from gallery.services.storage import media_path

CHART_FORMATS = {".svg": "svg", ".png": "png"}
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff"}
# Variants are made from a copy decoded at about this size: twice the preview the analysis works from,
# so half size is still larger than the grid thumbnail, as it would be for any real photo.
DECODE_EDGE = 2048


class Command(BaseCommand):
    help = "Measure near-duplicate grouping on variants of the site's photos or of a folder's."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--folder", type=Path, help="Use the photos in this folder instead of the site's."
        )
        parser.add_argument("--limit", type=int, default=0, help="At most this many originals (0: all).")
        parser.add_argument("--chart", type=Path, help="Also write a chart: out.svg or out.png.")

    def handle(self, *args: Any, **options: Any) -> None:
        chart: Path | None = options["chart"]
        if chart is not None and chart.suffix.lower() not in CHART_FORMATS:
            raise CommandError(f"--chart must end in .svg or .png, got {chart.name!r}.")
        paths = _folder_photos(options["folder"]) if options["folder"] else _site_photos()
        if options["limit"]:
            paths = paths[: options["limit"]]
        originals = _load(paths, self.stderr)
        if len(originals) < 2:
            raise CommandError("Need at least two readable photos to evaluate.")
        _duplicate_section(self.stdout, originals, chart)


def _folder_photos(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise CommandError(f"{folder} is not a folder.")
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)


def _site_photos() -> list[Path]:
    names = Image.objects.filter(status=AnalysisStatus.DONE).order_by("pk").values_list("file", flat=True)
    return [media_path(name) for name in names]


def _load(paths: list[Path], errors: OutputWrapper) -> list[tuple[str, PILImage.Image]]:
    originals = []
    for path in paths:
        try:
            with PILImage.open(path) as image:
                image.draft("RGB", (DECODE_EDGE, DECODE_EDGE))
                originals.append((path.name, image.convert("RGB")))
        except (OSError, UnidentifiedImageError) as exc:
            errors.write(f"skipped {path.name}: {exc}")
    return originals


def _duplicate_section(
    out: OutputWrapper, originals: list[tuple[str, PILImage.Image]], chart: Path | None
) -> DuplicateReport:
    """Print the near-duplicate section (and write its chart); returns the figures for tests."""
    report = evaluate_grouping(originals)
    out.write(f"Near-duplicates: {report.originals} originals, {report.photos} photos with their variants")
    out.write(f"  precision {report.precision:.3f}  (target >= 0.98)")
    out.write(f"  recall    {report.recall:.3f}  (target >= 0.95)")
    out.write(
        f"  pairs: {report.true_pairs} of the same picture, {report.found_pairs} grouped, {report.correct_pairs} right"
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
        chart.write_bytes(duplicate_chart(report, image_format=CHART_FORMATS[chart.suffix.lower()]))
        out.write(f"  chart: {chart}")
    return report
