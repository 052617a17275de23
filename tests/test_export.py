"""`incidentdb export`: row counts per format, the data package, formula neutralisation,
FollowTheMoney entities, stdout, atomic files and the case_summary view."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from incidentdb import export, spreadsheet
from incidentdb.export import CASE_SUMMARY, exportable_tables
from incidentdb.loader import load_paths

from .conftest import ACCENTED_NAMES, DATA

HYPERLINK = '=HYPERLINK("http://x")'


def _database_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in exportable_tables().items()}


def _file_rows(path: Path, fmt: str) -> int:
    if fmt == "csv":
        with open(path, encoding="utf-8", newline="") as handle:
            return sum(1 for _ in csv.reader(handle)) - 1  # a cell may hold a newline
    if fmt == "json":
        return len(json.loads(path.read_text(encoding="utf-8")))
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line)


def _csv_records(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def _entities(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def ftm_file(loaded_db, tmp_path_factory) -> Path:
    from typer.testing import CliRunner

    from incidentdb.cli import app

    out = tmp_path_factory.mktemp("ftm")
    result = CliRunner().invoke(app, ["--db", loaded_db.url, "export", "--format", "ftm",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "entities.ftm.json"


@pytest.fixture
def hyperlink_db(migrated_db, engine, tmp_path):
    """The bundled data with Tofig Yagublu renamed to a spreadsheet formula."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    people = data / "people.yaml"
    text = people.read_text(encoding="utf-8")
    assert "    name: Tofig Yagublu\n" in text
    people.write_text(text.replace("    name: Tofig Yagublu\n", f"    name: '{HYPERLINK}'\n"),
                      encoding="utf-8")
    load_paths(engine, [data])
    return migrated_db


# --- row counts --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson"])
def test_every_file_holds_the_database_row_count(fmt, loaded_db, loaded_engine, run, tmp_path):
    out = tmp_path / "out"
    result = run(loaded_db.url, "export", "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    counts = _database_counts(loaded_engine)
    expected = {f"{name}.{fmt}" for name in counts} | ({"datapackage.json"} if fmt == "csv"
                                                       else set())
    assert {path.name for path in out.iterdir()} == expected
    assert not {"search_entries", "alembic_version", "search_fts"} & set(counts)
    for name, count in counts.items():
        assert _file_rows(out / f"{name}.{fmt}", fmt) == count, name
    assert counts["case_summary"] == counts["charges"] > 0
    summary = result.stderr.strip().splitlines()[-1]
    assert f"{len(counts)} file(s), {sum(counts.values())} rows" in summary


def test_rows_come_out_in_primary_key_order(loaded_db, loaded_engine, run, tmp_path):
    result = run(loaded_db.url, "export", "people", "person_names", "--format", "ndjson",
                 "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    people = exportable_tables()["people"]
    with loaded_engine.connect() as conn:
        ids = list(conn.execute(select(people.c.id).order_by(people.c.id)).scalars())
    exported = [json.loads(line)["id"] for line in
                (tmp_path / "people.ndjson").read_text(encoding="utf-8").splitlines()]
    assert exported == ids
    assert {path.name for path in tmp_path.iterdir()} == {"people.ndjson", "person_names.ndjson"}


def test_json_keeps_types(loaded_db, run, tmp_path):
    assert run(loaded_db.url, "export", "sentences", "--format", "json",
               "--out", str(tmp_path)).exit_code == 0
    rows = {row["id"]: row for row in json.loads((tmp_path / "sentences.json").read_text())}
    sentence = rows["ahmedov-sentenced-13-years"]
    assert sentence["term_min_months"] == 156
    assert sentence["date_throughout"] is False
    assert sentence["date_start"] == "2021-10-01"
    assert sentence["group_description"] is None


# --- the data package --------------------------------------------------------------------


def test_data_package_validates(loaded_db, run, tmp_path):
    from frictionless import Package, validate

    assert run(loaded_db.url, "export", "--out", str(tmp_path)).exit_code == 0
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "type", "note"])[:10]
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"].endswith("/2.0/datapackage.json")
    assert descriptor["sources"][0]["title"] == "World Report 2022: Azerbaijan"
    assert "Human Rights Watch" in descriptor["licenses"][0]["title"]
    package = Package(str(tmp_path / "datapackage.json"))
    assert set(package.resource_names) == set(exportable_tables())
    charges = package.get_resource("charges").schema
    assert charges.primary_key == ["id"]
    assert {"cases", "people", "offences", "sources"} <= {
        fk["reference"]["resource"] for fk in charges.foreign_keys}
    types = {f.name: f.type for f in charges.fields}
    assert types["date_start"] == "date" and types["date_throughout"] == "boolean"
    assert types["excerpt_start"] == "integer" and types["wording"] == "string"
    assert package.get_resource("person_names").schema.primary_key == ["person_id", "name"]
    assert package.get_resource("case_summary").schema.primary_key == ["charge_id"]


