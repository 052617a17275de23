"""validate.py on its own: raw records in, rows and one-line problems out.

The Validator is driven directly, record by record, with the invented report of the
malformed-input corpus (tests/malformed/_base/sources) as its one source: no
database and no CLI, so that mutation testing (tools/mutation.py) can run these per
mutant. Each expected value follows from docs/data-format.md and the module's
docstrings: what a field may hold, the message that says why not, where an excerpt
stands in its source, what a qualified count says for sure.
"""

from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import Any

import pytest

from incidentdb import validate
from incidentdb.checks import (
    KINDS,
    MAX_NUMBER,
    MAX_OCCURRENCES,
    MAX_TEXT,
    Invalid,
    check_value,
    kind_of,
)
from incidentdb.models import DECLARATIONS
from incidentdb.reading import LINE_KEY, RawRecord
from incidentdb.sections import EVIDENCE_FIELDS, Field
from incidentdb.validate import Ambiguous, SourceText, Validator

SOURCES = Path(__file__).resolve().parent / "malformed" / "_base" / "sources"
REPORT = (SOURCES / "report.txt").read_text(encoding="utf-8")
SHA = "a7a736d1baccc8e9cc60e80ce2bf2601721f78bf2379a29addadf775bf245ad2"
SOURCE = {"id": "examplestan-2021", "title": "Examplestan", "publisher": "tests",
          "published": "2022-01-10", "events_year": 2021, "text": "report.txt", "sha256": SHA}


def _validator() -> Validator:
    """A validator that has read the one source, so records may cite it."""
    validator = Validator()
    rows = validator.add_source(RawRecord("sources", dict(SOURCE), "src.yaml", 3, None, SOURCES))
    assert rows is not None and validator.problems == []
    return validator


def _add(validator: Validator, section: str, data: dict[str, Any], line: int = 5,
         source: str | None = "examplestan-2021", path: str = "d.yaml",
         ) -> list[tuple[str, dict[str, Any], int]] | None:
    # a copy: the validator takes its record apart, and parametrised data is shared by
    # every run of a test in one process (mutmut runs each test more than once)
    return validator.add(RawRecord(section, copy.deepcopy(data), path, line, source, SOURCES))


def _problems(validator: Validator) -> list[str]:
    said = [str(p) for p in validator.problems]
    validator.problems.clear()
    return said


def _refused(section: str, data: dict[str, Any]) -> list[str]:
    """The problem lines of one record, which must be refused."""
    validator = _validator()
    assert _add(validator, section, data) is None
    return _problems(validator)


PERSON = {"id": "p", "name": "Aynur Mammadova", "excerpt": "EDP deputy chairman Aynur Mammadova"}
EXCERPT = "EDP deputy chairman Aynur Mammadova"
START = REPORT.index(EXCERPT)
EDP = [i for i in range(len(REPORT)) if REPORT.startswith("EDP", i)]  # "(EDP)", "EDP deputy"


# --- values: one message each ------------------------------------------------------------


def _value(spec: Field, value: Any, name: str = "f") -> Any:
    return check_value(value, spec, name, 2021)


