"""Reading data files: YAML and JSON Lines into raw records that know where they came from.

Nothing here checks what a record means; it only turns bytes into mappings, each
with its file and line, and turns every unreadable input into a `Problem`.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml
    from yaml.constructor import SafeConstructor

# YAML is read whole, and PyYAML holds a node per value before it builds anything: memory
# grows with the file, and with the number of values in it (`[1,1,1,...]` holds a value
# every two bytes). Both are capped so that peak memory stays bounded (measured by
# bench/yaml_peak.py, see README). Bulk data belongs in JSON Lines, which is streamed
# line by line and may be far larger.
MAX_YAML_BYTES = 4 * 1024 * 1024
MAX_YAML_EVENTS = 500_000  # keys, values, starts and ends of lists and mappings
MAX_JSONL_BYTES = 4 * 1024 * 1024 * 1024
MAX_DEPTH = 20
YAML_SUFFIXES = (".yaml", ".yml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
DATA_SUFFIXES = YAML_SUFFIXES + JSONL_SUFFIXES
LINE_KEY = "__line__"
# The only numbers YAML may turn into integers: plain decimals, ASCII digits, no leading
# zero (`012` is 10 in YAML 1.1 and 12 to a reader: neither guess is safe, it stays text).
DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)")
QUOTED_LIMIT = 60  # characters of a value quoted in a message


def is_reserved(key: object) -> bool:
    """Whether a key belongs to the loader (`__line__`, any `__name__`): data may not use it,
    or the loader's marker would silently replace it (or be replaced by it)."""
    return isinstance(key, str) and len(key) >= 4 and key.startswith("__") and key.endswith("__")


def is_json_lines(path: Path) -> bool:
    """Whether a data file is JSON Lines (else YAML), by its extension in any case."""
    return path.suffix.lower() in JSONL_SUFFIXES


def _cut(text: str) -> str:
    return text if len(text) <= QUOTED_LIMIT else text[: QUOTED_LIMIT - 1] + "…"


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


@dataclass
class DataFiles:
    """What the given paths hold: the data files to read, each once, in a stable order;
    the paths that do not exist; and what the given folders hold that is not read, each
    with the reason (the loader warns about those it does not read as source texts)."""

    files: list[Path]
    problems: list[Problem]
    others: list[tuple[Path, str]]


def find_data_files(paths: list[Path]) -> DataFiles:
    """The data files under the given files and folders, each once, in a stable order.

    A file named directly must have a data file's extension; in a folder, every file
    is either a data file (by its extension, in any case) or listed in `others`, and
    hidden files and folders (`.git`, `._x.yaml`, editors' copies) and linked folders
    are not read but listed too, so that nothing is skipped without a word.
    """
    found = DataFiles([], [], [])
    read: set[Path] = set()
    others: dict[Path, str] = {}
    for path in paths:
        if path.is_dir():
            inside: list[Path] = []
            for folder, dirs, names in os.walk(path):
                here = Path(folder)
                for name in list(dirs):
                    if name.startswith(".") or (here / name).is_symlink():
                        dirs.remove(name)
                        others[here / name] = ("a hidden folder" if name.startswith(".")
                                               else "a linked folder")
                for name in names:
                    file = here / name
                    if name.startswith("."):
                        others[file] = "a hidden file"
                    elif file.suffix.lower() in DATA_SUFFIXES and file.is_file():
                        inside.append(file)
                    else:
                        others[file] = "not a data file"
            candidates = sorted(inside)
        elif path.is_file():
            if path.suffix.lower() not in DATA_SUFFIXES:
                found.problems.append(Problem(str(path), None, "not a data file (a data file's "
                                              "name ends in .yaml, .yml, .jsonl or .ndjson)"))
            candidates = [path]
        else:
            found.problems.append(Problem(str(path), None, "no such file or folder"))
            candidates = []
        for file in candidates:  # a file given twice, or with its folder, is read once
            resolved = file.resolve()
            if resolved not in read and file.suffix.lower() in DATA_SUFFIXES:
                read.add(resolved)
                found.files.append(file)
    found.others = sorted((p, why) for p, why in others.items() if p.resolve() not in read)
    return found


