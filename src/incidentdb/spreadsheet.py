"""How every CSV of incidentdb writes a cell, and the one rule that makes it safe.

A value becomes a cell by one rule (`csv_cell`): None an empty cell, a boolean
`true` or `false` (what a Frictionless boolean field and pandas read), a number as it
is, a date in ISO form, a list one text cell of its items joined with "; ", and text
neutralised (below) unless raw. The query commands write their CSV through
`csv_cell` (`output.write_machine`); `export` makes the same cells a batch at a time
(`export.csv`: dates and booleans in SQL, from the constants here, and text through
`neutralise_rows`).

Spreadsheets run a cell that begins with `=`, `+`, `-` or `@` as a formula (OWASP's
CSV injection list adds a tab and a carriage return), some after skipping leading
white space, some after converting fullwidth forms (`＝ ＋ － ＠`), and a formula can
hide on a later line of a multi-line cell. Every text cell passes through
`neutralise` (or `neutralise_rows`, its batch form), so that one rule, kept here,
covers every CSV.

A neutralised cell gets one leading `'`. The rule is reversible: `restore` gives the
value back, because a value that already begins with apostrophes before a dangerous
character is prefixed too (`'=1` is written `''=1`). Numbers are not text and are
never touched; text that merely looks like a number (`-5`, `+44 20 7946 0000`) is
prefixed like any other text: it stays text, which is what it is in the database.

This module imports nothing heavy: the CLI uses it to render answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

# What a spreadsheet may take as the start of a formula: OWASP's list, then fullwidth forms.
FORMULA_CHARACTERS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
# Every character that ends a line for str.splitlines (a spreadsheet may split on any).
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
# A formula character at the start of the cell (after any apostrophes, so that the rule can
# be undone, and any white space), or at the start of a later line (after any white space).
# Written so that no character is scanned twice (possessive runs; a later line starts at the
# last of several line breaks): a hostile cell of blank lines costs one pass, not n squared.
# Tab and carriage return are white space as well as formula characters: the runs of white
# space skip neither, so that the class after them sees them.
_FORMULA = f"[{re.escape(FORMULA_CHARACTERS)}]"
_DANGEROUS = re.compile(
    rf"\A'*+[^\S\t\r]*+{_FORMULA}"
    rf"|[{LINE_BREAKS}][^\S\t\r{LINE_BREAKS}]*+{_FORMULA}")
_search = _DANGEROUS.search


def neutralise(text: str) -> str:
    """The text as a CSV cell: prefixed with `'` when a spreadsheet could run it."""
    return "'" + text if _search(text) else text


def restore(cell: str) -> str:
    """The value `neutralise` was given: for readers who need the exact text back."""
    return cell[1:] if cell[:1] == "'" and _search(cell[1:]) else cell


# Found in every text that holds a dangerous cell once each cell is put after a line break
# (and sometimes in texts that hold none): one search over a whole batch of cells tells
# whether any cell of it needs the exact rule. Linear for the same reason as _DANGEROUS.
_BATCH_MAY_BE_DANGEROUS = re.compile(
    rf"[{LINE_BREAKS}]'*+[^\S\t\r{LINE_BREAKS}]*+{_FORMULA}")


def neutralise_rows(rows: Sequence[Sequence[Any]], text_columns: Sequence[int],
                    ) -> Sequence[Sequence[Any]]:
    """Rows with the cells at `text_columns` neutralised; None stays None.

    For the export, which hands csv.writer thousands of rows at a time. Almost no cell
    needs a prefix, so the text cells of the whole batch are searched at once (joined
    with line breaks: C speed, not one Python call per cell); only a batch that may
    hold a dangerous cell is then gone through cell by cell.
    """
    if not text_columns or not rows:
        return rows
    cells = (map(itemgetter(*text_columns), rows) if len(text_columns) == 1
             else chain.from_iterable(map(itemgetter(*text_columns), rows)))
    if not _BATCH_MAY_BE_DANGEROUS.search("\n" + "\n".join(filter(None, cells))):
        return rows
    out: list[Sequence[Any]] = []
    for row in rows:
        changed = None
        for i in text_columns:
            value = row[i]
            if value and _search(value):
                if changed is None:
                    changed = list(row)
                changed[i] = "'" + value
        out.append(row if changed is None else changed)
    return out


# --- a value as a CSV cell ------------------------------------------------------------------

CSV_NULL = ""  # None
CSV_TRUE = "true"  # booleans, as a Frictionless boolean field and pandas read them
CSV_FALSE = "false"
LIST_SEPARATOR = "; "  # a list is one text cell: its items, joined


def csv_cell(value: Any, raw: bool = False) -> Any:
    """A value as a CSV cell, by the rule every CSV of incidentdb follows: None empty,
    a boolean `true`/`false`, a number as it is (no spreadsheet runs a number), a date
    in ISO form, a list one text cell of its items joined with "; ", and text
    neutralised against spreadsheet formulas unless raw."""
    if value is None:
        return CSV_NULL
    if isinstance(value, bool):
        return CSV_TRUE if value else CSV_FALSE
    if isinstance(value, int | float):
        return value
    text = _text(value)
    return text if raw else neutralise(text)


def _text(value: Any) -> str:
    """The value as text: a list's items joined, anything else its str (a date's is ISO)."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(csv_cell(item, raw=True)) for item in value)
    return str(value)
