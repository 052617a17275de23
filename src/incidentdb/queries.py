"""Read-only questions the CLI asks: plain functions that take a session and return rows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from incidentdb.models import Source


def has_sources(session: Session) -> bool:
    return session.execute(select(Source.id).limit(1)).first() is not None
