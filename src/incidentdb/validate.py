"""Validation: raw records in, database rows out, and every problem said once.

`Validator` checks each record on its own against its `Section` declaration
(types, required fields, controlled lists, dates, excerpts, column lengths) and
turns it into rows for its table and child tables. It holds no rows: checks that
need every record at once (duplicate ids, references) are made by the loader in
the database, so a load of any size runs in constant memory. It writes nothing.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from incidentdb import vocabulary as v
from incidentdb.dates import DateError, partial_date
from incidentdb.names import INVISIBLE, fold, id_words
from incidentdb.reading import LINE_KEY, Problem, RawRecord
from incidentdb.sections import (
    COUNT_FIELDS,
    EVIDENCE_FIELDS,
    PARTICIPANT_FIELDS,
    SECTIONS,
    Field,
)

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_TEXT = 20_000
MAX_NUMBER = 1_000_000_000  # well inside a 32-bit INTEGER column, even after `more-than` adds 1
# C0 and C1 control characters (tab and newline allowed in text, not in names)
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # half of a UTF-16 pair (JSON "\ud83d"): not text
# one scan for anything a text may not hold; the message then says which it was. Invisible
# characters (zero-width, bidirectional controls: names.INVISIBLE) would make two values
# that look the same differ, or a value read in another order than it is stored.
_INVISIBLE_CLASS = INVISIBLE.pattern[1:-1]
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff" + _INVISIBLE_CLASS + "]")
_NOT_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff" + _INVISIBLE_CLASS + "]")
MAX_OCCURRENCES = 1000  # occurrences of one excerpt counted; `occurrence: N` at most this
SHOWN_OFFSETS = 10  # offsets of an ambiguous excerpt's occurrences named in its message
_REMEMBERED = 200_000  # excerpt positions SourceText remembers before it forgets them all
TEXT_KINDS = frozenset({"text", "name", "slug", "sha256", "choice", "ref"})
NAME_KINDS = frozenset({"name", "slug", "ref"})


class Invalid(ValueError):
    """A field's value is wrong; the message says how."""


@dataclass
class SourceText:
    """A source's text, and where excerpts stand in it (white space folded)."""

    id: str
    events_year: int
    text: str
    folded: str = ""
    # where each run of white space starts: (in the folded text, in the original, its length)
    _runs: list[tuple[int, int, int]] = field(default_factory=list, repr=False)
    _found: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _remembered: int = field(default=0, repr=False)  # positions held in _found, plus entries

    def __post_init__(self) -> None:
        parts: list[str] = []
        position = folded_at = 0
        for match in re.finditer(r"\s+", self.text):
            parts.append(self.text[position:match.start()])
            folded_at += match.start() - position
            self._runs.append((folded_at, match.start(), match.end() - match.start()))
            parts.append(" ")
            folded_at += 1
            position = match.end()
        parts.append(self.text[position:])
        self.folded = "".join(parts)

    def _original(self, folded_index: int) -> int:
        """The offset in the original text of a character of the folded text."""
        run = bisect.bisect_right(self._runs, (folded_index, len(self.text) + 1, 0)) - 1
        if run < 0:
            return folded_index
        folded_at, original_at, length = self._runs[run]
        if folded_index == folded_at:
            return original_at
        return original_at + length + (folded_index - folded_at - 1)

    def occurrences(self, excerpt: str) -> tuple[int, ...]:
        """Where the excerpt starts in the folded text, every time it occurs (overlapping
        occurrences too), up to MAX_OCCURRENCES + 1 of them; () when it does not occur.

        Bulk data quotes the same passages many times: answers are remembered, up to a
        bound on the positions held, so memory stays constant.
        """
        found = self._found.get(excerpt)
        if found is not None:
            return found
        needle = " ".join(excerpt.split())
        positions: list[int] = []
        at = self.folded.find(needle) if needle else -1
        while at >= 0 and len(positions) <= MAX_OCCURRENCES:
            positions.append(at)
            at = self.folded.find(needle, at + 1)
        if self._remembered + len(positions) + 1 > _REMEMBERED:
            self._found.clear()
            self._remembered = 0
        self._found[excerpt] = found = tuple(positions)
        self._remembered += len(found) + 1
        return found

    def span(self, excerpt: str, position: int) -> tuple[int, int]:
        """Offsets in the original text of the excerpt found at `position` of the folded."""
        length = len(" ".join(excerpt.split()))
        return self._original(position), self._original(position + length - 1) + 1

    def locate(self, excerpt: str, occurrence: int | None = None) -> tuple[int, int] | None:
        """Offsets of the excerpt (white space folded): of its only occurrence, or of the
        one numbered `occurrence` (from 1). None when it is not there; `Ambiguous` when it
        occurs more than once and no occurrence is given."""
        positions = self.occurrences(excerpt)
        if occurrence is None:
            if len(positions) > 1:
                raise Ambiguous(self, excerpt, positions)
            occurrence = 1
        if not 1 <= occurrence <= len(positions):
            return None
        return self.span(excerpt, positions[occurrence - 1])