@pytest.mark.parametrize(("kind", "value", "message"), [
    ("text", True, "f must be text, not the YAML boolean True (an unquoted yes, no, on, off, "
     "true or false: put it in quotes)"),
    ("name", False, "f must be text, not the YAML boolean False (an unquoted yes, no, on, off, "
     "true or false: put it in quotes)"),
    ("text", 12, "f must be text, not int"),
    ("slug", ["a"], "f must be text, not list"),
    ("text", "", "f is empty"),
    ("text", " \n\t", "f is empty"),
    ("text", "x" * (MAX_TEXT + 1), f"f is too long ({MAX_TEXT + 1} characters, at most "
     f"{MAX_TEXT})"),
    # at the limit a text is not too long: what else is wrong with it is said
    ("text", "x" * (MAX_TEXT - 1) + "\x00", "f contains a control character"),
    ("text", "a\ud83db", "f contains half of a UTF-16 surrogate pair"),
    ("name", "a\udc00", "f contains half of a UTF-16 surrogate pair"),
    ("text", "a\u200bb", "f contains an invisible character U+200B (ZERO WIDTH SPACE): "
     "remove it"),
    ("name", "a\u202eb", "f contains an invisible character U+202E (RIGHT-TO-LEFT OVERRIDE): "
     "remove it"),
    ("text", "a\x00b", "f contains a control character"),
    ("text", "a\x0bb", "f contains a control character"),
    ("text", "a\x7fb", "f contains a control character"),
    ("text", "a\x9fb", "f contains a control character"),
    ("text", "a\x08b", "f contains a control character"),
    ("text", "a\x1fb", "f contains a control character"),
    ("name", "a\tb", "f contains a control character"),
    ("name", "a\nb", "f contains a control character"),
    ("ref", "a\nb", "f contains a control character"),
    ("slug", "a\tb", "f contains a control character"),
    ("slug", "Ab", "f 'Ab' is not a slug (lower-case words joined by '-')"),
    ("slug", "a--b", "f 'a--b' is not a slug (lower-case words joined by '-')"),
    ("slug", "a-", "f 'a-' is not a slug (lower-case words joined by '-')"),
    ("slug", "-a", "f '-a' is not a slug (lower-case words joined by '-')"),
    ("slug", "a b", "f 'a b' is not a slug (lower-case words joined by '-')"),
    ("sha256", "A" * 64, "f is not a SHA-256 in hex"),
    ("sha256", "a" * 63, "f is not a SHA-256 in hex"),
    ("sha256", "a" * 65, "f is not a SHA-256 in hex"),
    ("int", True, "f must be a whole number, not True"),
    ("int", "12", "f must be a whole number, not '12'"),
    ("int", 1.5, "f must be a whole number, not 1.5"),
    ("int", -1, "f must not be negative (-1)"),
    ("int", MAX_NUMBER + 1, f"f is too large ({MAX_NUMBER + 1}, at most {MAX_NUMBER})"),
    ("occurrence", False, "f must be a whole number (1 for the first), not False"),
    ("occurrence", "2", "f must be a whole number (1 for the first), not '2'"),
    ("occurrence", 0, f"f must be from 1 to {MAX_OCCURRENCES}, not 0"),
    ("occurrence", MAX_OCCURRENCES + 1, f"f must be from 1 to {MAX_OCCURRENCES}, not "
     f"{MAX_OCCURRENCES + 1}"),
    ("iso-date", "2021-3-8", "f '2021-3-8' is not a date (YYYY-MM-DD)"),
    ("iso-date", "20210308", "f '20210308' is not a date (YYYY-MM-DD)"),
    ("iso-date", "2021-W01-1", "f '2021-W01-1' is not a date (YYYY-MM-DD)"),
    ("iso-date", "2021-02-30", "f '2021-02-30' is not a date (YYYY-MM-DD)"),
    ("iso-date", " 2021-02-03", "f ' 2021-02-03' is not a date (YYYY-MM-DD)"),
    ("iso-date", 2021, "f 2021 is not a date (YYYY-MM-DD)"),
    ("names", "Mammadova", "f must be a list"),
    ("names", ["ok", ""], "f item is empty"),
    ("names", ["ok", "a\tb"], "f item contains a control character"),
    ("refs", ["ok", "a\nb"], "f item contains a control character"),
    ("term", "24", "f must be a number of months or {min, max}"),
    ("term", True, "f must be a number of months or {min, max}"),
    ("term", {}, "f must be a number of months or {min, max}"),
    ("term", {"min": 2, "most": 3}, "f must be a number of months or {min, max}"),
    ("term", 0, "f bounds must be positive whole numbers of months"),
    ("term", -3, "f bounds must be positive whole numbers of months"),
    ("term", {"min": 2}, "f bounds must be positive whole numbers of months"),
    ("term", {"max": 2}, "f bounds must be positive whole numbers of months"),
    ("term", {"min": True, "max": 2}, "f bounds must be positive whole numbers of months"),
    ("term", {"min": 1, "max": "2"}, "f bounds must be positive whole numbers of months"),
    ("term", MAX_NUMBER + 1, f"f is too large ({MAX_NUMBER + 1}, at most {MAX_NUMBER})"),
    ("term", {"min": 1, "max": MAX_NUMBER + 1}, f"f is too large ({MAX_NUMBER + 1}, at most "
     f"{MAX_NUMBER})"),
    ("term", {"min": 48, "max": 24}, "f range reversed: min 48 is above max 24"),
    ("qualified-count", "12", "f must be a number or {value, qualifier}"),
    ("qualified-count", True, "f must be a number or {value, qualifier}"),
    ("qualified-count", {"value": 3, "qualifer": "exact"}, "f has unknown field 'qualifer'"),
    ("qualified-count", {"value": 3, "b": 1, "a": 2}, "f has unknown field 'a'"),
    # YAML keys need not be text (`2: 1`): the first unknown one, in the order of their text
    ("qualified-count", {"value": 3, "b": 1, 2: 1}, "f has unknown field 2"),
    ("qualified-count", {"value": 3, "qualifier": "roughly"}, "f qualifier 'roughly' is not "
     "one of: exact, at-least, more-than, nearly, about, several, dozens, many, numerous"),
    ("qualified-count", {"value": "3"}, "f value must be a whole number, not '3'"),
    ("qualified-count", {"value": -3}, "f value must not be negative (-3)"),
    ("qualified-count", {"qualifier": "about"}, "f qualifier 'about' needs a value"),
    ("qualified-count", {"value": 3, "qualifier": "dozens"}, "f qualifier 'dozens' takes no "
     "value"),
    ("qualified-count", -3, "f value must not be negative (-3)"),
])
def test_a_wrong_value_is_refused_with_its_message(kind: str, value: Any, message: str) -> None:
    with pytest.raises(Invalid) as refused:
        _value(Field(kind, choices=("a", "b")), value)
    assert str(refused.value) == message


