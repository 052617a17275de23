"""The read-only commands: person, people, cases, charges, events, timeline, orgs, org,
search, stats, cite. Each parses its arguments, asks `queries`/`casefile`, renders."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

import typer

from incidentdb import vocabulary as v
from incidentdb.cli.app import app, clip, err, reading
from incidentdb.cli.options import (
    MAX_LIMIT,
    TEXT_BOUNDS,
    TEXT_MAX_CHARACTERS,
    CharacterisationOption,
    ChargeOption,
    Format,
    FormatOption,
    InstrumentOption,
    LimitOption,
    OffenceOption,
    OrgOption,
    Page,
    PersonOption,
    RawOption,
    YearOption,
    bounded_text,
    controlled,
    kind_option,
    whole_number,
)
from incidentdb.errors import UserError


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
def people(ctx: typer.Context, charge: ChargeOption = None, org: OrgOption = None,
           kind: Annotated[str | None, kind_option(
               "An occupation or a role in an organization",
               sorted({*v.OCCUPATIONS, *v.MEMBERSHIP_ROLES}))] = None,
           offence: OffenceOption = None, characterisation: CharacterisationOption = None,
           limit: LimitOption = None, fmt: FormatOption = Format.table,
           raw: RawOption = False) -> None:
    """People, filtered by charge, organization or occupation.

    Example: incidentdb people --charge hooliganism
    """
    from incidentdb.lookup import find_offence, find_organization
    from incidentdb.output import render_rows
    from incidentdb.queries import list_people

    with reading(ctx) as session:
        org_id = find_organization(session, org).id if org else None
        offence_id = find_offence(session, offence) if offence else None
        page = Page.of(limit, fmt)
        rows = page.rows(list_people(session, charge=charge, org_id=org_id, kind=kind,
                                  offence=offence_id, characterisation=characterisation,
                                  limit=page.fetch))
    render_rows(rows, fmt.value, ["name", "occupations", "organizations", "charges", "id"],
                title=f"{len(rows)} people", empty="No person matches.", raw=raw)


@app.command("cases")
def cases(ctx: typer.Context, person: PersonOption = None, charge: ChargeOption = None,
          status: Annotated[str | None, typer.Option(
              "--status", parser=controlled("--status", v.CASE_STATUSES), metavar="STATUS",
              help=f"One of: {', '.join(v.CASE_STATUSES)}.")] = None,
          offence: OffenceOption = None, characterisation: CharacterisationOption = None,
          limit: LimitOption = None, fmt: FormatOption = Format.table,
          raw: RawOption = False) -> None:
    """Prosecutions with their defendants, charges and latest sentence.

    Example: incidentdb cases --charge covid
    """
    from incidentdb.lookup import find_offence, find_person
    from incidentdb.output import render_rows
    from incidentdb.queries import list_cases

    with reading(ctx) as session:
        person_id = find_person(session, person).id if person else None
        offence_id = find_offence(session, offence) if offence else None
        page = Page.of(limit, fmt)
        rows = page.rows(list_cases(session, person_id=person_id, charge=charge, status=status,
                                 offence=offence_id, characterisation=characterisation,
                                 limit=page.fetch))
    columns = ["id", "title", "status", "defendants", "defendant_count",
               "defendant_count_qualifier", "charges", "latest_sentence", "sentence_date"]
    if fmt is Format.table:  # the count as the report says it ("at least 6", "dozens")
        columns[4:6] = ["defendants_counted"]
    render_rows(rows, fmt.value, columns,
                title=f"{len(rows)} cases", empty="No case matches.", raw=raw)


@app.command("charges")
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
        "--include-uncertain", help="Also events whose date (stated or derived) only "
        "overlaps the period: vaguer, open-ended or derived; each says why.")] = False,
    include_undated: Annotated[bool, typer.Option(
        "--include-undated", help="Also events with no bound but their source's "
        "publication, which may fall in any period before it.")] = False,
    kind: Annotated[str | None, kind_option("The kind of event", v.EVENT_KINDS)] = None,
    person: PersonOption = None, org: OrgOption = None, instrument: InstrumentOption = None,
    limit: LimitOption = None, fmt: FormatOption = Format.table, raw: RawOption = False,
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
    from incidentdb.queries import events_left_out, list_events

    window = _window(month, year, start, end)
    with reading(ctx) as session:
        person_id = find_person(session, person).id if person else None
        org_id = find_organization(session, org).id if org else None
        instrument_id = find_instrument(session, instrument).id if instrument else None
        page = Page.of(limit, fmt)
        asked: dict[str, Any] = {"instrument_id": instrument_id,
            "start": window[0], "end": window[1], "include_uncertain": include_uncertain,
            "include_undated": include_undated, "kind": kind, "person_id": person_id,
            "org_id": org_id}
        rows = page.rows(list_events(session, **asked, limit=page.fetch))
        left_out = events_left_out(session, **asked)
    columns = _event_columns(rows, fmt, include_uncertain or include_undated)
    render_rows(rows, fmt.value, columns, title=f"{len(rows)} events",
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


def _event_columns(rows: list[dict[str, Any]], fmt: Format, uncertain: bool) -> list[str]:
    """A listing's columns: every field for scripts; for a table, what reads (the counts
    only if an event has one, why only if uncertain events were asked for)."""
    if fmt is not Format.table:
        return EVENT_COLUMNS
    columns = ["date", "date_text", "kind", "title", "who", "counted", "id"]
    if not any(row["counted"] for row in rows):
        columns.remove("counted")
    return ["why", *columns] if uncertain else columns


EVENT_COLUMNS = ["date", "date_text", "date_start", "date_end", "date_precision", "earliest",
                 "earliest_basis", "earliest_from", "latest", "latest_basis", "latest_from",
                 "month", "bounds", "kind", "title", "who", "counted", "case", "id", "uncertain",
                 "why"]


def _left_out_notes(left_out: dict[str, int]) -> list[str]:
    """What a dated listing leaves out, one line each (none when it leaves out nothing)."""
    notes = []
    if left_out.get("uncertain"):
        notes.append(f"{left_out['uncertain']} event(s) may fall in this period but are not "
                     "certainly in it; --include-uncertain lists them")
    if left_out.get("undated"):
        notes.append(f"{left_out['undated']} event(s) without a date may fall in this period; "
                     "--include-undated lists them")
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


@app.command("orgs")
def orgs(ctx: typer.Context,
         kind: Annotated[str | None, kind_option("The kind of organization",
                                                 v.ORGANIZATION_KINDS)] = None,
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


SEARCH_RESULTS = 20  # a search shows the best 20 unless --limit says otherwise


@app.command("search")
def search(ctx: typer.Context,
           text: Annotated[str, typer.Argument(
               metavar="TEXT", parser=bounded_text("the search text"),
               help=f"Words to find; taken literally; {TEXT_BOUNDS}.")],
           limit: Annotated[int | None, typer.Option(
               "--limit", parser=whole_number(0, MAX_LIMIT), metavar="N",
               help=f"Show at most N results, best first (0: all; at most {MAX_LIMIT:,}). "
               f"Default: {SEARCH_RESULTS}.")] = None,
           fmt: FormatOption = Format.table, raw: RawOption = False) -> None:
    """Ranked full-text search over events, cases, people and evidence excerpts.

    Example: incidentdb search "hunger strike"
    """
    from dataclasses import asdict

    from incidentdb.output import render_rows
    from incidentdb.search import search as search_query

    page = Page.of(limit, fmt, table=SEARCH_RESULTS, machine=SEARCH_RESULTS)
    with reading(ctx) as session:
        hits = page.rows([asdict(h) for h in search_query(session, text, page.fetch)])
    for hit in hits:
        hit["rank"] = round(hit["rank"], 4)
    render_rows(hits, fmt.value, ["kind", "record_id", "title", "passage", "rank"],
                title=f"{len(hits)} results for {text!r}", empty="No match.", raw=raw)


@app.command("stats")
def stats(ctx: typer.Context, fmt: FormatOption = Format.table, raw: RawOption = False) -> None:
    """Counts per table, per event kind, per offence and per month.

    Example: incidentdb stats
    """
    from incidentdb.output import dumps, rich_table, show, write_machine
    from incidentdb.queries import stats as stats_query

    with reading(ctx) as session:
        sections = stats_query(session)
    if fmt is Format.json:
        typer.echo(dumps(sections))
    elif fmt is Format.table:
        show(*(rich_table(rows, list(rows[0]) if rows else [], title.capitalize())
               for title, rows in sections.items()))
    else:
        flat = [{"section": title, "key": str(list(row.values())[0]),
                 "value": list(row.values())[1]} for title, rows in sections.items()
                for row in rows]
        write_machine(flat, fmt.value, ["section", "key", "value"], raw=raw)


@app.command("cite")
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
