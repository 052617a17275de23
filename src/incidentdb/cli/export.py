"""The `incidentdb export` command: tables out as CSV, JSON, NDJSON or FollowTheMoney, or
the whole database into a SQLite file.

The work is in `incidentdb.export`; this module parses the options, draws progress
and says what was written. Its formats, and their help, come from the export's
registry (`incidentdb.export.formats`). It registers onto the app of `incidentdb.cli.app`.
"""

from __future__ import annotations

import io
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from incidentdb.cli.app import app, err, open_engine
from incidentdb.errors import UserError
from incidentdb.export.formats import DEFAULT, FORMATS, Format, formats_help

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from incidentdb.export import ExportReport

# --format's choices: the registry's names (mypy cannot see members made from a list).
ExportFormat = StrEnum("ExportFormat", [(name, name) for name in FORMATS])  # type: ignore[misc]
DEFAULT_FORMAT = ExportFormat(DEFAULT)


@app.command("export")
def export_command(
    ctx: typer.Context,
    out: Annotated[str, typer.Option(
        "--out", "-o", metavar="DIR",
        help="Folder to write into (created if missing); '-' writes one table to stdout; "
        "with --format sqlite, the database file to write.")],
    tables: Annotated[list[str] | None, typer.Argument(
        metavar="TABLE", show_default=False,
        help="Tables to export. Default: every table, and the case_summary view.")] = None,
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help=formats_help())] = DEFAULT_FORMAT,
    raw: Annotated[bool, typer.Option(
        "--raw", help="CSV: write cells beginning with = + - @ as they are, without "
        "neutralising them against spreadsheet formulas.")] = False,
) -> None:
    """Export tables as CSV with a Frictionless Data Package, JSON, NDJSON or FtM entities,
    or copy the whole database into one SQLite file (to serve or share it).

    Example: incidentdb export --format csv --out exports/
    """
    from incidentdb import export

    chosen = FORMATS[fmt.value]
    _check_options(chosen, out, tables)
    export.resolve_tables(tables)
    if raw and chosen.neutralised:
        from incidentdb.output import RAW_NOTE

        err(RAW_NOTE)
    engine = open_engine(ctx)
    if chosen.database:
        rows = _to_database(engine, Path(out), chosen.name)
        err(f"Exported the whole database, {rows} rows, as {chosen.name} to {out}.")
        return
    if out == "-":
        table = tables[0] if tables else None
        rows = _to_stdout(engine, chosen.name, table, not raw)
        what = chosen.unit if chosen.whole_database else f"{table} {chosen.unit}"
        err(f"Exported {rows} {what} as {chosen.name} to stdout.")
        return
    report = _to_folder(engine, Path(out), chosen.name, tables, not raw)
    package = f", with {report.package.name}" if report.package else ""
    err(f"Exported {len(report.files)} file(s), {report.rows} {chosen.unit}, as {chosen.name} "
        f"to {out}{package}.")


def _check_options(chosen: Format, out: str, tables: list[str] | None) -> None:
    """Usage errors: an empty --out, tables named to a whole-database format, '-' without
    exactly one table."""
    if not out.strip():  # "" would be the current folder: say where, never guess
        raise typer.BadParameter("give a folder, or '-' for stdout", param_hint="--out")
    if (chosen.whole_database or chosen.database) and tables:
        raise typer.BadParameter(
            f"{chosen.name} exports every table as {chosen.unit}: name no table",
            param_hint="--format")
    if chosen.database and out == "-":
        raise typer.BadParameter(f"{chosen.name} writes a database file: give its path",
                                 param_hint="--out")
    if out == "-" and not chosen.whole_database and len(tables or ()) != 1:
        raise typer.BadParameter("'-' writes one table to stdout: name exactly one table",
                                 param_hint="--out")


def _to_folder(engine: Engine, out: Path, fmt: str, tables: list[str] | None,
               neutralised: bool) -> ExportReport:
    from incidentdb import export
    from incidentdb.output import progress_reporter

    if out.exists() and not out.is_dir():
        raise UserError(f"{out} is not a folder")
    try:
        with progress_reporter() as progress:
            return export.export_tables(engine, out, fmt, tables, neutralised=neutralised,
                                        progress=progress)
    except BrokenPipeError:
        raise
    except OSError as exc:  # a folder we may not write to, a full disk
        raise UserError(f"cannot write to {out}: {exc.strerror or exc}") from None


def _to_database(engine: Engine, out: Path, fmt: str) -> int:
    from incidentdb import export
    from incidentdb.output import progress_reporter

    try:
        with progress_reporter() as progress:
            return export.export_database(engine, out, fmt, progress=progress)
    except OSError as exc:  # a folder we may not write to, a full disk
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None


def _to_stdout(engine: Engine, fmt: str, table: str | None, neutralised: bool) -> int:
    """Write to stdout, in UTF-8 whatever the locale says; a closed pipe ends quietly."""
    from incidentdb import export
    from incidentdb.output import progress_reporter

    stream = sys.stdout
    if (stream.encoding or "").lower().replace("-", "") != "utf8" and isinstance(
            stream, io.TextIOWrapper):
        stream.reconfigure(encoding="utf-8")
    with progress_reporter() as progress:
        rows = export.export_stream(engine, stream, fmt, table, neutralised=neutralised,
                                    progress=progress)
    stream.flush()  # here, so that a closed pipe is seen while the app's error path can end quietly
    return rows
