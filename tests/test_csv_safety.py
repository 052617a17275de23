"""Every CSV that any command writes is safe to open in a spreadsheet, by one rule.

A tiny data set of our own carries each dangerous form (OWASP's = + - @ tab CR, the
fullwidth ＝ ＋ － ＠, white space before them, a line break before them) at the
start of names, titles, wordings, excerpts and source titles; then every command's
CSV, and the export of every table, is checked cell by cell: no text cell a
spreadsheet could run, and `--raw` gives every value back as it is stored. Last, a
real spreadsheet engine (LibreOffice, headless) opens the files: the neutralised
ones hold no formula, the raw ones do.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import String, func, update

from incidentdb import migrate
from incidentdb.db import make_engine
from incidentdb.export import exportable_tables
from incidentdb.loader import load_paths
from incidentdb.models import Base
from incidentdb.output import RAW_NOTE, write_machine
from incidentdb.spreadsheet import csv_cell, neutralise, neutralise_rows, restore

from .conftest import Database

# --- the dangerous forms -------------------------------------------------------------------

# Written out here, not imported: the test states the requirement on its own.
FORMULA = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
# A cell is unsafe when it begins (after white space) with a formula character, or has one
# after a line break (and white space), and does not begin with the apostrophe that makes
# a spreadsheet read the whole cell as text.
UNSAFE = re.compile(rf"\A\s*[{re.escape(FORMULA)}]|[{BREAKS}]\s*[{re.escape(FORMULA)}]")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?(e-?[0-9]+)?")


@dataclass(frozen=True)
class Form:
    name: str
    value: str  # begins every dangerous value of the data set

    @property
    def in_names(self) -> bool:
        """Names refuse tabs and line breaks, and all text refuses a carriage return: such
        a form is loaded as a placeholder and written into the database afterwards (a
        database is not only written by today's loader: an older one, a restored dump)."""
        return not set(self.value) & set("\t\r\n")

    @property
    def in_text(self) -> bool:
        return "\r" not in self.value


FORMS = [
    Form("equals", "=1+1"),
    Form("dde", "=cmd|' /C calc'!A0"),
    Form("plus", "+1+1"),
    Form("minus", "-1+1"),
    Form("at", "@SUM(1+1)"),
    Form("tab", "\t=1+1"),
    Form("carriage-return", "\r=1+1"),
    Form("fullwidth-equals", "\uff1d1+1"),
    Form("fullwidth-plus", "\uff0b1+1"),
    Form("fullwidth-minus", "\uff0d1+1"),
    Form("fullwidth-at", "\uff20SUM(1+1)"),
    Form("space-then-equals", "  =1+1"),
    Form("no-break-space-then-plus", "\u00a0+1+1"),
    Form("em-space-then-at", "\u2003@SUM(1+1)"),
    Form("line-break-then-equals", "Note\n=1+1"),
    Form("line-break-space-then-minus", "Note\n  -1+1"),
]
PLACEHOLDER = "Zqxplaceholder"


# --- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_the_rule_prefixes_each_form(form):
    assert neutralise(form.value) == "'" + form.value
    assert neutralise(form.value + " and more") == "'" + form.value + " and more"
    assert restore(neutralise(form.value)) == form.value


@pytest.mark.parametrize("text, expected", [
    ("-", "'-"), ("+44 20 7946 0000", "'+44 20 7946 0000"), ("-5", "'-5"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("a\n\tb", "'a\n\tb"), ("a\u2028@b", "'a\u2028@b"),
    ("  \n  =1", "'  \n  =1"),
    # apostrophes before a formula are prefixed too, so that restore is exact
    ("'=1", "''=1"), ("'' +1", "''' +1"),
    # nothing to run
    ("Tofig Yagublu", "Tofig Yagublu"), ("", ""), ("a=b", "a=b"), ("x - y", "x - y"),
    ("'quoted'", "'quoted'"), ("a\n\nb", "a\n\nb"), ("a\n b=c", "a\n b=c"), (" x", " x"),
])
def test_the_rule(text, expected):
    assert neutralise(text) == expected
    assert restore(expected) == text


@pytest.mark.parametrize("text", [
    "", "'", "''", "'=", "=", "a'", "'a", "''-1", "\n'=", "'\n=", "x\n'=1", " '=1", "\u00a0",
])
def test_restore_undoes_neutralise(text):
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("unit,last", [("\n", "x"), ("\n ", "x"), ("'", "x"), (" ", "x"),
                                       ("\n'", "=1")])
def test_the_rule_is_linear(unit, last):
    """A hostile cell of blank lines, spaces or apostrophes costs one pass. The cell here is
    two million characters (a hundred times the longest text a load accepts): one pass
    takes milliseconds, a rule that backtracked (square of the length) would take hours,
    so the subprocess's timeout, far above any machine's one pass, can only catch that.
    The long cell gets the answer a short cell of the same make gets."""
    short = unit * 100 + last
    expected = [neutralise(short) != short, neutralise_rows([(short,)], [0])[0][0] != short]
    script = (
        "from incidentdb.spreadsheet import neutralise, neutralise_rows\n"
        f"cell = {unit!r} * {2_000_000 // len(unit)} + {last!r}\n"
        "print(neutralise(cell) != cell, neutralise_rows([(cell,)], [0])[0][0] != cell)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(answer) for answer in expected]


def test_batches_are_neutralised_cell_by_cell():
    rows = [("a", "=1", 1, None), ("b", "fine", -2, "x\n@y"), ("c", None, 3, "")]
    assert [list(row) for row in neutralise_rows(rows, [0, 1, 3])] == [
        ["a", "'=1", 1, None], ["b", "fine", -2, "'x\n@y"], ["c", None, 3, ""]]
    assert neutralise_rows(rows[2:], [0, 1, 3]) == rows[2:]
    assert neutralise_rows(rows, []) == rows


def test_numbers_stay_numbers_and_text_that_looks_like_one_is_prefixed():
    assert csv_cell(-5) == -5 and csv_cell(-1.5) == -1.5
    assert csv_cell("-5") == "'-5"
    assert csv_cell(["=a", "b"]) == "'=a; b"  # a list is one text cell
    assert csv_cell("=a", raw=True) == "=a"
    out = io.StringIO()
    write_machine([{"t": "@x", "n": -3}], "csv", ["t", "n"], stream=out)
    assert out.getvalue() == "t,n\n'@x,-3\n"


def test_one_rule_for_every_cell():
    """`csv_cell`: None empty, booleans true/false, dates ISO, a list one cell; text
    neutralised unless raw (a list as a whole: its joined text is one cell)."""
    assert [csv_cell(v) for v in (None, True, False, 0, date(2021, 3, 8))] == [
        "", "true", "false", 0, "2021-03-08"]
    assert csv_cell([None, "a", 3, True]) == "; a; 3; true"
    assert csv_cell(["a", "\n=b"]) == "'a; \n=b" and csv_cell(["a", "\n=b"], raw=True) == "a; \n=b"
    out = io.StringIO()
    write_machine([{"b": True, "n": None, "d": date(2021, 3, 8)}, {"b": False}], "csv",
                  ["b", "n", "d"], stream=out)
    assert out.getvalue() == "b,n,d\ntrue,,2021-03-08\nfalse,,\n"


def test_a_carriage_return_stays_in_its_cell():
    """Python < 3.13 quotes a cell holding a carriage return only when the line terminator
    holds one: unquoted, the cell split its row and `=1` began a line of its own."""
    out = io.StringIO(newline="")
    write_machine([{"t": "a\r=1", "n": 1}], "csv", ["t", "n"], stream=out, raw=True)
    assert out.getvalue() == 't,n\n"a\r=1",1\n'
    assert cells(out.getvalue()) == [["t", "n"], ["a\r=1", "1"]]


# --- a data set carrying the form ---------------------------------------------------------

LABELS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
          "juliett", "kilo", "lima"]


def write_data(folder: Path, form: Form) -> None:
    """A data set of one source in which every name, title, wording, excerpt... begins
    with the form; the source text holds each excerpt once."""
    name = form.value if form.in_names else PLACEHOLDER
    text = form.value if form.in_text else PLACEHOLDER
    excerpts = iter(f"{text} {label} said the test report." for label in LABELS)
    evidence = {}

    def excerpt(key: str) -> str:
        evidence[key] = next(excerpts)
        return evidence[key]

    source = "csv-safety"
    files = {
        "organizations.yaml": {"source": source, "organizations": [
            {"id": "vexmoor-party", "name": f"{name} Party", "short_name": "QVXP",
             "kind": "political-party", "description": f"{text} party",
             "excerpt": excerpt("party")},
            {"id": "vexmoor-court", "name": f"{name} Court", "short_name": "QVXC",
             "kind": "court", "excerpt": excerpt("court")}],
         "memberships": [
            {"id": "vexmoor-member", "person": "quillon-vexmoor",
             "organization": "vexmoor-party", "role": "member",
             "excerpt": excerpt("membership")}]},
        "people.yaml": {"source": source, "people": [
            {"id": "quillon-vexmoor", "name": f"{name} Vexmoor",
             "aliases": ["Quillon Vexmoor"], "occupations": ["journalist"],
             "description": f"{text} journalist", "excerpt": excerpt("person")}]},
        "cases.yaml": {"source": source, "offences": [
            {"id": "vexmoor-offence", "name": f"{name} offence", "excerpt": excerpt("offence")}],
         "cases": [
            {"id": "vexmoor-case", "title": f"{text} case", "summary": f"{text} summary",
             "status": "sentenced", "defendants": ["quillon-vexmoor"],
             "excerpt": excerpt("case")}],
         "charges": [
            {"id": "vexmoor-charge", "case": "vexmoor-case", "person": "quillon-vexmoor",
             "offence": "vexmoor-offence", "wording": f"{text} wording",
             "date": "On March 8", "excerpt": excerpt("charge")}],
         "sentences": [
            {"id": "vexmoor-sentence", "case": "vexmoor-case", "person": "quillon-vexmoor",
             "kind": "imprisonment", "term_months": 12, "date": "On March 9",
             "court": "vexmoor-court", "excerpt": excerpt("sentence")}]},
        "events.yaml": {"source": source, "events": [
            {"id": "vexmoor-arrest", "kind": "arrest", "title": f"{text} arrest",
             "summary": f"{text} arrest summary", "place": f"{text} place",
             "date": "On March 7", "excerpt": excerpt("event"),
             "participants": [
                 {"person": "quillon-vexmoor", "role": "victim"},
                 {"group": f"{text} group", "role": "victim"}],
             "counts": [{"measure": "detained", "subject": f"{text} subject", "value": 3,
                         "qualifier": "exact", "excerpt": excerpt("count")}]}]},
    }
    report = "Invented for the incidentdb CSV tests.\n\n" + "\n".join(
        evidence.values()) + "\n"
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "report.txt").write_text(report, encoding="utf-8", newline="")
    files["sources/report.yaml"] = {"sources": [{
        "id": source, "title": f"{text} report", "publisher": f"{text} publisher",
        "published": "2022-01-10", "events_year": 2021, "text": "report.txt",
        "sha256": hashlib.sha256(report.encode("utf-8")).hexdigest()}]}
    for path, content in files.items():
        # JSON is YAML: every string keeps its tabs, line breaks and spaces exactly
        (folder / path).write_text(json.dumps(content, indent=1), encoding="utf-8")


def put_back_what_the_loader_refuses(url: str, form: Form) -> None:
    """Write the form where the loader took a placeholder, in every text column."""
    if form.in_names and form.in_text:
        return
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            values = {c.name: func.replace(c, PLACEHOLDER, form.value)
                      for c in table.columns if isinstance(c.type, String)}
            if values:
                conn.execute(update(table).values(values))
    engine.dispose()


def form_database(tmp: Path, form: Form) -> Database:
    """A fresh database holding the data set of this form."""
    write_data(tmp / "data", form)
    database = Database(tmp)
    migrate.upgrade(database.url)
    engine = make_engine(database.url)
    load_paths(engine, [tmp / "data"])
    engine.dispose()
    put_back_what_the_loader_refuses(database.url, form)
    return database


@pytest.fixture(scope="module", params=FORMS, ids=lambda f: f.name)
def form_db(request, tmp_path_factory) -> Iterator[tuple[Form, Database]]:
    form: Form = request.param
    database = form_database(tmp_path_factory.mktemp(f"form-{form.name}"), form)
    yield form, database
    database.drop()


# --- every command's CSV ------------------------------------------------------------------

COMMANDS = {
    "people": ["people"],
    "cases": ["cases"],
    "events": ["events", "--include-uncertain"],
    "orgs": ["orgs"],
    "person": ["person", "Quillon Vexmoor"],
    "org": ["org", "QVXP"],
    "search": ["search", "said test report"],
    "stats": ["stats"],
    "timeline": ["timeline"],
    "cite": ["cite", "vexmoor-charge"],
    "charges": ["charges"],
    "charges of a person": ["charges", "--person", "Quillon Vexmoor"],
    "sentences": ["sentences"],
}
# Months and counts only: no text of the data reaches these cells.
NO_TEXT = {"timeline"}


def read(path: Path) -> str:
    """A file's text with its line ends as written: a carriage return in a cell stays one."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_safe(table: list[list[str]], where: str) -> None:
    for row_number, row in enumerate(table):
        for cell in row:
            if cell.startswith("'") or NUMBER.fullmatch(cell):
                continue
            assert not UNSAFE.search(cell), f"{where} row {row_number}: {cell!r}"


def assert_raw_is_stored(safe: list[list[str]], raw: list[list[str]], form: Form,
                         where: str) -> int:
    """The raw file holds the stored values; the safe file the same, some with a `'`.
    Returns how many cells differ."""
    assert len(safe) == len(raw), where
    differing = 0
    for safe_row, raw_row in zip(safe, raw, strict=True):
        assert len(safe_row) == len(raw_row), where
        for safe_cell, raw_cell in zip(safe_row, raw_row, strict=True):
            if safe_cell != raw_cell:
                assert safe_cell == "'" + raw_cell, (where, safe_cell, raw_cell)
                assert raw_cell.startswith(form.value) or form.value in raw_cell, (where,
                                                                                   raw_cell)
                differing += 1
    return differing


def test_vocab_csv_is_safe_without_a_raw_option(run, tmp_path):
    """vocab writes the controlled lists, no stored text, and so has no --raw: its CSV is
    safe as written."""
    result = run(str(tmp_path / "none.db"), "vocab", "--format", "csv")
    assert result.exit_code == 0 and len(cells(result.stdout)) > 100
    assert_safe(cells(result.stdout), "vocab")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_writes_safe_csv_and_raw_on_request(command, form_db, run):
    form, database = form_db
    args = [*COMMANDS[command], "--format", "csv"]
    safe = run(database.url, *args)
    assert safe.exception is None or isinstance(safe.exception, SystemExit), safe.exception
    assert safe.exit_code == 0, safe.output
    assert RAW_NOTE not in safe.stderr
    raw = run(database.url, *args, "--raw")
    assert raw.exit_code == 0, raw.output
    assert raw.stderr.count(RAW_NOTE) == 1
    safe_cells, raw_cells = cells(safe.stdout), cells(raw.stdout)
    assert len(safe_cells) > 1, safe.stdout
    assert_safe(safe_cells, command)
    differing = assert_raw_is_stored(safe_cells, raw_cells, form, command)
    if command not in NO_TEXT:
        assert differing, f"{command}: no cell of the data reached the CSV"
        assert any(cell.startswith(form.value) for row in raw_cells for cell in row)


def test_raw_changes_nothing_but_csv(form_db, run):
    _, database = form_db
    plain = run(database.url, "people", "--format", "json")
    raw = run(database.url, "people", "--format", "json", "--raw")
    assert plain.exit_code == raw.exit_code == 0
    assert plain.stdout == raw.stdout and RAW_NOTE not in raw.stderr


def test_export_of_every_table_is_safe_and_raw_on_request(form_db, run, tmp_path):
    form, database = form_db
    result = run(database.url, "export", "--out", str(tmp_path / "safe"))
    assert result.exit_code == 0, result.output
    result = run(database.url, "export", "--raw", "--out", str(tmp_path / "raw"))
    assert result.exit_code == 0, result.output
    assert "--raw" in result.stderr
    carrying = set()
    for table in exportable_tables():
        safe = cells(read(tmp_path / "safe" / f"{table}.csv"))
        raw = cells(read(tmp_path / "raw" / f"{table}.csv"))
        assert_safe(safe, table)
        if assert_raw_is_stored(safe, raw, form, table):
            carrying.add(table)
    # every table with a text column the data set fills
    assert {"sources", "offences", "people", "person_names", "organizations", "cases",
            "charges", "events", "event_participants", "event_counts", "memberships",
            "sentences", "case_summary"} <= carrying


def test_export_to_stdout_is_safe(form_db, run):
    form, database = form_db
    safe = run(database.url, "export", "people", "--out", "-")
    raw = run(database.url, "export", "people", "--raw", "--out", "-")
    assert safe.exit_code == raw.exit_code == 0
    assert_safe(cells(safe.stdout), "people")
    assert assert_raw_is_stored(cells(safe.stdout), cells(raw.stdout), form, "people")


# --- a real spreadsheet engine ------------------------------------------------------------

TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def soffice() -> str:
    """LibreOffice's command; the test is skipped without it, except in CI (CI=true)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("CI: soffice (Debian's libreoffice-calc-nogui) is missing; .ci/run "
                    "installs it")
    pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")


