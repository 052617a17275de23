"""`python -m incidentdb ARGS`, noting when each phase of a load began.

bench/run.py runs `incidentdb load` through this, to split the load's time into
phases without changing it: the load command's progress callback
(`output.progress_reporter`, which draws nothing when stderr is not a terminal) is
wrapped so that the first report of each stage the loader passes through (reading,
checking, dating, indexing (bulk, large loads only), committing, vacuuming
(PostgreSQL, large loads only); see
`loader.load_paths`) is noted, beside the moment the load began and ended. The
marks, in seconds since this script started, are written as JSON to the file named
by $INCIDENTDB_BENCH_PHASES when the command ends.

    INCIDENTDB_BENCH_PHASES=/tmp/phases.json python bench/load_phases.py --db URL load DATA
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

START = time.perf_counter()

from incidentdb import output  # noqa: E402
from incidentdb.cli import main  # noqa: E402
from incidentdb.shapes import Progress  # noqa: E402

PHASES_FILE = "INCIDENTDB_BENCH_PHASES"
marks: dict[str, float] = {}  # stage (and "begin", "end") -> seconds since START
drawing = output.progress_reporter


def mark(stage: str) -> None:
    marks.setdefault(stage, time.perf_counter() - START)


@contextmanager
def noting() -> Iterator[Progress]:
    """The load's progress callback, noting each stage's first report."""
    mark("begin")
    with drawing() as draw:
        def report(stage: str, done: int, total: int, note: str = "") -> None:
            mark(stage)
            draw(stage, done, total, note)

        yield report
    mark("end")


if __name__ == "__main__":
    output.progress_reporter = noting
    try:
        main()
    finally:
        marks["exit"] = time.perf_counter() - START
        with open(os.environ[PHASES_FILE], "w", encoding="utf-8") as handle:
            json.dump(marks, handle)
