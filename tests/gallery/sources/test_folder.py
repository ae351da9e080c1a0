"""Folder source: local photos under one licence and author, tagged by their sub-folders."""

from pathlib import Path

import pytest

from gallery.sources.base import SourceError, first_photos
from gallery.sources.folder import FolderSource


@pytest.fixture
def photos(tmp_path):
    for relative in [
        "b_sunset.JPG",
        "a-harbour.png",
        "notes.txt",
        ".hidden.jpg",
        "Trips/Norway/fjord_view.jpg",
        "Trips/Norway/raw.heic",
        "Trips/Alps/peak.webp",
        ".cache/thumb.jpg",
    ]:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"not really an image; the pipeline checks that")
    return tmp_path


def test_it_lists_image_files_in_a_stable_order_with_folder_tags(photos):
    items = list(FolderSource(photos, licence="cc-by-4.0", author="Ann Example").candidates())

    assert [item.source_id for item in items] == [
        "a-harbour.png",
        "b_sunset.JPG",
        "Trips/Alps/peak.webp",
        "Trips/Norway/fjord_view.jpg",
        "Trips/Norway/raw.heic",
    ]
    fjord = items[3]
    assert fjord.local_path == str(photos.resolve() / "Trips" / "Norway" / "fjord_view.jpg")
    assert Path(fjord.local_path).is_absolute()
    assert fjord.title == "fjord view"
    assert fjord.tags == ("trips", "norway")
    assert (fjord.licence, fjord.licence_url) == ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
    assert fjord.author == "Ann Example"
    assert fjord.attribution == "fjord view by Ann Example, CC BY 4.0"
    assert items[0].tags == ()


def test_it_stops_at_the_limit_and_can_stay_in_the_top_folder(photos):
    two = list(first_photos(FolderSource(photos, licence="CC0", author="Ann").candidates(), 2))
    top = list(FolderSource(photos, licence="CC0", author="Ann", recursive=False).candidates())

    assert len(two) == 2
    assert [item.source_id for item in top] == ["a-harbour.png", "b_sunset.JPG"]


@pytest.mark.parametrize(("licence", "author"), [("", "Ann"), ("CC0", " "), ("", "")])
def test_a_missing_licence_or_author_is_refused(photos, licence, author):
    with pytest.raises(SourceError, match="needs the photos' licence and author"):
        FolderSource(photos, licence=licence, author=author)


def test_a_licence_that_limits_reuse_is_refused(photos):
    with pytest.raises(SourceError, match=r"CC BY-NC 4\.0 is not accepted"):
        FolderSource(photos, licence="CC BY-NC 4.0", author="Ann")


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        FolderSource(tmp_path / "nowhere", licence="CC0", author="Ann")
