"""`incidentdb sentences` on the bundled data, through the CLI as a user runs it.

The ids and values below were read in data/*.yaml (political-opposition.yaml,
freedom-of-expression.yaml, torture.yaml: 24 sentences). Dates in 2021 written "In
July" are the report's year; the derived bounds (a sentence after another, or bounded
only by the report's publication, 2022-01-13) are the loader's.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

UNCERTAIN_NOTE = ("{n} sentence(s) may fall in this period but are not certainly in it; "
                  "--include-uncertain lists them\n")
UNDATED_NOTE = ("{n} sentence(s) without a date may fall in this period; --include-undated "
                "lists them\n")
NO_TERM_NOTE = "{n} sentence(s) without a term are left out by --min-months/--max-months\n"

# Certainly in 2021, in the date order (earliest day, latest day, chain, id).
IN_2021 = [
    "mehdi-ibrahimov-suspended-15-months",  # In February
    "hasanzade-sentenced-8-months", "salamov-sentenced-8-months",  # In March
    "bakuvi-sentenced-42-months",  # In April
    "apfp-unnamed-members-suspended-sentences", "bakuvi-suspended-sentence",  # In June
    "gahramanli-suspended-sentence", "imanov-suspended-sentence",
    "maharramli-suspended-sentence", "mammad-ibrahim-suspended-sentence",
    "yusifli-suspended-sentence",
    "yagublu-conditional-30-months",  # In July
    "safarov-life-imprisonment",  # In August
    "ahmedov-sentenced-13-years",  # In October
]


def answer(run, url, *args):
    """(rows as JSON, stderr) of a call that succeeds."""
    result = run(url, "sentences", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def ids(run, url, *args):
    return [row["id"] for row in answer(run, url, *args)[0]]


# --- dates -------------------------------------------------------------------------------


def test_a_year_lists_what_lies_in_it_and_counts_what_may(loaded_db, run):
    rows, stderr = answer(run, loaded_db.url, "--year", "2021")
    assert [r["id"] for r in rows] == IN_2021
    # yagublu-house-arrest-sentence (derived: after 2020, before July 2021) and
    # tatar-25-sentenced (after 2017, before the report); aslanov-sentenced-16-years and
    # safarov-codefendants-sentenced have no date at all
    assert stderr == UNCERTAIN_NOTE.format(n=2) + UNDATED_NOTE.format(n=2)
    assert not any(r["uncertain"] or r["why"] for r in rows)


def test_the_july_2021_conditional_sentence_is_among_2021s(loaded_db, run):
    """What `events --kind sentencing --year 2021` misses: an event of kind
    sentence-change, here the sentence itself."""
    rows, _ = answer(run, loaded_db.url, "--year", "2021")
    row = next(r for r in rows if r["id"] == "yagublu-conditional-30-months")
    assert {k: row[k] for k in ("date", "date_text", "who", "person_id", "kind", "term",
                                "term_min_months", "term_max_months", "court", "court_id",
                                "replaces", "change", "status", "case", "month")} == {
        "date": "2021-07", "date_text": "In July", "who": "Tofig Yagublu",
        "person_id": "tofig-yagublu", "kind": "conditional", "term": "2 years 6 months",
        "term_min_months": 30, "term_max_months": 30, "court": "appeals court",
        "court_id": "azerbaijan-appeals-court", "replaces": "yagublu-house-arrest-sentence",
        "change": "appeal", "status": "serving", "case": "yagublu-case", "month": "2021-07"}
    assert row["inferred"] == {"status": "by convention (docs/data-format.md): imposed in "
                                         "2021, no later change reported"}


def test_a_group_is_listed_as_a_group_with_its_count(loaded_db, run):
    rows, _ = answer(run, loaded_db.url, "--year", "2021")
    row = next(r for r in rows if r["id"] == "apfp-unnamed-members-suspended-sentences")
    assert (row["who"], row["person"], row["person_id"], row["group"], row["group_count"],
            row["term"]) == (
        "the other (unnamed) APFP members among the 12 (7)", "", "",
        "the other (unnamed) APFP members among the 12", 7, "2 to 4 years")


def test_uncertain_sentences_are_listed_on_request_with_why(loaded_db, run):
    rows, stderr = answer(run, loaded_db.url, "--year", "2021", "--include-uncertain")
    assert [r["id"] for r in rows] == [
        "tatar-25-sentenced", "yagublu-house-arrest-sentence", *IN_2021]
    assert [(r["who"], r["why"], r["uncertain"]) for r in rows[:2]] == [
        ("detainees sentenced in closed trials (25)", "open-ended", True),
        ("Tofig Yagublu", "derived bounds", True)]
    assert (rows[1]["earliest"], rows[1]["latest"], rows[1]["latest_from"]) == (
        "2020-01-01", "2021-07-31", "sentence:yagublu-conditional-30-months")
    assert stderr == UNDATED_NOTE.format(n=2)


def test_undated_sentences_are_listed_on_request(loaded_db, run):
    rows, stderr = answer(run, loaded_db.url, "--year", "2021", "--include-undated")
    assert [r["id"] for r in rows] == [
        "safarov-codefendants-sentenced", "aslanov-sentenced-16-years", *IN_2021]
    assert [(r["who"], r["why"], r["latest_from"]) for r in rows[:2]] == [
        ("nine other defendants in this case (9)", "undated", "source:hrw-wr2022-azerbaijan"),
        ("Polad Aslanov", "undated", "source:hrw-wr2022-azerbaijan")]
    assert stderr == UNCERTAIN_NOTE.format(n=2)
    both, stderr = answer(run, loaded_db.url, "--year", "2021", "--include-uncertain",
                          "--include-undated")
    assert len(both) == 18 and stderr == ""


def test_a_month_and_a_range(loaded_db, run):
    assert ids(run, loaded_db.url, "--month", "2021-06") == IN_2021[4:11]
    rows, stderr = answer(run, loaded_db.url, "--from", "2021-07", "--to", "2021-08")
    assert [r["id"] for r in rows] == ["yagublu-conditional-30-months",
                                       "safarov-life-imprisonment"]
    assert stderr == UNCERTAIN_NOTE.format(n=2) + UNDATED_NOTE.format(n=2)
    # before 2021: the four "in previous years" (../2020), Imanli's December 2020 sentence
    # and Yagublu's 2020 one
    assert ids(run, loaded_db.url, "--to", "2020") == [
        "maharramov-prison-sentence", "rustamov-prison-sentence", "salayev-prison-sentence",
        "umudov-prison-sentence", "yagublu-sentenced-51-months", "imanli-sentenced-one-year"]


def test_without_dates_every_sentence_in_date_order(loaded_db, run):
    rows, stderr = answer(run, loaded_db.url)
    assert len(rows) == 24 and stderr == ""
    assert [r["id"] for r in rows[:7]] == [
        "maharramov-prison-sentence", "rustamov-prison-sentence", "salayev-prison-sentence",
        "umudov-prison-sentence", "safarov-codefendants-sentenced",
        "aslanov-sentenced-16-years", "tatar-25-sentenced"]
    assert [r["id"] for r in rows[-len(IN_2021):]] == IN_2021


# --- the other filters ---------------------------------------------------------------------


@pytest.mark.parametrize("args, expected", [
    (("--change", "appeal"), ["yagublu-conditional-30-months"]),
    (("--change", "substitution"), ["yagublu-house-arrest-sentence",
                                    "bakuvi-suspended-sentence"]),
    (("--change", "Pardon"), []),
    (("--kind", "suspended"), ["mehdi-ibrahimov-suspended-15-months",
                               "apfp-unnamed-members-suspended-sentences",
                               "bakuvi-suspended-sentence", "gahramanli-suspended-sentence",
                               "imanov-suspended-sentence", "maharramli-suspended-sentence",
                               "mammad-ibrahim-suspended-sentence", "yusifli-suspended-sentence"]),
    (("--kind", "life-imprisonment"), ["safarov-life-imprisonment"]),
    (("--person", "Tofiq Yaqublu"), ["yagublu-sentenced-51-months",
                                     "yagublu-house-arrest-sentence",
                                     "yagublu-conditional-30-months"]),
    (("--case", "apfp-pro-war-protest-case"), ["apfp-unnamed-members-suspended-sentences",
                                               "gahramanli-suspended-sentence",
                                               "imanov-suspended-sentence",
                                               "maharramli-suspended-sentence",
                                               "mammad-ibrahim-suspended-sentence",
                                               "yusifli-suspended-sentence"]),
    (("--case", "safarov-case"), ["safarov-codefendants-sentenced",
                                  "safarov-life-imprisonment"]),
    (("--status", "pardoned"), ["imanli-sentenced-one-year"]),
    (("--status", "unknown"), ["tatar-25-sentenced"]),
    (("--year", "2021", "--kind", "imprisonment"), ["hasanzade-sentenced-8-months",
                                                    "salamov-sentenced-8-months",
                                                    "bakuvi-sentenced-42-months",
                                                    "ahmedov-sentenced-13-years"]),
], ids=lambda value: " ".join(value) if isinstance(value, tuple) else None)
def test_a_filter_finds_exactly_its_sentences(loaded_db, run, args, expected):
    rows, stderr = answer(run, loaded_db.url, *args)
    assert [r["id"] for r in rows] == expected
    if "--year" not in args:
        assert stderr == ""


def test_a_minimum_term_keeps_ranges_by_their_upper_end_and_life(loaded_db, run):
    rows, stderr = answer(run, loaded_db.url, "--min-months", "180")
    # 18-20 years, 16 years, 12-20 years (its upper end), life; not 13 years (156)
    assert [(r["id"], r["term"]) for r in rows] == [
        ("safarov-codefendants-sentenced", "18 to 20 years"),
        ("aslanov-sentenced-16-years", "16 years"),
        ("tatar-25-sentenced", "12 to 20 years"),
        ("safarov-life-imprisonment", "life")]
    # the four prison terms the report does not give, Bakuvi's suspended sentence and
    # Yagublu's house arrest
    assert stderr == NO_TERM_NOTE.format(n=6)
    assert ids(run, loaded_db.url, "--min-months", "12000") == ["safarov-life-imprisonment"]


def test_a_maximum_term_keeps_ranges_by_their_lower_end_and_not_life(loaded_db, run):
    rows, stderr = answer(run, loaded_db.url, "--max-months", "24")
    assert [(r["id"], r["term"]) for r in rows] == [
        ("imanli-sentenced-one-year", "1 year"),
        ("mehdi-ibrahimov-suspended-15-months", "1 year 3 months"),
        ("hasanzade-sentenced-8-months", "8 months"),
        ("salamov-sentenced-8-months", "8 months"),
        ("apfp-unnamed-members-suspended-sentences", "2 to 4 years"),
        ("gahramanli-suspended-sentence", "2 to 4 years"),
        ("imanov-suspended-sentence", "2 to 4 years"),
        ("maharramli-suspended-sentence", "2 to 4 years"),
        ("mammad-ibrahim-suspended-sentence", "2 to 4 years"),
        ("yusifli-suspended-sentence", "2 to 4 years")]
    assert stderr == NO_TERM_NOTE.format(n=6)
    assert ids(run, loaded_db.url, "--min-months", "12", "--max-months", "12") == [
        "imanli-sentenced-one-year"]


def test_term_and_date_filters_together_count_each_left_out_sentence_once(loaded_db, run):
    rows, stderr = answer(run, loaded_db.url, "--year", "2021", "--min-months", "180")
    assert [r["id"] for r in rows] == ["safarov-life-imprisonment"]
    # uncertain: tatar-25-sentenced (12-20 years); undated: aslanov (16 years) and the
    # Safarov co-defendants (18-20 years); without a term and possibly in 2021: Bakuvi's
    # suspended sentence (June) and Yagublu's house arrest (2020 to July 2021)
    assert stderr == (UNCERTAIN_NOTE.format(n=1) + UNDATED_NOTE.format(n=2)
                      + NO_TERM_NOTE.format(n=2))


def test_limit_shows_the_first_rows_and_says_so(loaded_db, run):
    result = run(loaded_db.url, "sentences", "--year", "2021", "--limit", "2", "--format",
                 "json")
    assert [r["id"] for r in json.loads(result.stdout)] == IN_2021[:2]
    assert result.stderr == (f"Showing 2 of {len(IN_2021)} sentences; --limit 0 shows all.\n"
                             + UNCERTAIN_NOTE.format(n=2) + UNDATED_NOTE.format(n=2))


# --- output --------------------------------------------------------------------------------


def test_a_table_marks_inferred_values(loaded_db):
    from typer.testing import CliRunner

    from incidentdb.cli import app

    result = CliRunner().invoke(app, ["--db", loaded_db.url, "sentences", "--person",
                                      "yagublu"], env={"COLUMNS": "100", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    # the title line is padded to the width with spaces, which TABLE leaves out; at this
    # width the rows are shown as records, a field a line
    assert [line.rstrip(" ") for line in result.stdout.split("\n")] == TABLE.split("\n")


TABLE = """\
3 sentences
date      2020
who       Tofig Yagublu
kind      imprisonment
term      4 years 3 months
status    replaced
id        yagublu-sentenced-51-months

