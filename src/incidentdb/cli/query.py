"""The read-only commands: person, people, cases, charges, sentences, events, timeline,
orgs, org, search, stats, cite. Each parses its arguments, asks `queries`/`casefile`, renders."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from incidentdb import vocabulary as v
from incidentdb.cli.app import app, reading
from incidentdb.cli.options import (
    DATE_COLUMNS,
    MAX_LIMIT,
    TEXT_BOUNDS,
    TEXT_MAX_CHARACTERS,
    CharacterisationOption,
    ChargeOption,
    Format,
    FormatOption,
    LimitOption,
    MinSourcesOption,
    OffenceOption,
    OrgOption,
    Page,
    PersonOption,
    RawOption,
    bounded_text,
    controlled_option,
    kind_option,
    whole_number,
)
from incidentdb.errors import UserError


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
           min_sources: MinSourcesOption = None,
           limit: LimitOption = None, fmt: FormatOption = Format.table,
           raw: RawOption = False) -> None:
    """People, filtered by charge, organization or occupation.

    Example: incidentdb people --charge hooliganism
    """
    from incidentdb.lookup import find_offence, find_organization
    from incidentdb.output import render_rows
    from incidentdb.prosecutions import list_people, people_query
    from incidentdb.queries import count_up_to

    with reading(ctx) as session:
        org_id = find_organization(session, org).id if org else None
        offence_id = find_offence(session, offence) if offence else None
        page = Page.of(limit, fmt)
        asked: dict[str, Any] = {"charge": charge, "org_id": org_id, "kind": kind,
                                 "offence": offence_id, "characterisation": characterisation,
                                 "min_sources": min_sources}
        rows = page.rows(list_people(session, **asked, limit=page.fetch), lambda: count_up_to(
            session, people_query(session, **asked)), "people")
    columns = ["name", "occupations", "organizations", "charges", "other_charges", "sources",
               "id"]
    columns = _sources_column(_charge_columns(columns, fmt, charge, offence, characterisation),
                              fmt, min_sources)
    render_rows(rows, fmt.value, columns,
                title=page.caption(len(rows), "people"), empty="No person matches.", raw=raw)


def _sources_column(columns: list[str], fmt: Format, min_sources: int | None) -> list[str]:
    """A listing's columns: how many sources support each record, in a table only when
    --min-sources asks about it (csv and json always have it)."""
    if fmt is Format.table and not min_sources:
        return [c for c in columns if c != "sources"]
    return columns


def _charge_columns(columns: list[str], fmt: Format, *asked: str | None) -> list[str]:
    """A listing's columns: `charges` holds the charges that match the filters and
    `other_charges` the rest; a table without a charge filter has no other charges."""
    if fmt is Format.table and not any(asked):
        return [c for c in columns if c != "other_charges"]
    return columns


@app.command("cases")
def cases(ctx: typer.Context, person: PersonOption = None, charge: ChargeOption = None,
          status: Annotated[str | None, controlled_option(
              "--status", v.CASE_STATUSES, "The case's status", "STATUS")] = None,
          offence: OffenceOption = None, characterisation: CharacterisationOption = None,
          min_sources: MinSourcesOption = None,
          limit: LimitOption = None, fmt: FormatOption = Format.table,
          raw: RawOption = False) -> None:
    """Prosecutions with their defendants, charges and latest sentence.

    Example: incidentdb cases --charge covid
    """
    from incidentdb.lookup import find_offence, find_person
    from incidentdb.output import render_rows
    from incidentdb.prosecutions import cases_query, list_cases
    from incidentdb.queries import count_up_to

    with reading(ctx) as session:
        person_id = find_person(session, person).id if person else None
        offence_id = find_offence(session, offence) if offence else None
        page = Page.of(limit, fmt)
        asked: dict[str, Any] = {"person_id": person_id, "charge": charge, "status": status,
                                 "offence": offence_id, "characterisation": characterisation,
                                 "min_sources": min_sources}
        rows = page.rows(list_cases(session, **asked, limit=page.fetch), lambda: count_up_to(
            session, cases_query(session, **asked)), "cases")
    columns = ["id", "title", "status", "defendants", "defendant_count",
               "defendant_count_qualifier", "charges", "other_charges", "latest_sentence",
               "sentence_date", "sources"]
    if fmt is Format.table:  # the count as the report says it ("at least 6", "dozens")
        columns[4:6] = ["defendants_counted"]
    columns = _sources_column(_charge_columns(columns, fmt, charge, offence, characterisation),
                              fmt, min_sources)
    render_rows(rows, fmt.value, columns, title=page.caption(len(rows), "cases"),
                empty="No case matches.", raw=raw)


@app.command("charges")
def charges(ctx: typer.Context, charge: ChargeOption = None, offence: OffenceOption = None,
            characterisation: CharacterisationOption = None, person: PersonOption = None,
            min_sources: MinSourcesOption = None, limit: LimitOption = None,
            fmt: FormatOption = Format.table, raw: RawOption = False) -> None:
    """Offence categories with their numbers of cases, people and charges; or, given a
    filter, the matching charges one by one.

    With --charge, --offence, --characterisation, --person or --min-sources, each
    matching charge is a row: who (a person, or a case's unnamed defendants), case,
    offence, the report's wording and characterisation, outcome, date, sources. A charge
    must match every filter given.

    Example: incidentdb charges

    Example: incidentdb charges --offence hooliganism --characterisation bogus
    """
    from incidentdb.lookup import find_offence, find_person
    from incidentdb.output import render_rows
    from incidentdb.prosecutions import ChargeFilter, charges_query, list_charges
    from incidentdb.queries import count_up_to, offence_summary

    with reading(ctx) as session:
        if not (charge or offence or characterisation or person or min_sources):
            summary = offence_summary(session)
        else:
            asked = ChargeFilter(charge, find_offence(session, offence) if offence else None,
                                 characterisation)
            person_id = find_person(session, person).id if person else None
            page = Page.of(limit, fmt)
            rows = page.rows(list_charges(session, asked, person_id, min_sources, page.fetch),
                             lambda: count_up_to(session, charges_query(
                                 session, asked, person_id, min_sources)), "charges")
    if not (charge or offence or characterisation or person or min_sources):
        render_rows(summary, fmt.value, ["id", "name", "cases", "people", "charges"],
                    title="Charges by offence", raw=raw)
        return
    columns = ["date", "who", "offence", "wording", "characterisation", "outcome", "case",
               "sources", "id"]
    if fmt is not Format.table:
        columns = [*DATE_COLUMNS, "who", "person_id", "offence_id", "offence",
                   "wording", "characterisation", "outcome", "case", "sources", "id"]
    columns = _sources_column(columns, fmt, min_sources)
    render_rows(rows, fmt.value, columns, title=page.caption(len(rows), "charges"),
                empty="No charge matches.", raw=raw)


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
    from incidentdb.queries import COUNT_CAP
    from incidentdb.search import count_matches
    from incidentdb.search import search as search_query

    page = Page.of(limit, fmt, table=SEARCH_RESULTS, machine=SEARCH_RESULTS)
    with reading(ctx) as session:
        hits = page.rows([asdict(h) for h in search_query(session, text, page.fetch)],
                         lambda: count_matches(session, text, COUNT_CAP), "results")
    for hit in hits:
        hit["rank"] = round(hit["rank"], 4)
    render_rows(hits, fmt.value, ["kind", "record_id", "title", "passage", "rank"],
                title=f"{page.caption(len(hits), 'results')} for {text!r}", empty="No match.",
                raw=raw)


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
         context: Annotated[int | None, typer.Option(
             "--context", parser=whole_number(0, 10_000), metavar="N",
             help="Show each excerpt inside N characters of its source's text on either "
             "side, marked [[like this]].")] = None,
         fmt: FormatOption = Format.table, raw: RawOption = False) -> None:
    """The evidence of a record: its source, the verbatim excerpt and its offsets, then
    what further sources say of it (supports, dates it, disputes a value).

    Works from the database alone: the sources' texts are stored in it.

    Example: incidentdb cite yagublu-conditional-30-months

    Example: incidentdb cite yagublu-hooliganism --context 80
    """
    from incidentdb.output import render_rows
    from incidentdb.queries import cite as cite_query

    with reading(ctx) as session:
        rows = cite_query(session, record_id, context)
    if not rows:
        raise UserError(f"no record has the id {record_id!r}")
    columns = ["stance", "says", "source", "excerpt", "start", "end", "table", "id", "url"]
    if fmt is Format.table:
        columns = ["stance", "says", "source", "context" if context is not None else "excerpt",
                   "start", "end", "id"]
    elif context is not None:
        columns.insert(4, "context")
    render_rows(rows, fmt.value, columns, title=f"Evidence for {record_id}", raw=raw)