class Ambiguous(Invalid):
    """An excerpt that occurs more than once in its source, with no occurrence given:
    taking the first would silently cite a passage the record may not be about."""

    def __init__(self, source: SourceText, excerpt: str, positions: tuple[int, ...]) -> None:
        shown = [str(source.span(excerpt, p)[0]) for p in positions[:SHOWN_OFFSETS]]
        if len(positions) > SHOWN_OFFSETS:
            shown.append("…")
        times = (f"more than {MAX_OCCURRENCES}" if len(positions) > MAX_OCCURRENCES
                 else str(len(positions)))
        super().__init__(f"excerpt occurs {times} times in source {source.id!r} "
                         f"(at {', '.join(shown)}): make it longer or give `occurrence: N`: "
                         f"{_shorten(excerpt)!r}")
        self.positions = positions


# A row to write: its table, its columns, and the line of the data file it came from.
Emitted = tuple[str, dict[str, Any], int]


def _slug_of(text: str) -> str:
    return "-".join(id_words(text).split())[:120] or "x"


class Validator:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.sources: dict[str, SourceText] = {}
        self._source_lines: dict[str, tuple[str, int]] = {}
        # (section, id) of records that were refused: a reference to one of them is not
        # a second problem, and a record of a refused source is not one either.
        self.refused: set[tuple[str, str]] = set()
        self._said: set[tuple[str, ...]] = set()  # problems said once per file
        self.incomplete = False  # some input could not be read: its records are unknown

    # --- reporting -------------------------------------------------------------------

    def _problem(self, record: RawRecord, message: str, record_id: str | None = None) -> None:
        rid = record_id if record_id is not None else _record_id(record)
        self.problems.append(Problem(record.path, record.line, message, record.section, rid))

    def _once(self, key: tuple[str, ...]) -> bool:
        """True the first time a problem with this key is met."""
        if key in self._said:
            return False
        self._said.add(key)
        return True

    def _source_missing(self, record: RawRecord, source_id: str) -> bool:
        """Whether to say that a record's source is missing: once per file, and only when
        the source is not one already refused or in a file that could not be read."""
        if self.incomplete or ("sources", source_id) in self.refused:
            return False
        return self._once(("source", record.path, source_id))

    def _refuse(self, record: RawRecord) -> None:
        rid = record.data.get("id")
        if isinstance(rid, str):
            self.refused.add((record.section, rid))

    # --- values ------------------------------------------------------------------------

    def _value(self, spec: Field, value: Any, name: str, events_year: int) -> Any:
        kind = spec.kind
        if kind in TEXT_KINDS:
            if value.__class__ is str and value and not value.isspace() and (
                    len(value) <= MAX_TEXT) and not (
                    _NOT_NAME if kind in NAME_KINDS else _NOT_TEXT).search(value):
                pass  # the common case, in one scan
            elif isinstance(value, bool):
                raise Invalid(f"{name} must be text, not the YAML boolean {value!r} (an unquoted "
                              "yes, no, on, off, true or false: put it in quotes)")
            elif not isinstance(value, str):
                raise Invalid(f"{name} must be text, not {type(value).__name__}")
            elif not value.strip():
                raise Invalid(f"{name} is empty")
            elif len(value) > MAX_TEXT:
                raise Invalid(f"{name} is too long ({len(value)} characters, at most {MAX_TEXT})")
            elif _SURROGATE.search(value):
                raise Invalid(f"{name} contains half of a UTF-16 surrogate pair")
            elif INVISIBLE.search(value):
                raise Invalid(_invisible(value, name))
            elif (_NOT_NAME if kind in NAME_KINDS else _NOT_TEXT).search(value):
                raise Invalid(f"{name} contains a control character")
        if kind == "slug" and not SLUG.fullmatch(value):
            raise Invalid(f"{name} {value!r} is not a slug (lower-case words joined by '-')")
        if kind == "sha256" and not re.fullmatch(r"[0-9a-f]{64}", value):
            raise Invalid(f"{name} is not a SHA-256 in hex")
        if kind == "choice" and value not in spec.choices:
            raise Invalid(f"{name} {value!r} is not one of: {', '.join(spec.choices)}")
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise Invalid(f"{name} must be a whole number, not {value!r}")
            if value < 0:
                raise Invalid(f"{name} must not be negative ({value})")
            if value > MAX_NUMBER:
                raise Invalid(f"{name} is too large ({value}, at most {MAX_NUMBER})")
        if kind == "occurrence":
            if isinstance(value, bool) or not isinstance(value, int):
                raise Invalid(f"{name} must be a whole number (1 for the first), not {value!r}")
            if not 1 <= value <= MAX_OCCURRENCES:
                raise Invalid(f"{name} must be from 1 to {MAX_OCCURRENCES}, not {value}")
        if kind == "iso-date":
            if isinstance(value, date):
                return value
            try:
                # fromisoformat alone also takes 20210308 and 2021-W01-1
                if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", str(value)):
                    raise ValueError(value)
                return date.fromisoformat(str(value))
            except ValueError:
                raise Invalid(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None
        if kind == "date":
            return self._date(value, name, events_year)
        if kind in ("names", "choices", "refs"):
            if not isinstance(value, list):
                raise Invalid(f"{name} must be a list")
            item = Field({"names": "name", "choices": "choice", "refs": "ref"}[kind],
                         choices=spec.choices)
            return [self._value(item, x, f"{name} item", events_year) for x in value]
        if kind == "term":
            return _term(value, name)
        if kind == "qualified-count":
            if isinstance(value, int) and not isinstance(value, bool):
                value = {"value": value, "qualifier": "exact"}
            if not isinstance(value, dict):
                raise Invalid(f"{name} must be a number or {{value, qualifier}}")
            unknown = set(value) - {"value", "qualifier"}
            if unknown:
                raise Invalid(f"{name} has unknown field {sorted(unknown, key=str)[0]!r}")
            qualifier = self._value(Field("choice", choices=v.COUNT_QUALIFIERS),
                                    value.get("qualifier", "exact"), f"{name} qualifier", 0)
            number = value.get("value")
            if number is not None:
                self._value(Field("int"), number, f"{name} value", 0)
            _check_count_value(number, qualifier, name)
            return number, qualifier
        return value

    def _date(self, value: Any, name: str, events_year: int) -> dict[str, Any]:
        if isinstance(value, str):
            text, edtf = value, None
        elif isinstance(value, dict):
            unknown = set(value) - {"text", "edtf"}
            if unknown:
                raise Invalid(f"{name} has unknown field {sorted(unknown, key=str)[0]!r}")
            text, edtf = value.get("text"), value.get("edtf")
            if edtf is not None and not isinstance(edtf, str):
                raise Invalid(f"{name} edtf must be a quoted string, not {edtf!r}")
            if edtf is not None and INVISIBLE.search(edtf):
                raise Invalid(_invisible(edtf, f"{name} edtf"))
            if text is not None and not isinstance(text, str):
                raise Invalid(f"{name} text must be text")
        elif isinstance(value, (date, int)) and not isinstance(value, bool):
            raise Invalid(f"{name} must be a phrase or {{text, edtf}}, not the bare {value} "
                          f"(write {{text: <the report's words>, edtf: \"{value}\"}})")
        else:
            raise Invalid(f"{name} must be a phrase or {{text, edtf}}, not {value!r}")
        if text is not None:
            self._value(Field("text"), text, f"{name} text", events_year)
        try:
            return partial_date(text, events_year, edtf).as_columns()
        except DateError as exc:
            raise Invalid(f"{name}: {exc}") from None

    # --- records -----------------------------------------------------------------------

    def add_source(self, record: RawRecord) -> list[Emitted] | None:
        """The source's row, its text read and checked against its sha256; None if refused."""
        rows = self._add_source(record)
        if rows is None:
            self._refuse(record)
        return rows

    def add(self, record: RawRecord) -> list[Emitted] | None:
        """The rows a record writes (its own and its children's); None if refused."""
        rows = self._add(record)
        if rows is None:
            self._refuse(record)
        return rows

    def _add_source(self, record: RawRecord) -> list[Emitted] | None:
        row = self._record(record, SECTIONS["sources"].fields, events_year=0)
        if row is None:
            return None
        if row["id"] in self._source_lines:
            first = self._source_lines[row["id"]]
            self._problem(record, f"duplicate id (first defined at {first[0]}:{first[1]})")
            return None
        text_path = (record.base_dir / row["text_path"]).resolve()
        try:
            raw = text_path.read_bytes()
        except OSError:
            self._problem(record, f"source text {row['text_path']!r} cannot be read")
            return None
        digest = hashlib.sha256(raw).hexdigest()
        if digest != row["sha256"]:
            self._problem(record, f"source text {row['text_path']!r} does not match its sha256 "
                                  f"(it is {digest})")
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self._problem(record, f"source text {row['text_path']!r} is not UTF-8")
            return None
        if "\x00" in text:  # PostgreSQL cannot store it in `content`
            self._problem(record, f"source text {row['text_path']!r} holds a NUL character")
            return None
        row["text_path"] = _data_relative(text_path, record.base_dir)
        row["content"] = text  # stored, so that `check` can verify excerpts without the file
        if not self._fits(record, "sources", row):
            return None
        self._source_lines[row["id"]] = (record.path, record.line)
        self.sources[row["id"]] = SourceText(row["id"], row["events_year"], text)
        return [("sources", row, record.line)]

    def _add(self, record: RawRecord) -> list[Emitted] | None:
        section = SECTIONS.get(record.section)
        if section is None or record.section == "sources":
            if self._once(("section", record.path, record.section)):
                known = ", ".join(SECTIONS)
                self.problems.append(Problem(record.path, record.line, f"unknown section "
                                             f"{record.section!r} (sections: {known})"))
            return None
        source_id = record.data.pop("source", None) or record.file_source
        source = self.sources.get(source_id) if isinstance(source_id, str) else None
        if source is None:
            record.data.pop("excerpt", None)
            if source_id is None:
                self._problem(record, "has no source")
            elif not isinstance(source_id, str):
                self._problem(record, f"source must be a source id, not {source_id!r}")
            elif self._source_missing(record, source_id):
                self._problem(record, f"source {source_id!r} is not loaded")
            return None
        fields = dict(section.fields, **EVIDENCE_FIELDS)
        row = self._record(record, fields, source.events_year)
        if row is None:
            return None
        evidence = self._evidence(record, source, row.pop("excerpt"), row.pop("occurrence", None))
        if evidence is None:
            return None
        row.update(evidence)
        children = self._children(record, section.name, row, source)
        if children is None or not self._fits(record, section.name, row):
            return None
        rows: list[Emitted] = [(section.name, row, record.line)]
        keys: set[tuple] = set()
        for table, key, child, line in children:
            if (table, key) in keys:  # the same name twice, the same participant twice
                if table == "event_counts":
                    self._problem(record, f"duplicate count id {child['id']!r}")
                    return None
                continue
            if not self._fits(record, table, child):
                return None
            keys.add((table, key))
            rows.append((table, child, line))
        return rows

    def _record(self, record: RawRecord, fields: dict[str, Field], events_year: int,
                rid: str | None = None) -> dict[str, Any] | None:
        data = record.data
        rid = rid if rid is not None else _record_id(record)
        ok = True
        for name in data:
            if name not in fields:
                self._problem(record, f"unknown field {name!r}", rid)
                ok = False
        row: dict[str, Any] = {}
        for name, spec in fields.items():
            value = data.get(name)
            if value is None:
                if spec.required:
                    self._problem(record, f"missing required field {name!r}", rid)
                    ok = False
                continue
            try:
                converted = self._value(spec, value, name, events_year)
            except Invalid as exc:
                self._problem(record, str(exc), rid)
                ok = False
                continue
            if spec.kind == "date":
                row.update(converted)
            elif spec.kind == "term":
                row["term_min_months"], row["term_max_months"] = converted
            elif spec.kind == "qualified-count":
                row[f"{name}"], row[f"{name}_qualifier"] = converted
            elif spec.kind == "ref":
                row[spec.column or f"{name}_id"] = converted
            else:
                row[spec.column or name] = converted
        return row if ok else None

    def _evidence(self, record: RawRecord, source: SourceText, excerpt: str,
                  occurrence: int | None, record_id: str | None = None,
                  ) -> dict[str, Any] | None:
        """Where the excerpt stands: its only occurrence, or the one the record names."""
        try:
            span = source.locate(excerpt, occurrence)
        except Ambiguous as exc:
            self._problem(record, str(exc), record_id)
            return None
        if span is None:
            times = len(source.occurrences(excerpt))
            if times:
                self._problem(record, f"excerpt occurs {times} time(s) in source {source.id!r}"
                                      f", not {occurrence}: {_shorten(excerpt)!r}", record_id)
            else:
                self._problem(record, f"excerpt not found in source {source.id!r}: "
                                      f"{_shorten(excerpt)!r}", record_id)
            return None
        return {"source_id": source.id, "excerpt": excerpt,
                "excerpt_start": span[0], "excerpt_end": span[1]}

    def _children(self, record: RawRecord, section: str, row: dict[str, Any],
                  source: SourceText) -> list[tuple[str, tuple, dict[str, Any], int]] | None:
        """Rows of the child tables a record carries (names, defendants, participants...),
        each with its key and line."""
        rid = row["id"]
        line = record.line
        out: list[tuple[str, tuple, dict[str, Any], int]] = []
        data = record.data
        if section == "people":
            names = [("name", row["name"])] + [("alias", a) for a in row.pop("aliases", [])]
            for kind, name in names:
                out.append(("person_names", (rid, name),
                            {"person_id": rid, "name": name, "kind": kind, "folded": fold(name)},
                            line))
            for occupation in row.pop("occupations", []):
                out.append(("person_occupations", (rid, occupation),
                            {"person_id": rid, "occupation": occupation}, line))
        elif section == "cases":
            for person in row.pop("defendants", []):
                out.append(("case_defendants", (rid, person),
                            {"case_id": rid, "person_id": person}, line))
        elif section == "events":
            row.pop("participants", None)
            row.pop("counts", None)
            ok = True
            for item in _items(data.get("participants")):
                at = item.get(LINE_KEY, line) if isinstance(item, dict) else line
                child = self._participant(record, rid, item, row, source)
                ok = ok and child is not None
                if child:
                    out.append(("event_participants", (child["id"],), child, at))
            for number, item in enumerate(_items(data.get("counts")), start=1):
                at = item.get(LINE_KEY, line) if isinstance(item, dict) else line
                child = self._count(record, rid, number, item, source)
                ok = ok and child is not None
                if child:
                    out.append(("event_counts", (child["id"],), child, at))
            if not ok:
                return None
        return out

    def _participant(self, record: RawRecord, event_id: str, item: Any, event: dict[str, Any],
                     source: SourceText) -> dict[str, Any] | None:
        if not isinstance(item, dict):
            self._problem(record, "a participant must be a mapping")
            return None
        sub = RawRecord(record.section, item, record.path, item.pop(LINE_KEY, record.line))
        row = self._record(sub, PARTICIPANT_FIELDS, source.events_year, event_id)
        if row is None:
            return None
        who = [k for k in ("person_id", "organization_id", "group_description") if k in row]
        if len(who) != 1:
            self._problem(sub, "a participant needs exactly one of person, organization, group",
                          event_id)
            return None
        excerpt, occurrence = row.pop("excerpt", None), row.pop("occurrence", None)
        if excerpt is None:
            if occurrence is not None:
                self._problem(sub, "occurrence needs the participant's own excerpt", event_id)
                return None
            # the event's evidence, where it was found (even by its `occurrence`)
            evidence: dict[str, Any] | None = {
                k: event[k] for k in ("source_id", "excerpt", "excerpt_start", "excerpt_end")}
        else:
            evidence = self._evidence(sub, source, excerpt, occurrence, event_id)
        if evidence is None:
            return None
        key = row[who[0]] if who[0] != "group_description" else _slug_of(row[who[0]])
        row.update(evidence)
        row["id"] = f"{event_id}/{row['role']}/{key}"
        row["event_id"] = event_id
        for column in ("person_id", "organization_id", "group_description"):
            row.setdefault(column, None)
        return row

    def _count(self, record: RawRecord, event_id: str, number: int, item: Any,
               source: SourceText) -> dict[str, Any] | None:
        if not isinstance(item, dict):
            self._problem(record, "a count must be a mapping")
            return None
        sub = RawRecord(record.section, item, record.path, item.pop(LINE_KEY, record.line))
        row = self._record(sub, COUNT_FIELDS, source.events_year, event_id)
        if row is None:
            return None
        try:
            _check_count_value(row.get("value"), row["qualifier"], "count")
        except Invalid as exc:
            self._problem(sub, str(exc), event_id)
            return None
        low, high = _count_bounds(row.get("value"), row["qualifier"])
        low = row.get("minimum", low)
        high = row.get("maximum", high)
        if low is not None and high is not None and low > high:
            self._problem(sub, f"count minimum {low} is above its maximum {high}", event_id)
            return None
        evidence = self._evidence(sub, source, row.pop("excerpt"), row.pop("occurrence", None),
                                  event_id)
        if evidence is None:
            return None
        row.update(evidence)
        row.update(minimum=low, maximum=high, event_id=event_id)
        row.setdefault("value", None)
        row["id"] = f"{event_id}/{row.pop('id', None) or number}"
        return row

    def _fits(self, record: RawRecord, table: str, row: dict[str, Any]) -> bool:
        """Whether every text of the row fits its column (a database would refuse it)."""
        for column, limit in _column_limits(table):
            value = row.get(column)
            if value.__class__ is str and len(value) > limit:
                self._problem(record, f"{column} is too long ({len(value)} characters, "
                                      f"at most {limit})")
                return False
        return True


# --- helpers ---------------------------------------------------------------------------


def _record_id(record: RawRecord) -> str:
    """The record's id as written, even when it is not a valid one (`id: 2021`)."""
    rid = record.data.get("id")
    if rid is None or isinstance(rid, (dict, list)):
        return "?"
    return rid if isinstance(rid, str) else str(rid)


@functools.cache
def _column_limits(table: str) -> tuple[tuple[str, int], ...]:
    """The length limit of each limited text column (String(n)) of a table."""
    from incidentdb.models import Base

    columns = Base.metadata.tables[table].columns
    return tuple((c.key, c.type.length) for c in columns if getattr(c.type, "length", None))


def _invisible(value: str, name: str) -> str:
    """The message for a value holding an invisible character: which one, by code point."""
    found = INVISIBLE.search(value)
    ch = found[0] if found else "\ufffd"
    return (f"{name} contains an invisible character U+{ord(ch):04X} "
            f"({unicodedata.name(ch, 'unnamed')}): remove it")


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _shorten(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _data_relative(path: Path, base: Path) -> str:
    """The text's path as stored: relative to the data folder (the parent of `sources/`)."""
    root = base.parent if base.name == "sources" else base
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def _term(value: Any, name: str) -> tuple[int, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        low = high = value
    elif isinstance(value, dict) and set(value) <= {"min", "max"} and value:
        low, high = value.get("min"), value.get("max")
    else:
        raise Invalid(f"{name} must be a number of months or {{min, max}}")
    for bound in (low, high):
        if not isinstance(bound, int) or isinstance(bound, bool) or bound <= 0:
            raise Invalid(f"{name} bounds must be positive whole numbers of months")
        if bound > MAX_NUMBER:
            raise Invalid(f"{name} is too large ({bound}, at most {MAX_NUMBER})")
    if low > high:
        raise Invalid(f"{name} range reversed: min {low} is above max {high}")
    return low, high


def _check_count_value(value: int | None, qualifier: str, name: str) -> None:
    if qualifier in v.QUALIFIERS_WITHOUT_VALUE:
        if value is not None:
            raise Invalid(f"{name} qualifier {qualifier!r} takes no value")
    elif value is None:
        raise Invalid(f"{name} qualifier {qualifier!r} needs a value")
    elif isinstance(value, int) and value < 0:
        raise Invalid(f"{name} value must not be negative ({value})")


def _count_bounds(value: int | None, qualifier: str) -> tuple[int | None, int | None]:
    """What a qualified number says for sure: 'at least 78' is 78 or more."""
    if value is None:
        return None, None
    return {
        "exact": (value, value),
        "at-least": (value, None),
        "more-than": (value + 1, None),
        "nearly": (None, value),
        "about": (None, None),
    }[qualifier]
