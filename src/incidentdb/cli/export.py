"""The `incidentdb export` command: tables out as CSV, JSON, NDJSON or FollowTheMoney.

The work is in `incidentdb.export`; this module parses the options, draws progress
and says what was written. It registers onto the app of `incidentdb.cli.app`.
"""

from __future__ import annotations

import io
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from incidentdb.cli.app import app, err, open_engine
from incidentdb.errors import UserError


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    ndjson = "ndjson"
    ftm = "ftm"


@app.command("export")
def export_command(
    ctx: typer.Context,
    out: Annotated[str, typer.Option(
        "--out", "-o", metavar="DIR",
        help="Folder to write into (created if missing); '-' writes one table to stdout.")],
    tables: Annotated[list[str] | None, typer.Argument(
        metavar="TABLE", show_default=False,
        help="Tables to export. Default: every table, and the case_summary view.")] = None,
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="csv (with datapackage.json), json (one array per file), ndjson (one object "
        "per line), or ftm (FollowTheMoney entities in entities.ftm.json).")] = ExportFormat.csv,
    raw: Annotated[bool, typer.Option(
        "--raw", help="CSV: write cells beginning with = + - @ as they are, without "
        "neutralising them against spreadsheet formulas.")] = False,
) -> None:
    """Export tables as CSV with a Frictionless Data Package, JSON, NDJSON or FtM entities.

    Example: incidentdb export --format csv --out exports/
    """
    from incidentdb import export

    fmt_name = fmt.value
    if not out.strip():  # "" would be the current folder: say where, never guess
        raise typer.BadParameter("give a folder, or '-' for stdout", param_hint="--out")
    if fmt_name == "ftm" and tables:
        raise typer.BadParameter("ftm exports every table as entities: name no table",
                                 param_hint="--format")
    if out == "-" and fmt_name != "ftm" and len(tables or ()) != 1:
        raise typer.BadParameter("'-' writes one table to stdout: name exactly one table",
                                 param_hint="--out")
    export.resolve_tables(tables)
    if raw and fmt_name == "csv":
        from incidentdb.output import RAW_NOTE

        err(RAW_NOTE)
    engine = open_engine(ctx)
    if out == "-":
        rows = _to_stdout(engine, fmt_name, tables[0] if tables else None, not raw)
        what = "entities" if fmt_name == "ftm" else f"{tables[0]} rows"  # type: ignore[index]
        err(f"Exported {rows} {what} as {fmt_name} to stdout.")
        return
    report = _to_folder(engine, Path(out), fmt_name, tables, not raw)
    kind = "entities" if fmt_name == "ftm" else "rows"
    package = f", with {report.package.name}" if report.package else ""
    err(f"Exported {len(report.files)} file(s), {report.rows} {kind}, as {fmt_name} "
        f"to {out}{package}.")


def _to_folder(engine, out: Path, fmt: str, tables: list[str] | None,  # noqa: ANN001
               neutralised: bool):  # noqa: ANN202 - export.ExportReport
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


def _to_stdout(engine, fmt: str, table: str | None, neutralised: bool) -> int:  # noqa: ANN001
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
