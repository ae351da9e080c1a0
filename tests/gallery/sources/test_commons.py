"""Commons source against a fake MediaWiki Action API answering in formatversion=2 shapes."""

import socket
from datetime import UTC, datetime, timedelta, timezone
from itertools import islice
from typing import Any

import pytest

from gallery.sources.base import Candidate, Rejection, SourceError, first_photos
from gallery.sources.commons import CommonsSource
from gallery.sources.http import make_session
from tests.gallery.sources.conftest import TEST_USER_AGENT
from tests.support.fake_http import Reply

API = "/w/api.php"


def meta(value):
    return {"value": value, "source": "commons-desc-page", "hidden": ""}


def commons_page(
    pageid,
    name,
    *,
    mime="image/jpeg",
    licence="CC BY-SA 4.0",
    licence_url="https://creativecommons.org/licenses/by-sa/4.0",
    artist='<a href="//commons.wikimedia.org/wiki/User:Ann_Example" title="User:Ann Example">Ann Example</a>',
    categories="Red foxes|Animals in Norway",
    taken=None,
    with_info=True,
):
    """One page of generator+prop=imageinfo output, as Commons sends it with formatversion=2."""
    page: dict[str, Any] = {"pageid": pageid, "ns": 6, "title": f"File:{name}"}
    if not with_info:
        return page
    underscored = name.replace(" ", "_")
    extmetadata = {
        "ObjectName": meta(name.rsplit(".", 1)[0]),
        "ImageDescription": meta(f"<p>A photo of <b>{name.rsplit('.', 1)[0]}</b>.</p>"),
        "Artist": meta(artist),
        "LicenseShortName": meta(licence),
        "Categories": meta(categories),
    }
    if licence_url:
        extmetadata["LicenseUrl"] = meta(licence_url)
    if taken:
        extmetadata["DateTimeOriginal"] = meta(taken)
    page["imagerepository"] = "local"
    page["imageinfo"] = [
        {
            "timestamp": "2021-03-04T05:06:07Z",
            "size": 1000 + pageid,
            "width": 4000,
            "height": 3000,
            "url": f"https://upload.wikimedia.org/wikipedia/commons/a/ab/{underscored}",
            "descriptionurl": f"https://commons.wikimedia.org/wiki/File:{underscored}",
            "descriptionshorturl": f"https://commons.wikimedia.org/w/index.php?curid={pageid}",
            "sha1": f"{pageid:040x}",
            "mime": mime,
            "extmetadata": extmetadata,
        }
    ]
    return page


def answer(pages, *, cont=None, complete=True):
    body: dict[str, Any] = {"query": {"pages": pages}}
    if complete:
        body["batchcomplete"] = True
    if cont:
        body["continue"] = cont
    return Reply.json(body)


def source(fake_http, session, query="Category:Red foxes", **options):
    return CommonsSource(query, api_url=fake_http.url(API), session=session, timeout=(2, 2), **options)


def test_it_follows_a_category_over_three_batches_sending_the_continue_values_back(fake_http, session):
    def api(request):
        step = request.params.get("gcmcontinue")
        if step is None:
            return answer(
                [commons_page(11, "Fox 1.jpg"), commons_page(12, "Fox 2.jpg")],
                cont={"gcmcontinue": "file|464f5820332e4a5047|13", "continue": "gcmcontinue||"},
            )
        if step == "file|464f5820332e4a5047|13":
            return answer(
                [commons_page(13, "Fox 3.jpg")],
                cont={"gcmcontinue": "file|464f5820342e4a5047|14", "continue": "gcmcontinue||"},
            )
        return answer([commons_page(14, "Fox 4.jpg")])

    fake_http.route(API, api)

    items = list(source(fake_http, session).candidates())

    assert [item.source_id for item in items] == ["11", "12", "13", "14"]
    first, second, third = fake_http.requests
    assert first.params["generator"] == "categorymembers"
    assert first.params["gcmtitle"] == "Category:Red foxes"
    assert first.params["gcmtype"] == "file"
    assert first.params["formatversion"] == "2"
    assert first.params["prop"] == "imageinfo"
    assert set(first.params["iiprop"].split("|")) == {
        "url",
        "size",
        "mime",
        "sha1",
        "extmetadata",
        "timestamp",
    }
    assert "LicenseShortName" in first.params["iiextmetadatafilter"].split("|")
    assert second.params["gcmcontinue"] == "file|464f5820332e4a5047|13"
    assert second.params["continue"] == "gcmcontinue||"
    assert third.params["gcmcontinue"] == "file|464f5820342e4a5047|14"
    assert third.params["gcmtitle"] == "Category:Red foxes"


