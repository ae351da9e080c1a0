"""Charts of one user's taste profile (the dict from `profiles.taste.build_profile`), as SVG."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.ticker import MaxNLocator

from profiles.charts.base import (
    ACCENT,
    INK,
    MUTED,
    empty_chart,
    hide_value_axis,
    label_bars,
    new_figure,
    to_svg,
)

WIDTH = 5.2  # inches; narrow enough that labels stay legible when a phone scales the SVG down
NO_DATA = "Nothing here yet: like a few photos and this chart fills in."


def colour_swatches(profile: dict[str, Any]) -> str:
    """One bar per favourite colour, painted in that colour, labelled with its name, hex and share."""
    colours = profile.get("colours") or []
    if not colours:
        return empty_chart(NO_DATA)
    colours = list(reversed(colours))  # largest at the top
    return _share_bars(
        [f"{c['name']}  {c['hex']}" for c in colours],
        [float(c["share"]) for c in colours],
        height=0.5 * len(colours) + 0.9,
        style={"color": [c["hex"] for c in colours], "edgecolor": INK, "linewidth": 0.5},
        xlabel="Share of the liked photos",
        title="Favourite colours",
    )


def orientation_bars(profile: dict[str, Any]) -> str:
    return _versus_collection(profile.get("orientation") or {}, "Orientation")


def size_class_bars(profile: dict[str, Any]) -> str:
    return _versus_collection(profile.get("size_class") or {}, "Size class")


def top_tags(profile: dict[str, Any]) -> str:
    tags = profile.get("tags") or []
    if not tags:
        return empty_chart("No tags yet: the liked photos have no distinctive tags.")
    tags = list(reversed(tags[:10]))
    return _share_bars(
        [t["tag"] for t in tags],
        [float(t["share"]) for t in tags],
        height=0.32 * len(tags) + 1.0,
        style={"color": ACCENT},
        xlabel="Share (TF-IDF weighted)",
        title="Top tags",
    )


def _share_bars(
    labels: list[str], shares: list[float], *, height: float, style: dict[str, Any], xlabel: str, title: str
) -> str:
    """Horizontal bars of shares, each labelled with its percentage at its end."""
    figure, axes = new_figure(WIDTH, height)
    bars = axes.barh(labels, shares, **style)
    label_bars(axes, bars, [f"{s:.0%}" for s in shares])
    axes.set_xlim(0, max(shares) * 1.25)
    hide_value_axis(axes, xlabel)
    axes.set_title(title)
    return to_svg(figure)


def likes_over_time(profile: dict[str, Any]) -> str:
    """Likes per day, week or month (whichever suits the span) as bars, and the running total."""
    days = profile.get("likes_over_time") or []
    if not days:
        return empty_chart(NO_DATA)
    per_day = pd.Series(
        [int(count) for _, count in days], index=pd.DatetimeIndex([day for day, _ in days]), dtype=int
    )
    period = time_period(per_day.index.min(), per_day.index.max())
    counts = per_day.resample(period.rule, label="left", closed="left").sum()
    counts = counts[counts > 0]
    starts = date2num(pd.DatetimeIndex(counts.index).to_pydatetime())  # matplotlib dates: days as floats
    figure, axes = new_figure(WIDTH, 3.2)
    axes.bar(starts, counts.to_numpy(), color=MUTED, width=period.bar_days, align="edge")
    axes.set_ylabel(f"Likes per {period.name}")
    total_axes = axes.twinx()
    total_axes.plot(
        starts + period.bar_days / 2,
        counts.cumsum().to_numpy(),
        color=ACCENT,
        marker="o",
        markersize=4,
        label="Total likes",
    )
    total_axes.set_ylabel("Total likes")
    total_axes.set_ylim(bottom=0)
    total_axes.spines["right"].set_visible(True)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    total_axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    _frame_dates(axes, float(starts.min()), float(starts.max()), period)
    axes.set_title("Likes over time")
    return to_svg(figure)


@dataclass(frozen=True)
class TimePeriod:
    name: str  # "day", "week" or "month", as the axis says it
    rule: str  # the pandas resample rule
    bar_days: float  # bar width on the date axis


def time_period(first: pd.Timestamp, last: pd.Timestamp) -> TimePeriod:
    """Days for up to two months of likes, weeks for up to two years, months beyond: 3 to 100 bars."""
    span = (last - first).days
    if span <= 62:
        return TimePeriod("day", "D", 0.8)
    if span <= 730:
        return TimePeriod("week", "W-MON", 5.6)
    return TimePeriod("month", "MS", 24.0)


def _frame_dates(axes: Axes, first: float, last: float, period: TimePeriod) -> None:
    """At least a week on the axis, so one day of likes is a bar, not a block; a few concise labels."""
    pad = max(period.bar_days, 3.0)
    axes.set_xlim(first - pad, last + period.bar_days + pad)
    locator = AutoDateLocator(minticks=3, maxticks=6)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def interests(profile: dict[str, Any]) -> str:
    """Interest clusters as bars of their share, painted with each interest's strongest colour."""
    found = profile.get("interests") or []
    if not found:
        return empty_chart(NO_DATA)
    found = list(reversed(found))
    figure, axes = new_figure(WIDTH, 0.55 * len(found) + 1.0)
    shares = [float(i["share"]) for i in found]
    colours = [(i.get("colours") or [ACCENT])[0] for i in found]
    bars = axes.barh([i["label"] for i in found], shares, color=colours, edgecolor=INK, linewidth=0.5)
    # Only the share at the bar's end: the interest cards beside the chart give the photo counts.
    label_bars(axes, bars, [f"{s:.0%}" for s in shares])
    axes.set_xlim(0, max(shares) * 1.25)
    hide_value_axis(axes, "Share of the likes")
    axes.set_title("Interests")
    return to_svg(figure)


def _versus_collection(distribution: dict[str, Any], what: str) -> str:
    """Side-by-side bars: the user's share per value beside the whole collection's."""
    mine: dict[str, float] = distribution.get("user") or {}
    everyone: dict[str, float] = distribution.get("collection") or {}
    if not mine:
        return empty_chart(NO_DATA)
    values = list(dict.fromkeys([*mine, *everyone]))
    positions = np.arange(len(values))
    figure, axes = new_figure(WIDTH, 3.0)
    width = 0.38
    yours = [mine.get(v, 0.0) for v in values]
    theirs = [everyone.get(v, 0.0) for v in values]
    mine_bars = axes.bar(positions - width / 2, yours, width, color=ACCENT, label="Liked photos")
    all_bars = axes.bar(positions + width / 2, theirs, width, color=MUTED, label="Whole collection")
    label_bars(axes, mine_bars, [f"{v:.0%}" for v in yours])
    label_bars(axes, all_bars, [f"{v:.0%}" for v in theirs])
    axes.set_xticks(positions, [v.capitalize() for v in values])
    axes.set_ylim(0, max([*yours, *theirs]) * 1.2)
    hide_value_axis(axes, "", axis="y")
    axes.legend(frameon=False)
    axes.set_title(f"{what}: liked photos and the collection")
    return to_svg(figure)


# Chart name in URLs -> (title, renderer). The dashboard shows them in this order.
USER_CHARTS: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "colours": ("Favourite colours", colour_swatches),
    "interests": ("Interests", interests),
    "orientation": ("Orientation", orientation_bars),
    "size_class": ("Size class", size_class_bars),
    "tags": ("Top tags", top_tags),
    "likes": ("Likes over time", likes_over_time),
}
