"""Validation: raw records in, database rows out, and every problem said once.

`Validator` checks each record on its own against its `Section` declaration
(required fields, each value by its kind with checks.py, excerpts, column lengths)
and turns it into rows for its table and child tables. It holds no rows: checks that
need every record at once (duplicate ids, references) are made by the loader in
the database, so a load of any size runs in constant memory. It writes nothing.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from incidentdb.checks import MAX_OCCURRENCES, Invalid, check_count_value, kind_of
from incidentdb.models import chronology_of, declared
from incidentdb.models.chronology import DATED_KINDS, RELATIONS, REPORTED, TARGET
from incidentdb.names import fold, id_words
from incidentdb.reading import LINE_KEY, Problem, RawRecord
from incidentdb.sections import COUNT_FIELDS, EVIDENCE_FIELDS, PARTICIPANT_FIELDS, SECTIONS, Field

# Sections whose records' names and aliases fill a names table: (table, owner column).
NAMED = {"people": ("person_names", "person_id"),
         "organizations": ("organization_names", "organization_id"),
         "instruments": ("instrument_names", "instrument_id")}
Child = tuple[str, tuple, dict[str, Any], int]  # table, key, row, line
SHOWN_OFFSETS = 10  # offsets of an ambiguous excerpt's occurrences named in its message
# Excerpts not found whose nearest passage a load names (each costs a scan of the source):
# past this many, a load of bulk data with a wrong source says the rest plainly.
NEAREST_NAMED = 100
NEAREST_FLOOR = 0.5  # a passage less like the excerpt than this is not named: it is noise
_REMEMBERED = 200_000  # excerpt positions SourceText remembers before it forgets them all


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


def decode_text(raw: bytes) -> str:
    """A source text's bytes as text, if the loader takes it: UTF-8 without NUL (which
    PostgreSQL cannot store in `content`); `Invalid` says what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("is not UTF-8") from None
    if "\x00" in text:
        raise Invalid("holds a NUL character")
    return text


