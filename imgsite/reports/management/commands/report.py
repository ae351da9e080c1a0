"""manage.py report out.pdf: the collection's four-page report, built from the live database."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gallery.services.storage import write_file_atomically
from imgsite.reports.services import build_collection_report


class Command(BaseCommand):
    help = "Write the collection report (4 pages: data, preferences, models and their metrics) as a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", type=Path, help="Where to write the PDF, e.g. report.pdf.")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        if output.suffix.lower() != ".pdf":
            raise CommandError(f"The report is a PDF: name it something.pdf, not {output.name!r}.")
        started = time.perf_counter()
        pdf = build_collection_report()
        write_file_atomically(output, pdf)
        self.stdout.write(
            f"Report written to {output} ({len(pdf) / 1000:.0f} KB) in {time.perf_counter() - started:.1f} s."
        )
