"""A small page-layout engine on a matplotlib Figure: headings, wrapped paragraphs, tables and chart
slots placed top to bottom in a column, measured in inches.

Lines are wrapped by measuring each word with the font's real metrics (`text_to_path`), so text
never runs past the column. What does not fit above the bottom margin is dropped and remembered in
`Column.overflow`, so a test can assert that nothing was cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import text_to_path

PAGE_WIDTH = 8.27  # A4, inches
PAGE_HEIGHT = 11.69
MARGIN = 0.6
LINE_SPACING = 1.3
POINTS_PER_INCH = 72.0

INK = "#222222"
MUTED = "#666666"
RULE = "#c8d0d8"
HEADER_FILL = "#e8eef4"

BODY_SIZE = 8.5
MIN_AXES_HEIGHT = 0.8  # inches: a chart slot smaller than this is left out as overflow
MEASURE_SIZE = 100.0  # characters are measured at this size and scaled
SMALL_SIZE = 7.2


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width of `text` in inches at `size` points: the sum of its characters' advances.

    Measuring whole strings costs milliseconds each (thousands per report); characters are measured
    once. Kerning is left out, and it only ever tightens a pair, so a line measured here never comes
    out narrower than it prints.
    """
    return sum(_char_width(char, bold) for char in text) * size / POINTS_PER_INCH


@cache
def _char_width(char: str, bold: bool) -> float:
    """Advance of one character at 1 pt, in points."""
    prop = FontProperties(size=MEASURE_SIZE, weight="bold" if bold else "normal")
    # A character between two bars, minus the bars: keeps the advance of spaces and narrow glyphs.
    with_bars, _, _ = text_to_path.get_text_width_height_descent(f"|{char}|", prop, ismath=False)
    bars, _, _ = text_to_path.get_text_width_height_descent("||", prop, ismath=False)
    return float(with_bars - bars) / MEASURE_SIZE


