"""Controlled lists: the values a curator may use for kinds, roles and statuses.

They live in code, not in tables, because they change with the software (a new
event kind needs new queries), while offence categories are data and have their
own table.

Each list is written once, here, as its values with a one-line description each
(`_listed`): the code uses the values (a plain tuple of str, in the order written),
and `incidentdb vocab` shows the descriptions (`VOCABULARIES`), so that a user who has
only the installed package can read what each value means. The lists come in the
order of the data files' sections that use them (docs/data-format.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vocabulary:
    """A controlled list as `incidentdb vocab` shows it."""

    name: str  # how `incidentdb vocab` names it: "event-kinds"
    help: str  # one line: what its values say
    terms: tuple[tuple[str, str], ...]  # (value, one-line description), in order

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.terms)


_registered: list[Vocabulary] = []


def _listed(name: str, help_text: str, *terms: tuple[str, str]) -> tuple[str, ...]:
    """A controlled list's values, its descriptions registered for `incidentdb vocab`."""
    vocabulary = Vocabulary(name, help_text, terms)
    _registered.append(vocabulary)
    return vocabulary.values


# --- people ------------------------------------------------------------------------------

OCCUPATIONS = _listed(
    "occupations", "what a person is or does, as the report describes them",
    ("activist", "an activist"),
    ("blogger", "a blogger"),
    ("journalist", "a journalist"),
    ("lawyer", "a lawyer"),
    ("politician", "a politician (\"a leading politician of the opposition Musavat party\")"),
    ("party-member", "a member of a political party"),
    ("party-leader", "one of a political party's leaders (\"five party leaders\")"),
    ("official", "an official of a government or of an international body"),
    ("head-of-state", "a head of state (a country's president)"),
    ("diplomat", "a diplomat"),
    ("human-rights-defender", "a human rights defender"),
)

GENDERS = _listed(
    "genders", "a person's gender, given only where the report states it",
    ("female", "the report says she is a woman or refers to her as she"),
    ("male", "the report says he is a man or refers to him as he (\"son of\")"),
)

# How one person stands to another ("son of the APFP deputy chairman": child-of).
PERSON_RELATIONS = _listed(
    "person-relations", "how one person stands to another",
    ("child-of", "the person is a son or daughter of the other"),
    ("parent-of", "the person is a father or mother of the other"),
    ("sibling-of", "the person is a brother or sister of the other"),
    ("spouse-of", "the person is the husband or wife of the other"),
    ("relative-of", "another family tie, or one the report does not specify"),
)

# --- organizations and memberships ---------------------------------------------------------

ORGANIZATION_KINDS = _listed(
    "organization-kinds", "what kind of body an organization is",
    ("political-party", "a political party (APFP, Musavat)"),
    ("court", "a court, or a country's courts as the report names them"),
    ("prosecutor", "a prosecutor's office"),
    ("police", "a police force"),
    ("government", "a government, or an office of one (a president, a secretary of state)"),
    ("parliament", "a parliament or parliamentary assembly (European Parliament, PACE)"),
    ("parliamentary-committee", "a committee of a parliament or parliamentary assembly"),
    ("intergovernmental-body", "an organization of states (United Nations, European Union)"),
    ("human-rights-body", "a human rights mechanism of an intergovernmental organization"),
    ("ngo", "a non-governmental organization (Human Rights Watch)"),
    ("media", "a news outlet or journalists' organization (OCCRP)"),
    ("embassy", "an embassy"),
    ("bar-association", "a bar association"),
    ("military", "armed forces"),
    ("security-service", "a security or intelligence service"),
    ("ombudsman", "an ombudsman's office"),
    ("municipal-authority", "a city's or town's authority, or a department of it"),
    ("delegation", "a country's delegation to an international body"),
    ("de-facto-authority", "the de facto authorities of a territory (Nagorno-Karabakh's)"),
)

MEMBERSHIP_ROLES = _listed(
    "membership-roles", "what a person is in an organization (a membership)",
    ("member", "a member"),
    ("activist", "an activist of the organization"),
    ("leader", "one of its leaders"),
    ("deputy-chairman", "its deputy chairman"),
    ("rapporteur", "a rapporteur of it (of an assembly or committee)"),
    ("commissioner", "its commissioner"),
    ("president", "its president"),
    ("secretary-of-state", "its secretary of state"),
    ("head", "its head"),
    ("delegate", "a delegate in it"),
    ("official", "an official of it"),
)

# --- instruments ---------------------------------------------------------------------------