def test_a_page_split_over_two_batches_is_listed_once_with_its_file_details(fake_http, session):
    def api(request):
        if "iicontinue" not in request.params:
            # Prop continuation: the same generator batch, imageinfo for the second page still due.
            return answer(
                [commons_page(21, "Owl.jpg"), commons_page(22, "Heron.jpg", with_info=False)],
                cont={"iicontinue": "Heron.jpg|20210304050607", "continue": "||"},
                complete=False,
            )
        return answer([commons_page(21, "Owl.jpg", with_info=False), commons_page(22, "Heron.jpg")])

    fake_http.route(API, api)

    items = list(source(fake_http, session).candidates())

    assert [(item.source_id, item.title) for item in items] == [("21", "Owl"), ("22", "Heron")]
    assert all(isinstance(item, Candidate) for item in items)
    assert fake_http.requests[1].params["iicontinue"] == "Heron.jpg|20210304050607"


def test_a_page_that_never_gets_file_details_is_refused_once_the_batch_is_complete(fake_http, session):
    fake_http.route(API, answer([commons_page(31, "Gone.jpg", with_info=False)]))

    items = list(source(fake_http, session).candidates())

    assert items == [Rejection("31", "no file information from Commons")]


def test_search_words_use_the_search_generator_in_the_file_namespace_in_rank_order(fake_http, session):
    first, second = commons_page(41, "Second.jpg"), commons_page(42, "First.jpg")
    first["index"], second["index"] = 2, 1
    fake_http.route(API, answer([first, second]))

    items = list(source(fake_http, session, query="red fox snow").candidates())

    params = fake_http.requests[0].params
    assert params["generator"] == "search"
    assert params["gsrnamespace"] == "6"
    assert params["gsrsearch"] == "red fox snow filetype:bitmap"
    assert "gcmtitle" not in params
    assert [item.title for item in items] == ["First", "Second"]


def test_it_keeps_free_licences_and_refuses_the_others_saying_which(fake_http, session):
    fake_http.route(
        API,
        answer(
            [
                commons_page(51, "Free.jpg", licence="CC BY-SA 3.0", licence_url=""),
                commons_page(52, "Not for sale.jpg", licence="CC BY-NC 2.0"),
                commons_page(53, "Zero.jpg", licence="CC0", licence_url=""),
                commons_page(54, "Manual.jpg", licence="GFDL"),
            ]
        ),
    )

    items = list(source(fake_http, session).candidates())

    kept = {item.source_id: item for item in items if isinstance(item, Candidate)}
    refused = {item.source_id: item.reason for item in items if isinstance(item, Rejection)}
    assert kept["51"].licence == "CC BY-SA 3.0"
    assert kept["51"].licence_url == "https://creativecommons.org/licenses/by-sa/3.0/"
    assert kept["53"].licence == "CC0 1.0"
    assert refused == {"52": "licence not accepted: CC BY-NC 2.0", "54": "licence not accepted: GFDL"}


def test_a_licence_the_owner_added_is_accepted(fake_http, session):
    fake_http.route(API, answer([commons_page(55, "Kodak.jpg", licence="Kodak Photo CD sampler grant")]))

    items = list(source(fake_http, session, extra_licences=["kodak photo cd sampler grant"]).candidates())

    assert isinstance(items[0], Candidate)
    assert items[0].licence == "Kodak Photo CD sampler grant"