def test_a_choice_outside_its_list_names_the_list() -> None:
    with pytest.raises(Invalid) as refused:
        _value(Field("choice", choices=("ab", "cd", "ef")), "gh", "kind")
    assert str(refused.value) == "kind 'gh' is not one of: ab, cd, ef"
    with pytest.raises(Invalid) as refused:
        _value(Field("choices", choices=("ab", "cd")), ["ab", "x"], "jobs")
    assert str(refused.value) == "jobs item 'x' is not one of: ab, cd"


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("text", "a\tb\nc", "a\tb\nc"),  # tab and newline are allowed in text, not in names
    ("text", "x" * MAX_TEXT, "x" * MAX_TEXT),
    ("text", " a ", " a "),
    ("name", "Ağayev", "Ağayev"),
    ("slug", "a-b-0", "a-b-0"),
    ("sha256", SHA, SHA),
    ("int", 0, 0),
    ("int", MAX_NUMBER, MAX_NUMBER),
    ("occurrence", 1, 1),
    ("occurrence", MAX_OCCURRENCES, MAX_OCCURRENCES),
    ("iso-date", "2021-03-08", datetime.date(2021, 3, 8)),
    ("iso-date", datetime.date(2021, 3, 8), datetime.date(2021, 3, 8)),
    ("names", [], []),
    ("names", ["A", "B"], ["A", "B"]),
    ("choices", ["a", "b"], ["a", "b"]),
    ("choice", "b", "b"),
    ("term", 24, (24, 24)),
    ("term", 1, (1, 1)),
    ("term", {"min": 24, "max": 48}, (24, 48)),
    ("term", {"min": 24, "max": 24}, (24, 24)),
    ("term", {"max": MAX_NUMBER, "min": MAX_NUMBER}, (MAX_NUMBER, MAX_NUMBER)),
    ("qualified-count", 12, (12, "exact")),
    ("qualified-count", 0, (0, "exact")),
    ("qualified-count", {"value": 12}, (12, "exact")),
    ("qualified-count", {"value": 12, "qualifier": "about"}, (12, "about")),
    ("qualified-count", {"qualifier": "dozens"}, (None, "dozens")),
])
def test_a_right_value_is_kept(kind: str, value: Any, expected: Any) -> None:
    assert _value(Field(kind, choices=("a", "b")), value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("", "date text is empty"),
    ({"text": "x", "when": 1}, "date has unknown field 'when'"),
    ({"z": 1, "edtf": "2021", "y": 2}, "date has unknown field 'y'"),
    ({"edtf": 2021}, "date edtf must be a quoted string, not 2021"),
    ({"edtf": "2021\u200b"}, "date edtf contains an invisible character U+200B (ZERO WIDTH "
     "SPACE): remove it"),
    ({"text": 5, "edtf": "2021"}, "date text must be text"),
    ({"text": "", "edtf": "2021"}, "date text is empty"),
    ({"text": "a\x00", "edtf": "2021"}, "date text contains a control character"),
    (datetime.date(2021, 3, 8), "date must be a phrase or {text, edtf}, not the bare "
     "2021-03-08 (write {text: <the report's words>, edtf: \"2021-03-08\"})"),
    (2021, "date must be a phrase or {text, edtf}, not the bare 2021 (write {text: <the "
     "report's words>, edtf: \"2021\"})"),
    (True, "date must be a phrase or {text, edtf}, not True"),
    (["In January"], "date must be a phrase or {text, edtf}, not ['In January']"),
])
def test_a_wrong_date_is_refused_with_its_message(value: Any, message: str) -> None:
    with pytest.raises(Invalid) as refused:
        _value(Field("date"), value, "date")
    assert str(refused.value) == message


def test_a_date_error_names_its_field() -> None:
    with pytest.raises(Invalid) as refused:
        _value(Field("date"), {"text": "In January", "edtf": "2021-02"}, "date")
    assert str(refused.value).startswith("date: ")


def test_a_date_phrase_means_the_sources_year() -> None:
    """`In January` is January of the source's events_year; text and edtf together agree."""
    assert check_value("In January", Field("date"), "date", 2019) == {
        "date_text": "In January", "date_edtf": "2019-01", "date_precision": "month",
        "date_start": datetime.date(2019, 1, 1), "date_end": datetime.date(2019, 1, 31),
        "date_throughout": False}
    assert check_value({"text": "a year earlier", "edtf": "2020"}, Field("date"), "date",
                       2021)["date_edtf"] == "2020"
    assert check_value({"edtf": "2020-03"}, Field("date"), "date", 2021)["date_end"] == (
        datetime.date(2020, 3, 31))


def test_every_kind_a_field_declares_has_a_checker() -> None:
    """checks.KINDS holds a checker for every kind any Field declaration uses, and none
    that no field uses: a kind without one would otherwise be a value never checked."""
    declared = [spec for table in DECLARATIONS for spec in table.fields.values()]
    declared += EVIDENCE_FIELDS.values()
    kinds = {spec.kind for spec in declared}
    assert {"participants", "counts", "occurrence", "term"} <= kinds  # every table was seen
    assert kinds == set(KINDS)
    assert all(kind_of(spec) is KINDS[spec.kind] for spec in declared)


def test_a_kind_with_no_checker_is_an_error_not_a_pass_through() -> None:
    with pytest.raises(LookupError) as refused:
        _value(Field("colour"), "red")
    assert str(refused.value) == "field kind 'colour' has no checker in checks.KINDS"
    validator = _validator()
    with pytest.raises(LookupError):
        validator._record(RawRecord("people", {"x": "red"}, "d.yaml", 5),
                          {"x": Field("colour")}, 2021)


@pytest.mark.parametrize(("kind", "value", "row"), [
    ("text", "a", {"f": "a"}),
    ("ref", "p", {"f_id": "p"}),
    ("term", 24, {"term_min_months": 24, "term_max_months": 24}),
    ("qualified-count", 3, {"f": 3, "f_qualifier": "exact"}),
    ("date", {"edtf": "2020"}, {"date_text": None, "date_edtf": "2020", "date_precision": "year",
                                "date_start": datetime.date(2020, 1, 1),
                                "date_end": datetime.date(2020, 12, 31),
                                "date_throughout": False}),
])
def test_each_kind_puts_its_value_into_its_columns(kind: str, value: Any,
                                                   row: dict[str, Any]) -> None:
    validator = _validator()
    record = RawRecord("people", {"f": value}, "d.yaml", 5)
    assert validator._record(record, {"f": Field(kind)}, 2021) == row
    column = Field(kind, column="other")
    if kind in ("text", "ref"):  # a declared column replaces the field's own name
        assert validator._record(RawRecord("people", {"f": value}, "d.yaml", 5),
                                 {"f": column}, 2021) == {"other": value}


# --- records -----------------------------------------------------------------------------


