"""Shared drawing helpers. Figures are built with matplotlib.figure.Figure directly, never pyplot,
so charts can render in parallel threads without sharing pyplot's global current figure."""

from __future__ import annotations

import colorsys
import io

import matplotlib
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from gallery.analysis.palette import hex_to_rgb

# No GUI: the web and worker processes only ever write files.
matplotlib.use("Agg")

# Set once at import, never changed afterwards: text stays text in the SVG (smaller, selectable,
# readable by screen readers), and ids are stable so the same data gives the same SVG.
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["svg.hashsalt"] = "imgsite"
# Every label here is plain text, and many come from data (camera names, tags, colour names): a
# camera called "$\foo$" must be drawn as written, not parsed as mathtext, which fails and takes the
# chart down. One switch covers every Text matplotlib makes: titles, tick labels, bar labels, legends.
matplotlib.rcParams["text.parse_math"] = False
# Sized for phones: a chart about 5.5 inches wide shown 340 px wide keeps 13 pt text at about 11 px.
matplotlib.rcParams["font.size"] = 13
matplotlib.rcParams["axes.titlesize"] = 14
matplotlib.rcParams["legend.fontsize"] = 12
matplotlib.rcParams["axes.spines.top"] = False
matplotlib.rcParams["axes.spines.right"] = False

ACCENT = "#3b6ea8"
MUTED = "#b8c2cc"
INK = "#222222"


def new_figure(width: float = 5.6, height: float = 3.2) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.add_subplot()


def to_svg(figure: Figure) -> str:
    """The figure as SVG text. Marks given a URL (`artist.set_url`) open it in the whole window
    (matplotlib writes a new tab), since the page embeds a linked chart as a document of its own."""
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue().replace(' target="_blank"', ' target="_top"')


def empty_chart(message: str, width: float = 5.2, height: float = 1.6) -> str:
    """A small chart that says there is nothing to show yet, instead of empty axes."""
    figure, axes = new_figure(width, height)
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", color="#666666", fontsize=13, wrap=True)
    return to_svg(figure)


def hue_saturation_value(hex_colour: str) -> tuple[float, float, float]:
    """Hue in degrees 0-360, saturation and value (brightness) 0-1."""
    red, green, blue = (channel / 255 for channel in hex_to_rgb(hex_colour))
    hue, saturation, value = colorsys.rgb_to_hsv(red, green, blue)
    return hue * 360, saturation, value


def hide_value_axis(axes: Axes, label: str, *, axis: str = "x") -> None:
    """Drop the ticks of an axis whose values are written on the bars (an axis running to 125% says
    nothing a bar label does not); keep its label, if any, to say what the values are."""
    if axis == "x":
        axes.set_xticks([])
        axes.spines["bottom"].set_visible(False)
        axes.set_xlabel(label)
    else:
        axes.set_yticks([])
        axes.spines["left"].set_visible(False)
        axes.set_ylabel(label)


def label_bars(axes: Axes, bars: BarContainer, labels: list[str]) -> None:
    """Write each bar's value at its end, so shares can be read without gridlines."""
    axes.bar_label(bars, labels=labels, padding=3, fontsize=12)
