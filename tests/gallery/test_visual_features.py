"""Every analysed photo keeps its visual feature vector, and readers get it back for the embedder the
site runs now, never a vector another embedder made."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gallery.analysis.descriptor import DESCRIPTOR_LENGTH, DESCRIPTOR_VERSION, describe, to_bytes
from gallery.models import AnalysisStatus, Image
from gallery.visual_features import vectors_from_rows, visual_feature_matrix, visual_vector
from tests.factories import ingest_folder, make_image
from tests.support.images import encode
from tests.support.patterns import checkerboard, stripes

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_analysed_photo_keeps_the_descriptor_of_its_picture(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "stripes.png").write_bytes(encode(stripes((10, 10, 10), (250, 250, 250)), "PNG"))
    (folder / "checks.png").write_bytes(encode(checkerboard((10, 10, 10), (250, 250, 250)), "PNG"))

    ingest_folder(folder)

    by_title = {image.title: image for image in Image.objects.filter(status=AnalysisStatus.DONE)}
    striped, checked = by_title["stripes"], by_title["checks"]
    assert striped.visual_features_by == DESCRIPTOR_VERSION
    vector = visual_vector(striped)
    assert vector.shape == (DESCRIPTOR_LENGTH,)
    # The same picture described again (outside the site) is the stored vector, to float16 precision.
    assert float(vector @ describe(stripes((10, 10, 10), (250, 250, 250)))) == pytest.approx(1.0, abs=5e-3)
    assert float(vector @ visual_vector(checked)) < 0.9


def test_a_vector_from_another_embedder_reads_as_zeros() -> None:
    vector = describe(stripes((0, 0, 0), (255, 255, 255)))
    ours = make_image(visual_features=to_bytes(vector), visual_features_by=DESCRIPTOR_VERSION)
    theirs = make_image(visual_features=to_bytes(np.ones(512) / np.sqrt(512)), visual_features_by="onnx:clip")
    never = make_image()

    matrix = visual_feature_matrix([never.pk, theirs.pk, ours.pk])

    assert matrix.shape == (3, DESCRIPTOR_LENGTH)
    assert not matrix[0].any()
    assert not matrix[1].any()
    assert float(matrix[2] @ vector) == pytest.approx(1.0, abs=5e-3)
    assert not visual_vector(theirs).any()
    rows = vectors_from_rows([(ours.visual_features, ours.visual_features_by), (b"", "")])
    assert rows.shape == (2, DESCRIPTOR_LENGTH)
    assert rows[0].any()
    assert not rows[1].any()
