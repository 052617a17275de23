"""The benchmark: load, queries, export and start-up, each against a floor measured in the same run.

    python bench/run.py --scale 100000 --json bench/results/sqlite-100k.json
    python bench/run.py --scale 100000 --db postgresql+psycopg://postgres@127.0.0.1/test

The data is bench/generate.py's, in JSON Lines, the format a bulk user brings. What
is measured, and the floor each figure is compared with:

- load: `incidentdb load` end to end in a subprocess (start-up, read, validate,
  insert, derive, commit): rows per second, the command's peak RSS, and the time of
  each of its phases (bench/load_phases.py notes them). Floor on SQLite: the same
  rows, read back from the loaded database, inserted into a fresh schema with the
  standard library's sqlite3 `executemany` in one transaction. Floor on PostgreSQL:
  the same rows, read back from the loaded schema, COPYed with psycopg (`write_row`,
  as the loader does) into a fresh second schema migrated to head, in one
  transaction. Reading the rows is not timed in either floor; the inserts (or COPYs)
  and the commit are.
- queries: in-process medians, over 51 repeats with varied arguments, of the library
  calls each query command makes for the first page of its table (`person`,
  `people --charge`, `people --offence`, `cases --charge`, `events --month`,
  `sentences --year`, `search`) and of the web view's person page: the page of 100
  rows and one more (`cli.options.Page`, used as it is), the count for the caption
  when the page was cut ("100 of 4,463"), and the dated listings' counts of what
  they left out (stderr). Each call has a session of its own on a read-only engine,
  as the command opens it (`db.make_engine`: on PostgreSQL, psycopg prepares no
  statement, see `db._never_prepare`); start-up and rendering are not in
  these figures.
- export (SQLite only): `incidentdb export --format csv` of every table; floor: a raw
  sqlite3 cursor streamed into csv.writer.
- start-up: `--help`, `person NAME` (in a table, the default, and `--format json`)
  and `events --month` (a table), with stdout a pipe (so no pager), each as a ratio
  to the import floor: `python -c "import sqlalchemy.orm, typer, rich.console"`,
  the imports any query command needs.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import LAST, OFFENCES, generate, is_complete, person_name  # noqa: E402
from load_phases import PHASES_FILE  # noqa: E402

from incidentdb.casefile import person_file  # noqa: E402
from incidentdb.cli.options import Format, Page  # noqa: E402
from incidentdb.cli.query import SEARCH_RESULTS  # noqa: E402
from incidentdb.db import make_engine, session_scope  # noqa: E402
from incidentdb.lookup import find_offence, find_person  # noqa: E402
from incidentdb.models import write_order  # noqa: E402
from incidentdb.prosecutions import cases_query, list_cases, list_people, people_query  # noqa: E402
from incidentdb.queries import (  # noqa: E402
    COUNT_CAP,
    count_up_to,
    event_window,
    events_left_out,
    events_query,
    list_events,
)
from incidentdb.search import count_matches  # noqa: E402
from incidentdb.search import search as search_query  # noqa: E402
from incidentdb.sentencing import list_sentences, sentences_left_out, sentences_query  # noqa: E402
from incidentdb.web.pages import person_page  # noqa: E402

PYTHON = sys.executable
CLI = [PYTHON, "-m", "incidentdb"]
# the tables a load writes, in an order that satisfies their references
LOADED_TABLES = (*(d.name for d in write_order()), "search_entries")


# Runs a command as its only child and prints the child's peak RSS (KiB) last on stderr: a
# small process forks it, so the figure is the command's own, not the benchmark's.
PEAK_WRAPPER = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
                "sys.exit(r.returncode)")


def timed(command: list[str], **kwargs: Any) -> tuple[float, float]:
    """Run a command; return (seconds, peak RSS of that command in MiB)."""
    seconds, done = ran([PYTHON, "-c", PEAK_WRAPPER, *command], command, **kwargs)
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak_kib / 1024


def seconds_of(command: list[str]) -> float:
    """Run a command with stdout and stderr pipes (no terminal, so no pager); its time."""
    return ran(command, command)[0]


def ran(argv: list[str], command: list[str], **kwargs: Any,
        ) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run argv (which runs `command`) with pipes; its seconds and result. A command that
    fails ends the benchmark with its stderr."""
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return seconds, done