def test_a_person_becomes_its_row_its_names_and_occupations() -> None:
    validator = _validator()
    rows = _add(validator, "people", dict(
        PERSON, aliases=["Mammadova", "Mammadova"], occupations=["party-member"],
        gender="female", nationality="Examplestani"))
    assert validator.problems == []
    assert rows == [
        ("people", {"id": "p", "name": "Aynur Mammadova", "gender": "female",
                    "nationality": "Examplestani", "source_id": "examplestan-2021",
                    "excerpt": EXCERPT, "excerpt_start": START,
                    "excerpt_end": START + len(EXCERPT)}, 5),
        ("person_names", {"person_id": "p", "name": "Aynur Mammadova", "kind": "name",
                          "folded": "aynur mammadova"}, 5),
        ("person_names", {"person_id": "p", "name": "Mammadova", "kind": "alias",
                          "folded": "mammadova"}, 5),
        ("person_occupations", {"person_id": "p", "occupation": "party-member"}, 5)]
    assert REPORT[START:START + len(EXCERPT)] == EXCERPT


def test_a_case_a_sentence_and_a_membership_become_their_rows() -> None:
    validator = _validator()
    case = _add(validator, "cases", {
        "id": "c", "title": "T", "status": "sentenced", "defendants": ["p", "q"],
        "defendant_count": {"value": 12, "qualifier": "more-than"}, "excerpt": "hooliganism"})
    sentence = _add(validator, "sentences", {
        "id": "s", "case": "c", "kind": "imprisonment", "term_months": {"min": 24, "max": 48},
        "group": "others", "court": "k", "date": "On March 8",
        "excerpt": "between two and four years"})
    membership = _add(validator, "memberships", {
        "id": "m", "person": "p", "organization": "o", "role": "deputy-chairman",
        "excerpt": "deputy chairman"})
    assert _problems(validator) == []
    at = REPORT.index("hooliganism")
    assert case == [
        ("cases", {"id": "c", "title": "T", "status": "sentenced", "defendant_count": 12,
                   "defendant_count_qualifier": "more-than", "source_id": "examplestan-2021",
                   "excerpt": "hooliganism", "excerpt_start": at, "excerpt_end": at + 11}, 5),
        ("case_defendants", {"case_id": "c", "person_id": "p"}, 5),
        ("case_defendants", {"case_id": "c", "person_id": "q"}, 5)]
    assert sentence is not None and sentence[0][1]["term_min_months"] == 24
    row = sentence[0][1]
    assert (row["term_max_months"], row["group_description"], row["court_id"], row["case_id"],
            row["date_start"]) == (48, "others", "k", "c", datetime.date(2021, 3, 8))
    assert membership is not None and (membership[0][1]["person_id"],
                                       membership[0][1]["organization_id"]) == ("p", "o")


def test_an_event_with_participants_and_counts() -> None:
    validator = _validator()
    rows = _add(validator, "events", {
        "id": "e", "kind": "detention", "title": "T", "excerpt": "police in Sampleton detained",
        "participants": [
            {"group": "12 journalists!", "role": "victim", LINE_KEY: 7},
            {"person": "aynur-mammadova", "role": "victim", LINE_KEY: 8,
             "excerpt": "Aynur Mammadova was arrested"},
            {"organization": "edp", "role": "authority", LINE_KEY: 9},
            {"person": "aynur-mammadova", "role": "victim", LINE_KEY: 10}],
        "counts": [
            {"measure": "detained", "subject": "members", "value": 12, "qualifier": "at-least",
             "excerpt": "at least 12", LINE_KEY: 11},
            {"id": "dozens", "measure": "detained", "subject": "members",
             "qualifier": "dozens", "excerpt": "EDP", "occurrence": 2, LINE_KEY: 12},
            {"measure": "detained", "subject": "members", "value": 12, "qualifier": "exact",
             "minimum": 10, "excerpt": "at least 12"}]})
    assert _problems(validator) == []
    assert rows is not None
    event_at = REPORT.index("police in Sampleton detained")
    own_at = REPORT.index("Aynur Mammadova was arrested")
    event_evidence = {"source_id": "examplestan-2021", "excerpt": "police in Sampleton detained",
                      "excerpt_start": event_at, "excerpt_end": event_at + 28}
    assert rows[0] == ("events", {"id": "e", "kind": "detention", "title": "T",
                                  **event_evidence}, 5)
    assert [(t, line) for t, _, line in rows[1:]] == [
        ("event_participants", 7), ("event_participants", 8), ("event_participants", 9),
        ("event_counts", 11), ("event_counts", 12), ("event_counts", 5)]
    assert rows[1][1] == {"group_description": "12 journalists!", "role": "victim",
                          **event_evidence, "id": "e/victim/12-journalists", "event_id": "e",
                          "person_id": None, "organization_id": None}
    assert rows[2][1] == {"person_id": "aynur-mammadova", "role": "victim",
                          "source_id": "examplestan-2021",
                          "excerpt": "Aynur Mammadova was arrested", "excerpt_start": own_at,
                          "excerpt_end": own_at + 28, "id": "e/victim/aynur-mammadova",
                          "event_id": "e", "organization_id": None,
                          "group_description": None}
    assert rows[3][1]["id"] == "e/authority/edp"
    at_least = REPORT.index("at least 12")
    second_edp = EDP[1]
    assert rows[4][1] == {"measure": "detained", "subject": "members", "value": 12,
                          "qualifier": "at-least", "source_id": "examplestan-2021",
                          "excerpt": "at least 12", "excerpt_start": at_least,
                          "excerpt_end": at_least + 11, "minimum": 12, "maximum": None,
                          "event_id": "e", "id": "e/1"}
    assert (rows[5][1]["id"], rows[5][1]["value"], rows[5][1]["minimum"],
            rows[5][1]["maximum"], rows[5][1]["excerpt_start"]) == (
        "e/dozens", None, None, None, second_edp)
    assert (rows[6][1]["id"], rows[6][1]["minimum"], rows[6][1]["maximum"]) == ("e/3", 10, 12)