def test_data_package_of_some_tables_validates(loaded_db, run, tmp_path):
    from frictionless import validate

    assert run(loaded_db.url, "export", "organizations", "memberships",
               "--out", str(tmp_path)).exit_code == 0
    assert validate(str(tmp_path / "datapackage.json")).valid
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    memberships = descriptor["resources"][1]["schema"]
    # people and sources were not exported: those references are left out
    assert [fk["fields"] for fk in memberships["foreignKeys"]] == [["organization_id"]]
    organizations = descriptor["resources"][0]["schema"]
    assert organizations["foreignKeys"] == [
        {"fields": ["parent_id"], "reference": {"fields": ["id"]}}]  # itself


# --- formula neutralisation --------------------------------------------------------------


def test_formula_in_a_name_is_neutralised_in_csv(hyperlink_db, run, tmp_path):
    result = run(hyperlink_db.url, "export", "people", "person_names", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "--raw" not in result.stderr
    assert _csv_records(tmp_path / "people.csv")["tofig-yagublu"]["name"] == "'" + HYPERLINK
    with open(tmp_path / "person_names.csv", encoding="utf-8", newline="") as handle:
        names = {row["name"] for row in csv.DictReader(handle)}
    assert "'" + HYPERLINK in names and HYPERLINK not in names
    from frictionless import validate

    assert validate(str(tmp_path / "datapackage.json")).valid


def test_raw_keeps_the_formula_and_says_so(hyperlink_db, run, tmp_path):
    result = run(hyperlink_db.url, "export", "people", "--raw", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "--raw" in result.stderr and "formula" in result.stderr
    assert _csv_records(tmp_path / "people.csv")["tofig-yagublu"]["name"] == HYPERLINK


def test_json_is_not_neutralised(hyperlink_db, run, tmp_path):
    result = run(hyperlink_db.url, "export", "people", "--format", "ndjson", "--out", "-")
    assert result.exit_code == 0, result.output
    names = {json.loads(line)["id"]: json.loads(line)["name"]
             for line in result.stdout.splitlines()}
    assert names["tofig-yagublu"] == HYPERLINK


NEUTRALISED = [
    ("=1+1", "'=1+1"), ("+44 20 7946 0000", "'+44 20 7946 0000"), ("-5", "'-5"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("\t=1", "'\t=1"),
    ("Tofig Yagublu", "Tofig Yagublu"), ("", ""), ("a=b", "a=b"), ("a-b", "a-b"),
]


@pytest.mark.parametrize("text, expected", NEUTRALISED)
def test_neutralise(text, expected):
    """The export writes its CSV through `neutralise_rows` (batches: one search of a whole
    batch first), the query commands through `neutralise`: one rule, the same cells."""
    assert spreadsheet.neutralise(text) == expected
    assert spreadsheet.restore(expected) == text
    # alone in its batch, and in a batch of harmless cells, where the batch search must
    # still find it; a number beside it is never touched
    assert [tuple(row) for row in spreadsheet.neutralise_rows([(text, 5)], [0])] == [
        (expected, 5)]
    batch = [("Agil Maharramov", -1), (text, 2), ("Yagublu", 3)]
    out = spreadsheet.neutralise_rows(batch, [0])
    assert [tuple(row) for row in out] == [("Agil Maharramov", -1), (expected, 2),
                                           ("Yagublu", 3)]


def test_export_writes_every_formula_form_neutralised(migrated_db, engine, tmp_path, run):
    """Each form, as a person's description, through `incidentdb export` itself (data may
    not hold a carriage return: that form is tested above and in test_csv_safety.py)."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    people = data / "people.yaml"
    content = people.read_text(encoding="utf-8")
    texts = [value for value, _ in NEUTRALISED if value and "\r" not in value]
    ids = []
    for number, value in enumerate(texts):
        ids.append(f"formula-{number}")
        content += (f"\n  - id: formula-{number}\n    name: Formula {number}\n"
                    f"    description: {json.dumps(value)}\n"
                    "    excerpt: \"Tofig Yagublu\"\n    occurrence: 1\n")
    people.write_text(content, encoding="utf-8")
    load_paths(engine, [data])
    result = run(migrated_db.url, "export", "people", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    exported = _csv_records(tmp_path / "out" / "people.csv")
    expected = dict(NEUTRALISED)
    assert {rid: exported[rid]["description"] for rid in ids} == {
        rid: expected[value] for rid, value in zip(ids, texts, strict=True)}
    assert sum(exported[rid]["description"].startswith("'") for rid in ids) == 6


# --- one CSV cell rule ---------------------------------------------------------------------


def test_a_boolean_is_written_alike_by_a_query_command_and_by_export(loaded_db, run):
    """One rule for a CSV cell (`spreadsheet.csv_cell`): a query command writes a boolean
    as the export does (`true`/`false`, what the data package's boolean type reads)."""
    query = run(loaded_db.url, "events", "--month", "2021-06", "--include-uncertain",
                "--format", "csv")
    assert query.exit_code == 0, query.output
    uncertain = [row["uncertain"] for row in csv.DictReader(io.StringIO(query.stdout))]
    exported = run(loaded_db.url, "export", "events", "--out", "-")
    assert exported.exit_code == 0, exported.output
    throughout = [row["date_throughout"]
                  for row in csv.DictReader(io.StringIO(exported.stdout))]
    assert set(uncertain) == set(throughout) == {"true", "false"}
    assert (spreadsheet.CSV_TRUE, spreadsheet.CSV_FALSE) == ("true", "false")
    assert [spreadsheet.csv_cell(value) for value in (True, False, None)] == [
        "true", "false", ""]


# --- non-ASCII text ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv"])
def test_export_keeps_non_ascii_as_written(fmt, accented_db, run, tmp_path):
    out = tmp_path / "out"
    result = run(accented_db.url, "export", "people", "person_names", "--format", fmt,
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    for table in ("people", "person_names"):
        written = (out / f"{table}.{fmt}").read_text(encoding="utf-8")
        assert "\\u" not in written, table
        for name in ACCENTED_NAMES.values():
            assert name in written, (table, name)
    one = run(accented_db.url, "export", "people", "--format", fmt, "--out", "-")
    assert one.exit_code == 0, one.output
    assert "\\u" not in one.stdout and ACCENTED_NAMES["Shahla Humbatova"] in one.stdout


def test_ftm_keeps_non_ascii_as_written(accented_db, run):
    result = run(accented_db.url, "export", "--format", "ftm", "--out", "-")
    assert result.exit_code == 0, result.output
    assert "\\u" not in result.stdout
    person = next(json.loads(line) for line in result.stdout.splitlines()
                  if json.loads(line)["id"] == "incidentdb-person-shahla-humbatova")
    assert person["properties"]["name"] == [ACCENTED_NAMES["Shahla Humbatova"]]


# --- FollowTheMoney ----------------------------------------------------------------------


def test_ftm_entities_are_accepted_by_followthemoney(ftm_file):
    from followthemoney import model

    entities = _entities(ftm_file)
    ids = [entity["id"] for entity in entities]
    assert len(ids) == len(set(ids))
    known = set(ids)
    for entity in entities:
        proxy = model.get_proxy(entity, cleaned=False)  # cleans: drops what it rejects
        assert proxy.id == entity["id"]
        for name, values in entity["properties"].items():
            prop = proxy.schema.get(name)
            assert prop is not None, (entity["schema"], name)
            assert sorted(proxy.get(name)) == sorted(values), (entity["id"], name)
            if prop.type.name == "entity":
                assert set(values) <= known, (entity["id"], name)
        for required in proxy.schema.required:
            assert proxy.get(required), (entity["id"], required)
    schemata = Counter(entity["schema"] for entity in entities)
    assert {"Person", "Organization", "PublicBody", "Membership", "Event", "CourtCase",
            "CourtCaseParty"} <= set(schemata)


def test_ftm_entities_match_the_records(ftm_file, loaded_engine):
    entities = {entity["id"]: entity for entity in _entities(ftm_file)}
    counts = _database_counts(loaded_engine)
    schemata = Counter(entity["schema"] for entity in entities.values())
    assert schemata["Person"] == counts["people"]
    assert schemata["Organization"] + schemata["PublicBody"] == counts["organizations"]
    assert schemata["CourtCase"] == counts["cases"]
    assert schemata["Event"] == counts["events"]
    assert schemata["Membership"] == counts["memberships"]
    assert schemata["CourtCaseParty"] == counts["case_defendants"]
    person = entities["incidentdb-person-tofig-yagublu"]["properties"]
    assert person["name"] == ["Tofig Yagublu"] and person["weakAlias"] == ["Yagublu"]
    party = entities["incidentdb-party-yagublu-case.tofig-yagublu"]["properties"]
    assert party["summary"] == ["conditional, 30 months"]  # the latest sentence
    assert party["date"] == ["2021-07"]
    assert party["case"] == ["incidentdb-case-yagublu-case"]
    assert entities["incidentdb-org-apfp"]["properties"]["country"] == ["az"]


def test_ftm_ids_are_stable(ftm_file, loaded_db, run):
    result = run(loaded_db.url, "export", "--format", "ftm", "--out", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout == ftm_file.read_text(encoding="utf-8")


def test_every_table_with_an_ftm_schema_has_a_mapper_writing_that_schema(loaded_engine):
    """A table declares its FtM schema (models); `export.MAPPERS` maps each such table,
    and no other, to entities of that schema (or of one that extends it: PublicBody is an
    Organization)."""
    from followthemoney import model

    from incidentdb.export.ftm.entity import provenance
    from incidentdb.models import DECLARATIONS

    declared = {d.name: d.ftm for d in DECLARATIONS if d.ftm}
    assert set(export.MAPPERS) == set(declared)
    with loaded_engine.connect() as conn:
        sources = provenance(conn)
        for table, mapper in export.MAPPERS.items():
            schemata = {entity["schema"] for entity in mapper(conn, sources, None)}
            assert schemata, table
            assert all(model.get(s).is_a(declared[table]) for s in schemata), (table, schemata)


def test_ftm_entities_are_written_table_by_table_in_the_mappers_order(ftm_file):
    prefixes = {"organizations": ("incidentdb-org-",), "people": ("incidentdb-person-",),
                "memberships": ("incidentdb-membership-",), "cases": ("incidentdb-case-",),
                "case_defendants": ("incidentdb-party-",), "events": ("incidentdb-event-",)}
    order = [next(t for t, p in prefixes.items() if entity["id"].startswith(p))
             for entity in _entities(ftm_file)]
    assert list(dict.fromkeys(order)) == list(export.MAPPERS) == list(prefixes)


@pytest.mark.parametrize("edtf, start, end, expected", [
    ("2021-03-08", date(2021, 3, 8), date(2021, 3, 8), {"date": ["2021-03-08"]}),
    ("2021", date(2021, 1, 1), date(2021, 12, 31), {"date": ["2021"]}),
    ("2021-40", date(2021, 1, 1), date(2021, 6, 30),
     {"startDate": ["2021-01"], "endDate": ["2021-06"]}),
    ("2020/2021-40", date(2020, 1, 1), date(2021, 6, 30),
     {"startDate": ["2020"], "endDate": ["2021-06"]}),
    ("../2020", None, date(2020, 12, 31), {"endDate": ["2020"]}),
    ("2020-05/..", date(2020, 5, 1), None, {"startDate": ["2020-05"]}),
    (None, None, None, {}),
])
def test_ftm_dates_are_iso_prefixes(edtf, start, end, expected):
    assert export.ftm_dates(edtf, start, end) == expected


def test_entity_ids_fit_followthemoney():
    long = "x" * 300
    assert export.entity_id("person", "tofig-yagublu") == "incidentdb-person-tofig-yagublu"
    assert len(export.entity_id("party", long, long)) <= 200
    assert export.entity_id("party", long, "a") != export.entity_id("party", long, "b")


# --- stdout, pipes, errors ---------------------------------------------------------------


def test_one_table_to_stdout(loaded_db, loaded_engine, run):
    result = run(loaded_db.url, "export", "sentences", "--out", "-")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert len(rows) == _database_counts(loaded_engine)["sentences"]
    assert "sentences" in result.stderr


def test_closed_pipe_ends_quietly(loaded_db):
    """`incidentdb export ... --out - | head -1`: more output than a pipe holds, then EPIPE."""
    process = subprocess.Popen(
        [sys.executable, "-m", "incidentdb", "--db", loaded_db.url, "export",
         "event_participants", "--format", "json", "--out", "-"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline() == b"[\n"
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0, stderr
    assert stderr == ""


@pytest.mark.parametrize("args, code, message", [
    (["export", "victims", "--out", "x"], 1, "no table 'victims'"),
    (["export", "--format", "xml", "--out", "x"], 2, "xml"),
    (["export", "people", "cases", "--out", "-"], 2, "one table"),
    (["export", "--out", "-"], 2, "one table"),
    (["export", "people", "--format", "ftm", "--out", "x"], 2, "name no table"),
    (["export", "people"], 2, "--out"),
])
def test_usage_and_user_errors(args, code, message, loaded_db, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(loaded_db.url, *args)
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    error = result.stderr.splitlines()[-1]
    assert error.startswith("Error: ") and message in error
    if code == 1:
        assert result.stderr == f"{error}\n"
    assert not (tmp_path / "x").exists()


def test_export_into_a_file_is_refused(loaded_db, run, tmp_path):
    target = tmp_path / "file"
    target.write_text("")
    result = run(loaded_db.url, "export", "people", "--out", str(target))
    assert result.exit_code == 1
    assert "not a folder" in result.stderr


# --- the format registry -------------------------------------------------------------------


def _function(name: str) -> object:
    """A registry's "module.function" under incidentdb.export."""
    from importlib import import_module

    module, _, function = name.rpartition(".")
    return getattr(import_module(f"incidentdb.export.{module}"), function)


def test_every_registered_format_has_its_writer_and_its_help():
    from incidentdb.export.formats import FORMATS, formats_help

    assert list(FORMATS) == ["csv", "json", "ndjson", "ftm", "sqlite"]
    for name, fmt in FORMATS.items():
        assert fmt.name == name and fmt.help.startswith(name + " ") and fmt.help in formats_help()
        assert callable(_function(fmt.writer)), name
        assert bool(fmt.package) == bool(fmt.package_writer), name
        if fmt.package:
            assert callable(_function(fmt.package_writer)), name
        assert bool(fmt.file) == fmt.whole_database, name
    assert [name for name, fmt in FORMATS.items() if fmt.whole_database] == ["ftm"]
    assert [name for name, fmt in FORMATS.items() if fmt.neutralised] == ["csv"]
    assert [name for name, fmt in FORMATS.items() if fmt.database] == ["sqlite"]


def test_the_cli_offers_the_registered_formats(run):
    from incidentdb.cli.export import ExportFormat
    from incidentdb.export.formats import FORMATS, formats_help

    assert [member.value for member in ExportFormat] == list(FORMATS)
    result = run("sqlite://", "export", "--help")
    assert result.exit_code == 0, result.output
    assert "<csv|json|ndjson|ftm|sqlite>" in result.stdout
    assert " ".join(formats_help().split()) in " ".join(result.stdout.split())


def test_an_unknown_format_is_refused_by_the_library(loaded_engine, tmp_path):
    with pytest.raises(export.ExportError, match="unknown format 'xml'; formats: csv, json, "
                       "ndjson, ftm, sqlite"):
        export.export_tables(loaded_engine, tmp_path, "xml")
    with pytest.raises(export.ExportError, match="the ftm format exports every table as "
                       "entities: name no table"):
        export.export_tables(loaded_engine, tmp_path, "ftm", ["people"])
    with pytest.raises(export.ExportError, match="name the table to write"):
        export.export_stream(loaded_engine, io.StringIO(), "csv")
    assert not list(tmp_path.iterdir())


def test_the_package_names_its_public_api_and_loads_it_on_use():
    """`incidentdb.export` imports its modules on first use (the CLI reads the registry
    without SQLAlchemy): every public name must still be there."""
    for name in export.__all__:
        assert getattr(export, name) is not None, name
    with pytest.raises(AttributeError):
        export.no_such_name  # noqa: B018
    code = ("import sys, incidentdb.cli; "
            "assert 'sqlalchemy' not in sys.modules, 'the CLI loaded SQLAlchemy'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


# --- atomic files ------------------------------------------------------------------------


def test_interrupted_export_leaves_no_partial_file(loaded_engine, tmp_path, monkeypatch):
    monkeypatch.setattr("incidentdb.export.tables.BATCH_ROWS", 10)

    def interrupt(table: str, done: int, total: int) -> None:
        if table == "event_participants" and done >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export.export_tables(loaded_engine, tmp_path, "csv", progress=interrupt)
    written = {path.name for path in tmp_path.iterdir()}
    assert "events.csv" in written  # the tables before it are complete
    assert "event_participants.csv" not in written
    assert "datapackage.json" not in written
    assert not [name for name in written if name.endswith(".tmp") or name.startswith(".")]
    counts = _database_counts(loaded_engine)
    for name in written:
        assert _file_rows(tmp_path / name, "csv") == counts[name.removesuffix(".csv")]


def test_export_replaces_old_files_and_leaves_no_temporary_file(loaded_db, run, tmp_path):
    (tmp_path / "people.csv").write_text("stale\n")
    for _ in range(2):
        assert run(loaded_db.url, "export", "--format", "csv", "--out", str(tmp_path)
                   ).exit_code == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]
    assert "stale" not in (tmp_path / "people.csv").read_text()


def test_progress_is_reported_per_batch(loaded_engine, tmp_path, monkeypatch):
    monkeypatch.setattr("incidentdb.export.tables.BATCH_ROWS", 50)
    seen: list[tuple[str, int, int]] = []
    export.export_tables(loaded_engine, tmp_path, "ndjson", ["event_participants"],
                         progress=lambda *args: seen.append(args))
    total = _database_counts(loaded_engine)["event_participants"]
    assert seen[:3] == [("event_participants", 50, total), ("event_participants", 100, total),
                        ("event_participants", 150, total)]
    assert seen[-1] == ("event_participants", total, total)


# --- the case_summary view ---------------------------------------------------------------


def test_case_summary_view_has_the_declared_columns(loaded_engine):
    columns = [column["name"] for column in inspect(loaded_engine).get_columns("case_summary")]
    assert columns == [column.name for column in CASE_SUMMARY.columns]
    assert "case_summary" in inspect(loaded_engine).get_view_names()


def test_case_summary_picks_the_latest_sentence_and_keeps_unnamed_defendants(loaded_engine):
    with loaded_engine.connect() as conn:
        rows = {row.charge_id: row for row in conn.execute(select(CASE_SUMMARY))}
    yagublu = rows["yagublu-hooliganism"]
    # 51 months, replaced by house arrest, replaced on appeal by a conditional sentence
    assert (yagublu.sentence_id, yagublu.sentence_kind, yagublu.term_min_months) == (
        "yagublu-conditional-30-months", "conditional", 30)
    assert yagublu.person_name == "Tofig Yagublu" and yagublu.organization_id == "musavat"
    assert rows["bakuvi-hooliganism"].sentence_id == "bakuvi-suspended-sentence"
    unnamed = rows["apfp-unnamed-members-public-order-violation"]
    assert unnamed.person_id is None and unnamed.person_name is None
    assert unnamed.sentence_id == "apfp-unnamed-members-suspended-sentences"
    assert unnamed.sentence_group.startswith("the other (unnamed) APFP members")
    assert rows["armenian-pows-terrorism"].sentence_id is None  # no sentence recorded
    assert rows["ahmedov-incitement"].charge_date_start == date(2021, 1, 1)
    assert rows["ahmedov-incitement"].excerpt.startswith("In January")