_CORE = "tag:yaml.org,2002:"
_TYPE_NAMES = {"timestamp": "date", "int": "whole number", "float": "number", "bool": "boolean"}
_RESERVED = "is reserved for the loader (names like __this__ are)"
_TOO_DEEP = f"structure nested too deeply (more than {MAX_DEPTH})"


def _yaml_loader() -> type[Any]:
    """The YAML loader class: on PyYAML's C loader when it has one, else on its Python one.
    PyYAML is imported only when YAML is read."""
    import yaml

    return _line_loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@functools.cache
def _line_loader(base: type[Any]) -> type[Any]:
    """The loader class built on `base`, built once."""
    import yaml
    from yaml.constructor import ConstructorError

    class LineLoader(base):
        """A safe loader that records the line of every mapping and refuses duplicate keys.

        It resolves plain scalars as YAML 1.2's core schema does, not as YAML 1.1: only
        decimal integers, true/false and null (and, as before, unquoted ISO dates) are
        anything but text. YAML 1.1 would read `012` as 10, `1:30` as 90, `0x18` as 24
        and `yes` as True: values the curator did not write. Those stay text, so a text
        field keeps them verbatim and a number field refuses them.

        A scalar PyYAML cannot build (`2021-02-30`, `!!timestamp soon`) raises a
        plain ValueError or worse; it becomes a marked error, so it has a line.
        """

        yaml_implicit_resolvers: dict[Any, list[tuple[str, Any]]] = {}
        root: yaml.Node | None = None  # the document's node, for the lines of sections

        def construct_document(self, node: yaml.Node) -> Any:
            self.root = node
            return super().construct_document(node)

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep=deep)
            except (ValueError, TypeError, AttributeError, OverflowError):
                kind = _TYPE_NAMES.get(node.tag.rsplit(":", 1)[-1], node.tag)
                value = node.value if isinstance(node.value, str) else str(node.value)
                raise ConstructorError(None, None, f"{_cut(value)!r} is not a valid {kind}",
                                       node.start_mark) from None

    _core_schema(LineLoader)
    LineLoader.add_constructor(f"{_CORE}int", _construct_int)
    LineLoader.add_constructor(f"{_CORE}bool", _construct_bool)
    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return LineLoader


