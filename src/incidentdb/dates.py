"""Partial dates: what the report says about when, and the bounds it implies.

A report rarely gives a day. "In January", "in early 2021", "Throughout 2021" and
"a year earlier" are all dates, of different precision. A `PartialDate` keeps the
phrase as written, its normalised EDTF form (a small subset: ISO prefixes,
seasons, quarters, halves and intervals), the precision, the earliest and latest
day it may mean, and whether the claim holds over the whole period.

Never invent: the bounds are the widest the words allow.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import MAXYEAR, date

from incidentdb.errors import IncidentdbError

PRECISIONS = ("day", "month", "part-of-year", "year", "interval")

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}

# EDTF level-2 sub-year groupings we accept: (first month, last month, year offset of last month)
SUB_YEAR = {
    21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 14),  # seasons (northern); winter runs into Feb
    33: (1, 3), 34: (4, 6), 35: (7, 9), 36: (10, 12),   # quarters
    40: (1, 6), 41: (7, 12),                            # halves
}


class DateError(IncidentdbError, ValueError):
    """A date that cannot be, or a phrase that does not match its EDTF form."""


@dataclass(frozen=True)
class PartialDate:
    text: str | None
    edtf: str
    precision: str
    start: date | None
    end: date | None
    throughout: bool = False

    def __str__(self) -> str:
        return self.text or self.edtf

    @functools.cached_property
    def _columns(self) -> dict[str, object]:
        return {
            "date_text": self.text,
            "date_edtf": self.edtf,
            "date_precision": self.precision,
            "date_start": self.start,
            "date_end": self.end,
            "date_throughout": self.throughout,
        }

    def as_columns(self) -> dict[str, object]:
        """The values of the `date_*` columns of a dated table (a shared dict: do not change)."""
        return self._columns


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _single_bounds(edtf: str) -> tuple[date, date, str]:
    """Bounds and precision of one EDTF date (no interval)."""
    m = re.fullmatch(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", edtf)
    if not m:
        _refuse_other_digits(edtf, "EDTF date")
        raise DateError(f"not an EDTF date: {edtf!r}")
    year = int(m[1])
    if year < 1:
        raise DateError(f"year out of range in {edtf!r}")
    if m[2] is None:
        return date(year, 1, 1), date(year, 12, 31), "year"
    part = int(m[2])
    if m[3] is None:
        if 1 <= part <= 12:
            return date(year, part, 1), _last_day(year, part), "month"
        if part in SUB_YEAR:
            first, last = SUB_YEAR[part]
            last_year = year + (last - 1) // 12
            if last_year > MAXYEAR:  # winter 9999 ends in February 10000
                raise DateError(f"year out of range in {edtf!r}")
            return date(year, first, 1), _last_day(last_year, (last - 1) % 12 + 1), "part-of-year"
        raise DateError(f"month {part} out of range in {edtf!r}")
    if not 1 <= part <= 12:
        raise DateError(f"month {part} out of range in {edtf!r}")
    day = int(m[3])
    try:
        exact = date(year, part, day)
    except ValueError:
        raise DateError(f"no such day: {edtf!r}") from None
    return exact, exact, "day"


def _refuse_other_digits(text: str, what: str) -> None:
    """DateError naming the first digit that is not ASCII 0-9, if there is one.

    Python's `\\d` and `int()` accept every script's digits ("٢٠٢١" is 2021): a date
    written so would be stored and exported as written, and compare unlike its value.
    """
    for ch in text:
        if ch.isdigit() and not "0" <= ch <= "9":
            raise DateError(f"{what} {text!r} has a digit that is not ASCII 0-9: {ch!r} "
                            f"(U+{ord(ch):04X})")


def ascii_whole_number(text: str) -> int:
    """The value of a whole number written in ASCII digits 0-9 only; ValueError otherwise.

    For command-line options (years, limits): `int()` alone would take "٢٠٢١" or "2_021".
    """
    if not re.fullmatch(r"[0-9]+", text or ""):
        raise ValueError(f"not a whole number in digits 0-9: {text!r}")
    return int(text)


def parse_edtf(edtf: str) -> tuple[date | None, date | None, str]:
    """Return (start, end, precision) of an EDTF string from our subset."""
    if not isinstance(edtf, str) or not edtf:
        raise DateError(f"not an EDTF date: {edtf!r}")
    if "/" not in edtf:
        return _single_bounds(edtf)
    left, _, right = edtf.partition("/")
    if left in ("..", "") and right in ("..", ""):
        raise DateError(f"interval open at both ends: {edtf!r}")
    start = None if left in ("..", "") else _single_bounds(left)[0]
    end = None if right in ("..", "") else _single_bounds(right)[1]
    if start and end and start > end:
        raise DateError(f"interval bounds out of order: {edtf!r}")
    return start, end, "interval"


_MONTH = "(" + "|".join(MONTHS) + ")"
_LEAD = r"(?:(?:also\s+)?(?:in|on|during|by)\s+|(throughout)\s+)?"
_TAIL = r"(?:\s+alone)?\.?"
_YEAR = r"([0-9]{4})"  # ASCII digits only: `\d` would take "٢٠٢١"
_AND_YEAR = r"(?:\s+" + _YEAR + ")?"


def edtf_of_phrase(phrase: str, default_year: int) -> tuple[str, bool] | None:
    """Normalise a date phrase the parser understands; None when it cannot.

    Returns (edtf, throughout). Months without a year take `default_year`.
    """
    s = " ".join(phrase.lower().split())
    m = re.fullmatch(_LEAD + r"(.*?)" + _TAIL, s)
    if not m:
        return None
    throughout, body = bool(m[1]), m[2]
    body = re.sub(r"^the\s+", "", body)
    if body in ("the year", "year"):
        return str(default_year), throughout

    def year_of(group: str | None) -> int:
        return int(group) if group else default_year

    if m2 := re.fullmatch(_MONTH + r"\s+([0-9]{1,2})(?:,?\s+" + _YEAR + ")?", body):
        month, day, year = MONTHS[m2[1]], int(m2[2]), year_of(m2[3])
        return f"{year:04d}-{month:02d}-{day:02d}", throughout
    if m2 := re.fullmatch(_MONTH + _AND_YEAR, body):
        return f"{year_of(m2[2]):04d}-{MONTHS[m2[1]]:02d}", throughout
    if m2 := re.fullmatch(_MONTH + r"\s+(?:and|to|through)\s+" + _MONTH + _AND_YEAR, body):
        year = year_of(m2[3])
        return f"{year:04d}-{MONTHS[m2[1]]:02d}/{year:04d}-{MONTHS[m2[2]]:02d}", throughout
    if m2 := re.fullmatch(_YEAR, body):
        return m2[1], throughout
    if m2 := re.fullmatch(r"(early|first half of|late|second half of)\s+" + _YEAR, body):
        half = 40 if m2[1] in ("early", "first half of") else 41
        return f"{m2[2]}-{half}", throughout
    return None


@functools.lru_cache(maxsize=4096)
def partial_date(text: str | None, default_year: int, edtf: str | None = None) -> PartialDate:
    """Build a PartialDate from a phrase, an EDTF form, or both (which must agree)."""
    throughout = False
    if text is not None:
        derived = edtf_of_phrase(text, default_year)
        if derived is not None:
            derived_edtf, throughout = derived
            if edtf is not None and edtf != derived_edtf:
                raise DateError(
                    f"date phrase {text!r} means {derived_edtf!r}, not {edtf!r}"
                )
            edtf = derived_edtf
        elif edtf is None:
            _refuse_other_digits(text, "date phrase")
            raise DateError(f"date phrase {text!r} is not understood: give its edtf form too")
        throughout = throughout or text.lower().lstrip().startswith("throughout")
    if edtf is None:
        raise DateError("a date needs a phrase or an edtf form")
    start, end, precision = parse_edtf(edtf)
    return PartialDate(text, edtf, precision, start, end, throughout)


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of a `YYYY-MM` month; DateError for anything else."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", month or ""):
        raise DateError(f"not a month (YYYY-MM): {month!r}")
    if not 1 <= int(month[5:]) <= 12:  # 2021-40 is a half-year, not a month
        raise DateError(f"month {int(month[5:])} out of range in {month!r}")
    start, end, _ = _single_bounds(month)
    return start, end


# --- bounds, as shown ----------------------------------------------------------------------


def bound_text(day: date, latest: bool = False) -> str:
    """A bound at the precision it has: the first day of a year (as an earliest day) or
    its last day (as a latest day) is the year, likewise a month; else the day."""
    if not latest and (day.month, day.day) == (1, 1) or latest and (day.month, day.day) == (12, 31):
        return f"{day.year:04d}"
    if not latest and day.day == 1 or latest and day == _last_day(day.year, day.month):
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def bounds_label(earliest: date | None, latest: date | None, earliest_basis: str | None,
                 latest_basis: str | None, stated: bool, earliest_from: str | None = None,
                 latest_from: str | None = None) -> str:
    """What the derived bounds add to a record's stated date: "not before 2021-03; not
    after 2021-07" (only the bounds that are derived, or given by a further source's
    tighter date, or, for a record without a stated date, stated by a report date); ""
    when they add nothing."""
    def adds(basis: str | None, origin: str | None) -> bool:
        return basis == "derived" or not stated or (origin or "").startswith("evidence:")

    parts = []
    if earliest is not None and adds(earliest_basis, earliest_from):
        parts.append(f"not before {bound_text(earliest)}")
    if latest is not None and adds(latest_basis, latest_from):
        parts.append(f"not after {bound_text(latest, latest=True)}")
    return "; ".join(parts)


def single_month(earliest: date | None, latest: date | None) -> str:
    """YYYY-MM when the whole span lies in one month; "" otherwise."""
    if earliest is None or latest is None or (earliest.year, earliest.month) != (
            latest.year, latest.month):
        return ""
    return f"{earliest.year:04d}-{earliest.month:02d}"
