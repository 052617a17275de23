"""Reading data files: YAML and JSON Lines into raw records that know where they came from.

Nothing here checks what a record means; it only turns bytes into mappings, each
with its file and line, and turns every unreadable input into a `Problem`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 20
DATA_SUFFIXES = (".yaml", ".yml", ".jsonl", ".ndjson")
LINE_KEY = "__line__"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, said in one line: where, which record, what."""

    path: str
    line: int | None
    message: str
    section: str | None = None
    record_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.record_id is not None:
            from incidentdb.sections import singular

            return f"{where}: {singular(self.section)} {self.record_id!r}: {self.message}"
        return f"{where}: {self.message}"


@dataclass
class RawRecord:
    section: str
    data: dict[str, Any]
    path: str
    line: int
    file_source: str | None = None
    base_dir: Path = field(default_factory=Path)


def find_data_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """The data files under the given files and folders, in a stable order."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.suffix in DATA_SUFFIXES and p.is_file())
            )
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), None, "no such file or folder"))
    return files, problems


def _yaml_loader():  # noqa: ANN202 - a PyYAML loader class, imported lazily
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(base):  # type: ignore[misc, valid-type]
        """A safe loader that records the line of every mapping."""

    def construct_mapping(loader, node, deep=False):  # noqa: ANN001, ANN202
        mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return LineLoader


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply a value nests, stopping as soon as it passes the limit."""
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _strip_lines(value: Any) -> None:
    """Drop the line markers of nested mappings, keeping those of list items (participants)."""
    children = value.values() if isinstance(value, dict) else value
    for child in children:
        if isinstance(child, dict):
            if not isinstance(value, list):
                child.pop(LINE_KEY, None)
            _strip_lines(child)
        elif isinstance(child, list):
            _strip_lines(child)


def _read_text(path: Path, shown: str) -> tuple[str | None, Problem | None]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        limit = f"at most {MAX_FILE_BYTES}"
        return None, Problem(shown, None, f"file too large ({size} bytes, {limit})")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(shown, line, f"not UTF-8 text (byte {exc.start})")
    if not text.strip():
        return None, Problem(shown, None, "empty file")
    return text, None


def read_yaml(path: Path, shown: str) -> tuple[list[RawRecord], list[Problem]]:
    import yaml

    text, problem = _read_text(path, shown)
    if problem:
        return [], [problem]
    try:
        document = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        return [], [Problem(shown, line, f"YAML syntax error: {exc.problem or exc.context}")]
    except yaml.YAMLError as exc:
        return [], [Problem(shown, None, f"YAML error: {exc}")]
    except RecursionError:
        return [], [Problem(shown, None, f"structure nested too deeply (more than {MAX_DEPTH})")]
    if not isinstance(document, dict):
        kind = type(document).__name__
        return [], [Problem(shown, 1, f"top level must be a mapping of sections, not {kind}")]
    if _depth(document) > MAX_DEPTH:
        return [], [Problem(shown, None, f"structure nested too deeply (more than {MAX_DEPTH})")]
    document.pop(LINE_KEY, None)
    file_source = document.pop("source", None)
    records: list[RawRecord] = []
    problems: list[Problem] = []
    if file_source is not None and not isinstance(file_source, str):
        problems.append(Problem(shown, 1, "'source' must be a source id"))
        file_source = None
    for section, items in document.items():
        if not isinstance(items, list):
            problems.append(Problem(shown, None, f"section {section!r} must be a list of records"))
            continue
        for item in items:
            if not isinstance(item, dict):
                problems.append(Problem(shown, None, f"a record in {section!r} is not a mapping"))
                continue
            line = item.pop(LINE_KEY, 0)
            _strip_lines(item)
            records.append(RawRecord(str(section), item, shown, line, file_source, path.parent))
    return records, problems


def iter_jsonl(path: Path, shown: str) -> Iterator[RawRecord | Problem]:
    """Records of a JSON Lines file, one by one, so a large file is never held whole."""
    if path.stat().st_size > MAX_FILE_BYTES * 64:
        yield Problem(shown, None, "file too large")
        return
    with path.open("rb") as handle:
        empty = True
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            empty = False
            try:
                item = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield Problem(shown, number, "not UTF-8 text")
                continue
            except (json.JSONDecodeError, RecursionError) as exc:
                yield Problem(shown, number, f"JSON syntax error: {exc}")
                continue
            if not isinstance(item, dict):
                yield Problem(shown, number, "a line must hold one JSON object")
                continue
            if _depth(item) > MAX_DEPTH:
                yield Problem(shown, number, f"structure nested too deeply (more than {MAX_DEPTH})")
                continue
            section = item.pop("table", None)
            if not isinstance(section, str):
                yield Problem(shown, number, "a record needs a \"table\" naming its section")
                continue
            yield RawRecord(section, item, shown, number, None, path.parent)
        if empty:
            yield Problem(shown, None, "empty file")


def read_file(path: Path, shown: str) -> Iterator[RawRecord | Problem]:
    if path.suffix in (".jsonl", ".ndjson"):
        yield from iter_jsonl(path, shown)
        return
    records, problems = read_yaml(path, shown)
    yield from problems
    yield from records
