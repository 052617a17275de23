"""The conventions of a terminal: the pager, narrow widths, one JSON rule, closed pipes.

The pager is seen only on a real terminal, so those tests run `python -m incidentdb`
with its stdout on a pseudo-terminal (pty) and $PAGER set to a small script of the
test's that records what it was given. A reader that closes the pipe is a real pipe
too (a subprocess). Widths and JSON are checked in-process.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import select
import shlex
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from incidentdb import output
from incidentdb.cli import app

from .conftest import loaded_database

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 60
ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal needs POSIX")


def _cli(url: str, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, ["--db", url, *args], env=env)


def _environment(**extra: str) -> dict[str, str]:
    """This process's environment without what would choose a width, a pager or colours."""
    env = {key: value for key, value in os.environ.items() if key not in {
        "COLUMNS", "LINES", "PAGER", "LESS", "INCIDENTDB_NO_PAGER", "FORCE_COLOR",
        "TTY_COMPATIBLE", "NO_COLOR"}}
    return {**env, "TERM": "xterm", "NO_COLOR": "1", **extra}


# --- the pager -------------------------------------------------------------------------------

RECORDER = """\
import json, os, sys
record = {"argv": sys.argv[1:], "input": sys.stdin.buffer.read().decode("utf-8")}
with open(os.environ["RECORD"], "a", encoding="utf-8") as out:
    out.write(json.dumps(record) + "\\n")
"""
QUITTER = """\
import sys
sys.stdin.buffer.read(100)  # the first lines, then q
"""


def _script(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(f"#!{sys.executable}\n{text}", encoding="utf-8")
    path.chmod(0o755)
    return path


def _calls(record: Path) -> list[dict]:
    """What the recording pager was given, one entry per call."""
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]


def _on_terminal(url: str, args: list[str], env: dict[str, str], rows: int = 24,
                 columns: int = 100) -> tuple[int, str, str]:
    """(exit code, what reached the terminal, stderr) of `python -m incidentdb` with its
    stdout on a pseudo-terminal of rows x columns."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "incidentdb", "--db", url, *args],
                               stdin=subprocess.DEVNULL, stdout=slave,
                               stderr=subprocess.PIPE, env=env)
    os.close(slave)
    shown = bytearray()
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            if not select.select([master], [], [], 1)[0]:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        stderr = process.stderr.read().decode()
        code = process.wait(timeout=TIMEOUT)
    finally:
        os.close(master)
    return code, shown.decode("utf-8", "replace").replace("\r\n", "\n"), stderr


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[Path, str]:
    """(the file the recording pager writes, $PAGER running it with an argument)."""
    script = _script(tmp_path, "pager.py", RECORDER)
    return tmp_path / "record.jsonl", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} -x"


def _event_ids(url: str) -> list[str]:
    result = _cli(url, "events", "--limit", "0", "--format", "csv")
    return [row["id"] for row in csv.DictReader(io.StringIO(result.stdout))]


@POSIX
def test_a_table_taller_than_the_terminal_goes_through_the_pager_whole(loaded_db, recorder):
    record, pager = recorder
    code, shown, stderr = _on_terminal(loaded_db.url, ["events", "--limit", "0"],
                                       _environment(PAGER=pager, RECORD=str(record)))
    assert (code, stderr) == (0, "")
    [call] = _calls(record)
    assert call["argv"] == ["-x"]  # $PAGER is split as a shell would split it
    received = ESCAPE.sub("", call["input"])
    piped = subprocess.run([sys.executable, "-m", "incidentdb", "--db", loaded_db.url, "events",
                            "--limit", "0"], capture_output=True, text=True, timeout=TIMEOUT,
                           env=_environment(COLUMNS="100", PAGER=pager, RECORD=str(record)))
    assert received == piped.stdout  # the whole table, as a pipe of the same width gets it
    assert received.startswith("113 events ")
    ids = _event_ids(loaded_db.url)
    assert len(ids) == 113
    assert all(re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", received) for i in ids)
    assert "journalists-and-official-killed-by-mine-june-4" not in shown  # not on the screen
    assert len(_calls(record)) == 1  # the piped run did not page


@POSIX
@pytest.mark.parametrize("off", [["--no-pager"], []], ids=["--no-pager", "INCIDENTDB_NO_PAGER"])
def test_no_pager_writes_the_table_to_the_terminal(loaded_db, recorder, off):
    record, pager = recorder
    env = _environment(PAGER=pager, RECORD=str(record))
    if not off:
        env["INCIDENTDB_NO_PAGER"] = "1"
    code, shown, stderr = _on_terminal(loaded_db.url, [*off, "events", "--limit", "0"], env)
    assert (code, stderr) == (0, "")
    assert _calls(record) == []
    assert "journalists-and-official-killed-by-mine-june-4" in ESCAPE.sub("", shown)


@POSIX
@pytest.mark.parametrize("args", [
    ["events", "--limit", "0", "--format", "csv"],
    ["events", "--limit", "0", "--format", "json"],
    ["events", "--limit", "0", "--format", "ndjson"],
    ["cite", "yagublu-conditional-30-months"],  # a table that fits the terminal
], ids=" ".join)
def test_machine_formats_and_short_tables_are_not_paged(loaded_db, recorder, args):
    record, pager = recorder
    code, shown, stderr = _on_terminal(loaded_db.url, args,
                                       _environment(PAGER=pager, RECORD=str(record)))
    assert (code, stderr) == (0, "")
    assert _calls(record) == []
    assert "yagublu-conditional-30-months" in shown or "journalists-and-official" in shown


@POSIX
@pytest.mark.parametrize("pager", ["", "cat", "  "])
def test_an_empty_pager_or_cat_means_no_pager(loaded_db, tmp_path, pager):
    code, shown, stderr = _on_terminal(loaded_db.url, ["events", "--limit", "0"],
                                       _environment(PAGER=pager))
    assert (code, stderr) == (0, "")
    assert ESCAPE.sub("", shown).startswith("113 events ")


@POSIX
def test_without_pager_it_is_less_with_frx(loaded_db, tmp_path):
    """No $PAGER: `less -FRX` (a recording `less` first on PATH stands in for it)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    _script(folder, "less", RECORDER)
    record = tmp_path / "record.jsonl"
    env = _environment(RECORD=str(record), PATH=f"{folder}{os.pathsep}{os.environ['PATH']}")
    code, _, stderr = _on_terminal(loaded_db.url, ["person", "yagublu"], env)
    assert (code, stderr) == (0, "")
    [call] = _calls(record)
    assert call["argv"] == ["-FRX"]
    assert "yagublu-house-arrest-replaced" in call["input"]


