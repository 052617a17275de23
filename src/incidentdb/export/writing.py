"""An export, written: every chosen table to its file in a folder, or one to a stream.

The format (`formats.FORMATS`) says what is written and how; this module opens the
snapshot, names the files and writes each one atomically (`files.atomic_file`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from incidentdb.export.files import atomic_file
from incidentdb.export.formats import Format, format_named
from incidentdb.export.tables import ExportError, resolve_tables, snapshot

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from sqlalchemy import Table
    from sqlalchemy.engine import Connection, Engine

    from incidentdb.shapes import Progress


@dataclass(frozen=True)
class WrittenFile:
    name: str  # the table, or what a whole-database format writes ("entities")
    path: Path | None  # None for a stream
    rows: int


@dataclass
class ExportReport:
    files: list[WrittenFile] = field(default_factory=list)
    package: Path | None = None

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)


def _chosen_tables(fmt: Format, tables: Sequence[str] | None) -> list[Table]:
    if fmt.database:
        raise ExportError(f"the {fmt.name} format writes one database file: "
                          "export_database writes it")
    if fmt.whole_database:
        if tables:
            raise ExportError(f"the {fmt.name} format exports every table as {fmt.unit}: "
                              "name no table")
        return []
    return resolve_tables(tables)


def _targets(fmt: Format, out_dir: Path,
             tables: Sequence[Table]) -> list[tuple[str, Path, Table | None]]:
    """Each file the format writes for these tables: its name, path and table."""
    if fmt.whole_database:
        return [(fmt.unit, out_dir / fmt.file, None)]
    return [(table.name, out_dir / fmt.file_name(table), table) for table in tables]


def _write_files(conn: Connection, fmt: Format, out_dir: Path, tables: Sequence[Table], *,
                 neutralised: bool, progress: Progress | None) -> ExportReport:
    report = ExportReport()
    for name, path, table in _targets(fmt, out_dir, tables):
        with atomic_file(path) as stream:
            count = fmt.write(conn, table, stream, neutralised=neutralised, progress=progress)
        report.files.append(WrittenFile(name, path, count))
    if fmt.package:
        report.package = out_dir / fmt.package
        with atomic_file(report.package) as stream:
            fmt.write_package(conn, tables, stream, neutralised=neutralised)
    return report


def export_tables(engine: Engine, out_dir: Path, fmt: str = "csv",
                  tables: Sequence[str] | None = None, *, neutralised: bool = True,
                  progress: Progress | None = None) -> ExportReport:
    """Write each table to OUT_DIR/<table>.<fmt> (and datapackage.json beside CSV files).

    With fmt "ftm", write every record as FollowTheMoney entities to entities.ftm.json.
    """
    chosen = format_named(fmt)
    chosen_tables = _chosen_tables(chosen, tables)
    out_dir.mkdir(parents=True, exist_ok=True)
    with snapshot(engine) as conn:
        return _write_files(conn, chosen, out_dir, chosen_tables, neutralised=neutralised,
                            progress=progress)


def export_stream(engine: Engine, stream: IO[str], fmt: str, table: str | None = None, *,
                  neutralised: bool = True, progress: Progress | None = None) -> int:
    """Write one table (or, with fmt "ftm", every entity) to a stream; return the rows."""
    chosen = format_named(fmt)
    _chosen_tables(chosen, None)  # a database format cannot go to a stream
    with snapshot(engine) as conn:
        target = None
        if table is not None and not chosen.whole_database:
            [target] = resolve_tables([table])
        return chosen.write(conn, target, stream, neutralised=neutralised, progress=progress)


def export_database(engine: Engine, path: Path, fmt: str = "sqlite", *,
                    progress: Progress | None = None) -> int:
    """Copy every table into one database file at `path` (a database format); return the
    rows copied."""
    chosen = format_named(fmt)
    if not chosen.database:
        raise ExportError(f"the {fmt} format writes into a folder, not one database file")
    return chosen.copy(engine, path, progress)
