"""`incidentdb serve`: the database in a web page, through Datasette, read-only.

The work is in `incidentdb.web`; this module checks the options and the database,
says where the page is, and runs the server. Datasette and uvicorn are imported only
when the command runs: the command line's start-up does not pay for them.
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING, Annotated

import typer

from incidentdb.cli.app import app, db_url, err, open_engine
from incidentdb.errors import UserError

if TYPE_CHECKING:
    from datasette.app import Datasette


@app.command("serve")
def serve_command(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(
        "--port", "-p", min=1, max=65535, help="The port to listen on.")] = 8001,
    host: Annotated[str, typer.Option(
        "--host", help="The address to listen on; 127.0.0.1 (the default): only this "
        "computer can open the page.")] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option(
        "--open", help="Open the page in the web browser.")] = False,
    get: Annotated[str | None, typer.Option(
        "--get", metavar="PATH", help="Print one page (a path such as /-/month?month=2021-06) "
        "and exit, without serving: exit 1 unless it answers 200 OK.")] = None,
) -> None:
    """Browse the database in a web page (Datasette), read-only, until Ctrl-C.

    A case file by any spelling of a name, people by charge, events of a month, every
    table with its descriptions, facets and full-text search. A PostgreSQL database is
    served through a SQLite copy: incidentdb export --format sqlite --out FILE.

    Example: incidentdb serve --get /-/month?month=2021-06
    """
    from incidentdb import web

    web.require_sqlite(db_url(ctx))
    open_engine(ctx).dispose()  # the default database is made on first use; schema checked
    path = web.served_file(db_url(ctx))
    try:
        datasette = web.datasette_for(path)
    except ImportError:
        raise UserError("the web view needs Datasette: pip install 'incidentdb[web]'") from None
    if get is not None:
        _print_page(datasette, get)
        return
    _check_free(host, port)
    url = f"http://{host}:{port}/"
    err(f"Serving {path} read-only at {url} (Ctrl-C stops).")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    _run(datasette, host, port)


def _print_page(datasette: Datasette, path: str) -> None:
    import asyncio

    async def fetch() -> tuple[int, str]:
        await datasette.invoke_startup()
        response = await datasette.client.get(path)
        return response.status_code, response.text

    status, text = asyncio.run(fetch())
    typer.echo(text)
    if status != 200:
        raise UserError(f"{path} answered {status}")


def _check_free(host: str, port: int) -> None:
    """One line, before Datasette starts, when the address cannot be listened on."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise UserError(f"cannot listen on {host}:{port}: {reason}") from None


def _run(datasette: Datasette, host: str, port: int) -> None:
    import asyncio

    import uvicorn

    asyncio.run(datasette.invoke_startup())
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on",
                workers=1)