@pytest.mark.parametrize(
    ("artist_html", "author"),
    [
        (
            '<a href="//commons.wikimedia.org/wiki/User:Jane_Doe" title="User:Jane Doe">Jane Doe</a>',
            "Jane Doe",
        ),
        (
            '<bdi><a href="https://www.wikidata.org/wiki/Q42" class="extiw" title="d:Q42">'
            '<span class="fn value">Douglas   Adams</span></a></bdi>',
            "Douglas Adams",
        ),
        ('<span class="fn">Smith &amp; Sons</span><br>Studio', "Smith & Sons Studio"),
        ("Plain Name", "Plain Name"),
    ],
)
def test_the_author_is_the_artist_without_html(fake_http, session, artist_html, author):
    fake_http.route(API, answer([commons_page(61, "Portrait.jpg", artist=artist_html)]))

    (item,) = source(fake_http, session).candidates()

    assert item.author == author
    assert item.attribution == f"Portrait by {author}, CC BY-SA 4.0, via Wikimedia Commons"


def test_the_photo_keeps_its_provenance_fields(fake_http, session):
    fake_http.route(API, answer([commons_page(62, "Red fox in snow.jpg")]))

    (item,) = source(fake_http, session).candidates()

    assert item.source == "commons"
    assert item.file_url == "https://upload.wikimedia.org/wikipedia/commons/a/ab/Red_fox_in_snow.jpg"
    assert item.source_page_url == "https://commons.wikimedia.org/wiki/File:Red_fox_in_snow.jpg"
    assert item.title == "Red fox in snow"
    assert item.description == "A photo of Red fox in snow."
    assert item.licence_url == "https://creativecommons.org/licenses/by-sa/4.0"
    assert item.expected_sha1 == f"{62:040x}"
    assert item.expected_size == 1062
    assert item.mime == "image/jpeg"


def test_categories_become_tags_without_licence_and_maintenance_ones(fake_http, session):
    categories = "|".join(
        [
            "Red foxes",
            "Winter in Norway",
            "CC-BY-SA-4.0",
            "Self-published work",
            "Uploaded with UploadWizard",
            "Quality images",
            "Featured pictures on Wikimedia Commons",
            "Files with no machine-readable author",
            "PD-self",
            "Pages with maps",
            "Taken with Nikon D850",
        ]
    )
    fake_http.route(API, answer([commons_page(71, "Fox.jpg", categories=categories)]))

    (item,) = source(fake_http, session).candidates()

    assert item.tags == ("red foxes", "winter in norway")


