"""The Datasette plugin of the web view: its pages, links, menu and SQL function.

It acts only in a Datasette whose metadata names the incidentdb database (`plugins:
incidentdb: database:`, which `metadata.metadata` writes), so registering it does not
change Datasette for other databases. Its pages answer with the library, on a
SQLAlchemy engine that opens the served file read-only and immutable, as Datasette
does: `/-/person` (a case file, by any spelling of a name or by id), `/-/people`
(by charge or offence), `/-/month` (events of a month, uncertain ones marked).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from incidentdb.dates import DateError
from incidentdb.lookup import LookupFailed
from incidentdb.search import fts5_query
from incidentdb.web import pages
from incidentdb.web.metadata import PLUGIN
from incidentdb.web.queries import MATCH_FUNCTION

if TYPE_CHECKING:
    from datasette.app import Datasette
    from datasette.utils.asgi import Request
    from sqlalchemy.engine import Engine


def served(datasette: Datasette) -> str | None:
    """The name of the incidentdb database this Datasette serves; None: not ours."""
    config = datasette.plugin_config(PLUGIN) or {}
    return config.get("database")


@cache
def engine_for(path: str) -> Engine:
    """A read-only engine on the file, immutable as Datasette opens it (one per file)."""
    from incidentdb.db import make_engine

    return make_engine(f"sqlite:///file:{quote(path)}?immutable=1&uri=true", read_only=True)


def _answer(path: str, page: Callable[..., dict], **asked: str) -> dict:
    from sqlalchemy.orm import Session

    with Session(engine_for(path)) as session:
        return page(session, **asked)


async def _page(datasette: Datasette, request: Request, template: str,
                page: Callable[..., dict], asked: dict[str, str]) -> Response:
    """Run the library's page function off the event loop; render it, or its error."""
    database = served(datasette)
    if database is None:
        return Response.text("Not found", status=404)
    path = datasette.get_database(database).path
    context: dict[str, Any] = {"database": database, "asked": asked, "data": None,
                               "error": "", "choices": [],
                               "metadata": datasette.metadata()}  # the footer's licence
    status = 200
    if any(asked.values()) or template != "incidentdb_person.html":
        try:
            context["data"] = await asyncio.to_thread(_answer, path, page, **asked)
        except LookupFailed as exc:
            context["error"], context["choices"] = str(exc), pages.person_choices(exc)
            status = 404
        except DateError as exc:
            context["error"], status = str(exc), 400
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status)


def _given(request: Request, *names: str) -> dict[str, str]:
    return {name: (request.args.get(name) or "").strip()[:200] for name in names}


async def person_view(datasette: Datasette, request: Request) -> Response:
    asked = _given(request, "name", "id")
    return await _page(datasette, request, "incidentdb_person.html", _person,
                       {"name": asked["name"], "person_id": asked["id"]})


def _person(session: Any, *, name: str, person_id: str) -> dict:
    return pages.person_page(session, name=name, person_id=person_id)


async def people_view(datasette: Datasette, request: Request) -> Response:
    return await _page(datasette, request, "incidentdb_people.html", pages.people_page,
                       _given(request, "charge", "offence"))


async def month_view(datasette: Datasette, request: Request) -> Response:
    asked = _given(request, "month")
    if not asked["month"]:
        asked["month"] = "2021-06"  # the busiest month of the bundled report, as an example
    return await _page(datasette, request, "incidentdb_month.html", pages.month_page, asked)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/person$", person_view), (r"^/-/people$", people_view),
            (r"^/-/month$", month_view)]


READING = ("GET", "HEAD", "OPTIONS")


@hookimpl
def asgi_wrapper(datasette: Datasette) -> Callable[[Any], Any]:
    """Only requests that read reach Datasette: any other method (POST, PUT, DELETE...) is
    405 at the door, whatever the URL. The file is served immutable besides."""
    def wrap(asgi: Any) -> Any:
        async def only_reading(scope: dict, receive: Any, send: Any) -> None:
            if (scope["type"] == "http" and scope["method"] not in READING
                    and served(datasette) is not None):
                response = Response.text("Method not allowed: this database is read-only",
                                         status=405, headers={"Allow": ", ".join(READING)})
                await response.asgi_send(send)
                return
            await asgi(scope, receive, send)

        return only_reading

    return wrap


@hookimpl
def prepare_connection(conn: Any, database: str, datasette: Datasette) -> None:
    if database == served(datasette):
        conn.create_function(MATCH_FUNCTION, 1, lambda text: fts5_query(str(text or "")),
                             deterministic=True)


@hookimpl
def menu_links(datasette: Datasette) -> list[dict[str, str]]:
    database = served(datasette)
    if database is None:
        return []
    return [{"href": "/-/person", "label": "A person's case file"},
            {"href": "/-/people", "label": "People by charge or offence"},
            {"href": "/-/month", "label": "Events of a month"},
            {"href": f"/{database}/citation", "label": "A record's citation"},
            {"href": f"/{database}/search", "label": "Full-text search"}]


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                datasette: Datasette) -> Markup | None:
    """A person's name links to the case file; in the canned queries' results, a record
    id links to its row (citation) or its citation (search), a source id to its row."""
    if database != served(datasette) or not isinstance(value, str) or not value:
        return None
    href = None
    if table == "people" and column == "name":
        href = "/-/person?" + urlencode({"id": row["id"]})
    elif table is None:
        columns = set(row.keys()) if hasattr(row, "keys") else set()
        if column == "record_id":
            href = f"/{database}/citation?" + urlencode({"id": value})
        elif column == "id" and "table" in columns:
            href = datasette.urls.row(database, row["table"], quote(value, safe=""))
        elif column == "source_id":
            href = datasette.urls.row(database, "sources", quote(value, safe=""))
    if href is None:
        return None
    return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
