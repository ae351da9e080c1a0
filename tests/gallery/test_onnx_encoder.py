"""The optional pretrained image encoder: loading, inference, start-up checks and switching to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import Client
from PIL import Image as PillowImage

from gallery.analysis.descriptor import DESCRIPTOR_LENGTH, DESCRIPTOR_VERSION, to_bytes
from gallery.analysis.onnx_encoder import EncoderUnavailable, OnnxImageEncoder, model_input
from gallery.apps import refuse_to_start_without_embedder
from gallery.embedding import embedder_info, forget_embedder
from gallery.models import AnalysisStatus, Image
from gallery.services.storage import media_path
from gallery.visual_features import visual_feature_matrix, visual_vector
from tests.factories import ingest_folder, make_image
from tests.support.images import encode
from tests.support.onnx_models import TINY_LENGTH, tiny_encoder, two_input_model
from tests.support.patterns import checkerboard, gradient, stripes

BLACK, WHITE, RED, BLUE = (0, 0, 0), (255, 255, 255), (200, 20, 20), (20, 40, 200)


@pytest.fixture
def use_weights(settings: LazySettings) -> Iterator[Callable[[Path | str], None]]:
    """Point the site at a weights file (or "" for the built-in descriptor), as a deployer would."""

    def configure(path: Path | str) -> None:
        settings.IMGSITE_EMBEDDER_ONNX = str(path)
        forget_embedder()

    yield configure
    forget_embedder()


def test_it_loads_a_tiny_encoder_and_gives_unit_vectors_of_its_length(tmp_path: Path) -> None:
    encoder = OnnxImageEncoder.load(tiny_encoder(tmp_path / "tiny.onnx"))

    red = encoder.embed(PillowImage.new("RGB", (300, 200), RED))
    blue = encoder.embed(PillowImage.new("RGB", (300, 200), BLUE))

    assert encoder.length == TINY_LENGTH
    assert red.shape == (TINY_LENGTH,)
    assert red.dtype == np.float32
    assert np.linalg.norm(red) == pytest.approx(1.0, abs=1e-5)
    assert float(red @ blue) < 0.99
    assert np.array_equal(red, encoder.embed(PillowImage.new("RGB", (300, 200), RED)))
    assert encoder.name.startswith("onnx:tiny:")


def test_an_encoder_with_free_height_and_width_gets_clips_224_pixels(tmp_path: Path) -> None:
    encoder = OnnxImageEncoder.load(tiny_encoder(tmp_path / "free.onnx", size=None))

    assert encoder.embed(PillowImage.new("RGB", (640, 480), RED)).shape == (TINY_LENGTH,)
    assert model_input(PillowImage.new("RGB", (640, 480), RED), (224, 224)).shape == (1, 3, 224, 224)


def test_the_embedding_output_is_used_when_an_export_lists_hidden_states_first(tmp_path: Path) -> None:
    encoder = OnnxImageEncoder.load(tiny_encoder(tmp_path / "hidden.onnx", hidden_first=True))

    assert encoder.length == TINY_LENGTH
    assert encoder.embed(PillowImage.new("RGB", (64, 64), RED)).shape == (TINY_LENGTH,)


def test_pictures_are_centre_cropped_and_normalised_as_clip_expects() -> None:
    # The centre square is blue; what lies beyond it left and right is cropped away, whatever it is.
    one = PillowImage.new("RGB", (300, 100), RED)
    two = PillowImage.new("RGB", (300, 100), (0, 200, 0))
    for picture in (one, two):
        picture.paste(BLUE, (100, 0, 200, 100))

    first, second = model_input(one, (32, 32)), model_input(two, (32, 32))

    assert first.shape == (1, 3, 32, 32)
    assert first.dtype == np.float32
    # Resizing before the crop (as CLIP does) lets the cut-away colours bleed into the edge columns only.
    assert np.allclose(first[..., 2:-2], second[..., 2:-2])
    # Blue's blue channel, (40/255 - mean) / std for red and (200/255 - mean) / std for blue.
    assert first[0, 2, 16, 16] == pytest.approx((200 / 255 - 0.40821073) / 0.27577711, abs=1e-4)


def test_weights_renamed_or_retrained_get_another_name(tmp_path: Path) -> None:
    one = OnnxImageEncoder.load(tiny_encoder(tmp_path / "clip.onnx", seed=0))
    other = OnnxImageEncoder.load(tiny_encoder(tmp_path / "clip2.onnx", seed=1))

    assert one.name != other.name


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda folder: folder / "nowhere.onnx", "does not exist"),
        (
            lambda folder: _write(folder / "garbage.onnx", b"\x00not a model at all" * 50),
            "not a usable ONNX model",
        ),
        (
            lambda folder: _write(
                folder / "cut.onnx", tiny_encoder(folder / "whole.onnx").read_bytes()[:200]
            ),
            "not a usable ONNX model",
        ),
        (lambda folder: two_input_model(folder / "adder.onnx"), "takes 2 inputs"),
    ],
    ids=["missing", "garbage", "truncated", "not-an-image-encoder"],
)
def test_unusable_weights_are_a_clear_error_naming_the_file(
    tmp_path: Path, make: Callable[[Path], Path], says: str
) -> None:
    path = make(tmp_path)

    with pytest.raises(EncoderUnavailable) as raised:
        OnnxImageEncoder.load(path)

    assert says in str(raised.value)
    assert str(path) in str(raised.value)


def test_the_system_check_fails_at_start_up_on_corrupt_weights(
    tmp_path: Path, use_weights: Callable[[Path | str], None]
) -> None:
    use_weights(_write(tmp_path / "clip.onnx", b"corrupt"))

    with pytest.raises(SystemCheckError) as raised:
        call_command("check", stdout=StringIO(), stderr=StringIO())

    assert "gallery.E001" in str(raised.value)
    assert "clip.onnx is not a usable ONNX model" in str(raised.value)


def test_the_system_check_passes_with_no_weights_and_with_good_ones(
    tmp_path: Path, use_weights: Callable[[Path | str], None]
) -> None:
    use_weights("")
    call_command("check", stdout=StringIO())
    use_weights(tiny_encoder(tmp_path / "tiny.onnx"))
    call_command("check", stdout=StringIO())


def test_a_worker_refuses_to_start_with_missing_weights(
    tmp_path: Path, use_weights: Callable[[Path | str], None]
) -> None:
    use_weights(tmp_path / "gone.onnx")

    with pytest.raises(SystemExit) as raised:
        refuse_to_start_without_embedder()

    assert "gone.onnx does not exist" in str(raised.value.code)


def test_the_site_says_which_embedder_it_runs(
    tmp_path: Path, use_weights: Callable[[Path | str], None]
) -> None:
    use_weights("")
    assert embedder_info().kind == "built-in"
    assert embedder_info().name == DESCRIPTOR_VERSION
    use_weights(tiny_encoder(tmp_path / "clip-vit-b32.onnx"))
    assert embedder_info().kind == "onnx"
    assert embedder_info().name.startswith("onnx:clip-vit-b32:")
    assert "clip-vit-b32.onnx" in embedder_info().description


@pytest.mark.django_db(transaction=True)
def test_photos_analysed_with_the_encoder_keep_its_vectors(
    tmp_path: Path, use_weights: Callable[[Path | str], None]
) -> None:
    use_weights(tiny_encoder(tmp_path / "tiny.onnx"))
    ingest_folder(_pattern_folder(tmp_path))

    images = list(Image.objects.filter(status=AnalysisStatus.DONE))
    assert len(images) == 3
    assert {image.visual_features_by for image in images} == {embedder_info().name}
    assert all(visual_vector(image).shape == (TINY_LENGTH,) for image in images)


@pytest.mark.django_db(transaction=True)
def test_analyse_features_recomputes_every_photo_after_a_switch_going_past_a_bad_one(
    tmp_path: Path, use_weights: Callable[[Path | str], None]
) -> None:
    use_weights("")
    ingest_folder(_pattern_folder(tmp_path))
    ids = list(Image.objects.order_by("pk").values_list("pk", flat=True))
    assert visual_feature_matrix(ids).shape == (3, DESCRIPTOR_LENGTH)
    broken = Image.objects.get(pk=ids[1])
    media_path(broken.preview.name).write_bytes(b"no longer a JPEG")

    use_weights(tiny_encoder(tmp_path / "tiny.onnx"))
    # Until recomputed, the old descriptors are not mixed with the encoder's vectors: every row reads
    # as zeros, at the encoder's width.
    stale = visual_feature_matrix(ids)
    assert stale.shape == (3, TINY_LENGTH)
    assert not stale.any()
    out, err = StringIO(), StringIO()
    call_command("analyse", "--features", stdout=out, stderr=err)

    matrix = visual_feature_matrix(ids)
    assert matrix.shape == (3, TINY_LENGTH)
    assert matrix[0].any()
    assert matrix[2].any()
    assert not matrix[1].any()
    assert "Recomputed the visual features of 2 photos; 1 failed" in out.getvalue()
    assert f"#{ids[1]}" in err.getvalue()
    assert Image.objects.get(pk=ids[1]).visual_features_by == DESCRIPTOR_VERSION  # left as it was


@pytest.mark.django_db(transaction=True)
def test_analyse_features_says_when_nothing_is_left_to_do_and_refuses_broken_weights(
    tmp_path: Path, use_weights: Callable[[Path | str], None]
) -> None:
    use_weights("")
    ingest_folder(_pattern_folder(tmp_path))
    out = StringIO()
    call_command("analyse", "--features", stdout=out)
    assert "already has its visual features" in out.getvalue()

    use_weights(_write(tmp_path / "broken.onnx", b"broken"))
    with pytest.raises(CommandError, match=r"broken\.onnx is not a usable ONNX model"):
        call_command("analyse", "--features", stdout=StringIO())


def _pattern_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "patterns"
    folder.mkdir()
    for name, picture in {
        "stripes": stripes(BLACK, WHITE),
        "checks": checkerboard(RED, WHITE),
        "gradient": gradient(BLUE, WHITE),
    }.items():
        (folder / f"{name}.png").write_bytes(encode(picture, "PNG"))
    return folder


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.django_db
def test_the_stats_page_and_api_name_the_embedder_and_how_many_photos_have_its_features(
    tmp_path: Path, use_weights: Callable[[Path | str], None], client: Client
) -> None:
    use_weights("")
    make_image(visual_features=to_bytes(np.ones(DESCRIPTOR_LENGTH)), visual_features_by=DESCRIPTOR_VERSION)

    page = client.get("/stats/").content.decode()
    api = client.get("/api/v1/stats").json()["visual_features"]

    assert "Built-in visual descriptor" in page
    assert "have these features so far" not in page
    assert api["embedder"] == DESCRIPTOR_VERSION
    assert api["kind"] == "built-in"
    assert api["photo_count"] == 1

    use_weights(tiny_encoder(tmp_path / "clip-vit-b32.onnx"))
    page = client.get("/stats/").content.decode()
    api = client.get("/api/v1/stats").json()["visual_features"]

    assert "Pretrained image encoder clip-vit-b32.onnx" in page
    assert "0 of 1 photos have these features so far" in page
    assert api["kind"] == "onnx"
    assert api["photo_count"] == 0
