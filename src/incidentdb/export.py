"""Exports: every table out as CSV (with a Frictionless Data Package), JSON, NDJSON or FtM.

Rows are streamed in batches (`yield_per`), so a table of any size goes out in
constant memory. A file is written under a temporary name in the target folder
and renamed only when complete: an interrupted export leaves no truncated file
with a real name behind. On PostgreSQL all tables are read in one REPEATABLE READ
transaction, so the files agree with each other.

CSV cells are meant for spreadsheets, which may run text as a formula: a text cell
is passed through `spreadsheet.neutralise`, the rule every CSV of incidentdb follows,
unless the caller asks for raw values. JSON keeps values as they are.

The FtM export maps the records onto FollowTheMoney entities (Aleph,
OpenSanctions tooling) as plain dicts: the runtime does not need followthemoney.
See docs/export.md for the mapping.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    case,
    cast,
    exists,
    func,
    select,
)

from incidentdb.errors import IncidentdbError
from incidentdb.models import Base

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.sql import ColumnElement, Select

TABLE_FORMATS = ("csv", "json", "ndjson")
FORMATS = (*TABLE_FORMATS, "ftm")
ENTITIES_FILE = "entities.ftm.json"
PACKAGE_FILE = "datapackage.json"
BATCH_ROWS = 2000
# Derived search documents: rebuilt by the loader, not data. The full-text index
# (search_fts* on SQLite) and alembic_version are not in the models at all.
NOT_EXPORTED = frozenset({"search_entries"})

Progress = Callable[[str, int, int], None]

# The columns of the case_summary view (migration 0003), for selecting from it and
# describing it in the data package. A test keeps them equal to the view's.
CASE_SUMMARY = Table(
    "case_summary", MetaData(),
    Column("charge_id", String(200), primary_key=True),
    Column("case_id", String(200), nullable=False),
    Column("case_title", Text, nullable=False),
    Column("case_status", String(40), nullable=False),
    Column("person_id", String(200)),
    Column("person_name", Text),
    Column("organization_id", String(200)),
    Column("organization_name", Text),
    Column("offence_id", String(200), nullable=False),
    Column("offence_name", Text, nullable=False),
    Column("wording", Text, nullable=False),
    Column("characterisation", String(40)),
    Column("charge_outcome", String(40)),
    Column("charge_date_text", Text),
    Column("charge_date", String(40)),
    Column("charge_date_start", Date),
    Column("charge_date_end", Date),
    Column("sentence_id", String(200)),
    Column("sentence_kind", String(40)),
    Column("term_min_months", Integer),
    Column("term_max_months", Integer),
    Column("sentence_group", Text),
    Column("sentence_date", String(40)),
    Column("sentence_date_start", Date),
    Column("sentence_date_end", Date),
    Column("sentence_status", String(40)),
    Column("excerpt", Text, nullable=False),
    Column("source_id", String(200), nullable=False),
    comment="One row per charge: the person, an organization of theirs, the offence, "
    "the case and the person's latest sentence in it (see migration 0003).",
)


class ExportError(IncidentdbError):
    """An export that cannot be done as asked: an unknown table, a wrong format."""


@dataclass(frozen=True)
class WrittenFile:
    name: str  # the table, or "entities"
    path: Path | None  # None for a stream
    rows: int


@dataclass
class ExportReport:
    files: list[WrittenFile] = field(default_factory=list)
    package: Path | None = None

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)


# --- choosing tables ---------------------------------------------------------------------


def exportable_tables() -> dict[str, Table]:
    """Every table worth exporting, parents before children, then the case_summary view."""
    tables = {t.name: t for t in Base.metadata.sorted_tables if t.name not in NOT_EXPORTED}
    tables[CASE_SUMMARY.name] = CASE_SUMMARY
    return tables


def resolve_tables(names: Sequence[str] | None) -> list[Table]:
    """The tables named (all when none is), or ExportError naming the first unknown one."""
    known = exportable_tables()
    if not names:
        return list(known.values())
    for name in names:
        if name not in known:
            raise ExportError(f"no table {name!r}; tables: {', '.join(known)}")
    return [known[name] for name in dict.fromkeys(names)]


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")


# --- reading ------------------------------------------------------------------------------


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction for the whole export (one snapshot on PostgreSQL)."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            yield conn


def _stream(conn: Connection, query: Select, table: Table,
            progress: Progress | None) -> Iterator[Any]:
    """The query's rows, fetched BATCH_ROWS at a time; progress reported once per batch.

    The query reads one row per row of `table`, whose size is the progress total.
    """
    total = 0
    if progress:
        total = conn.execute(select(func.count()).select_from(table)).scalar_one()
    done = 0
    with conn.execute(query.execution_options(yield_per=BATCH_ROWS)) as result:
        for row in result:
            yield row
            done += 1
            if progress and done % BATCH_ROWS == 0:
                progress(table.name, done, total)
    if progress:
        progress(table.name, done, total)


def _ordered(table: Table) -> Select:
    return select(table).order_by(*table.primary_key.columns)


# --- CSV, JSON, NDJSON --------------------------------------------------------------------


def _csv_column(column: Column) -> Any:
    """A column as its CSV cell, made by the database: dates as ISO text, booleans as
    true/false. Text is neutralised in Python (`spreadsheet`), by the rule every CSV of
    incidentdb follows: one rule in one place, the same on every database."""
    if isinstance(column.type, Boolean):
        return case((column.is_(None), None), (column, "true"), else_="false").label(column.name)
    if isinstance(column.type, Date | DateTime):
        return cast(column, String).label(column.name)
    return column


def _csv_batches(conn: Connection, table: Table, neutralised: bool,
                 progress: Progress | None) -> Iterator[Sequence[Any]]:
    """The table's CSV cells, BATCH_ROWS rows at a time, in primary-key order.

    Dates and booleans are computed in SQL; Python neutralises text cells a batch at a
    time (one regex search over the batch's text, cell by cell only where it finds
    something) and hands batches to csv.writer, so the export runs close to the speed
    of reading the table.
    """
    from incidentdb.spreadsheet import neutralise_rows

    query = (select(*(_csv_column(c) for c in table.columns))
             .order_by(*table.primary_key.columns))
    text_columns = [i for i, c in enumerate(table.columns)
                    if neutralised and isinstance(c.type, String)]
    total = 0
    if progress:
        total = conn.execute(select(func.count()).select_from(table)).scalar_one()
    done = 0
    with conn.execute(query.execution_options(yield_per=BATCH_ROWS)) as result:
        while batch := result.fetchmany(BATCH_ROWS):
            yield neutralise_rows(batch, text_columns) if text_columns else batch
            done += len(batch)
            if progress:
                progress(table.name, done, total)


def _json_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def write_rows(conn: Connection, table: Table, fmt: str, stream: IO[str], *,
               neutralised: bool = True, progress: Progress | None = None) -> int:
    """Write one table to an open text stream in primary-key order; return the rows written."""
    names = [column.name for column in table.columns]
    count = 0
    if fmt == "csv":
        writer = csv.writer(stream)
        writer.writerow(names)
        for batch in _csv_batches(conn, table, neutralised, progress):
            writer.writerows(batch)
            count += len(batch)
        return count
    rows = _stream(conn, _ordered(table), table, progress)
    if fmt == "json":
        stream.write("[")
        for row in rows:
            record = dict(zip(names, map(_json_value, row), strict=True))
            stream.write(("\n" if count == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
            count += 1
        stream.write("\n]\n" if count else "]\n")
    elif fmt == "ndjson":
        for row in rows:
            record = dict(zip(names, map(_json_value, row), strict=True))
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    else:
        raise ExportError(f"format {fmt!r} does not write single tables")
    return count


# --- files --------------------------------------------------------------------------------


@contextmanager
def _atomic_file(path: Path) -> Iterator[IO[str]]:
    """A file that appears under its name only once it is complete.

    It is written as a hidden `.NAME.*.tmp` beside its target (same file system, so
    the rename is atomic) and removed if writing fails or is interrupted.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def export_tables(engine: Engine, out_dir: Path, fmt: str = "csv",
                  tables: Sequence[str] | None = None, *, neutralised: bool = True,
                  progress: Progress | None = None) -> ExportReport:
    """Write each table to OUT_DIR/<table>.<fmt> (and datapackage.json beside CSV files).

    With fmt "ftm", write every record as FollowTheMoney entities to entities.ftm.json.
    """
    _check_format(fmt)
    if fmt == "ftm" and tables:
        raise ExportError("the ftm format exports every table as entities: name no table")
    chosen = resolve_tables(tables) if fmt != "ftm" else []
    out_dir.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    with _snapshot(engine) as conn:
        if fmt == "ftm":
            path = out_dir / ENTITIES_FILE
            with _atomic_file(path) as stream:
                count = write_entities(conn, stream, progress=progress)
            report.files.append(WrittenFile("entities", path, count))
            return report
        for table in chosen:
            path = out_dir / f"{table.name}.{fmt}"
            with _atomic_file(path) as stream:
                count = write_rows(conn, table, fmt, stream, neutralised=neutralised,
                                   progress=progress)
            report.files.append(WrittenFile(table.name, path, count))
        if fmt == "csv":
            report.package = out_dir / PACKAGE_FILE
            with _atomic_file(report.package) as stream:
                json.dump(data_package(conn, chosen, neutralised=neutralised), stream,
                          indent=2, ensure_ascii=False)
                stream.write("\n")
    return report