def formulas(files: list[Path], profile: Path) -> dict[str, list[str]]:
    """Each CSV file opened by LibreOffice (one run for all): its formulas, by file name."""
    out = profile.parent / "fods"
    done = subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "fods", "--infilter=CSV:44,34,76", *map(str, files),
         "--outdir", str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    found = {}
    for path in files:
        converted = out / (path.stem + ".fods")
        assert converted.exists(), (path.name, done.stdout, done.stderr)
        cells_seen = ET.parse(converted).findall(f".//{{{TABLE_NS}}}table-cell")
        assert len(cells_seen) > 100, path.name  # the whole file was read
        found[path.name] = [cell.get(f"{{{TABLE_NS}}}formula") for cell in cells_seen
                            if cell.get(f"{{{TABLE_NS}}}formula")]
    return found


LIBREOFFICE_FORMS = {"equals", "dde", "tab", "carriage-return", "space-then-equals",
                     "line-break-then-equals", "fullwidth-equals"}


def test_libreoffice_runs_no_formula_from_our_csv(run, tmp_path):
    """Every command's CSV and every exported table, for every form, opened in LibreOffice.

    LibreOffice runs only a leading `=` from a CSV file (the other forms are for other
    spreadsheets, and are checked cell by cell above); the raw files of those forms must
    give formulas, or this test could not fail. The forms opened are those LibreOffice
    runs and those that play with white space and line ends (a carriage return once split
    a row of `people --format csv`, putting `=1+1` at the start of a line).
    """
    soffice()
    files = []
    for form in [f for f in FORMS if f.name in LIBREOFFICE_FORMS]:
        database = form_database(tmp_path / form.name, form)
        try:
            for mode, extra in (("safe", []), ("raw", ["--raw"])):
                out = tmp_path / form.name / mode
                result = run(database.url, "export", *extra, "--out", str(out))
                assert result.exit_code == 0, result.output
                parts = [read(path) for path in sorted(out.glob("*.csv"))]
                for args in COMMANDS.values():
                    result = run(database.url, *args, "--format", "csv", *extra)
                    assert result.exit_code == 0, result.output
                    parts.append(result.stdout)
                files.append(tmp_path / f"{mode}-{form.name}.csv")
                with open(files[-1], "w", encoding="utf-8", newline="") as handle:
                    handle.write("".join(parts))
        finally:
            database.drop()
    found = formulas(files, tmp_path / "profile")
    assert {name: formulas for name, formulas in found.items()
            if name.startswith("safe-") and formulas} == {}
    for form in ("equals", "dde"):
        assert found[f"raw-{form}.csv"], f"LibreOffice ran no formula from raw {form}"
