"""Unsplash Lite source reading tiny dataset files written in the dataset's own layout."""

import pytest

from gallery.sources.base import Candidate, Rejection, SourceError, first_photos
from gallery.sources.unsplash_lite import UnsplashLiteSource

PHOTO_COLUMNS = [
    "photo_id",
    "photo_url",
    "photo_image_url",
    "photo_submitted_at",
    "photo_featured",
    "photo_width",
    "photo_height",
    "photo_aspect_ratio",
    "photo_description",
    "photographer_username",
    "photographer_first_name",
    "photographer_last_name",
    "exif_camera_make",
    "exif_camera_model",
    "ai_description",
]
KEYWORD_COLUMNS = [
    "photo_id",
    "keyword",
    "ai_service_1_confidence",
    "ai_service_2_confidence",
    "suggested_by_user",
]


def photo(photo_id, description="", ai="", first="Ada", last="Lovelace", user="ada"):
    return [
        photo_id,
        f"https://unsplash.com/photos/{photo_id}",
        f"https://images.unsplash.com/photo-15{photo_id}",
        "2019-05-04 12:33:10.123",
        "t",
        "5000",
        "3333",
        "1.50",
        description,
        user,
        first,
        last,
        "Canon",
        "EOS R5",
        ai,
    ]


def write_tsv(path, header, rows):
    lines = ["\t".join(header)] + ["\t".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def dataset(tmp_path):
    write_tsv(
        tmp_path / "photos.tsv000",
        PHOTO_COLUMNS,
        [
            photo("aaa", description="Fjord at dawn"),
            photo("bbb", ai="a lake with mountains", first="", last="", user="mountainfan"),
            photo("ccc", description='He said "wow" at the glacier'),
        ],
    )
    write_tsv(
        tmp_path / "keywords.tsv000",
        KEYWORD_COLUMNS,
        [
            ["aaa", "fjord", "91.2", "", "f"],
            ["aaa", "Norway", "", "", "t"],
            ["aaa", "boat", "12.5", "30.1", "f"],
            ["bbb", "lake", "", "77", "f"],
            ["bbb", "mountain", "49.9", "", "f"],
        ],
    )
    write_tsv(tmp_path / "colors.tsv000", ["photo_id", "hex", "red", "green", "blue", "keyword"], [])
    return tmp_path


def test_it_lists_photos_with_their_credits_and_confident_keywords(dataset):
    items = list(UnsplashLiteSource(dataset).candidates())

    first, second, third = items
    assert isinstance(first, Candidate)
    assert isinstance(second, Candidate)
    assert isinstance(third, Candidate)
    assert first.source == "unsplash-lite"
    assert first.source_id == "aaa"
    assert first.file_url == "https://images.unsplash.com/photo-15aaa?fit=max&w=2400"
    assert first.source_page_url == "https://unsplash.com/photos/aaa"
    assert first.title == "Fjord at dawn"
    assert first.author == "Ada Lovelace"
    assert first.attribution == "Photo by Ada Lovelace on Unsplash"
    assert (first.licence, first.licence_url) == ("Unsplash License", "https://unsplash.com/license")
    assert first.tags == ("fjord", "norway")
    assert first.extra["camera_model"] == "EOS R5"
    assert second.tags == ("lake",)
    assert second.author == "mountainfan"
    assert second.title == "a lake with mountains"
    assert third.title == 'He said "wow" at the glacier'


def test_it_reads_every_part_of_a_split_dataset_and_stops_at_the_limit(dataset):
    write_tsv(dataset / "photos.tsv001", PHOTO_COLUMNS, [photo("ddd", description="Second part")])

    everything = list(UnsplashLiteSource(dataset).candidates())
    two = list(first_photos(UnsplashLiteSource(dataset).candidates(), 2))

    assert [item.source_id for item in everything] == ["aaa", "bbb", "ccc", "ddd"]
    assert [item.source_id for item in two] == ["aaa", "bbb"]


def test_csv_named_parts_are_read_too(tmp_path):
    write_tsv(tmp_path / "photos.csv000", PHOTO_COLUMNS, [photo("eee", description="Dunes")])

    (item,) = UnsplashLiteSource(tmp_path).candidates()

    assert isinstance(item, Candidate)
    assert item.title == "Dunes"
    assert item.tags == ()


def test_a_row_without_an_image_url_is_refused_and_the_rest_goes_on(dataset):
    broken = photo("zzz")
    broken[2] = ""
    write_tsv(dataset / "photos.tsv000", PHOTO_COLUMNS, [broken, photo("aaa", description="Fine")])

    items = list(UnsplashLiteSource(dataset).candidates())

    assert items[0] == Rejection("zzz", "no photo id or image URL in photos.tsv")
    assert items[1].source_id == "aaa"


def test_a_folder_without_the_dataset_is_refused_with_one_line(tmp_path):
    with pytest.raises(SourceError, match=r"^No photos\.tsv000 .* in "):
        UnsplashLiteSource(tmp_path)
    with pytest.raises(SourceError, match="does not exist"):
        UnsplashLiteSource(tmp_path / "missing")
