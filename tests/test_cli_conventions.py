"""The query surface's conventions (issue 14): the app's options anywhere, shell completion,
captions that say how much was cut, ambiguity lists cut short, exact charge filters with
the matched charges apart, case files that keep a group's charges apart from a person's,
and a load's progress that names its phases."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from incidentdb.cli import app
from incidentdb.cli.app import hoist_options


def rows(result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


# --- the app's options after the command -------------------------------------------------


def test_db_is_taken_after_the_command_as_before_it(loaded_db):
    runner = CliRunner()
    before = runner.invoke(app, ["--db", loaded_db.url, "person", "yagublu", "-f", "json"])
    after = runner.invoke(app, ["person", "yagublu", "-f", "json", "--db", loaded_db.url])
    joined = runner.invoke(app, ["person", f"--db={loaded_db.url}", "yagublu", "-f", "json"])
    assert before.exit_code == after.exit_code == joined.exit_code == 0, after.stderr
    assert json.loads(before.stdout)["id"] == "tofig-yagublu"
    assert before.stdout == after.stdout == joined.stdout


def test_read_only_after_a_command_that_writes_refuses_it(loaded_db):
    result = CliRunner().invoke(app, ["load", "--db", loaded_db.url, "--read-only"])
    assert result.exit_code == 2
    assert "load writes to the database, which is opened read-only" in result.stderr


def test_options_after_a_double_dash_stay_where_they_are():
    params = typer.main.get_command(app).params
    assert hoist_options(["search", "--", "--db", "x"], params) == ["search", "--", "--db", "x"]
    assert hoist_options(["--read-only", "db", "current", "--db", "u"], params) == [
        "--read-only", "--db", "u", "db", "current"]
    assert hoist_options(["--db", "a", "cases", "--limit", "3", "--db=b"], params) == [
        "--db", "a", "--db=b", "cases", "--limit", "3"]


def test_no_command_has_an_option_named_like_the_apps():
    """The app's options are moved before the command: a command's own option of the same
    name would never be reached."""
    root = typer.main.get_command(app)
    mine = {name for param in root.params for name in param.opts}

    def options(command, path):
        for param in command.params:
            yield path, set(param.opts)
        for name, sub in getattr(command, "commands", {}).items():
            yield from options(sub, f"{path} {name}")

    for name, command in root.commands.items():
        for path, names in options(command, name):
            assert not names & mine, (path, names & mine)


# --- shell completion --------------------------------------------------------------------


def _complete(words: str) -> list[str]:
    env = {**os.environ, "_INCIDENTDB_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - 1)}
    done = subprocess.run([sys.executable, "-m", "incidentdb"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_shell_completion_offers_commands_and_controlled_values():
    assert _complete("incidentdb pe") == ["person", "people"]
    assert _complete("incidentdb events --kind ar") == ["arrest", "armed-conflict"]
    assert _complete("incidentdb cases --status p") == ["pretrial", "pardoned"]


def test_the_completion_script_of_a_shell_can_be_printed():
    """What `--show-completion` prints for bash (asked by name: detecting the shell from
    the process tree depends on how the tests are started)."""
    env = {**os.environ, "_INCIDENTDB_COMPLETE": "source_bash"}
    done = subprocess.run([sys.executable, "-m", "incidentdb"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "_INCIDENTDB_COMPLETE=complete_bash" in done.stdout
    assert "complete -o default -F _incidentdb_completion incidentdb" in done.stdout


# --- captions ----------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "noun"), [
    (["people"], "people"), (["cases"], "cases"), (["events"], "events"),
    (["charges", "--charge", "charges"], "charges"),
])
def test_a_cut_listing_says_how_many_there_were(loaded_db, run, args, noun):
    every = rows(run(loaded_db.url, *args, "--format", "csv"))
    assert len(every) > 3
    cut = run(loaded_db.url, *args, "--limit", "3")
    assert cut.exit_code == 0
    assert cut.stdout.splitlines()[0].strip() == f"3 of {len(every)} {noun}"
    assert cut.stderr.splitlines()[0] == (
        f"Showing 3 of {len(every)} {noun}; --limit 0 shows all.")
    whole = run(loaded_db.url, *args, "--limit", "0")
    assert whole.stdout.splitlines()[0].strip() == f"{len(every)} {noun}"


def test_a_count_past_the_cap_is_said_as_more_than(loaded_db, run, monkeypatch):
    monkeypatch.setattr("incidentdb.queries.COUNT_CAP", 5)
    cut = run(loaded_db.url, "events", "--limit", "2")
    assert cut.stdout.splitlines()[0].strip() == "2 of more than 5 events"


def test_one_row_is_said_in_the_singular(loaded_db, run):
    result = run(loaded_db.url, "cases", "--offence", "public-order-violation")
    assert result.stdout.splitlines()[0].strip() == "1 case"


# --- ambiguity lists ---------------------------------------------------------------------


def test_an_ambiguous_name_lists_the_first_candidates_and_counts_the_rest(
        loaded_db, run, monkeypatch):
    whole = run(loaded_db.url, "person", "a")
    assert whole.exit_code == 1
    first, *candidates = whole.stderr.splitlines()
    assert first == f"Error: 'a' matches {len(candidates)} people; be more precise"
    assert len(candidates) > 3 and not any("more" in line for line in candidates)
    monkeypatch.setattr("incidentdb.lookup.CANDIDATES_SHOWN", 3)
    cut = run(loaded_db.url, "person", "a").stderr.splitlines()
    assert cut == [first, *candidates[:3], f"  …and {len(candidates) - 3} more"]


# --- exact charge filters ----------------------------------------------------------------


def test_charges_lists_each_charge_of_exactly_the_offence(loaded_db, run):
    hooliganism = rows(run(loaded_db.url, "charges", "--offence", "hooliganism", "-f", "csv"))
    assert [(r["id"], r["who"]) for r in hooliganism] == [
        ("yagublu-hooliganism", "Tofig Yagublu"), ("bakuvi-hooliganism", "Said Mamedzade Bakuvi")]
    terrorism = rows(run(loaded_db.url, "charges", "--offence", "terrorism", "-f", "csv"))
    # not financing-terrorism; the charges of unnamed defendants say so
    assert {r["offence_id"] for r in terrorism} == {"terrorism"}
    assert {r["who"] for r in terrorism} == {"(the case's unnamed defendants)"}
    by_text = rows(run(loaded_db.url, "charges", "--charge", "terrorism", "-f", "csv"))
    assert {r["offence_id"] for r in by_text} == {"terrorism", "financing-terrorism"}


def test_charges_of_a_person_and_of_a_characterisation(loaded_db, run):
    mine = rows(run(loaded_db.url, "charges", "--person", "Fuad Gahramanli", "-f", "csv"))
    assert [r["id"] for r in mine] == ["gahramanli-public-order-violation",
                                       "gahramanli-other-charges"]
    bogus = rows(run(loaded_db.url, "charges", "--characterisation", "bogus", "-f", "csv"))
    assert bogus and {r["characterisation"] for r in bogus} == {"bogus"}
    assert "yagublu-hooliganism" in {r["id"] for r in bogus}


def test_without_a_filter_charges_counts_per_offence(loaded_db, run):
    summary = rows(run(loaded_db.url, "charges", "-f", "csv"))
    assert list(summary[0]) == ["id", "name", "cases", "people", "charges"]
    hooliganism = next(r for r in summary if r["id"] == "hooliganism")
    assert (hooliganism["cases"], hooliganism["people"], hooliganism["charges"]) == ("2", "2", "2")


def test_one_charge_must_match_every_filter(loaded_db, run):
    """Gahramanli's spurious charge is the public-order one: his other charge is of the
    other category, and no one charge is both."""
    both = rows(run(loaded_db.url, "people", "--offence", "other-unspecified",
                    "--characterisation", "spurious", "-f", "csv"))
    assert "fuad-gahramanli" not in {r["id"] for r in both}
    assert rows(run(loaded_db.url, "charges", "--offence", "other-unspecified",
                    "--characterisation", "spurious", "-f", "csv")) == []


def test_the_charges_column_holds_the_matched_charges_and_the_others_apart(loaded_db, run):
    people = {r["id"]: r for r in rows(run(loaded_db.url, "people", "--characterisation",
                                           "spurious", "-f", "csv"))}
    assert (people["fuad-gahramanli"]["charges"], people["fuad-gahramanli"]["other_charges"]
            ) == ("Public order violation", "Other (unspecified) charges")
    cases = {r["id"]: r for r in rows(run(loaded_db.url, "cases", "--offence",
                                          "public-order-violation", "-f", "csv"))}
    assert (cases["apfp-pro-war-protest-case"]["charges"],
            cases["apfp-pro-war-protest-case"]["other_charges"]) == (
        "Public order violation", "Other (unspecified) charges")
    unfiltered = {r["id"]: r for r in rows(run(loaded_db.url, "people", "-f", "csv"))}
    assert unfiltered["fuad-gahramanli"]["charges"] == (
        "Other (unspecified) charges; Public order violation")
    assert unfiltered["fuad-gahramanli"]["other_charges"] == ""
    table = run(loaded_db.url, "people").stdout
    assert "other charges" not in table  # a table without a filter has no such column
    assert "other charges" in run(loaded_db.url, "people", "--characterisation",
                                  "spurious").stdout


# --- case files: the group's part apart ------------------------------------------------


def test_a_case_file_keeps_the_unnamed_defendants_charges_apart(loaded_db, run):
    data = json.loads(run(loaded_db.url, "person", "Fuad Gahramanli", "-f", "json").stdout)
    [case] = [c for c in data["cases"] if c["id"] == "apfp-pro-war-protest-case"]
    assert [c["id"] for c in case["charges"]] == ["gahramanli-public-order-violation",
                                                  "gahramanli-other-charges"]
    assert [c["id"] for c in case["group_charges"]] == [
        "apfp-unnamed-members-public-order-violation", "apfp-unnamed-members-other-charges"]
    assert [(s["id"], s["group"], s["group_count"]) for s in case["group_sentences"]] == [
        ("apfp-unnamed-members-suspended-sentences",
         "the other (unnamed) APFP members among the 12", 7)]
    assert [s["id"] for s in case["sentences"]] == ["gahramanli-suspended-sentence"]
    table = run(loaded_db.url, "person", "Fuad Gahramanli").stdout
    assert "Charges of the case's unnamed defendants (not this person's)" in table
    assert "Sentences of groups in the case (not this person's)" in table
    facts = rows(run(loaded_db.url, "person", "Fuad Gahramanli", "-f", "csv"))
    assert {f["id"] for f in facts if f["section"] == "group-charge"} == {
        "apfp-unnamed-members-public-order-violation", "apfp-unnamed-members-other-charges"}
    assert "apfp-unnamed-members-other-charges" not in {
        f["id"] for f in facts if f["section"] == "charge"}


# --- a load's progress -------------------------------------------------------------------


def test_progress_names_each_phase_once_the_work_is_large(monkeypatch, capsys):
    from rich.console import Console

    from incidentdb.output import PROGRESS_MIN_ITEMS, progress_reporter

    monkeypatch.setattr(Console, "is_terminal", property(lambda self: True))
    with progress_reporter() as report:
        report("reading", 10, PROGRESS_MIN_ITEMS - 1, "5,000 records")  # small: no bar yet
    assert capsys.readouterr().err == ""
    with progress_reporter() as report:
        report("reading", 10, PROGRESS_MIN_ITEMS, "5,000 records")
        report("checking", 0, 0, "ids and references")
        report("indexing", 0, 0, "statistics, then commit")
    drawn = capsys.readouterr().err
    for text in ("reading", "5,000 records", "checking", "ids and references", "indexing",
                 "statistics, then commit"):
        assert text in drawn