def test_a_group_participant_is_keyed_by_its_words() -> None:
    validator = _validator()
    rows = _add(validator, "events", {
        "id": "e", "kind": "detention", "title": "T", "excerpt": "police in Sampleton detained",
        "participants": [{"group": "!!!", "role": "victim"},
                         {"group": "b" * 130, "role": "target"}]})
    assert _problems(validator) == []
    assert rows is not None
    assert [r[1]["id"] for r in rows[1:]] == ["e/victim/x", "e/target/" + "b" * 120]


@pytest.mark.parametrize(("participant", "message"), [
    ("victim", "d.yaml:5: event 'e': a participant must be a mapping"),
    ({"role": "victim", LINE_KEY: 7}, "d.yaml:7: event 'e': a participant needs exactly one of "
     "person, organization, group"),
    ({"person": "p", "group": "g", "role": "victim", LINE_KEY: 7}, "d.yaml:7: event 'e': a "
     "participant needs exactly one of person, organization, group"),
    ({"person": "p", "role": "victim", "occurrence": 1, LINE_KEY: 7}, "d.yaml:7: event 'e': "
     "occurrence needs the participant's own excerpt"),
    ({"person": "p", "role": "victim", "excerpt": "nowhere", LINE_KEY: 7}, "d.yaml:7: event "
     "'e': excerpt not found in source 'examplestan-2021': 'nowhere'"),
    ({"person": "p", "role": "victim", "excerpt": "EDP", "occurrence": 3, LINE_KEY: 7},
     "d.yaml:7: event 'e': excerpt occurs 2 time(s) in source 'examplestan-2021', not 3: 'EDP'"),
    ({"person": "p", "role": "thief", LINE_KEY: 7}, "d.yaml:7: event 'e': role 'thief' is not "
     "one of: subject, victim, defendant, alleged-perpetrator, perpetrator, court, "
     "prosecutor, authority, reporting-body, speaker, addressee, target"),
    ({"person": "p", LINE_KEY: 7}, "d.yaml:7: event 'e': missing required field 'role'"),
    ({"person": "p", "role": "victim", "age": 3, LINE_KEY: 7}, "d.yaml:7: event 'e': unknown "
     "field 'age'"),
])
def test_a_wrong_participant_refuses_its_event(participant: Any, message: str) -> None:
    assert _refused("events", {"id": "e", "kind": "detention", "title": "T",
                               "excerpt": "police in Sampleton", "participants": [participant]},
                    ) == [message]


@pytest.mark.parametrize(("count", "message"), [
    ("twelve", "d.yaml:5: event 'e': a count must be a mapping"),
    ({"measure": "detained", "subject": "s", "qualifier": "exact", "excerpt": "12", LINE_KEY: 8},
     "d.yaml:8: event 'e': count qualifier 'exact' needs a value"),
    ({"measure": "detained", "subject": "s", "qualifier": "many", "value": 3, "excerpt": "12",
      LINE_KEY: 8}, "d.yaml:8: event 'e': count qualifier 'many' takes no value"),
    ({"measure": "detained", "subject": "s", "qualifier": "exact", "value": 12, "minimum": 13,
      "excerpt": "12", LINE_KEY: 8}, "d.yaml:8: event 'e': count minimum 13 is above its "
     "maximum 12"),
    ({"measure": "detained", "subject": "s", "qualifier": "nearly", "value": 12, "minimum": 13,
      "excerpt": "12", LINE_KEY: 8}, "d.yaml:8: event 'e': count minimum 13 is above its "
     "maximum 12"),
    ({"measure": "detained", "subject": "s", "qualifier": "exact", "value": 12,
      "excerpt": "at least 13", LINE_KEY: 8}, "d.yaml:8: event 'e': excerpt not found in source "
     "'examplestan-2021': 'at least 13'; nearest at 164-175 (score 0.90): 'at least 12'"),
    ({"measure": "detained", "subject": "s", "qualifier": "exact", "value": 12, LINE_KEY: 8},
     "d.yaml:8: event 'e': missing required field 'excerpt'"),
    ({"id": "c", "measure": "detained", "subject": "s", "qualifier": "many", "excerpt": "EDP",
      "occurrence": 3, LINE_KEY: 8}, "d.yaml:8: event 'e': excerpt occurs 2 time(s) in source "
     "'examplestan-2021', not 3: 'EDP'"),
])
def test_a_wrong_count_refuses_its_event(count: Any, message: str) -> None:
    assert _refused("events", {"id": "e", "kind": "detention", "title": "T",
                               "excerpt": "police in Sampleton", "counts": [count]},
                    ) == [message]


def test_a_count_id_given_twice_refuses_its_event() -> None:
    count = {"id": "a", "measure": "detained", "subject": "s", "qualifier": "many",
             "excerpt": "EDP", "occurrence": 1}
    assert _refused("events", {"id": "e", "kind": "detention", "title": "T",
                               "excerpt": "police in Sampleton",
                               "counts": [dict(count), dict(count)]},
                    ) == ["d.yaml:5: event 'e': duplicate count id 'e/a'"]


EVENT = {"id": "e", "kind": "detention", "title": "T", "excerpt": "police in Sampleton detained"}
COUNT = {"measure": "detained", "subject": "members", "value": 12, "qualifier": "at-least",
         "excerpt": "at least 12"}


