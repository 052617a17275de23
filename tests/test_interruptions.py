"""Interrupted work leaves nothing half done: a killed load or export, a reader during a load.

Each test runs the real command in a subprocess, on synthetic bulk data
(bench/generate.py) beside the bundled data, and interrupts it at a point it
waits for rather than after a delay: on SQLite once the load's uncommitted pages
have reached the WAL file, on PostgreSQL once pg_stat_activity shows the load
copying events, and for an export once the events file is being written under its
temporary name. If the command ends before that point, the test fails saying so.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from incidentdb import migrate, readahead
from incidentdb.db import make_engine
from incidentdb.export import exportable_tables
from incidentdb.loader import LARGE_LOAD_BYTES, load_paths, validate_paths
from incidentdb.models import curated

from .conftest import DATA, REPO, Database
from .test_loader import digest

SCALE = 20_000  # synthetic events: a load of some seconds, killed within its first half
WAL_WRITTEN = 8 * 1024 * 1024  # SQLite: this much of the load's uncommitted data in the WAL
LOADING_EVENTS = r"^COPY (events|event_participants) "  # PostgreSQL: the load writes events
SUFFIX = " (revised)"
TIMEOUT = 120  # seconds any one command may take before the test gives up on it


# --- data and commands ---------------------------------------------------------------------


def _generate(scale: int, out: Path) -> Path:
    """Synthetic data (bench/generate.py) that loads beside the bundled data.

    The generator uses some offence ids of the bundled data; its records with ids the
    bundled data already has are left out, so its charges refer to the bundled ones.
    """
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(scale, out)
    bundled = {(table, row["id"]) for table, rows in validate_paths([DATA]).rows.items()
               for row in rows if "id" in row}
    for path in out.glob("*.jsonl"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines
                if (json.loads(line)["table"], json.loads(line)["id"]) not in bundled]
        path.write_text("".join(kept), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(SCALE, tmp_path_factory.mktemp("synthetic") / "data")


@pytest.fixture
def bundled(empty_db: Database) -> Database:
    """A database holding the bundled data: the state an interrupted load must keep."""
    migrate.upgrade(empty_db.url)
    engine = make_engine(empty_db.url)
    load_paths(engine, [DATA])
    engine.dispose()
    return empty_db


def _named(url: str, name: str) -> str:
    """The URL with an application_name, so pg_stat_activity shows which session is ours."""
    return f"{url}{'&' if '?' in url else '?'}application_name={name}" if _is_postgres(
        url) else url


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


def _start(url: str, *args: str, cwd: Path) -> subprocess.Popen[str]:
    """`python -m incidentdb --db URL ARGS` in a subprocess that Ctrl-C can interrupt.

    SIGINT is reset to its default in the child: a shell may start the test run with
    SIGINT ignored, and Python then would not turn it into KeyboardInterrupt.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "incidentdb", "--db", url, *args], cwd=cwd, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _cli(url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "incidentdb", "--db", url, *args], cwd=cwd,
                          capture_output=True, text=True, timeout=TIMEOUT)


def _wait_for(process: subprocess.Popen[str], point: Callable[[], bool], what: str) -> float:
    """Poll until `point()` holds while the process runs; return the seconds it took."""
    began = time.monotonic()
    while not point():
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the command ended (exit {process.returncode}) before {what}; "
                        f"make the data larger.\n{out}{err}")
        if time.monotonic() - began > TIMEOUT:
            process.kill()
            process.communicate()
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.002)
    return time.monotonic() - began


def _interrupt(process: subprocess.Popen[str], sig: signal.Signals) -> tuple[int, str, str]:
    os.kill(process.pid, sig)
    out, err = process.communicate(timeout=TIMEOUT)
    return process.returncode, out, err


# --- where a load is ------------------------------------------------------------------------


@contextmanager
def _load_is_writing(database: Database, session_name: str) -> Iterator[Callable[[], bool]]:
    """A check that holds once the load has written rows of its own, uncommitted."""
    if not _is_postgres(database.url):
        wal = Path(f"{database.path}-wal")
        before = wal.stat().st_size if wal.exists() else 0
        yield lambda: wal.exists() and wal.stat().st_size > before + WAL_WRITTEN
        return
    engine = make_engine(database.url)
    query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name "
                 "AND query ~ :pattern")

    def copying() -> bool:
        with engine.connect() as conn:
            return conn.execute(query, {"name": session_name,
                                        "pattern": LOADING_EVENTS}).scalar_one() > 0

    try:
        yield copying
    finally:
        engine.dispose()


