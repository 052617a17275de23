"""The loader: read, validate, write, check, and commit only if nothing is wrong.

`load_paths` streams the data files record by record: each record is validated on
its own (`validate.Validator`) and its rows are written in batches (`writer`)
inside one transaction. Checks that need every record (duplicate ids, references)
then run as SQL over what was written. If any problem was found, every problem is
reported and the transaction is rolled back: the database is exactly as it was.
Otherwise the transaction commits. Loading the same files twice changes nothing.

A load adds and updates; it removes a record only when asked (`prune=True`). The
files given may be part of a source's data (one new file, a folder of sources), so
a record of a loaded source that the files do not hold is kept and reported, never
silently deleted; `prune` treats the files as the source's complete record set and
removes the rest, within the loaded sources only. The parts of a record that is in
the files (a person's names, an event's participants) are always replaced by what
the files say: that is an update of the record, not a removal.

YAML files (hand-curated, small) are read whole, so their sources and records may
come in any order; JSON Lines files (bulk) are streamed, after the YAML files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from incidentdb import readahead
from incidentdb.bulk import Suspended, rebuild, suspend, vacuum
from incidentdb.bundle import bundled_path
from incidentdb.chronology import Issue, derive
from incidentdb.curation import IdHints
from incidentdb.errors import IncidentdbError
from incidentdb.evidence import resolve as resolve_evidence
from incidentdb.models import chronology_of, declaration
from incidentdb.reading import Problem, RawRecord, find_data_files, is_json_lines, read_file
from incidentdb.sections import singular
from incidentdb.shapes import Progress
from incidentdb.validate import Validator
from incidentdb.writer import LoadWriter, RecordList, TableChange

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine, Transaction

# A load whose files hold at least this many bytes is large: it reads and validates in
# a second process while this one writes (incidentdb.readahead), and builds the indexes
# of the tables that were empty when it began once their rows are in (incidentdb.bulk).
LARGE_LOAD_BYTES = 8 * 1024 * 1024
Sink = Callable[[str, dict[str, Any], int, int], None]  # table, row, file number, line
# what a pass over the files found: problems, whether some input could not be read, the
# records refused, the source texts met, the number of records
Findings = tuple[list[Problem], bool, set[tuple[str, str]], set[Path], int]

__all__ = ["LoadError", "LoadReport", "RecordList", "TableChange", "load_paths",
           "validate_paths"]


class LoadError(IncidentdbError):
    """The input has problems; nothing was written.

    `unread` names what the given folders hold that was not read, as on success: a
    file skipped may be where the records that seem to be missing are.
    """

    def __init__(self, problems: list[Problem], unread: list[tuple[str, str]] | None = None,
                 ) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
        self.unread = unread or []

    def lines(self) -> list[str]:
        """The files not read, every problem (file:line: record: what), and the count."""
        return [*unread_warnings(self.unread), *map(str, self.problems),
                f"{len(self.problems)} problem(s); nothing was loaded."]


def unread_warnings(unread: list[tuple[str, str]]) -> list[str]:
    """A warning line for each file or folder a load did not read."""
    return [f"Warning: {shown} is {why} and was not read" for shown, why in unread]


@dataclass
class LoadReport:
    """What a load did (or, dry_run, would do).

    kept: per loaded source, its records in the database that the files do not hold
    and that stayed (without prune). removed: per source, the records pruned (with
    prune; their child rows go with them and are counted in `tables`). unread: files
    and folders under the given folders that were not read, each with the reason.
    notes: what went wrong after the load committed (the VACUUM after it).
    """

    files: int
    records: int
    tables: dict[str, TableChange] = field(default_factory=dict)
    dry_run: bool = False
    prune: bool = False
    kept: dict[str, RecordList] = field(default_factory=dict)
    removed: dict[str, RecordList] = field(default_factory=dict)
    unread: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for stderr, about a committed load

    @property
    def unchanged(self) -> bool:
        return not any(c.added or c.changed or c.removed for c in self.tables.values())


def default_data_path() -> Path:
    return bundled_path("data")


def _shown(path: Path) -> str:
    """A file's name as the user will recognise it: relative to the current folder if inside."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