def test_parts_without_a_line_of_their_own_stand_at_their_records_line() -> None:
    """A JSON Lines record is one line: its participants and counts carry no line of
    their own, so their rows and their problems are at the record's line."""
    validator = _validator()
    rows = _add(validator, "events", dict(
        EVENT, participants=[{"person": "aynur-mammadova", "role": "victim"}],
        counts=[COUNT]), line=9)
    assert _problems(validator) == []
    assert rows is not None and [(table, line) for table, _, line in rows] == [
        ("events", 9), ("event_participants", 9), ("event_counts", 9)]
    assert _add(validator, "events", dict(EVENT, participants=[{"role": "victim"}]),
                line=9) is None
    assert _add(validator, "events", dict(EVENT, counts=[dict(COUNT, qualifier="exact",
                                                               value=None)]), line=9) is None
    assert _problems(validator) == [
        "d.yaml:9: event 'e': a participant needs exactly one of person, organization, group",
        "d.yaml:9: event 'e': count qualifier 'exact' needs a value"]


def test_a_lone_participant_or_count_not_in_a_list_is_a_list_of_one() -> None:
    """One mapping where a list is expected is that one item, and one wrong value is one
    problem (not one per letter or per key)."""
    validator = _validator()
    rows = _add(validator, "events", dict(
        EVENT, participants={"person": "aynur-mammadova", "role": "victim"}, counts=COUNT))
    assert _problems(validator) == []
    assert rows is not None and [(table, row["id"]) for table, row, _ in rows[1:]] == [
        ("event_participants", "e/victim/aynur-mammadova"), ("event_counts", "e/1")]
    assert _add(validator, "events", dict(EVENT, participants="victim")) is None
    assert _add(validator, "events", dict(EVENT, counts="twelve")) is None
    assert _problems(validator) == ["d.yaml:5: event 'e': a participant must be a mapping",
                                    "d.yaml:5: event 'e': a count must be a mapping"]


def test_minimum_and_maximum_follow_the_qualifier() -> None:
    """`at least 78` is 78 or more; `more than 78` 79 or more; `nearly 78` at most 78."""
    assert validate._count_bounds(78, "exact") == (78, 78)
    assert validate._count_bounds(78, "at-least") == (78, None)
    assert validate._count_bounds(78, "more-than") == (79, None)
    assert validate._count_bounds(78, "nearly") == (None, 78)
    assert validate._count_bounds(78, "about") == (None, None)
    assert validate._count_bounds(None, "dozens") == (None, None)


@pytest.mark.parametrize(("data", "messages"), [
    ({"id": "p", "name": "A", "excerpt": EXCERPT, "age": 3, "eyes": "b"},
     ["d.yaml:5: person 'p': unknown field 'age'", "d.yaml:5: person 'p': unknown field 'eyes'"]),
    ({"id": "p", "excerpt": EXCERPT}, ["d.yaml:5: person 'p': missing required field 'name'"]),
    ({"name": "A", "excerpt": EXCERPT}, ["d.yaml:5: person '?': missing required field 'id'"]),
    ({"id": 2021, "name": "A", "excerpt": EXCERPT}, [
        "d.yaml:5: person '2021': id must be text, not int"]),
    ({"id": ["a"], "name": "A", "excerpt": EXCERPT}, [
        "d.yaml:5: person '?': id must be text, not list"]),
    ({"id": "p", "name": "A", "gender": "x", "excerpt": EXCERPT}, [
        "d.yaml:5: person 'p': gender 'x' is not one of: female, male"]),
    ({"id": "p", "name": "A", "excerpt": "Nobody at all"}, [
        "d.yaml:5: person 'p': excerpt not found in source 'examplestan-2021': 'Nobody at all'"]),
    ({"id": "p", "name": "A", "excerpt": "EDP deputy   chairman\nAynur " + "x" * 80}, [
        "d.yaml:5: person 'p': excerpt not found in source 'examplestan-2021': "
        "'EDP deputy chairman Aynur " + "x" * 33 + "…'"]),
    ({"id": "p", "name": "A", "excerpt": "EDP"}, [
        "d.yaml:5: person 'p': excerpt occurs 2 times in source 'examplestan-2021' (at "
        f"{EDP[0]}, {EDP[1]}): make it longer or give `occurrence: N`: 'EDP'"]),
    ({"id": "p", "name": "A", "excerpt": "EDP", "occurrence": 3}, [
        "d.yaml:5: person 'p': excerpt occurs 2 time(s) in source 'examplestan-2021', not 3: "
        "'EDP'"]),
    ({"id": "p" * 201, "name": "A", "excerpt": EXCERPT}, [
        f"d.yaml:5: person '{'p' * 201}': id is too long (201 characters, at most 200)"]),
])
def test_a_wrong_record_is_refused_with_every_problem(data: dict[str, Any],
                                                      messages: list[str]) -> None:
    assert _refused("people", data) == messages


def test_an_occurrence_picks_the_passage() -> None:
    validator = _validator()
    assert len(EDP) == 2
    for number, at in enumerate(EDP, start=1):
        rows = _add(validator, "offences", {"id": "o", "name": "O", "excerpt": "EDP",
                                           "occurrence": number})
        assert rows is not None and (rows[0][1]["excerpt_start"],
                                     rows[0][1]["excerpt_end"]) == (at, at + 3)
        assert "occurrence" not in rows[0][1]
    assert _problems(validator) == []


