"""How well near-duplicate grouping works: variants made from originals, grouped, and counted.

Each original gets four variants a person would call the same photo: half size, recompressed at JPEG
quality 55, cropped by 4% (taken off the left and top, which shifts the picture as well as trimming it),
and 12% brighter. All of them are grouped together, as the site would group its collection, and every
pair is judged: a pair from the same original should share a group, a pair from two originals should not.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Final

from matplotlib.figure import Figure
from PIL import Image, ImageEnhance

from gallery.analysis import thumbnails
from gallery.analysis.features import perceptual_hash
from gallery.analysis.near_duplicates import (
    CANDIDATE_BITS,
    CLOSE_BITS,
    CLOSE_MIN_SIMILARITY,
    FAR_MIN_SIMILARITY,
    HashIndex,
    PhotoPrint,
    group_photos,
    hash_value,
    layout_digest,
    layout_signature,
    layout_similarity,
)

CROP_SHARE: Final = 0.04
BRIGHTER: Final = 1.12
RECOMPRESS_QUALITY: Final = 55


def half_size(image: Image.Image) -> Image.Image:
    return image.resize((max(1, image.width // 2), max(1, image.height // 2)), Image.Resampling.LANCZOS)


def recompressed(image: Image.Image) -> Image.Image:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=RECOMPRESS_QUALITY)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


def cropped(image: Image.Image) -> Image.Image:
    left, top = round(image.width * CROP_SHARE), round(image.height * CROP_SHARE)
    return image.crop((left, top, image.width, image.height))


def brighter(image: Image.Image) -> Image.Image:
    return ImageEnhance.Brightness(image.convert("RGB")).enhance(BRIGHTER)


VARIANTS: Final[dict[str, Callable[[Image.Image], Image.Image]]] = {
    "half size": half_size,
    "JPEG quality 55": recompressed,
    "4% crop": cropped,
    "12% brighter": brighter,
}


def fingerprint(image: Image.Image, photo_id: int) -> PhotoPrint:
    """The hash and layout the analysis would store, from the same 96 px copy it uses."""
    preview = thumbnails.fit(image.convert("RGB"), thumbnails.PREVIEW_LONG_EDGE)
    small = thumbnails.fit(
        thumbnails.fit(preview, thumbnails.THUMBNAIL_LONG_EDGE), thumbnails.ANALYSIS_LONG_EDGE
    )
    layout = layout_signature(small)
    return PhotoPrint(photo_id, perceptual_hash(small), layout, layout_digest(layout))


@dataclass
class DuplicateReport:
    originals: int
    photos: int
    true_pairs: int  # pairs from the same original
    found_pairs: int  # pairs put in one group
    correct_pairs: int  # found and true
    wrong_pairs: list[tuple[str, str]] = field(default_factory=list)  # distinct photos grouped together
    missed_by_variant: dict[str, int] = field(default_factory=dict)  # variant not grouped with its original
    # (kind, pHash bits, layout similarity) of each variant beside its original, and of each pair of
    # distinct originals close enough in pHash to be candidates: what the rule has to tell apart.
    points: list[tuple[str, int, float]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.found_pairs if self.found_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def evaluate_grouping(originals: Sequence[tuple[str, Image.Image]]) -> DuplicateReport:
    """Group every original with its variants and count right and wrong pairs."""
    prints: list[PhotoPrint] = []
    labels: list[tuple[int, str]] = []  # (original number, variant name) per photo id
    for number, (_, image) in enumerate(originals):
        for variant, make in {"original": lambda i: i, **VARIANTS}.items():
            prints.append(fingerprint(make(image), len(prints)))
            labels.append((number, variant))
    group_of = {member: n for n, members in enumerate(group_photos(prints)) for member in members}

    def together(a: int, b: int) -> bool:
        return a in group_of and group_of.get(a) == group_of.get(b)

    report = DuplicateReport(len(originals), len(prints), 0, 0, 0)
    report.missed_by_variant = dict.fromkeys(VARIANTS, 0)
    for a, b in combinations(range(len(prints)), 2):
        same, grouped = labels[a][0] == labels[b][0], together(a, b)
        report.true_pairs += same
        report.found_pairs += grouped
        report.correct_pairs += same and grouped
        if grouped and not same:
            report.wrong_pairs.append((_name(originals, labels[a]), _name(originals, labels[b])))
    for photo_id, (_, variant) in enumerate(labels):
        if variant != "original" and not together(photo_id, photo_id - VARIANT_OFFSET[variant]):
            report.missed_by_variant[variant] += 1
    report.points = _points(prints, labels)
    return report


def _points(prints: list[PhotoPrint], labels: list[tuple[int, str]]) -> list[tuple[str, int, float]]:
    points = []
    for photo_id, (_, variant) in enumerate(labels):
        if variant != "original":
            points.append((variant, *_compare(prints[photo_id - VARIANT_OFFSET[variant]], prints[photo_id])))
    originals = [p for p, (_, variant) in zip(prints, labels, strict=True) if variant == "original"]
    index = HashIndex([p.id for p in originals], [hash_value(p.phash) for p in originals])
    by_id = {p.id: p for p in originals}
    for photo in originals:
        for other_id, _ in index.within(hash_value(photo.phash), CANDIDATE_BITS + 4):
            if other_id > photo.id:
                points.append(("distinct photos", *_compare(photo, by_id[other_id])))
    return points


def _compare(a: PhotoPrint, b: PhotoPrint) -> tuple[int, float]:
    return (hash_value(a.phash) ^ hash_value(b.phash)).bit_count(), layout_similarity(a.layout, b.layout)


def duplicate_chart(report: DuplicateReport, *, image_format: str = "svg") -> bytes:
    """pHash bits against layout similarity for every kind of pair, with the rule's thresholds."""
    figure = Figure(figsize=(6.4, 4.2), layout="constrained")
    axes = figure.add_subplot()
    kinds = ["distinct photos", *VARIANTS]
    for kind, marker in zip(kinds, "x^os+", strict=False):
        rows = [(bits, similarity) for name, bits, similarity in report.points if name == kind]
        if rows:
            bits, similarity = zip(*rows, strict=True)
            axes.scatter(bits, similarity, marker=marker, label=f"{kind} ({len(rows)})", alpha=0.7)
    axes.axvline(CLOSE_BITS, color="#888888", linestyle=":", linewidth=1)
    axes.axvline(CANDIDATE_BITS, color="#888888", linestyle="--", linewidth=1)
    axes.hlines(CLOSE_MIN_SIMILARITY, 0, CLOSE_BITS, color="#444444", linewidth=1)
    axes.hlines(FAR_MIN_SIMILARITY, CLOSE_BITS, CANDIDATE_BITS, color="#444444", linewidth=1)
    axes.set_xlabel("pHash bits apart")
    axes.set_ylabel("layout similarity")
    axes.set_title(f"Near-duplicates: precision {report.precision:.3f}, recall {report.recall:.3f}")
    axes.legend(loc="lower left", fontsize=8)
    out = io.BytesIO()
    figure.savefig(out, format=image_format, metadata={"Date": None} if image_format == "svg" else None)
    return out.getvalue()


# How far after its original each variant is numbered.
VARIANT_OFFSET: Final = {name: position + 1 for position, name in enumerate(VARIANTS)}


def _name(originals: Sequence[tuple[str, Image.Image]], label: tuple[int, str]) -> str:
    return f"{originals[label[0]][0]} ({label[1]})"