BENCH_SCHEMA = "incidentdb_bench"


def in_schema(url: str, schema: str) -> str:
    """A PostgreSQL URL whose tables live in the given schema."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def fresh_schema(url: str, schema: str | None = None) -> str:
    """An empty database migrated to head (`db upgrade`): the SQLite file at url, or on
    PostgreSQL the schema of that name, dropped and made again; its URL."""
    if schema is not None:
        on_server(url, f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        url = in_schema(url, schema)
    subprocess.run([*CLI, "--db", url, "db", "upgrade"], check=True, capture_output=True)
    return url


def drop_schema(url: str, schema: str) -> None:
    on_server(url, f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def on_server(url: str, statements: str) -> None:
    """Run SQL statements in one transaction on the database at url."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(statements)
    engine.dispose()


def row_count(url: str, tables: tuple[str, ...] = LOADED_TABLES) -> int:
    """The rows of these tables, together."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        total = sum(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                    for t in tables)
    engine.dispose()
    return total


# --- load and its floors ---------------------------------------------------------------------


def load(target: str, data: Path, work: Path) -> dict[str, Any]:
    """`incidentdb load` of the data into target: rows, time, peak RSS and phases."""
    marks = work / "phases.json"
    seconds, peak = timed([PYTHON, str(HERE / "load_phases.py"), "--db", target, "load",
                           str(data)], env={**os.environ, PHASES_FILE: str(marks)})
    rows = row_count(target)
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds),
            "peak_rss_mib": round(peak, 1), "phases_s": phases(json.loads(marks.read_text()))}


def phases(marks: dict[str, float]) -> dict[str, float]:
    """The seconds of each phase of a load, from the moments they began (load_phases):
    start-up (imports, engine, schema check), reading (read, validate, insert), checking
    (ids, references, evidence), dating (derived bounds), indexing (a large load's
    indexes built in bulk; absent from a small load), committing (statistics, commit),
    vacuuming (PostgreSQL, a large load: VACUUM after the commit), and the report at the
    end."""
    # each phase begins at its mark (start-up at 0, reading at "begin", the report at
    # "end") and lasts until the next phase present begins (the last, until "exit")
    starts = {"startup": 0.0, "reading": marks.get("begin"), "checking": marks.get("checking"),
              "dating": marks.get("dating"), "indexing": marks.get("indexing"),
              "committing": marks.get("committing"), "vacuuming": marks.get("vacuuming"),
              "report": marks.get("end")}
    present = [(name, at) for name, at in starts.items() if at is not None]
    ends = [at for _, at in present[1:]] + [marks.get("exit", present[-1][1])]
    return {name: round(end - at, 2) for (name, at), end in zip(present, ends, strict=True)}


def sqlite_insert_floor(loaded: Path, work: Path) -> tuple[int, float]:
    """The same rows, from the loaded database, into a fresh schema with executemany.

    Rows are read in chunks (untimed) so the floor, too, runs in bounded memory; only
    the inserts and the commit are timed, in one transaction.
    """
    target = work / "floor.db"
    fresh_schema(f"sqlite:///{target}")
    source = sqlite3.connect(loaded)
    db = sqlite3.connect(target, isolation_level=None)
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    total, seconds = 0, 0.0
    db.execute("BEGIN")
    for table in LOADED_TABLES:
        cursor = source.execute(f"SELECT * FROM {table}")
        marks = ",".join("?" * len(cursor.description))
        while rows := cursor.fetchmany(50_000):
            start = time.perf_counter()
            db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            seconds += time.perf_counter() - start
            total += len(rows)
    start = time.perf_counter()
    db.execute("COMMIT")
    seconds += time.perf_counter() - start
    db.close()
    source.close()
    return total, seconds


def psycopg_url(url: str) -> str:
    """The libpq URL of a SQLAlchemy PostgreSQL URL (its options kept)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def postgresql_copy_floor(url: str, schema: str) -> tuple[int, float]:
    """The same rows, from the loaded schema, COPYed into a fresh schema migrated to head.

    As the loader does: constraints deferred, psycopg's COPY with `write_row`, one
    transaction. Rows are read in chunks through a server-side cursor (untimed); only
    the COPYs and the commit are timed. A generated column (search_entries' stored
    document vector, migration 0014) is computed by the server in the floor's COPY too.
    """
    import psycopg

    floor = f"{schema}_floor"
    fresh_schema(url, floor)
    total, seconds = 0, 0.0
    with psycopg.connect(psycopg_url(in_schema(url, schema))) as source, \
            psycopg.connect(psycopg_url(in_schema(url, floor))) as target:
        writing = target.cursor()
        writing.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in LOADED_TABLES:
            columns = ", ".join(name for name, in source.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                "current_schema() AND table_name = %s AND is_generated = 'NEVER' "
                "ORDER BY ordinal_position", (table,)))
            source.commit()
            with source.cursor(name=f"floor_{table}") as reading:
                reading.execute(f"SELECT {columns} FROM {table}")
                while rows := reading.fetchmany(50_000):
                    start = time.perf_counter()
                    with writing.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                    seconds += time.perf_counter() - start
                    total += len(rows)
        start = time.perf_counter()
        target.commit()
        seconds += time.perf_counter() - start
    drop_schema(url, floor)
    return total, seconds


