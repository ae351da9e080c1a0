"""`manage.py export_metadata out.json`: every image's metadata, colours and tags as JSON."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gallery.models import Image
from gallery.services.export import image_metadata


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
        write_atomically(Path(options["output"]), text)
        self.stdout.write(f"Wrote {len(records)} images to {options['output']}.")


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temp, path)
