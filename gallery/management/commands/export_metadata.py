"""`manage.py export_metadata out.json`: every image's metadata, colours and tags as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gallery.models import Image
from gallery.services.export import image_metadata
from gallery.services.storage import write_file_atomically


class Command(BaseCommand):
    help = "Write every image's metadata, colours and tags to a JSON file ('-' for standard output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="Path of the JSON file to write, or - for standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        records = image_metadata(Image.objects.all())
        text = json.dumps(records, indent=2, ensure_ascii=False)
        if options["output"] == "-":
            sys.stdout.write(text + "\n")
            return
        write_file_atomically(Path(options["output"]), text.encode("utf-8"))
        self.stdout.write(f"Wrote {len(records)} images to {options['output']}.")
