"""The read-only commands: person, people, cases, charges, events, timeline, orgs, org,
search, stats, cite. Each parses its arguments, asks `queries`/`casefile`, renders."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from incidentdb.cli import UserError, app, clip, err, open_engine, user_errors

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    ndjson = "ndjson"


DEFAULT_TABLE_ROWS = 100
# Bounds on what a user types, so that no query spends more than about a second of
# database time whatever its input (43,000 search words once took minutes on SQLite
# and exhausted PostgreSQL's stack). Documented in the README's Guarantees.
MAX_LIMIT = 1_000_000_000  # rows; every database accepts it as a LIMIT
MAX_SEARCH_LIMIT = 1000
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
    help=f"An organization's name or short name (APFP); {TEXT_BOUNDS}.")]
LimitOption = Annotated[int | None, typer.Option(
    "--limit", parser=whole_number(0, MAX_LIMIT), metavar="N",
    help=f"Show at most N rows (0: all; at most {MAX_LIMIT:,}). Default: 100 in a table, "
    "all in csv/json/ndjson.")]
ChargeOption = Annotated[str | None, typer.Option(
    "--charge", parser=bounded_text("--charge"), metavar="TEXT",
    help=f"Text of an offence or of the report's wording ('covid', 'drug'); {TEXT_BOUNDS}.")]
YearOption = Annotated[int | None, typer.Option(
    "--year", parser=whole_number(1, 9999), metavar="YYYY", help="Events within this year.")]


def _kind_option(help_text: str) -> object:
    return typer.Option("--kind", parser=bounded_text("--kind"), metavar="TEXT",
                        help=f"{help_text}; {TEXT_BOUNDS}.")


@contextmanager
def reading(ctx: typer.Context) -> Iterator[Session]:
    """A read-only session on the chosen database; lookup failures become one error line."""
    from incidentdb.db import session_scope
    from incidentdb.lookup import LookupFailed

    engine = open_engine(ctx)
    try:
        with session_scope(engine) as session:
            yield session
    except LookupFailed as exc:
        err(f"Error: {exc}")
        for record_id, name in exc.candidates:
            err(f"  {name}  ({record_id})")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


def _limit(limit: int | None, fmt: Format) -> int | None:
    """The number of rows to fetch: one more than shown, to know whether there are more."""
    if limit is None:
        limit = DEFAULT_TABLE_ROWS if fmt is Format.table else 0
    return limit + 1 if limit else None


def _shown(rows: list, fetch: int | None) -> list:
    """The rows to show; a note on stderr when there were more."""
    if fetch is not None and len(rows) >= fetch:
        err(f"Showing the first {fetch - 1} rows; --limit 0 shows all.")
        return rows[: fetch - 1]
    return rows


def _month(value: str | None) -> str | None:
    # [0-9], not \d: \d also takes other scripts' digits (٢٠٢١-٠٦)
    if value is not None and not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", value):
        raise typer.BadParameter(f"{clip(value)!r} is not a month: use YYYY-MM, e.g. 2021-06")
    return value


def _ascii_date(value: str) -> None:
    """Dates on the command line are written in ASCII (digits 0-9), as in the data."""
    if not value.isascii() or len(value) > 32:
        raise typer.BadParameter(
            f"{clip(value)!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD in digits 0-9")


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    from incidentdb.dates import DateError, parse_edtf

    _ascii_date(value)

    try:
        start, _end, _ = parse_edtf(value)
    except DateError as exc:
        raise typer.BadParameter(str(exc)) from None
    return start


@app.command("person")
@user_errors
def person(ctx: typer.Context,
           name: Annotated[str, typer.Argument(
               metavar="NAME", parser=bounded_text("the name"),
               help=f"The name as you know it; {TEXT_BOUNDS}.")],
           fmt: FormatOption = Format.table, raw: RawOption = False) -> None:
    """Everything about one person: names, memberships, cases, charges, sentences, timeline.

    Example: incidentdb person "Tofiq Yaqublu"
    """
    from incidentdb.casefile import person_file
    from incidentdb.lookup import find_person
    from incidentdb.output import render_case_file

    with reading(ctx) as session:
        found = find_person(session, name)
        data = person_file(session, found.id)
    render_case_file(data, fmt.value, raw)


@app.command("people")
@user_errors
def people(ctx: typer.Context, charge: ChargeOption = None, org: OrgOption = None,
           kind: Annotated[str | None, _kind_option(
               "An occupation or role: journalist, activist, lawyer, member...")] = None,
           limit: LimitOption = None, fmt: FormatOption = Format.table,
           raw: RawOption = False) -> None:
    """People, filtered by charge, organization or occupation.

    Example: incidentdb people --charge hooliganism
    """
    from incidentdb.lookup import find_organization
    from incidentdb.output import render_rows
    from incidentdb.queries import list_people

    with reading(ctx) as session:
        org_id = find_organization(session, org).id if org else None
        fetch = _limit(limit, fmt)
        rows = _shown(list_people(session, charge=charge, org_id=org_id, kind=kind,
                                  limit=fetch), fetch)
    render_rows(rows, fmt.value, ["name", "occupations", "organizations", "charges", "id"],
                title=f"{len(rows)} people", empty="No person matches.", raw=raw)


@app.command("cases")
@user_errors
def cases(ctx: typer.Context, person: PersonOption = None, charge: ChargeOption = None,
          status: Annotated[str | None, typer.Option(
              "--status", parser=bounded_text("--status"), metavar="TEXT",
              help=f"pretrial, sentenced, pardoned, released...; {TEXT_BOUNDS}.")] = None,
          limit: LimitOption = None, fmt: FormatOption = Format.table,
          raw: RawOption = False) -> None:
    """Prosecutions with their defendants, charges and latest sentence.

    Example: incidentdb cases --charge covid
    """
    from incidentdb.lookup import find_person
    from incidentdb.output import render_rows
    from incidentdb.queries import list_cases

    with reading(ctx) as session:
        person_id = find_person(session, person).id if person else None
        fetch = _limit(limit, fmt)
        rows = _shown(list_cases(session, person_id=person_id, charge=charge, status=status,
                                 limit=fetch), fetch)
    render_rows(rows, fmt.value, ["id", "title", "status", "defendants", "defendant_count",
                                  "charges", "latest_sentence", "sentence_date"],
                title=f"{len(rows)} cases", empty="No case matches.", raw=raw)


@app.command("charges")
@user_errors
def charges(ctx: typer.Context, fmt: FormatOption = Format.table, raw: RawOption = False) -> None:
    """Offence categories, with the number of cases and of named people charged.

    Example: incidentdb charges --format csv
    """
    from incidentdb.output import render_rows
    from incidentdb.queries import offence_summary

    with reading(ctx) as session:
        rows = offence_summary(session)
    render_rows(rows, fmt.value, ["id", "name", "cases", "people", "charges"],
                title="Charges by offence", raw=raw)


@app.command("events")
@user_errors
def events(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option(
        "--month", metavar="YYYY-MM", callback=_month, help="Events within this month.")] = None,
    year: YearOption = None,
    start: Annotated[str | None, typer.Option("--from", metavar="DATE",
                                              help="From this date (YYYY[-MM[-DD]]).")] = None,
    end: Annotated[str | None, typer.Option("--to", metavar="DATE",
                                            help="Up to this date (YYYY[-MM[-DD]]).")] = None,
    include_uncertain: Annotated[bool, typer.Option(
        "--include-uncertain", help="Also events whose vague date only overlaps the period.")
    ] = False,
    kind: Annotated[str | None, _kind_option("arrest, sentencing, pardon...")] = None,
    person: PersonOption = None, org: OrgOption = None,
    limit: LimitOption = None, fmt: FormatOption = Format.table, raw: RawOption = False,
) -> None:
    """Events in date order, by month, year or date range, kind, person or organization.

    An event is in a month when its whole date lies inside it; --include-uncertain
    adds events whose date only overlaps (a year, "in early 2021"), marked uncertain.

    Example: incidentdb events --month 2021-06
    """
    from incidentdb.lookup import find_organization, find_person
    from incidentdb.output import render_rows
    from incidentdb.queries import event_window, list_events

    if sum(x is not None for x in (month, year)) + (start is not None or end is not None) > 1:
        raise typer.BadParameter("give one of --month, --year, or --from/--to")
    from_day = _day(start)
    to_day = None
    if end is not None:
        from incidentdb.dates import DateError, parse_edtf

        _ascii_date(end)
        try:
            to_day = parse_edtf(end)[1]
        except DateError as exc:
            raise typer.BadParameter(str(exc)) from None
    window = event_window(month=month, year=year, start=from_day, end=to_day)
    with reading(ctx) as session:
        person_id = find_person(session, person).id if person else None
        org_id = find_organization(session, org).id if org else None
        fetch = _limit(limit, fmt)
        rows = _shown(list_events(session, start=window[0], end=window[1],
                                  include_uncertain=include_uncertain, kind=kind,
                                  person_id=person_id, org_id=org_id, limit=fetch), fetch)
    columns = ["date", "date_text", "kind", "title", "who", "id"]
    if include_uncertain:
        columns.insert(0, "uncertain")
    render_rows(rows, fmt.value, columns, title=f"{len(rows)} events",
                empty="No event matches.", raw=raw)


@app.command("timeline")
@user_errors
def timeline(ctx: typer.Context,
             year: YearOption = None,
             fmt: FormatOption = Format.table, raw: RawOption = False) -> None:
    """Events per month, with a bar for each month; vaguer dates are counted apart.

    Example: incidentdb timeline --year 2021
    """
    from incidentdb.output import render_bars, render_rows
    from incidentdb.queries import timeline as timeline_query

    with reading(ctx) as session:
        months, vague, undated = timeline_query(session, year)
    footer = f"{vague} event(s) have a date too vague for one month"
    footer += f"; {undated} have no date." if year is None else "."
    if fmt is Format.table:
        render_bars(months, "month", "events", f"Events per month{f' in {year}' if year else ''}",
                    footer)
    else:
        rows = months + [{"month": "vague", "events": vague}, {"month": "undated",
                                                               "events": undated}]
        render_rows(rows, fmt.value, ["month", "events"], raw=raw)


@app.command("orgs")
@user_errors
def orgs(ctx: typer.Context,
         kind: Annotated[str | None, _kind_option("court, political-party...")] = None,
         fmt: FormatOption = Format.table, raw: RawOption = False) -> None:
    """Organizations, with their kind, parent, members and events.

    Example: incidentdb orgs --kind court
    """
    from incidentdb.output import render_rows
    from incidentdb.queries import list_organizations

    with reading(ctx) as session:
        rows = list_organizations(session, kind)
    render_rows(rows, fmt.value, ["name", "short_name", "kind", "parent", "members", "events",
                                  "id"], title=f"{len(rows)} organizations", raw=raw)


@app.command("org")
@user_errors
def org(ctx: typer.Context,
        name: Annotated[str, typer.Argument(
            metavar="NAME", parser=bounded_text("the name"),
            help=f"Name or short name (APFP); {TEXT_BOUNDS}.")],
        fmt: FormatOption = Format.table, raw: RawOption = False) -> None:
    """One organization: what it is, its members, the events it took part in.

    Example: incidentdb org APFP
    """
    from incidentdb.casefile import organization_file
    from incidentdb.lookup import find_organization
    from incidentdb.output import render_case_file

    with reading(ctx) as session:
        found = find_organization(session, name)
        data = organization_file(session, found.id)
    render_case_file(data, fmt.value, raw)


@app.command("search")
@user_errors
def search(ctx: typer.Context,
           text: Annotated[str, typer.Argument(
               metavar="TEXT", parser=bounded_text("the search text"),
               help=f"Words to find; taken literally; {TEXT_BOUNDS}.")],
           limit: Annotated[int, typer.Option(
               "--limit", parser=whole_number(1, MAX_SEARCH_LIMIT), metavar="N",
               help=f"At most N results, from 1 to {MAX_SEARCH_LIMIT:,}.")] = 20,
           fmt: FormatOption = Format.table, raw: RawOption = False) -> None:
    """Ranked full-text search over events, cases, people and evidence excerpts.

    Example: incidentdb search "hunger strike"
    """
    from dataclasses import asdict

    from incidentdb.output import render_rows
    from incidentdb.search import search as search_query

    with reading(ctx) as session:
        hits = [asdict(h) for h in search_query(session, text, limit)]
    for hit in hits:
        hit["rank"] = round(hit["rank"], 4)
    render_rows(hits, fmt.value, ["kind", "record_id", "title", "passage", "rank"],
                title=f"{len(hits)} results for {text!r}", empty="No match.", raw=raw)


@app.command("stats")
@user_errors
def stats(ctx: typer.Context, fmt: FormatOption = Format.table, raw: RawOption = False) -> None:
    """Counts per table, per event kind, per offence and per month.

    Example: incidentdb stats
    """
    from incidentdb.output import console, dumps, rich_table, write_machine
    from incidentdb.queries import stats as stats_query

    with reading(ctx) as session:
        sections = stats_query(session)
    if fmt is Format.json:
        typer.echo(dumps(sections))
    elif fmt is Format.table:
        out = console()
        for title, rows in sections.items():
            out.print(rich_table(rows, list(rows[0]) if rows else [], title.capitalize()))
    else:
        flat = [{"section": title, "key": str(list(row.values())[0]),
                 "value": list(row.values())[1]} for title, rows in sections.items()
                for row in rows]
        write_machine(flat, fmt.value, ["section", "key", "value"], raw=raw)


@app.command("cite")
@user_errors
def cite(ctx: typer.Context,
         record_id: Annotated[str, typer.Argument(
             metavar="ID", parser=bounded_text("the id"),
             help=f"A record's id (at most {TEXT_MAX_CHARACTERS} characters).")],
         fmt: FormatOption = Format.table, raw: RawOption = False) -> None:
    """The evidence of a record: its source, the verbatim excerpt and its offsets.

    Example: incidentdb cite yagublu-conditional-30-months
    """
    from incidentdb.output import render_rows
    from incidentdb.queries import cite as cite_query

    with reading(ctx) as session:
        rows = cite_query(session, record_id)
    if not rows:
        raise UserError(f"no record has the id {record_id!r}")
    render_rows(rows, fmt.value, ["table", "id", "source", "excerpt", "start", "end", "url"],
                title=f"Evidence for {record_id}", raw=raw)
