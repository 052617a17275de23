"""Unit tests of partial dates (dates.py): exact bounds and exact refusals.

Expected values are worked out from the rules in dates.py and docs/data-format.md
("Never invent: the bounds are the widest the words allow"), with the calendar:
a month ends on its last day, winter runs into February of the next year, halves
and quarters end on the last day of their last month. A refusal's message is what
a user reads on stderr (`file:line: record 'id': <message>`), so it is checked whole.
"""

from __future__ import annotations

from datetime import date

import pytest

from incidentdb.dates import (
    DateError,
    ascii_whole_number,
    edtf_of_phrase,
    month_bounds,
    parse_edtf,
)

D = date.fromisoformat


@pytest.mark.parametrize(("month", "last"), [
    ("2021-01", 31), ("2021-02", 28), ("2021-03", 31), ("2021-04", 30), ("2021-05", 31),
    ("2021-06", 30), ("2021-07", 31), ("2021-08", 31), ("2021-09", 30), ("2021-10", 31),
    ("2021-11", 30), ("2021-12", 31), ("2020-02", 29), ("2000-02", 29), ("1900-02", 28),
])
def test_a_month_runs_from_its_first_to_its_last_day(month: str, last: int) -> None:
    first = D(month + "-01")
    assert parse_edtf(month) == (first, first.replace(day=last), "month")
    assert month_bounds(month) == (first, first.replace(day=last))


@pytest.mark.parametrize(("edtf", "start", "end"), [
    ("2021", "2021-01-01", "2021-12-31"),
    ("0001", "0001-01-01", "0001-12-31"),
    ("9999", "9999-01-01", "9999-12-31"),
])
def test_a_year_runs_from_january_1_to_december_31(edtf: str, start: str, end: str) -> None:
    assert parse_edtf(edtf) == (D(start), D(end), "year")


@pytest.mark.parametrize(("edtf", "start", "end"), [
    ("2021-21", "2021-03-01", "2021-05-31"),  # spring
    ("2021-22", "2021-06-01", "2021-08-31"),  # summer
    ("2021-23", "2021-09-01", "2021-11-30"),  # autumn
    ("2021-24", "2021-12-01", "2022-02-28"),  # winter runs into February of the next year
    ("2023-24", "2023-12-01", "2024-02-29"),  # ... a leap February
    ("2021-33", "2021-01-01", "2021-03-31"),  # quarters
    ("2021-34", "2021-04-01", "2021-06-30"),
    ("2021-35", "2021-07-01", "2021-09-30"),
    ("2021-36", "2021-10-01", "2021-12-31"),
    ("2021-40", "2021-01-01", "2021-06-30"),  # halves
    ("2021-41", "2021-07-01", "2021-12-31"),
    ("9999-23", "9999-09-01", "9999-11-30"),  # the last season that fits in a date
    ("9999-41", "9999-07-01", "9999-12-31"),
])
def test_a_part_of_a_year_has_the_bounds_of_its_months(edtf: str, start: str, end: str) -> None:
    assert parse_edtf(edtf) == (D(start), D(end), "part-of-year")


@pytest.mark.parametrize("edtf", ["2021-01-01", "2021-12-31", "2020-02-29", "0001-01-01"])
def test_a_day_is_its_own_bounds(edtf: str) -> None:
    assert parse_edtf(edtf) == (D(edtf), D(edtf), "day")


@pytest.mark.parametrize(("edtf", "start", "end"), [
    ("2021-03/2021-05", "2021-03-01", "2021-05-31"),
    ("2020/2021-02", "2020-01-01", "2021-02-28"),
    ("2021-03-05/2021-03-05", "2021-03-05", "2021-03-05"),  # one day is a valid interval
    ("2021-40/2021-41", "2021-01-01", "2021-12-31"),
    ("../2020", None, "2020-12-31"),
    ("/2020", None, "2020-12-31"),
    ("2020/..", "2020-01-01", None),
    ("2020/", "2020-01-01", None),
])
def test_an_interval_runs_from_its_first_start_to_its_last_end(
        edtf: str, start: str | None, end: str | None) -> None:
    assert parse_edtf(edtf) == (start and D(start), end and D(end), "interval")


