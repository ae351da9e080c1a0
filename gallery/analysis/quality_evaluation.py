"""How well the quality measures find known flaws: degraded copies of good photos, judged beside them.

For each original photo, `degrade.degraded_copies` makes one copy per degradation (dark, bright, motion
blur, defocus, JPEG at quality 5 to 10, sensor noise). Every original and copy is judged by
`quality.assess_picture` exactly as the analysis judges an upload, and for each degradation we count:

- detection rate: the share of its copies flagged with the problem it should cause;
- false alarms: the share of originals flagged with that same problem;
- original above copy: the share of (original, copy) pairs in which the original scores higher.

Targets, from the issue: detection >= 90%, false alarms <= 10%, original above copy >= 95%.
Pure: it takes pictures, returns plain numbers, and draws a chart as bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from gallery.analysis import degrade, quality
from gallery.analysis.result import QualityReport

DETECTION_TARGET: Final = 0.90
FALSE_ALARM_LIMIT: Final = 0.10
ORIGINAL_ABOVE_TARGET: Final = 0.95


@dataclass(frozen=True)
class Original:
    """One good photo, decoded: `picture` upright RGB, the file's size, and its JPEG grid in `picture`."""

    label: str
    picture: Image.Image
    width: int
    height: int
    block_period: int = quality.JPEG_BLOCK


@dataclass
class DegradationRow:
    degradation: str
    problem: str
    copies: int = 0
    detected: int = 0
    original_above: int = 0
    false_alarms: int = 0  # originals flagged with `problem`

    def detection_rate(self) -> float:
        return self.detected / self.copies if self.copies else 0.0

    def original_above_rate(self) -> float:
        return self.original_above / self.copies if self.copies else 0.0

    def false_alarm_rate(self, originals: int) -> float:
        return self.false_alarms / originals if originals else 0.0

    def meets_targets(self, originals: int) -> bool:
        return (
            self.detection_rate() >= DETECTION_TARGET
            and self.false_alarm_rate(originals) <= FALSE_ALARM_LIMIT
            and self.original_above_rate() >= ORIGINAL_ABOVE_TARGET
        )


@dataclass
class DegradationReport:
    originals: int = 0
    rows: dict[str, DegradationRow] = field(default_factory=dict)
    original_problems: dict[str, int] = field(default_factory=dict)  # every problem found on originals

    @property
    def meets_targets(self) -> bool:
        return bool(self.rows) and all(row.meets_targets(self.originals) for row in self.rows.values())


def judge_picture(picture: Image.Image, *, width: int, height: int, block_period: int) -> QualityReport:
    """Judge an in-memory picture as the pipeline judges a decoded file."""
    thumbnail = quality.grid_thumbnail(picture)
    return quality.assess_picture(
        picture, thumbnail=thumbnail, width=width, height=height, block_period=block_period
    )


def evaluate_degradations(originals: Iterable[Original], *, seed: int = 0) -> DegradationReport:
    """Judge each original and its degraded copies; the same originals and seed give the same report."""
    report = DegradationReport(
        rows={name: DegradationRow(name, problem) for name, (problem, _) in degrade.DEGRADATIONS.items()}
    )
    for index, original in enumerate(originals):
        judged = judge_picture(
            original.picture, width=original.width, height=original.height, block_period=original.block_period
        )
        _count_original(report, judged)
        for name, copy in degrade.degraded_copies(original.picture, seed=seed + index).items():
            # A copy is a new file at the picture's own size: its JPEG grid, if any, is on its pixels.
            copy_judged = judge_picture(
                copy, width=original.width, height=original.height, block_period=quality.JPEG_BLOCK
            )
            row = report.rows[name]
            row.copies += 1
            row.detected += row.problem in copy_judged.problems
            row.original_above += judged.score > copy_judged.score
    return report


def _count_original(report: DegradationReport, judged: QualityReport) -> None:
    report.originals += 1
    for problem in judged.problems:
        report.original_problems[problem] = report.original_problems.get(problem, 0) + 1
    for row in report.rows.values():
        row.false_alarms += row.problem in judged.problems


def degradation_table(report: DegradationReport) -> list[str]:
    """The report as aligned text lines, one per degradation, each marked against the targets."""
    lines = [
        f"{'degradation':<12} {'problem':<15} {'copies':>6} {'detected':>9} {'false alarms':>13} "
        f"{'original above':>15}  targets"
    ]
    for row in report.rows.values():
        verdict = "met" if row.meets_targets(report.originals) else "MISSED"
        lines.append(
            f"{row.degradation:<12} {row.problem:<15} {row.copies:>6} {row.detection_rate():>9.1%} "
            f"{row.false_alarm_rate(report.originals):>13.1%} {row.original_above_rate():>15.1%}  {verdict}"
        )
    return lines


def degradation_chart(report: DegradationReport, *, image_format: str = "svg") -> bytes:
    """Detection, false-alarm and ordering rates per degradation as grouped bars, SVG or PNG bytes."""
    figure = Figure(figsize=(8.0, 4.0))
    FigureCanvasAgg(figure)  # the Agg canvas on this figure only: no pyplot, no global backend switch
    axes = figure.subplots()
    rows = list(report.rows.values())
    series = [
        ("detected", [row.detection_rate() for row in rows], DETECTION_TARGET),
        ("false alarms", [row.false_alarm_rate(report.originals) for row in rows], FALSE_ALARM_LIMIT),
        ("original above copy", [row.original_above_rate() for row in rows], ORIGINAL_ABOVE_TARGET),
    ]
    width = 0.27
    for offset, (label, values, target) in enumerate(series):
        positions = [i + (offset - 1) * width for i in range(len(rows))]
        bars = axes.bar(positions, values, width, label=f"{label} (target {target:.0%})")
        axes.hlines(
            target, -0.5, len(rows) - 0.5, colors=bars.patches[0].get_facecolor(), linestyles="dotted"
        )
    axes.set_xticks(range(len(rows)), [row.degradation for row in rows])
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("share")
    axes.set_title(f"Quality measures on degraded copies of {report.originals} photos")
    axes.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3, frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=image_format)
    return buffer.getvalue()
