"""The shape of the code: import layers, no import cycles, functions short enough to read.

Every module of src/incidentdb belongs to one layer, and imports only modules of its
own layer or lower ones: imports at any level count (inside functions, and under
`if TYPE_CHECKING:` too), since each is a dependency all the same. Among the imports
run when a module is imported (its module level, not under TYPE_CHECKING) there is no
cycle. A new module must be placed in LAYERS deliberately, or these tests fail.

The checker functions are tested on small made-up graphs, so that each check is seen
to fail; then on the real tree. tools/function_limits.py is tested here too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "src"
PACKAGE = "incidentdb"

# Lowest first. A module may import modules of its own layer and lower ones. Names are
# dotted prefixes under incidentdb: "models" is incidentdb.models, a module or a package
# with all of its modules (incidentdb.models.*). "__init__" is incidentdb itself.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", ("__init__", "errors", "shapes", "vocabulary", "names", "dates",
                    "spreadsheet", "bundle")),
    ("schema", ("models", "sections")),
    ("storage", ("db", "migrate", "search")),
    ("library", ("reading", "checks", "validate", "bulk", "writer", "curation", "spans",
                 "chronology",
                 "evidence", "readahead", "loader", "lookup", "coverage",
                 "queries", "prosecutions", "sentencing",
                 "casefile", "health", "export", "web")),
    ("presentation", ("output",)),
    ("command line", ("cli", "__main__")),
)


@dataclass(frozen=True)
class Import:
    """One import of an incidentdb module by another."""

    importer: str
    imported: str
    line: int
    runtime: bool  # run when the importer is imported: at module level, not TYPE_CHECKING

    def __str__(self) -> str:
        return f"{self.importer} imports {self.imported} (line {self.line})"


# --- the checker -----------------------------------------------------------------------


def module_name(path: Path, root: Path = SOURCE) -> str:
    """incidentdb.cli.app for src/incidentdb/cli/app.py; a package is named by its __init__."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path = SOURCE, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of the package under root, by dotted name."""
    return {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _import_nodes(nodes: Iterable[ast.AST], runtime: bool,
                  ) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Each import statement among nodes and inside them, and whether it runs at import."""
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, runtime
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _import_nodes(ast.iter_child_nodes(node), False)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _import_nodes(node.body, False)
            yield from _import_nodes(node.orelse, runtime)
        else:
            yield from _import_nodes(ast.iter_child_nodes(node), runtime)


def _from_base(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The module a `from ... import` reads from, relative imports resolved."""
    if not node.level:
        return node.module or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, node.module] if node.module else parts)


def _known(name: str, known: Iterable[str]) -> str:
    """The longest known module that name is or lies in (name itself if none is)."""
    found = [k for k in known if name == k or name.startswith(k + ".")]
    return max(found, key=len) if found else name


def imports_of(source: str, module: str, known: Iterable[str], is_package: bool = False,
               package: str = PACKAGE) -> list[Import]:
    """The imports of package modules in a module's source, at any level.

    `from incidentdb.cli import export` imports incidentdb.cli.export if that is a known
    module, else (`from incidentdb.models import Base`) incidentdb.models.
    """
    known = set(known)
    found = []
    for node, runtime in _import_nodes([ast.parse(source)], True):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = _from_base(node, module, is_package)
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                     for a in node.names]
        for name in names:
            if name != package and not name.startswith(package + "."):
                continue
            target = _known(name, known)
            if target != module:
                found.append(Import(module, target, node.lineno, runtime))
    return found


def project_imports(root: Path = SOURCE, package: str = PACKAGE) -> list[Import]:
    """Every import of a package module by another, in the tree under root."""
    modules = project_modules(root, package)
    found = []
    for name, path in modules.items():
        source = path.read_text(encoding="utf-8")
        found += imports_of(source, name, modules, path.name == "__init__.py", package)
    return found


def layer_of(module: str, layers: Sequence[tuple[str, Sequence[str]]] = LAYERS,
             package: str = PACKAGE) -> int | None:
    """The index in layers of the module's layer (by its longest prefix there), or None."""
    relative = "__init__" if module == package else module.removeprefix(package + ".")
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for index, (_, prefixes) in enumerate(layers):
        for prefix in prefixes:
            if relative == prefix or relative.startswith(prefix + "."):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), index)
    return None if best is None else best[1]


def unplaced(modules: Iterable[str],
             layers: Sequence[tuple[str, Sequence[str]]] = LAYERS) -> list[str]:
    """The modules that no layer holds."""
    return sorted(m for m in modules if layer_of(m, layers) is None)


def layer_violations(imports: Iterable[Import],
                     layers: Sequence[tuple[str, Sequence[str]]] = LAYERS) -> list[str]:
    """A line for each import of a module of a higher layer than the importer's."""
    found = []
    for imp in imports:
        low, high = layer_of(imp.importer, layers), layer_of(imp.imported, layers)
        if low is not None and high is not None and high > low:
            found.append(f"{imp.importer} ({layers[low][0]}) imports {imp.imported} "
                         f"({layers[high][0]}) at line {imp.line}")
    return found


