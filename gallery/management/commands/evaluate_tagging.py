"""`manage.py evaluate_tagging [--labels FILE.csv [--folder DIR]] [--folds 5] [--seed 0] [--rounds 5] [--chart out.png]`

Measures the tag suggester (gallery/analysis/tag_evaluation.py) on photos whose tags are known:
the site's visible photos with the tags the suggester trusts, or the image files named in a CSV with
a header `file,tag` (one row per photo and tag; files relative to --folder, by default the CSV's
folder). Prints precision@1, precision@3 and recall@3 in a seeded k-fold against the
most-frequent-tags baseline and the same classifier on colour only, the learning curve of simulated
answers, how well "Tags to review" finds a seeded 10% of swapped tags, and the share of each photo's
6 similar photos that share a tag with it. Files are read, never written; only the chart is saved.
"""

from __future__ import annotations

import csv
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gallery.analysis.pipeline import analyse_file
from gallery.analysis.result import ImageRejected
from gallery.analysis.tag_evaluation import TaggedPhotos, evaluate, report_chart, report_lines
from gallery.analysis.tag_features import colour_block, feature_vector
from gallery.analysis.tag_model import FloatArray
from gallery.models import Image
from gallery.services.storage import write_file_atomically
from gallery.services.tag_suggestions import photo_features, trusted_tags
from gallery.tagging import InvalidTag, normalise_tag
from gallery.visual_features import vectors_from_rows

CHART_FORMATS = {".svg": "svg", ".png": "png"}


class Command(BaseCommand):
    help = "Measure the tag suggestions, their learning from answers and the wrong-tag finder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--labels", type=Path, help="A CSV `file,tag` of labelled image files.")
        parser.add_argument("--folder", type=Path, help="Where the CSV's files are (default: its folder).")
        parser.add_argument("--folds", type=int, default=5, help="k of the k-fold (default 5).")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--rounds", type=int, default=5, help="Rounds of simulated answers (default 5).")
        parser.add_argument("--chart", type=Path, help="Also draw the results: out.png or out.svg.")

    def handle(self, *args: Any, **options: Any) -> None:
        chart: Path | None = options["chart"]
        if chart is not None and chart.suffix.lower() not in CHART_FORMATS:
            raise CommandError(f"--chart must end in .png or .svg, got {chart.name!r}.")
        if options["folds"] < 2:
            raise CommandError("--folds must be at least 2.")
        started = time.perf_counter()
        labels: Path | None = options["labels"]
        photos = self._from_csv(labels, options["folder"]) if labels else self._from_site()
        if len(photos) < options["folds"] * 2:
            raise CommandError(f"Only {len(photos)} tagged photos: too few for a {options['folds']}-fold.")
        read = time.perf_counter() - started
        report = evaluate(photos, folds=options["folds"], seed=options["seed"], rounds=options["rounds"])
        if not report.methods:
            raise CommandError(f"No tag is on {options['folds'] * 2} or more photos: nothing to learn.")
        for line in report_lines(report):
            self.stdout.write(line)
        self.stdout.write(
            f"\n(read the photos in {read:.1f} s, evaluated in {time.perf_counter() - started - read:.1f} s)"
        )
        if chart is not None:
            write_file_atomically(
                chart, report_chart(report, image_format=CHART_FORMATS[chart.suffix.lower()])
            )
            self.stdout.write(f"Chart written to {chart}.")

    def _from_site(self) -> TaggedPhotos:
        tags = trusted_tags()
        features = photo_features(tags)
        ids = [pk for pk in sorted(tags) if pk in features]
        histograms = dict(Image.objects.filter(pk__in=ids).values_list("pk", "colour_histogram"))
        return _photos(
            [features[pk] for pk in ids],
            [colour_block(histograms[pk]) for pk in ids],
            [tags[pk] for pk in ids],
        )

    def _from_csv(self, labels: Path, folder: Path | None) -> TaggedPhotos:
        base = folder or labels.parent
        tags = self._read_labels(labels)
        full, colour, tag_lists = [], [], []
        for name in sorted(tags):
            try:
                result = analyse_file(base / name, max_pixels=settings.IMGSITE_MAX_IMAGE_PIXELS)
            except (ImageRejected, OSError) as exc:
                self.stderr.write(f"  skipped {name}: {exc}")
                continue
            visual = vectors_from_rows([(result.visual_features, result.visual_features_by)])[0]
            full.append(feature_vector(result.colour_histogram, visual))
            colour.append(colour_block(result.colour_histogram))
            tag_lists.append(tags[name])
        if not tag_lists:
            raise CommandError(f"No readable photo among the {len(tags)} files in {labels}.")
        return _photos(full, colour, tag_lists)

    def _read_labels(self, path: Path) -> dict[str, set[str]]:
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                if not reader.fieldnames or not {"file", "tag"} <= set(reader.fieldnames):
                    raise CommandError(f"{path} needs a header with the columns file and tag.")
                tags: dict[str, set[str]] = defaultdict(set)
                skipped = 0
                for row in reader:
                    name, raw = (row.get("file") or "").strip(), row.get("tag") or ""
                    try:
                        tag = normalise_tag(raw)
                    except InvalidTag:
                        tag = ""
                    if not name or not tag or Path(name).is_absolute() or ".." in Path(name).parts:
                        skipped += 1
                        continue
                    tags[name].add(tag)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        if skipped:
            self.stderr.write(f"  {skipped} rows without a usable file name or tag were skipped.")
        return tags


def _photos(full: list[FloatArray], colour: list[FloatArray], tags: list[set[str]]) -> TaggedPhotos:
    """The photos with their features: the served recipe ("full") and the colour block alone."""
    return TaggedPhotos(
        features={"full": np.vstack(full), "colour": np.vstack(colour)} if full else {},
        tags=[sorted(tag_set) for tag_set in tags],
    )
