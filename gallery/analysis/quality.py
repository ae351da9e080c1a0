"""Judge a photo like an editor: each aspect of its technical quality measured from pixels, with reasons.

Every measure but two is taken on one greyscale working copy whose long edge is at most
``WORKING_LONG_EDGE`` (480) px: the grid thumbnail the analysis already has, so the original's size
does not decide the verdict (a 24 MP photo is not "sharper" than a 2 MP one for having more pixels).
JPEG blockiness is measured on the decoded picture, where the 8x8 grid of the file still lies on whole
pixels, and resolution comes from the original's pixel size.

Aspects (names are stored and exported; the thresholds are in ``ASPECTS``):

- ``out_of_focus``: fine detail relative to coarse detail, ``E1 / E4`` where ``Ek`` is the mean squared
  difference between pixels ``k`` apart. A sharp natural photo keeps about a third of its coarse
  contrast at one pixel; a smooth (blurred) one tends to 1/16. The ratio is taken per 32 px tile in its
  sharpest direction (from the tile's 2x2 gradient tensors at both distances), and the photo's value is
  the 90th percentile over textured tiles, so a portrait with a soft background is judged by its sharp
  subject and a low-contrast photo is not "soft" for being low in contrast;
- ``motion_blur``: camera shake smears detail along one direction everywhere in the frame, so each
  tile's softest direction (where fine detail is lowest relative to coarse) points the same way; the
  value is how strongly the tiles agree, 0 (no common direction) to 1 (see ``focus_values``);
- ``too_dark``: the brightest tones (99th percentile of luminance): an underexposed photo has no light
  tones at all, while a night scene with lights or a low-key portrait still has some;
- ``too_bright``: the darkest tones (1st percentile): a washed-out photo has no dark tones at all;
- ``clipped_highlights`` / ``clipped_shadows``: the share of the frame that is pure white / pure black;
- ``noisy``: the noise level in 8-bit steps, by Immerkær's estimator (a 3x3 second-difference mask that
  ignores flat and linear shading) on 32 px tiles, at the 10th percentile of unclipped tiles, so
  texture does not count as noise;
- ``jpeg_artefacts``: blockiness, the mean jump across the 8x8 JPEG grid divided by the mean jump
  elsewhere (1.0 for a clean photo). Not measured when the file was decoded at 1/8 scale, where each
  block is one pixel and any blockiness is invisible at the sizes the site shows;
- ``low_resolution``: the original's long edge in pixels.

Each aspect has a ``good`` value and a ``threshold``. With ``x`` how many times the distance from ``good``
to the threshold the value lies beyond ``good``, its severity is ``x^2 / 2`` up to the threshold and
``1 - 0.5^x`` past it: 0 at ``good`` or better, 0.125 halfway, 0.5 at the threshold, 0.75 at twice the
distance, and so on towards 1, so slight flaws cost little and a worse flaw always costs more.
An aspect is a problem when its severity reaches 0.5. The overall score is
``100 x prod(1 - weight x severity)`` over the aspects, rounded: a photo with no flaw scores 100, and one
problem just at its threshold costs ``weight / 2`` of what is left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image

from gallery.analysis import thumbnails
from gallery.analysis.result import PROBLEM_SEVERITY, AspectVerdict, QualityReport

# Minimum scores the gallery can filter by ("hide low quality"), and the home page's "best of" bar.
QUALITY_LEVELS: Final = {"good": 50, "best": 85}
QUALITY_LEVEL_LABELS: Final = {"good": "Good or better (50+)", "best": "The best (85+)"}

FloatArray = npt.NDArray[np.float32]

# The grid thumbnail's size: the analysis has that copy already, so the working copy costs nothing.
WORKING_LONG_EDGE: Final = thumbnails.THUMBNAIL_LONG_EDGE
TILE: Final = 32
# A tile counts as textured when pixels 4 apart differ by at least this much (RMS, 0..1 scale).
TEXTURE_MIN_RMS: Final = 0.02
# Tiles this dark or light on average are clipped, and show no noise.
UNCLIPPED_RANGE: Final = (0.04, 0.96)
CLIPPED_DARK: Final = 3  # 8-bit levels at or below which a pixel is pure black
CLIPPED_LIGHT: Final = 252  # and at or above which it is pure white
BLOCK_SAMPLE: Final = 256  # px square from the centre in which JPEG blockiness is measured
JPEG_BLOCK: Final = 8
# Directional agreement counts fully as motion blur only when sharpness is at or below this.
MOTION_DETAIL_DISCOUNT: Final = 0.4
_FAR: Final = 4


@dataclass(frozen=True)
class AspectRule:
    """How one aspect is judged. `higher_is_worse` says which side of `good` the problem lies."""

    name: str
    label: str
    good: float
    threshold: float
    weight: float
    higher_is_worse: bool

    def severity(self, value: float) -> float:
        steps = max(0.0, (value - self.good) / (self.threshold - self.good))
        # Below the threshold a flaw grows slowly (a hint of grain is nearly free); past it, towards 1.
        return 0.5 * steps * steps if steps < 1 else 1.0 - 0.5**steps


ASPECTS: Final = {
    rule.name: rule
    for rule in (
        AspectRule(
            "out_of_focus", "Out of focus", good=0.36, threshold=0.20, weight=0.85, higher_is_worse=False
        ),
        AspectRule(
            "motion_blur", "Motion blur", good=0.06, threshold=0.18, weight=0.85, higher_is_worse=True
        ),
        AspectRule("too_dark", "Too dark", good=0.75, threshold=0.45, weight=0.80, higher_is_worse=False),
        AspectRule("too_bright", "Too bright", good=0.15, threshold=0.35, weight=0.80, higher_is_worse=True),
        AspectRule(
            "clipped_highlights",
            "Clipped highlights",
            good=0.0,
            threshold=0.10,
            weight=0.25,
            higher_is_worse=True,
        ),
        AspectRule(
            "clipped_shadows", "Clipped shadows", good=0.0, threshold=0.20, weight=0.20, higher_is_worse=True
        ),
        AspectRule("noisy", "Noisy", good=0.8, threshold=2.5, weight=0.70, higher_is_worse=True),
        AspectRule(
            "jpeg_artefacts", "JPEG artefacts", good=1.10, threshold=1.50, weight=0.60, higher_is_worse=True
        ),
        AspectRule(
            "low_resolution", "Low resolution", good=1280, threshold=640, weight=0.40, higher_is_worse=False
        ),
    )
}


def assess_picture(
    picture: Image.Image, *, thumbnail: Image.Image, width: int, height: int, block_period: int = JPEG_BLOCK
) -> QualityReport:
    """The quality of a photo from its decoded `picture`, its grid `thumbnail` (see `grid_thumbnail`), the
    original's `width` x `height`, and where the JPEG grid lies in `picture`."""
    grey = working_grey(thumbnail)
    values = {
        **focus_values(grey),
        **exposure_values(grey),
        "noisy": noise_level(grey),
        "jpeg_artefacts": blockiness(centre_grey(picture), period=block_period),
        "low_resolution": float(max(width, height)),
    }
    return judge(values)


