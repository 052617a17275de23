"""`incidentdb db`: create, upgrade and inspect the database schema."""

from __future__ import annotations

from typing import Annotated

import typer

from incidentdb.cli.app import app, db_url, err, refuse_read_only
from incidentdb.errors import UserError

db_app = typer.Typer(help="Create, upgrade and inspect the database schema.\n\n"
                     "Example: incidentdb db upgrade", no_args_is_help=True,
                     rich_markup_mode=None)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, revision: Annotated[str, typer.Argument(
        help="Target revision.")] = "head",
        force: Annotated[bool, typer.Option(
            "--force", help="Add incidentdb's tables to a database that holds another "
            "application's tables.")] = False) -> None:
    """Upgrade the schema to the newest revision (or REVISION).

    A database holding another application's tables is refused unless --force.

    Example: incidentdb --db sqlite:///incidents.db db upgrade
    """
    from incidentdb import migrate

    refuse_read_only(ctx, "db upgrade")
    migrate.upgrade(db_url(ctx), revision, force=force)
    err(f"Schema at revision {migrate.current(db_url(ctx))}.")


@db_app.command("downgrade")
def db_downgrade(ctx: typer.Context, revision: Annotated[str, typer.Argument(
        help="Target revision; 'base' removes every table.")] = "base") -> None:
    """Downgrade the schema to REVISION (default: base, an empty database).

    Example: incidentdb db downgrade base
    """
    from incidentdb import migrate

    refuse_read_only(ctx, "db downgrade")
    migrate.downgrade(db_url(ctx), revision)
    err(f"Schema at revision {migrate.current(db_url(ctx)) or 'base'}.")


@db_app.command("current")
def db_current(ctx: typer.Context) -> None:
    """Print the schema revision of the database, and the newest one this version knows.

    Example: incidentdb db current
    """
    from incidentdb import migrate
    from incidentdb.db import foreign_tables, make_engine, where

    current = migrate.current(db_url(ctx))  # a newer database's revision is an error
    head = migrate.head()
    if current is None:
        engine = make_engine(db_url(ctx), read_only=True)
        try:
            foreign = foreign_tables(engine)
            if foreign:
                raise UserError(f"{where(engine)} holds tables that are not incidentdb's "
                                f"({', '.join(foreign[:10])}) and no incidentdb schema")
        finally:
            engine.dispose()
    state = "up to date" if current == head else "behind: run `incidentdb db upgrade`"
    typer.echo(f"{current or 'base (no schema)'} (head {head}, {state})")


@db_app.command("check")
def db_check(ctx: typer.Context) -> None:
    """Check that the database schema matches the models (no drift).

    Example: incidentdb db check
    """
    from incidentdb import migrate

    drift = migrate.check(db_url(ctx))
    if drift:
        raise UserError(f"schema drift: {drift}")
    typer.echo("No drift: the database schema matches the models.")
