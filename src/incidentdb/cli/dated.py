"""The dated listings: events, sentences, timeline, with their date options (--month,
--year, --from/--to) and what a date question leaves out, said on stderr."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

import typer

from incidentdb import vocabulary as v
from incidentdb.cli.app import app, clip, err, reading
from incidentdb.cli.options import (
    DATE_COLUMNS,
    Format,
    FormatOption,
    InstrumentOption,
    LimitOption,
    MinSourcesOption,
    OrgOption,
    Page,
    PersonOption,
    RawOption,
    YearOption,
    bounded_text,
    controlled_option,
    kind_option,
    whole_number,
)


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


FromOption = Annotated[str | None, typer.Option(
    "--from", metavar="DATE", help="From this date (YYYY[-MM[-DD]]).")]
ToOption = Annotated[str | None, typer.Option(
    "--to", metavar="DATE", help="Up to this date (YYYY[-MM[-DD]]).")]


def uncertain_option(records: str) -> Any:
    return typer.Option("--include-uncertain", help=f"Also {records} whose date (stated or "
                        "derived) only overlaps the period: vaguer, open-ended or derived; "
                        "each says why.")


def undated_option(records: str) -> Any:
    return typer.Option("--include-undated", help=f"Also {records} with no bound but their "
                        "source's publication, which may fall in any period before it.")


MAX_MONTHS = 12_000  # a thousand years: past any term, within every database's integers
SentenceKindOption = Annotated[str | None, kind_option("The kind of sentence",
                                                       v.SENTENCE_KINDS)]
CaseOption = Annotated[str | None, typer.Option(
    "--case", parser=bounded_text("--case"), metavar="ID",
    help="The case's id, exactly (incidentdb cases lists them).")]
SentenceStatusOption = Annotated[str | None, controlled_option(
    "--status", v.SENTENCE_STATUSES, "The sentence's status", "STATUS")]
ChangeOption = Annotated[str | None, controlled_option(
    "--change", v.SENTENCE_CHANGES, "Sentences that replaced another by this change",
    "CHANGE")]
MinMonthsOption = Annotated[int | None, typer.Option(
    "--min-months", parser=whole_number(0, MAX_MONTHS), metavar="N",
    help="Terms that can be at least N months (a range by its upper end); life "
    "imprisonment passes, a sentence without a term is left out (and counted).")]
MaxMonthsOption = Annotated[int | None, typer.Option(
    "--max-months", parser=whole_number(0, MAX_MONTHS), metavar="N",
    help="Terms that can be at most N months (a range by its lower end); life "
    "imprisonment does not pass, a sentence without a term is left out (and counted).")]


@app.command("sentences")
def sentences(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option(
        "--month", metavar="YYYY-MM", callback=_month,
        help="Sentences within this month.")] = None,
    year: Annotated[int | None, typer.Option(
        "--year", parser=whole_number(1, 9999), metavar="YYYY",
        help="Sentences within this year.")] = None,
    start: FromOption = None, end: ToOption = None,
    include_uncertain: Annotated[bool, uncertain_option("sentences")] = False,
    include_undated: Annotated[bool, undated_option("sentences")] = False,
    kind: SentenceKindOption = None, person: PersonOption = None, case: CaseOption = None,
    status: SentenceStatusOption = None, change: ChangeOption = None,
    min_months: MinMonthsOption = None, max_months: MaxMonthsOption = None,
    min_sources: MinSourcesOption = None, limit: LimitOption = None,
    fmt: FormatOption = Format.table, raw: RawOption = False,
) -> None:
    """Sentences in date order: who (a person, or an unnamed group with its count), the
    term, kind, court, what each replaced and by which change, status, evidence id.

    Dates work as for events: a sentence is in a period when its date, stated or
    derived, lies inside it; those that may fall in it are counted on stderr and
    --include-uncertain / --include-undated list them. A sentence without a term is
    left out by --min-months and --max-months and counted on stderr.

    Example: incidentdb sentences --year 2021

    Example: incidentdb sentences --change appeal --format csv
    """
    from incidentdb.lookup import find_case, find_person
    from incidentdb.output import render_rows
    from incidentdb.queries import count_up_to
    from incidentdb.sentencing import list_sentences, sentences_left_out, sentences_query

    _term_range(min_months, max_months)
    window = _window(month, year, start, end)
    with reading(ctx) as session:
        asked: dict[str, Any] = {
            "start": window[0], "end": window[1], "include_uncertain": include_uncertain,
            "include_undated": include_undated, "kind": kind, "status": status,
            "person_id": find_person(session, person).id if person else None,
            "case_id": find_case(session, case) if case else None, "change": change,
            "min_months": min_months, "max_months": max_months, "min_sources": min_sources}
        page = Page.of(limit, fmt)
        rows = page.rows(list_sentences(session, **asked, limit=page.fetch), lambda: (
            count_up_to(session, sentences_query(**asked))), "sentences")
        left_out = sentences_left_out(session, **asked)
    rows, columns = _sentence_table(rows, fmt, include_uncertain or include_undated,
                                    min_sources)
    render_rows(rows, fmt.value, columns, title=page.caption(len(rows), "sentences"),
                empty="No sentence matches.", raw=raw)
    for note in _left_out_notes(left_out, "sentence"):
        err(note)


def _term_range(min_months: int | None, max_months: int | None) -> None:
    """A reversed --min-months/--max-months is a usage error."""
    if min_months is not None and max_months is not None and min_months > max_months:
        raise typer.BadParameter(f"--min-months {min_months} is more than --max-months "
                                 f"{max_months}: the range is reversed")


SENTENCE_COLUMNS = [*DATE_COLUMNS, "who", "person", "person_id", "group",
                    "group_count", "kind", "term", "term_min_months", "term_max_months",
                    "court", "court_id", "replaces", "change", "status", "case", "sources",
                    "id", "uncertain", "why", "inferred"]


def _sentence_table(rows: list[dict[str, Any]], fmt: Format, uncertain: bool,
                    min_sources: int | None) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows and columns to render: every field for scripts (in CSV, `inferred` names
    the inferred fields; JSON has their reasons); in a table, what reads, the inferred
    values marked (the court, and what was replaced by which change, only if a row has
    them; why only if uncertain sentences were asked for)."""
    if fmt is Format.csv:
        return [{**row, "inferred": sorted(row["inferred"])} for row in rows], SENTENCE_COLUMNS
    if fmt is not Format.table:
        return rows, SENTENCE_COLUMNS
    columns = ["date", "who", "kind", "term", "court", "replaces", "change", "status",
               *(["sources"] if min_sources else []), "id"]
    for shown, hidden in (("court", ["court"]), ("replaces", ["replaces", "change"])):
        if not any(row[shown] for row in rows):
            columns = [c for c in columns if c not in hidden]
    return rows, ["why", *columns] if uncertain else columns


