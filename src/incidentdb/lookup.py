"""Finding a person or an organization from what a user types.

Users type names as they know them: in Azerbaijani or English spelling, with or
without accents, in part. Matching is on folded names (see `names.fold`), so
`Tofiq Yaqublu`, `yagublu` and `Tofig Yagublu` reach the same person. The
user's text only ever reaches SQL as a bound parameter, and LIKE patterns are
escaped, so `%` and `_` are matched literally.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, distinct, or_, select
from sqlalchemy.orm import Session

from incidentdb.errors import IncidentdbError, UserError
from incidentdb.models import (
    Case,
    InstrumentName,
    Offence,
    Organization,
    OrganizationName,
    Person,
    PersonName,
)
from incidentdb.names import fold


class LookupFailed(IncidentdbError):
    """No record, or several, match the user's text; `candidates` says which."""

    def __init__(self, message: str, candidates: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []

    def lines(self) -> list[str]:
        """The error, then the candidates, each with its name and, to copy, its id: the
        first CANDIDATES_SHOWN of them, and how many more there are."""
        shown = [f"  {name}  ({record_id})"
                 for record_id, name in self.candidates[:CANDIDATES_SHOWN]]
        more = len(self.candidates) - CANDIDATES_SHOWN
        return [*super().lines(), *shown, *([f"  …and {more:,} more"] if more > 0 else [])]


CANDIDATES_SHOWN = 10  # an ambiguous name lists this many of the records it matches


@dataclass(frozen=True)
class Found:
    id: str
    name: str


def find_person(session: Session, text: str) -> Found:
    key = fold(text)
    if not key:
        raise LookupFailed(f"no person matches {text!r}: type a name")
    exact = list(session.scalars(
        select(distinct(PersonName.person_id)).where(PersonName.folded == key)))
    if len(exact) == 1:
        return _person(session, exact[0])
    if not exact:
        tokens = key.split()
        condition = and_(*(_has_word_starting(t) for t in tokens))
        rows = session.execute(select(PersonName.person_id, PersonName.folded).where(condition))
        by_person: dict[str, list[str]] = {}
        for person_id, folded in rows:
            by_person.setdefault(person_id, []).append(folded)
        exact = sorted(by_person)
        whole_words = [p for p, names in by_person.items()
                       if any(set(tokens) <= set(n.split()) for n in names)]
        if len(exact) == 1:
            return _person(session, exact[0])
        if len(whole_words) == 1:
            return _person(session, whole_words[0])
    if not exact:
        raise LookupFailed(f"no person matches {text!r}" + _suggest(session, key))
    names = {pid: name for pid, name in session.execute(
        select(Person.id, Person.name).where(Person.id.in_(exact)))}
    candidates = sorted((pid, names[pid]) for pid in exact)
    raise LookupFailed(f"{text!r} matches {len(candidates)} people; be more precise",
                       candidates)


def _has_word_starting(token: str) -> Any:
    """The folded name has a word beginning with token (LIKE-escaped: `%`, `_` are literal)."""
    return or_(PersonName.folded.startswith(token, autoescape=True),
               PersonName.folded.contains(" " + token, autoescape=True))


def _person(session: Session, person_id: str) -> Found:
    return Found(person_id, session.get_one(Person, person_id).name)


def _suggest(session: Session, key: str) -> str:
    """'; did you mean ...' with the closest names (or surnames) on file, or nothing."""
    choices: dict[str, str] = {}
    for folded, name in session.execute(select(PersonName.folded, PersonName.name)):
        choices.setdefault(folded, name)
        for word in folded.split():
            choices.setdefault(word, name)
    shown: list[str] = []
    for match in difflib.get_close_matches(key, list(choices), n=6, cutoff=0.6):
        if choices[match] not in shown:
            shown.append(choices[match])
    return f"; did you mean {', '.join(shown[:3])}?" if shown else ""


def find_organization(session: Session, text: str) -> Found:
    """An organization by id, name, short name (APFP) or any other name the report gives
    it ("the Assembly"), exactly or by an unambiguous part."""
    key = fold(text)
    if not key:
        raise LookupFailed(f"no organization matches {text!r}: type a name")
    rows = session.execute(select(Organization.id, Organization.name,
                                  Organization.short_name)).all()
    keys = {row.id: {fold(row.id.replace("-", " ")), fold(row.name),
                     fold(row.short_name or "")} - {""} for row in rows}
    names = {row.id: row.name for row in rows}
    spelled = {fold(name): name for name in names.values()}  # what did-you-mean offers
    for org_id, name, folded in session.execute(select(
            OrganizationName.organization_id, OrganizationName.name, OrganizationName.folded)):
        keys.setdefault(org_id, set()).add(folded)  # the report's other names for it
        spelled.setdefault(folded, name)
    return _pick(text, key, keys, names, spelled, "organization")


def _pick(text: str, key: str, keys: dict[str, set[str]], names: dict[str, str],
          spelled: dict[str, str], what: str) -> Found:
    """The one record (of `what`, an organization or an instrument) one of whose folded
    names is `key`, else the one with a name holding it; LookupFailed with the closest
    names (`spelled`: folded -> as written) when none does, or the ones that match."""
    exact = [rid for rid, ks in keys.items() if key in ks]
    if not exact:
        exact = [rid for rid, ks in keys.items() if any(key in k for k in ks)]
    if len(exact) == 1:
        return Found(exact[0], names.get(exact[0], exact[0]))
    if not exact:
        close = difflib.get_close_matches(key, list(spelled), n=3)
        hint = f"; did you mean {', '.join(spelled[c] for c in close)}?" if close else ""
        raise LookupFailed(f"no {what} matches {text!r}{hint}")
    raise LookupFailed(f"{text!r} matches {len(exact)} {what}s; be more precise",
                       sorted((rid, names.get(rid, rid)) for rid in exact))


def find_instrument(session: Session, text: str) -> Found:
    """A treaty, convention, declaration or resolution by any name the report gives it
    ("the Istanbul Convention"), exactly or by an unambiguous part."""
    key = fold(text)
    if not key:
        raise LookupFailed(f"no instrument matches {text!r}: type a name")
    names: dict[str, str] = {}
    keys: dict[str, set[str]] = {}
    spelled: dict[str, str] = {}
    for instrument_id, name, kind, folded in session.execute(select(
            InstrumentName.instrument_id, InstrumentName.name, InstrumentName.kind,
            InstrumentName.folded).order_by(InstrumentName.instrument_id, InstrumentName.name)):
        keys.setdefault(instrument_id, {fold(instrument_id.replace("-", " "))}).add(folded)
        spelled.setdefault(folded, name)
        if kind == "name":
            names[instrument_id] = name
    return _pick(text, key, keys, names, spelled, "instrument")


def find_offence(session: Session, text: str) -> str:
    """An offence category's id, exactly (any case); LookupFailed with the closest ids."""
    ids = list(session.scalars(select(Offence.id).order_by(Offence.id)))
    wanted = text.strip().lower()
    if wanted in ids:
        return wanted
    close = difflib.get_close_matches(wanted, ids, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; incidentdb charges lists them"
    raise LookupFailed(f"no offence {text!r}{hint}")


def find_case(session: Session, text: str) -> str:
    """A case's id, exactly (any case); a UserError with the closest ids otherwise."""
    wanted = text.strip().lower()
    if session.get(Case, wanted) is not None:
        return wanted
    ids = list(session.scalars(select(Case.id).order_by(Case.id)))
    close = difflib.get_close_matches(wanted, ids, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; incidentdb cases lists them"
    raise UserError(f"no case has the id {text!r}{hint}")