def test_an_excerpt_matches_across_runs_of_white_space() -> None:
    """`Aynur   Mammadova` written over a line break still stands where the text has it."""
    validator = _validator()
    rows = _add(validator, "offences", {"id": "o", "name": "O",
                                        "excerpt": " EDP\n deputy  chairman\tAynur Mammadova "})
    assert _problems(validator) == []
    assert rows is not None and (rows[0][1]["excerpt_start"], rows[0][1]["excerpt_end"]) == (
        START, START + len(EXCERPT))


def test_offsets_in_a_text_with_runs_of_white_space() -> None:
    text = "ab  cd\n\n  ef g"
    source = SourceText("s", 2021, text)
    assert source.folded == "ab cd ef g"
    for excerpt, expected in [("ab", "ab"), ("cd", "cd"), ("ef", "ef"), ("g", "g"),
                              ("b cd", "b  cd"), ("cd ef", "cd\n\n  ef"), ("ab cd ef g", text),
                              ("d e", "d\n\n  e")]:
        start, end = source.locate(excerpt)  # type: ignore[misc]
        assert text[start:end] == expected
    assert source.locate("abc") is None
    assert source.locate("") is None
    assert source.locate("  ") is None


def test_occurrences_count_overlapping_ones_up_to_the_cap() -> None:
    source = SourceText("s", 2021, "aaaa")
    assert source.occurrences("aa") == (0, 1, 2)
    assert source.occurrences("b") == ()
    assert source.locate("aa", 3) == (2, 4)
    assert source.locate("aa", 4) is None
    assert source.locate("aa", 0) is None
    many = SourceText("s", 2021, "x" * (MAX_OCCURRENCES + 5))
    assert len(many.occurrences("x")) == MAX_OCCURRENCES + 1
    with pytest.raises(Ambiguous) as ambiguous:
        many.locate("x")
    assert str(ambiguous.value) == (
        f"excerpt occurs more than {MAX_OCCURRENCES} times in source 's' (at 0, 1, 2, 3, 4, "
        "5, 6, 7, 8, 9, …): make it longer or give `occurrence: N`: 'x'")
    few = SourceText("s", 2021, "x" * 10)
    with pytest.raises(Ambiguous) as ambiguous:
        few.locate("x")
    assert str(ambiguous.value) == (
        "excerpt occurs 10 times in source 's' (at 0, 1, 2, 3, 4, 5, 6, 7, 8, 9): make it "
        "longer or give `occurrence: N`: 'x'")
    assert ambiguous.value.positions == tuple(range(10))
    exactly = SourceText("s", 2021, "x" * MAX_OCCURRENCES)
    with pytest.raises(Ambiguous) as ambiguous:
        exactly.locate("x")
    assert str(ambiguous.value).startswith(f"excerpt occurs {MAX_OCCURRENCES} times")


def test_remembered_answers_stay_right_when_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "_REMEMBERED", 4)
    source = SourceText("s", 2021, "ab ab ab cd")
    for _ in range(3):
        assert source.occurrences("ab") == (0, 3, 6)
        assert source.occurrences("cd") == (9,)
        assert source.occurrences("b a") == (1, 4)