def grid_thumbnail(picture: Image.Image) -> Image.Image:
    """The grid thumbnail exactly as the pipeline makes it (through the preview), for callers that have
    only the picture."""
    return thumbnails.fit(
        thumbnails.fit(picture, thumbnails.PREVIEW_LONG_EDGE), thumbnails.THUMBNAIL_LONG_EDGE
    )


def block_period(decoded_size: tuple[int, int], width: int, height: int) -> int:
    """The JPEG grid's spacing in a picture decoded at `decoded_size` from a `width` x `height` file:
    8 px at full scale, 4 at the 1/2 draft scale, and so on."""
    return round(JPEG_BLOCK * max(decoded_size) / max(width, height, 1))


def judge(values: dict[str, float | None]) -> QualityReport:
    """Severities, reasons and the overall score from measured values (None: not measured)."""
    verdicts = []
    for name, rule in ASPECTS.items():
        value = values.get(name)
        if value is None or not math.isfinite(value):
            verdicts.append(AspectVerdict(name, None, 0.0, ""))
            continue
        severity = rule.severity(value)
        reason = describe(name, value) if severity >= PROBLEM_SEVERITY else ""
        verdicts.append(AspectVerdict(name, round(value, 4), round(severity, 4), reason))
    return QualityReport(score=overall_score(verdicts), aspects=verdicts)


