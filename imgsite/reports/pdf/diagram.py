"""The architecture diagram, drawn from the layers the code actually has.

`layers` maps each layer's title to the names found in it (sources from the Source choices, pure
analysis modules, services, Celery tasks, views and commands); a module added to the code appears
in the next report without anyone editing a drawing.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from imgsite.reports.pdf.layout import INK, MUTED

# Left to right: where photos come from, the pure code that reads pixels, the services that write
# and read the database, and the two ways work reaches them: background tasks and web requests.
LAYER_COLOURS = ("#e3eef9", "#e6f4e6", "#fdf1dc", "#f3e6f4", "#f3e6f4")
MAX_NAMES = 22


def draw_architecture(axes: Axes, layers: dict[str, list[str]]) -> None:
    axes.set_xlim(0, 100)
    axes.set_ylim(0, 60)
    axes.set_axis_off()
    # The two right-hand boxes share the height in proportion to the lines they list.
    tasks = min(len(layers.get("Tasks (Celery)", [])), MAX_NAMES)
    views = min(len(layers.get("Views and commands", [])), MAX_NAMES)
    tasks_height = max(14.0, min(40.0, 54 * (tasks + 2) / (tasks + views + 4)))
    boxes = {
        "Sources": (1, 2, 15, 56),
        "Analysis (pure)": (19, 2, 24, 56),
        "Services and selectors": (46, 2, 19, 56),
        "Tasks (Celery)": (71, 58 - tasks_height, 28, tasks_height),
        "Views and commands": (71, 2, 28, 54 - tasks_height),
    }
    for (title, (x, y, width, height)), colour in zip(boxes.items(), LAYER_COLOURS, strict=True):
        _box(axes, x, y, width, height, title, layers.get(title, []), colour)
    _arrow(axes, (16.3, 30), (18.7, 30), "files")
    _arrow(axes, (43.3, 30), (45.7, 30), "features")
    _arrow(axes, (70.7, 58 - tasks_height / 2), (65.3, 36), "ids in")
    _arrow(axes, (70.7, (56 - tasks_height) / 2), (65.3, 24), "calls")


def _box(
    axes: Axes, x: float, y: float, width: float, height: float, title: str, names: list[str], colour: str
) -> None:
    axes.add_patch(
        FancyBboxPatch(
            (x, y),
            width,
            height,
            boxstyle="round,pad=0.3,rounding_size=1.2",
            facecolor=colour,
            edgecolor="#8899aa",
            linewidth=0.8,
        )
    )
    axes.text(
        x + width / 2,
        y + height - 2.5,
        title,
        ha="center",
        va="top",
        fontsize=7,
        fontweight="bold",
        color=INK,
    )
    shown = names[:MAX_NAMES]
    if len(names) > MAX_NAMES:
        shown = [*shown[: MAX_NAMES - 1], f"… and {len(names) - MAX_NAMES + 1} more"]
    spacing = min(3.4, (height - 8) / max(len(shown), 1))
    for number, name in enumerate(shown):
        axes.text(
            x + 1.2, y + height - 7.5 - number * spacing, name, ha="left", va="top", fontsize=6, color=INK
        )
    if not names:
        axes.text(x + width / 2, y + height / 2, "(none found)", ha="center", fontsize=6, color=MUTED)


def _arrow(axes: Axes, start: tuple[float, float], end: tuple[float, float], label: str) -> None:
    axes.add_patch(
        FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=9, color="#445566", linewidth=1.0)
    )
    middle = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 1.6)
    axes.text(*middle, label, ha="center", va="bottom", fontsize=5.5, color=MUTED)
