import io
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from PIL import Image, TiffImagePlugin

from gallery.analysis.exif import exif_from_bytes, exif_from_image, json_safe, parse_exif
from gallery.analysis.result import ExifData
from tests.support.images import encode, jpeg_with_exif


def read_back(data: bytes):
    with Image.open(io.BytesIO(data)) as image:
        return exif_from_image(image)


def exif_block(build) -> bytes:
    exif = Image.Exif()
    build(exif)
    return exif.tobytes()


def test_it_reads_the_camera_fields_written_by_pillow():
    exif = read_back(jpeg_with_exif(make="Nikon", model="D750", taken="2020:01:02 03:04:05"))

    assert exif.camera_make == "Nikon"
    assert exif.camera_model == "D750"
    assert exif.lens == "EF 50mm f/1.8"
    assert exif.iso == 200
    assert exif.f_number == pytest.approx(2.8)
    assert exif.exposure_time == pytest.approx(1 / 250)
    assert exif.focal_length == pytest.approx(50.0)
    assert exif.taken_at == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert exif.warning == ""


def test_it_turns_north_east_gps_into_positive_degrees():
    exif = read_back(jpeg_with_exif(gps=(48.8584, 2.2945)))

    assert exif.gps_latitude == pytest.approx(48.8584, abs=1e-6)
    assert exif.gps_longitude == pytest.approx(2.2945, abs=1e-6)


def test_it_turns_south_west_gps_into_negative_degrees():
    exif = read_back(jpeg_with_exif(gps=(-22.9519, -43.2105)))

    assert exif.gps_latitude == pytest.approx(-22.9519, abs=1e-6)
    assert exif.gps_longitude == pytest.approx(-43.2105, abs=1e-6)


def test_it_has_no_position_when_the_photo_has_no_gps():
    exif = read_back(jpeg_with_exif())

    assert exif.gps_latitude is None
    assert exif.gps_longitude is None
    assert "GPSInfo" not in exif.raw


def test_it_keeps_tag_names_and_gps_as_a_named_group():
    raw = read_back(jpeg_with_exif(gps=(10.5, 20.25))).raw

    assert raw["Make"] == "Canon"
    assert raw["DateTimeOriginal"] == "2021:06:15 14:30:00"
    assert raw["GPSInfo"]["GPSLatitudeRef"] == "N"
    assert raw["GPSInfo"]["GPSLatitude"] == pytest.approx([10.0, 30.0, 0.0])


