"""Full-text search in the database: SQLite's FTS5 and PostgreSQL's text search behind one field.

The index is the table `gallery_image_search` (model `ImageSearch`), one row per photo, written only
by the database triggers of migration `gallery 0010_image_search`, so every way a photo or tag
changes (the ORM, bulk updates, tag merges, near-duplicate merges, deletes and cascades) keeps it
right without any Python code remembering to.

- On SQLite it is an FTS5 table (porter stemmer: "boats" finds "boat") whose rowid is the photo's
  id, with columns title, description, tags, author and camera. FTS5 names its hidden "whole row"
  column after the table, which is why the document column is called `gallery_image_search`.
- On PostgreSQL it is a table with the same two column names: the photo's id and a GIN-indexed
  `tsvector` with weights (title A, tags B, author and camera C, description D), "english" stemming.

Queries use `document__matches=terms` and `SearchScore(...)`, which compile for each database.
"""

from __future__ import annotations

from typing import Any

from django.db import NotSupportedError, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func, Lookup
from django.db.models.sql.compiler import SQLCompiler

from gallery.analysis.search_terms import SearchTerms, fts5_query

# PostgreSQL's text search configuration: English stemming and stop words.
PG_CONFIG = "english"
# FTS5 bm25 column weights, in the table's column order: title, description, tags, author, camera.
# A word in the title or tags says more about the photo than one in a long description.
FTS5_WEIGHTS = (10.0, 2.0, 6.0, 4.0, 3.0)

_SqlParams = tuple[str, list[Any]]


def _unsupported(connection: BaseDatabaseWrapper) -> NotSupportedError:
    return NotSupportedError(f"Photo search needs SQLite (FTS5) or PostgreSQL, not {connection.vendor}.")


class SearchDocumentField(models.TextField):
    """The search index's document: FTS5's hidden table column, or a tsvector on PostgreSQL."""


@SearchDocumentField.register_lookup
class Matches(Lookup):
    """`document__matches=SearchTerms(...)`: the photo holds every word (stemmed)."""

    lookup_name = "matches"
    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> _SqlParams:
        raise _unsupported(connection)

    def _terms(self) -> SearchTerms:
        if not isinstance(self.rhs, SearchTerms) or not self.rhs:
            raise ValueError("matches needs non-empty SearchTerms")
        return self.rhs

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> _SqlParams:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} MATCH %s", [*params, fts5_query(self._terms())]

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> _SqlParams:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} @@ plainto_tsquery('{PG_CONFIG}'::regconfig, %s)", [*params, self._terms().text]


class SearchScore(Func):
    """How well a matching photo fits the words: higher is better (only where `matches` holds)."""

    output_field = models.FloatField()

    def __init__(self, document: Any, terms: SearchTerms) -> None:
        super().__init__(document)
        self.terms = terms

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **kwargs: Any) -> _SqlParams:
        raise _unsupported(connection)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> _SqlParams:
        # bm25() is lower for better matches; it must run in the query that holds the MATCH.
        document, params = compiler.compile(self.source_expressions[0])
        weights = ", ".join(str(weight) for weight in FTS5_WEIGHTS)
        return f"-bm25({document}, {weights})", list(params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> _SqlParams:
        document, params = compiler.compile(self.source_expressions[0])
        # As double precision: a real's text form does not read back as the same double, and the
        # viewer's neighbours compare a photo's rank with the rank read back (gallery.cursor).
        sql = f"ts_rank({document}, plainto_tsquery('{PG_CONFIG}'::regconfig, %s))::double precision"
        return sql, [*params, self.terms.text]
