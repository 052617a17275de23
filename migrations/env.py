"""Alembic environment: resolves the database URL as the CLI does and batches on SQLite.

A migration's transaction begins as a writer (it waits for a load's lock rather
than failing midway); `alembic check` through incidentdb opens the database read-only.
"""

from __future__ import annotations

from alembic import context

from incidentdb.db import WRITER, make_engine, resolve_url
from incidentdb.models import Base

config = context.config
target_metadata = Base.metadata

# What migrations create but the models cannot declare (SQLite FTS5 and its shadow
# tables; PostgreSQL's full-text indexes and stored document vectors, 0014):
# autogenerate must not see them as drift.
UNMODELLED_PREFIXES = ("search_fts",)


def include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001 - Alembic hook
    unmodelled = name and name.startswith(UNMODELLED_PREFIXES)
    if type_ in ("table", "index", "column") and unmodelled:
        return False
    return True


def _url() -> str:
    return config.attributes.get("url") or resolve_url(config.get_main_option("sqlalchemy.url"))


def run_migrations_offline() -> None:
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    read_only = bool(config.attributes.get("read_only"))
    engine = make_engine(_url(), read_only=read_only)
    try:
        with engine.connect() as connection:
            if not read_only:
                connection.execution_options(**{WRITER: True})
            _run(connection)
    finally:
        engine.dispose()


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
