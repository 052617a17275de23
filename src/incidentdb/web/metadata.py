"""Datasette's metadata for an incidentdb database, made from the models and declarations.

Nothing here is written per table: a table's description is its model's docstring (or
what its declaration says it is), a column's is its comment, else the controlled list
its field draws on (`vocabulary`), else the record its foreign key names, else the
meaning of the columns every record of a kind has (`COMMON`). Labels are the title of
each table's search document; dated tables sort by their earliest possible day;
facets are the kinds and statuses, offences and date precisions. The title, licence
and source come from the database's `sources` table. The internal tables (Alembic's,
the full-text index's) are hidden. The full-text table is configured for
`search_entries`, and the canned queries (`queries`) come with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, select

from incidentdb.export.tables import CASE_SUMMARY
from incidentdb.models import DECLARATIONS, Base, Declaration, Field, Source
from incidentdb.vocabulary import VOCABULARIES
from incidentdb.web.queries import canned_queries

if TYPE_CHECKING:
    from sqlalchemy import Column
    from sqlalchemy.orm import Session

PLUGIN = "incidentdb"  # the plugin's name in the metadata's "plugins"
FTS_TABLE = "search_fts"
# Tables Datasette would list that hold no records: Alembic's, and the full-text index's
# own (FTS5 makes the shadow tables search_fts_data, _idx, _docsize and _config).
HIDDEN = ("alembic_version", FTS_TABLE, *(f"{FTS_TABLE}_{shadow}" for shadow in
                                         ("data", "idx", "docsize", "config", "content")))

# What the columns that many tables share mean, wherever they are not described otherwise.
COMMON = {
    "id": "the record's id: unique across every table of the database (`incidentdb cite ID`)",
    "source_id": "the source the record is taken from",
    "excerpt": "the source's words that support the record, verbatim",
    "excerpt_start": "where the excerpt begins in the source's text (a character offset)",
    "excerpt_end": "where the excerpt ends in the source's text (a character offset)",
    "name": "the name as the report gives it",
    "kind": "what kind of name this is: the record's own name or another it goes by",
    "folded": "the name folded for lookup: lower case, accents and Azerbaijani letters "
              "spelled as in English, so any spelling of it is found",
    "record_id": "the id of the record this row belongs to",
    "title": "the record's title (for a search document: the record's label)",
    "body": "the search document's text: the record's text and its evidence excerpt",
    "relation": "after, before or during the target record, or `reported` (a date of "
                "reports about the record)",
    "target": "the record the relation points to",
    "term_min_months": "the shortest term in months (for a range, its lower end)",
    "term_max_months": "the longest term in months (for a range, its upper end; as the "
                       "shortest when the term is exact)",
    "defendant_count_qualifier": "how the report qualifies the defendants' count ('at "
                                 "least', 'about'...)",
}
# The case_summary view (migration 0003) has no declaration: its facets are named here.
CASE_SUMMARY_FACETS = ("offence_name", "case_status", "sentence_kind")


def declarations() -> dict[str, Declaration]:
    return {declared.name: declared for declared in DECLARATIONS}


def field_of(declared: Declaration | None, column: str) -> tuple[str, Field] | None:
    """The data-file field that fills the column (`person` fills person_id), if any."""
    if declared is None:
        return None
    for name, field in declared.fields.items():
        if column in (field.column or name, f"{name}_id"):
            return name, field
    return None


def _owner_field(declared: Declaration | None, column: str) -> tuple[str, Field] | None:
    """For a nested table's value column (person_occupations.occupation), the field of its
    owner whose items it holds (people's `occupations`)."""
    if declared is None or declared.owner is None:
        return None
    for name, field in declarations()[declared.owner.table].fields.items():
        if declared.name.endswith(f"_{name}") and column == name.removesuffix("s"):
            return name, field
    return None


def column_description(table: Table, column: Column) -> str:
    if column.comment:
        return str(column.comment)
    declared = declarations().get(table.name)
    found = field_of(declared, column.name) or _owner_field(declared, column.name)
    if found and found[1].choices:
        for vocabulary in VOCABULARIES:
            if set(vocabulary.values) == set(found[1].choices):
                return f"{vocabulary.help} (`incidentdb vocab {vocabulary.name}`)"
    for key in column.foreign_keys:
        target = declarations().get(key.column.table.name)
        what = target.singular if target else key.column.table.name
        return f"the {what} ({key.column.table.name}.{key.column.name})"
    if column.name in COMMON:
        return COMMON[column.name]
    if found:
        return f"the `{found[0]}` of the record in the data files"
    return column.name.replace("_", " ")


def table_description(declared: Declaration) -> str:
    doc = (declared.model.__doc__ or "").strip().split("\n\n")[0]
    if doc and not doc.startswith(declared.model.__name__ + "("):  # not dataclass-made
        return " ".join(doc.split())
    if declared.owner:
        owner = declarations()[declared.owner.table].singular
        return f"One row per {declared.singular} of a {owner} (a nested item of its record)."
    return f"One row per {declared.singular}, from the `{declared.name}` section of the data files."


def label_column(declared: Declaration) -> str | None:
    if declared.document and declared.document.title in ("name", "title", "wording"):
        return declared.document.title
    return next((c for c in ("name", "title") if c in declared.table.c), None)


def facets(declared: Declaration) -> list[str]:
    out = []
    for column in declared.table.columns:
        found = field_of(declared, column.name)
        field = found[1] if found else None
        if field and ((field.kind == "choice" and found and found[0] in ("kind", "status"))
                      or field.ref == "offences"):
            out.append(column.name)
    if declared.dated and not declared.owner:
        out.append("date_precision")
    return out


def table_metadata(declared: Declaration) -> dict[str, Any]:
    table = declared.table
    meta: dict[str, Any] = {
        "description": table_description(declared),
        "columns": {c.name: column_description(table, c) for c in table.columns},
    }
    label = label_column(declared)
    if label:
        meta["label_column"] = label
    if declared.dated:
        meta["sort"] = "earliest"  # unknown first, as in every listing of the CLI
    if facets(declared):
        meta["facets"] = facets(declared)
    if declared.name == "search_entries":
        meta.update(fts_table=FTS_TABLE, fts_pk="id",
                    description="One search document per record: `?_search=` finds "
                    "records by their words, as `incidentdb search` does.")
    return meta


def source_metadata(session: Session) -> dict[str, str]:
    """Title, source and licence from the database's sources."""
    sources = list(session.scalars(select(Source).order_by(Source.id)))
    meta = {"title": "incidentdb"}
    if sources:
        meta["title"] = "incidentdb: " + "; ".join(s.title for s in sources)
        meta["source"] = "; ".join(f"{s.publisher}, {s.title}" for s in sources)
        if sources[0].url:
            meta["source_url"] = sources[0].url
        licences = [s.licence for s in sources if s.licence]
        if licences:
            meta["license"] = "; ".join(dict.fromkeys(licences))
    return meta


def metadata(session: Session, database: str) -> dict[str, Any]:
    """Datasette's metadata for the incidentdb database served under the name `database`."""
    tables = {d.name: table_metadata(d) for d in DECLARATIONS}
    tables[CASE_SUMMARY.name] = {
        "description": str(CASE_SUMMARY.comment),
        "columns": {c.name: str(c.comment or c.name.replace("_", " "))
                    for c in CASE_SUMMARY.columns},
        "facets": list(CASE_SUMMARY_FACETS)}
    for name in HIDDEN:
        tables[name] = {"hidden": True}
    assert set(tables) >= set(Base.metadata.tables)  # every model table is described
    return {
        **source_metadata(session),
        "description_html": front_page(database),
        "databases": {database: {
            "description_html": front_page(database),
            "tables": tables,
            "queries": canned_queries(),
        }},
        "plugins": {PLUGIN: {"database": database}},
    }


def front_page(database: str) -> str:
    """The questions the pages answer, with their links (the index and database pages)."""
    return (
        "<p>Human-rights incidents: people, prosecutions, sentences and events, each with "
        "its source's words. Ask: "
        f'<a href="/-/person">a person\'s case file</a> (any spelling of the name), '
        f'<a href="/-/people">people by charge or offence</a>, '
        f'<a href="/-/month">events of a month</a>, '
        f'<a href="/{database}/citation">a record\'s citation</a>, '
        f'<a href="/{database}/search">full-text search</a>.</p>')
