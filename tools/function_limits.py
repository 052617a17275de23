"""Functions too long to read in one sitting: more than 60 lines, def line to last line.

    python tools/function_limits.py                 # src tools bench
    python tools/function_limits.py src/incidentdb  # one folder (or file)

Every function and method (async ones and those nested in others too) in the Python
files under the given folders is measured from its `def` line to its last line, its
decorators left out. Each one over the limit is listed as `file:line name lines`, and
the exit status is 1 if there is any. Cyclomatic complexity (at most 15) is checked by
ruff (C901, configured in pyproject.toml), not here.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_LINES = 60
DEFAULT_FOLDERS = ("src", "tools", "bench")


@dataclass(frozen=True)
class Finding:
    """One function over the limit."""

    path: Path
    line: int
    name: str
    lines: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.name} {self.lines} lines (limit {MAX_LINES})"


def python_files(paths: Sequence[Path]) -> Iterator[Path]:
    """Each .py file named, or under a folder named, in sorted order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.rglob("*.py"))
        else:
            yield path


def function_lengths(source: str, filename: str = "<string>") -> Iterator[tuple[int, str, int]]:
    """(def line, qualified name, lines from def to last line) of each function in source."""
    tree = ast.parse(source, filename=filename)
    yield from _lengths_in(tree, "")


def _lengths_in(node: ast.AST, prefix: str) -> Iterator[tuple[int, str, int]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            name = prefix + child.name
            end = child.end_lineno if child.end_lineno is not None else child.lineno
            yield child.lineno, name, end - child.lineno + 1
            yield from _lengths_in(child, name + ".")
        elif isinstance(child, ast.ClassDef):
            yield from _lengths_in(child, prefix + child.name + ".")
        else:
            yield from _lengths_in(child, prefix)


def long_functions(paths: Sequence[Path], max_lines: int = MAX_LINES) -> list[Finding]:
    """The functions in the files under paths that are longer than max_lines."""
    found = []
    for path in python_files(paths):
        source = path.read_text(encoding="utf-8")
        for line, name, lines in function_lengths(source, str(path)):
            if lines > max_lines:
                found.append(Finding(path, line, name, lines))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """List the functions over the limit; 1 if there is any, else 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[Path(p) for p in DEFAULT_FOLDERS])
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    found = long_functions(args.paths)
    for finding in found:
        print(finding)
    if found:
        print(f"{len(found)} function(s) over {MAX_LINES} lines", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