@dataclass(frozen=True)
class AspectLine:
    """One aspect as the photo page lists it: what was measured, against what, and whether it failed."""

    label: str
    value: str
    threshold: str
    problem: bool


def breakdown(values: dict[str, float | None]) -> list[AspectLine]:
    """Every aspect of a stored photo's quality, measured value beside its threshold, in display form."""
    lines = []
    for verdict in judge(values).aspects:
        rule = ASPECTS[verdict.name]
        shown = "not measured" if verdict.value is None else display_value(verdict.name, verdict.value)
        limit = ("above " if rule.higher_is_worse else "below ") + display_value(verdict.name, rule.threshold)
        lines.append(AspectLine(rule.label, shown, f"a problem {limit}", verdict.problem))
    return lines


def display_value(name: str, value: float) -> str:
    if name in ("too_dark", "too_bright", "clipped_highlights", "clipped_shadows"):
        return f"{value:.0%}"
    if name == "noisy":
        return f"{value:.1f} levels"
    if name == "jpeg_artefacts":
        return f"{value:.2f}x"
    if name == "low_resolution":
        return f"{value:.0f} px"
    return f"{value:.2f}"


def reasons_for(values: dict[str, float | None]) -> list[str]:
    """The reasons for a stored photo's problems, judged from its stored values by today's thresholds."""
    return judge(values).reasons


def overall_score(verdicts: list[AspectVerdict]) -> int:
    kept = 1.0
    for verdict in verdicts:
        kept *= 1.0 - ASPECTS[verdict.name].weight * verdict.severity
    return round(100 * kept)


def describe(name: str, value: float) -> str:
    """What is wrong, in a photographer's words, with the measured figure as evidence."""
    rule = ASPECTS[name]
    if name == "out_of_focus":
        share = value / rule.good
        return f"{rule.label}: fine detail is {share:.0%} of what a sharp photo of this size shows"
    if name == "motion_blur":
        return f"{rule.label}: detail is smeared along one direction across the frame, as by a moving camera"
    if name == "too_dark":
        return f"{rule.label}: even the brightest parts are only {value:.0%} grey; the photo is underexposed"
    if name == "too_bright":
        return f"{rule.label}: even the darkest parts are {value:.0%} grey; the photo looks washed out"
    if name == "clipped_highlights":
        return f"{rule.label}: {value:.0%} of the frame is pure white, with no detail left"
    if name == "clipped_shadows":
        return f"{rule.label}: {value:.0%} of the frame is pure black, with no detail left"
    if name == "noisy":
        return f"{rule.label}: grain of about {value:.0f} levels in 255 shows in smooth areas"
    if name == "jpeg_artefacts":
        return f"{rule.label}: 8x8 blocks show; edges between them jump {value:.1f}x more than elsewhere"
    return f"{rule.label}: {value:.0f} px on the long edge is too small to fill the photo page"


# --- Measures -------------------------------------------------------------------------------------


def working_grey(image: Image.Image) -> FloatArray:
    """Luminance 0..1 of `image` shrunk to the working size (never enlarged)."""
    # Grey first: resizing one channel costs a third of resizing three.
    return grey_array(thumbnails.fit(thumbnails.flatten(image).convert("L"), WORKING_LONG_EDGE))


