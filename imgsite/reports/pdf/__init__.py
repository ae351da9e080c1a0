"""The collection report as a PDF, drawn with matplotlib's PDF backend from plain data. No Django.

matplotlib rather than a layout library: the report is mostly charts and a diagram, which
matplotlib draws anyway, and it adds no dependency. Fonts are embedded as TrueType (Type 42), so
the text is selectable and searchable and reads back with any PDF text extractor.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable

import matplotlib
from matplotlib.backends.backend_pdf import FigureCanvasPdf, PdfPages
from matplotlib.figure import Figure

# The shared chart settings (no GUI backend, data labels never parsed as mathtext) come with this.
import profiles.charts.base  # noqa: F401
from imgsite.reports.content import ReportData
from imgsite.reports.pdf.layout import Column, footer
from imgsite.reports.pdf.pages import closing_page, models_page, preferences_page, title_page

# Embed TrueType subsets: Type 3 fonts (the default) are harder to select and search.
matplotlib.rcParams["pdf.fonttype"] = 42

PAGES = 4

logger = logging.getLogger(__name__)

# fontTools logs every table it prunes while subsetting the embedded fonts, at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class ReportOverflow(ValueError):
    """Something did not fit on its page; raised only when asked to be strict (the tests are)."""


def render_report(data: ReportData, *, started: float | None = None, strict: bool = False) -> bytes:
    """The four pages as PDF bytes. `started` (a perf_counter value) dates the closing note's timing."""
    began = time.perf_counter() if started is None else started
    builders: list[Callable[[], tuple[Figure, list[Column]]]] = [
        lambda: title_page(data),
        lambda: preferences_page(data),
        lambda: models_page(data),
        lambda: closing_page(data, build_seconds=time.perf_counter() - began),
    ]
    buffer = io.BytesIO()
    cut: list[str] = []
    metadata = {
        "Title": "imgsite: the collection report",
        "Author": "imgsite",
        "Subject": "Collection report",
    }
    with PdfPages(buffer, metadata=metadata) as pdf:
        for number, build in enumerate(builders, start=1):
            figure, columns = build()
            footer(
                figure, f"imgsite collection report, {data.generated_at:%Y-%m-%d %H:%M} UTC", number, PAGES
            )
            cut += [line for column in columns for line in column.overflow]
            FigureCanvasPdf(figure)
            pdf.savefig(figure)
    if cut:
        message = f"{len(cut)} item(s) did not fit on their page, starting with {cut[0]!r}"
        if strict:
            raise ReportOverflow(message)
        logger.warning("Collection report: %s", message)  # the PDF is still worth having
    return buffer.getvalue()
