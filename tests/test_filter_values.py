"""Filter values checked (issue 14, item 4): a value no record could have is a usage error
naming the valid ones, not an empty answer; a reversed date range likewise."""

from __future__ import annotations

import json

import pytest

from incidentdb import vocabulary as v


@pytest.mark.parametrize(("args", "line"), [
    (["events", "--kind", "arest"],
     f"Error: Invalid value for '--kind': 'arest' is not one of: {', '.join(v.EVENT_KINDS)}; "
     "did you mean arrest?"),
    (["cases", "--status", "jailed"],
     f"Error: Invalid value for '--status': 'jailed' is not one of: "
     f"{', '.join(v.CASE_STATUSES)}"),
    (["orgs", "--kind", "courts"],
     f"Error: Invalid value for '--kind': 'courts' is not one of: "
     f"{', '.join(v.ORGANIZATION_KINDS)}; did you mean court?"),
    (["people", "--kind", "jurnalist"],
     f"Error: Invalid value for '--kind': 'jurnalist' is not one of: "
     f"{', '.join(sorted({*v.OCCUPATIONS, *v.MEMBERSHIP_ROLES}))}; did you mean journalist?"),
    (["events", "--from", "2021-08", "--to", "2021-03"],
     "Error: Invalid value: --from 2021-08 is after --to 2021-03: the range is reversed"),
])
def test_a_value_no_record_could_have_is_a_usage_error(loaded_db, run, args, line):
    result = run(loaded_db.url, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert " ".join(result.stderr.split()).endswith(" ".join(line.split()))


def test_a_controlled_value_is_taken_in_any_case(loaded_db, run):
    lower = run(loaded_db.url, "events", "--kind", "arrest", "--format", "json")
    upper = run(loaded_db.url, "events", "--kind", "ARREST", "--format", "json")
    assert lower.exit_code == upper.exit_code == 0
    assert lower.stdout == upper.stdout != "[]\n"
    one_month = run(loaded_db.url, "events", "--from", "2021-03", "--to", "2021-03",
                    "--format", "json")
    assert one_month.exit_code == 0 and one_month.stdout != "[]\n"


def test_version_and_short_help(run):
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml")
                            .read_text(encoding="utf-8"))["project"]
    result = run("sqlite://", "--version")
    assert (result.exit_code, result.stdout) == (0, f"incidentdb {project['version']}\n")
    for command in ([], ["events"], ["person"]):
        short = run("sqlite://", *command, "-h")
        assert short.exit_code == 0
        assert short.stdout == run("sqlite://", *command, "--help").stdout != ""


def test_exact_offence_and_characterisation_filters(loaded_db, run):
    """--charge matches words; --offence is the category exactly, --characterisation the
    report's word exactly (issue 14, item 2)."""
    def ids(*args: str) -> list[str]:
        result = run(loaded_db.url, *args, "--format", "json")
        assert result.exit_code == 0, result.output
        return [row["id"] for row in json.loads(result.stdout)]

    assert ids("people", "--offence", "hooliganism") == ["said-mamedzade-bakuvi",
                                                         "tofig-yagublu"]
    assert ids("people", "--offence", "terrorism") == []  # not financing-terrorism
    assert "niyameddin-ahmedov" in ids("people", "--charge", "terrorism")
    assert ids("cases", "--characterisation", "dubious") == ["ahmedov-case"]
    assert ids("cases", "--offence", "Hooliganism", "--characterisation", "bogus") == [
        "bakuvi-case", "yagublu-case"]
    wrong = run(loaded_db.url, "people", "--offence", "hooligan")
    assert (wrong.exit_code, wrong.stderr) == (
        1, "Error: no offence 'hooligan'; did you mean hooliganism?\n")
    assert run(loaded_db.url, "cases", "--characterisation", "bogos").exit_code == 2