def centre_grey(image: Image.Image) -> FloatArray:
    """Luminance 0..1 of the central `BLOCK_SAMPLE` px square of `image`, at its own scale."""
    left = max(0, (image.width - BLOCK_SAMPLE) // 2)
    top = max(0, (image.height - BLOCK_SAMPLE) // 2)
    box = (left, top, min(image.width, left + BLOCK_SAMPLE), min(image.height, top + BLOCK_SAMPLE))
    return grey_array(thumbnails.flatten(image.crop(box)).convert("L"))


def grey_array(image: Image.Image) -> FloatArray:
    return np.asarray(image.convert("L"), dtype=np.float32) / np.float32(255)


def _tile_sums(values: FloatArray, tile: int) -> FloatArray:
    """Per-tile sums of a 2-D array, cropped to whole tiles."""
    rows, cols = values.shape[0] // tile, values.shape[1] // tile
    cropped = values[: rows * tile, : cols * tile]
    return cropped.reshape(rows, tile, cols, tile).sum(axis=(1, 3))


def _gradient_tensors(
    grey: FloatArray, distance: int, tile: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per tile, the sums of dx^2, dy^2 and dx*dy, the differences across `distance` px.

    Both differences are taken at the centre of the same `distance`-px cell (each the mean of its two
    edges), so dx and dy share no pixel and their product has no bias towards one diagonal; and every
    distance starts from the same interior, so the tiles of different distances line up.
    """
    margin = _FAR
    height, width = grey.shape
    rows, cols = slice(margin, height - margin), slice(margin, width - margin)
    rows_on, cols_on = (
        slice(margin + distance, height - margin + distance),
        slice(margin + distance, width - margin + distance),
    )
    here, right, below, diagonal = (
        grey[rows, cols],
        grey[rows, cols_on],
        grey[rows_on, cols],
        grey[rows_on, cols_on],
    )
    dx = (right - here + diagonal - below) * np.float32(0.5)
    dy = (below - here + diagonal - right) * np.float32(0.5)
    return _tile_sums(dx * dx, tile), _tile_sums(dy * dy, tile), _tile_sums(dx * dy, tile)


def _generalised_eigenvalues(
    near: tuple[FloatArray, FloatArray, FloatArray], far: tuple[FloatArray, FloatArray, FloatArray]
) -> tuple[FloatArray, FloatArray]:
    """Smallest and largest of u'Nu / u'Fu over directions u, for 2x2 tensors N and F given as (xx, yy, xy):
    the ratio of fine to coarse detail in the softest and in the sharpest direction."""
    a1, b1, c1 = near
    a4, b4, c4 = far
    quadratic = np.maximum(a4 * b4 - c4 * c4, np.float32(1e-12))
    linear = a1 * b4 + a4 * b1 - 2 * c1 * c4
    constant = a1 * b1 - c1 * c1
    root = np.sqrt(np.maximum(linear * linear - 4 * quadratic * constant, 0))
    return (linear - root) / (2 * quadratic), (linear + root) / (2 * quadratic)


def focus_values(grey: FloatArray) -> dict[str, float | None]:
    """Sharpness and motion blur from the fine (1 px) and coarse (4 px) gradient tensors of each tile.

    Sharpness: the fine-to-coarse ratio in each tile's sharpest direction, at the 90th percentile of the
    textured tiles. Motion blur: how consistently the tiles' softest directions agree (the mean of
    ``w x e^(2i theta)`` over tiles, ``theta`` the softest direction and ``w = 1 - softest / sharpest``
    ratio), discounted when the photo still has fine detail, because content with a grain (a ploughed
    field, a facade) agrees on a direction without being blurred.
    """
    tile = min(TILE, grey.shape[0] - 2 * _FAR, grey.shape[1] - 2 * _FAR)
    if tile < 8:
        return {"out_of_focus": None, "motion_blur": None}
    near = _gradient_tensors(grey, 1, tile)
    far = _gradient_tensors(grey, _FAR, tile)
    textured = (far[0] + far[1]) >= 2 * TEXTURE_MIN_RMS**2 * tile * tile
    if not textured.any():
        return {"out_of_focus": None, "motion_blur": None}
    a1, b1, c1 = (part[textured] for part in near)
    a4, b4, c4 = (part[textured] for part in far)
    softest, sharpest = _generalised_eigenvalues((a1, b1, c1), (a4, b4, c4))
    sharpness = float(np.percentile(np.minimum(sharpest, 1.5), 90))
    # The softest direction u solves (N - softest F) u = 0; either row of that matrix gives it.
    row_x = np.stack([c1 - softest * c4, -(a1 - softest * a4)])
    row_y = np.stack([b1 - softest * b4, -(c1 - softest * c4)])
    u = np.where(np.abs(row_x).sum(axis=0) >= np.abs(row_y).sum(axis=0), row_x, row_y)
    length = np.maximum((u * u).sum(axis=0), np.float32(1e-20))
    weight = 1 - softest / np.maximum(sharpest, np.float32(1e-9))
    cos2 = (weight * (u[0] * u[0] - u[1] * u[1]) / length).mean()
    sin2 = (weight * 2 * u[0] * u[1] / length).mean()
    agreement = float(math.hypot(cos2, sin2))
    motion = agreement * min(1.0, MOTION_DETAIL_DISCOUNT / max(sharpness, 1e-6))
    return {"out_of_focus": sharpness, "motion_blur": motion}


def exposure_values(grey: FloatArray) -> dict[str, float | None]:
    levels = np.rint(grey * 255).astype(np.uint8)
    histogram = np.bincount(levels.reshape(-1), minlength=256)
    cumulative = np.cumsum(histogram) / levels.size
    darkest = int(np.searchsorted(cumulative, 0.01)) / 255
    brightest = int(np.searchsorted(cumulative, 0.99)) / 255
    return {
        "too_dark": brightest,
        "too_bright": darkest,
        "clipped_highlights": float(histogram[CLIPPED_LIGHT:].sum() / levels.size),
        "clipped_shadows": float(histogram[: CLIPPED_DARK + 1].sum() / levels.size),
    }


def noise_level(grey: FloatArray) -> float | None:
    """Noise sigma in 8-bit levels (Immerkær 1996), from the quietest unclipped tiles."""
    if min(grey.shape) < TILE + 2:
        return None
    # The mask [[1,-2,1],[-2,4,-2],[1,-2,1]] (zero on flat and linearly shaded areas) is separable.
    across = grey[:, :-2] - 2 * grey[:, 1:-1] + grey[:, 2:]
    response = np.abs(across[:-2] - 2 * across[1:-1] + across[2:])
    area = TILE * TILE
    sigma = _tile_sums(response, TILE) * np.float32(math.sqrt(math.pi / 2) / 6 / area)
    brightness = _tile_sums(grey[1:-1, 1:-1], TILE) / area
    low, high = UNCLIPPED_RANGE
    usable = sigma[(brightness > low) & (brightness < high)]
    if usable.size == 0:
        return None
    return float(np.percentile(usable, 10)) * 255


def blockiness(grey: FloatArray, *, period: int) -> float | None:
    """How much more pixels jump across a JPEG block grid of `period` px than elsewhere (1.0: no grid).

    The grid's offset is not assumed: a cropped JPEG shifts it, so the strongest offset is taken.
    """
    if period < 2 or min(grey.shape) < 4 * period:
        return None
    ratios = []
    for axis in (0, 1):
        jumps = np.abs(np.diff(grey, axis=axis)).mean(axis=1 - axis)
        usable = len(jumps) // period * period
        by_offset = jumps[:usable].reshape(-1, period).mean(axis=0)
        strongest = int(by_offset.argmax())
        others = np.delete(by_offset, strongest).mean()
        ratios.append(by_offset[strongest] / max(float(others), 1e-4))
    return float(np.mean(ratios))
