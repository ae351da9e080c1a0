import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gallery.analysis.pipeline import analyse_file
from gallery.analysis.result import ImageRejected
from tests.support.images import encode, jpeg_with_app1, jpeg_with_exif, smooth_pattern, split_image

LIMIT = 50_000_000


def analyse(tmp_path: Path, data: bytes, name: str = "image.jpg"):
    path = tmp_path / name
    path.write_bytes(data)
    return analyse_file(path, max_pixels=LIMIT)


def jpeg_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        return image.size


def test_it_describes_a_landscape_photo_with_its_exif(tmp_path):
    result = analyse(tmp_path, jpeg_with_exif(1600, 1000, gps=(51.5, -0.12)))

    assert (result.width, result.height) == (1600, 1000)
    assert result.format == "JPEG"
    assert result.mode == "RGB"
    assert result.orientation == "landscape"
    assert result.size_class == "medium"
    assert result.exif.camera_make == "Canon"
    assert result.exif.gps_longitude == pytest.approx(-0.12, abs=1e-6)
    assert set(result.timings) == {
        "decode",
        "exif",
        "thumbnails",
        "colours",
        "features",
        "descriptor",
        "quality",
    }


def test_orientation_six_swaps_width_and_height_and_makes_it_portrait(tmp_path):
    result = analyse(tmp_path, jpeg_with_exif(1200, 800, orientation=6))

    assert (result.width, result.height) == (800, 1200)
    assert result.orientation == "portrait"
    thumb_width, thumb_height = jpeg_size(result.thumbnail_jpeg)
    assert thumb_height > thumb_width


def test_the_picture_is_turned_upright_in_the_thumbnail(tmp_path):
    # Stored sideways: red on the left, blue on the right; orientation 6 turns it a quarter clockwise,
    # so upright the red half is on top.
    data = encode(split_image(400, 200), "JPEG", exif=_orientation_exif(6), quality=95)

    result = analyse(tmp_path, data)

    with Image.open(io.BytesIO(result.thumbnail_jpeg)) as thumb:
        upright = np.asarray(thumb.convert("RGB"))
    top, bottom = upright[upright.shape[0] // 8], upright[upright.shape[0] * 7 // 8]
    assert top[:, 0].mean() > 200  # red
    assert bottom[:, 2].mean() > 200  # blue


def test_thumbnail_and_preview_are_jpegs_of_the_documented_sizes(tmp_path):
    result = analyse(tmp_path, encode(smooth_pattern(3000, 2000), "JPEG"))

    assert max(jpeg_size(result.thumbnail_jpeg)) == 480
    assert 920 <= max(jpeg_size(result.preview_jpeg)) <= 1024
    assert result.size_class == "large"


def test_a_small_image_is_never_enlarged(tmp_path):
    result = analyse(tmp_path, encode(smooth_pattern(200, 150), "PNG"), "small.png")

    assert jpeg_size(result.thumbnail_jpeg) == (200, 150)
    assert result.size_class == "thumbnail"


def test_a_half_red_half_blue_image_is_half_red_and_half_blue(tmp_path):
    result = analyse(tmp_path, encode(split_image(400, 300), "PNG"), "split.png")

    top_two = {colour.family: colour for colour in result.colours[:2]}
    assert set(top_two) == {"red", "blue"}
    assert top_two["red"].share == pytest.approx(0.5, abs=0.03)
    assert top_two["blue"].share == pytest.approx(0.5, abs=0.03)
    assert top_two["red"].name == "red"
    assert top_two["blue"].name == "blue"


def test_an_unreadable_exif_block_still_gives_an_analysis_with_a_warning(tmp_path):
    result = analyse(tmp_path, jpeg_with_app1(b"Exif\x00\x00" + bytes(range(7, 67))))

    assert "EXIF block could not be read" in result.exif.warning
    assert result.colours
    assert result.exif.orientation_tag == 1


def test_the_whole_result_is_json_safe(tmp_path):
    result = analyse(tmp_path, jpeg_with_exif(gps=(1.0, 2.0)))

    text = json.dumps(
        {"exif": result.exif.raw, "histogram": result.colour_histogram, "phash": result.phash},
        allow_nan=False,
    )

    assert "Canon" in text


def test_a_png_with_transparency_ignores_the_transparent_pixels(tmp_path):
    image = Image.new("RGBA", (100, 100), (0, 255, 0, 0))  # invisible green
    image.paste(Image.new("RGBA", (50, 100), (255, 0, 0, 255)), (0, 0))

    result = analyse(tmp_path, encode(image, "PNG"), "alpha.png")

    assert result.mode == "RGBA"
    assert [colour.family for colour in result.colours] == ["red"]
    assert jpeg_size(result.thumbnail_jpeg) == (100, 100)


def test_a_greyscale_image_analyses_as_grey(tmp_path):
    result = analyse(tmp_path, encode(Image.new("L", (90, 60), 128), "JPEG"))

    assert result.mode == "L"
    assert result.colours[0].family == "grey"


def test_a_palette_gif_analyses(tmp_path):
    image = split_image(90, 60).convert("P", palette=Image.Palette.ADAPTIVE, colors=4)

    result = analyse(tmp_path, encode(image, "GIF"), "split.gif")

    assert result.mode == "P"
    assert {colour.family for colour in result.colours} == {"red", "blue"}


def test_a_cmyk_jpeg_analyses_in_rgb(tmp_path):
    result = analyse(tmp_path, encode(Image.new("RGB", (90, 60), (255, 0, 0)).convert("CMYK"), "JPEG"))

    assert result.mode == "CMYK"
    assert result.colours[0].family == "red"


def test_a_sixteen_bit_png_is_scaled_not_clipped_to_white(tmp_path):
    ramp = np.tile(np.linspace(0, 65535, 120, dtype=np.uint16), (80, 1))

    result = analyse(tmp_path, encode(Image.fromarray(ramp), "PNG"), "deep.png")

    assert result.mode.startswith("I")
    families = {colour.family for colour in result.colours}
    assert "black" in families
    assert families != {"white"}


def test_a_bad_file_is_rejected_by_the_analysis_too(tmp_path):
    with pytest.raises(ImageRejected, match="the file is empty"):
        analyse(tmp_path, b"")


def _orientation_exif(tag: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = tag
    return exif
