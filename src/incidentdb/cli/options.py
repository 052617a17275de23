"""Options shared by the query commands, their parsers, and the one paging rule.

Everything a user types passes a parser here first: whole numbers in ASCII digits
within bounds, free text within bounds of characters and words. A listing shows a
page (`Page`): 100 rows in a table, all in csv/json/ndjson, `--limit N` to choose,
0 for all, and a note on stderr whenever rows were left out.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import typer

from incidentdb import vocabulary as v
from incidentdb.cli.app import clip, err


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    ndjson = "ndjson"


# A dated record's date in csv/json listings: as stated, and its derived bounds.
DATE_COLUMNS = ["date", "date_text", "date_start", "date_end", "date_precision", "earliest",
                "earliest_basis", "earliest_from", "latest", "latest_basis", "latest_from",
                "month", "bounds"]


DEFAULT_TABLE_ROWS = 100
# Bounds on what a user types, so that no query spends more than about a second of
# database time whatever its input (43,000 search words once took minutes on SQLite
# and exhausted PostgreSQL's stack). Documented in the README's Guarantees.
MAX_LIMIT = 1_000_000_000  # rows; every database accepts it as a LIMIT
TEXT_MAX_CHARACTERS = 200  # any name, id, charge, kind or search text
TEXT_MAX_WORDS = 32
TEXT_BOUNDS = f"at most {TEXT_MAX_CHARACTERS} characters and {TEXT_MAX_WORDS} words"


def whole_number(low: int, high: int) -> Callable[[str | int], int]:
    """A parser for an option taking a whole number, in ASCII digits, from low to high.

    The default int type calls int(), which also takes other scripts' digits (١٠),
    signs, underscores and numbers too large for any database; a number a user types
    must be the one they see.
    """
    def parse(value: str | int) -> int:
        if isinstance(value, int):  # a default, not typed
            return value
        if not re.fullmatch(r"[0-9]+", value):
            raise typer.BadParameter(
                f"{clip(value)!r} is not a whole number written in digits 0-9")
        digits = value.lstrip("0") or "0"
        if len(digits) > len(str(high)) or not low <= int(digits) <= high:
            raise typer.BadParameter(f"{clip(value)} is out of range: from {low} to {high:,}")
        return int(digits)

    return parse


def _words(value: str) -> int:
    """How many words a query will look up: by spaces, and by word characters after
    compatibility decomposition (one character such as U+FDFA unfolds into four words)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", value)
    return max(len(value.split()), len(re.findall(r"[^\W_]+", decomposed)))


def bounded_text(what: str) -> Callable[[str], str]:
    """A parser for free text (a name, words, an id): a usage error past the bounds."""
    def parse(value: str) -> str:
        words = _words(value)
        if words > TEXT_MAX_WORDS:
            raise typer.BadParameter(
                f"{what} is too long: {words:,} words, at most {TEXT_MAX_WORDS}")
        if len(value) > TEXT_MAX_CHARACTERS:
            raise typer.BadParameter(f"{what} is too long: {len(value):,} characters, "
                                     f"at most {TEXT_MAX_CHARACTERS}")
        return value

    return parse


FormatOption = Annotated[Format, typer.Option(
    "--format", "-f", help="Output: a table, or csv/json/ndjson for scripts (to stdout).")]
RawOption = Annotated[bool, typer.Option(
    "--raw", help="CSV: write cells as they are, without neutralising spreadsheet formulas "
    "(by default a text cell a spreadsheet could run gets a leading ').")]
PersonOption = Annotated[str | None, typer.Option(
    "--person", parser=bounded_text("--person"), metavar="NAME",
    help=f"A person's name, as you know it (any spelling, or a part); {TEXT_BOUNDS}.")]
OrgOption = Annotated[str | None, typer.Option(
    "--org", parser=bounded_text("--org"), metavar="NAME",
    help=f"An organization's name, short name (APFP) or any other name the report gives "
    f"it (the Assembly); {TEXT_BOUNDS}.")]
InstrumentOption = Annotated[str | None, typer.Option(
    "--instrument", parser=bounded_text("--instrument"), metavar="NAME",
    help="A treaty, convention, declaration or resolution, by any name the report gives "
    f"it (Istanbul Convention); {TEXT_BOUNDS}.")]
LimitOption = Annotated[int | None, typer.Option(
    "--limit", parser=whole_number(0, MAX_LIMIT), metavar="N",
    help=f"Show at most N rows (0: all; at most {MAX_LIMIT:,}). Default: 100 in a table, "
    "all in csv/json/ndjson.")]