class Reading:
    """One pass over the files: records to the validator, rows to a sink."""

    def __init__(self, paths: Iterable[Path], progress: Progress | None) -> None:
        paths = list(paths)
        self.paths = paths
        found = find_data_files(paths)
        # a file named on its own that is not a data file is a problem already
        self._named = {path.resolve() for path in paths if not path.is_dir()}
        self.files = found.files
        self._others = found.others
        self.shown = [_shown(path) for path in self.files]
        self.validator = Validator()
        self.validator.problems.extend(found.problems)
        self._found = len(found.problems)  # the problems of finding the files, at the start
        self.texts: set[Path] = set()  # the source texts the sources name: read, not data
        self.progress = progress
        self.records = 0
        self.total_bytes = sum(path.stat().st_size for path in self.files) or 1
        self._done_bytes = 0

    def run(self, sink: Sink) -> None:
        validator = self.validator
        for number, record in self._records():
            self.records += 1
            if record.section == "sources":
                self._note_text(record)
            add = validator.add_source if record.section == "sources" else validator.add
            for table, row, line in add(record) or ():
                sink(table, row, number, line)
            if self.progress and self.records % 5000 == 0:
                self.progress("reading", self._done_bytes + record.offset, self.total_bytes,
                              f"{self.records:,} records")
        if self.progress and self.records >= 5000:  # the bar's end: every record read
            self.progress("reading", self.total_bytes, self.total_bytes,
                          f"{self.records:,} records")
        if not self.files and not validator.problems:
            validator.problems.append(Problem("(no path)", None, "no data files found"))

    def findings(self) -> Findings:
        """What a pass found, for `take_over` in another process (readahead)."""
        v = self.validator
        return v.problems, v.incomplete, v.refused, self.texts, self.records

    def take_over(self, findings: Findings) -> None:
        """Take the findings of this pass as run in another process (readahead), the
        problems found here meanwhile (the writer's) after its own."""
        problems, self.validator.incomplete, self.validator.refused, self.texts, \
            self.records = findings
        self.validator.problems[:self._found] = problems

    def phase(self, stage: str, note: str) -> None:
        """Tell the progress bar that a phase whose work cannot be measured begins."""
        if self.progress:
            self.progress(stage, 0, 0, note)

    def _note_text(self, record: RawRecord) -> None:
        name = record.data.get("text")
        if isinstance(name, str):
            try:
                self.texts.add((record.base_dir / name).resolve())
            except (OSError, ValueError):
                pass  # a path no file can have: the validator says so

    def unread(self) -> list[tuple[str, str]]:
        """What the given folders hold that was not read (source texts excepted)."""
        return [(_shown(path), why) for path, why in self._others
                if path.resolve() not in self.texts and path.resolve() not in self._named]

    def _records(self) -> Iterator[tuple[int, RawRecord]]:
        """YAML records (sources first), then JSON Lines records as they are read."""
        whole: list[tuple[int, RawRecord]] = []
        streamed: list[int] = []
        for number, path in enumerate(self.files):
            if is_json_lines(path):
                streamed.append(number)
                continue
            whole.extend((number, item) for item in self._read(number))
            self._done_bytes += path.stat().st_size
        yield from ((n, r) for n, r in whole if r.section == "sources")
        for number in streamed:
            yield from ((number, item) for item in self._read(number, sources=True))
        yield from ((n, r) for n, r in whole if r.section != "sources")
        for number in streamed:
            yield from ((number, item) for item in self._read(number, sources=False))
            self._done_bytes += self.files[number].stat().st_size

    def _read(self, number: int, sources: bool | None = None) -> Iterator[RawRecord]:
        for item in read_file(self.files[number], self.shown[number], sources):
            if isinstance(item, Problem):
                self.validator.problems.append(item)
                self.validator.incomplete = True
            else:
                yield item

    def problem(self, number: int, line: int, message: str, section: str | None = None,
                record_id: str | None = None) -> None:
        self.validator.problems.append(
            Problem(self.shown[number], line, message, section, record_id))


@dataclass
class Validation:
    """What `validate_paths` found: problems, and the rows a load would write."""

    problems: list[Problem]
    rows: dict[str, list[dict[str, Any]]]
    files: int
    records: int


def validate_paths(paths: Iterable[Path]) -> Validation:
    """Validate records on their own, without a database, keeping every row in memory.

    For tests and small inputs: duplicate ids and references need the database.
    """
    reading = Reading(paths, None)
    rows: dict[str, list[dict[str, Any]]] = {}
    reading.run(lambda table, row, _file, _line: rows.setdefault(table, []).append(row))
    return Validation(reading.validator.problems, rows, len(reading.files), reading.records)


