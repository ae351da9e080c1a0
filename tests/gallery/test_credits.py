"""The credit line (TASL): the words a reuser pastes under a photo, as text and as HTML."""

from __future__ import annotations

import pytest

from gallery.credits import image_credit, tasl_credit
from tests.factories import make_image


def test_a_cc_by_sa_photo_names_title_author_source_and_licence_with_their_addresses():
    credit = tasl_credit(
        title="Harbour at dawn",
        author="Jane Doe",
        source_name="Wikimedia Commons",
        source_url="https://commons.wikimedia.org/wiki/File:Harbour.jpg",
        licence="CC-BY-SA-4.0",
    )
    assert credit.text == (
        "“Harbour at dawn” by Jane Doe, via Wikimedia Commons "
        "(https://commons.wikimedia.org/wiki/File:Harbour.jpg), is licensed under CC BY-SA 4.0 "
        "(https://creativecommons.org/licenses/by-sa/4.0/)."
    )
    assert credit.html == (
        '<a href="https://commons.wikimedia.org/wiki/File:Harbour.jpg" rel="noopener">“Harbour at dawn”</a>'
        " by Jane Doe, via Wikimedia Commons, is licensed under "
        '<a href="https://creativecommons.org/licenses/by-sa/4.0/" rel="noopener">CC BY-SA 4.0</a>.'
    )


@pytest.mark.parametrize(
    ("licence", "wording"),
    [
        ("CC0", "is marked with CC0 1.0"),
        ("Public Domain Mark 1.0", "is marked with Public Domain Mark 1.0"),
        ("PD-self", "is in the public domain."),
        ("No known copyright restrictions", "has no known copyright restrictions."),
        ("CC BY 2.0", "is licensed under CC BY 2.0"),
    ],
)
def test_public_domain_photos_are_marked_not_licensed(licence, wording):
    credit = tasl_credit(title="Moon", author="NASA", source_name="", source_url="", licence=licence)
    assert wording in credit.text


def test_an_untitled_photo_by_an_unknown_author_still_gets_a_credit():
    credit = tasl_credit(title=" ", author="", source_name="", source_url="", licence="CC BY 4.0")
    assert credit.text.startswith("Untitled photo (author unknown) is licensed under CC BY 4.0")


def test_the_html_escapes_what_the_source_wrote():
    credit = tasl_credit(
        title='<script>alert("x")</script>',
        author="Tom & Jerry",
        source_name="",
        source_url='https://example.org/a"b',
        licence="CC BY 4.0",
    )
    assert "<script>" not in credit.html
    assert "&lt;script&gt;" in credit.html
    assert "Tom &amp; Jerry" in credit.html
    assert 'href="https://example.org/a&quot;b"' in credit.html
    assert '<script>alert("x")</script>' in credit.text  # plain text is not HTML


def test_a_stated_licence_url_wins_over_the_deed(db):
    image = make_image(
        licence="CC BY 3.0 de", licence_url="https://creativecommons.org/licenses/by/3.0/de/deed.en"
    )
    assert "(https://creativecommons.org/licenses/by/3.0/de/deed.en)" in image_credit(image).text


def test_a_folder_photo_does_not_claim_a_source_by_name(db):
    image = make_image(source="folder", source_page_url="", title="Pier", author="Sam")
    assert image_credit(image).text == (
        "“Pier” by Sam is licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)."
    )


def test_the_api_and_the_photo_page_give_the_same_credit(client, db):
    image = make_image(title="Lighthouse", author="Ada")
    credit = image_credit(image)
    record = client.get(f"/api/v1/photos/{image.pk}").json()
    assert record["attribution"]["credit"] == credit.text
    page = client.get(f"/photos/{image.pk}/").content.decode()
    assert credit.html in page
    assert "Wikimedia Commons" in credit.text
