"""The web view: Datasette over an incidentdb SQLite database, read-only.

`metadata` makes Datasette's metadata from the models and declarations (descriptions,
labels, sorts, facets, hidden tables, full-text search, the source and its licence);
`queries` holds the canned queries; `pages` the answers of the plugin's own pages, from
the library; `plugin` the Datasette hooks; `templates/` the pages' templates. `served_file`
says whether a database URL can be served, and `datasette_for` makes the Datasette that
serves it: immutable, so no URL can change it. Datasette is imported only here and in
`plugin`, never when the command line starts.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import TYPE_CHECKING

from incidentdb.db import (
    DatabaseError,
    check_revision,
    database_state,
    make_engine,
    resolve_url,
    sqlite_file,
)

if TYPE_CHECKING:
    from datasette.app import Datasette

TEMPLATES = Path(__file__).parent / "templates"


SQLITE_ONLY = ("the web view serves a SQLite file: make a copy of this database with "
               "`incidentdb export --format sqlite --out FILE`, then serve it with "
               "`incidentdb --db FILE serve`")


def require_sqlite(url: str | None) -> None:
    """Refuse, without connecting, a database that is not a SQLite file (PostgreSQL)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(resolve_url(url))
    if parsed.get_backend_name() != "sqlite" or sqlite_file(parsed) is None:
        raise DatabaseError(SQLITE_ONLY)


def served_file(url: str | None) -> Path:
    """The SQLite file of an incidentdb database at the current schema, with data, that
    Datasette can serve as it is; DatabaseError saying what to do otherwise."""
    from incidentdb.errors import UserError

    require_sqlite(url)
    engine = make_engine(url, read_only=True)
    try:
        path = sqlite_file(engine.url)
        if path is None or not os.path.isfile(path):
            raise DatabaseError(f"no database file {path}")
        _no_pending_changes(path)
        revision, has_data = database_state(engine)
        check_revision(revision)
        if not has_data:
            raise UserError("the database holds no data yet: run `incidentdb load`")
    finally:
        engine.dispose()
    return Path(path).resolve()


def _no_pending_changes(path: str) -> None:
    """Served immutable, a file is read without its write-ahead log: refuse one whose log
    holds changes not yet copied into the file (a load running, or one that was stopped)."""
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    if not wal.exists() or wal.stat().st_size == 0 or _all_checkpointed(shm):
        return
    raise DatabaseError(
        f"{path} has changes in its write-ahead log that a read-only server would not "
        "see: wait for the load writing to it to end, or serve a copy made with "
        "`incidentdb export --format sqlite --out FILE`")


def _all_checkpointed(shm: Path) -> bool:
    """Whether the WAL index says every frame of the log is in the database file: its
    header's mxFrame (bytes 16-19, native order) equals the checkpoint's nBackfill
    (bytes 96-99). Without an index, a log was left by a writer that stopped: not so."""
    try:
        with open(shm, "rb") as stream:
            header = stream.read(100)
    except OSError:
        return False
    if len(header) < 100:
        return False
    frames: int = struct.unpack("=I", header[16:20])[0]
    copied: int = struct.unpack("=I", header[96:100])[0]
    return frames == copied


def datasette_for(path: Path) -> Datasette:
    """A Datasette serving the file immutable, with incidentdb's metadata and pages."""
    from datasette.app import Datasette
    from datasette.plugins import pm
    from sqlalchemy.orm import Session

    from incidentdb.web import plugin
    from incidentdb.web.metadata import metadata

    if not pm.is_registered(plugin):
        pm.register(plugin, name="incidentdb")
    with Session(plugin.engine_for(str(path))) as session:
        meta = metadata(session, path.stem)
    return Datasette(immutables=[str(path)], metadata=meta, template_dir=str(TEMPLATES),
                     settings={"default_page_size": 50})
