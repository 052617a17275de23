"""Span classes (incidentdb.spans): the window condition read from index ranges is the
overlap itself, on every dated table of the bundled data, for every kind of window."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import and_, func, select

from incidentdb.models import dated
from incidentdb.models.chronology import SPAN_CLASSES, UNDATED, WIDE
from incidentdb.spans import DAWN, DOOM, overlapping, undated

WINDOWS = [(date(2021, m, 1), date(2021, m + 1, 1)) for m in range(1, 12)] + [
    (date(y, 1, 1), date(y, 12, 31)) for y in range(2015, 2023)] + [
    (None, date(2020, 6, 30)), (date(2020, 6, 1), None), (None, None),
    (date(2021, 3, 15), date(2021, 3, 15)), (date(1, 1, 2), date(1, 1, 3))]


@pytest.mark.parametrize("table", [d.name for d in dated()])
def test_each_record_is_in_the_class_its_bounds_make(session, table):
    t = next(d.table for d in dated() if d.name == table)
    rows = session.execute(select(t.c.id, t.c.sort_earliest, t.c.sort_latest, t.c.span_class,
                                  undated(t).label("undated"))).all()
    assert rows
    for record_id, earliest, latest, span_class, is_undated in rows:
        if is_undated:
            expected = UNDATED
        else:
            days = (latest - earliest).days
            expected = next((k for k in range(SPAN_CLASSES) if days < 2 ** k), WIDE)
        assert span_class == expected, (record_id, earliest, latest)
    classes = {r.span_class for r in rows}
    assert len(classes) > 1, classes  # the data has records of several classes


@pytest.mark.parametrize("table", [d.name for d in dated()])
def test_overlapping_is_the_overlap(session, table):
    t = next(d.table for d in dated() if d.name == table)
    found_any = False
    for start, end in WINDOWS:
        plain = and_(t.c.sort_earliest <= (end or DOOM), t.c.sort_latest >= (start or DAWN))
        expected = set(session.scalars(select(t.c.id).where(plain)))
        got = set(session.scalars(select(t.c.id).where(overlapping(t, start, end))))
        assert got == expected, (start, end)
        found_any = found_any or bool(expected)
    assert found_any
    total = session.scalar(select(func.count()).select_from(t))
    assert len(set(session.scalars(select(t.c.id).where(overlapping(t, None, None))))) == total
