"""Files straight from cameras and phones, ingested from a folder as a photographer would."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from PIL import Image as PILImage

from gallery.models import AnalysisStatus, Image
from gallery.services.storage import media_path
from tests.support.images import heic_with_exif

# Real commits, so the analysis queued on commit runs in-process as it does in `make demo`.
pytestmark = pytest.mark.django_db(transaction=True)


def ingest_folder(folder: Path, *extra: str) -> str:
    out = StringIO()
    args = ("folder", str(folder), "--licence", "CC BY 4.0", "--author", "Ann Example", *extra)
    call_command("ingest", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_an_iphone_heic_is_stored_upright_with_its_size(tmp_path: Path) -> None:
    # Left half red, right half blue, turned 90 degrees clockwise by its orientation: red ends on top.
    folder = tmp_path / "phone"
    folder.mkdir()
    (folder / "IMG_0001.HEIC").write_bytes(heic_with_exif(96, 64, orientation=6, model="iPhone 15"))

    output = ingest_folder(folder)

    assert "Stored 1 new photo" in output
    image = Image.objects.get()
    assert image.status == AnalysisStatus.DONE, image.analysis_error
    assert (image.format, image.width, image.height, image.orientation) == ("HEIF", 64, 96, "portrait")
    assert image.camera_model == "iPhone 15"
    assert image.file.name.endswith(".heic")
    with PILImage.open(media_path(image.preview.name)) as preview:
        pixels = np.asarray(preview.convert("RGB"))
    assert pixels.shape == (96, 64, 3)
    red, _green, blue = pixels[5, 32]
    assert red > 150 > blue  # the left half, now on top
    red, _green, blue = pixels[90, 32]
    assert blue > 150 > red
