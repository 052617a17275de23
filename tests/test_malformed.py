"""Bad input: every malformed data set is refused, said clearly, and changes nothing.

Each folder under tests/malformed/ (except `_base`) is one case. The files it holds
are laid over a copy of the small valid data set in `_base/`; its `expected.txt`
lists the problem lines the load must print, one a line, with paths relative to the
data folder (`...` matches anything; `#` starts a comment); an `args.txt` gives
options of the load, one a line (`--prune`). Inputs that should not
be committed (bytes that are not UTF-8, a NUL byte, oversized files) are made at run
time by the functions in GENERATED.

Every case must exit with code 1, print nothing but `<path>:<line>: ...` or
`<path>: ...` lines and the closing count, show no traceback, and leave every table
of a database already holding the base data exactly as it was.

The other side is tested too: names with quotes, `%`, `_` and text written as SQL
are valid and stored verbatim; and no value, of any type, in any field of any record
makes the validator crash or accept what a database could not store.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from incidentdb import reading
from incidentdb.loader import load_paths, validate_paths
from incidentdb.lookup import find_person
from incidentdb.models import Base
from incidentdb.sections import COUNT_FIELDS, PARTICIPANT_FIELDS, SECTIONS

from .conftest import Database, loaded_database
from .test_loader import digest

MALFORMED = Path(__file__).resolve().parent / "malformed"
BASE = MALFORMED / "_base"
CASES = sorted(p.name for p in MALFORMED.iterdir() if p.is_dir() and p.name != "_base")
SUMMARY = re.compile(r"\d+ problem\(s\); nothing was loaded\.")


def _not_utf8(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    people = data / "people.yaml"
    people.write_bytes(people.read_bytes().replace(
        b"name: Tofiq Hasanov", "name: Tofiq Hasanöv".encode("latin-1")))


def _nul_byte(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (data / "extra.yaml").write_bytes(b"source: examplestan-2021\npeople:\n  - id: rauf-aliyev\n"
                                      b"    name: Rauf\x00Aliyev\n"
                                      b"    excerpt: Journalist Tofiq Hasanov\n")


def _oversized(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_YAML_BYTES", 4096)
    padding = "".join(f"# padding line {n:04d} to make the file too large\n" for n in range(100))
    (data / "extra.yaml").write_text("source: examplestan-2021\n" + padding, encoding="utf-8")


def _oversized_jsonl(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_JSONL_BYTES", 65536)
    line = ('{"table": "offences", "source": "examplestan-2021", "id": "hooliganism-%05d", '
            '"name": "Hooliganism", "excerpt": "hooliganism"}\n')
    (data / "extra.jsonl").write_text("".join(line % n for n in range(1000)), encoding="utf-8")


def _huge_integer(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (data / "extra.jsonl").write_text(
        '{"table": "offences", "source": "examplestan-2021", "id": "hooliganism-big", '
        f'"name": "Hooliganism", "excerpt": "hooliganism", "count": {"9" * 5000}}}\n',
        encoding="utf-8")


def _yaml_over_the_cap(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A valid YAML file (a header and comments) one byte over the real cap."""
    head = "source: examplestan-2021\n"
    line = "# padding to pass the YAML size cap\n"
    body = line * ((reading.MAX_YAML_BYTES - len(head)) // len(line) + 1)
    (data / "extra.yaml").write_text(head + body, encoding="utf-8")


def _source_text_with_nul(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A NUL character in a source text, with its sha256 updated to match: the text is
    stored in the database, and PostgreSQL cannot store a NUL."""
    import hashlib

    report = data / "sources" / "report.txt"
    raw = report.read_bytes().replace(b"invented report", b"invented\x00report", 1)
    report.write_bytes(raw)
    meta = data / "sources" / "report.yaml"
    old = "sha256: a7a736d1baccc8e9cc60e80ce2bf2601721f78bf2379a29addadf775bf245ad2"
    content = meta.read_text(encoding="utf-8")
    assert old in content
    meta.write_text(content.replace(old, f"sha256: {hashlib.sha256(raw).hexdigest()}"),
                    encoding="utf-8")


def _yaml_too_many_values(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_YAML_EVENTS", 100)
    (data / "extra.yaml").write_text("source: examplestan-2021\noffences: [" + "1, " * 200
                                     + "1]\n", encoding="utf-8")


GENERATED: dict[str, Callable[[Path, pytest.MonkeyPatch], None]] = {
    "yaml-too-many-values": _yaml_too_many_values,
    "not-utf8": _not_utf8,
    "nul-byte": _nul_byte,
    "oversized-file": _oversized,
    "oversized-jsonl": _oversized_jsonl,
    "jsonl-huge-integer": _huge_integer,
    "yaml-over-the-cap": _yaml_over_the_cap,
    "source-text-with-nul": _source_text_with_nul,
}


def expected_lines(case: str) -> list[str]:
    lines = (MALFORMED / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def case_options(case: str) -> list[str]:
    options = MALFORMED / case / "args.txt"
    if not options.is_file():
        return []
    return [line.strip() for line in options.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def matches(pattern: str, line: str) -> bool:
    return re.fullmatch(".*".join(map(re.escape, pattern.split("..."))), line) is not None


def build_case(case: str, target: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The base data with the case's files laid over it."""
    data = target / "data"
    shutil.copytree(BASE, data)
    folder = MALFORMED / case
    for file in folder.rglob("*"):
        if file.is_file() and file.name not in ("expected.txt", "args.txt"):
            destination = data / file.relative_to(folder)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, destination)
    if case in GENERATED:
        GENERATED[case](data, monkeypatch)
    return data


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A database holding the base data: every case must leave it exactly as it is."""
    database = loaded_database(tmp_path_factory.mktemp("malformed"), BASE)
    yield database
    database.drop()


def test_the_corpus_is_complete():
    assert len(CASES) >= 25
    for case in CASES:
        assert expected_lines(case), f"{case}/expected.txt lists no problem"
        files = [f for f in (MALFORMED / case).rglob("*")
                 if f.name not in ("expected.txt", "args.txt")]
        assert files or case in GENERATED, f"{case} changes nothing"
    assert set(GENERATED) <= set(CASES)


def test_the_base_is_valid(engine):
    report = load_paths(engine, [BASE])
    assert report.tables["people"].added == 2
    assert report.tables["event_counts"].added == 1
    assert load_paths(engine, [BASE]).unchanged


@pytest.mark.parametrize("case", CASES)
def test_malformed_input_is_refused(case, base_db, tmp_path, run, monkeypatch):
    data = build_case(case, tmp_path, monkeypatch)
    before = digest(base_db.url)
    result = run(base_db.url, "load", *case_options(case), str(data))

    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    *problems, summary = result.stderr.splitlines()
    assert SUMMARY.fullmatch(summary), summary
    assert summary.startswith(f"{len(problems)} problem(s)")
    prefix = os.path.relpath(data) + os.sep
    for line in problems:
        assert re.match(rf"{re.escape(prefix)}[^:\s]+(:\d+)?: \S", line), line
    shown = [line.replace(prefix, "") for line in problems]
    expected = expected_lines(case)
    assert len(shown) == len(expected) and all(map(matches, expected, shown)), (
        "\n".join(["expected:", *expected, "printed:", *shown]))
    assert digest(base_db.url) == before


# --- what looks dangerous but is valid ----------------------------------------------------

ODD_NAMES = {
    "quoted-name": ('Aynur "Ana" O\'Hara', ["O'Hara", '"Ana"']),
    "percent-name": ("100% Hasanov", ["%", "Hasanov_100%"]),
    "underscore-name": ("Tofiq_Hasanov", ["_", "__init__"]),
    "sql-name": ("Robert'); DROP TABLE people;--", ["x' OR '1'='1", "; DELETE FROM events; --"]),
}


def _odd_people_yaml() -> str:
    import json

    lines = ["source: examplestan-2021", "people:"]
    for pid, (name, aliases) in ODD_NAMES.items():
        lines += [f"  - id: {pid}",
                  f"    name: {json.dumps(name)}",
                  f"    aliases: {json.dumps(aliases)}",
                  f"    description: {json.dumps(name + ' -- ' + ' '.join(aliases))}",
                  "    excerpt: Journalist Tofiq Hasanov"]
    lines += ["events:",
              "  - id: sql-event",
              "    kind: statement",
              "    title: \"'); DROP TABLE events; --\"",
              "    summary: \"1; UPDATE people SET name = 'x'\"",
              "    excerpt: \"Every name in it is fictional.\"",
              "    participants:",
              "      - group: \"Robert'); DROP TABLE event_participants;--\"",
              "        role: speaker"]
    return "\n".join(lines) + "\n"


def test_names_with_quotes_percent_and_sql_are_stored_verbatim(engine, migrated_db, tmp_path,
                                                              run):
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    (data / "odd.yaml").write_text(_odd_people_yaml(), encoding="utf-8")
    result = run(migrated_db.url, "load", str(data))
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        for pid, (name, aliases) in ODD_NAMES.items():
            stored = conn.execute(text("SELECT name, description FROM people WHERE id = :id"),
                                  {"id": pid}).one()
            assert stored.name == name
            assert stored.description == name + " -- " + " ".join(aliases)
            names = set(conn.execute(text("SELECT name FROM person_names WHERE person_id = :id"),
                                     {"id": pid}).scalars())
            assert names == {name, *aliases}
        event = conn.execute(text("SELECT title, summary FROM events WHERE id = 'sql-event'")
                             ).one()
        assert event.title == "'); DROP TABLE events; --"
        assert event.summary == "1; UPDATE people SET name = 'x'"
        group = conn.execute(text("SELECT group_description FROM event_participants "
                                  "WHERE event_id = 'sql-event'")).scalar()
        assert group == "Robert'); DROP TABLE event_participants;--"
        counts = {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                  for t in Base.metadata.sorted_tables}
    assert counts["people"] == 2 + len(ODD_NAMES)
    assert counts["events"] == 3 and counts["event_participants"] == 4
    with Session(engine) as session:
        assert find_person(session, "Robert'); DROP TABLE people;--").id == "sql-name"
        assert find_person(session, "O'Hara").id == "quoted-name"
    # the second load finds nothing to change: the odd values round-trip exactly
    again = run(migrated_db.url, "load", str(data))
    assert again.exit_code == 0, again.output
    assert " 1 added" not in again.output and "1 changed" not in again.output


# --- any value in any field: a problem, never a crash --------------------------------------


def _base_rows() -> list[dict[str, Any]]:
    """The base records as JSON Lines rows (the source's text path made local)."""
    rows = []
    for path in sorted(BASE.rglob("*.yaml")):
        for record in reading.read_file(path, path.name):
            assert isinstance(record, reading.RawRecord), record
            row = json.loads(json.dumps(record.data, default=str).replace(
                f'"{reading.LINE_KEY}": ', '"_": '))
            _drop_line_markers(row)
            if record.section == "sources":
                row["text"] = "report.txt"
            else:
                row["source"] = record.file_source
            rows.append({"table": record.section, **row})
    return rows


def _drop_line_markers(value: Any) -> None:
    if isinstance(value, dict):
        value.pop("_", None)
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            _drop_line_markers(item)


def write_rows(folder: Path, rows: list[dict[str, Any]], fmt: str) -> Path:
    """The rows as one data file, JSON Lines or YAML (sections from each row's table)."""
    import yaml

    folder.mkdir(exist_ok=True)
    shutil.copyfile(BASE / "sources" / "report.txt", folder / "report.txt")
    path = folder / f"data.{fmt}"
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        sections: dict[Any, list[Any]] = {}
        for row in rows:
            table = row.pop("table", None)
            sections.setdefault(table if isinstance(table, str) else repr(table), []).append(row)
        path.write_text(yaml.safe_dump(sections, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
    return path


BASE_ROWS = _base_rows()
FIELD_NAMES = sorted({name for section in SECTIONS.values() for name in section.fields}
                     | {"source", "excerpt", "table", "nonsense"})
KEYS = st.sampled_from(sorted({*PARTICIPANT_FIELDS, *COUNT_FIELDS, "text", "edtf", "min", "max"}))
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
           | st.text(max_size=20) | st.sampled_from(["", "2021-02-30", "aynur-mammadova", "..",
                                                     "examplestan-2021", "In January", "\x00"]))


def values(fmt: str) -> st.SearchStrategy[Any]:
    """Values a data file of that format can hold; YAML adds dates and keys of any type."""
    scalars = SCALARS if fmt == "jsonl" else SCALARS | st.dates()
    keys = KEYS if fmt == "jsonl" else KEYS | st.integers() | st.booleans() | st.none()
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(keys, inner, max_size=4), max_leaves=8)


@pytest.mark.parametrize("fmt", ["jsonl", "yaml"])
def test_the_base_as_one_file_is_valid(tmp_path, fmt):
    write_rows(tmp_path, json.loads(json.dumps(BASE_ROWS)), fmt)
    result = validate_paths([tmp_path])
    assert result.problems == [] and (result.files, result.records) == (1, len(BASE_ROWS))


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_no_value_in_any_field_breaks_the_validator(tmp_path, data):
    fmt = data.draw(st.sampled_from(["jsonl", "yaml"]), label="format")
    rows = json.loads(json.dumps(BASE_ROWS))
    for _ in range(data.draw(st.integers(1, 3), label="changes")):
        row = data.draw(st.sampled_from(rows), label="record")
        field = data.draw(st.sampled_from(sorted({*row, *FIELD_NAMES})), label="field")
        row[field] = data.draw(values(fmt), label="value")
    shutil.rmtree(tmp_path / "fuzz", ignore_errors=True)  # one tmp_path for all examples
    path = write_rows(tmp_path / "fuzz", rows, fmt)
    result = validate_paths([path.parent])
    shown = os.path.relpath(path)
    for problem in result.problems:
        said = str(problem)
        assert "\n" not in said and said.startswith(shown + ":"), said
        assert problem.line is None or isinstance(problem.line, int)
    # what would be written is what every database can store (PostgreSQL refuses NUL in
    # text, UTF-8 refuses lone surrogates, INTEGER holds 32 bits)
    for rows_of_table in result.rows.values():
        for row in rows_of_table:
            for value in row.values():
                if isinstance(value, str):
                    assert not re.search(r"[\x00\ud800-\udfff]", value), row
                elif isinstance(value, int):
                    assert -(2**31) <= value < 2**31, row