def test_it_applies_the_offset_time_of_the_original():
    def build(exif: Image.Exif) -> None:
        sub = exif.get_ifd(0x8769)
        sub[0x9003] = "2022:07:01 09:00:00"
        sub[0x9011] = "+02:00"

    exif = exif_from_bytes(exif_block(build))

    assert exif.taken_at == datetime(2022, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    assert exif.taken_at_offset == 120


@pytest.mark.parametrize(
    ("stated", "minutes"), [("-05:30", -330), ("+00:00", 0), ("", None), ("25:00", None)]
)
def test_it_keeps_the_recorded_time_zone_offset_and_only_a_recorded_one(stated, minutes):
    def build(exif: Image.Exif) -> None:
        sub = exif.get_ifd(0x8769)
        sub[0x9003] = "2022:07:01 09:00:00"
        if stated:
            sub[0x9011] = stated

    assert exif_from_bytes(exif_block(build)).taken_at_offset == minutes


@pytest.mark.parametrize(("reference", "expected"), [(0, 1234.5), (1, -12.5), (None, 1234.5)])
def test_it_reads_the_gps_altitude_above_or_below_sea_level(reference, expected):
    def build(exif: Image.Exif) -> None:
        gps = exif.get_ifd(0x8825)
        gps[6] = TiffImagePlugin.IFDRational(abs(expected) * 10, 10)
        if reference is not None:
            gps[5] = reference

    assert exif_from_bytes(exif_block(build)).gps_altitude == expected


def test_an_impossible_altitude_is_left_out():
    def build(exif: Image.Exif) -> None:
        exif.get_ifd(0x8825)[6] = TiffImagePlugin.IFDRational(10**9, 1)

    assert exif_from_bytes(exif_block(build)).gps_altitude is None


def test_it_falls_back_to_datetime_when_there_is_no_original_date():
    def build(exif: Image.Exif) -> None:
        exif[0x0132] = "2019:12:31 23:59:59"

    exif = exif_from_bytes(exif_block(build))

    assert exif.taken_at == datetime(2019, 12, 31, 23, 59, 59, tzinfo=UTC)


def test_a_zero_date_means_no_date():
    def build(exif: Image.Exif) -> None:
        exif.get_ifd(0x8769)[0x9003] = "0000:00:00 00:00:00"

    assert exif_from_bytes(exif_block(build)).taken_at is None


def test_the_raw_exif_is_json_safe_with_awkward_values():
    def build(exif: Image.Exif) -> None:
        exif[0x010F] = "Canon\x00\x00"
        exif[0x011A] = TiffImagePlugin.IFDRational(0, 0)  # XResolution 0/0 is NaN
        sub = exif.get_ifd(0x8769)
        sub[0x927C] = b"\x01\x02vendor-binary" * 50  # MakerNote
        sub[0x9286] = b"ASCII\x00\x00\x00A day at the sea"  # UserComment
        sub[0x9101] = b"\x01\x02\x03\x00"  # ComponentsConfiguration

    exif = exif_from_bytes(exif_block(build))
    text = json.dumps(exif.raw, allow_nan=False)

    assert exif.camera_make == "Canon"
    assert exif.raw["Make"] == "Canon"
    assert "XResolution" not in exif.raw
    assert "MakerNote" not in text
    assert exif.raw["UserComment"] == "A day at the sea"
    assert exif.raw["ComponentsConfiguration"] == "01020300"


def test_json_safe_turns_tuples_into_lists_and_drops_infinities():
    assert json_safe((TiffImagePlugin.IFDRational(1, 2), 3)) == [0.5, 3]
    assert json_safe(float("inf")) is None


def test_an_unreadable_exif_block_gives_a_warning_not_an_error():
    exif = exif_from_bytes(b"Exif\x00\x00" + bytes(range(7, 67)))

    assert "EXIF block could not be read" in exif.warning
    assert exif.camera_make == ""
    assert exif.raw == {}


def test_an_image_without_exif_has_empty_fields_and_no_warning():
    exif = read_back(encode(Image.new("RGB", (8, 8)), "PNG"))

    assert exif.raw == {}
    assert exif.warning == ""
    assert exif.orientation_tag == 1


def test_it_reads_gps_written_as_a_single_decimal_value():
    def build(exif: Image.Exif) -> None:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2], gps[3], gps[4] = "S", 12.5, "E", 130.25

    exif = exif_from_bytes(exif_block(build))

    assert exif.gps_latitude == pytest.approx(-12.5)
    assert exif.gps_longitude == pytest.approx(130.25)


def test_an_out_of_range_position_is_ignored():
    def build(exif: Image.Exif) -> None:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", (95.0, 0.0, 0.0)

    assert exif_from_bytes(exif_block(build)).gps_latitude is None


def test_a_date_is_kept_from_1826_to_a_day_ahead_and_dropped_outside_with_a_warning():
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

    def parsed(date: str) -> ExifData:
        return parse_exif_with_date(date, now)

    assert parsed("1826:01:01 00:00:00").taken_at == datetime(1826, 1, 1, tzinfo=UTC)
    assert parsed("2026:06:02 12:00:00").taken_at == datetime(2026, 6, 2, 12, 0, tzinfo=UTC)
    for date in ("1825:12:31 23:59:59", "2026:06:02 12:00:01"):
        assert parsed(date).taken_at is None
        assert "outside 1826 to tomorrow; kept the photo without a date" in parsed(date).warning


def parse_exif_with_date(date: str, now: datetime) -> ExifData:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = date
    loaded = Image.Exif()
    loaded.load(exif.tobytes())
    return parse_exif(loaded, now=now)


def test_numbers_no_camera_could_write_are_left_out_but_kept_in_raw():
    exif = Image.Exif()
    detail = exif.get_ifd(0x8769)
    detail[0x8827] = 2**31  # ISO
    detail[0x829A] = TiffImagePlugin.IFDRational(1, 4_000_000_000)  # exposure of 0.25 ns
    detail[0x829D] = TiffImagePlugin.IFDRational(50_000, 1)  # f/50000
    loaded = Image.Exif()
    loaded.load(exif.tobytes())

    parsed = parse_exif(loaded)

    assert (parsed.iso, parsed.exposure_time, parsed.f_number) == (None, None, None)
    assert parsed.raw["ISOSpeedRatings"] == 2**31