def export_stream(engine: Engine, stream: IO[str], fmt: str, table: str | None = None, *,
                  neutralised: bool = True, progress: Progress | None = None) -> int:
    """Write one table (or, with fmt "ftm", every entity) to a stream; return the rows."""
    _check_format(fmt)
    with _snapshot(engine) as conn:
        if fmt == "ftm":
            return write_entities(conn, stream, progress=progress)
        if table is None:
            raise ExportError("name the table to write")
        [chosen] = resolve_tables([table])
        return write_rows(conn, chosen, fmt, stream, neutralised=neutralised,
                          progress=progress)


# --- the data package ---------------------------------------------------------------------

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
# Checked in order: Text is a String, so the generic types come last.
FIELD_TYPES: tuple[tuple[type, str], ...] = (
    (Boolean, "boolean"), (DateTime, "datetime"), (Date, "date"), (Integer, "integer"),
    (Float, "number"), (Numeric, "number"), (String, "string"),
)


def _field_type(column: Column) -> str:
    for sql_type, name in FIELD_TYPES:
        if isinstance(column.type, sql_type):
            return name
    return "any"


def _field(column: Column) -> dict[str, Any]:
    described: dict[str, Any] = {"name": column.name, "type": _field_type(column)}
    if column.comment:
        described["description"] = column.comment
    if not column.nullable:
        described["constraints"] = {"required": True}
    return described