@app.command("events")
def events(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option(
        "--month", metavar="YYYY-MM", callback=_month, help="Events within this month.")] = None,
    year: YearOption = None, start: FromOption = None, end: ToOption = None,
    include_uncertain: Annotated[bool, uncertain_option("events")] = False,
    include_undated: Annotated[bool, undated_option("events")] = False,
    kind: Annotated[str | None, kind_option("The kind of event", v.EVENT_KINDS)] = None,
    person: PersonOption = None, org: OrgOption = None, instrument: InstrumentOption = None,
    min_sources: MinSourcesOption = None, limit: LimitOption = None,
    fmt: FormatOption = Format.table, raw: RawOption = False,
) -> None:
    """Events in date order, by month, year or date range, kind, person, organization or
    instrument.

    An event is in a period when its date lies inside it, as stated or as derived from
    the records it follows or precedes and its source's publication (shown as "not
    before 2021-03; not after 2021-07").
    Events that may fall in the period but are not certainly in it are counted on
    stderr; --include-uncertain and --include-undated list them, with the reason.
    Dates order the list: earliest possible day (unknown first), latest, then
    stated relations (docs/data-format.md).

    Example: incidentdb events --month 2021-06

    Example: incidentdb events --year 2020 --include-uncertain --format csv
    """
    from incidentdb.lookup import find_instrument, find_organization, find_person
    from incidentdb.output import render_rows
    from incidentdb.queries import count_up_to, events_left_out, events_query, list_events

    window = _window(month, year, start, end)
    with reading(ctx) as session:
        person_id = find_person(session, person).id if person else None
        org_id = find_organization(session, org).id if org else None
        instrument_id = find_instrument(session, instrument).id if instrument else None
        page = Page.of(limit, fmt)
        asked: dict[str, Any] = {"instrument_id": instrument_id,
            "start": window[0], "end": window[1], "include_uncertain": include_uncertain,
            "include_undated": include_undated, "kind": kind, "person_id": person_id,
            "org_id": org_id, "min_sources": min_sources}
        rows = page.rows(list_events(session, **asked, limit=page.fetch),
                         lambda: count_up_to(session, events_query(**asked)), "events")
        left_out = events_left_out(session, **asked)
    columns = _event_columns(rows, fmt, include_uncertain or include_undated, min_sources)
    render_rows(rows, fmt.value, columns, title=page.caption(len(rows), "events"),
                empty="No event matches.", raw=raw)
    for note in _left_out_notes(left_out):
        err(note)