# Treaties, conventions, declarations and resolutions, and how an event names one.
INSTRUMENT_KINDS = _listed(
    "instrument-kinds", "what kind of text an instrument is",
    ("treaty", "a treaty (the Mine Ban Treaty)"),
    ("convention", "a convention (the Istanbul Convention)"),
    ("declaration", "a declaration states endorse (the Safe Schools Declaration)"),
    ("resolution", "a resolution of a parliament or assembly"),
)

# --- cases, charges, sentences -------------------------------------------------------------

CASE_STATUSES = _listed(
    "case-statuses", "where a prosecution stands, as the report tells it",
    ("investigation", "under investigation"),
    ("pretrial", "charged and awaiting trial"),
    ("trial", "on trial"),
    ("convicted", "the defendants were convicted; the report gives no sentence"),
    ("sentenced", "the defendants were sentenced"),
    ("appeal", "on appeal"),
    ("pardoned", "the defendant was pardoned"),
    ("released", "the defendants were released"),
    ("closed", "the case was closed"),
    ("unknown", "the report does not say"),
)

CHARACTERISATIONS = _listed(
    "characterisations", "the report's own word for a charge",
    ("bogus", "the report calls the charge bogus"),
    ("spurious", "the report calls the charge spurious"),
    ("dubious", "the report calls the charge dubious"),
    ("false", "the report calls the charge false"),
    ("politically-motivated", "the report calls the charge politically motivated"),
)

CHARGE_OUTCOMES = _listed(
    "charge-outcomes", "what became of a charge",
    ("pending", "not yet decided when the report was written"),
    ("convicted", "the defendant was convicted on it"),
    ("dropped", "the charge was dropped"),
    ("acquitted", "the defendant was acquitted of it"),
    ("pardoned", "the defendant was pardoned"),
    ("unknown", "the report does not say"),
)

SENTENCE_KINDS = _listed(
    "sentence-kinds", "what a sentence imposes",
    ("imprisonment", "a prison term"),
    ("life-imprisonment", "life in prison (no term in months)"),
    ("suspended", "a suspended sentence"),
    ("conditional", "a conditional sentence"),
    ("house-arrest", "house arrest"),
    ("fine", "a fine"),
)

SENTENCE_CHANGES = _listed(
    "sentence-changes", "why a sentence replaced an earlier one (its `replaces`)",
    ("appeal", "an appeals court replaced the earlier sentence"),
    ("substitution", "a court substituted another penalty for the earlier one"),
    ("pardon", "a pardon changed the earlier sentence"),
    ("commutation", "the earlier sentence was commuted to a lighter one"),
)

SENTENCE_STATUSES = _listed(
    "sentence-statuses", "where a sentence stands, as the report tells it",
    ("serving", "being served (marked inferred for a 2021 sentence with no later change reported)"),
    ("replaced", "replaced by a later sentence"),
    ("pardoned", "ended by a pardon"),
    ("served", "served in full"),
    ("released", "the person was released"),
    ("upheld", "upheld on appeal"),
    ("unknown", "the report does not say"),
)

# --- events --------------------------------------------------------------------------------

EVENT_KINDS = _listed(
    "event-kinds", "what happened in an event",
    ("arrest", "someone is arrested"),
    ("detention", "someone is detained (the act of detaining, however brief)"),
    ("charge", "charges are brought against someone"),
    ("trial", "a trial"),
    ("conviction", "a court convicts someone"),
    ("sentencing", "a court sentences someone"),
    ("appeal", "an appeal is heard or decided"),
    ("sentence-change", "a sentence is replaced by another"),
    ("pardon", "a pardon"),
    ("release", "someone is released"),
    ("reinstatement", "someone is reinstated (lawyers in the bar association)"),
    ("disbarment", "a lawyer is disbarred"),
    ("killing", "people are killed"),
    ("injury", "people are injured"),
    ("death-in-custody", "someone dies in custody"),
    ("torture-allegation", "torture, alleged or documented"),
    ("ill-treatment", "beatings, abuse or coercion, alleged or documented"),
    ("execution-allegation", "extrajudicial executions, alleged or documented"),
    ("surveillance", "people are spied on, as alleged or documented"),
    ("statement", "someone says something in public: a call, a claim, an allegation"),
    ("resolution", "a parliament or assembly adopts a resolution"),
    ("report", "a report or data is published"),
    ("exchange", "something given for something else (detainees for landmine maps)"),
    ("return", "people are returned (prisoners of war to their country)"),
    ("custody", "someone is held in custody over a time (pretrial detention)"),
    ("hunger-strike", "someone goes on hunger strike"),
    ("protest", "a protest"),
    ("damage", "property is damaged or destroyed"),
    ("removal", "something is taken down or taken away"),
    ("dialogue", "a formal dialogue between governments or bodies"),
    ("investigation", "an investigation"),
    ("armed-conflict", "a war or armed conflict"),
    ("ceasefire", "a ceasefire or truce"),
    ("agreement", "an international agreement, or a state's joining it or not"),
    # what the report says of a whole period rather than of one occasion
    ("pattern", 'a recurring practice over a period ("authorities typically dismissed")'),
    ("condition", 'a state of affairs over a period ("gender-based violence remained pervasive")'),
)

