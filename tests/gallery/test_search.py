"""Search over titles, descriptions, tags, authors and cameras on SQLite (FTS5): the shared cases in
search_cases.py (also run on PostgreSQL by tests/integration/test_search_postgres.py), the words a
query is read as, and the index's triggers."""

from __future__ import annotations

import pytest
from django.db import connection

from gallery.analysis.search_terms import MAX_SEARCH_WORDS, clean_search_text, fts5_query, search_terms
from tests.gallery.search_cases import *  # noqa: F403

pytestmark = pytest.mark.django_db

TRIGGERS = {
    "gallery_image_search_insert",
    "gallery_image_search_update",
    "gallery_image_search_delete",
    "gallery_imagetag_search_insert",
    "gallery_imagetag_search_delete",
    "gallery_imagetag_search_update",
    "gallery_tag_search_rename",
}


def test_every_search_trigger_is_there_after_all_migrations() -> None:
    # On SQLite a later migration that rebuilds gallery_image or gallery_imagetag (AlterField, a
    # non-null AddField) drops their triggers with the old table: this says so before users do.
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    assert present >= TRIGGERS


@pytest.mark.parametrize(
    ("typed", "words", "ignored"),
    [
        ("Boats at  the HARBOUR", ("boats", "harbour"), ("at", "the")),
        ('"quoted" -minus NEAR(a b) col:umn', ("quoted", "minus", "near", "b", "col", "umn"), ("a",)),
        ("snake_case déjà-vu 5D", ("snake", "case", "déjà", "vu", "5d"), ()),
        ("the of and", (), ("the", "of", "and")),
        ("boat boat Boat", ("boat",), ()),
    ],
)
def test_search_text_is_read_as_words(typed: str, words: tuple[str, ...], ignored: tuple[str, ...]) -> None:
    terms = search_terms(typed)
    assert (terms.words, terms.ignored) == (words, ignored)


def test_a_long_paste_is_cut_to_the_first_words_and_says_so() -> None:
    terms = search_terms(" ".join(f"word{n}" for n in range(100)))
    assert len(terms.words) == MAX_SEARCH_WORDS
    assert terms.truncated


def test_the_fts5_query_quotes_every_word() -> None:
    assert fts5_query(search_terms('boat" OR x*')) == '"boat" "x"'


def test_control_characters_are_cleaned_from_the_text_shown_back() -> None:
    assert clean_search_text("  boat\x00\x07 lake\n") == "boat lake"
