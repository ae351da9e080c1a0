"""Openverse source against a fake /v1/images/ endpoint answering in the real JSON shape."""

from itertools import islice

import pytest

from gallery.sources.base import Candidate, Rejection, SourceError, first_photos
from gallery.sources.openverse import OpenverseSource, openverse_licence
from tests.support.fake_http import Reply

PATH = "/v1/images/"


def result(number, *, licence="by", version="4.0", tags=("fox", "Snow")):
    ident = f"0b1c2d3e-0000-4000-8000-{number:012d}"
    return {
        "id": ident,
        "title": f"Fox {number}",
        "indexed_on": "2023-01-01T00:00:00Z",
        "foreign_landing_url": f"https://www.flickr.com/photos/someone/{number}",
        "url": f"https://live.staticflickr.com/65535/{number}_abc_b.jpg",
        "creator": "Some One",
        "creator_url": "https://www.flickr.com/photos/someone",
        "license": licence,
        "license_version": version,
        "license_url": f"https://creativecommons.org/licenses/{licence}/{version}/"
        if licence not in ("cc0", "pdm")
        else None,
        "provider": "flickr",
        "source": "flickr",
        "category": "photograph",
        "filesize": 123456,
        "filetype": "jpg",
        "tags": [{"accuracy": None, "name": name, "unstable__provider": "flickr"} for name in tags],
        "attribution": f'"Fox {number}" by Some One is licensed under CC {licence.upper()} {version}.',
        "fields_matched": ["title"],
        "mature": False,
        "height": 683,
        "width": 1024,
        "thumbnail": f"https://api.openverse.org/v1/images/{ident}/thumb/",
        "detail_url": f"https://api.openverse.org/v1/images/{ident}/",
        "related_url": f"https://api.openverse.org/v1/images/{ident}/related/",
        "unstable__sensitivity": [],
    }


def page_of(results, *, page, page_count, result_count):
    return Reply.json(
        {
            "result_count": result_count,
            "page_count": page_count,
            "page_size": 20,
            "page": page,
            "results": results,
            "warnings": [],
        }
    )


def source(fake_http, session, **options):
    return OpenverseSource("fox", api_url=fake_http.url(PATH), session=session, timeout=(2, 2), **options)


def test_it_pages_through_the_results_until_the_last_page(fake_http, session):
    def api(request):
        number = int(request.params["page"])
        return page_of([result(number * 10 + i) for i in range(2)], page=number, page_count=3, result_count=6)

    fake_http.route(PATH, api)

    items = list(source(fake_http, session).candidates())

    assert [item.title for item in items] == ["Fox 10", "Fox 11", "Fox 20", "Fox 21", "Fox 30", "Fox 31"]
    assert [request.params["page"] for request in fake_http.requests] == ["1", "2", "3"]
    first = fake_http.requests[0].params
    assert first["q"] == "fox"
    assert first["license"] == "cc0,pdm,by,by-sa"
    assert first["page_size"] == "20"


def test_it_fetches_the_next_page_only_when_more_are_wanted(fake_http, session):
    fake_http.route(PATH, page_of([result(i) for i in range(5)], page=1, page_count=9, result_count=45))

    taken = list(islice(source(fake_http, session).candidates(), 4))
    limited = list(first_photos(source(fake_http, session).candidates(), 2))

    assert len(taken) == 4
    assert len(limited) == 2
    assert fake_http.hits(PATH) == 2


def test_it_maps_each_result_to_a_candidate_with_its_licence_and_tags(fake_http, session):
    fake_http.route(
        PATH, page_of([result(7, licence="by-sa", version="2.0")], page=1, page_count=1, result_count=1)
    )

    (item,) = source(fake_http, session).candidates()

    assert item == Candidate(
        source="openverse",
        source_id="0b1c2d3e-0000-4000-8000-000000000007",
        file_url="https://live.staticflickr.com/65535/7_abc_b.jpg",
        source_page_url="https://www.flickr.com/photos/someone/7",
        title="Fox 7",
        author="Some One",
        attribution='"Fox 7" by Some One is licensed under CC BY-SA 2.0.',
        licence="CC BY-SA 2.0",
        licence_url="https://creativecommons.org/licenses/by-sa/2.0/",
        tags=("fox", "snow"),
        expected_size=123456,
        mime="image/jpeg",
        extra={"provider": "flickr", "openverse_source": "flickr"},
    )


def test_public_domain_results_get_their_deed_url_when_openverse_gives_none(fake_http, session):
    fake_http.route(
        PATH,
        page_of(
            [result(1, licence="cc0", version="1.0"), result(2, licence="pdm", version="1.0")],
            page=1,
            page_count=1,
            result_count=2,
        ),
    )

    first, second = source(fake_http, session).candidates()

    assert (first.licence, first.licence_url) == (
        "CC0 1.0",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    )
    assert (second.licence, second.licence_url) == (
        "Public Domain Mark 1.0",
        "https://creativecommons.org/publicdomain/mark/1.0/",
    )


def test_a_non_free_result_is_refused_even_if_asked_for(fake_http, session):
    fake_http.route(
        PATH, page_of([result(3, licence="by-nc", version="2.0")], page=1, page_count=1, result_count=1)
    )

    items = list(source(fake_http, session, licences="by-nc").candidates())

    assert items == [Rejection("0b1c2d3e-0000-4000-8000-000000000003", "licence not accepted: CC BY-NC 2.0")]


@pytest.mark.parametrize(
    ("code", "version", "name"),
    [
        ("by", "4.0", "CC BY 4.0"),
        ("by-sa", "3.0", "CC BY-SA 3.0"),
        ("cc0", "1.0", "CC0 1.0"),
        ("pdm", "1.0", "Public Domain Mark 1.0"),
        ("pdm", "", "Public Domain Mark 1.0"),
        ("by-nc-nd", "2.5", "CC BY-NC-ND 2.5"),
    ],
)
def test_openverse_licence_codes_become_canonical_names(code, version, name):
    assert openverse_licence(code, version) == name


def test_an_openverse_error_gives_one_clear_line(fake_http, session):
    fake_http.route(PATH, Reply.json({"detail": "Invalid page: must be at most 20."}, status=400))

    with pytest.raises(
        SourceError,
        match=r"^Could not reach 127\.0\.0\.1:\d+: HTTP 400 Bad Request \(Invalid page: must be at most 20\.\)\.$",
    ):
        list(source(fake_http, session).candidates())


def test_the_file_type_gives_the_mime_type_and_formats_made_for_photos_are_offered(fake_http, session):
    results = [result(1), {**result(2), "filetype": "tiff"}, {**result(3), "filetype": "heic"}]
    fake_http.route(PATH, page_of(results, page=1, page_count=1, result_count=3))

    items = list(source(fake_http, session).candidates())

    assert [item.mime for item in items] == ["image/jpeg", "image/tiff", "image/heic"]