def _components(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of graph (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for after in sorted(graph.get(node, ())):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in on_stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _cycle_through(start: str, graph: Mapping[str, set[str]], within: set[str]) -> list[str]:
    """The shortest path start -> ... -> start inside within (breadth first)."""
    paths = {start: [start]}
    queue = [start]
    for node in queue:
        for after in sorted(graph.get(node, ())):
            if after == start:
                return [*paths[node], start]
            if after in within and after not in paths:
                paths[after] = [*paths[node], after]
                queue.append(after)
    raise AssertionError(f"no cycle through {start}")  # a component always has one


def import_cycles(imports: Iterable[Import]) -> list[list[str]]:
    """One cycle ([a, b, ..., a]) in each group of modules that import each other at import."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        if imp.runtime:
            graph.setdefault(imp.importer, set()).add(imp.imported)
    cycles = []
    for component in _components(graph):
        if len(component) > 1:
            cycles.append(_cycle_through(component[0], graph, set(component)))
    return cycles


def describe_cycle(cycle: Sequence[str], imports: Iterable[Import]) -> str:
    """The cycle as its imports, one a line, each with its line number."""
    lines = {}
    for imp in imports:
        if imp.runtime:
            lines.setdefault((imp.importer, imp.imported), imp.line)
    steps = [f"  {a} imports {b} (line {lines[a, b]})" for a, b in pairwise(cycle)]
    return " -> ".join(cycle) + "\n" + "\n".join(steps)


# --- the checker, on made-up graphs ----------------------------------------------------


def test_a_module_is_placed_in_its_layer_by_its_dotted_prefix() -> None:
    assert layer_of("incidentdb") == 0
    assert layer_of("incidentdb.errors") == 0
    assert layer_of("incidentdb.models") == 1
    assert layer_of("incidentdb.models.people") == 1
    assert layer_of("incidentdb.export") == 3
    assert layer_of("incidentdb.export.ftm") == 3
    assert layer_of("incidentdb.cli.query") == 5
    assert layer_of("incidentdb.__main__") == 5
    assert layer_of("incidentdb.modelsx") is None  # a prefix is a whole dotted part
    assert layer_of("incidentdb.new") is None


def test_a_module_in_no_layer_is_found() -> None:
    modules = ["incidentdb", "incidentdb.errors", "incidentdb.models.people",
               "incidentdb.gadgets", "incidentdb.cli.gadgets"]
    assert unplaced(modules) == ["incidentdb.gadgets"]


def test_an_import_of_a_higher_layer_is_found_and_named() -> None:
    imports = [
        Import("incidentdb.models.people", "incidentdb.models.base", 3, True),  # own layer
        Import("incidentdb.cli.query", "incidentdb.output", 5, False),  # lower
        Import("incidentdb.db", "incidentdb.models", 7, False),  # lower
        Import("incidentdb.names", "incidentdb.cli.app", 12, False),  # higher
        Import("incidentdb.models.base", "incidentdb.db", 40, False),  # higher
    ]
    assert layer_violations(imports) == [
        "incidentdb.names (foundation) imports incidentdb.cli.app (command line) at line 12",
        "incidentdb.models.base (schema) imports incidentdb.db (storage) at line 40",
    ]


def test_an_import_cycle_is_found_and_shown() -> None:
    imports = [
        Import("incidentdb.a", "incidentdb.b", 1, True),
        Import("incidentdb.b", "incidentdb.c", 2, True),
        Import("incidentdb.c", "incidentdb.a", 3, True),
        Import("incidentdb.c", "incidentdb.d", 4, True),
        Import("incidentdb.d", "incidentdb.e", 5, True),
        Import("incidentdb.e", "incidentdb.d", 6, False),  # inside a function: no cycle
    ]
    cycles = import_cycles(imports)
    assert cycles == [["incidentdb.a", "incidentdb.b", "incidentdb.c", "incidentdb.a"]]
    assert describe_cycle(cycles[0], imports) == (
        "incidentdb.a -> incidentdb.b -> incidentdb.c -> incidentdb.a\n"
        "  incidentdb.a imports incidentdb.b (line 1)\n"
        "  incidentdb.b imports incidentdb.c (line 2)\n"
        "  incidentdb.c imports incidentdb.a (line 3)"
    )
    assert import_cycles(imports[3:]) == []


def test_two_modules_importing_each_other_are_a_cycle() -> None:
    imports = [Import("incidentdb.x", "incidentdb.y", 1, True),
               Import("incidentdb.y", "incidentdb.x", 9, True)]
    assert import_cycles(imports) == [["incidentdb.x", "incidentdb.y", "incidentdb.x"]]


SOURCE_OF_A_MODULE = '''
from __future__ import annotations
import os
from typing import TYPE_CHECKING
import incidentdb.models.people
from incidentdb import errors, __version__
from incidentdb.cli import app as the_app
from incidentdb.models import Base
from . import names
from .dates import parse
from ..other import thing
if TYPE_CHECKING:
    from incidentdb.db import Engine
else:
    from incidentdb import shapes
class Holder:
    from incidentdb import vocabulary
def later():
    from incidentdb.output import render
    return render
'''


def test_every_import_of_a_project_module_is_found_with_where_it_runs() -> None:
    known = ["incidentdb", "incidentdb.errors", "incidentdb.cli", "incidentdb.cli.app",
             "incidentdb.models", "incidentdb.models.people", "incidentdb.db",
             "incidentdb.shapes", "incidentdb.vocabulary", "incidentdb.output",
             "incidentdb.names", "incidentdb.dates", "incidentdb.query"]
    found = imports_of(SOURCE_OF_A_MODULE, "incidentdb.query", known)
    assert [(i.imported, i.line, i.runtime) for i in found] == [
        ("incidentdb.models.people", 5, True),
        ("incidentdb.errors", 6, True),
        ("incidentdb", 6, True),
        ("incidentdb.cli.app", 7, True),
        ("incidentdb.models", 8, True),
        ("incidentdb.names", 9, True),
        ("incidentdb.dates", 10, True),
        ("incidentdb.db", 13, False),
        ("incidentdb.shapes", 15, True),
        ("incidentdb.vocabulary", 17, True),
        ("incidentdb.output", 19, False),
    ]


def test_a_relative_import_in_a_package_is_read_from_the_package() -> None:
    known = ["incidentdb", "incidentdb.export", "incidentdb.export.ftm", "incidentdb.db"]
    source = "from . import ftm\nfrom .ftm import x\nfrom ..db import y\n"
    found = imports_of(source, "incidentdb.export", known, is_package=True)
    assert [i.imported for i in found] == ["incidentdb.export.ftm", "incidentdb.export.ftm",
                                          "incidentdb.db"]


# --- the checker, on the real tree -----------------------------------------------------


def test_every_module_is_placed_in_a_layer() -> None:
    modules = project_modules()
    assert "incidentdb.cli.app" in modules  # the tree was found
    missing = unplaced(modules)
    assert not missing, ("modules in no layer (add each to LAYERS in "
                         f"tests/test_architecture.py): {', '.join(missing)}")


def test_no_module_imports_a_module_of_a_higher_layer() -> None:
    violations = layer_violations(project_imports())
    assert not violations, "imports of a higher layer:\n" + "\n".join(violations)


def test_no_import_cycle_among_the_modules() -> None:
    imports = project_imports()
    assert any(i.runtime for i in imports)  # the imports were found
    cycles = import_cycles(imports)
    assert not cycles, "import cycles:\n" + "\n".join(describe_cycle(c, imports)
                                                      for c in cycles)


# --- tools/function_limits.py ----------------------------------------------------------

LIMITS = REPO / "tools" / "function_limits.py"


def _function(name: str, lines: int) -> str:
    """A decorated function of exactly `lines` lines, def line to last line."""
    body = "".join(f"    x{i} = {i}\n" for i in range(lines - 2))
    return f"@decorator\n@decorator\ndef {name}() -> int:\n{body}    return 0\n"


def _limits(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(LIMITS), *map(str, paths)],
                          capture_output=True, text=True, check=False)


def test_a_function_of_60_lines_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text(_function("sixty", 60))
    result = _limits(tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_function_of_61_lines_is_found(tmp_path: Path) -> None:
    nested = tmp_path / "deep"
    nested.mkdir()
    (tmp_path / "ok.py").write_text(_function("sixty", 60))
    (nested / "long.py").write_text("\n\nclass Holder:\n" + "".join(
        "    " + line + "\n" for line in _function("method", 61).splitlines()))
    result = _limits(tmp_path)
    assert result.returncode == 1
    assert result.stdout == f"{nested / 'long.py'}:6 Holder.method 61 lines (limit 60)\n"
    assert result.stderr == "1 function(s) over 60 lines\n"


@pytest.mark.parametrize("lines", [61, 100])
def test_a_long_nested_function_is_found_inside_a_short_one(tmp_path: Path,
                                                             lines: int) -> None:
    inner = "".join("    " + line + "\n" for line in _function("inner", lines).splitlines())
    (tmp_path / "m.py").write_text(f"def outer() -> None:\n{inner}")
    result = _limits(tmp_path / "m.py")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'm.py'}:1 outer {lines + 3} lines (limit 60)",
        f"{tmp_path / 'm.py'}:4 outer.inner {lines} lines (limit 60)",
    ]