@POSIX
def test_a_pager_that_quits_early_is_no_error(loaded_db, tmp_path):
    quitter = _script(tmp_path, "quit.py", QUITTER)
    code, _, stderr = _on_terminal(loaded_db.url, ["events", "--limit", "0"],
                                   _environment(PAGER=str(quitter)))
    assert (code, stderr) == (0, "")


@POSIX
def test_a_pager_that_cannot_be_run_is_said_and_skipped(loaded_db, tmp_path):
    missing = tmp_path / "no-such-pager"
    code, shown, stderr = _on_terminal(loaded_db.url, ["events", "--limit", "0"],
                                       _environment(PAGER=str(missing)))
    assert code == 0
    assert stderr == (f"Note: the pager {str(missing)!r} cannot be run (No such file or "
                      "directory); writing without it.\n")
    assert ESCAPE.sub("", shown).startswith("113 events ")


def test_the_pager_is_chosen_from_pager_then_less(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setenv("PAGER", "most -s")
    assert output.pager_command(30, 24) == ["most", "-s"]
    assert output.pager_command(23, 24) is None  # fits, with a line for the prompt
    assert output.pager_command(24, 24) == ["most", "-s"]
    for nothing in ("", "cat", " "):
        monkeypatch.setenv("PAGER", nothing)
        assert output.pager_command(30, 24) is None
    monkeypatch.delenv("PAGER")
    assert output.pager_command(30, 24) == ["/usr/bin/less", "-FRX"]
    try:
        output.set_paging(False)
        assert output.pager_command(30, 24) is None
    finally:
        output.set_paging(True)


def test_a_pipe_never_pages_even_with_forced_colour(loaded_db, tmp_path):
    """FORCE_COLOR makes Rich draw as on a terminal; stdout is still a pipe: no pager."""
    record = tmp_path / "record.jsonl"
    script = _script(tmp_path, "pager.py", RECORDER)
    result = subprocess.run(
        [sys.executable, "-m", "incidentdb", "--db", loaded_db.url, "events", "--limit", "0"],
        capture_output=True, text=True, timeout=TIMEOUT,
        env=_environment(FORCE_COLOR="1", LINES="24", PAGER=str(script), RECORD=str(record)))
    assert (result.returncode, result.stderr) == (0, "")
    assert _calls(record) == []
    assert ESCAPE.search(result.stdout)
    assert "journalists-and-official-killed-by-mine-june-4" in result.stdout


# --- narrow widths ---------------------------------------------------------------------------


def _whole(value: str, lines: list[str]) -> bool:
    """Whether the value stands whole on one of the lines (not part of a longer id)."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(value)}(?![\w-])")
    return any(pattern.search(line) for line in lines)


NARROW = [
    (["events", "--month", "2021-06"], ["id"], ["date"]),
    (["events", "--limit", "0"], ["id"], ["date"]),
    (["people"], ["id"], []),
    (["cases"], ["id"], ["sentence_date"]),
    (["search", "hunger", "--limit", "0"], ["record_id"], []),
    (["cite", "yagublu-conditional-30-months"], ["id"], []),
]


@pytest.mark.parametrize("width", ["80", "60"])
@pytest.mark.parametrize("args, ids, dates", NARROW, ids=[" ".join(a) for a, _, _ in NARROW])
def test_ids_and_dates_never_break_at_narrow_widths(loaded_db, width, args, ids, dates):
    rows = list(csv.DictReader(io.StringIO(_cli(loaded_db.url, *args, "--format", "csv").stdout)))
    assert rows
    result = _cli(loaded_db.url, *args, env={"COLUMNS": width, "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(map(cell_len, lines)) <= int(width)  # nothing cut, nothing wider
    broken = [row[c] for row in rows for c in ids if not _whole(row[c], lines)]
    broken += [row[c] for row in rows for c in dates if row[c] and not _whole(row[c], lines)]
    assert broken == []


def test_a_case_file_keeps_ids_and_date_phrases_whole_at_60_columns(loaded_db):
    result = _cli(loaded_db.url, "person", "yagublu", env={"COLUMNS": "60", "NO_COLOR": "1"})
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    for value in ("yagublu-house-arrest-replaced", "yagublu-conditional-30-months",
                  "yagublu-house-arrest-sentence", "yagublu-hooliganism", "2021-07"):
        assert _whole(value, lines), value
    # a date of derived bounds goes on two lines where its phrases meet, never inside one
    at = lines.index("date      not before 2020;")
    assert lines[at + 1] == "          not after 2021-07"
    assert lines.count("Sentences") == 1 and lines.count("Charges") == 1


@pytest.mark.parametrize("width", ["40", "20"])
@pytest.mark.parametrize("args", [["events", "--limit", "0"], ["person", "yagublu"],
                                  ["org", "APFP"], ["cases"], ["stats"], ["timeline"],
                                  ["search", "hunger strike"], ["charges"], ["orgs"]],
                         ids=" ".join)
def test_a_very_narrow_terminal_still_gets_its_answer(loaded_db, width, args):
    result = _cli(loaded_db.url, *args, env={"COLUMNS": width, "NO_COLOR": "1"})
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()


def test_a_table_too_narrow_for_its_prose_shows_records(loaded_db):
    """At 80 columns a June 2021 event's id (46 characters) and date leave the five other
    columns no room to be read: each event is shown as a record, a field a line."""
    result = _cli(loaded_db.url, "events", "--month", "2021-06",
                  env={"COLUMNS": "80", "NO_COLOR": "1"})
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[:6] == ["5 events", "date       2021-06", "date text  In June",
                         "kind       sentencing", "title      12 APFP members, including five "
                         "party leaders, given suspended", "           sentences"]
    assert lines[-1] == "id         journalists-and-official-killed-by-mine-june-4"
    assert lines.count("") == 4  # between 5 records
    wide = _cli(loaded_db.url, "events", "--month", "2021-06",
                env={"COLUMNS": "160", "NO_COLOR": "1"}).stdout.splitlines()
    assert wide[1].startswith("┏") and "┃ id " in wide[2]  # a table where there is room


def test_timeline_bars_shrink_to_a_narrow_terminal(loaded_db):
    """At 30 columns the longest bar is what the month and count leave (7 characters),
    not 30 characters cut to the same "██████…" for every month."""
    counts = {row["month"]: int(row["events"]) for row in csv.DictReader(io.StringIO(
        _cli(loaded_db.url, "timeline", "--year", "2021", "--format", "csv").stdout))}
    assert (counts["2021-01"], counts["2021-03"]) == (1, 7)
    assert max(n for month, n in counts.items() if month.startswith("2021-")) == 7
    result = _cli(loaded_db.url, "timeline", "--year", "2021",
                  env={"COLUMNS": "30", "NO_COLOR": "1"})
    lines = result.stdout.splitlines()
    assert "│ 2021-01 │      1 │ █       │" in lines
    assert "│ 2021-03 │      7 │ ███████ │" in lines
    assert "…" not in result.stdout
    assert max(map(len, lines)) <= 30


@pytest.mark.parametrize("width", ["200", "60"])
@pytest.mark.parametrize("args, empty, kept", [
    (["people", "--kind", "official"], "charges", "organizations"),
    (["cases", "--charge", "covid"], "counted", "sentence"),
], ids=["people --kind official", "cases --charge covid"])
def test_a_column_empty_in_every_row_is_left_out_of_the_table(loaded_db, width, args, empty,
                                                              kept):
    rows = list(csv.DictReader(io.StringIO(_cli(loaded_db.url, *args, "--format", "csv").stdout)))
    assert len(rows) == 2
    csv_column = {"charges": "charges", "counted": "defendant_count"}[empty]
    assert [row[csv_column] for row in rows] == ["", ""]  # kept, empty, in csv
    table = _cli(loaded_db.url, *args, env={"COLUMNS": width, "NO_COLOR": "1"}).stdout
    assert kept in table
    assert empty not in table


# --- one JSON rule -------------------------------------------------------------------------

JSON_COMMANDS = [["person", "yagublu"], ["org", "APFP"], ["people"], ["cases"], ["charges"],
                 ["events", "--month", "2021-06"], ["timeline"], ["orgs"],
                 ["search", "hunger strike"], ["stats"], ["cite", "yagublu-case"]]


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=" ".join)
def test_json_is_indented_by_2_in_every_command(loaded_db, args):
    result = _cli(loaded_db.url, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    value = json.loads(result.stdout)
    assert value
    assert result.stdout == json.dumps(value, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=" ".join)
def test_ndjson_is_one_object_a_line_in_every_command(loaded_db, args):
    result = _cli(loaded_db.url, *args, "--format", "ndjson")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines and result.stdout.endswith("\n")
    assert all(line == json.dumps(json.loads(line), ensure_ascii=False) for line in lines)
    assert all(isinstance(json.loads(line), dict) for line in lines)


def test_json_keeps_non_ascii_characters_as_they_are(accented_db):
    result = _cli(accented_db.url, "person", "Humbatova", "--format", "json")
    assert '"name": "Şahla Hümbətova"' in result.stdout
    people = _cli(accented_db.url, "people", "--format", "json").stdout
    assert '    "name": "Elçin Həsənzadə",\n' in people


def test_export_json_to_stdout_is_the_file_format(loaded_db, tmp_path):
    """`export --format json` writes the export's own format (docs/export.md: one array,
    one object a line) to stdout as to its file."""
    result = _cli(loaded_db.url, "export", "offences", "--format", "json", "--out", "-")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    lines = result.stdout.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(rows) + 2
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == rows
    _cli(loaded_db.url, "export", "offences", "--format", "json", "--out", str(tmp_path))
    assert (tmp_path / "offences.json").read_text(encoding="utf-8") == result.stdout


# --- a reader that closes the pipe ------------------------------------------------------------

FORMATS = ["table", "csv", "json", "ndjson"]
LISTINGS = [["person", "yagublu"], ["org", "APFP"], ["people", "--limit", "0"],
            ["cases", "--limit", "0"], ["charges"], ["events", "--limit", "0"], ["timeline"],
            ["orgs"], ["search", "hunger"], ["stats"], ["cite", "yagublu-case"]]


def _closed_before_output(url: str, args: list[str]) -> tuple[int, str]:
    """(exit code, stderr) of a command whose reader went away before it wrote (`| true`)."""
    process = subprocess.Popen([sys.executable, "-m", "incidentdb", "--db", url, *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=_environment(COLUMNS="100"))
    process.stdout.close()
    stderr = process.stderr.read().decode()
    return process.wait(timeout=TIMEOUT), stderr


def test_a_reader_gone_before_the_output_is_exit_0_in_every_format(loaded_db):
    """Every listing and case file, in every format: exit 0 and nothing on stderr when the
    reader closed the pipe before the first write (`incidentdb person yagublu | true`)."""
    cases = [[*args, "--format", fmt] for args in LISTINGS for fmt in FORMATS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda args: _closed_before_output(loaded_db.url, args), cases))
    failures = [(" ".join(args), code, stderr)
                for args, (code, stderr) in zip(cases, results, strict=True)
                if (code, stderr) != (0, "")]
    assert failures == []


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory):
    """1,000 synthetic events (bench/generate.py): listings of more than a pipe holds."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_generate",
                                                  REPO / "bench" / "generate.py")
    assert spec and spec.loader
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    tmp = tmp_path_factory.mktemp("synthetic")
    generator.generate(1000, tmp / "data")
    (tmp / "data" / "complete.json").unlink()  # the generator's mark, not a data file
    database = loaded_database(tmp, tmp / "data")
    yield database
    database.drop()


PIPE_BUFFER = 65536  # bytes a Linux pipe holds


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_reader_that_closes_after_one_line_is_exit_0(synthetic_db, fmt):
    """`incidentdb events --limit 0 | head -1`, with more output than the pipe holds."""
    args = [sys.executable, "-m", "incidentdb", "--db", synthetic_db.url, "events", "--limit",
            "0", "--format", fmt]
    env = _environment(COLUMNS="100")
    whole = subprocess.run(args, capture_output=True, timeout=TIMEOUT, env=env).stdout
    assert len(whole) > 2 * PIPE_BUFFER
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout.readline() == whole.split(b"\n")[0] + b"\n"
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=TIMEOUT) == 0, stderr
    assert stderr == ""