def with_floor(figures: dict[str, Any], floor_rows: int, floor_seconds: float,
               floor: str) -> dict[str, Any]:
    """The figures with their floor's rows per second and the ratio to it."""
    floor_rate = round(floor_rows / floor_seconds)
    return {**figures, "floor": floor, "floor_rows_per_s": floor_rate,
            "ratio": round(figures["rows_per_s"] / floor_rate, 2)}


# --- export ------------------------------------------------------------------------------------


def sqlite_export_floor(loaded: Path, work: Path, tables: list[str]) -> tuple[int, float]:
    out = work / "floor-export"
    out.mkdir(exist_ok=True)
    db = sqlite3.connect(loaded)
    total = 0
    start = time.perf_counter()
    for table in tables:
        cursor = db.execute(f"SELECT * FROM {table} ORDER BY 1")
        with (out / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([d[0] for d in cursor.description])
            while batch := cursor.fetchmany(2000):
                writer.writerows(batch)
                total += len(batch)
    seconds = time.perf_counter() - start
    db.close()
    return total, seconds


def export(target: str, sqlite_file: Path, rows: int, work: Path) -> dict[str, Any]:
    """`incidentdb export --format csv` of every table, against its floor."""
    tables = [t for t in LOADED_TABLES if t != "search_entries"]
    seconds, peak = timed([*CLI, "--db", target, "export", *tables, "--format", "csv",
                           "--out", str(work / "export")])
    exported = rows - row_count(target, ("search_entries",))
    figures = {"rows": exported, "rows_per_s": round(exported / seconds),
               "peak_rss_mib": round(peak, 1)}
    return with_floor(figures, *sqlite_export_floor(sqlite_file, work, tables),
                      "sqlite3 cursor into csv.writer")


# --- queries -----------------------------------------------------------------------------------
# Each query command's library calls for its first page, as its function in cli/query.py or
# cli/dated.py makes them; only the arguments are drawn here (see QUERIES).


def first_page(rows: Callable[[int | None], list], count: Callable[[], int],
               **size: int) -> list:
    """A table's first page as the CLI gets it: `Page` fetches one row more than it
    shows and counts the rows (for the caption) only when there were more. Its note on
    stderr goes nowhere."""
    page = Page.of(None, Format.table, **size)
    with contextlib.redirect_stderr(io.StringIO()):
        return page.rows(rows(page.fetch), count)


def person(session: Any, name: str) -> Any:
    """`person NAME`."""
    return person_file(session, find_person(session, name).id)


def people(session: Any, asked: dict[str, Any]) -> list:
    """`people` with the filters asked."""
    return first_page(lambda n: list_people(session, **asked, limit=n),
                      lambda: count_up_to(session, people_query(session, **asked)))


def people_by_offence(session: Any, offence: str) -> list:
    """`people --offence ID`."""
    return people(session, {"offence": find_offence(session, offence)})


def cases_by_charge(session: Any, charge: str) -> list:
    """`cases --charge TEXT`."""
    return first_page(lambda n: list_cases(session, charge=charge, limit=n),
                      lambda: count_up_to(session, cases_query(session, charge=charge)))


def events_of_month(session: Any, month: str) -> tuple[list, dict]:
    """`events --month YYYY-MM`: the page and what it leaves out."""
    start, end = event_window(month=month)
    rows = first_page(lambda n: list_events(session, start=start, end=end, limit=n),
                      lambda: count_up_to(session, events_query(start=start, end=end)))
    return rows, events_left_out(session, start=start, end=end)


def sentences_of_year(session: Any, year: int) -> tuple[list, dict]:
    """`sentences --year YYYY`: the page and what it leaves out."""
    start, end = event_window(year=year)
    rows = first_page(lambda n: list_sentences(session, start=start, end=end, limit=n),
                      lambda: count_up_to(session, sentences_query(start=start, end=end)))
    return rows, sentences_left_out(session, start=start, end=end)


def search(session: Any, text: str) -> list:
    """`search TEXT`: the best SEARCH_RESULTS, counted when there are more."""
    return first_page(lambda n: [asdict(h) for h in search_query(session, text, n)],
                      lambda: count_matches(session, text, COUNT_CAP),
                      table=SEARCH_RESULTS, machine=SEARCH_RESULTS)


def web_person(session: Any, name: str) -> Any:
    """The web view's person page (the plugin's call)."""
    return person_page(session, name=name)


def charge_words(rng: random.Random, _people: int) -> str:
    return rng.choice(OFFENCES).replace("-", " ")


def a_name(rng: random.Random, people: int) -> str:
    return person_name(rng.randrange(people))


# key -> (the arguments drawn for one call: random numbers and the number of people, the call)
QUERIES: dict[str, tuple[Callable[[random.Random, int], Any], Callable[[Any, Any], Any]]] = {
    "person": (a_name, person),
    "people_charge": (charge_words, lambda session, text: people(session, {"charge": text})),
    "people_offence": (lambda rng, _: rng.choice(OFFENCES), people_by_offence),
    "cases_charge": (charge_words, cases_by_charge),
    "events_month": (lambda rng, _: f"{rng.randrange(2000, 2022)}-{rng.randrange(1, 13):02d}",
                     events_of_month),
    "sentences_year": (lambda rng, _: rng.randrange(2000, 2022), sentences_of_year),
    "search": (lambda rng, people: rng.choice((rng.choice(LAST), charge_words(rng, people))),
               search),
    "web_person": (a_name, web_person),
}


def query_latencies(url: str, scale: int, repeats: int) -> dict[str, float]:
    """Each query's median milliseconds over `repeats` calls, arguments drawn anew each time."""
    engine = make_engine(url, read_only=True)  # as a command opens it
    rng = random.Random(7)
    n_people = max(20, scale // 10)
    timings: dict[str, list[float]] = {key: [] for key in QUERIES}
    for _ in range(repeats):
        for key, (draw, call) in QUERIES.items():
            argument = draw(rng, n_people)
            start = time.perf_counter()
            with session_scope(engine) as session:
                call(session, argument)
            timings[key].append(time.perf_counter() - start)
    engine.dispose()
    return {k: round(statistics.median(v) * 1000, 2) for k, v in timings.items()}


# --- start-up ----------------------------------------------------------------------------------


def cold_start(url: str, scale: int, repeats: int = 7) -> dict[str, float]:
    """Median milliseconds of each command (and its ratio to the import floor).
    `person` is in JSON, as in results before the table was timed too."""
    def median_of(command: list[str]) -> float:
        return round(statistics.median(seconds_of(command) for _ in range(repeats)) * 1000, 1)

    name = person_name(3 % max(20, scale // 10))
    commands = {"help": [*CLI, "--help"],
                "person": [*CLI, "--db", url, "person", name, "--format", "json"],
                "person_table": [*CLI, "--db", url, "person", name],
                "events_month": [*CLI, "--db", url, "events", "--month", "2010-03"]}
    floor = median_of([PYTHON, "-c", "import sqlalchemy.orm, typer, rich.console"])
    out = {"import_floor_ms": floor}
    for key, command in commands.items():
        out[f"{key}_ms"] = median_of(command)
        out[f"{key}_ratio"] = round(out[f"{key}_ms"] / floor, 2)
    return out


# --- the run -----------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    import alembic
    import sqlalchemy

    return {"python": platform.python_version(), "sqlalchemy": sqlalchemy.__version__,
            "alembic": alembic.__version__, "sqlite": sqlite3.sqlite_version,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores"}


def run(scale: int, url: str | None, keep: Path | None, schema: str = BENCH_SCHEMA,
        repeats: int = 51) -> dict:
    work = Path(tempfile.mkdtemp(prefix="incidentdb-bench-"))
    data = (keep or work) / f"data-{scale}"
    if not is_complete(data):
        generate(scale, data)
    sqlite_file = work / "bench.db"
    target = fresh_schema(url, schema) if url else fresh_schema(f"sqlite:///{sqlite_file}")
    result: dict = {"scale": scale, "database": target.split(":")[0], "format": "jsonl",
                    "versions": versions()}
    loaded = load(target, data, work)
    if url:
        result["load"] = with_floor({**loaded, "bulk_path": "COPY (psycopg)"},
                                    *postgresql_copy_floor(url, schema),
                                    "COPY (psycopg write_row) into a fresh schema")
    else:
        result["load"] = with_floor({**loaded, "bulk_path": "executemany (sqlite3)"},
                                    *sqlite_insert_floor(sqlite_file, work),
                                    "executemany (sqlite3) into a fresh schema")
    result["query_repeats"] = repeats
    result["queries_ms"] = query_latencies(target, scale, repeats)
    if url is None:
        result["export"] = export(target, sqlite_file, loaded["rows"], work)
    result["cold_start"] = cold_start(target, scale)
    shutil.rmtree(work, ignore_errors=True)
    return result


def print_table(result: dict) -> None:
    print(f"incidentdb benchmark: {result['scale']:,} events on {result['database']}")
    loaded = result["load"]
    print(f"  load    {loaded['rows']:>10,} rows  {loaded['seconds']:>8.2f} s  "
          f"{loaded['rows_per_s']:>9,} rows/s  floor {loaded['floor_rows_per_s']:>9,}  "
          f"ratio {loaded['ratio']}  peak {loaded['peak_rss_mib']} MiB")
    print(f"          floor: {loaded['floor']}")
    print("          phases: " + ", ".join(f"{name} {seconds:.2f} s"
                                           for name, seconds in loaded["phases_s"].items()))
    print(f"  queries (median of {result['query_repeats']}, ms, first page as the CLI "
          "fetches it):")
    for key, ms in result["queries_ms"].items():
        print(f"          {key:<16} {ms:>8.2f}")
    if "export" in result:
        e = result["export"]
        print(f"  export  {e['rows']:>10,} rows  {e['rows_per_s']:>9,} rows/s  floor "
              f"{e['floor_rows_per_s']:>9,}  ratio {e['ratio']}  peak {e['peak_rss_mib']} MiB")
    c = result["cold_start"]
    print(f"  start   (median ms; ratio to the import floor, {c['import_floor_ms']} ms)")
    for key, label in (("help", "--help"), ("person_table", "person NAME"),
                       ("person", "person NAME --format json"),
                       ("events_month", "events --month")):
        print(f"          {label:<26} {c[f'{key}_ms']:>8.1f}  {c[f'{key}_ratio']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10_000, help="number of events")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--schema", default=BENCH_SCHEMA,
                        help="PostgreSQL: the schema to load into, made afresh (its floor: "
                        "SCHEMA_floor, dropped after)")
    parser.add_argument("--repeats", type=int, default=51, help="calls of each query")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--keep-data", type=Path, help="keep generated data in this folder")
    args = parser.parse_args()
    result = run(args.scale, args.db, args.keep_data, args.schema, args.repeats)
    print_table(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