@pytest.mark.parametrize(
    ("taken", "taken_at"),
    [
        (
            '<time class="dtstart" datetime="2017-07-13">2017-07-13 12:09:23</time>',
            datetime(2017, 7, 13, 12, 9, 23, tzinfo=UTC),
        ),
        ("2010-08-04 08:43:15", datetime(2010, 8, 4, 8, 43, 15, tzinfo=UTC)),
        ("2010:08:04 08:43:15+02:00", datetime(2010, 8, 4, 8, 43, 15, tzinfo=timezone(timedelta(hours=2)))),
        (
            "2010-08-04T08:43-05:30",
            datetime(2010, 8, 4, 8, 43, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
        ),
        ('<time class="dtstart" datetime="1998-05">May 1998</time>', None),
        ("2019-02-30", None),
        ("2015-06-01", datetime(2015, 6, 1, tzinfo=UTC)),
    ],
)
def test_the_date_taken_is_read_from_its_markup(fake_http, session, taken, taken_at):
    fake_http.route(API, answer([commons_page(81, "Dated.jpg", taken=taken)]))

    (item,) = source(fake_http, session).candidates()

    assert item.taken_at == taken_at


def test_drawings_and_other_non_photo_files_are_refused(fake_http, session):
    fake_http.route(
        API,
        answer(
            [
                commons_page(91, "Logo.svg", mime="image/svg+xml"),
                commons_page(92, "Animation.gif", mime="image/gif"),
                commons_page(93, "Photo.webp", mime="image/webp"),
                commons_page(94, "Scan.tif", mime="image/tiff"),
                commons_page(95, "Phone.heic", mime="image/heic"),
            ]
        ),
    )

    items = list(source(fake_http, session).candidates())

    assert items[0] == Rejection("91", "not a bitmap photo (image/svg+xml)")
    assert items[1] == Rejection("92", "not a bitmap photo (image/gif)")
    assert [item.mime for item in items[2:] if isinstance(item, Candidate)] == [
        "image/webp",
        "image/tiff",
        "image/heic",
    ]


def test_an_api_error_answer_stops_the_listing_with_its_message(fake_http, session):
    fake_http.route(
        API,
        Reply.json(
            {
                "error": {
                    "code": "badvalue",
                    "info": 'Unrecognized value for parameter "generator": categorymember.',
                    "docref": "See https://commons.wikimedia.org/w/api.php for API usage.",
                },
                "servedby": "mw-api-ext.eqiad.main-1",
            }
        ),
    )

    with pytest.raises(SourceError, match='Unrecognized value for parameter "generator"'):
        list(source(fake_http, session).candidates())


def test_a_busy_server_is_asked_again_and_the_listing_succeeds(fake_http, session):
    replies = iter(
        [Reply(503, b"Service Unavailable", {"Retry-After": "0"}), answer([commons_page(101, "A.jpg")])]
    )
    fake_http.route(API, lambda request: next(replies))

    items = list(source(fake_http, session).candidates())

    assert [item.source_id for item in items] == ["101"]
    assert fake_http.hits(API) == 2


def test_a_server_that_stays_busy_gives_one_clear_line(fake_http, session):
    fake_http.route(API, Reply(503, b"Service Unavailable"))

    with pytest.raises(SourceError) as error:
        list(source(fake_http, session).candidates())

    assert (
        str(error.value)
        == f"Could not reach {fake_http.base_url[7:]}: HTTP 503 Service Unavailable after 2 retries."
    )
    assert fake_http.hits(API) == 3


def test_a_dead_server_gives_one_clear_line(session):
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = CommonsSource("Category:Red foxes", api_url=f"http://127.0.0.1:{port}{API}", session=session)

    with pytest.raises(SourceError) as error:
        list(dead.candidates())

    assert str(error.value) == f"Could not reach 127.0.0.1:{port}: connection refused."


def test_a_stalled_server_times_out_with_a_clear_line(fake_http):
    fake_http.route(API, Reply(200, b"{}", {"Content-Type": "application/json"}, delay=1.0))
    patient_once = make_session(TEST_USER_AGENT, retries=0, backoff=0.0)
    stalled = CommonsSource(
        "Category:Red foxes", api_url=fake_http.url(API), session=patient_once, timeout=(1, 0.2)
    )

    with pytest.raises(SourceError, match=r"^Could not reach 127\.0\.0\.1:\d+: no answer within 0\.2 s\.$"):
        list(stalled.candidates())


def test_it_introduces_itself_with_a_descriptive_user_agent(fake_http, session):
    fake_http.route(API, answer([commons_page(111, "A.jpg")]))

    list(source(fake_http, session).candidates())

    assert fake_http.requests[0].headers["User-Agent"] == TEST_USER_AGENT


def test_it_stops_at_the_limit_and_only_counts_photos_it_keeps(fake_http, session):
    pages = [commons_page(120, "Nc.jpg", licence="CC BY-NC 4.0")] + [
        commons_page(121 + i, f"P{i}.jpg") for i in range(5)
    ]
    fake_http.route(API, answer(pages, cont={"gcmcontinue": "file|next|200", "continue": "gcmcontinue||"}))

    items = list(first_photos(source(fake_http, session).candidates(), 3))

    assert [item.source_id for item in items] == ["120", "121", "122", "123"]
    assert fake_http.hits(API) == 1


def test_pages_are_fetched_only_when_the_consumer_wants_more(fake_http, session):
    fake_http.route(
        API,
        answer(
            [commons_page(131 + i, f"P{i}.jpg") for i in range(5)],
            cont={"gcmcontinue": "file|next|200", "continue": "gcmcontinue||"},
        ),
    )
    listing = source(fake_http, session).candidates()

    assert fake_http.hits(API) == 0
    taken = list(islice(listing, 3))

    assert len(taken) == 3
    assert fake_http.hits(API) == 1


def test_an_empty_query_is_refused_before_any_request():
    with pytest.raises(SourceError, match="category"):
        CommonsSource(
            "  ",
            api_url="http://127.0.0.1:9/w/api.php",
            session=make_session("x", retries=0, backoff=0),
        )
