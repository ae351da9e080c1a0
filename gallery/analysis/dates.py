"""The range of dates a photo can have been taken in. No Django here.

A file can claim any date its EXIF or its source states: year 1, year 9999, with an offset of up to
14 hours either way. Such a date shifted to UTC can fall outside what Python's datetime (and so
psycopg) can read back, and PostgreSQL would store it anyway, taking down every page that loads the
row. So dates are kept only between EARLIEST_TAKEN_AT (1826, the oldest surviving photograph, Niépce's
"View from the Window at Le Gras") and one day after now (one day: a camera's clock in the
furthest-ahead time zone); anything else is dropped with a warning.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

EARLIEST_TAKEN_AT: Final = datetime(1826, 1, 1, tzinfo=UTC)
LATEST_AHEAD_OF_NOW: Final = timedelta(days=1)


def is_plausible_taken_at(moment: datetime, *, now: datetime) -> bool:
    """True when an aware `moment` lies between 1826 and a day after `now` (aware too)."""
    # Aware datetimes compare by their UTC instants without converting, so a year-9999 date with a
    # -14:00 offset cannot overflow here the way moment.astimezone(UTC) would.
    return EARLIEST_TAKEN_AT <= moment <= now + LATEST_AHEAD_OF_NOW


def implausible_date_warning(moment: datetime) -> str:
    return (
        f"date taken {moment.isoformat()} is outside {EARLIEST_TAKEN_AT.year} to tomorrow; "
        "kept the photo without a date"
    )