def _window(month: str | None, year: int | None, start: str | None, end: str | None,
            ) -> tuple[date | None, date | None]:
    """The window of --month, --year or --from/--to (at most one of them)."""
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
    if from_day is not None and to_day is not None and from_day > to_day:
        raise typer.BadParameter(f"--from {start} is after --to {end}: the range is reversed")
    from incidentdb.queries import event_window

    return event_window(month=month, year=year, start=from_day, end=to_day)


def _event_columns(rows: list[dict[str, Any]], fmt: Format, uncertain: bool,
                   min_sources: int | None) -> list[str]:
    """A listing's columns: every field for scripts; for a table, what reads (the counts
    only if an event has one, why only if uncertain events were asked for, the sources
    if --min-sources was)."""
    if fmt is not Format.table:
        return EVENT_COLUMNS
    columns = ["date", "date_text", "kind", "title", "who", "counted",
               *(["sources"] if min_sources else []), "id"]
    if not any(row["counted"] for row in rows):
        columns.remove("counted")
    return ["why", *columns] if uncertain else columns


EVENT_COLUMNS = [*DATE_COLUMNS, "kind", "title", "who", "counted", "case", "sources", "id",
                 "uncertain", "why"]


def _left_out_notes(left_out: dict[str, int], record: str = "event") -> list[str]:
    """What a listing of records ("event", "sentence") leaves out, one line each (none
    when it leaves out nothing): by its dates, and a sentence listing by its term."""
    notes = []
    if left_out.get("uncertain"):
        notes.append(f"{left_out['uncertain']} {record}(s) may fall in this period but are "
                     "not certainly in it; --include-uncertain lists them")
    if left_out.get("undated"):
        notes.append(f"{left_out['undated']} {record}(s) without a date may fall in this "
                     "period; --include-undated lists them")
    if left_out.get("without_term"):
        notes.append(f"{left_out['without_term']} {record}(s) without a term are left out "
                     "by --min-months/--max-months")
    return notes


@app.command("timeline")
def timeline(ctx: typer.Context,
             year: YearOption = None,
             fmt: FormatOption = Format.table, raw: RawOption = False) -> None:
    """Events per month, with a bar for each month; the rest are counted apart.

    An event counts in a month when its bounds, stated or derived, lie inside it. The
    others are counted as vaguer than a month, open-ended (one bound unknown, or only
    the source's publication), or undated; the parts add up to the events counted.

    Example: incidentdb timeline --year 2021
    """
    from incidentdb.output import render_bars, render_rows
    from incidentdb.queries import timeline as timeline_query

    with reading(ctx) as session:
        months, parts = timeline_query(session, year)
    if fmt is Format.table:
        counted = sum(m["events"] for m in months) + sum(parts.values())
        footer = (f"Not in one month: {parts['vaguer than a month']} vaguer than a month, "
                  f"{parts['open-ended']} open-ended, {parts['undated']} undated "
                  f"({counted} events{f' that may fall in {year}' if year else ''} in all).")
        render_bars(months, "month", "events", f"Events per month{f' in {year}' if year else ''}",
                    footer)
    else:
        rows = months + [{"month": part, "events": n} for part, n in parts.items()]
        render_rows(rows, fmt.value, ["month", "events"], raw=raw)


