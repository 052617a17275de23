"""Which dated records may lie in a window, read from index ranges.

A record may lie in a window [start, end] when its bounds overlap it: it begins no
later than `end` and ends no earlier than `start`. Asked as two comparisons, no index
bounds the answer: every record that begins before `end` must be looked at, most of
a large table for a recent month. So each record carries a span class
(`Bounded.span_class`, set by `classify` after every derivation): class k holds the
records whose bounds are at most 2**k - 1 days apart (k = 0 … 16, up to 179 years),
WIDE those further apart or open at the start, UNDATED those with no bound but their
source's publication. A record of class k that overlaps the window begins within
2**k - 1 days before `start`: one index range per class, on (span_class,
sort_earliest, sort_latest), finds them all, and reads about as many entries as it
finds. The condition is the overlap itself, only written so that indexes serve it.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, and_, case, func, or_, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from incidentdb.models import dated
from incidentdb.models.chronology import SPAN_CLASSES, UNDATED, WIDE

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.sql.compiler import SQLCompiler

DAWN, DOOM = date.min, date.max  # sort_earliest, sort_latest of an unknown bound


class days_between(FunctionElement):
    """The days from the first date to the second (SQL)."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    first, second = (compiler.process(a, **kw) for a in element.clauses)
    return f"({second} - {first})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    first, second = (compiler.process(a, **kw) for a in element.clauses)
    return f"CAST(julianday({second}) - julianday({first}) AS INTEGER)"


def undated(table: Any) -> Any:
    """A condition: the record has no bound but its source's publication date (as
    `queries.unbounded` says "undated"). Once classified, `span_class = UNDATED`."""
    c = table.c
    # coalesce: NOT of a NULL comparison would be NULL, and drop the stated ones too
    return and_(c.earliest.is_(None),
                or_(c.latest.is_(None), func.coalesce(c.latest_from, "").like("source:%")))


def span_class(table: Any) -> Any:
    """Each record's span class, in SQL, from its bounds."""
    c = table.c
    return case((undated(table), UNDATED),
                else_=_class_of(days_between(c.sort_earliest, c.sort_latest), 0, WIDE))


def _class_of(days: Any, low: int, high: int) -> Any:
    """The class (low … high) of a span of `days`, known to be at least 2**low - 1 and
    below 2**high (WIDE: no bound), found by halving: a few comparisons, not one a class."""
    if low == high:
        return low
    middle = (low + high) // 2
    return case((days < 2 ** middle, _class_of(days, low, middle)),
                else_=_class_of(days, middle + 1, high))


def classify(conn: Connection) -> None:
    """Set every dated record's span class where it is not what its bounds make it."""
    for declared in dated():
        t = declared.table
        value = span_class(t)
        conn.execute(update(t).where(t.c.span_class.is_distinct_from(value))
                     .values(span_class=value))


def _before(day: date, days: int) -> date:
    return day - timedelta(days=days) if day - DAWN > timedelta(days=days) else DAWN


@lru_cache(maxsize=64)
def overlapping(table: Any, start: date | None, end: date | None) -> Any:
    """A condition: the record's bounds overlap [start, end] (an open end: None).

    Kept for the next call (a command's page, its count and its left-out counts ask
    the same): built of 19 ranges, it takes longer to build than to run."""
    c = table.c
    start, end = start or DAWN, end or DOOM
    near = [and_(c.span_class == k, c.sort_earliest >= _before(start, 2 ** k - 1),
                 c.sort_earliest <= end, c.sort_latest >= start) for k in range(SPAN_CLASSES)]
    far = [and_(c.span_class == k, c.sort_earliest <= end, c.sort_latest >= start)
           for k in (WIDE, UNDATED)]
    return or_(*near, *far)
