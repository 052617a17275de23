"""Controlled lists: the values a curator may use for kinds, roles and statuses.

They live in code, not in tables, because they change with the software (a new
event kind needs new queries), while offence categories are data and have their
own table.
"""

from __future__ import annotations

OCCUPATIONS = (
    "activist", "blogger", "journalist", "lawyer", "politician", "party-member",
    "party-leader", "official", "head-of-state", "diplomat", "human-rights-defender",
)

# Treaties, conventions, declarations and resolutions, and how an event names one.
INSTRUMENT_KINDS = ("treaty", "convention", "declaration", "resolution")
INSTRUMENT_ROLES = ("adopted", "called-to-ratify", "called-to-sign", "not-ratified",
                    "not-endorsed", "cited")

# How one person stands to another ("son of the APFP deputy chairman": child-of).
PERSON_RELATIONS = ("child-of", "parent-of", "sibling-of", "spouse-of", "relative-of")

ORGANIZATION_KINDS = (
    "political-party", "court", "prosecutor", "police", "government", "parliament",
    "parliamentary-committee", "intergovernmental-body", "human-rights-body", "ngo",
    "media", "embassy", "bar-association", "military", "security-service", "ombudsman",
    "municipal-authority", "delegation", "de-facto-authority",
)

MEMBERSHIP_ROLES = (
    "member", "activist", "leader", "deputy-chairman", "rapporteur", "commissioner",
    "president", "secretary-of-state", "head", "delegate", "official",
)

EVENT_KINDS = (
    "arrest", "detention", "charge", "trial", "conviction", "sentencing", "appeal",
    "sentence-change", "pardon", "release", "reinstatement", "disbarment", "killing",
    "injury", "death-in-custody", "torture-allegation", "ill-treatment",
    "execution-allegation", "surveillance", "statement", "resolution", "report",
    "exchange", "return", "custody", "hunger-strike", "protest", "damage", "removal",
    "dialogue", "investigation", "armed-conflict", "ceasefire", "agreement",
    # what the report says of a whole period rather than of one occasion
    "pattern", "condition",
)

PARTICIPANT_ROLES = (
    "subject", "victim", "defendant", "alleged-perpetrator", "perpetrator", "court",
    "prosecutor", "authority", "reporting-body", "speaker", "addressee", "target",
)

# How much of a group a participant is, where the report says only part of it ("most
# were killed by their husbands"): never widened to the whole group.
PARTICIPANT_QUALIFIERS = ("most", "many", "some", "several", "few")

COUNT_QUALIFIERS = (
    # with a number
    "exact", "at-least", "more-than", "nearly", "about",
    # without one: the report gives only a word
    "several", "dozens", "many", "numerous",
)
QUALIFIERS_WITHOUT_VALUE = ("several", "dozens", "many", "numerous")

COUNT_MEASURES = (
    "killed", "injured", "detained", "arrested", "sentenced", "released", "returned",
    "held", "damaged", "died", "executed", "murdered", "targeted", "convicted",
    "pardoned", "signatories", "defendants", "abused",
)

CASE_STATUSES = (
    "investigation", "pretrial", "trial", "convicted", "sentenced", "appeal",
    "pardoned", "released", "closed", "unknown",
)

CHARACTERISATIONS = ("bogus", "spurious", "dubious", "false", "politically-motivated")

CHARGE_OUTCOMES = ("pending", "convicted", "dropped", "acquitted", "pardoned", "unknown")

SENTENCE_KINDS = (
    "imprisonment", "life-imprisonment", "suspended", "conditional", "house-arrest", "fine",
)

SENTENCE_CHANGES = ("appeal", "substitution", "pardon", "commutation")

SENTENCE_STATUSES = ("serving", "replaced", "pardoned", "served", "released", "upheld", "unknown")

GENDERS = ("female", "male")
