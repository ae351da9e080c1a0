"""XMP and IPTC read from files, and the one rule that merges them with what was stated."""

from __future__ import annotations

from pathlib import Path

import pytest

from gallery.analysis.embedded import Provenance, merge_provenance, read_embedded_metadata
from gallery.analysis.iptc import IptcRecords, parse_iptc
from gallery.analysis.result import EmbeddedMetadata
from gallery.analysis.xmp import MAX_PACKET_BYTES, parse_xmp
from tests.support.camera_files import BILLION_LAUGHS, iptc_block, jpeg_with_metadata, xmp_packet

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&secret;</dc:title></rdf:Description>
</rdf:RDF></x:xmpmeta>"""


def test_it_reads_lightrooms_title_caption_keywords_creator_and_rights():
    packet = xmp_packet(
        title="Harbour at dawn",
        description="Fishing boats leaving Whitby",
        keywords=["harbour", "boats", "Yorkshire"],
        creator="Jane Doe",
        rights="© 2020 Jane Doe, CC BY-SA 4.0",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
    )

    assert parse_xmp(packet) == EmbeddedMetadata(
        title="Harbour at dawn",
        description="Fishing boats leaving Whitby",  # the x-default language, not the first listed
        keywords=("harbour", "boats", "Yorkshire"),
        creator="Jane Doe",
        copyright="© 2020 Jane Doe, CC BY-SA 4.0",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
    )


def test_it_reads_the_web_statement_written_as_an_attribute():
    packet = xmp_packet(web_statement="https://creativecommons.org/publicdomain/zero/1.0/")

    assert parse_xmp(packet).licence_url == "https://creativecommons.org/publicdomain/zero/1.0/"


@pytest.mark.parametrize("packet", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["entity bomb", "external entity"])
def test_an_xmp_entity_bomb_or_external_entity_is_refused_with_a_warning(packet):
    result = parse_xmp(packet)

    assert result.title == ""
    assert result.warning.startswith("XMP metadata ignored: it declares entities or a DTD")


@pytest.mark.parametrize(
    ("packet", "warning"),
    [
        (b"<x:xmpmeta><rdf:RDF>", "not well-formed XML"),
        (b" " * (MAX_PACKET_BYTES + 1), "over the limit"),
    ],
)
def test_malformed_or_oversized_xmp_is_a_warning(packet, warning):
    assert warning in parse_xmp(packet).warning


def test_it_reads_iptc_records_in_utf8_and_latin1():
    utf8: IptcRecords = {
        (1, 90): b"\x1b%G",
        (2, 5): "Café".encode(),
        (2, 25): [b"sea", b"boats"],
        (2, 80): b"Ann",
    }
    latin1: IptcRecords = {(2, 120): "Caf\xe9 terrace".encode("latin-1"), (2, 116): b"(c) Ann"}

    assert parse_iptc(utf8) == EmbeddedMetadata(title="Café", keywords=("sea", "boats"), creator="Ann")
    assert parse_iptc(latin1) == EmbeddedMetadata(description="Café terrace", copyright="(c) Ann")


def test_a_file_gives_xmp_first_iptc_for_the_blanks_and_the_keywords_of_both(tmp_path: Path):
    path = tmp_path / "photo.jpg"
    xmp = xmp_packet(title="XMP title", keywords=["boats"])
    iptc = iptc_block([(2, 5, "IPTC title"), (2, 120, "IPTC caption"), (2, 25, "sea"), (2, 25, "boats")])
    path.write_bytes(jpeg_with_metadata(xmp=xmp, iptc=iptc))

    embedded = read_embedded_metadata(path)

    assert (embedded.title, embedded.description) == ("XMP title", "IPTC caption")
    assert embedded.keywords == ("boats", "sea")


def test_a_file_whose_xmp_is_a_bomb_still_gives_its_iptc(tmp_path: Path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(jpeg_with_metadata(xmp=BILLION_LAUGHS, iptc=iptc_block([(2, 25, "sea")])))

    embedded = read_embedded_metadata(path)

    assert embedded.keywords == ("sea",)
    assert "entities" in embedded.warning


STATED = Provenance(title="IMG 0042", author="Ann Example", licence="CC BY 4.0", tags=("trips",))


def test_the_stated_licence_beats_the_files_and_the_conflict_is_reported():
    embedded = EmbeddedMetadata(licence_url="https://creativecommons.org/licenses/by-nc/4.0/")

    merged, conflicts = merge_provenance(STATED, embedded)

    assert merged.licence == "CC BY 4.0"
    assert conflicts == ["the file says its licence is CC BY-NC 4.0; kept the stated CC BY 4.0"]


def test_all_rights_reserved_in_the_file_is_reported_against_a_free_licence():
    _merged, conflicts = merge_provenance(
        STATED, EmbeddedMetadata(copyright="© 2020 Ann. All rights reserved.")
    )

    assert conflicts == ['the file says "© 2020 Ann. All rights reserved."; kept the stated CC BY 4.0']


def test_the_file_fills_the_blanks_and_replaces_a_title_made_from_the_file_name():
    embedded = EmbeddedMetadata(
        title="Harbour at dawn", description="Boats", keywords=("boats", "trips"), creator="Ann Example"
    )

    merged, conflicts = merge_provenance(STATED, embedded, title_from_file_name=True)

    assert merged == Provenance(
        title="Harbour at dawn",
        description="Boats",
        author="Ann Example",
        licence="CC BY 4.0",
        tags=("trips", "boats"),
    )
    assert conflicts == []


def test_a_stated_title_and_author_stay_and_another_creator_is_reported():
    merged, conflicts = merge_provenance(STATED, EmbeddedMetadata(title="Other", creator="Bob Roe"))

    assert (merged.title, merged.author) == ("IMG 0042", "Ann Example")
    assert conflicts == ["the file names its creator Bob Roe; kept the stated Ann Example"]


def test_an_agreeing_licence_in_the_file_is_no_conflict_and_gives_the_deed_url():
    stated = Provenance(title="x", author="Ann", licence="CC BY-SA 4.0")
    embedded = EmbeddedMetadata(copyright="© Ann, licensed CC BY-SA 4.0")

    merged, conflicts = merge_provenance(stated, embedded)

    assert merged.licence_url == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert conflicts == []
