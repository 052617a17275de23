"""Rewrite the outputs of README.md's examples from real runs on the bundled data.

    python tools/readme_examples.py            # rewrite README.md in place
    python tools/readme_examples.py --check    # exit 1 if any example is out of date

Each ```console block of README.md holds `$ incidentdb ...` lines, each followed by
the output the README promises; tests/test_readme.py runs them and compares. This
runs every such command in-process on a fresh SQLite database loaded with the bundled
data, at the width the README is made at (COLUMNS=100, NO_COLOR), and puts its stdout
in place of the old output. The `load` examples show what a load of edited files
says (tests/test_readme.py's NOT_RUN) and are left as they are.

An output shortened with `...` lines stays shortened the same way: as many lines
before the first `...` as there were, and each part after a `...` taken from the
line of the new output that starts as that part did (its first line, trailing spaces
aside) for as many lines as it had, the last part to the end (a `...` that ends the
output cuts it there).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
ENVIRONMENT = {"COLUMNS": "100", "NO_COLOR": "1"}  # as tests/test_readme.py runs them
NOT_RUN = frozenset({"load"})
PROMPT = "$ incidentdb "


def fresh_database(folder: Path) -> str:
    """A SQLite database in the folder, migrated, with the bundled data loaded."""
    from incidentdb import migrate
    from incidentdb.db import make_engine
    from incidentdb.loader import load_paths

    url = f"sqlite:///{folder / 'readme.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        load_paths(engine)
    finally:
        engine.dispose()
    return url


def run(url: str, arguments: list[str]) -> list[str]:
    """The stdout lines of `incidentdb --db URL ARGUMENTS`, run in-process."""
    from typer.testing import CliRunner

    from incidentdb.cli import app

    result = CliRunner().invoke(app, ["--db", url, *arguments], env=ENVIRONMENT)
    if result.exit_code != 0:
        raise SystemExit(f"incidentdb {shlex.join(arguments)} failed "
                         f"(exit {result.exit_code}): {result.stderr}{result.exception or ''}")
    return result.stdout.rstrip("\n").split("\n")


def shortened(old: list[str], new: list[str]) -> list[str]:
    """The new output shortened where the old one was (`...`), as the docstring says."""
    if "..." not in old:
        return new
    parts: list[list[str]] = [[]]
    for line in old:
        if line == "...":
            parts.append([])
        else:
            parts[-1].append(line)
    lines = new[:len(parts[0])]
    position = len(parts[0])
    for number, part in enumerate(parts[1:], 2):
        if not part and number == len(parts):  # a `...` that ends the output: cut there
            lines.append("...")
            break
        anchor = part[0].rstrip() if part else ""
        start = next((index for index in range(position, len(new))
                      if new[index].rstrip() == anchor), None)
        if start is None:
            raise SystemExit(f"the part after '...' starting {anchor!r} is no longer in "
                             "the output: shorten this example by hand")
        end = len(new) if number == len(parts) else start + len(part)
        lines += ["...", *new[start:end]]
        position = end
    return lines


def rewrite(text: str, url: str) -> tuple[str, list[str]]:
    """README's text with every example's output from a real run, and the examples that
    changed."""
    out: list[str] = []
    changed: list[str] = []
    lines = text.split("\n")
    index = 0
    in_block = False
    while index < len(lines):
        line = lines[index]
        out.append(line)
        index += 1
        if line.startswith("```"):
            in_block = line == "```console"
            continue
        if not (in_block and line.startswith(PROMPT)):
            continue
        arguments = shlex.split(line[len(PROMPT):])
        end = index
        while not (lines[end].startswith("$ ") or lines[end].startswith("```")):
            end += 1
        old = lines[index:end]
        shown = old[:]
        while shown and not shown[-1]:
            shown.pop()  # the blank line between two examples of one block stays
        new = old if arguments[0] in NOT_RUN else (
            shortened(shown, run(url, arguments)) + old[len(shown):])
        if new != old:
            changed.append(line)
        out += new
        index = end
    return "\n".join(out), changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if an example is out of date")
    options = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    os.environ.pop("INCIDENTDB_DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as folder:
        text = README.read_text(encoding="utf-8")
        new, changed = rewrite(text, fresh_database(Path(folder)))
    for line in changed:
        print(f"{'out of date' if options.check else 'rewritten'}: {line}")
    if options.check:
        return 1 if changed else 0
    if new != text:
        README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
