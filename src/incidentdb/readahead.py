"""Reading a large load in a second process while this one writes.

Reading and validating records is Python work, and so is writing them: a large
load runs the two side by side. A child process (`python -m incidentdb.readahead`)
reads the files and validates each record (`loader.Reading`, the same pass a small
load runs in one process) and sends the rows, in file order, in batches through a
pipe; this process writes them as they come, then takes over what the reading found
(its problems, the records it refused, whether some input could not be read, the
source texts it met), so the checks that follow see exactly what a one-process load
sees.

The pipe is the only buffer: when this process falls behind, the child waits, and
memory stays flat whatever the input. The child runs in a session of its own, so
Ctrl-C reaches only this process, which stops it; a child that dies is an error
naming what it said, never a load that silently ends early.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from incidentdb.errors import IncidentdbError

if TYPE_CHECKING:
    from incidentdb.loader import Reading, Sink

BATCH = 2000  # rows a message
CHILD = ("-m", "incidentdb.readahead")  # what the child runs, after the interpreter


def worth_it() -> bool:
    """A second process pays for itself on a large load, with a second core to run on."""
    return (os.cpu_count() or 1) > 1


def run(reading: Reading, sink: Sink) -> None:
    """`reading.run(sink)`, with the reading done in a child process."""
    asked = json.dumps({"paths": [str(p) for p in reading.paths],
                        "progress": reading.progress is not None})
    with tempfile.TemporaryFile() as said, subprocess.Popen(
            [sys.executable, *CHILD, asked], stdout=subprocess.PIPE,
            stderr=said, start_new_session=True) as child:
        try:
            _receive(reading, sink, child.stdout)  # type: ignore[arg-type]
        except EOFError:
            child.wait()
            said.seek(0)
            last = said.read().decode("utf-8", "replace").strip().splitlines()[-1:]
            raise IncidentdbError(f"the process reading the files stopped (exit code "
                                  f"{child.returncode}{': ' if last else ''}"
                                  f"{''.join(last)}); nothing was loaded") from None
        finally:
            if child.poll() is None:
                child.kill()


def _receive(reading: Reading, sink: Sink, stream: BinaryIO) -> None:
    while True:
        kind, payload = pickle.load(stream)
        if kind == "rows":
            for table, row, number, line in payload:
                sink(table, row, number, line)
        elif kind == "progress" and reading.progress:
            reading.progress(*payload)
        elif kind == "done":
            reading.take_over(payload)
            return
        elif kind == "failed":
            raise RuntimeError(f"reading the files failed:\n{payload}")


def _read(paths: list[Path], with_progress: bool, out: BinaryIO) -> None:
    """The child: one pass over the files, its rows and its findings sent to the parent."""
    def send(kind: str, payload: Any) -> None:
        pickle.dump((kind, payload), out, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        from incidentdb.loader import Reading

        reading = Reading(paths, (lambda *step: send("progress", step)) if with_progress
                          else None)
        batch: list[tuple[str, dict[str, Any], int, int]] = []

        def sink(table: str, row: dict[str, Any], number: int, line: int) -> None:
            batch.append((table, row, number, line))
            if len(batch) >= BATCH:
                send("rows", batch)
                batch.clear()

        reading.run(sink)
        send("rows", batch)
        send("done", reading.findings())
    except BrokenPipeError:
        return  # the parent stopped: nobody is listening
    except Exception:  # noqa: BLE001 - whatever it is, the parent must hear of it
        send("failed", traceback.format_exc())
    out.flush()


if __name__ == "__main__":
    asked = json.loads(sys.argv[1])
    _read([Path(p) for p in asked["paths"]], asked["progress"], sys.stdout.buffer)