def _core_schema(loader: type[yaml.resolver.BaseResolver]) -> None:
    """Plain scalars resolved as YAML 1.2's core schema does: decimal integers, true and
    false, null; and, from YAML 1.1, ISO dates and `<<` merges. The rest is text."""
    import yaml

    loader.add_implicit_resolver(f"{_CORE}bool", re.compile(
        r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    loader.add_implicit_resolver(f"{_CORE}int", re.compile(rf"^{DECIMAL.pattern}$"),
                                 list("-0123456789"))
    loader.add_implicit_resolver(f"{_CORE}null", re.compile(r"^(?:~|null|Null|NULL|)$"),
                                 ["~", "n", "N", ""])
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        for tag, pattern in resolvers:
            if tag in (f"{_CORE}timestamp", f"{_CORE}merge"):  # dates as before; `<<` merges
                loader.add_implicit_resolver(tag, pattern, [first])


def _construct_int(loader: SafeConstructor, node: yaml.ScalarNode) -> int:
    """`!!int` too takes plain decimals only (not `!!int 0x18`, `!!int 012`)."""
    from yaml.constructor import ConstructorError

    value = loader.construct_scalar(node)
    if not DECIMAL.fullmatch(value):
        raise ConstructorError(None, None, f"{_cut(value)!r} is not a plain whole number "
                               "(decimal digits, no leading zero)", node.start_mark)
    return int(value)


def _construct_bool(loader: SafeConstructor, node: yaml.ScalarNode) -> bool:
    """`!!bool` too takes true or false only (not `!!bool yes`)."""
    from yaml.constructor import ConstructorError

    value = loader.construct_scalar(node)
    if value.lower() not in ("true", "false"):
        raise ConstructorError(None, None, f"{_cut(value)!r} is not a boolean (true or "
                               "false)", node.start_mark)
    return value.lower() == "true"


def _construct_mapping(loader: SafeConstructor, node: yaml.MappingNode,
                       deep: bool = False) -> dict[Any, Any]:
    """A mapping, with its line under LINE_KEY; a reserved or repeated key is refused."""
    import yaml
    from yaml.constructor import ConstructorError

    first: dict[tuple[str, str], int] = {}
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != f"{_CORE}merge":
            if is_reserved(key_node.value):
                raise ConstructorError(None, None, f"field {_cut(key_node.value)!r} "
                                       f"{_RESERVED}", key_node.start_mark)
            key = (key_node.tag, key_node.value)
            if key in first:
                raise ConstructorError(None, None, f"duplicate key {key_node.value!r} "
                                       f"(first at line {first[key]})", key_node.start_mark)
            first[key] = key_node.start_mark.line + 1
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    if LINE_KEY in mapping:  # from a `<<` merge of a mapping never built on its own
        raise ConstructorError(None, None, f"field {LINE_KEY!r} {_RESERVED}", node.start_mark)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


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


def _read_text(path: Path, shown: str) -> str | Problem:
    """A YAML file's text, or the problem that keeps it from being read as YAML."""
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        return Problem(shown, None, f"file too large for YAML ({size} bytes, at most "
                                    f"{MAX_YAML_BYTES}): use JSON Lines for bulk")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        return Problem(shown, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} "
                                    f"in column {column})")
    if not text.strip():
        return Problem(shown, None, "empty file")
    return text


def _too_many_events(text: str) -> bool:
    """Whether the YAML text holds more than MAX_YAML_EVENTS parts.

    A first pass over the parser's events, which are dropped as they come, so it runs
    in constant memory before the nodes (all held at once) are built. Syntax errors
    are left to the real reading, which says where they are.
    """
    if len(text) <= MAX_YAML_EVENTS // 2:  # no syntax makes more than one event a character
        return False
    import yaml

    parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    count = 0
    try:
        while parser.check_event():
            parser.get_event()
            count += 1
            if count > MAX_YAML_EVENTS:
                return True
    except yaml.YAMLError:
        return False
    finally:
        parser.dispose()
    return False


def read_yaml(path: Path, shown: str) -> tuple[list[RawRecord], list[Problem]]:
    """The records of a YAML data file, and its problems (a file that cannot be read
    whole is one problem and no records)."""
    text = _read_text(path, shown)
    if isinstance(text, Problem):
        return [], [text]
    if _too_many_events(text):
        return [], [Problem(shown, None, f"too many keys and values for YAML (more than "
                                         f"{MAX_YAML_EVENTS}): use JSON Lines for bulk")]
    loaded = _load_yaml(text, shown)
    if isinstance(loaded, Problem):
        return [], [loaded]
    document, root = loaded
    if document is None:
        return [], [Problem(shown, None, "no sections (the file holds only comments)")]
    if not isinstance(document, dict):
        kind = type(document).__name__
        line = root.start_mark.line + 1 if root else 1
        return [], [Problem(shown, line, f"top level must be a mapping of sections, not {kind}")]
    if _depth(document) > MAX_DEPTH:
        return [], [Problem(shown, None, _TOO_DEEP)]
    return _yaml_records(document, _section_lines(root), shown, path)


def _load_yaml(text: str, shown: str) -> tuple[Any, yaml.Node | None] | Problem:
    """The document a YAML text holds and its root node, or the error that stops it,
    with its line where PyYAML knows it."""
    import yaml
    from yaml.constructor import ConstructorError

    loader = _yaml_loader()(text)
    try:
        return loader.get_single_data(), loader.root
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        kind = "YAML error" if isinstance(exc, ConstructorError) else "YAML syntax error"
        return Problem(shown, line, f"{kind}: {exc.problem or exc.context}")
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        return Problem(shown, line, f"YAML error: character U+{code:04X}: {exc.reason}")
    except yaml.YAMLError as exc:
        return Problem(shown, None, f"YAML error: {' '.join(str(exc).split())}")
    except RecursionError:
        return Problem(shown, None, _TOO_DEEP)
    finally:
        loader.dispose()


def _yaml_records(document: dict[Any, Any], lines: dict[str, tuple[int, list[int]]],
                  shown: str, path: Path) -> tuple[list[RawRecord], list[Problem]]:
    """The records of a YAML document (a mapping of sections), each with its line."""
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
    size = path.stat().st_size
    if size > MAX_JSONL_BYTES:
        yield Problem(shown, None, f"file too large ({size} bytes, at most {MAX_JSONL_BYTES})")
        return
    with path.open("rb") as handle:
        empty = True
        for number, raw in enumerate(handle, start=1):
            if not raw.strip() or (first_pass and b'"sources"' not in raw):
                continue
            empty = False
            read = _json_line(raw)
            if isinstance(read, str):
                yield Problem(shown, number, read)
                continue
            section, item = read
            if sources is not None and (section == "sources") != sources:
                continue
            yield RawRecord(section, item, shown, number, None, path.parent, handle.tell())
        if empty and not first_pass:
            yield Problem(shown, None, "empty file")


def _json_line(raw: bytes) -> tuple[str, dict[str, Any]] | str:
    """A line's section and record, or the message that says why the line is not one."""
    # escapes (`\u005f`) can spell a reserved key: such lines check every key
    hook = _checked_object if b"__" in raw or b"\\u" in raw else _object
    try:
        item = json.loads(raw.decode("utf-8"), object_pairs_hook=hook)
    except UnicodeDecodeError:
        return "not UTF-8 text"
    except json.JSONDecodeError as exc:
        where = f"column {exc.colno}" if exc.lineno == 1 else "at the end of the line"
        return f"JSON syntax error: {exc.msg} ({where})"
    except _Refused as exc:
        return str(exc)
    except ValueError as exc:  # an integer too long for Python to convert
        limit = sys.get_int_max_str_digits()
        return (f"a number has too many digits (at most {limit})" if "digits" in str(exc)
                else f"JSON error: {_cut(str(exc))}")
    except RecursionError:
        return _TOO_DEEP
    if not isinstance(item, dict):
        return "a line must hold one JSON object"
    # a line with few brackets cannot nest deeply: skip the walk for most lines
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and _depth(item) > MAX_DEPTH:
        return _TOO_DEEP
    section = item.pop("table", None)
    if not isinstance(section, str):
        return "a record needs a \"table\" naming its section"
    return section, item


class _Refused(ValueError):
    """A JSON object the loader will not take (a repeated key, a reserved key)."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a repeated key: json would keep the last one silently."""
    item = dict(pairs)
    if len(item) != len(pairs):
        _repeated(pairs)
    return item


def _checked_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a repeated key and a key reserved for the loader."""
    for key, _ in pairs:
        if is_reserved(key):
            raise _Refused(f"field {_cut(key)!r} {_RESERVED}")
    return _object(pairs)


def _repeated(pairs: list[tuple[str, Any]]) -> None:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _Refused(f"duplicate key {_cut(key)!r} in a JSON object")
        seen.add(key)


def read_file(path: Path, shown: str, sources: bool | None = None,
              ) -> Iterator[RawRecord | Problem]:
    """The records and problems of a data file (`sources`: see iter_jsonl)."""
    if is_json_lines(path):
        items = iter_jsonl(path, shown, sources)
        if sources:  # the first pass says nothing: the second pass reports every problem
            items = (item for item in items if isinstance(item, RawRecord))
        yield from items
        return
    records, problems = read_yaml(path, shown)
    yield from problems
    yield from records
