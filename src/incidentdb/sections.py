"""What each section of a data file may hold: declared data, read by generic code.

A `Field` says the kind of value, whether it is required, the controlled list it
draws on, and the table it refers to. `validate.py` reads these declarations; to
add a field, declare it here and give the model its column.
"""

from __future__ import annotations

from dataclasses import dataclass

from incidentdb import vocabulary as v


@dataclass(frozen=True)
class Field:
    kind: str  # slug, text, name, int, iso-date, date, choice, choices, ref, refs, names,
    #            term, qualified-count, participants, counts, sha256, occurrence
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: str | None = None  # the section a `ref`/`refs` field points to
    column: str | None = None  # the column it fills, when not the field's own name


@dataclass(frozen=True)
class Section:
    name: str  # also the table name
    singular: str
    fields: dict[str, Field]
    evidence: bool = True  # has `source` and `excerpt`


ID = Field("slug", required=True)
EXCERPT = Field("text", required=True)
# Which occurrence of its excerpt in the source a record means (from 1), when the excerpt
# occurs more than once: the loader refuses an ambiguous excerpt without it.
OCCURRENCE = Field("occurrence")
# What every section with evidence holds besides its own fields.
EVIDENCE_FIELDS: dict[str, Field] = {"excerpt": EXCERPT, "occurrence": OCCURRENCE}
DATE = Field("date")


def _ref(section: str, required: bool = False, column: str | None = None) -> Field:
    return Field("ref", required=required, ref=section, column=column)


SECTIONS: dict[str, Section] = {
    s.name: s
    for s in (
        Section("sources", "source", {
            "id": ID,
            "title": Field("text", required=True),
            "publisher": Field("text", required=True),
            "published": Field("iso-date"),
            "events_year": Field("int", required=True),
            "url": Field("text"),
            "text": Field("text", required=True, column="text_path"),
            "sha256": Field("sha256", required=True),
            "licence": Field("text"),
        }, evidence=False),
        Section("offences", "offence", {
            "id": ID, "name": Field("name", required=True), "description": Field("text"),
        }),
        Section("people", "person", {
            "id": ID,
            "name": Field("name", required=True),
            "aliases": Field("names"),
            "description": Field("text"),
            "occupations": Field("choices", choices=v.OCCUPATIONS),
            "gender": Field("choice", choices=v.GENDERS),
            "nationality": Field("text"),
        }),
        Section("organizations", "organization", {
            "id": ID,
            "name": Field("name", required=True),
            "short_name": Field("name"),
            "kind": Field("choice", required=True, choices=v.ORGANIZATION_KINDS),
            "parent": _ref("organizations"),
            "country": Field("text"),
            "description": Field("text"),
        }),
        Section("memberships", "membership", {
            "id": ID,
            "person": _ref("people", required=True),
            "organization": _ref("organizations", required=True),
            "role": Field("choice", required=True, choices=v.MEMBERSHIP_ROLES),
            "date": DATE,
        }),
        Section("cases", "case", {
            "id": ID,
            "title": Field("text", required=True),
            "summary": Field("text"),
            "status": Field("choice", required=True, choices=v.CASE_STATUSES),
            "defendants": Field("refs", ref="people"),
            "defendant_count": Field("qualified-count"),
        }),
        Section("charges", "charge", {
            "id": ID,
            "case": _ref("cases", required=True),
            "person": _ref("people"),
            "offence": _ref("offences", required=True),
            "wording": Field("text", required=True),
            "characterisation": Field("choice", choices=v.CHARACTERISATIONS),
            "date": DATE,
            "outcome": Field("choice", choices=v.CHARGE_OUTCOMES),
        }),
        Section("sentences", "sentence", {
            "id": ID,
            "case": _ref("cases", required=True),
            "person": _ref("people"),
            "group": Field("text", column="group_description"),
            "group_count": Field("int"),
            "kind": Field("choice", required=True, choices=v.SENTENCE_KINDS),
            "term_months": Field("term"),
            "date": DATE,
            "court": _ref("organizations"),
            "replaces": _ref("sentences"),
            "change": Field("choice", choices=v.SENTENCE_CHANGES),
            "status": Field("choice", choices=v.SENTENCE_STATUSES),
        }),
        Section("events", "event", {
            "id": ID,
            "kind": Field("choice", required=True, choices=v.EVENT_KINDS),
            "title": Field("text", required=True),
            "summary": Field("text"),
            "place": Field("text"),
            "case": _ref("cases"),
            "date": DATE,
            "participants": Field("participants"),
            "counts": Field("counts"),
        }),
    )
}

PARTICIPANT_FIELDS: dict[str, Field] = {
    "person": _ref("people"),
    "organization": _ref("organizations"),
    "group": Field("text", column="group_description"),
    "role": Field("choice", required=True, choices=v.PARTICIPANT_ROLES),
    "excerpt": Field("text"),
    "occurrence": OCCURRENCE,  # of the participant's own excerpt
}

COUNT_FIELDS: dict[str, Field] = {
    "id": Field("slug"),
    "measure": Field("choice", required=True, choices=v.COUNT_MEASURES),
    "subject": Field("text", required=True),
    "value": Field("int"),
    "qualifier": Field("choice", required=True, choices=v.COUNT_QUALIFIERS),
    "minimum": Field("int"),
    "maximum": Field("int"),
    "excerpt": EXCERPT,
    "occurrence": OCCURRENCE,
}


def singular(section: str | None) -> str:
    if section in SECTIONS:
        return SECTIONS[section].singular
    return {"event_participants": "participant", "event_counts": "count"}.get(
        section or "", section or "record"
    )