@pytest.mark.parametrize(("edtf", "message"), [
    ("", "not an EDTF date: ''"),
    (None, "not an EDTF date: None"),
    (2021, "not an EDTF date: 2021"),  # a YAML number, not the text "2021"
    ("20x1", "not an EDTF date: '20x1'"),
    ("2020-1", "not an EDTF date: '2020-1'"),
    ("2019-1", "not an EDTF date: '2019-1'"),
    ("2021-03-8", "not an EDTF date: '2021-03-8'"),
    ("٢٠٢١", "EDTF date '٢٠٢١' has a digit that is not ASCII 0-9: '٢' (U+0662)"),
    ("2021-٠٣", "EDTF date '2021-٠٣' has a digit that is not ASCII 0-9: '٠' (U+0660)"),
    ("0000", "year out of range in '0000'"),
    ("0000-05", "year out of range in '0000-05'"),
    ("2021-00", "month 0 out of range in '2021-00'"),
    ("2021-13", "month 13 out of range in '2021-13'"),
    ("2021-25", "month 25 out of range in '2021-25'"),
    ("2021-13-01", "month 13 out of range in '2021-13-01'"),
    ("2021-00-01", "month 0 out of range in '2021-00-01'"),
    ("2021-02-29", "no such day: '2021-02-29'"),
    ("2021-04-31", "no such day: '2021-04-31'"),
    ("2021-01-00", "no such day: '2021-01-00'"),
    ("9999-24", "year out of range in '9999-24'"),  # winter 9999 ends in February 10000
    ("/", "interval open at both ends: '/'"),
    ("../..", "interval open at both ends: '../..'"),
    ("../", "interval open at both ends: '../'"),
    ("/..", "interval open at both ends: '/..'"),
    ("2021/2020", "interval bounds out of order: '2021/2020'"),
    ("2021-03-06/2021-03-05", "interval bounds out of order: '2021-03-06/2021-03-05'"),
    ("2020/2021/2022", "not an EDTF date: '2021/2022'"),
])
def test_an_impossible_edtf_date_is_refused_with_its_reason(edtf: object, message: str) -> None:
    with pytest.raises(DateError) as refused:
        parse_edtf(edtf)  # type: ignore[arg-type]
    assert str(refused.value) == message


@pytest.mark.parametrize(("phrase", "default_year", "expected"), [
    ("In January", 2021, ("2021-01", False)),
    ("in   January", 2021, ("2021-01", False)),
    ("In December 2020", 2021, ("2020-12", False)),
    ("On March 8", 2021, ("2021-03-08", False)),
    ("On March 8, 2020", 2021, ("2020-03-08", False)),
    ("march 08 2020.", 2021, ("2020-03-08", False)),
    ("in June and July", 2021, ("2021-06/2021-07", False)),
    ("from June to August 2020", 2021, None),
    ("June to August 2020", 2021, ("2020-06/2020-08", False)),
    ("during May through September", 2019, ("2019-05/2019-09", False)),
    ("in 2021", 2020, ("2021", False)),
    ("Throughout 2021", 2020, ("2021", True)),
    ("throughout the year", 2021, ("2021", True)),
    ("in the year", 2019, ("2019", False)),
    ("in early 2021", 2020, ("2021-40", False)),
    ("in the first half of 2021", 2020, ("2021-40", False)),
    ("late 2021", 2020, ("2021-41", False)),
    ("in the second half of 2021", 2020, ("2021-41", False)),
    ("also in 2021 alone.", 2020, ("2021", False)),
    ("a year earlier", 2021, None),
    ("in previous years", 2021, None),
])
def test_a_phrase_means_exactly_what_it_says(
        phrase: str, default_year: int, expected: tuple[str, bool] | None) -> None:
    assert edtf_of_phrase(phrase, default_year) == expected


def test_late_in_a_year_is_its_second_half() -> None:
    start, end, _ = parse_edtf(edtf_of_phrase("late 2021", 2021)[0])  # type: ignore[index]
    assert (start, end) == (D("2021-07-01"), D("2021-12-31"))


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("2021", 2021), ("007", 7)])
def test_a_whole_number_in_ascii_digits_is_read(text: str, value: int) -> None:
    assert ascii_whole_number(text) == value


@pytest.mark.parametrize("text", ["", None, "٢٠٢١", "2_021", "+5", "-5", " 5", "5.0"])
def test_anything_else_is_not_a_whole_number(text: str | None) -> None:
    with pytest.raises(ValueError) as refused:
        ascii_whole_number(text)  # type: ignore[arg-type]
    assert str(refused.value) == f"not a whole number in digits 0-9: {text!r}"


@pytest.mark.parametrize("month", ["", None, "2021", "2021-3", "2021-03-01", "٢٠٢١-03"])
def test_a_month_option_must_be_yyyy_mm(month: str | None) -> None:
    with pytest.raises(DateError) as refused:
        month_bounds(month)  # type: ignore[arg-type]
    assert str(refused.value) == f"not a month (YYYY-MM): {month!r}"


def test_a_month_option_out_of_range_is_refused() -> None:
    with pytest.raises(DateError) as refused:
        month_bounds("2021-13")
    assert str(refused.value) == "month 13 out of range in '2021-13'"


@pytest.mark.parametrize("text", ["2021-40", "2021-41", "2021-21", "2021-33", "2021-00",
                                  "2021-13"])
def test_month_bounds_refuses_what_is_not_a_month(text: str) -> None:
    # a half-year, a season or a quarter is not a month: `events_in_month` must not
    # silently widen a month to half a year
    with pytest.raises(DateError) as refused:
        month_bounds(text)
    assert str(refused.value) == f"month {int(text[5:])} out of range in {text!r}"
