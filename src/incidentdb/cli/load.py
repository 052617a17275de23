"""`incidentdb load` and `incidentdb check`: data files in, and the data's health."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from incidentdb.cli.app import app, db_url, err, reading, refuse_read_only

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from incidentdb.loader import LoadReport


@app.command("load")
def load(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Data files or folders (YAML, JSON Lines). Default: the bundled data.")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Validate and report what would change; write nothing.")] = False,
    prune: Annotated[bool, typer.Option(
        "--prune", help="Remove the records of the loaded sources that the files do not "
        "hold (without it they are kept and counted).")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Add incidentdb's tables to a database that holds another "
        "application's tables.")] = False,
) -> None:
    """Validate data files and load them into the database, in one transaction.

    Every problem is reported (file:line: record: what) and nothing is written if
    there is any. A load adds and updates; records of a loaded source that the files
    do not hold are kept unless --prune. Loading the same files twice changes nothing.

    Example: incidentdb load data/ --dry-run
    """
    import tempfile

    from incidentdb.db import make_engine
    from incidentdb.loader import load_paths
    from incidentdb.output import progress_reporter

    refuse_read_only(ctx, "load")
    engine = make_engine(db_url(ctx))
    with tempfile.TemporaryDirectory() as scratch:
        try:
            engine = _ready(engine, Path(scratch), dry_run=dry_run, force=force)
            with progress_reporter() as progress:
                report = load_paths(engine, paths or None, dry_run=dry_run, prune=prune,
                                    progress=progress)
        finally:
            engine.dispose()
    _say(report)


def _ready(engine: Engine, scratch: Path, *, dry_run: bool, force: bool) -> Engine:
    """The engine to load into, its schema created or checked.

    A dry run writes nothing, not even a schema: a database without one is compared
    with an empty database made in `scratch`.
    """
    from incidentdb import migrate
    from incidentdb.db import (
        check_revision,
        claim_for_writing,
        make_engine,
        refuse_foreign_tables,
        schema_revision,
    )

    if dry_run:  # another application's database: refused before anything is read
        refuse_foreign_tables(engine, force=force)
    else:
        claim_for_writing(engine, force=force)
    revision = schema_revision(engine)
    if revision is None:
        if dry_run:
            err("Note: the database has no schema yet; comparing with an empty database.")
            engine.dispose()
            engine = make_engine(f"sqlite:///{scratch / 'dry-run.db'}")
        migrate.upgrade(engine.url.render_as_string(hide_password=False), force=force)
        revision = schema_revision(engine)
    check_revision(revision)
    return engine


def _say(report: LoadReport) -> None:
    """What the load did: counts per table on stdout, removals listed, notes on stderr."""
    from incidentdb.loader import unread_warnings
    from incidentdb.sections import singular

    for line in [*unread_warnings(report.unread), *report.notes]:
        err(line)
    dry_run = report.dry_run
    verb = "would change" if dry_run else "loaded"
    typer.echo(f"{report.files} file(s), {report.records} record(s) {verb}:")
    for table, change in report.tables.items():
        typer.echo(f"  {table}: {change}")
    removing = "would remove" if dry_run else "removed"
    for source, records in report.removed.items():
        for table, record_id in records.records:
            typer.echo(f"{removing} {singular(table)} {record_id!r} (source {source!r})")
        if records.count > len(records.records):
            typer.echo(f"{removing} {records.count - len(records.records)} more record(s) of "
                       f"source {source!r}, not listed")
    for source, records in report.kept.items():
        one = records.count == 1
        kept = ("would be" if dry_run else "was" if one else "were") + " kept"
        err(f"{records.count} record{'' if one else 's'} of source {source!r} "
            f"{'is' if one else 'are'} not in these files and {kept}; --prune removes "
            f"{'it' if one else 'them'}")
    if dry_run:
        typer.echo("Dry run: nothing was written.")


@app.command("check")
def check(ctx: typer.Context,
          source: Annotated[str | None, typer.Argument(
              metavar="[SOURCE]", help="With --coverage: the source (default: every source).")
          ] = None,
          coverage: Annotated[bool, typer.Option(
              "--coverage", help="Which sentences of the source no record captures: the "
              "covered share, the sentences marked as not captured (with their reasons), "
              "and those left uncovered (a problem).")] = False) -> None:
    """Report the data's health: missing evidence, dates out of order, orphans, counts.

    Example: incidentdb check

    Example: incidentdb check --coverage hrw-wr2022-azerbaijan
    """
    if coverage:
        _coverage(ctx, source)
        return
    if source is not None:
        raise typer.BadParameter("a SOURCE is for --coverage")
    from incidentdb.health import data_health

    with reading(ctx) as session:
        health = data_health(session)
    for table, count in health.counts.items():
        typer.echo(f"{table:20} {count:>8}")
    for value in health.inferred:
        typer.echo(f"inferred: {value}")
    for finding in health.findings:
        typer.echo(f"problem: {finding}")
    if health.findings:
        err(f"{len(health.findings)} problem(s) found.")
        raise typer.Exit(1)
    typer.echo("No problems found.")


def _coverage(ctx: typer.Context, source: str | None) -> None:
    """`check --coverage`: per source, the share covered, the sentences omitted on
    purpose and those uncovered; exit 1 if any sentence is uncovered."""
    from incidentdb.coverage import coverage

    with reading(ctx) as session:
        reports = coverage(session, source)
    uncovered = 0
    for report in reports:
        typer.echo(f"{report.source_id}: {len(report.covered)} of {report.sentences} sentences "
                   f"covered ({report.share:.1%}), {len(report.omitted)} marked as not "
                   f"captured, {len(report.uncovered)} uncovered; {len(report.headings)} "
                   "headings not counted")
        for sentence, reasons in report.omitted:
            typer.echo(f"not captured [{sentence.start}-{sentence.end}] "
                       f"({'; '.join(reasons)}): {' '.join(sentence.text.split())}")
        for sentence in report.uncovered:
            typer.echo(f"uncovered [{sentence.start}-{sentence.end}]: "
                       f"{' '.join(sentence.text.split())}")
        uncovered += len(report.uncovered)
    if uncovered:
        err(f"{uncovered} sentence(s) neither captured nor marked as not captured.")
        raise typer.Exit(1)
