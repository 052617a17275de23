"""Each table is declared once, beside its model, and the generic code reads only that.

A model without a declaration, or a declaration without a model, fails here; so do
declarations that name tables, columns or sections that do not exist. The checks
`incidentdb check` derives from the declarations (records nothing links to) are run
on a database holding such records.
"""

from __future__ import annotations

import json

from sqlalchemy import insert, select

from incidentdb.models import DECLARATIONS, Base, curated, write_order
from incidentdb.sections import SECTIONS

from .conftest import DATA, loaded_database


def test_every_table_has_one_declaration_and_every_declaration_a_table():
    names = [d.name for d in DECLARATIONS]
    assert len(names) == len(set(names)), "a table is declared twice"
    assert set(names) == set(Base.metadata.tables), (
        f"models without a declaration: {sorted(set(Base.metadata.tables) - set(names))}; "
        f"declarations without a model: {sorted(set(names) - set(Base.metadata.tables))}")
    mapped = {mapper.class_ for mapper in Base.registry.mappers}
    assert {d.model for d in DECLARATIONS} == mapped


def test_references_in_declarations_name_what_exists():
    tables = Base.metadata.tables
    for d in DECLARATIONS:
        for name, field in d.fields.items():
            if field.kind in ("ref", "refs"):
                assert field.ref in SECTIONS, f"{d.name}.{name} refers to {field.ref!r}"
        if d.owner:
            column = d.table.c[d.owner.column]
            assert {fk.column.table.name for fk in column.foreign_keys} == {d.owner.table}
        for reference in d.used_by:
            table, column = reference.split(".")
            targets = {fk.column.table.name for fk in tables[table].c[column].foreign_keys}
            assert targets == {d.name}, f"{d.name}: {reference} does not refer to it"
        if d.document:
            for column in (d.document.title, *d.document.body):
                assert column in d.table.c, f"{d.name}: no column {column!r} to search"
        assert bool(d.unlinked) == bool(d.used_by), d.name


def test_tables_are_written_parents_first():
    order = [d.name for d in write_order()]
    assert sorted(order) == sorted(d.name for d in curated())
    for position, name in enumerate(order):
        for fk in Base.metadata.tables[name].foreign_keys:
            target = fk.column.table.name
            assert target == name or order.index(target) < position, (name, target)


def _copy(conn, table: str, record_id: str, **changes: str) -> None:
    """A new row of `table`: the record `record_id` with other values (its evidence too)."""
    t = Base.metadata.tables[table]
    row = dict(conn.execute(select(t).where(t.c.id == record_id)).mappings().one())
    conn.execute(insert(t).values({**row, **changes}))


def test_check_reports_records_nothing_links_to(tmp_path, run):
    database = loaded_database(tmp_path, DATA)
    try:
        assert run(database.url, "check").exit_code == 0
        from incidentdb.db import make_engine

        engine = make_engine(database.url)
        with engine.begin() as conn:
            person = conn.execute(select(Base.metadata.tables["people"].c.id)).scalars().first()
            offence = conn.execute(select(Base.metadata.tables["offences"].c.id)).scalars().first()
            case = conn.execute(select(Base.metadata.tables["cases"].c.id)).scalars().first()
            orgs = Base.metadata.tables["organizations"]
            org = conn.execute(select(orgs.c.id).where(orgs.c.parent_id.is_(None))).scalars(
                ).first()
            _copy(conn, "people", person, id="zz-unlinked-person")
            _copy(conn, "offences", offence, id="zz-unlinked-offence")
            _copy(conn, "cases", case, id="zz-unlinked-case")
            _copy(conn, "organizations", org, id="zz-unlinked-org", parent_id=None)
            # linked only as the parent of another organization: not reported
            _copy(conn, "organizations", org, id="zz-parent-org", parent_id=None)
            _copy(conn, "organizations", org, id="zz-child-org", parent_id="zz-parent-org")
            _copy(conn, "memberships", conn.execute(select(
                Base.metadata.tables["memberships"].c.id)).scalars().first(),
                id="zz-membership", organization_id="zz-child-org")
        engine.dispose()
        result = run(database.url, "check")
        assert result.exit_code == 1, result.output
        problems = [line for line in result.stdout.splitlines() if line.startswith("problem:")]
        assert problems == [
            "problem: offence 'zz-unlinked-offence' is used by no charge",
            "problem: person 'zz-unlinked-person' is linked to nothing",
            "problem: organization 'zz-unlinked-org' is linked to nothing",
            "problem: case 'zz-unlinked-case' has no charges, sentences or events",
        ]
        assert result.stderr == "4 problem(s) found.\n"
    finally:
        database.drop()


def test_search_limit_zero_shows_every_result_and_a_cut_is_said(loaded_db, run):
    every = run(loaded_db.url, "search", "the", "--limit", "0", "--format", "json")
    assert every.exit_code == 0 and every.stderr == ""
    found = json.loads(every.stdout)
    assert len(found) > 20  # the default page would have cut it
    default = run(loaded_db.url, "search", "the", "--format", "json")
    assert json.loads(default.stdout) == found[:20]
    assert default.stderr == f"Showing 20 of {len(found)} results; --limit 0 shows all.\n"
    two = run(loaded_db.url, "search", "the", "--limit", "2", "--format", "csv")
    assert len(two.stdout.splitlines()) == 3  # the header and two results
    assert two.stderr == f"Showing 2 of {len(found)} results; --limit 0 shows all.\n"
