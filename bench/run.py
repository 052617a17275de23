"""The benchmark: load, query, export and start-up, each against a floor measured in the same run.

    python bench/run.py --scale 100000 --json bench/results/sqlite-100k.json
    python bench/run.py --scale 100000 --db postgresql+psycopg://postgres@127.0.0.1/test

Load is timed end to end as `incidentdb load` does it (a subprocess: read,
validate, insert, commit), from JSON Lines, the format a bulk user brings. Its
floor is the same rows inserted into the same SQLite schema with the standard
library's sqlite3 `executemany`, in one transaction. Export is timed the same way
against a raw sqlite3 cursor streamed into csv.writer. Query latencies are
in-process medians of the functions the CLI calls.
"""

from __future__ import annotations

import argparse
import csv
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
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import COMPLETE, OFFENCES, generate, person_name  # noqa: E402

from incidentdb.models import write_order  # noqa: E402

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
    start = time.perf_counter()
    done = subprocess.run([PYTHON, "-c", PEAK_WRAPPER, *command], capture_output=True,
                          text=True, **kwargs)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak_kib / 1024


BENCH_SCHEMA = "incidentdb_bench"


def in_bench_schema(url: str) -> str:
    """A PostgreSQL URL whose tables live in a schema of the benchmark's own."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{BENCH_SCHEMA}"


def fresh_schema(url: str) -> None:
    if url.startswith("postgresql"):
        import sqlalchemy

        engine = sqlalchemy.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {BENCH_SCHEMA} CASCADE; "
                                 f"CREATE SCHEMA {BENCH_SCHEMA}")
        engine.dispose()
    subprocess.run([*CLI, "--db", url, "db", "upgrade"], check=True, capture_output=True)


def row_count(url: str) -> int:
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        total = sum(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                    for t in LOADED_TABLES)
    engine.dispose()
    return total


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


# what the CLI fetches for a table on a terminal: its first page (100 rows, and one more
# to know whether there are more)
PAGE = 101


def query_latencies(url: str, scale: int, repeats: int = 51) -> dict[str, float]:
    from incidentdb.casefile import person_file
    from incidentdb.dates import month_bounds
    from incidentdb.db import make_engine, session_scope
    from incidentdb.lookup import find_person
    from incidentdb.prosecutions import list_people
    from incidentdb.queries import list_events

    engine = make_engine(url)
    rng = random.Random(7)
    n_people = max(20, scale // 10)
    timings: dict[str, list[float]] = {"person": [], "charge": [], "month": []}
    with session_scope(engine) as session:
        for _ in range(repeats):
            name = person_name(rng.randrange(n_people))
            start = time.perf_counter()
            person_file(session, find_person(session, name).id)
            timings["person"].append(time.perf_counter() - start)
            offence = rng.choice(OFFENCES).replace("-", " ")
            start = time.perf_counter()
            list_people(session, charge=offence, limit=PAGE)
            timings["charge"].append(time.perf_counter() - start)
            low, high = month_bounds(f"{rng.randrange(2000, 2022)}-{rng.randrange(1, 13):02d}")
            start = time.perf_counter()
            list_events(session, start=low, end=high, limit=PAGE)
            timings["month"].append(time.perf_counter() - start)
    engine.dispose()
    return {k: round(statistics.median(v) * 1000, 2) for k, v in timings.items()}


def cold_start(url: str, scale: int, repeats: int = 7) -> dict[str, float]:
    def median_of(command: list[str]) -> float:
        runs = []
        for _ in range(repeats):
            runs.append(timed(command)[0])
        return round(statistics.median(runs) * 1000, 1)

    floor = median_of([PYTHON, "-c", "import sqlalchemy.orm, typer, rich.console"])
    help_ms = median_of([*CLI, "--help"])
    person_ms = median_of([*CLI, "--db", url, "person", person_name(3 % max(20, scale // 10)),
                           "--format", "json"])
    return {"import_floor_ms": floor, "help_ms": help_ms, "help_ratio": round(help_ms / floor, 2),
            "person_ms": person_ms, "person_ratio": round(person_ms / floor, 2)}


def versions() -> dict[str, str]:
    import alembic
    import sqlalchemy

    return {"python": platform.python_version(), "sqlalchemy": sqlalchemy.__version__,
            "alembic": alembic.__version__, "sqlite": sqlite3.sqlite_version,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores"}


def run(scale: int, url: str | None, keep: Path | None) -> dict:
    work = Path(tempfile.mkdtemp(prefix="incidentdb-bench-"))
    data = (keep or work) / f"data-{scale}"
    if not (data / COMPLETE).exists():
        generate(scale, data)
    sqlite_file = work / "bench.db"
    target = in_bench_schema(url) if url else f"sqlite:///{sqlite_file}"
    fresh_schema(target)
    seconds, peak = timed([*CLI, "--db", target, "load", str(data)])
    rows = row_count(target)
    result: dict = {"scale": scale, "database": target.split(":")[0], "format": "jsonl",
                    "versions": versions()}
    result["load"] = {"rows": rows, "seconds": round(seconds, 2),
                      "rows_per_s": round(rows / seconds), "peak_rss_mib": round(peak, 1),
                      "bulk_path": "COPY (psycopg)" if url else "executemany (sqlite3)"}
    if url is None:
        floor_rows, floor_seconds = sqlite_insert_floor(sqlite_file, work)
        result["load"]["floor_rows_per_s"] = round(floor_rows / floor_seconds)
        result["load"]["ratio"] = round(result["load"]["rows_per_s"]
                                        / result["load"]["floor_rows_per_s"], 2)
    result["queries_ms"] = query_latencies(target, scale)
    if url is None:
        out = work / "export"
        tables = [t for t in LOADED_TABLES if t != "search_entries"]
        export_seconds, export_peak = timed([*CLI, "--db", target, "export", *tables,
                                             "--format", "csv", "--out", str(out)])
        exported = rows - row_count_of(sqlite_file, "search_entries")
        floor_rows, floor_seconds = sqlite_export_floor(sqlite_file, work, tables)
        result["export"] = {"rows": exported, "rows_per_s": round(exported / export_seconds),
                            "floor_rows_per_s": round(floor_rows / floor_seconds),
                            "peak_rss_mib": round(export_peak, 1)}
        result["export"]["ratio"] = round(result["export"]["rows_per_s"]
                                          / result["export"]["floor_rows_per_s"], 2)
    result["cold_start"] = cold_start(target, scale)
    shutil.rmtree(work, ignore_errors=True)
    return result


def row_count_of(path: Path, table: str) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        db.close()


def print_table(result: dict) -> None:
    print(f"incidentdb benchmark: {result['scale']:,} events on {result['database']}")
    load = result["load"]
    print(f"  load    {load['rows']:>10,} rows  {load['seconds']:>8.2f} s  "
          f"{load['rows_per_s']:>9,} rows/s  floor {load.get('floor_rows_per_s', '-'):>9}  "
          f"ratio {load.get('ratio', '-')}  peak {load['peak_rss_mib']} MiB")
    q = result["queries_ms"]
    print(f"  queries person {q['person']} ms  charge {q['charge']} ms  month {q['month']} ms "
          "(median)")
    if "export" in result:
        e = result["export"]
        print(f"  export  {e['rows']:>10,} rows  {e['rows_per_s']:>9,} rows/s  floor "
              f"{e['floor_rows_per_s']:>9,}  ratio {e['ratio']}  peak {e['peak_rss_mib']} MiB")
    c = result["cold_start"]
    print(f"  start   --help {c['help_ms']} ms ({c['help_ratio']}x import floor "
          f"{c['import_floor_ms']} ms); person {c['person_ms']} ms ({c['person_ratio']}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10_000, help="number of events")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--keep-data", type=Path, help="keep generated data in this folder")
    args = parser.parse_args()
    result = run(args.scale, args.db, args.keep_data)
    print_table(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
