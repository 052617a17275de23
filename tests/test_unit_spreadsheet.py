"""Unit tests of the spreadsheet rule (spreadsheet.py): one cell, and a batch of rows.

The rule (spreadsheet.py's docstring): a text cell a spreadsheet could run (a formula
character = + - @ tab CR or its fullwidth form at the start, after white space or
apostrophes, or after a line break) gets one leading `'`; `restore` undoes it
exactly; numbers and None are never touched. `neutralise_rows` is the same rule
applied to the text columns of many rows at once, so its answer is checked against
`neutralise` cell by cell.
"""

from __future__ import annotations

from itertools import product

import pytest

from incidentdb.spreadsheet import neutralise, neutralise_rows, restore

DANGEROUS = ["=1+1", "+44 20 7946 0000", "-5", "@SUM(A1)", "\tx", "\rx", "\uff1d1", " =1",
             "a\n=1", "'=1", "x\r\n  @y"]
SAFE = ["Tofig Yagublu", "a=b", "'quoted'", "x - y", "a\n b=c", ""]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_cell_that_could_run_gets_one_apostrophe_and_restores(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert restore("'" + text) == text


@pytest.mark.parametrize("text", SAFE)
def test_a_cell_that_cannot_run_is_written_and_read_as_it_is(text: str) -> None:
    assert neutralise(text) == text
    assert restore(text) == text


@pytest.mark.parametrize(("cell", "value"), [
    ("'=1", "=1"),
    ("''=1", "'=1"),
    ("'plain", "'plain"),  # an apostrophe the rule did not add stays
    ("'", "'"),
    ("x\n=1", "x\n=1"),  # a cell not starting with the apostrophe is never cut
    ("'a\n=1", "a\n=1"),
])
def test_restore_removes_only_the_apostrophe_the_rule_added(cell: str, value: str) -> None:
    assert restore(cell) == value


CELLS = [None, "", "plain", "=1", "a\n@b", "'quoted'", "-5"]


@pytest.mark.parametrize("columns", [[0], [1], [0, 1], [1, 0], [0, 2], [0, 1, 2]])
def test_a_batch_is_the_rule_applied_to_each_text_cell(columns: list[int]) -> None:
    rows = [(a, b, c) for a, b, c in product(CELLS, CELLS, CELLS)]
    expected = [[neutralise(v) if i in columns and v else v for i, v in enumerate(row)]
                for row in rows]
    assert [list(row) for row in neutralise_rows(rows, columns)] == expected


@pytest.mark.parametrize("position", range(4))
def test_one_dangerous_cell_anywhere_in_a_batch_is_found(position: int) -> None:
    rows: list[tuple[object, ...]] = [("safe", 1, "fine"), ("also safe", 2, None),
                                      ("x", 3, "y"), ("z", 4, "")]
    row = rows[position]
    rows[position] = ("=HYPERLINK(1)", row[1], row[2])
    out = [list(row) for row in neutralise_rows(rows, [0, 2])]
    assert out[position] == ["'=HYPERLINK(1)", position + 1, rows[position][2]]
    assert [r for i, r in enumerate(out) if i != position] == [
        list(r) for i, r in enumerate(rows) if i != position]


def test_a_batch_with_a_single_text_column_keeps_none_and_numbers() -> None:
    rows = [(None, -5), ("=1", 7), ("ok", 0)]
    assert [list(row) for row in neutralise_rows(rows, [0])] == [
        [None, -5], ["'=1", 7], ["ok", 0]]
    assert [list(row) for row in neutralise_rows([(None, 1)], [0])] == [[None, 1]]


def test_no_text_column_or_no_row_changes_nothing() -> None:
    rows = [("=1", "-2")]
    assert [list(row) for row in neutralise_rows(rows, [])] == [["=1", "-2"]]
    assert list(neutralise_rows([], [0, 1])) == []