def wrap(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """Greedy word wrap to `width` inches; a word longer than a line is cut to fit."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold=bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = _fit_word(word, width, size, bold=bold)
        lines.append(line)
    return lines


def _fit_word(word: str, width: float, size: float, *, bold: bool) -> str:
    while len(word) > 1 and text_width(word, size, bold=bold) > width:
        word = word[:-2] + "…"
    return word


@dataclass
class Column:
    """A vertical strip of a page that content is stacked into, from `top` down to `bottom` (inches)."""

    figure: Figure
    left: float
    width: float
    top: float = MARGIN
    bottom: float = PAGE_HEIGHT - MARGIN
    y: float = field(init=False)
    overflow: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.y = self.top

    @property
    def remaining(self) -> float:
        return self.bottom - self.y

    def _fits(self, height: float, what: str) -> bool:
        if self.y + height <= self.bottom + 1e-6:
            return True
        self.overflow.append(what)
        return False

    def _text(self, x: float, y: float, text: str, size: float, **style: Any) -> None:
        # Figure coordinates run from the bottom left; the column counts inches from the top.
        style.setdefault("color", INK)
        self.figure.text(x / PAGE_WIDTH, 1 - y / PAGE_HEIGHT, text, fontsize=size, va="baseline", **style)

    def space(self, inches: float) -> None:
        self.y = min(self.y + inches, self.bottom)

    def heading(self, text: str, *, size: float = 11.5) -> None:
        height = size * LINE_SPACING / POINTS_PER_INCH
        if not self._fits(height + 0.25, text):
            return
        self.space(0.06)
        self.y += size / POINTS_PER_INCH
        self._text(self.left, self.y, text, size, fontweight="bold")
        self.y += (LINE_SPACING - 1) * size / POINTS_PER_INCH + 0.04

    def paragraph(
        self, text: str, *, size: float = BODY_SIZE, bold: bool = False, colour: str = INK, indent: float = 0
    ) -> None:
        step = size * LINE_SPACING / POINTS_PER_INCH
        for line in wrap(text, self.width - indent, size, bold=bold):
            if not self._fits(step, line):
                return
            self.y += step
            self._text(
                self.left + indent,
                self.y - 0.25 * step,
                line,
                size,
                fontweight="bold" if bold else "normal",
                color=colour,
            )
        self.y += 0.35 * step

    def bullets(self, items: Sequence[str], *, size: float = BODY_SIZE) -> None:
        step = size * LINE_SPACING / POINTS_PER_INCH
        indent = 0.14
        for item in items:
            lines = wrap(item, self.width - indent, size)
            if not self._fits(step * len(lines), lines[0] if lines else item):
                return
            for number, line in enumerate(lines):
                self.y += step
                if number == 0:
                    self._text(self.left + 0.02, self.y - 0.25 * step, "•", size)
                self._text(self.left + indent, self.y - 0.25 * step, line, size)
            self.y += 0.2 * step
        self.y += 0.15 * step

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        size: float = SMALL_SIZE,
        right_aligned: Sequence[int] = (),
    ) -> None:
        """Rows of cells; `widths` are shares of the column's width; long cells wrap within their cell."""
        step = size * LINE_SPACING / POINTS_PER_INCH
        columns = [share * self.width for share in widths]
        pad = 0.04
        for index, row in enumerate([list(header), *[list(r) for r in rows]]):
            is_header = index == 0
            cells = [
                wrap(str(cell), width - 2 * pad, size, bold=is_header)
                for cell, width in zip(row, columns, strict=True)
            ]
            height = step * max(len(lines) for lines in cells) + 0.04
            if not self._fits(height, " | ".join(row)):
                return
            if is_header:
                self.figure.add_artist(self._band(height, HEADER_FILL))
            x = self.left
            for column, (lines, width) in enumerate(zip(cells, columns, strict=True)):
                for number, line in enumerate(lines):
                    baseline = self.y + step * (number + 1) - 0.2 * step + 0.02
                    if column in right_aligned:
                        self._text(
                            x + width - pad,
                            baseline,
                            line,
                            size,
                            ha="right",
                            fontweight="bold" if is_header else "normal",
                        )
                    else:
                        self._text(
                            x + pad, baseline, line, size, fontweight="bold" if is_header else "normal"
                        )
                x += width
            self.y += height
            self.figure.add_artist(self._rule())
        self.y += 0.08

    def _band(self, height: float, colour: str) -> Rectangle:
        return Rectangle(
            (self.left / PAGE_WIDTH, 1 - (self.y + height) / PAGE_HEIGHT),
            self.width / PAGE_WIDTH,
            height / PAGE_HEIGHT,
            transform=self.figure.transFigure,
            facecolor=colour,
            edgecolor="none",
            zorder=-1,
        )

    def _rule(self) -> Rectangle:
        return Rectangle(
            (self.left / PAGE_WIDTH, 1 - self.y / PAGE_HEIGHT),
            self.width / PAGE_WIDTH,
            0.004 / PAGE_HEIGHT,
            transform=self.figure.transFigure,
            facecolor=RULE,
            edgecolor=RULE,
            linewidth=0.4,
        )

    def axes(
        self, height: float, *, what: str, left_pad: float = 0.0, bottom_pad: float = 0.0
    ) -> Axes | None:
        """A chart slot of `height` inches across the column; pads leave room for tick labels."""
        if height < MIN_AXES_HEIGHT:  # what is left of the column is too small to draw a chart in
            self.overflow.append(what)
            return None
        if not self._fits(height, what):
            return None
        rect = (
            (self.left + left_pad) / PAGE_WIDTH,
            1 - (self.y + height - bottom_pad) / PAGE_HEIGHT,
            (self.width - left_pad) / PAGE_WIDTH,
            (height - bottom_pad - 0.2) / PAGE_HEIGHT,
        )
        self.y += height
        return self.figure.add_axes(rect)


def new_page() -> Figure:
    return Figure(figsize=(PAGE_WIDTH, PAGE_HEIGHT))


def columns(figure: Figure, count: int, *, top: float = MARGIN, gap: float = 0.3) -> list[Column]:
    """`count` side-by-side columns between the margins, starting `top` inches from the top."""
    width = (PAGE_WIDTH - 2 * MARGIN - gap * (count - 1)) / count
    return [Column(figure, MARGIN + index * (width + gap), width, top=top) for index in range(count)]


def footer(figure: Figure, text: str, page: int, pages: int) -> None:
    y = 1 - (PAGE_HEIGHT - MARGIN / 2) / PAGE_HEIGHT
    figure.text(MARGIN / PAGE_WIDTH, y, text, fontsize=6.5, color=MUTED)
    figure.text(1 - MARGIN / PAGE_WIDTH, y, f"page {page} of {pages}", fontsize=6.5, color=MUTED, ha="right")
