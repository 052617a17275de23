"""The query commands, on the bundled data, through the CLI as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import text

from incidentdb.cli import app
from incidentdb.db import make_engine
from incidentdb.queries import TIMELINE_PARTS

from .conftest import ACCENTED_NAMES


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def as_csv(result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


# --- person ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Tofig Yagublu", "Tofiq Yaqublu", "yagublu", "YAGUBLU",
                                   "Tofıq Yaqublu"])
def test_person_any_spelling_reaches_the_same_person(loaded_db, run, typed):
    data = as_json(run(loaded_db.url, "person", typed, "--format", "json"))
    assert data["id"] == "tofig-yagublu"


def test_person_case_file_of_yagublu(loaded_db, run):
    data = as_json(run(loaded_db.url, "person", "Tofig Yagublu", "--format", "json"))
    assert [m["organization"] for m in data["memberships"]] == ["Musavat party"]
    (case,) = data["cases"]
    assert [c["offence"] for c in case["charges"]] == ["Hooliganism"]
    assert [c["characterisation"] for c in case["charges"]] == ["bogus"]
    sentences = case["sentences"]
    # the original term, then what replaced it, in order
    assert [s["kind"] for s in sentences] == ["imprisonment", "house-arrest", "conditional"]
    assert sentences[0]["term_min_months"] == 51
    assert sentences[-1]["term_min_months"] == 30
    assert sentences[-1]["date"] == "2021-07"
    assert sentences[-1]["replaces"] == sentences[1]["id"]
    assert sentences[-1]["change"] == "appeal"
    dated = [e["date"] for e in data["timeline"] if e["date"]]
    assert dated == sorted(dated)
    assert all(e["evidence"] for e in data["timeline"])


def test_niyameddin_ahmedov_charges_and_sentence(loaded_db, run):
    data = as_json(run(loaded_db.url, "person", "Niyameddin Ahmedov", "--format", "json"))
    (case,) = data["cases"]
    offences = {c["offence"]: c for c in case["charges"]}
    assert {"Financing terrorism", "Incitement"} <= set(offences)
    assert offences["Incitement"]["date"] == "2021-01"
    assert offences["Incitement"]["characterisation"] == "dubious"
    assert offences["Financing terrorism"]["date"] == "2020-05"
    (sentence,) = case["sentences"]
    assert (sentence["kind"], sentence["term_min_months"], sentence["date"]) == (
        "imprisonment", 156, "2021-10")
    kinds = {e["kind"] for e in data["timeline"]}
    assert {"arrest", "charge", "sentencing", "ill-treatment"} <= kinds


def test_person_table_shows_the_case_file(loaded_db, run):
    result = run(loaded_db.url, "person", "Yagublu")
    assert result.exit_code == 0
    assert "Tofig Yagublu" in result.stdout
    assert "Timeline" in result.stdout
    # the sentence's id, folded at the table's width if need be (160 columns in a pipe)
    assert "yagublu-conditional" in result.stdout


def test_person_ambiguous_lists_matches_and_exits_1(loaded_db, run):
    result = run(loaded_db.url, "person", "Ibrahim")
    assert result.exit_code == 1
    assert "matches 3 people" in result.stderr
    for name in ("Mammad Ibrahim", "Ibrahim Salamov", "Mehdi Ibrahimov"):
        assert name in result.stderr


def test_person_unknown_suggests_closest(loaded_db, run):
    result = run(loaded_db.url, "person", "Yagubli")
    assert result.exit_code == 1
    assert "did you mean Tofig Yagublu" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("typed", "message"), [
    ("%", "no person matches '%': type a name"),
    ("_", "no person matches '_': type a name"),
    ("%ublu", "no person matches '%ublu'; did you mean Tofig Yagublu?"),
    ("_agublu", "no person matches '_agublu'; did you mean Tofig Yagublu, Agil Maharramov?"),
    ("Y_gublu", "no person matches 'Y_gublu'; did you mean Tofig Yagublu?"),
    ("' OR 1=1 --", "no person matches \"' OR 1=1 --\""),
])
def test_person_wildcards_are_literal(loaded_db, run, typed, message):
    """A name is folded before it reaches SQL, and folding drops `%` and `_`: these show
    the answer, not LIKE. The text that reaches LIKE as typed is --charge (below)."""
    result = run(loaded_db.url, "person", typed)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"


def test_a_percent_sign_adds_nothing_to_a_name(loaded_db, run):
    plain = as_json(run(loaded_db.url, "person", "Yagub", "--format", "json"))
    percent = as_json(run(loaded_db.url, "person", "Yagub%", "--format", "json"))
    assert plain["id"] == percent["id"] == "tofig-yagublu"


# --- people, cases, charges -------------------------------------------------------------------


def test_who_was_charged_with_hooliganism(loaded_db, run):
    rows = as_csv(run(loaded_db.url, "people", "--charge", "hooliganism", "--format", "csv"))
    assert {r["name"] for r in rows} == {"Said Mamedzade Bakuvi", "Tofig Yagublu"}


@pytest.mark.parametrize(("text", "expected"), [
    ("covid", {"Mahammad Imanli", "Mehdi Ibrahimov"}),
    ("drug", {"Lachin Valiyev"}),
    ("defamation", {"Elchin Hasanzade", "Ibrahim Salamov"}),
    ("treason", {"Polad Aslanov"}),
])
def test_people_by_charge_text(loaded_db, run, text, expected):
    rows = as_csv(run(loaded_db.url, "people", "--charge", text, "--format", "csv"))
    assert {r["name"] for r in rows} == expected


# The charge text reaches LIKE as typed (offence ids and names): `%` and `_` must match
# themselves. No offence holds either, and the full-text half finds no word in them, so
# each finds nothing; unescaped, `%` and `_` alone found 19 people and 18 cases.
LIKE_WILDCARDS = ["%", "_", "%%", "%ism", "_ooliganism", "Hooligan_sm", "hooli%ism"]


@pytest.mark.parametrize("command", ["people", "cases"])
@pytest.mark.parametrize("text", LIKE_WILDCARDS)
def test_charge_wildcards_match_literally(loaded_db, run, command, text):
    result = run(loaded_db.url, command, "--charge", text, "--format", "json", "--limit", "0")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert as_json(result) == []
    assert result.stderr == ""


@pytest.mark.parametrize(("text", "expected"), [
    ("hooliganism", {"yagublu-case", "bakuvi-case"}),
    ("Hooliganism", {"yagublu-case", "bakuvi-case"}),
    ("covid", {"imanli-case", "mehdi-ibrahimov-case"}),
    ("spreading-covid-19", {"imanli-case", "mehdi-ibrahimov-case"}),
    ("defamation", {"hasanzade-salamov-defamation-case"}),
])
def test_cases_by_charge_text(loaded_db, run, text, expected):
    rows = as_json(run(loaded_db.url, "cases", "--charge", text, "--format", "json"))
    assert {r["id"] for r in rows} == expected
    assert all(r["charges"] for r in rows)


def test_cases_by_charge_csv_is_the_readme_example(loaded_db, run):
    result = run(loaded_db.url, "cases", "--charge", "covid", "--format", "csv")
    assert result.stdout.splitlines() == [
        "id,title,status,defendants,defendant_count,defendant_count_qualifier,charges,"
        "other_charges,latest_sentence,sentence_date,sources",
        "imanli-case,Prosecution of Mahammad Imanli,pardoned,Mahammad Imanli,,,"
        "Spreading Covid-19,,imprisonment 1 year,2020-12,1",
        "mehdi-ibrahimov-case,Prosecution of Mehdi Ibrahimov,sentenced,Mehdi Ibrahimov,,,"
        "Spreading Covid-19,,suspended 1 year 3 months,2021-02,1",
    ]


def test_listings_say_counts_as_the_report_does(loaded_db, run):
    cases = {r["id"]: r for r in as_csv(run(loaded_db.url, "cases", "--format", "csv"))}
    assert (cases["ethnic-armenians-other-charges"]["defendant_count"],
            cases["ethnic-armenians-other-charges"]["defendant_count_qualifier"]) == (
        "6", "at-least")
    table = run(loaded_db.url, "cases").stdout
    assert "at least 6" in table and "dozens" in table
    events = json.loads(run(loaded_db.url, "events", "--month", "2021-03", "--format",
                            "json").stdout)
    pardon = next(e for e in events if e["id"] == "pardon-nearly-40-critics-march-2021")
    assert {"measure": "pardoned", "value": 40, "qualifier": "nearly", "minimum": None,
            "maximum": 40} == {k: pardon["counts"][1][k] for k in (
                "measure", "value", "qualifier", "minimum", "maximum")}
    assert pardon["counted"].startswith("nearly 40 released: ")
    table = run(loaded_db.url, "events", "--month", "2021-03").stdout
    assert "counted" in table and "nearly 40" in table  # (the column folds the rest)


def test_people_by_org_short_name_and_kind(loaded_db, run):
    apfp = as_csv(run(loaded_db.url, "people", "--org", "APFP", "--format", "csv"))
    names = {r["name"] for r in apfp}
    assert {"Niyameddin Ahmedov", "Fuad Gahramanli", "Pasha Umudov"} <= names
    assert "Tofig Yagublu" not in names
    journalists = as_json(run(loaded_db.url, "people", "--kind", "journalist", "--format",
                              "json"))
    assert {"Polad Aslanov", "Khadija Ismayilova"} <= {r["name"] for r in journalists}


def test_cases_with_latest_sentence(loaded_db, run):
    rows = {r["id"]: r for r in as_json(run(loaded_db.url, "cases", "--format", "json"))}
    assert rows["yagublu-case"]["latest_sentence"] == "conditional 2 years 6 months"
    assert rows["apfp-pro-war-protest-case"]["defendant_count"] == 12
    assert rows["apfp-pro-war-protest-case"]["latest_sentence"] == "suspended 2 to 4 years"
    pretrial = as_json(run(loaded_db.url, "cases", "--status", "pretrial", "--format", "json"))
    assert "valiyev-case" in {r["id"] for r in pretrial}
    mine = as_json(run(loaded_db.url, "cases", "--person", "Ahmedov", "--format", "json"))
    assert [r["id"] for r in mine] == ["ahmedov-case"]


def test_charges_counts_cases_and_people(loaded_db, run):
    rows = {r["id"]: r for r in as_json(run(loaded_db.url, "charges", "--format", "json"))}
    assert rows["hooliganism"]["cases"] == 2
    assert rows["hooliganism"]["people"] == 2
    assert rows["spreading-covid-19"]["people"] == 2


# --- events and timeline ----------------------------------------------------------------------


def test_what_happened_in_june_2021(loaded_db, run):
    rows = as_json(run(loaded_db.url, "events", "--month", "2021-06", "--format", "json"))
    ids = {r["id"] for r in rows}
    assert {"apfp-members-sentencing", "bakuvi-sentence-substituted",
            "journalists-and-official-killed-by-mine-june-4"} <= ids
    # "In June and July" spans two months: not certainly in June
    assert "thirty-released-for-landmine-maps" not in ids
    assert all(r["date"].startswith("2021-06") for r in rows)
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)


def test_include_uncertain_marks_overlapping_events(loaded_db, run):
    rows = as_json(run(loaded_db.url, "events", "--month", "2021-06", "--include-uncertain",
                       "--format", "json"))
    by_id = {r["id"]: r for r in rows}
    assert by_id["thirty-released-for-landmine-maps"]["uncertain"] is True
    assert by_id["apfp-members-sentencing"]["uncertain"] is False
    assert "tatar-details-emerged" in by_id  # "Throughout 2021"


def test_events_filters_combine(loaded_db, run):
    rows = as_json(run(loaded_db.url, "events", "--year", "2021", "--kind", "pardon",
                       "--format", "json"))
    assert {r["id"] for r in rows} == {"imanli-pardon", "pardon-nearly-40-critics-march-2021"}
    rows = as_json(run(loaded_db.url, "events", "--person", "Mijatovic", "--format", "json"))
    assert [r["id"] for r in rows] == ["mijatovic-trophy-park-concern"]
    rows = as_json(run(loaded_db.url, "events", "--org", "PACE", "--from", "2021-06",
                       "--to", "2021-12", "--format", "json"))
    assert {"pace-rapporteur-political-prisoners-june",
            "pace-resolution-september-captives"} <= {r["id"] for r in rows}


@pytest.mark.parametrize("month", ["2021-13", "2021-00", "March", "2021-6"])
def test_invalid_month_is_a_usage_error(loaded_db, run, month):
    result = run(loaded_db.url, "events", "--month", month)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: Invalid value for '--month': {month!r} is not a month: use YYYY-MM, "
        "e.g. 2021-06")


def test_timeline_counts_per_month(loaded_db, run):
    rows = {r["month"]: int(r["events"]) for r in as_csv(
        run(loaded_db.url, "timeline", "--year", "2021", "--format", "csv"))}
    assert rows["2021-03"] == 7
    assert rows["2021-06"] == 5
    assert rows["vaguer than a month"] > 0
    table = run(loaded_db.url, "timeline", "--year", "2021")
    assert "█" in table.stdout and "vaguer than a month" in table.stdout


def test_timeline_parts_add_up_to_every_event(loaded_db, run):
    """Each event counts once: in its month, or as vaguer, open-ended or undated."""
    rows = {r["month"]: int(r["events"]) for r in as_csv(
        run(loaded_db.url, "timeline", "--format", "csv"))}
    parts = {part: rows.pop(part) for part in TIMELINE_PARTS}
    engine = make_engine(loaded_db.url)
    with engine.connect() as conn:
        events = conn.execute(text("SELECT count(*) FROM events")).scalar_one()
        undated = conn.execute(text(
            "SELECT count(*) FROM events WHERE date_start IS NULL AND date_end IS NULL "
            "AND earliest IS NULL AND latest_from LIKE 'source:%'")).scalar_one()
    engine.dispose()
    assert sum(rows.values()) + sum(parts.values()) == events
    assert parts["undated"] == undated
    table = run(loaded_db.url, "timeline").stdout
    assert (f"Not in one month: {parts['vaguer than a month']} vaguer than a month, "
            f"{parts['open-ended']} open-ended, {parts['undated']} undated "
            f"({events} events in all).") in " ".join(table.split())


# --- organizations, search, stats, cite -------------------------------------------------------


def test_org_members_and_events(loaded_db, run):
    data = as_json(run(loaded_db.url, "org", "PACE", "--format", "json"))
    assert data["id"] == "pace"
    assert data["parent"] == "Council of Europe"
    assert "pace-resolution-september-captives" in {e["id"] for e in data["events"]}
    apfp = as_json(run(loaded_db.url, "org", "popular front", "--format", "json"))
    leaders = {m["name"] for m in apfp["members"] if m["role"] == "leader"}
    assert leaders == {"Fuad Gahramanli", "Mammad Ibrahim", "Bakhtiyar Imanov", "Asif Yusifli",
                       "Ayaz Maharramli"}
    orgs = as_json(run(loaded_db.url, "orgs", "--kind", "court", "--format", "json"))
    assert "ecthr" in {o["id"] for o in orgs}


def test_search_ranks_and_shows_passage(loaded_db, run):
    hits = as_json(run(loaded_db.url, "search", "hunger strike", "--format", "json"))
    assert hits[0]["record_id"].startswith("yagublu")
    assert "[hunger]" in hits[0]["passage"].lower() or "hunger" in hits[0]["passage"].lower()


@pytest.mark.parametrize("text", ['"', "(", "hooliganism)", "a OR", "NEAR(", "*", "-x",
                                  "'; DROP TABLE people; --", "ü", ""])
def test_search_text_is_literal(loaded_db, run, text):
    result = run(loaded_db.url, "search", "--format", "json", "--", text)
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.stdout), list)


def test_stats_and_cite(loaded_db, run):
    data = as_json(run(loaded_db.url, "stats", "--format", "json"))
    tables = {r["table"]: r["rows"] for r in data["tables"]}
    assert tables["people"] == 26
    assert {"events", "charges", "sentences"} <= set(tables)
    cited = as_json(run(loaded_db.url, "cite", "yagublu-conditional-30-months",
                        "--format", "json"))
    assert cited[0]["excerpt"].startswith("In July, an appeals court replaced")
    assert cited[0]["end"] > cited[0]["start"]
    missing = run(loaded_db.url, "cite", "no-such-record")
    assert missing.exit_code == 1 and "no record has the id" in missing.stderr


HUMBATOVA, HASANZADE = ACCENTED_NAMES["Shahla Humbatova"], ACCENTED_NAMES["Elchin Hasanzade"]
# Commands whose JSON holds non-ASCII text of the accented data (conftest), and that text.
NON_ASCII_COMMANDS = [
    (("people",), HUMBATOVA), (("people", "--charge", "defamation"), HASANZADE),
    (("person", "Humbatova"), HUMBATOVA), (("person", "Hasanzade"), HASANZADE),
    (("cases", "--person", "Hasanzade"), HASANZADE),
    (("events", "--person", "Hasanzade"), HASANZADE),
    (("org", "Azerbaijani Bar Association"), HUMBATOVA), (("search", "Hasanzade"), HASANZADE),
    (("cite", "fuad-gahramanli"), "five party leaders \u2013 Fuad Gahramanli"),
]


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
@pytest.mark.parametrize(("args", "written"), NON_ASCII_COMMANDS,
                         ids=[" ".join(args) for args, _ in NON_ASCII_COMMANDS])
def test_json_keeps_non_ascii_as_written(accented_db, run, args, written, fmt):
    result = run(accented_db.url, *args, "--format", fmt)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert written in out, out[:500]
    assert "\\u" not in out  # no escape of any character
    values = json.loads(out) if fmt == "json" else [json.loads(line)
                                                      for line in out.splitlines()]
    assert written in json.dumps(values, ensure_ascii=False)


def test_the_accented_names_are_found_and_shown(accented_db, run):
    data = as_json(run(accented_db.url, "person", "Şahla Hümbətova", "--format", "json"))
    assert (data["id"], data["name"]) == ("shahla-humbatova", "Şahla Hümbətova")
    rows = as_csv(run(accented_db.url, "people", "--charge", "defamation", "--format", "csv"))
    assert {r["name"] for r in rows} == {"Elçin Həsənzadə", "Ibrahim Salamov"}
    table = run(accented_db.url, "people", "--kind", "lawyer")
    assert "Şahla Hümbətova" in table.stdout


def test_output_formats_keep_non_ascii(loaded_db, run):
    """The bundled data's own non-ASCII: the curly apostrophe of an organization's name."""
    result = run(loaded_db.url, "org", "ombudsman", "--format", "ndjson")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and all("section" in line for line in lines)
    assert "\\u" not in result.stdout
    assert any(ord(ch) > 127 for ch in result.stdout)


# --- NO_COLOR and pipes ------------------------------------------------------------------------

ESCAPE = re.compile(r"\x1b\[([0-9;]*)m")
TABLE_COMMANDS = [("people", "--limit", "3"), ("person", "Yagublu"), ("events", "--month",
                  "2021-06"), ("timeline", "--year", "2021"), ("charges",), ("stats",)]


def _colours(text: str) -> set[str]:
    """The SGR parameters of `text` that set a colour (30-49, 90-107; 38 and 48 extended)."""
    params = {p for codes in ESCAPE.findall(text) for p in codes.split(";") if p}
    return {p for p in params if 30 <= int(p) <= 49 or 90 <= int(p) <= 107}


@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=" ".join)
def test_a_table_to_a_pipe_has_no_escape_codes(loaded_db, run, args):
    result = run(loaded_db.url, *args)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x1b" not in result.stderr


@pytest.mark.parametrize("forced", [{"FORCE_COLOR": "1"}, {"TTY_COMPATIBLE": "1"}],
                         ids=["FORCE_COLOR", "TTY_COMPATIBLE"])
@pytest.mark.parametrize("args", TABLE_COMMANDS, ids=" ".join)
def test_no_color_gives_no_colour_even_on_a_terminal(loaded_db, args, forced):
    """Rich honours NO_COLOR (no-color.org) by dropping colours, not bold or italic: on a
    terminal (forced here, as FORCE_COLOR or TTY_COMPATIBLE do) the table keeps its bold
    headers, and no colour code."""
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["--db", loaded_db.url, *args],
                                env={"NO_COLOR": "1", "COLUMNS": "120", **forced})
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0, result.output
    assert ESCAPE.search(result.stdout), "the terminal was not forced: the test shows nothing"
    assert _colours(result.stdout) == set()
    assert _colours(result.stderr) == set()


# --- every command has help with an example ---------------------------------------------------


def _commands(typer_app, prefix=()):
    from typer.main import get_group

    group = get_group(typer_app)

    def walk(command, path):
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                yield from walk(sub, (*path, name))
        else:
            yield path

    yield from walk(group, prefix)


def test_every_command_has_help_with_an_example():
    from typer.testing import CliRunner

    runner = CliRunner()
    commands = list(_commands(app))
    assert len(commands) >= 15
    for path in commands:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example: incidentdb" in result.stdout, f"{' '.join(path)} has no example"


WRITES = {("db", "downgrade"), ("db", "upgrade"), ("export",)}  # given a scratch database
# serves a SQLite file; on PostgreSQL it says how to make one (tests/test_web.py)
SQLITE_ONLY = {("serve",)}


def test_every_example_of_every_help_runs(loaded_db, run, tmp_path, monkeypatch):
    """Each `Example:` line of each command's help, run as written on the bundled data
    (from a folder where `data/` is the bundled data): exit 0 and some output. Examples
    that write get a database of their own; one that names its database keeps it."""
    import re
    import shlex

    from typer.testing import CliRunner

    from .conftest import DATA, Database

    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").symlink_to(DATA)
    ran = 0
    for path in _commands(app):
        helped = runner.invoke(app, [*path, "--help"]).stdout
        if tuple(path) in SQLITE_ONLY and loaded_db.schema:
            continue
        for example in re.findall(r"Example: incidentdb (.+)", helped):
            args = shlex.split(example)
            if "--db" in args:
                result = runner.invoke(app, args)
            elif tuple(path) in WRITES:
                (tmp_path / f"scratch{ran}").mkdir()
                scratch = Database(tmp_path / f"scratch{ran}")
                try:
                    assert run(scratch.url, "db", "upgrade").exit_code == 0
                    assert run(scratch.url, "load").exit_code == 0
                    result = run(scratch.url, *args)
                finally:
                    scratch.drop()
            else:
                result = run(loaded_db.url, *args)
            assert result.exit_code == 0, (example, result.stderr)
            assert result.stdout or result.stderr, example
            ran += 1
    assert ran >= 20


def test_limit_shows_the_first_rows_and_says_so(loaded_db, run):
    everything = as_json(run(loaded_db.url, "events", "--year", "2021", "--format", "json"))
    assert len(everything) > 3
    result = run(loaded_db.url, "events", "--year", "2021", "--limit", "3", "--format", "json")
    assert [r["id"] for r in json.loads(result.stdout)] == [r["id"] for r in everything[:3]]
    assert result.stderr.splitlines()[0] == (
        f"Showing 3 of {len(everything)} events; --limit 0 shows all.")
    table = run(loaded_db.url, "events", "--year", "2021", "--limit", "3")
    assert table.stdout.splitlines()[0].strip() == f"3 of {len(everything)} events"
    unlimited = run(loaded_db.url, "people", "--limit", "0", "--format", "json")
    assert len(json.loads(unlimited.stdout)) == 26 and unlimited.stderr == ""