def _plain_slug(text: str) -> str:
    """`the-apfp-deputy-chairman`: an id part as the words read (ASCII letters and digits;
    other characters as `-`), for ids a user will cite."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:120] or "x"


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
        self._nearest_named = 0  # excerpts not found, whose nearest passage was looked for

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
        raw = _text_bytes(record)
        hints = ({"sha256": f" (the text's sha256 is {hashlib.sha256(raw).hexdigest()})"}
                 if raw is not None and record.data.get("sha256") is None else {})
        row, ok = self._fields(record, SECTIONS["sources"].fields, 0, hints=hints)
        if "id" in row and row["id"] in self._source_lines:
            first = self._source_lines[row["id"]]
            self._problem(record, f"duplicate id (first defined at {first[0]}:{first[1]})")
            return None
        text = self._source_text(record, row, raw) if "text_path" in row else None
        if not ok or text is None:
            return None
        text_path = (record.base_dir / row["text_path"]).resolve()
        row["text_path"] = _data_relative(text_path, record.base_dir)
        row["content"] = text  # stored, so that `check` can verify excerpts without the file
        if not self._fits(record, "sources", row):
            return None
        self._source_lines[row["id"]] = (record.path, record.line)
        self.sources[row["id"]] = SourceText(row["id"], row["events_year"], text)
        return [("sources", row, record.line)]

    def _source_text(self, record: RawRecord, row: dict[str, Any], raw: bytes | None,
                     ) -> str | None:
        """The source's text, if it can be read, matches its sha256 (when one is given) and
        is UTF-8 without NUL; None (and said) if not."""
        name = row["text_path"]
        if raw is None:
            self._problem(record, f"source text {name!r} cannot be read")
            return None
        digest = hashlib.sha256(raw).hexdigest()
        if "sha256" in row and digest != row["sha256"]:
            self._problem(record, f"source text {name!r} does not match its sha256 "
                                  f"(it is {digest})")
            return None
        try:
            return decode_text(raw)
        except Invalid as exc:
            self._problem(record, f"source text {name!r} {exc}")
            return None

    def _add(self, record: RawRecord) -> list[Emitted] | None:
        """Every problem of the record is said, its fields', its excerpt's and its nested
        items', even when an earlier one already refuses it."""
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
        row, ok = self._fields(record, fields, source.events_year)
        ok = self._inferred_fields_given(record, row) and ok
        evidence = self._record_evidence(record, source, row)
        ok = evidence is not None and ok
        # a refused record's items are still checked, against a stand-in for its evidence
        row.update(evidence or dict.fromkeys(("excerpt", "excerpt_start", "excerpt_end"),
                                             None), source_id=source.id)
        row.setdefault("id", _record_id(record))
        children = self._children(record, section.name, row, source)
        fits = self._fits(record, section.name, row)  # if not, its children's ids do not
        rows = self._with_children(record, section.name, row, children, fits)
        return rows if ok and fits else None

    def _record_evidence(self, record: RawRecord, source: SourceText, row: dict[str, Any],
                         ) -> dict[str, Any] | None:
        """The record's evidence, where its excerpt stands; None if it has none. An excerpt
        whose `occurrence` was refused is only looked for."""
        excerpt, occurrence = row.pop("excerpt", None), row.pop("occurrence", None)
        if excerpt is None:
            return None  # missing or refused: said already
        if occurrence is None and record.data.get("occurrence") is not None:
            if not source.occurrences(excerpt):
                self._not_found(record, source, excerpt)
            return None
        return self._evidence(record, source, excerpt, occurrence)

    def _with_children(self, record: RawRecord, section: str, row: dict[str, Any],
                       children: list[Child] | None, fit: bool) -> list[Emitted] | None:
        """The record's row and its children's, each child fitting its columns (checked if
        the record's own row `fit`) and none repeated; None if any is refused (all are
        checked, all said)."""
        rows: list[Emitted] = [(section, row, record.line)]
        keys: set[tuple] = set()
        ok = children is not None
        for table, key, child, line in children or []:
            if (table, key) in keys:  # the same name twice, the same participant twice
                if table == "event_counts":
                    self._problem(record, f"duplicate count id {child['id']!r}")
                    ok = False
                continue
            ok = fit and self._fits(record, table, child) and ok
            keys.add((table, key))
            rows.append((table, child, line))
        return rows if ok else None

    def _inferred_fields_given(self, record: RawRecord, row: dict[str, Any]) -> bool:
        """Whether every field `inferred` names is a field the record gives a value to."""
        if row.get("inferred") is None:
            return True
        # the mapping as written (checks.KINDS["inferred"] made sure it is one)
        given = set(record.data) - {"inferred", "excerpt", "occurrence", "source"}
        for name in record.data["inferred"]:
            if name not in given:
                self._problem(record, f"inferred names {name!r}, which the record does not "
                                      f"give (it gives {', '.join(sorted(given))})")
                return False
        return True

    def _record(self, record: RawRecord, fields: dict[str, Field], events_year: int,
                rid: str | None = None) -> dict[str, Any] | None:
        """The record's row, its fields checked; None if any is refused (all are said)."""
        row, ok = self._fields(record, fields, events_year, rid)
        return row if ok else None

    def _fields(self, record: RawRecord, fields: dict[str, Field], events_year: int,
                rid: str | None = None, hints: dict[str, str] | None = None,
                ) -> tuple[dict[str, Any], bool]:
        """(the row of the fields that passed, whether all did): every field is checked
        and every problem said. `hints` adds to the message of a missing field."""
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
                    hint = (hints or {}).get(name, "")
                    self._problem(record, f"missing required field {name!r}{hint}", rid)
                    ok = False
                continue
            kind = kind_of(spec)
            try:
                converted = kind.check(value, spec, name, events_year)
            except Invalid as exc:
                self._problem(record, str(exc), rid)
                ok = False
                continue
            kind.place(row, name, spec, converted)
        return row, ok

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
                self._not_found(record, source, excerpt, record_id)
            return None
        return {"source_id": source.id, "excerpt": excerpt,
                "excerpt_start": span[0], "excerpt_end": span[1]}

    def _not_found(self, record: RawRecord, source: SourceText, excerpt: str,
                   record_id: str | None = None) -> None:
        """An excerpt that is not in its source, said with the passage nearest to it (for
        the first NEAREST_NAMED of a load)."""
        from incidentdb.curation import nearest_passages

        message = f"excerpt not found in source {source.id!r}: {_shorten(excerpt)!r}"
        self._nearest_named += 1
        nearest = nearest_passages(source, excerpt, 1) if (
            self._nearest_named <= NEAREST_NAMED) else []
        for passage in nearest:
            if passage.score < NEAREST_FLOOR:
                break
            message += (f"; nearest at {passage.start}-{passage.end} (score "
                        f"{passage.score:.2f}): {_shorten(passage.text)!r}")
        self._problem(record, message, record_id)

    def _children(self, record: RawRecord, section: str, row: dict[str, Any],
                  source: SourceText) -> list[Child] | None:
        """Rows of the child tables a record carries (names, defendants, participants...),
        each with its key and line; None if one of them is refused."""
        rid = row["id"]
        line = record.line
        out: list[Child] = []
        if section in NAMED:
            table, column = NAMED[section]
            names = ([("name", row["name"])] if "name" in row else []) + [
                ("alias", a) for a in row.pop("aliases", [])]
            out += [(table, (rid, name), {column: rid, "name": name, "kind": kind,
                                          "folded": fold(name)}, line) for kind, name in names]
        if section == "people":
            out += [("person_occupations", (rid, occupation),
                     {"person_id": rid, "occupation": occupation}, line)
                    for occupation in row.pop("occupations", [])]
        elif section == "cases":
            out += [("case_defendants", (rid, person), {"case_id": rid, "person_id": person},
                     line) for person in row.pop("defendants", [])]
        items = self._items_of(record, section, row, source)
        if items is None:
            return None
        return out + items

    def _items_of(self, record: RawRecord, section: str, row: dict[str, Any],
                  source: SourceText) -> list[Child] | None:
        """The rows of the nested items of a record (a person's relations, an event's
        participants and counts, a dated record's chronology), each item checked as a
        record of its own; None if any is refused (all are checked, all said)."""
        rid = row["id"]
        makers: list[tuple[str, str, Any]] = []
        if section == "people":
            makers.append(("relations", "person_relations",
                           lambda n, item: self._relation(record, rid, item, row, source)))
        elif section == "events":
            makers += [
                ("participants", "event_participants",
                 lambda n, item: self._participant(record, rid, item, row, source)),
                ("counts", "event_counts",
                 lambda n, item: self._count(record, rid, n, item, source)),
                ("instruments", "event_instruments",
                 lambda n, item: self._instrument(record, rid, item, row, source))]
        out: list[Child] = []
        ok = True
        for field_name, table, make in makers:
            row.pop(field_name, None)
            for number, item in enumerate(_items(record.data.get(field_name)), start=1):
                at = item.get(LINE_KEY, record.line) if isinstance(item, dict) else record.line
                child = make(number, item)
                ok = ok and child is not None
                if child:
                    out.append((table, (child["id"],), child, at))
        if declared()[section].dated:
            chronology = self._chronology(record, rid, row, source)
            ok = ok and chronology is not None
            out += chronology or []
        return out if ok else None

    def _chronology(self, record: RawRecord, rid: str, row: dict[str, Any],
                    source: SourceText) -> list[Child] | None:
        """Rows of a dated record's chronology table: its `after`, `before`, `during`
        relations and the date of reports about it (`reported`)."""
        table = chronology_of(record.section).name
        out = []
        ok = True
        for relation in (*RELATIONS, REPORTED):
            row.pop(relation, None)
            for item in _items(record.data.get(relation)):
                at = item.get(LINE_KEY, record.line) if isinstance(item, dict) else record.line
                child = self._statement(record, rid, relation, item, row, source)
                ok = ok and child is not None
                if child:
                    out.append((table, (child["id"],), child, at))
        return out if ok else None

    def _statement(self, record: RawRecord, rid: str, relation: str, item: Any,
                   owner: dict[str, Any], source: SourceText) -> dict[str, Any] | None:
        """One chronology row: `ID`, `kind:ID` or {id, excerpt, occurrence} for a relation;
        a date or {date, excerpt, occurrence} for `reported`."""
        key = "date" if relation == REPORTED else "id"
        if not isinstance(item, dict) or (relation == REPORTED and "date" not in item):
            item = {key: item}
        line = item.pop(LINE_KEY, record.line)
        sub = RawRecord(record.section, item, record.path, line)
        fields = {name: spec for name, spec in chronology_of(record.section).fields.items()
                  if name in (key, "excerpt", "occurrence")}
        checked, ok = self._fields(sub, fields, source.events_year, rid)
        if key not in item:
            self._problem(sub, f"{relation} needs {'a date' if key == 'date' else 'an id'}", rid)
            ok = False
        target = checked.pop("id", None)
        if target is not None and not TARGET.fullmatch(target):
            self._problem(sub, f"{relation} must name a record by its id (or kind:id, kind "
                               f"one of {', '.join(DATED_KINDS)}), not {target!r}", rid)
            ok = False
        if not ok:
            self._looked_for(sub, source, checked, rid)
            return None
        evidence = self._own_evidence(sub, rid, checked, owner, source, relation)
        if evidence is None:
            return None
        return {**checked, **evidence, "record_id": rid, "relation": relation,
                "target": target, "id": f"{rid}/{relation}" + (f"/{target}" if target else "")}

    def _own_evidence(self, sub: RawRecord, rid: str, row: dict[str, Any],
                      owner: dict[str, Any], source: SourceText, what: str,
                      ) -> dict[str, Any] | None:
        """An item's evidence: its own excerpt if it has one, else its owner's, where the
        owner's excerpt was found (even by its `occurrence`)."""
        excerpt, occurrence = row.pop("excerpt", None), row.pop("occurrence", None)
        if excerpt is not None:
            return self._evidence(sub, source, excerpt, occurrence, rid)
        if occurrence is not None:
            self._problem(sub, f"occurrence needs the {what}'s own excerpt", rid)
            return None
        return {k: owner[k] for k in ("source_id", "excerpt", "excerpt_start", "excerpt_end")}

    def _item(self, record: RawRecord, item: Any, fields: dict[str, Field], what: str,
              owner_id: str, source: SourceText) -> tuple[RawRecord, dict[str, Any]] | None:
        """A nested item checked as a record of its own: (the item as a record, its row)."""
        if not isinstance(item, dict):
            self._problem(record, f"{what} must be a mapping")
            return None
        sub = RawRecord(record.section, item, record.path, item.pop(LINE_KEY, record.line))
        row, ok = self._fields(sub, fields, source.events_year, owner_id)
        if not ok:
            self._looked_for(sub, source, row, owner_id)
            return None
        return sub, row

    def _looked_for(self, sub: RawRecord, source: SourceText, row: dict[str, Any],
                    owner_id: str) -> None:
        """For an item refused before its evidence was found: its own excerpt is still
        looked for, so that one run says both problems."""
        excerpt = row.get("excerpt")
        if excerpt is not None and not source.occurrences(excerpt):
            self._not_found(sub, source, excerpt, owner_id)

    def _relation(self, record: RawRecord, person_id: str, item: Any, person: dict[str, Any],
                  source: SourceText) -> dict[str, Any] | None:
        """One of a person's relations: to a person of the data, or to one the report
        describes without naming."""
        checked = self._item(record, item, declared()["person_relations"].fields,
                             "a relation", person_id, source)
        if checked is None:
            return None
        sub, row = checked
        other = row.get("other_person_id") or row.get("other_description")
        if ("other_person_id" in row) == ("other_description" in row):
            self._problem(sub, "a relation needs exactly one of person, description", person_id)
            self._looked_for(sub, source, row, person_id)
            return None
        evidence = self._own_evidence(sub, person_id, row, person, source, "relation")
        if evidence is None:
            return None
        row.setdefault("other_person_id", None)
        row.setdefault("other_description", None)
        return {**row, **evidence, "person_id": person_id,
                "id": f"{person_id}/{row['relation']}/{_plain_slug(str(other))}"}

    def _instrument(self, record: RawRecord, event_id: str, item: Any, event: dict[str, Any],
                    source: SourceText) -> dict[str, Any] | None:
        """An instrument the event names, and in what role."""
        checked = self._item(record, item, declared()["event_instruments"].fields,
                             "an instrument of an event", event_id, source)
        if checked is None:
            return None
        sub, row = checked
        evidence = self._own_evidence(sub, event_id, row, event, source, "instrument")
        if evidence is None:
            return None
        return {**row, **evidence, "event_id": event_id,
                "id": f"{event_id}/{row['role']}/{row['instrument_id']}"}

    def _participant(self, record: RawRecord, event_id: str, item: Any, event: dict[str, Any],
                     source: SourceText) -> dict[str, Any] | None:
        checked = self._item(record, item, PARTICIPANT_FIELDS, "a participant", event_id, source)
        if checked is None:
            return None
        sub, row = checked
        who = [k for k in ("person_id", "organization_id", "group_description") if k in row]
        if len(who) != 1:
            self._problem(sub, "a participant needs exactly one of person, organization, group",
                          event_id)
            self._looked_for(sub, source, row, event_id)
            return None
        evidence = self._own_evidence(sub, event_id, row, event, source, "participant")
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
        checked = self._item(record, item, COUNT_FIELDS, "a count", event_id, source)
        if checked is None:
            return None
        sub, row = checked
        try:
            check_count_value(row.get("value"), row["qualifier"], "count")
        except Invalid as exc:
            self._problem(sub, str(exc), event_id)
            self._looked_for(sub, source, row, event_id)
            return None
        low, high = _count_bounds(row.get("value"), row["qualifier"])
        low = row.get("minimum", low)
        high = row.get("maximum", high)
        if low is not None and high is not None and low > high:
            self._problem(sub, f"count minimum {low} is above its maximum {high}", event_id)
            self._looked_for(sub, source, row, event_id)
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


def _text_bytes(record: RawRecord) -> bytes | None:
    """The bytes of the text a source record names, if it names one that can be read."""
    name = record.data.get("text")
    if not isinstance(name, str):
        return None
    try:
        return (record.base_dir / name).resolve().read_bytes()
    except (OSError, ValueError):
        return None


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
    lengths = ((c.key, getattr(c.type, "length", None)) for c in columns)
    return tuple((key, length) for key, length in lengths if length)




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