def load_paths(engine: Engine, paths: list[Path] | None = None, *, dry_run: bool = False,
               prune: bool = False, progress: Progress | None = None) -> LoadReport:
    """Load the files in one transaction (or, with dry_run, only report what would change).

    Records of the loaded sources that the files do not hold are kept and reported
    (`LoadReport.kept`); with prune they are removed (`LoadReport.removed`), and a
    reference to one of them is a problem.
    """
    reading = Reading(paths or [default_data_path()], progress)
    with engine.connect().execution_options(incidentdb_writer=True) as conn:  # db.WRITER
        transaction = conn.begin()
        try:
            writer = LoadWriter(conn, lambda table, number, line, rid, message: reading.problem(
                number, line, message, declaration(table).reported_as, rid))
            large = reading.total_bytes >= LARGE_LOAD_BYTES
            suspended = suspend(conn, writer.empty_at_start if large else ())
            if large and readahead.worth_it():
                readahead.run(reading, writer.add)
            else:
                reading.run(writer.add)
            writer.flush()
            reading.phase("checking", "ids and references")
            _check_whole_load(reading, writer, prune)
            problems = reading.validator.problems
            if problems:
                raise LoadError(_sorted(problems), reading.unread())
            kept, removed = writer.remove_unseen(prune)
            _check_shared_ids(reading, writer)
            _report(reading, writer, resolve_evidence(writer.conn))
            reading.phase("dating", "bounds from dates and relations")
            _report(reading, writer, derive(writer.conn))
            if problems:
                raise LoadError(_sorted(problems), reading.unread())
            writer.drop_seen()
            if dry_run:
                transaction.rollback()
            else:
                _commit(reading, writer, transaction, suspended)
        except BaseException:
            if transaction.is_active:
                transaction.rollback()
            raise
    notes: list[str] = []
    if not dry_run and (tables := writer.large_load_tables()):
        reading.phase("vacuuming", "PostgreSQL's VACUUM of the tables the load wrote")
        if note := vacuum(engine, tables):
            notes.append(note)
    return LoadReport(len(reading.files), reading.records, writer.changes, dry_run, prune,
                      kept, removed, reading.unread(), notes)


def _commit(reading: Reading, writer: LoadWriter, transaction: Transaction,
            suspended: Suspended) -> None:
    """Build the indexes the load suspended, renew the statistics, commit. A reference the
    database refuses only now (a record pruned that another source's record names) is a
    problem, said as one."""
    from sqlalchemy.exc import IntegrityError

    try:
        if suspended:
            reading.phase("indexing", "indexes and the full-text index, in bulk")
            rebuild(writer.conn, suspended)
        reading.phase("committing", "statistics, then commit")
        writer.refresh_statistics()
        transaction.commit()
    except IntegrityError as exc:
        raise LoadError([Problem("(database)", None, "a removed record is still referred to "
                                 f"by another source: {exc.orig}")]) from None


def _check_whole_load(reading: Reading, writer: LoadWriter, prune: bool) -> None:
    """Duplicate ids and references: the checks that need every record written."""
    validator = reading.validator
    for table, number, line, key, first_file, first_line in writer.duplicates():
        reading.problem(number, line, f"duplicate id (first defined at "
                        f"{reading.shown[first_file]}:{first_line})", table, key[0])
    if validator.incomplete:
        return  # an unreadable file may hold the records that seem to be missing
    hints = IdHints(writer.conn)
    for table, number, line, record_id, parent, target in writer.missing_references(prune):
        if (parent, target) in validator.refused:
            continue  # the refused record was reported already
        reading.problem(number, line, f"{singular(parent)} {target!r} does not exist"
                        f"{hints.hint([parent], target)}", declaration(table).reported_as,
                        record_id)


def _check_shared_ids(reading: Reading, writer: LoadWriter) -> None:
    """An id is one record's, whatever its table: `cite ID` must name one record."""
    for table, number, line, record_id, other, kept in writer.shared_ids():
        hint = (f"; that {singular(other)} is no longer in the files: --prune removes it"
                if kept else "")
        kind = singular(other)
        article = "an" if kind[0] in "aeiou" else "a"
        reading.problem(number, line, f"id {record_id!r} is also the id of {article} {kind}: "
                        f"ids are unique across all tables{hint}", table, record_id)


def _report(reading: Reading, writer: LoadWriter, issues: list[Issue]) -> None:
    """The problems found after every row was written (the further evidence's records,
    the chronology: incidentdb.evidence, incidentdb.chronology), each against the row of
    the load that states it, or the database's when the load did not hold it."""
    for issue in issues:
        table = chronology_of(issue.table).name if issue.chronology else issue.table
        found = writer.where(table, issue.chronology or issue.record_id)
        if found is None:  # a record already in the database that this load did not hold
            reading.validator.problems.append(Problem(
                "(database)", None, issue.message, issue.table, issue.record_id))
        else:
            reading.problem(found[0], found[1], issue.message, issue.table, issue.record_id)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))

