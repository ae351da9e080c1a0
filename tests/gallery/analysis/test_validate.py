from pathlib import Path

import pytest
from PIL import Image

from gallery.analysis.result import ImageRejected
from gallery.analysis.validate import ImageInfo, decode_image, validate_image_file
from tests.support.images import encode, heic_with_exif, jpeg_with_exif, minimal_heic, solid_jpeg

LIMIT = 50_000_000


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rejection(path: Path, max_pixels: int = LIMIT) -> str:
    with pytest.raises(ImageRejected) as caught:
        validate_image_file(path, max_pixels=max_pixels)
    return str(caught.value)


def test_it_accepts_a_jpeg_and_reports_its_header_size(tmp_path):
    path = write(tmp_path, "photo.jpg", jpeg_with_exif(120, 80, orientation=6))

    assert validate_image_file(path, max_pixels=LIMIT) == ImageInfo(format="JPEG", width=120, height=80)


@pytest.mark.parametrize(
    ("fmt", "name"), [("PNG", "PNG"), ("WEBP", "WEBP"), ("TIFF", "TIFF"), ("GIF", "GIF"), ("BMP", "BMP")]
)
def test_it_accepts_every_supported_format(tmp_path, fmt, name):
    path = write(tmp_path, "image.bin", encode(Image.new("RGB", (30, 20), (10, 20, 30)), fmt))

    assert validate_image_file(path, max_pixels=LIMIT).format == name


def test_it_rejects_an_empty_file(tmp_path):
    assert rejection(write(tmp_path, "empty.jpg", b"")) == "the file is empty (0 bytes)"


def test_it_rejects_a_truncated_jpeg(tmp_path):
    data = jpeg_with_exif(800, 600)
    message = rejection(write(tmp_path, "cut.jpg", data[: len(data) // 2]))

    assert message.startswith("truncated JPEG file")


def test_it_rejects_a_truncated_png(tmp_path):
    data = encode(Image.effect_noise((300, 200), 60).convert("RGB"), "PNG")
    message = rejection(write(tmp_path, "cut.png", data[: len(data) // 2]))

    assert "PNG" in message


def test_it_names_an_html_error_page_saved_as_jpeg(tmp_path):
    page = b"\n  <!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>"

    assert rejection(write(tmp_path, "photo.jpg", page)) == "not an image: the file starts like HTML"


def test_it_names_plain_text_saved_as_jpeg(tmp_path):
    message = rejection(write(tmp_path, "photo.jpg", b"Rate limit exceeded, try again later.\n"))

    assert message == "not an image: the file is plain text"


def test_it_rejects_unrecognised_binary_data(tmp_path):
    message = rejection(write(tmp_path, "photo.jpg", bytes([0, 159, 146, 150]) * 20))

    assert message.startswith("not an image: unrecognised content")


def test_it_refuses_a_heic_file_that_does_not_decode_naming_the_format(tmp_path):
    message = rejection(write(tmp_path, "IMG_0001.jpg", minimal_heic()))

    assert message == "corrupt HEIC/HEIF file: its decoder cannot read it as HEIC/HEIF"


def test_it_accepts_a_heic_photo_upright_with_its_exif(tmp_path):
    # Orientation 6 (turn 90 degrees clockwise): stored 96x64, seen 64x96.
    path = write(tmp_path, "IMG_0002.HEIC", heic_with_exif(96, 64, orientation=6, make="Apple"))

    decoded = decode_image(path, max_pixels=10**6)

    assert (decoded.info.format, decoded.info.width, decoded.info.height) == ("HEIF", 64, 96)
    assert decoded.image.size == (64, 96)
    assert decoded.exif.camera_make == "Apple"
    assert decoded.exif.orientation_tag == 1  # already applied: nothing may turn it again


def test_it_accepts_a_heic_whose_major_brand_is_the_generic_mif1(tmp_path):
    data = heic_with_exif()
    # Swap the major brand "heic" for "mif1": the compatible brands still say HEIC.
    path = write(tmp_path, "photo.heif", data[:8] + b"mif1" + data[12:])

    assert validate_image_file(path, max_pixels=10**6).format == "HEIF"


def test_it_accepts_an_avif_image(tmp_path):
    path = write(tmp_path, "photo.avif", encode(Image.new("RGB", (40, 30), (10, 200, 10)), "AVIF"))

    assert validate_image_file(path, max_pixels=10**6) == ImageInfo("AVIF", 40, 30)


def test_it_refuses_a_video_in_an_iso_media_box(tmp_path):
    ftyp = b"ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
    message = rejection(write(tmp_path, "clip.jpg", (4 + len(ftyp)).to_bytes(4, "big") + ftyp + bytes(40)))

    assert message == "not an image: the file is a video or other ISO media file (brand 'isom')"


def test_it_refuses_a_heic_over_the_pixel_limit_before_decoding(tmp_path):
    path = write(tmp_path, "big.heic", heic_with_exif(96, 64))

    assert rejection(path, max_pixels=1000).startswith("too large: 96x64")


def test_it_refuses_an_image_format_we_do_not_accept(tmp_path):
    message = rejection(write(tmp_path, "layers.jpg", b"8BPS\x00\x01" + bytes(40)))

    assert message.startswith("unsupported image format: Photoshop PSD")


def test_it_refuses_an_image_over_the_pixel_limit_before_decoding(tmp_path):
    path = write(tmp_path, "big.png", encode(Image.new("L", (400, 300)), "PNG"))

    message = rejection(path, max_pixels=100_000)

    assert message == "too large: 400x300 is 0.1 megapixels, over the limit of 0.1"


def test_it_refuses_a_bomb_that_trips_pillows_own_limit(tmp_path, monkeypatch):
    path = write(tmp_path, "bomb.png", encode(Image.new("L", (400, 300)), "PNG"))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)

    assert rejection(path).startswith("too large")


def test_it_rejects_a_jpeg_whose_picture_data_is_corrupt(tmp_path):
    data = bytearray(solid_jpeg(64, 48))
    data[-200:-2] = bytes(198)  # zero the end of the entropy-coded data, keep the end marker

    assert rejection(write(tmp_path, "bad.jpg", bytes(data))).startswith("corrupt JPEG file")


def test_it_rejects_a_missing_file_in_plain_words(tmp_path):
    assert rejection(tmp_path / "gone.jpg").startswith("cannot read the file")