def _wait_until_session_ended(database: Database, session_name: str) -> None:
    """PostgreSQL: the server notices the killed client and rolls its transaction back."""
    if not _is_postgres(database.url):
        return
    engine = make_engine(database.url)
    query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
    deadline = time.monotonic() + 30
    with engine.connect() as conn:
        while conn.execute(query, {"name": session_name}).scalar_one():
            conn.rollback()
            assert time.monotonic() < deadline, "the killed load's session is still open"
            time.sleep(0.05)
    engine.dispose()


# --- a killed load ------------------------------------------------------------------------


def _reading_processes(data: Path) -> list[int]:
    """The processes still reading `data` for a load (incidentdb.readahead's children)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # not a process, or one that ended meanwhile
        if b"incidentdb.readahead" in args and any(str(data).encode() in a for a in args):
            found.append(int(proc.name))
    return found


def _no_reading_process_left(data: Path) -> None:
    """A load that ended, however, leaves no process reading its files behind."""
    deadline = time.monotonic() + 30
    while left := _reading_processes(data):
        assert time.monotonic() < deadline, f"reading processes left running: {left}"
        time.sleep(0.05)


def _interrupted_load(database: Database, data: Path, tmp_path: Path, sig: signal.Signals,
                      ) -> tuple[int, str, str, float]:
    """Load `data` in a subprocess, send `sig` once it has written part of its rows, and
    wait until it has ended, its reading process too (a large load reads in a child,
    which notices and stops), and its session with them; (exit code, out, err, seconds
    waited before the signal)."""
    session_name = f"incidentdb-{sig.name.lower()}-{uuid.uuid4().hex[:8]}"
    with _load_is_writing(database, session_name) as writing:
        load = _start(_named(database.url, session_name), "load", str(data), cwd=tmp_path)
        waited = _wait_for(load, writing, "the load had written part of its rows")
        if readahead.worth_it():
            assert _reading_processes(data), "no second process reads the large load"
    code, out, err = _interrupt(load, sig)
    _no_reading_process_left(data)
    _wait_until_session_ended(database, session_name)
    return code, out, err, waited


def test_load_killed_midway_leaves_the_database_as_it_was(bundled, synthetic, tmp_path):
    before = digest(bundled.url)
    code, out, err, waited = _interrupted_load(bundled, synthetic, tmp_path, signal.SIGKILL)
    assert code == -signal.SIGKILL, (code, out, err)
    assert "loaded" not in out, f"the load finished before the kill (after {waited:.1f} s)"

    assert digest(bundled.url) == before
    if not _is_postgres(bundled.url):
        engine = make_engine(bundled.url)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        engine.dispose()
    person = _cli(bundled.url, "person", "Tofig Yagublu", "--format", "json", cwd=tmp_path)
    assert person.returncode == 0, person.stderr
    assert json.loads(person.stdout)["id"] == "tofig-yagublu"
    reload = _cli(bundled.url, "load", str(DATA), cwd=tmp_path)
    assert reload.returncode == 0, reload.stderr
    changes = [line for line in reload.stdout.splitlines() if line.startswith("  ")]
    assert len(changes) == len(curated()), reload.stdout  # one line per table
    assert all(line.endswith(": 0 added, 0 changed, 0 removed") for line in changes), (
        reload.stdout)
    check = _cli(bundled.url, "db", "check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No drift" in check.stdout
    assert digest(bundled.url) == before


def test_load_read_in_a_second_process_interrupted_with_ctrl_c(bundled, synthetic, tmp_path):
    """The synthetic data is a large load (LARGE_LOAD_BYTES): its files are read in a child
    process. Ctrl-C stops both, as it stops any command (exit 130, no traceback), and
    changes nothing."""
    assert sum(p.stat().st_size for p in synthetic.iterdir()) >= LARGE_LOAD_BYTES
    before = digest(bundled.url)
    code, out, err, _ = _interrupted_load(bundled, synthetic, tmp_path, signal.SIGINT)
    assert code == 130, (code, out, err)
    assert "Traceback" not in err, err
    assert digest(bundled.url) == before


# --- a reader during a load ------------------------------------------------------------------

# Several statements, one transaction: the counts and titles must agree with each other.
OBSERVED = (
    "SELECT count(*) FROM events",
    "SELECT count(*) FROM event_participants",
    "SELECT count(*) FROM people",
    "SELECT count(*) FROM cases",
    f"SELECT count(*) FROM events WHERE title LIKE '%{SUFFIX}'",
    f"SELECT count(*) FROM cases WHERE title LIKE '%{SUFFIX}'",
    "SELECT coalesce(sum(length(title)), 0) FROM events",
    "SELECT count(*) FROM search_entries",
)


def _revised_copy(target: Path) -> Path:
    """The bundled data with every event and case title changed."""
    shutil.copytree(DATA, target)
    for path in target.glob("*.yaml"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(
            line.rstrip("\n") + SUFFIX + "\n" if line.startswith("    title: ") else line
            for line in lines), encoding="utf-8")
    return target


def test_a_reader_sees_the_data_before_or_after_a_load_never_a_mix(bundled, synthetic,
                                                                    tmp_path):
    engine = make_engine(bundled.url)
    if _is_postgres(bundled.url):  # one snapshot for the several statements
        engine = engine.execution_options(isolation_level="REPEATABLE READ")

    def observe() -> tuple[int, ...]:
        with engine.begin() as conn:
            return tuple(conn.execute(text(sql)).scalar_one() for sql in OBSERVED)

    before = observe()
    revised = _revised_copy(tmp_path / "revised")
    load = _start(bundled.url, "load", str(revised), str(synthetic), cwd=tmp_path)
    during = []
    while load.poll() is None:
        during.append(observe())
    out, err = load.communicate()
    assert load.returncode == 0, out + err
    after = observe()
    engine.dispose()

    events, participants, people, cases, revised_events, revised_cases = before[:6]
    assert revised_events == revised_cases == 0
    assert after[0] == events + SCALE and after[1] > participants and after[2] > people
    assert after[4:6] == (events, cases)  # every bundled event and case title changed
    mixed = sorted(set(during) - {before, after})
    assert not mixed, f"readers saw a half-done load: {mixed} (before {before}, after {after})"
    assert during.count(before) >= 10, f"too few reads during the load: {len(during)}"


# --- an interrupted export -----------------------------------------------------------------


@pytest.fixture(scope="module")
def large_db(tmp_path_factory: pytest.TempPathFactory, synthetic: Path):
    """The bundled and the synthetic data, loaded once for the export tests (read only)."""
    database = Database(tmp_path_factory.mktemp("large"))
    migrate.upgrade(database.url)
    engine = make_engine(database.url)
    load_paths(engine, [DATA, synthetic])
    with engine.connect() as conn:
        counts = {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                  for name, table in exportable_tables().items()}
    engine.dispose()
    yield database, counts
    database.drop()


def _csv_rows(path: Path) -> int:
    # sources.csv holds each source's whole text (`content`), past the csv module's
    # default cell limit of 128 KiB for the generated sources
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1  # a cell may hold a newline


def _interrupted_export(large_db, tmp_path: Path, sig: signal.Signals):
    database, counts = large_db
    out = tmp_path / "export"
    export = _start(database.url, "export", "--format", "csv", "--out", str(out), cwd=tmp_path)
    _wait_for(export, lambda: out.is_dir() and any(out.glob(".events.csv.*.tmp")),
              "the export was writing events")
    code, _, stderr = _interrupt(export, sig)
    assert not (out / "datapackage.json").exists(), "the export finished before the signal"
    complete = []
    for path in sorted(out.glob("*.csv")):
        assert _csv_rows(path) == counts[path.stem], f"{path.name} is incomplete"
        complete.append(path.stem)
    assert complete, "no file was complete: the export was interrupted too early"
    return code, stderr, sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp"))


def test_export_killed_midway_leaves_no_partial_file_under_a_final_name(large_db, tmp_path):
    code, _, temporary = _interrupted_export(large_db, tmp_path, signal.SIGKILL)
    assert code == -signal.SIGKILL
    # SIGKILL leaves no chance to clean up: the file being written stays, hidden, as
    # .NAME.<hex>.tmp; never under its final name
    assert temporary, "no file was being written when the export was killed"
    assert all(re.fullmatch(r"\.\w+\.csv\.[0-9a-f]+\.tmp", name) for name in temporary), (
        temporary)


def test_export_interrupted_with_ctrl_c_cleans_up(large_db, tmp_path):
    code, stderr, temporary = _interrupted_export(large_db, tmp_path, signal.SIGINT)
    assert code != 0
    assert temporary == []
    assert "Traceback" not in stderr, stderr


def test_export_interrupted_with_sigterm_cleans_up_as_ctrl_c_does(large_db, tmp_path):
    """`kill PID` (a service stopping, a CI timeout) takes Ctrl-C's path: the file being
    written is removed, and the exit code is the shell's for SIGTERM (128 + 15)."""
    code, stderr, temporary = _interrupted_export(large_db, tmp_path, signal.SIGTERM)
    assert code == 128 + signal.SIGTERM, (code, stderr)
    assert temporary == []
    assert stderr == ""
