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
    offset: int = 0  # bytes of the file read up to this record (JSON Lines), for progress


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
    from yaml.constructor import ConstructorError

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    names = {"timestamp": "date", "int": "whole number", "float": "number"}

    class LineLoader(base):  # type: ignore[misc, valid-type]
        """A safe loader that records the line of every mapping and refuses duplicate keys.

        A scalar PyYAML cannot build (`2021-02-30`, `!!timestamp soon`) raises a
        plain ValueError or worse; it becomes a marked error, so it has a line.
        """

        root = None  # the document's node, for the lines of sections and records

        def construct_document(self, node):  # noqa: ANN001, ANN202
            self.root = node
            return super().construct_document(node)

        def construct_object(self, node, deep=False):  # noqa: ANN001, ANN202
            try:
                return super().construct_object(node, deep=deep)
            except (ValueError, TypeError, AttributeError, OverflowError):
                kind = names.get(node.tag.rsplit(":", 1)[-1], node.tag)
                raise ConstructorError(None, None, f"{node.value!r} is not a valid {kind}",
                                       node.start_mark) from None

    def construct_mapping(loader, node, deep=False):  # noqa: ANN001, ANN202
        first: dict[tuple[str, str], int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = (key_node.tag, key_node.value)
                if key in first:
                    raise ConstructorError(None, None, f"duplicate key {key_node.value!r} "
                                           f"(first at line {first[key]})", key_node.start_mark)
                first[key] = key_node.start_mark.line + 1
        mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return LineLoader


def _section_lines(root: Any) -> dict[str, tuple[int, list[int]]]:
    """The line of each top-level key, and of each item of its list (from the YAML nodes)."""
    import yaml

    lines: dict[str, tuple[int, list[int]]] = {}
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            items = value.value if isinstance(value, yaml.SequenceNode) else []
            lines[str(key.value)] = (key.start_mark.line + 1,
                                     [item.start_mark.line + 1 for item in items])
    return lines


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply a value nests, stopping as soon as it passes the limit.

    YAML aliases let one list appear many times ("billion laughs"), so a container
    is walked again only when reached at a greater depth than before.
    """
    stack = [(value, 1)]
    deepest = 0
    reached: dict[int, int] = {}
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, (dict, list)):
            if reached.get(id(item), 0) >= depth:
                continue
            reached[id(item)] = depth
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict)
                                                  else item))
    return deepest


def _strip_lines(value: Any, seen: set[int] | None = None) -> None:
    """Drop the line markers of nested mappings, keeping those of list items (participants)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    children = value.values() if isinstance(value, dict) else value
    for child in children:
        if isinstance(child, dict):
            if not isinstance(value, list):
                child.pop(LINE_KEY, None)
            _strip_lines(child, seen)
        elif isinstance(child, list):
            _strip_lines(child, seen)


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
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        return None, Problem(shown, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} "
                                          f"in column {column})")
    if not text.strip():
        return None, Problem(shown, None, "empty file")
    return text, None