def test_answers_are_remembered_until_the_next_would_pass_the_bound(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An answer costs its positions plus one; up to _REMEMBERED in all are kept (the same
    answer given back, not searched again), and all are forgotten before that is passed."""
    monkeypatch.setattr(validate, "_REMEMBERED", 6)
    source = SourceText("s", 2021, "ab ab ab cd")
    cd = source.occurrences("cd")  # costs 2
    b_a = source.occurrences("b a")  # 3: 5 in all
    assert source.occurrences("zz") == ()  # 1: exactly 6, nothing forgotten
    assert source.occurrences("cd") is cd and source.occurrences("b a") is b_a
    assert source.occurrences("d") == (10,)  # 2 more would make 8: all forgotten first
    again = source.occurrences("cd")
    assert again == cd == (9,) and again is not cd
    # the count starts again from nothing: "d" and "cd" cost 4, "ab c" 2 more, 6 again
    assert source.occurrences("ab c") == (6,)
    assert source.occurrences("cd") is again


# --- sources -----------------------------------------------------------------------------


def test_a_source_row_stores_its_text_path_from_the_data_folder() -> None:
    validator = Validator()
    rows = validator.add_source(RawRecord("sources", dict(SOURCE, url="https://x.example"),
                                          "src.yaml", 3, None, SOURCES))
    assert validator.problems == []
    assert rows is not None
    # the text itself is stored too, once sources.content exists (issue 18, in progress)
    assert rows[0][1].pop("content", REPORT) == REPORT
    assert rows == [("sources", {"id": "examplestan-2021", "title": "Examplestan",
                                 "publisher": "tests", "published": datetime.date(2022, 1, 10),
                                 "events_year": 2021, "url": "https://x.example",
                                 "text_path": "sources/report.txt", "sha256": SHA}, 3)]
    assert validator.sources["examplestan-2021"].text == REPORT
    assert validator.sources["examplestan-2021"].events_year == 2021


def test_a_text_path_outside_a_sources_folder_is_from_the_yaml_folder(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "r.txt").write_bytes((SOURCES / "report.txt").read_bytes())
    validator = Validator()
    rows = validator.add_source(RawRecord("sources", dict(SOURCE, text="texts/r.txt"),
                                          "src.yaml", 3, None, tmp_path))
    assert rows is not None and rows[0][1]["text_path"] == "texts/r.txt"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    rows = Validator().add_source(RawRecord("sources", dict(SOURCE, text="../texts/r.txt"),
                                            "src.yaml", 3, None, elsewhere))
    assert rows is not None and rows[0][1]["text_path"] == "r.txt"


def test_a_wrong_source_is_refused(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9")
    latin1_sha = __import__("hashlib").sha256(b"caf\xe9").hexdigest()
    cases = [
        (dict(SOURCE, text="missing.txt"), "src.yaml:3: source 'examplestan-2021': source text "
         "'missing.txt' cannot be read"),
        (dict(SOURCE, sha256="0" * 64), "src.yaml:3: source 'examplestan-2021': source text "
         f"'report.txt' does not match its sha256 (it is {SHA})"),
        (dict(SOURCE, text=str(tmp_path / "latin1.txt"), sha256=latin1_sha),
         "src.yaml:3: source 'examplestan-2021': source text "
         f"{str(tmp_path / 'latin1.txt')!r} is not UTF-8"),
        (dict(SOURCE, events_year="2021"), "src.yaml:3: source 'examplestan-2021': events_year "
         "must be a whole number, not '2021'"),
        (dict(SOURCE, id="x" * 201), f"src.yaml:3: source '{'x' * 201}': id is too long "
         "(201 characters, at most 200)"),
    ]
    for data, message in cases:
        validator = Validator()
        assert validator.add_source(RawRecord("sources", data, "src.yaml", 3, None,
                                              SOURCES)) is None
        assert _problems(validator) == [message]
        assert validator.sources == {}
        assert ("sources", data["id"]) in validator.refused


def test_a_source_given_twice_is_refused_the_second_time() -> None:
    validator = _validator()
    assert validator.add_source(RawRecord("sources", dict(SOURCE), "other.yaml", 9, None,
                                          SOURCES)) is None
    assert _problems(validator) == ["other.yaml:9: source 'examplestan-2021': duplicate id "
                                    "(first defined at src.yaml:3)"]


# --- sections and sources of records -----------------------------------------------------


def test_an_unknown_section_is_said_once_per_file() -> None:
    validator = _validator()
    for line in (5, 6):
        assert _add(validator, "persons", dict(PERSON), line) is None
    assert _add(validator, "persons", dict(PERSON), 7, path="e.yaml") is None
    assert _add(validator, "sources", dict(SOURCE), 8) is None
    known = ("sources, offences, people, organizations, memberships, instruments, cases, "
             "charges, sentences, events, omissions, evidence")
    assert _problems(validator) == [
        f"d.yaml:5: unknown section 'persons' (sections: {known})",
        f"e.yaml:7: unknown section 'persons' (sections: {known})",
        f"d.yaml:8: unknown section 'sources' (sections: {known})"]


def test_a_record_needs_a_loaded_source() -> None:
    validator = _validator()
    assert _add(validator, "people", dict(PERSON), source=None) is None
    assert _add(validator, "people", dict(PERSON, source=["x"]), source=None) is None
    assert _add(validator, "people", dict(PERSON, source="other"), 6) is None
    assert _add(validator, "people", dict(PERSON, id="q"), 7, source="other") is None
    assert _add(validator, "people", dict(PERSON, id="r"), 8, source="other",
                path="e.yaml") is None
    assert _problems(validator) == [
        "d.yaml:5: person 'p': has no source",
        "d.yaml:5: person 'p': source must be a source id, not ['x']",
        "d.yaml:6: person 'p': source 'other' is not loaded",
        "e.yaml:8: person 'r': source 'other' is not loaded"]
    assert {("people", "p"), ("people", "q"), ("people", "r")} <= validator.refused
    # the record's own source wins over the file's
    rows = _add(validator, "people", dict(PERSON, source="examplestan-2021"), source="other")
    assert rows is not None and rows[0][1]["source_id"] == "examplestan-2021"


def test_a_record_without_a_source_may_lack_an_excerpt_too() -> None:
    validator = _validator()
    assert _add(validator, "people", {"id": "s", "name": "A"}, source=None) is None
    assert _add(validator, "people", {"id": "t", "name": "A"}, source="other") is None
    assert _problems(validator) == ["d.yaml:5: person 's': has no source",
                                    "d.yaml:5: person 't': source 'other' is not loaded"]


def test_a_refused_or_unreadable_source_is_not_said_again() -> None:
    validator = _validator()
    assert validator.add_source(RawRecord("sources", dict(SOURCE, id="bad", sha256="0" * 64),
                                          "src.yaml", 9, None, SOURCES)) is None
    validator.problems.clear()
    assert _add(validator, "people", dict(PERSON), source="bad") is None
    assert _problems(validator) == []
    validator.incomplete = True
    assert _add(validator, "people", dict(PERSON), source="never") is None
    assert _problems(validator) == []


def test_a_refused_record_is_remembered_by_section_and_id() -> None:
    validator = _validator()
    assert _add(validator, "people", {"id": "p", "name": ""}) is None
    assert _add(validator, "people", {"id": 3, "name": ""}) is None
    assert validator.refused == {("people", "p")}
    assert _add(validator, "people", dict(PERSON)) is not None
    assert validator.refused == {("people", "p")}


def test_column_limits_come_from_the_models() -> None:
    limits = dict(validate._column_limits("person_names"))
    assert limits["name"] == 400 and limits["kind"] == 20
    assert dict(validate._column_limits("people"))["id"] == 200


def test_a_long_alias_is_refused_by_its_column() -> None:
    assert _refused("people", dict(PERSON, aliases=["y" * 401])) == [
        "d.yaml:5: person 'p': name is too long (401 characters, at most 400)"]


def test_shorten_keeps_sixty_characters() -> None:
    assert validate._shorten("a  b\nc") == "a b c"
    assert validate._shorten("x" * 60) == "x" * 60
    assert validate._shorten("x" * 61) == "x" * 59 + "…"
