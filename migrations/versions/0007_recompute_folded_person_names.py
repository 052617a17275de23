"""recompute the folded names people are found by

`names.fold` now composes text (NFC) and drops invisible characters before it
folds, and merges the plain-ASCII forms of Azerbaijani letters with their
transliterations (s/sh/ş, c/ch/ç/j). `person_names.folded` holds keys made by the
old fold: a database loaded before this revision would no longer find people
typed as the new fold reads them (`Sahla Humbatova`), until a reload. This
recomputes every key; downgrade restores the old ones. No schema change.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from incidentdb.names import fold
from incidentdb.names import id_words as fold_until_0006  # the fold of 0001-0006, frozen

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERSON_NAMES = sa.table("person_names", sa.column("person_id", sa.String),
                        sa.column("name", sa.String), sa.column("folded", sa.String))
PAGE = 5000


def _recompute(key: Callable[[str], str]) -> None:
    """Every key made again, a page at a time in key order: memory stays bounded."""
    bind = op.get_bind()
    key_columns = sa.tuple_(PERSON_NAMES.c.person_id, PERSON_NAMES.c.name)
    after: tuple[str, str] | None = None
    while True:
        query = sa.select(PERSON_NAMES.c.person_id, PERSON_NAMES.c.name, PERSON_NAMES.c.folded)
        if after is not None:
            query = query.where(key_columns > sa.tuple_(*map(sa.literal, after)))
        rows = bind.execute(query.order_by(PERSON_NAMES.c.person_id, PERSON_NAMES.c.name)
                            .limit(PAGE)).all()
        if not rows:
            return
        changed = [{"p": person_id, "n": name, "f": key(name)}
                   for person_id, name, folded in rows if key(name) != folded]
        if changed:
            bind.execute(
                PERSON_NAMES.update()
                .where(PERSON_NAMES.c.person_id == sa.bindparam("p"),
                       PERSON_NAMES.c.name == sa.bindparam("n"))
                .values(folded=sa.bindparam("f")),
                changed,
            )
        after = (rows[-1].person_id, rows[-1].name)


def upgrade() -> None:
    _recompute(fold)


def downgrade() -> None:
    _recompute(fold_until_0006)
