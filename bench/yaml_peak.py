"""Peak memory of `incidentdb load` on a YAML file just under the YAML size cap.

YAML files are read whole (PyYAML holds a node for every value before it builds
anything), so memory grows with the file and with the number of values in it;
reading.MAX_YAML_BYTES and reading.MAX_YAML_EVENTS cap both. This measures the peak
resident memory of the whole command, in a subprocess of its own, for three shapes of
file just under both caps:

- records: valid people records, the shape curated data has (loaded into SQLite);
- dense block: `- 1` lines, many values per byte in a block list;
- dense flow: `[1,1,1,...]` on one line, the most values per byte YAML allows (the
  worst case: every value is refused, so the run also holds a problem per value).

Usage: python bench/yaml_peak.py [--bytes N]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from incidentdb.reading import MAX_YAML_BYTES, MAX_YAML_EVENTS

BASE = Path(__file__).resolve().parent.parent / "tests" / "malformed" / "_base"


def _fill(size: int, head: str, item: Callable[[int], str], tail: str = "",
          events: int = 1) -> str:
    """head + items + tail, as many items (of `events` parser events each) as fit in
    size bytes and under the cap on events (less a margin for the head and tail)."""
    parts, used, number = [head], len(head) + len(tail), 0
    most = (MAX_YAML_EVENTS - 20) // events
    while number < most:
        piece = item(number)
        if used + len(piece) > size:
            break
        parts.append(piece)
        used += len(piece)
        number += 1
    return "".join(parts) + tail


SHAPES: dict[str, Callable[[int], str]] = {
    "records": lambda size: _fill(size, "source: examplestan-2021\npeople:\n", lambda n: (
        f"  - id: person-{n}\n    name: Person Number {n}\n"
        f"    description: A person of the synthetic data set, number {n}\n"
        "    excerpt: Journalist Tofiq Hasanov\n"), events=10),
    "dense block": lambda size: _fill(size, "source: examplestan-2021\npeople:\n",
                                      lambda n: "- 1\n"),
    "dense flow": lambda size: _fill(size, "source: examplestan-2021\npeople: [",
                                     lambda n: "1,", "1]\n"),
}


def peak_of_load(folder: Path) -> tuple[int, int]:
    """(exit code, peak resident memory in bytes) of `incidentdb load folder`."""
    database = folder.parent / "peak.db"
    command = [sys.executable, "-m", "incidentdb", "--db", f"sqlite:///{database}", "load",
               str(folder)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            check=False)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:  # ru_maxrss of children is the largest so far: run shapes largest last
        print("warning: peak not above an earlier run's; run one shape at a time",
              file=sys.stderr)
    return result.returncode, peak * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bytes", type=int, default=MAX_YAML_BYTES - 1,
                        help="file size (default: one byte under the cap)")
    parser.add_argument("--shape", choices=sorted(SHAPES), action="append",
                        help="shapes to measure (default: all, each in its own run)")
    args = parser.parse_args()
    shapes = args.shape or list(SHAPES)
    if len(shapes) > 1:  # children's peak is a running maximum: one process per shape
        for shape in shapes:
            subprocess.run([sys.executable, __file__, "--bytes", str(args.bytes),
                            "--shape", shape], check=True)
        return
    shape = shapes[0]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "data"
        shutil.copytree(BASE / "sources", folder / "sources")
        path = folder / "big.yaml"
        path.write_text(SHAPES[shape](args.bytes), encoding="utf-8")
        code, peak = peak_of_load(folder)
        print(f"{shape:12} {path.stat().st_size:>10,} bytes  exit {code}  "
              f"peak {peak / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