PARTICIPANT_ROLES = _listed(
    "participant-roles", "the part a person, organization or group takes in an event",
    ("subject", "whom the event is about or happens to (the one released, detained)"),
    ("victim", "who suffered the harm"),
    ("defendant", "who is charged, tried, convicted or sentenced"),
    ("alleged-perpetrator", "who is said or alleged to have done the harm"),
    ("perpetrator", "who did the harm, as the report states it"),
    ("court", "the court that decides"),
    ("prosecutor", "the prosecution"),
    ("authority", "the authority that acts, or fails to (detains, returns, removes)"),
    ("reporting-body", "who reported or documented it"),
    ("speaker", "who speaks: makes the statement, adopts the resolution, holds the dialogue"),
    ("addressee", "to whom a statement or resolution is addressed"),
    ("target", "at whom an act or an allegation is aimed"),
)

# How much of a group a participant is, where the report says only part of it ("most
# were killed by their husbands"): never widened to the whole group.
PARTICIPANT_QUALIFIERS = _listed(
    "participant-qualifiers", "how much of a group took part, where the report says only part",
    ("most", "the report says most of the group"),
    ("many", "the report says many of the group"),
    ("some", "the report says some of the group"),
    ("several", "the report says several of the group"),
    ("few", "the report says few of the group"),
)

COUNT_MEASURES = _listed(
    "count-measures", "what a count counts: what happened to the people or things",
    ("killed", "people killed"),
    ("injured", "people injured"),
    ("detained", "people detained"),
    ("arrested", "people arrested"),
    ("sentenced", "people sentenced"),
    ("released", "people released"),
    ("returned", "people returned (to their country)"),
    ("held", "people held captive, in custody or in prison"),
    ("damaged", "things damaged or destroyed (schools)"),
    ("died", "people who died"),
    ("executed", "people executed (extrajudicial executions, alleged)"),
    ("murdered", "people murdered (the report's word)"),
    ("targeted", "people targeted (by surveillance)"),
    ("convicted", "people convicted"),
    ("pardoned", "people pardoned"),
    ("signatories", "parties that signed an instrument (countries)"),
    ("defendants", "defendants in a case"),
    ("abused", "people subjected to abuse"),
)

COUNT_QUALIFIERS = _listed(
    "count-qualifiers", "how exact a count is, in the report's words",
    # with a number
    ("exact", "the report gives the number N itself (the default)"),
    ("at-least", "the report says \"at least N\""),
    ("more-than", "the report says \"more than N\" or \"over N\""),
    ("nearly", "the report says \"nearly N\""),
    ("about", "the report says \"about N\""),
    # without one: the report gives only a word
    ("several", "the report says \"several\", with no number"),
    ("dozens", "the report says \"dozens\" or \"several dozen\", with no number"),
    ("many", "the report says \"many\", with no number"),
    ("numerous", "the report says \"numerous\", with no number"),
)
QUALIFIERS_WITHOUT_VALUE = ("several", "dozens", "many", "numerous")

# How an event names an instrument (a treaty, convention, declaration or resolution).
INSTRUMENT_ROLES = _listed(
    "instrument-roles", "what an event says of an instrument it names",
    ("adopted", "the event is the instrument's adoption (a resolution adopted)"),
    ("called-to-ratify", "someone is called on to ratify it"),
    ("called-to-sign", "someone is called on to sign it"),
    ("not-ratified", "a state has not ratified it"),
    ("not-endorsed", "a state has not endorsed it"),
    ("cited", "the event cites it or refers to it"),
)

# Every list, in the order `incidentdb vocab` shows them.
VOCABULARIES: tuple[Vocabulary, ...] = tuple(_registered)
