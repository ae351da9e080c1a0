"""URL list source: a CSV of photo URLs with licences and credits."""

import hashlib

import pytest

from gallery.sources.base import Candidate, Rejection, SourceError, first_photos
from gallery.sources.url_list import UrlListSource


def write(tmp_path, text):
    path = tmp_path / "photos.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rows_are_listed_and_a_bad_row_is_refused_with_its_line(tmp_path):
    path = write(
        tmp_path,
        "url,licence,author,title,tags\n"
        "https://example.org/a/red_boat.jpg,CC BY 4.0,Ann,Red boat,boats; harbour|Norway\n"
        "ftp://example.org/b.jpg,CC0,Bob,Old,\n"
        "https://example.org/c.png,,Cy,No licence,\n"
        "https://example.org/d.jpg,CC BY-NC 2.0,Di,Not for sale,\n"
        'https://example.org/e.jpg,cc0,"Smith, Jo",,sky\n',
    )

    items = list(UrlListSource(path).candidates())

    first, ftp, unlicensed, non_commercial, last = items
    assert first == Candidate(
        source="urls",
        source_id=hashlib.sha1(b"https://example.org/a/red_boat.jpg").hexdigest(),
        file_url="https://example.org/a/red_boat.jpg",
        title="Red boat",
        author="Ann",
        attribution="Red boat by Ann, CC BY 4.0",
        licence="CC BY 4.0",
        licence_url="https://creativecommons.org/licenses/by/4.0/",
        tags=("boats", "harbour", "norway"),
    )
    assert ftp == Rejection(hashlib.sha1(b"ftp://example.org/b.jpg").hexdigest(), "line 3: no http(s) URL")
    assert isinstance(unlicensed, Rejection)
    assert unlicensed.reason == "line 4: no licence"
    assert isinstance(non_commercial, Rejection)
    assert non_commercial.reason == "line 5: licence not accepted: CC BY-NC 2.0"
    assert isinstance(last, Candidate)
    assert (last.author, last.title, last.licence, last.tags) == ("Smith, Jo", "e", "CC0 1.0", ("sky",))


def test_the_limit_counts_listed_photos_only(tmp_path):
    rows = "".join(f"https://example.org/{i}.jpg,CC0,A,T{i},\n" for i in range(5))
    path = write(tmp_path, "URL,License,Author,Title,Tags\nnot-a-url,CC0,A,T,\n" + rows)

    items = list(first_photos(UrlListSource(path).candidates(), 2))

    assert [type(item).__name__ for item in items] == ["Rejection", "Candidate", "Candidate"]


def test_a_list_without_a_licence_column_is_refused_as_a_whole(tmp_path):
    path = write(tmp_path, "url,author,title\nhttps://example.org/a.jpg,Ann,A\n")

    with pytest.raises(SourceError, match="has no licence column"):
        list(UrlListSource(path).candidates())


def test_a_missing_file_is_refused_with_one_line(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        UrlListSource(tmp_path / "nope.csv")
