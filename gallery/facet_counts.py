"""How many listed photos share each value of their own columns, for several filters in one pass.

The gallery's filter counts (gallery.selectors.gallery_facets) group the same set of photos by
eight of their columns. Grouped one query at a time, that set is read eight times; here it is read
once into a common table expression, and each grouping reads that:

    WITH listed (colour, orientation, …) AS MATERIALIZED (SELECT … the filtered photos …)
    SELECT 'orientation', orientation, NULL, COUNT(*) FROM listed GROUP BY orientation
    UNION ALL SELECT 'camera', make, model, COUNT(*) FROM listed GROUP BY make, model …

The photos' query comes from the ORM, so both databases get their own SQL for the filters; the
outer statement is plain SQL that PostgreSQL and SQLite (3.35 and later) both run. Every value comes
back as text (None for an empty one); gallery.selectors turns the counts into options.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear

from gallery.models import Image

# Each counted filter, and the columns of a photo it groups by (one or two; the camera's make and
# model together, so that a model is counted under its own make).
GROUPINGS: dict[str, tuple[str, ...]] = {
    "colour": ("colour_families",),
    "orientation": ("orientation",),
    "size": ("size_class",),
    "year": ("taken_year",),
    "camera": ("camera_make", "camera_model"),
    "licence": ("licence",),
    "source": ("source",),
    "quality": ("quality_score",),
}
# Columns computed from a photo's fields rather than stored.
_COMPUTED: dict[str, Any] = {"taken_year": ExtractYear("taken_at")}
# Values read as numbers, turned to text so that every grouping returns the same types.
_NUMERIC = {"taken_year", "quality_score"}

Counts = dict[tuple[str | None, ...], int]


def column_counts(images: QuerySet[Image], names: Sequence[str]) -> dict[str, Counts]:
    """For each filter in `names` (keys of GROUPINGS), how many of `images` have each value of its
    columns, as {(value, …): count}; one query whatever the number of names."""
    if not names:
        return {}
    wanted = {column for name in names for column in GROUPINGS[name]}
    # The ORM selects a photo's own fields first, then computed ones: the CTE names them in that order.
    columns = sorted(wanted - set(_COMPUTED)) + sorted(wanted & set(_COMPUTED))
    listed = images.annotate(**{c: _COMPUTED[c] for c in wanted & set(_COMPUTED)}).order_by()
    counts: dict[str, Counts] = {name: {} for name in names}
    try:
        inner_sql, params = listed.values_list(*columns).query.sql_with_params()
    except EmptyResultSet:  # a query that can match nothing (a search with no words)
        return counts
    branches = [_grouping_sql(name) for name in names]
    sql = f"WITH listed ({', '.join(columns)}) AS MATERIALIZED ({inner_sql}) " + " UNION ALL ".join(branches)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for name, first, second, n in cursor.fetchall():
            key = (first,) if len(GROUPINGS[name]) == 1 else (first, second)
            counts[name][key] = int(n)
    return counts


def _grouping_sql(name: str) -> str:
    columns = GROUPINGS[name]
    values = [_as_text(column) for column in columns] + ["NULL"] * (2 - len(columns))
    # `name` and the columns are this module's own constants, never a visitor's input.
    return f"SELECT '{name}', {', '.join(values)}, COUNT(*) FROM listed GROUP BY {', '.join(columns)}"


def _as_text(column: str) -> str:
    return f"CAST(CAST({column} AS INTEGER) AS TEXT)" if column in _NUMERIC else column
