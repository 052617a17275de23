"""The README's examples are what the commands print, byte for byte, on the bundled data.

Each ```console block of README.md holds `$ incidentdb ...` lines, each followed by
the output the README promises. Every query command shown is run in-process on the
bundled data with the terminal width the README was made at, and its stdout must
equal the promised text, where a line `...` stands for any number of lines (the
README shortens long case files). The `load` examples show what a load of edited
files says, so they are left out here; tests/test_loader.py and
tests/test_load_additive.py check those messages.

The README shows the embedded SQLite database's answers (search ranks are each
engine's own); tests/test_two_databases.py compares PostgreSQL's with them.

This is also the proof that a refactor changed no output: the README is the record.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidentdb.cli import app

from .conftest import BACKEND

README = Path(__file__).resolve().parent.parent / "README.md"
WIDTH = "100"  # the terminal width the README's tables were made at
NOT_RUN = frozenset({"load"})  # examples of a load of edited files (see the docstring)


def _examples() -> list[tuple[int, list[str], list[str]]]:
    """(line number, arguments, expected lines) of every `$ incidentdb` example."""
    examples: list[tuple[int, list[str], list[str]]] = []
    in_block = False
    for number, line in enumerate(README.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            in_block = line == "```console"
            continue
        if not in_block:
            continue
        if line.startswith("$ incidentdb "):
            examples.append((number, shlex.split(line[len("$ incidentdb "):]), []))
        elif examples and line.startswith("$ "):
            raise AssertionError(f"README.md:{number}: an example runs another program")
        elif examples:
            examples[-1][2].append(line)
    for _, _, expected in examples:
        while expected and not expected[-1]:
            expected.pop()  # the blank line between two examples of one block
    return [example for example in examples if example[1][0] not in NOT_RUN]


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Whether the lines match, `...` standing for any number of lines."""
    pattern = "\n".join(".*?" if line == "..." else re.escape(line) for line in expected)
    return re.fullmatch(pattern.replace("\n.*?\n", "(?:\n.*?)?\n"), "\n".join(actual),
                        re.DOTALL) is not None


EXAMPLES = _examples()


def test_the_readme_has_examples_of_the_core_questions():
    commands = {arguments[0] for _, arguments, _ in EXAMPLES}
    assert {"person", "people", "cases", "events", "search", "cite"} <= commands


@pytest.mark.parametrize("line, arguments, expected", EXAMPLES,
                         ids=[f"README.md:{line}" for line, _, _ in EXAMPLES])
def test_a_readme_example_prints_what_the_readme_shows(loaded_db, line, arguments, expected):
    if BACKEND != "sqlite":  # search ranks are the engine's own; tests/test_two_databases.py
        pytest.skip("the README shows the embedded SQLite database's answers")
    result = CliRunner().invoke(app, ["--db", loaded_db.url, *arguments],
                                env={"COLUMNS": WIDTH, "NO_COLOR": "1"})
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    assert result.exit_code == 0, result.stderr
    actual = result.stdout.rstrip("\n").split("\n")
    assert _matches(expected, actual), (
        f"README.md:{line}: incidentdb {shlex.join(arguments)} printed:\n{result.stdout}")


@pytest.mark.parametrize("expected, actual, match", [
    (["a", "...", "d"], ["a", "b", "c", "d"], True),
    (["a", "...", "d"], ["a", "d"], True),
    (["a", "b"], ["a", "b", "c"], False),
    (["a", "...", "d"], ["a", "b", "c"], False),
    (["a.b"], ["axb"], False),
])
def test_an_ellipsis_line_stands_for_any_lines(expected, actual, match):
    assert _matches(expected, actual) is match


def test_the_readme_tool_keeps_an_example_shortened_where_it_was():
    """tools/readme_examples.py rewrites the outputs; a shortened one stays shortened."""
    import importlib.util

    path = README.parent / "tools" / "readme_examples.py"
    spec = importlib.util.spec_from_file_location("readme_examples", path)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    new = ["title", "a", "b", "c", "d", "e"]
    assert tool.shortened(["title", "x"], new) == new  # not shortened: the whole output
    assert tool.shortened(["title", "...", "d", "..."], new) == ["title", "...", "d", "..."]
    assert tool.shortened(["title", "a", "...", "d"], new) == ["title", "a", "...", "d", "e"]
