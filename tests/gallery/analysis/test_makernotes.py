"""ISO read from each maker's notes when the EXIF IFD lacks it, from notes laid out as exiftool documents."""

from __future__ import annotations

import pytest

from gallery.analysis.exif import exif_from_bytes
from tests.support.camera_files import (
    asahi_note,
    canon_note,
    casio_type1_note,
    casio_type2_note,
    exif_block,
    fujifilm_note,
    kodak_note,
    nikon_note,
    nikon_plain_note,
    olympus_note,
    panasonic_note,
    pentax_note,
    sony_note,
)

MAKERS = [
    ("Canon", "Canon PowerShot A75", canon_note(camera_iso_code=17), 100),
    ("Canon", "Canon EOS 300D DIGITAL", canon_note(camera_iso_code=0x4000 | 1600), 1600),
    # Auto ISO: BaseISO 2^(224/32) x 100/32 = 400, AutoISO 2^(32/32) x 100 = 200%, so 800.
    (
        "Canon",
        "Canon PowerShot SD1000",
        canon_note(camera_iso_code=15, auto_iso_raw=32, base_iso_raw=224),
        800,
    ),
    ("NIKON CORPORATION", "NIKON D70", nikon_note(400), 400),
    ("NIKON CORPORATION", "NIKON D300", nikon_note(3200, byte_order="MM"), 3200),
    ("NIKON", "E5000", nikon_plain_note(200), 200),
    ("PENTAX Corporation", "PENTAX Optio S", pentax_note(9), 200),
    ("PENTAX Corporation", "PENTAX K10D", pentax_note(262), 200),  # a 1/2 EV step code
    ("Asahi Optical Co.,Ltd", "PENTAX Optio430", asahi_note(16), 200),
    ("CASIO", "QV-3000EX", casio_type1_note(100), 100),
    ("CASIO COMPUTER CO.,LTD.", "EX-Z750", casio_type2_note(code=4), 64),
    ("CASIO COMPUTER CO.,LTD.", "EX-Z1000", casio_type2_note(iso=125), 125),
    ("EASTMAN KODAK COMPANY", "KODAK DX7590 ZOOM DIGITAL CAMERA", kodak_note(80), 80),
    ("OLYMPUS OPTICAL CO.,LTD", "C2500L", olympus_note(400), 400),
    ("Panasonic", "DMC-FZ1000", panasonic_note(125), 125),
    ("SONY", "DSLR-A700", sony_note(8 * (6 + 3)), 800),  # 100 x 2^(72/8 - 6)
]


@pytest.mark.parametrize(("make", "model", "note", "iso"), MAKERS, ids=[row[1] for row in MAKERS])
def test_it_reads_the_iso_from_the_makers_notes_when_exif_has_none(make, model, note, iso):
    exif = exif_from_bytes(exif_block(make=make, model=model, note=note))

    assert (exif.camera_make, exif.iso, exif.warning) == (make, iso, "")


@pytest.mark.parametrize("byte_order", ["MM", "II"])
def test_it_follows_canon_offsets_in_either_byte_order_of_the_exif_block(byte_order):
    note = canon_note(camera_iso_code=0x4000 | 250)

    assert exif_from_bytes(exif_block(make="Canon", model="EOS", note=note, byte_order=byte_order)).iso == 250


def test_the_exif_iso_wins_over_the_makers_notes():
    exif = exif_from_bytes(
        exif_block(make="NIKON CORPORATION", model="NIKON D70", note=nikon_note(400), iso=250)
    )

    assert exif.iso == 250


def test_a_fujifilm_note_gives_no_iso_because_fujifilm_writes_none_there():
    exif = exif_from_bytes(exif_block(make="FUJIFILM", model="FinePix S5600", note=fujifilm_note()))

    assert (exif.iso, exif.warning) == (None, "")


def test_canons_lens_name_fills_in_when_exif_has_no_lens_model():
    note = canon_note(camera_iso_code=17, lens="EF-S18-55mm f/3.5-5.6 IS")

    assert (
        exif_from_bytes(exif_block(make="Canon", model="Canon EOS 400D", note=note)).lens
        == "EF-S18-55mm f/3.5-5.6 IS"
    )


@pytest.mark.parametrize(
    "note",
    [
        b"\xff" * 40,  # an IFD claiming 65535 entries
        b"\x00\x05" + b"\x00\x01\x00\x03\x00\x00\x00\xff" * 3,  # entries cut short, values far outside
        b"Nikon\0\x02\x10\0\0II*\0\xff\xff\xff\x7f",  # an inner IFD offset past the end
        b"KDK INFO",  # a Kodak note too short to hold the ISO
        b"SONY DSC \0\0\0\x00\x01\x00\x20\x00\x07\x00\x00\x4a\xd2\xff\xff\xff\xf0",  # FocusInfo out of the block
    ],
)
def test_a_broken_makers_note_leaves_the_iso_empty_without_a_warning(note):
    make = {b"N": "NIKON", b"K": "EASTMAN KODAK COMPANY", b"S": "SONY"}.get(note[:1], "Canon")

    exif = exif_from_bytes(exif_block(make=make, model="X", note=note))

    assert (exif.camera_make, exif.iso, exif.warning) == (make, None, "")