def _resource(table: Table, exported: set[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "$schema": SCHEMA_PROFILE,
        "fields": [_field(column) for column in table.columns],
        "primaryKey": [column.name for column in table.primary_key.columns],
    }
    foreign_keys = []
    for constraint in sorted(table.foreign_key_constraints, key=lambda c: c.column_keys):
        target = constraint.referred_table.name
        if target not in exported:  # a subset export: the reference cannot be checked
            continue
        reference: dict[str, Any] = {"fields": [e.column.name for e in constraint.elements]}
        if target != table.name:  # Data Package v2: no resource means this one
            reference = {"resource": target, **reference}
        foreign_keys.append({"fields": list(constraint.column_keys), "reference": reference})
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    resource: dict[str, Any] = {
        "name": table.name, "type": "table", "path": f"{table.name}.csv", "format": "csv",
        "mediatype": "text/csv", "encoding": "utf-8",
    }
    description = table.comment or _model_docstrings().get(table.name)
    if description:
        resource["description"] = description
    return {**resource, "schema": schema}


def _model_docstrings() -> dict[str, str]:
    """Each model's docstring, first paragraph, by table: the resources' descriptions."""
    described = {}
    for mapper in Base.registry.mappers:
        doc = (mapper.class_.__doc__ or "").strip()
        if doc and mapper.local_table is not None:
            described[mapper.local_table.name] = " ".join(doc.split("\n\n")[0].split())
    return described


def data_package(conn: Connection, tables: Sequence[Table], *,
                 neutralised: bool = True) -> dict[str, Any]:
    """A Frictionless Data Package (v2) describing the CSV files of these tables.

    Fields, keys and references come from the SQLAlchemy metadata; the sources'
    titles, addresses and licence notes from the `sources` table.
    """
    sources = Base.metadata.tables["sources"]
    rows = conn.execute(select(sources).order_by(sources.c.id)).all()
    cells = ("A text cell that a spreadsheet could run as a formula (one beginning with =, +, "
             "-, @, a tab, a carriage return or a fullwidth ＝ ＋ － ＠, also after white "
             "space or a line break) is prefixed with ' against formula injection."
             if neutralised else
             "Cells are written as they are (no spreadsheet formula neutralisation).")
    notes = [f"{row.title}: {row.licence}" for row in rows if row.licence]
    package: dict[str, Any] = {
        "$schema": PACKAGE_PROFILE,
        "name": "incidentdb",
        "title": "incidentdb: human-rights incidents",
        "description": " ".join(["Records extracted from the sources listed, each with the "
                                 "verbatim excerpt that supports it.", cells, *notes]),
        "sources": [{"title": row.title, **({"path": row.url} if row.url else {})}
                    for row in rows],
    }
    licenses = [{"title": row.licence, "path": row.url} for row in rows
                if row.licence and row.url]
    if licenses:
        package["licenses"] = licenses
    exported = {table.name for table in tables}
    package["resources"] = [_resource(table, exported) for table in tables]
    return package


# --- FollowTheMoney -----------------------------------------------------------------------

ID_PREFIX = "incidentdb"
ENTITY_ID_MAX = 200  # followthemoney's limit
SEPARATOR = "\x1f"  # joins aggregated values; never in curated text
ISO_PREFIX = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?")
PUBLIC_BODY_KINDS = frozenset({
    "court", "prosecutor", "police", "government", "parliament", "parliamentary-committee",
    "military", "security-service", "ombudsman", "municipal-authority", "embassy",
})
# FtM countries are ISO codes; the data says names. Names not listed here are left out
# of the entities (they stay in the tables).
COUNTRY_CODES = {
    "armenia": "am", "azerbaijan": "az", "georgia": "ge", "iran": "ir", "russia": "ru",
    "turkey": "tr", "türkiye": "tr", "united kingdom": "gb", "united states": "us",
}


def entity_id(kind: str, *keys: str) -> str:
    """A stable FtM id from record keys; hashed only when too long for FtM."""
    joined = ".".join(keys)
    readable = f"{ID_PREFIX}-{kind}-{joined}"
    if len(readable) <= ENTITY_ID_MAX:
        return readable
    return f"{ID_PREFIX}-{kind}-{hashlib.sha1(joined.encode()).hexdigest()}"


def _entity(schema: str, id_: str, **properties: list[str]) -> dict[str, Any]:
    return {"id": id_, "schema": schema,
            "properties": {name: values for name, values in properties.items() if values}}


def _values(*items: Any) -> list[str]:
    return [str(item) for item in items if item not in (None, "")]


def _split(joined: str | None) -> list[str]:
    return sorted(set(joined.split(SEPARATOR))) if joined else []


def _joined(column: ColumnElement, *where: ColumnElement) -> Any:
    """Every value of column matching where, in one string: one row per record, any database."""
    return select(func.aggregate_strings(column, SEPARATOR)).where(*where).scalar_subquery()


def _country(name: str | None) -> list[str]:
    code = COUNTRY_CODES.get((name or "").strip().lower())
    return [code] if code else []


def ftm_dates(edtf: str | None, start: date | None, end: date | None) -> dict[str, list[str]]:
    """An EDTF date as FtM dates, which are ISO prefixes: never more precise than the source.

    An ISO prefix is a `date`; an interval or a part of a year becomes `startDate` and
    `endDate`, its sub-year ends given as the months they begin and end in.
    """
    if not edtf:
        return {}
    if ISO_PREFIX.fullmatch(edtf):
        return {"date": [edtf]}
    first, _, last = edtf.partition("/")
    dates = {"startDate": _date_end(first, start), "endDate": _date_end(last or first, end)}
    return {name: [value] for name, value in dates.items() if value}


def _date_end(part: str, bound: date | None) -> str | None:
    if not part or part == "..":
        return None
    if ISO_PREFIX.fullmatch(part):
        return part
    return bound.isoformat()[:7] if bound else None  # seasons, quarters, halves: whole months


def sentence_phrase(kind: str | None, low: int | None, high: int | None) -> str | None:
    """`imprisonment, 8 months`, `suspended, 24 to 48 months`, or the kind alone."""
    if kind is None:
        return None
    if low is None and high is None:
        return kind
    if low is None:
        return f"{kind}, up to {high} months"
    if high is None or high == low:
        return f"{kind}, {low} months"
    return f"{kind}, {low} to {high} months"


def _latest_sentence_id(case_id: ColumnElement, person_id: ColumnElement) -> Any:
    """The person's latest sentence in the case: the rule of the case_summary view."""
    s = Base.metadata.tables["sentences"].alias("latest")
    later = Base.metadata.tables["sentences"].alias("later")
    undated = s.c.date_start.is_(None)
    return (
        select(s.c.id)
        .where(s.c.case_id == case_id, s.c.person_id == person_id,
               ~exists().where(later.c.replaces_id == s.c.id))
        .order_by(case((s.c.status == "replaced", 1), else_=0), case((undated, 1), else_=0),
                  s.c.date_start.desc(), s.c.id)
        .limit(1)
        .scalar_subquery()
    )


def entities(conn: Connection, progress: Progress | None = None) -> Iterator[dict[str, Any]]:
    """Every record as FtM entities: organizations, people, memberships, cases, parties, events."""
    t = Base.metadata.tables
    sources = {row.id: row for row in conn.execute(select(t["sources"]))}

    def provenance(source_id: str) -> dict[str, list[str]]:
        source = sources.get(source_id)
        if source is None:
            return {}
        return {"sourceUrl": _values(source.url), "publisher": _values(source.publisher)}

    orgs = t["organizations"]
    for row in _stream(conn, _ordered(orgs), orgs, progress):
        yield _entity(
            "PublicBody" if row.kind in PUBLIC_BODY_KINDS else "Organization",
            entity_id("org", row.id), name=[row.name], abbreviation=_values(row.short_name),
            classification=[row.kind], country=_country(row.country),
            description=_values(row.description), notes=[row.excerpt],
            **provenance(row.source_id))

    people, names, jobs = t["people"], t["person_names"], t["person_occupations"]
    query = select(
        people,
        _joined(names.c.name, names.c.person_id == people.c.id,
                names.c.kind == "alias").label("aliases"),
        _joined(jobs.c.occupation, jobs.c.person_id == people.c.id).label("occupations"),
    ).order_by(people.c.id)
    for row in _stream(conn, query, people, progress):
        aliases = [a for a in _split(row.aliases) if a != row.name]
        yield _entity(
            "Person", entity_id("person", row.id), name=[row.name],
            # a surname alone ("Yagublu") is too broad to match a person on
            alias=[a for a in aliases if " " in a.strip()],
            weakAlias=[a for a in aliases if " " not in a.strip()],
            description=_values(row.description), gender=_values(row.gender),
            nationality=_country(row.nationality), profession=_split(row.occupations),
            notes=[row.excerpt], **provenance(row.source_id))

    memberships = t["memberships"]
    for row in _stream(conn, _ordered(memberships), memberships, progress):
        yield _entity(
            "Membership", entity_id("membership", row.id),
            member=[entity_id("person", row.person_id)],
            organization=[entity_id("org", row.organization_id)], role=[row.role],
            description=[row.excerpt],
            **ftm_dates(row.date_edtf, row.date_start, row.date_end), **provenance(row.source_id))

    cases, charges, offences, sentences = t["cases"], t["charges"], t["offences"], t["sentences"]
    offence_names = (select(func.aggregate_strings(offences.c.name, SEPARATOR))
                     .select_from(charges.join(offences, charges.c.offence_id == offences.c.id))
                     .where(charges.c.case_id == cases.c.id).scalar_subquery())
    courts = (select(func.aggregate_strings(orgs.c.name, SEPARATOR))
              .select_from(sentences.join(orgs, sentences.c.court_id == orgs.c.id))
              .where(sentences.c.case_id == cases.c.id).scalar_subquery())
    query = select(cases, offence_names.label("offences"),
                   courts.label("courts")).order_by(cases.c.id)
    for row in _stream(conn, query, cases, progress):
        yield _entity(
            "CourtCase", entity_id("case", row.id), name=[row.title],
            summary=_values(row.summary), status=[row.status], category=_split(row.offences),
            court=_split(row.courts), notes=[row.excerpt], **provenance(row.source_id))

    defendants = t["case_defendants"]
    sentence = sentences.alias("sentence")
    wording = _joined(charges.c.wording, charges.c.case_id == defendants.c.case_id,
                      charges.c.person_id == defendants.c.person_id)
    query = (
        select(defendants.c.case_id, defendants.c.person_id, wording.label("charges"),
               sentence.c.kind, sentence.c.term_min_months, sentence.c.term_max_months,
               sentence.c.status, sentence.c.date_edtf, sentence.c.date_start,
               sentence.c.date_end)
        .select_from(defendants.outerjoin(sentence, sentence.c.id == _latest_sentence_id(
            defendants.c.case_id, defendants.c.person_id)))
        .order_by(defendants.c.case_id, defendants.c.person_id)
    )
    for row in _stream(conn, query, defendants, progress):
        yield _entity(
            "CourtCaseParty", entity_id("party", row.case_id, row.person_id),
            case=[entity_id("case", row.case_id)], party=[entity_id("person", row.person_id)],
            role=["defendant"], description=_split(row.charges), status=_values(row.status),
            summary=_values(sentence_phrase(row.kind, row.term_min_months,
                                            row.term_max_months)),
            **ftm_dates(row.date_edtf, row.date_start, row.date_end))

    events, participants = t["events"], t["event_participants"]
    involved = participants.c.event_id == events.c.id
    query = select(
        events,
        _joined(participants.c.person_id, involved).label("people"),
        _joined(participants.c.organization_id, involved).label("organizations"),
        _joined(participants.c.group_description, involved).label("groups"),
    ).order_by(events.c.id)
    for row in _stream(conn, query, events, progress):
        groups = [f"Also involved (unnamed): {group}" for group in _split(row.groups)]
        yield _entity(
            "Event", entity_id("event", row.id), name=[row.title], summary=_values(row.summary),
            location=_values(row.place), keywords=[row.kind],
            involved=[entity_id("person", p) for p in _split(row.people)]
            + [entity_id("org", o) for o in _split(row.organizations)],
            notes=[row.excerpt, *groups],
            **ftm_dates(row.date_edtf, row.date_start, row.date_end), **provenance(row.source_id))


def write_entities(conn: Connection, stream: IO[str], *, progress: Progress | None = None) -> int:
    """Write every entity as one JSON object per line; return how many."""
    count = 0
    for entity in entities(conn, progress):
        stream.write(json.dumps(entity, ensure_ascii=False) + "\n")
        count += 1
    return count
