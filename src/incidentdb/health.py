"""The data's health: what `incidentdb check` reports.

The loader refuses bad input, but a database can also be edited by hand, loaded
by an older version, or hold facts that are each valid and together implausible
(a sentence dated before its charge). These checks read the database as it is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from incidentdb.bundle import bundled_path
from incidentdb.models import (
    DECLARATIONS,
    Base,
    Charge,
    Declaration,
    Sentence,
    Source,
    declaration,
)


@dataclass
class Health:
    counts: dict[str, int] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)  # not problems: what to know


def data_health(session: Session) -> Health:
    health = Health()
    for table in Base.metadata.sorted_tables:
        health.counts[table.name] = session.execute(
            select(func.count()).select_from(table)).scalar_one()
    health.findings += _missing_evidence(session)
    health.findings += _excerpts_not_in_source(session)
    health.findings += _dates_out_of_order(session)
    health.findings += _orphans(session)
    health.inferred = inferred_values(session)
    return health


def inferred_values(session: Session) -> list[str]:
    """Every value a curator inferred rather than read: "sentence 'x' status: reason"."""
    import json

    out = []
    for declared in DECLARATIONS:
        table = declared.table
        if "inferred" not in table.c:
            continue
        key = table.c.id if "id" in table.c else list(table.primary_key.columns)[0]
        for record_id, inferred in session.execute(
                select(key, table.c.inferred).where(table.c.inferred.is_not(None))
                .order_by(key)):
            out += [f"{declared.singular} {record_id!r} {name}: {reason}"
                    for name, reason in json.loads(inferred).items()]
    return out


def _missing_evidence(session: Session) -> list[str]:
    out = []
    for table in evidenced():
        query = select(table.c.id).where(or_(
            table.c.excerpt.is_(None), table.c.excerpt == "", table.c.excerpt_start.is_(None)))
        out += [f"{table.name} {rid!r}: no evidence excerpt" for rid in session.scalars(query)]
    return out


def source_text(source: Source) -> tuple[str | None, str | None]:
    """The text of a source, and a finding if it cannot be trusted.

    The text is the one the loader stored (`sources.content`), so a database can be
    checked wherever its data was loaded from. A database loaded before migration 0008
    holds no text: the bundled data folder's file stands in for it only if it still
    matches the SHA-256 the database holds, since offsets in any other text cite nothing.
    """
    if source.content is not None:
        if _sha256(source.content) != source.sha256:
            return None, (f"source {source.id!r}: the text stored in the database does not "
                          "match its sha256")
        return source.content, None
    path = bundled_path("data") / source.text_path
    stored = ("the database does not hold its text (loaded before incidentdb stored source "
              "texts: load its data again)")
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None, f"source {source.id!r}: {stored}, and {path} cannot be read"
    if _sha256(text) != source.sha256:
        return None, f"source {source.id!r}: {stored}, and {path} does not match its sha256"
    return text, None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _excerpts_not_in_source(session: Session) -> list[str]:
    texts: dict[str, str | None] = {}
    out = []
    for source in session.scalars(select(Source).order_by(Source.id)):
        texts[source.id], finding = source_text(source)
        if finding:
            out.append(finding)
    for table in evidenced():
        query = select(table.c.id, table.c.source_id, table.c.excerpt, table.c.excerpt_start,
                       table.c.excerpt_end).order_by(table.c.id)
        for rid, sid, excerpt, start, end in session.execute(query):
            text = texts.get(sid)
            if text is None:
                continue
            if " ".join(text[start:end].split()) != " ".join((excerpt or "").split()):
                out.append(f"{table.name} {rid!r}: excerpt not found at its offsets in {sid!r}")
    return out


def _dates_out_of_order(session: Session) -> list[str]:
    out = []
    early = (select(Sentence.id, Charge.id)
             .join(Charge, and_(Charge.case_id == Sentence.case_id,
                                or_(Charge.person_id.is_(None), Sentence.person_id.is_(None),
                                    Charge.person_id == Sentence.person_id)))
             .where(Sentence.date_end < Charge.date_start))
    for sentence, charge in session.execute(early):
        out.append(f"sentence {sentence!r} is dated before its charge {charge!r}")
    replaced = aliased(Sentence)
    before = (select(Sentence.id, replaced.id)
              .join(replaced, Sentence.replaces_id == replaced.id)
              .where(Sentence.date_end < replaced.date_start))
    for sentence, old in session.execute(before):
        out.append(f"sentence {sentence!r} is dated before the sentence {old!r} it replaces")
    return out


def _orphans(session: Session) -> list[str]:
    """Records nothing links to: each table that declares what links its records
    (`used_by`) reports those none of the references points to (`unlinked`)."""
    out = []
    for declared in DECLARATIONS:
        if not declared.unlinked:
            continue
        table = declared.table
        query = select(table.c.id).where(~or_(*_links(declared))).order_by(table.c.id)
        out += [f"{declared.singular} {rid!r} {declared.unlinked}"
                for rid in session.scalars(query)]
    return out


def _links(declared: Declaration) -> list:
    """A condition per reference declared in `used_by`: some row points to the record."""
    conditions = []
    for reference in declared.used_by:
        table_name, column = reference.split(".")
        referring = Base.metadata.tables[table_name].alias()  # may be the table itself
        conditions.append(exists().where(referring.c[column] == declared.table.c.id))
    return conditions


def evidenced() -> list:
    """The tables whose records carry evidence (a source and an excerpt), parents first."""
    return [t for t in Base.metadata.sorted_tables if declaration(t.name).evidence]