def read_yaml(path: Path, shown: str) -> tuple[list[RawRecord], list[Problem]]:
    import yaml
    from yaml.constructor import ConstructorError

    text, problem = _read_text(path, shown)
    if problem:
        return [], [problem]
    loader = _yaml_loader()(text)
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        kind = "YAML error" if isinstance(exc, ConstructorError) else "YAML syntax error"
        return [], [Problem(shown, line, f"{kind}: {exc.problem or exc.context}")]
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        return [], [Problem(shown, line, f"YAML error: character U+{code:04X}: {exc.reason}")]
    except yaml.YAMLError as exc:
        return [], [Problem(shown, None, f"YAML error: {' '.join(str(exc).split())}")]
    except RecursionError:
        return [], [Problem(shown, None, f"structure nested too deeply (more than {MAX_DEPTH})")]
    finally:
        loader.dispose()
    if document is None:
        return [], [Problem(shown, None, "no sections (the file holds only comments)")]
    lines = _section_lines(loader.root)
    if not isinstance(document, dict):
        kind = type(document).__name__
        line = loader.root.start_mark.line + 1 if loader.root else 1
        return [], [Problem(shown, line, f"top level must be a mapping of sections, not {kind}")]
    if _depth(document) > MAX_DEPTH:
        return [], [Problem(shown, None, f"structure nested too deeply (more than {MAX_DEPTH})")]
    document.pop(LINE_KEY, None)
    file_source = document.pop("source", None)
    records: list[RawRecord] = []
    problems: list[Problem] = []
    if file_source is not None and not isinstance(file_source, str):
        problems.append(Problem(shown, lines["source"][0], "'source' must be a source id"))
        file_source = None
    for section, items in document.items():
        section_line, item_lines = lines.get(str(section), (None, []))
        if not isinstance(items, list):
            problems.append(Problem(shown, section_line,
                                    f"section {section!r} must be a list of records"))
            continue
        for number, item in enumerate(items):
            if not isinstance(item, dict):
                line = item_lines[number] if number < len(item_lines) else section_line
                problems.append(Problem(shown, line, f"a record in {section!r} is not a mapping"))
                continue
            line = item.pop(LINE_KEY, 0)
            _strip_lines(item)
            records.append(RawRecord(str(section), item, shown, line, file_source, path.parent))
    return records, problems


def iter_jsonl(path: Path, shown: str, sources: bool | None = None,
               ) -> Iterator[RawRecord | Problem]:
    """Records of a JSON Lines file, one by one, so a large file is never held whole.

    sources=True gives only the `sources` records, quickly and without problems (a
    first pass: sources must be known before the records that cite them);
    sources=False gives every other record and every problem.
    """
    first_pass = sources is True
    size, limit = path.stat().st_size, MAX_FILE_BYTES * 64
    if size > limit:
        yield Problem(shown, None, f"file too large ({size} bytes, at most {limit})")
        return
    with path.open("rb") as handle:
        empty = True
        for number, raw in enumerate(handle, start=1):
            if not raw.strip() or (first_pass and b'"sources"' not in raw):
                continue
            empty = False
            try:
                item = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield Problem(shown, number, "not UTF-8 text")
                continue
            except json.JSONDecodeError as exc:
                where = f"column {exc.colno}" if exc.lineno == 1 else "at the end of the line"
                yield Problem(shown, number, f"JSON syntax error: {exc.msg} ({where})")
                continue
            except RecursionError:
                yield Problem(shown, number, f"structure nested too deeply (more than {MAX_DEPTH})")
                continue
            if not isinstance(item, dict):
                yield Problem(shown, number, "a line must hold one JSON object")
                continue
            # a line with few brackets cannot nest deeply: skip the walk for most lines
            if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and _depth(item) > MAX_DEPTH:
                yield Problem(shown, number, f"structure nested too deeply (more than {MAX_DEPTH})")
                continue
            section = item.pop("table", None)
            if not isinstance(section, str):
                yield Problem(shown, number, "a record needs a \"table\" naming its section")
                continue
            if sources is not None and (section == "sources") != sources:
                continue
            yield RawRecord(section, item, shown, number, None, path.parent, handle.tell())
        if empty and not first_pass:
            yield Problem(shown, None, "empty file")


def read_file(path: Path, shown: str, sources: bool | None = None,
              ) -> Iterator[RawRecord | Problem]:
    """The records and problems of a data file (`sources`: see iter_jsonl)."""
    if path.suffix in (".jsonl", ".ndjson"):
        items = iter_jsonl(path, shown, sources)
        if sources:  # the first pass says nothing: the second pass reports every problem
            items = (item for item in items if isinstance(item, RawRecord))
        yield from items
        return
    records, problems = read_yaml(path, shown)
    yield from problems
    yield from records
