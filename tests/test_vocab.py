"""`incidentdb vocab` (issue 14 item 4, issue 15 item 3): every controlled list, each value
with a one-line description, for a user who has only the installed package.

The lists are found by looking at `incidentdb.vocabulary` itself, so a new list written
without descriptions fails here. Whether the bundled data uses only values of the lists
is not tested here: the loader refuses any other value (tests/test_unit_validate.py), and
every test that loads the bundled data loads it whole.
"""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from incidentdb import vocabulary as v
from incidentdb.cli import app

DESCRIPTION_MAX = 90  # characters: one line of a table at the README's width


def _lists_of_the_module() -> dict[str, tuple[str, ...]]:
    """Every tuple of str the vocabulary module holds, by name."""
    return {name: value for name, value in vars(v).items()
            if isinstance(value, tuple) and value and all(isinstance(x, str) for x in value)}


def _rows(run, *args: str) -> list[dict[str, str]]:
    result = run("sqlite://", "vocab", *args, "--format", "json")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return json.loads(result.stdout)


def test_every_list_of_the_vocabulary_module_is_shown_with_a_description_of_each_value(run):
    rows = _rows(run)
    shown: dict[str, list[str]] = {}
    for row in rows:
        assert set(row) == {"list", "value", "description", "used_by"}
        description = row["description"]
        assert description.strip() == description != "", row
        assert "\n" not in description and len(description) <= DESCRIPTION_MAX, row
        shown.setdefault(row["list"], []).append(row["value"])
    lists = _lists_of_the_module()
    for name, values in lists.items():
        covering = [shown_as for shown_as, shown_values in shown.items()
                    if set(values) <= set(shown_values)]
        assert covering, f"vocabulary.{name} is not shown by `incidentdb vocab`"
    # each list shown is one of the module, its values in the module's order, once each
    assert sorted(shown.values()) == sorted(
        list(values) for name, values in lists.items() if name != "QUALIFIERS_WITHOUT_VALUE")
    assert set(v.QUALIFIERS_WITHOUT_VALUE) < set(shown["count-qualifiers"])
    assert len(lists) == 19  # 18 lists, and the count qualifiers that take no number


def test_each_list_has_a_name_a_one_line_help_and_distinct_values():
    names = [vocabulary.name for vocabulary in v.VOCABULARIES]
    assert len(names) == len(set(names)) == 18
    for vocabulary in v.VOCABULARIES:
        assert vocabulary.name == vocabulary.name.lower() and " " not in vocabulary.name
        assert vocabulary.help and "\n" not in vocabulary.help
        assert len(vocabulary.values) == len(set(vocabulary.values)), vocabulary.name


def test_one_list_in_csv_is_its_values_in_order_with_the_field_that_takes_it(run):
    result = run("sqlite://", "vocab", "event-kinds", "--format", "csv")
    assert (result.exit_code, result.stderr) == (0, "")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.stdout.startswith("list,value,description,used_by\n")
    assert tuple(row["value"] for row in rows) == v.EVENT_KINDS
    assert {row["list"] for row in rows} == {"event-kinds"}
    assert {row["used_by"] for row in rows} == {"events.kind"}
    assert rows[-1] == {"list": "event-kinds", "value": "condition", "used_by": "events.kind",
                        "description": 'a state of affairs over a period ("gender-based '
                        'violence remained pervasive")'}


def test_where_each_list_is_used_is_read_from_the_declarations(run):
    used_by = {row["list"]: row["used_by"] for row in _rows(run)}
    assert used_by == {
        "occupations": "people.occupations",
        "genders": "people.gender",
        "person-relations": "people.relations.relation",
        "organization-kinds": "organizations.kind",
        "membership-roles": "memberships.role",
        "instrument-kinds": "instruments.kind",
        "case-statuses": "cases.status",
        "characterisations": "charges.characterisation",
        "charge-outcomes": "charges.outcome",
        "sentence-kinds": "sentences.kind",
        "sentence-changes": "sentences.change",
        "sentence-statuses": "sentences.status",
        "event-kinds": "events.kind",
        "participant-roles": "events.participants.role",
        "participant-qualifiers": "events.participants.qualifier",
        "count-measures": "events.counts.measure",
        "count-qualifiers": "cases.defendant_count.qualifier, events.counts.qualifier",
        "instrument-roles": "events.instruments.role",
    }


def test_a_list_is_named_in_any_case_or_by_a_field_that_takes_it(run):
    expected = _rows(run, "participant-roles")
    assert [row["value"] for row in expected] == list(v.PARTICIPANT_ROLES)
    for name in ("PARTICIPANT-ROLES", "events.participants.role", "participants.role",
                 " Participants.Role "):
        assert _rows(run, name) == expected, name
    assert _rows(run, "characterisation") == _rows(run, "characterisations")
    assert [row["value"] for row in _rows(run, "sentences.status")] == list(
        v.SENTENCE_STATUSES)


def test_an_unknown_list_is_a_usage_error_with_the_lists_and_a_did_you_mean(run):
    result = run("sqlite://", "vocab", "event-kind")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for 'LIST': 'event-kind' is not one of: "
        f"{', '.join(vocabulary.name for vocabulary in v.VOCABULARIES)}; "
        "did you mean event-kinds?")


def test_a_field_name_of_several_lists_is_a_usage_error_naming_them(run):
    result = run("sqlite://", "vocab", "status")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for 'LIST': 'status' is a field of several lists: "
        "case-statuses (cases.status); sentence-statuses (sentences.status); give the list, "
        "or the field with its section")


def test_the_table_shows_every_list_under_its_title_line(run):
    result = CliRunner().invoke(app, ["--db", "sqlite://", "vocab"],
                                env={"COLUMNS": "100", "NO_COLOR": "1"})
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    titles = [line for line in lines if line and line[0] not in "┏┃┡│└"]
    assert titles[0] == ("occupations: what a person is or does, as the report describes "
                         "them (in people.occupations)")
    assert [title.split(":")[0] for title in titles] == [
        vocabulary.name for vocabulary in v.VOCABULARIES]
    assert "│ bogus                 │ the report calls the charge bogus" in result.stdout
    # the lists apart by one blank line each
    assert lines.count("") == len(v.VOCABULARIES) - 1


def test_it_opens_no_database(tmp_path, monkeypatch, run):
    missing = tmp_path / "no" / "such.db"
    result = run(str(missing), "vocab", "genders", "--format", "csv")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "list,value,description,used_by\n"
        "genders,female,the report says she is a woman or refers to her as she,people.gender\n"
        'genders,male,"the report says he is a man or refers to him as he (""son of"")",'
        "people.gender\n")
    assert list(tmp_path.iterdir()) == []
    # nor the default one: no incidents.db is made in the current folder on first use
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INCIDENTDB_DATABASE_URL", raising=False)
    default = CliRunner().invoke(app, ["vocab", "genders"])
    assert default.exit_code == 0 and "female" in default.stdout
    assert "Note: creating" not in default.stderr
    assert list(tmp_path.iterdir()) == []