date      not before 2020;
          not after 2021-07
who       Tofig Yagublu
kind      house-arrest
replaces  yagublu-sentenced-51-months
          (inferred)
change    substitution (inferred)
status    replaced
id        yagublu-house-arrest-sentence

date      2021-07
who       Tofig Yagublu
kind      conditional
term      2 years 6 months
court     appeals court
replaces  yagublu-house-arrest-sentence
change    appeal
status    serving (inferred)
id        yagublu-conditional-30-months
"""


def test_a_table_shows_why_only_when_uncertain_sentences_are_asked_for(loaded_db, run):
    plain = run(loaded_db.url, "sentences", "--year", "2021")
    asked = run(loaded_db.url, "sentences", "--year", "2021", "--include-uncertain")
    assert plain.exit_code == asked.exit_code == 0
    assert plain.stdout.startswith("14 sentences") and asked.stdout.startswith("16 sentences")
    assert "\nwhy " not in "\n" + plain.stdout and "\nwhy " in "\n" + asked.stdout
    # the why of Yagublu's house arrest ("derived bounds"), which a table may wrap
    assert "derived" in asked.stdout and "derived" not in plain.stdout


def test_csv_has_every_field_and_names_the_inferred_ones(loaded_db, run):
    result = run(loaded_db.url, "sentences", "--change", "substitution", "--format", "csv")
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(table[0]) == [
        "date", "date_text", "date_start", "date_end", "date_precision", "earliest",
        "earliest_basis", "earliest_from", "latest", "latest_basis", "latest_from", "month",
        "bounds", "who", "person", "person_id", "group", "group_count", "kind", "term",
        "term_min_months", "term_max_months", "court", "court_id", "replaces", "change",
        "status", "case", "sources", "id", "uncertain", "why", "inferred"]
    house, bakuvi = table
    assert (house["id"], house["date"], house["earliest"], house["earliest_basis"],
            house["latest"], house["latest_basis"], house["replaces"], house["inferred"]) == (
        "yagublu-house-arrest-sentence", "", "2020-01-01", "derived", "2021-07-31", "derived",
        "yagublu-sentenced-51-months", "change; replaces")
    assert (bakuvi["id"], bakuvi["date"], bakuvi["date_start"], bakuvi["date_text"],
            bakuvi["term_min_months"], bakuvi["replaces"], bakuvi["change"],
            bakuvi["inferred"]) == ("bakuvi-suspended-sentence", "2021-06", "2021-06-01",
                                    "in June", "", "bakuvi-sentenced-42-months",
                                    "substitution", "")


def test_an_empty_answer_says_so(loaded_db, run):
    result = run(loaded_db.url, "sentences", "--kind", "fine")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "No sentence matches.\n", "")


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (("--kind", "suspend"), "Invalid value for '--kind': 'suspend' is not one of: "
     "imprisonment, life-imprisonment, suspended, conditional, house-arrest, fine; did you "
     "mean suspended?"),
    (("--change", "apeal"), "Invalid value for '--change': 'apeal' is not one of: appeal, "
     "substitution, pardon, commutation; did you mean appeal?"),
    (("--status", "servin"), "Invalid value for '--status': 'servin' is not one of: serving, "
     "replaced, pardoned, served, released, upheld, unknown; did you mean serving?"),
    (("--min-months", "24", "--max-months", "12"),
     "Invalid value: --min-months 24 is more than --max-months 12: the range is reversed"),
    (("--from", "2021-08", "--to", "2021-03"),
     "Invalid value: --from 2021-08 is after --to 2021-03: the range is reversed"),
    (("--year", "2021", "--month", "2021-06"),
     "Invalid value: give one of --month, --year, or --from/--to"),
    (("--min-months", "1.5"),
     "Invalid value for '--min-months': '1.5' is not a whole number written in digits 0-9"),
    (("--max-months", "12001"),
     "Invalid value for '--max-months': 12001 is out of range: from 0 to 12,000"),
])
def test_bad_input_is_a_usage_error(loaded_db, run, args, message):
    result = run(loaded_db.url, "sentences", *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"Error: {message}"


@pytest.mark.parametrize("args, message", [
    (("--case", "yagublu"), "no case has the id 'yagublu'; did you mean yagublu-case?"),
    (("--case", "zzzz"), "no case has the id 'zzzz'; incidentdb cases lists them"),
    (("--person", "Nobody"), "no person matches 'Nobody'"),
])
def test_an_unknown_case_or_person_is_one_error_line(loaded_db, run, args, message):
    result = run(loaded_db.url, "sentences", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")


def test_help_has_an_example_that_runs(loaded_db, run):
    import shlex

    result = run(loaded_db.url, "sentences", "--help")
    examples = [line.strip() for line in result.stdout.splitlines()
                if line.strip().startswith("Example: incidentdb sentences")]
    assert "Example: incidentdb sentences --year 2021" in examples
    for example in examples:
        arguments = shlex.split(example.removeprefix("Example: incidentdb "))
        ran = run(loaded_db.url, *arguments)
        assert ran.exit_code == 0 and ran.stdout, (example, ran.output)