ChargeOption = Annotated[str | None, typer.Option(
    "--charge", parser=bounded_text("--charge"), metavar="TEXT",
    help=f"Text of an offence or of the report's wording ('covid', 'drug'); {TEXT_BOUNDS}.")]
YearOption = Annotated[int | None, typer.Option(
    "--year", parser=whole_number(1, 9999), metavar="YYYY", help="Events within this year.")]


def controlled(what: str, values: Sequence[str]) -> Callable[[str], str]:
    """A parser for a value of a controlled list (any case): a usage error naming the
    valid values, with the closest as a did-you-mean, for anything else ("arest" would
    otherwise answer "No event matches." as if there were none)."""
    def parse(value: str) -> str:
        wanted = bounded_text(what)(value).strip().lower()
        if wanted in values:
            return wanted
        close = difflib.get_close_matches(wanted, values, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise typer.BadParameter(f"{value!r} is not one of: {', '.join(values)}{hint}")

    return parse


def controlled_option(name: str, values: Sequence[str], help_text: str,
                      metavar: str = "VALUE") -> Any:
    """An option taking a value of a controlled list: checked by `controlled`, its values
    offered by shell completion, and listed in its help."""
    def complete(incomplete: str) -> list[str]:
        return [value for value in values if value.startswith(incomplete.lower())]

    return typer.Option(name, parser=controlled(name, values), metavar=metavar,
                        autocompletion=complete,
                        help=f"{help_text}: one of {', '.join(values)}.")


def kind_option(help_text: str, values: Sequence[str]) -> Any:
    return controlled_option("--kind", values, help_text, "KIND")


MinSourcesOption = Annotated[int | None, typer.Option(
    "--min-sources", parser=whole_number(1, 1000), metavar="N",
    help="Only records that at least N sources support: the record's own and the further "
    "sources that support it or give it a tighter date (a source that disputes a value "
    "does not count).")]
OffenceOption = Annotated[str | None, typer.Option(
    "--offence", parser=bounded_text("--offence"), metavar="ID",
    help="Charged with exactly this offence category, by its id (incidentdb charges lists "
    "them): hooliganism finds no 'financing-terrorism'.")]
CharacterisationOption = Annotated[str | None, controlled_option(
    "--characterisation", v.CHARACTERISATIONS, "Charged with charges the report calls this",
    "WORD")]


ONE = {"people": "person", "cases": "case", "charges": "charge", "events": "event",
       "sentences": "sentence", "results": "result", "organizations": "organization"}


@dataclass
class Page:
    """How many rows a listing shows (None: all), and what it says when it left some out.

    A listing fetches one row more than it shows (`fetch`), to know whether there are
    more without counting them all; only then does it count them (`count`, up to
    `queries.COUNT_CAP`), for the caption: "100 of 4,463 events".
    """

    size: int | None
    total: int | None = None  # the rows there were, when some were left out

    @classmethod
    def of(cls, limit: int | None, fmt: Format, table: int = DEFAULT_TABLE_ROWS,
           machine: int = 0) -> Page:
        """The page of `--limit`: its default is `table` rows in a table and `machine`
        (0: all) in csv/json/ndjson; 0 means all."""
        if limit is None:
            limit = table if fmt is Format.table else machine
        return cls(limit or None)

    @property
    def fetch(self) -> int | None:
        return self.size + 1 if self.size else None

    def rows(self, rows: list[Any], count: Callable[[], int] | None = None,
             noun: str = "rows") -> list[Any]:
        """The rows to show; when there were more, a note on stderr saying how many
        (`count()`, counted only then) and how to see them all."""
        if self.size is None or len(rows) <= self.size:
            return rows
        self.total = count() if count else None
        err(f"Showing {self.caption(self.size, noun) if count else f'the first {self.size} rows'}"
            "; --limit 0 shows all.")
        return rows[: self.size]

    def caption(self, shown: int, noun: str) -> str:
        """"26 people", or "100 of 4,463 people" when rows were left out."""
        from incidentdb.queries import COUNT_CAP

        if self.total is None:
            return f"1 {ONE.get(noun, noun)}" if shown == 1 else f"{shown:,} {noun}"
        of = f"more than {COUNT_CAP:,}" if self.total > COUNT_CAP else f"{self.total:,}"
        return f"{shown:,} of {of} {noun}"
