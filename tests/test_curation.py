"""Tools for curators (issue 15): where an excerpt stands (`excerpt`), a source's record
written from its text (`source add`), the nearest id of a mistyped reference, the hash a
source without one has, and every problem of a record said in one load.

Offsets and scores are those of the bundled source text; every command runs on the
test database of the run (SQLite, or PostgreSQL with INCIDENTDB_TEST_POSTGRES_URL).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from incidentdb import curation
from incidentdb.curation import IdHints, find_excerpt, nearest_passages
from incidentdb.loader import LoadError, load_paths, validate_paths
from incidentdb.validate import SourceText

from .conftest import DATA
from .test_loader import digest, replace_in

SOURCE = "hrw-wr2022-azerbaijan"
TEXT = DATA / "sources" / f"{SOURCE}.txt"
YAGUBLU = ("In July, an appeals court replaced the house arrest of Tofig Yagublu, a leading "
           "politician of the opposition Musavat party, with a 30-month conditional sentence")
SUMMARY = re.compile(r"\d+ problem\(s\); nothing was loaded\.")


def rows(result) -> list[dict]:
    return json.loads(result.stdout)


def problems(result, data: Path) -> list[str]:
    """The problem lines of a refused load, with the data folder's path cut."""
    *lines, summary = result.stderr.splitlines()
    assert result.exit_code == 1 and SUMMARY.fullmatch(summary), result.output
    prefix = os.path.relpath(data) + os.sep
    assert all(line.startswith(prefix) for line in lines), lines
    return [line.removeprefix(prefix) for line in lines]


# --- excerpt --------------------------------------------------------------------------------


def test_excerpt_gives_the_offsets_the_loader_stores(loaded_db, run):
    cited = rows(run(loaded_db.url, "cite", "yagublu-conditional-30-months", "--format", "json"))
    assert cited[0]["excerpt"] == YAGUBLU and (cited[0]["start"], cited[0]["end"]) == (6210, 6370)
    result = run(loaded_db.url, "excerpt", SOURCE, YAGUBLU, "--format", "json")
    assert result.exit_code == 0 and result.stderr == ""
    assert rows(result) == [{"match": "exact", "occurrence": None, "start": 6210, "end": 6370,
                             "score": 1.0, "passage": YAGUBLU}]
    # white space is folded as the loader folds it
    folded = run(loaded_db.url, "excerpt", SOURCE, "30-month\n  conditional\tsentence",
                 "--format", "json")
    assert [(r["start"], r["end"], r["passage"]) for r in rows(folded)] == [
        (6341, 6370, "30-month conditional sentence")]
    assert TEXT.read_text(encoding="utf-8")[6341:6370] == "30-month conditional sentence"


def test_an_excerpt_found_twice_needs_an_occurrence(loaded_db, run):
    result = run(loaded_db.url, "excerpt", SOURCE, "Yagublu", "--format", "json")
    assert result.exit_code == 0
    assert [(r["match"], r["occurrence"], r["start"], r["end"]) for r in rows(result)] == [
        ("exact", 1, 6271, 6278), ("exact", 2, 6372, 6379)]
    assert result.stderr == (f"excerpt occurs 2 times in source {SOURCE!r}: a record quoting it "
                             "needs `occurrence: N` (or a longer excerpt)\n")
    # the loader's offsets for `occurrence: 2` are the second row's
    text = SourceText(SOURCE, 2021, TEXT.read_text(encoding="utf-8"))
    assert text.locate("Yagublu", 2) == (6372, 6379)


def test_an_excerpt_not_found_shows_the_nearest_passages_and_exits_1(loaded_db, run):
    result = run(loaded_db.url, "excerpt", SOURCE, "30-month conditonal sentence",
                 "--format", "json")
    assert result.exit_code == 1
    assert result.stderr == (f"excerpt not found in source {SOURCE!r}; the nearest passages "
                             "are shown\n")
    found = rows(result)
    assert found[0] == {"match": "nearest", "occurrence": None, "start": 6341, "end": 6370,
                        "score": 0.98, "passage": "30-month conditional sentence"}
    assert len(found) == 3 and {r["match"] for r in found} == {"nearest"}
    scores = [r["score"] for r in found]
    assert scores == sorted(scores, reverse=True) and all(0 <= s < 1 for s in scores)
    spans = sorted((r["start"], r["end"]) for r in found)
    assert all(end <= start for (_, end), (start, _) in zip(spans, spans[1:], strict=False))
    text = TEXT.read_text(encoding="utf-8")
    assert all(" ".join(text[r["start"]:r["end"]].split()) == r["passage"] for r in found)
    one = run(loaded_db.url, "excerpt", SOURCE, "Tofig Yagubly", "--nearest", "1",
              "--format", "json")
    assert one.exit_code == 1
    assert [(r["start"], r["end"], r["score"], r["passage"]) for r in rows(one)] == [
        (6265, 6278, 0.92, "Tofig Yagublu")]


def test_excerpt_reads_a_text_file_without_a_database(run, tmp_path):
    report = tmp_path / "report.txt"
    raw = "Examplia\n\nIn March, police  detained\tthe journalist\nAyla Demo in Port Sample.\n"
    report.write_bytes(raw.encode("utf-8"))
    database = tmp_path / "none.db"
    result = run(str(database), "excerpt", str(report), "detained the journalist Ayla Demo",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    [row] = rows(result)
    assert raw[row["start"]:row["end"]] == "detained\tthe journalist\nAyla Demo"
    assert row["passage"] == "detained the journalist Ayla Demo"
    assert not database.exists()


def test_excerpt_of_an_unknown_source_names_the_nearest_one(loaded_db, run):
    result = run(loaded_db.url, "excerpt", "hrw-wr2022-azerbaijn", "hunger strike")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == ("Error: no source 'hrw-wr2022-azerbaijn' in the database, and no "
                             f"file of that name; did you mean {SOURCE!r}? (sources: {SOURCE})\n")


def test_excerpt_refuses_what_a_source_cannot_be(run, tmp_path):
    database = str(tmp_path / "none.db")
    blank = run(database, "excerpt", SOURCE, "  ")
    assert blank.exit_code == 2 and "TEXT is empty" in blank.stderr
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Hasanöv".encode("latin-1"))
    result = run(database, "excerpt", str(latin), "Hasan")
    assert result.exit_code == 1 and result.stderr == f"Error: {str(latin)!r} is not UTF-8\n"
    missing = run(database, "excerpt", str(tmp_path / "gone.txt"), "Hasan")
    assert missing.exit_code == 1
    assert missing.stderr == (f"Error: {str(tmp_path / 'gone.txt')!r} cannot be read: No such "
                              "file or directory\n")


def _hundred_kb() -> str:
    """100 KB of the report's sentences, each after a paragraph number of its own."""
    sentences = re.split(r"(?<=\.) ", TEXT.read_text(encoding="utf-8"))
    paragraphs, size, number = [], 0, 0
    while size < 100_000:
        number += 1
        paragraphs.append(f"Paragraph {number}: {sentences[number * 7 % len(sentences)]}")
        size += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)


@pytest.mark.parametrize("length", [40, 250, 2000])
def test_the_nearest_passages_of_a_100_kb_text_are_found_by_scoring_a_few_windows(
        length, monkeypatch):
    """The full (quadratic) comparison is made for a bounded number of windows, whatever
    the text's length: the screened ones and the word ends tried around each kept one,
    not one per word of the text (about 15,000 here)."""
    text = _hundred_kb()
    source = SourceText("big", 2021, text)
    start = text.index("Paragraph 251: ")
    wanted = " ".join(text[start:start + length * 2].split())[:length]
    typo = wanted[:length // 2] + "#" + wanted[length // 2 + 1:]
    scored = []
    full_score = curation._Scorer.__call__
    monkeypatch.setattr(curation._Scorer, "__call__",
                        lambda self, a, b: scored.append(a) or full_score(self, a, b))
    found = nearest_passages(source, typo)
    windows = (curation.SCREENED + curation.NEAREST) * (1 + 2 * curation.REFINED)
    assert 0 < len(scored) <= windows < len(text.split()) / 10
    assert found[0].start == start and found[0].score >= 0.95
    assert found[0].score < 1
    assert len(found) == 3
    assert find_excerpt(source, wanted).passages[0].start == start


# --- source add -----------------------------------------------------------------------------

REPORT = "Examplia: Events of 2023\n\nIn March, police detained the journalist Ayla Demo.\n"
FIELDS = ["--id", "examplia-2023", "--title", "Examplia: Events of 2023", "--publisher",
          "incidentdb tests", "--published", "2024-01-15", "--events-year", "2023"]
EVENTS = """source: examplia-2023
events:
  - id: demo-detained
    kind: detention
    title: Ayla Demo detained
    date: In March
    excerpt: police detained the journalist Ayla Demo
"""


def test_source_add_writes_a_record_that_loads(migrated_db, run, tmp_path):
    folder = tmp_path / "examplia"
    folder.mkdir()
    (folder / "report.txt").write_bytes(REPORT.encode("utf-8"))
    result = run(migrated_db.url, "source", "add", str(folder / "report.txt"), *FIELDS,
                 "--url", "https://example.org/examplia")
    assert result.exit_code == 0, result.output
    written = folder / "examplia-2023.yaml"
    assert result.stderr == f"Wrote {written}: the record of source 'examplia-2023'.\n"
    assert yaml.safe_load(written.read_text(encoding="utf-8")) == {"sources": [{
        "id": "examplia-2023", "title": "Examplia: Events of 2023",
        "publisher": "incidentdb tests", "published": date(2024, 1, 15), "events_year": 2023,
        "url": "https://example.org/examplia", "text": "report.txt",
        "sha256": hashlib.sha256(REPORT.encode("utf-8")).hexdigest()}]}
    (folder / "events.yaml").write_text(EVENTS, encoding="utf-8")
    loaded = run(migrated_db.url, "load", str(folder))
    assert loaded.exit_code == 0, loaded.output
    assert "  sources: 1 added, 0 changed, 0 removed" in loaded.stdout.splitlines()
    assert "  events: 1 added, 0 changed, 0 removed" in loaded.stdout.splitlines()
    found = run(migrated_db.url, "excerpt", "examplia-2023", "the journalist Ayla Demo",
                "--format", "json")
    assert found.exit_code == 0, found.output
    start = REPORT.index("the journalist Ayla Demo")
    assert [(r["start"], r["end"]) for r in rows(found)] == [(start, start + 24)]
    cited = rows(run(migrated_db.url, "cite", "demo-detained", "--format", "json"))
    assert (cited[0]["start"], cited[0]["end"]) == (REPORT.index("police"), start + 24)


def test_source_add_to_stdout_gives_the_bundled_record(run, tmp_path):
    bundled = yaml.safe_load((DATA / "sources" / f"{SOURCE}.yaml").read_text(encoding="utf-8"))
    record = bundled["sources"][0]
    result = run(str(tmp_path / "none.db"), "source", "add", str(TEXT), "--id", SOURCE,
                 "--title", record["title"], "--publisher", record["publisher"],
                 "--published", str(record["published"]), "--events-year", "2021",
                 "--url", record["url"], "--licence", record["licence"], "--out", "-")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == bundled
    assert not (tmp_path / "none.db").exists()


def test_source_add_into_a_folder_writes_the_text_path_from_there(run, tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "data" / "sources").mkdir(parents=True)
    text = tmp_path / "texts" / "report.txt"
    text.write_bytes(REPORT.encode("utf-8"))
    result = run(str(tmp_path / "none.db"), "source", "add", str(text), *FIELDS,
                 "--out", str(tmp_path / "data" / "sources"))
    assert result.exit_code == 0, result.output
    written = tmp_path / "data" / "sources" / "examplia-2023.yaml"
    record = yaml.safe_load(written.read_text(encoding="utf-8"))["sources"][0]
    assert record["text"] == "../../texts/report.txt"
    assert (written.parent / record["text"]).resolve() == text.resolve()


def test_source_add_does_not_replace_a_file_without_force(run, tmp_path):
    text = tmp_path / "report.txt"
    text.write_bytes(REPORT.encode("utf-8"))
    database = str(tmp_path / "none.db")
    assert run(database, "source", "add", str(text), *FIELDS).exit_code == 0
    written = tmp_path / "examplia-2023.yaml"
    before = written.read_text(encoding="utf-8")
    again = run(database, "source", "add", str(text), *FIELDS, "--title", "Another")
    assert again.exit_code == 1
    assert again.stderr == f"Error: {str(written)!r} exists: --force replaces it\n"
    assert written.read_text(encoding="utf-8") == before
    forced = run(database, "source", "add", str(text), *FIELDS, "--title", "Another", "--force")
    assert forced.exit_code == 0
    assert yaml.safe_load(written.read_text(encoding="utf-8"))["sources"][0]["title"] == "Another"


@pytest.mark.parametrize(("change", "message"), [
    (["--id", "Examplia_2023"], "--id 'Examplia_2023' is not a slug (lower-case words joined "
                                "by '-')"),
    (["--published", "2024-02-30"], "--published '2024-02-30' is not a date (YYYY-MM-DD)"),
    (["--published", "15 January 2024"], "--published '15 January 2024' is not a date "
                                         "(YYYY-MM-DD)"),
    (["--events-year", "２０２３"], "'２０２３' is not a whole number written in digits 0-9"),
    (["--title", " "], "--title is empty"),
])
def test_source_add_checks_the_fields_before_writing(run, tmp_path, change, message):
    text = tmp_path / "report.txt"
    text.write_bytes(REPORT.encode("utf-8"))
    result = run(str(tmp_path / "none.db"), "source", "add", str(text), *FIELDS, *change)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].endswith(message), result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


@pytest.mark.parametrize(("raw", "out", "message"), [
    ("Hasanöv".encode("latin-1"), None, "'{text}' is not UTF-8"),
    (b"Rauf\x00Aliyev", None, "'{text}' holds a NUL character"),
    (REPORT.encode("utf-8"), "record.txt", "'{out}' is not a .yaml or .yml file: the loader "
                                           "would not read it"),
])
def test_source_add_refuses_what_the_loader_would_refuse(run, tmp_path, raw, out, message):
    text = tmp_path / "report.txt"
    text.write_bytes(raw)
    result = run(str(tmp_path / "none.db"), "source", "add", str(text), *FIELDS,
                 *(["--out", str(tmp_path / out)] if out else []))
    assert result.exit_code == 1
    assert result.stderr == "Error: " + message.format(
        text=text, out=tmp_path / (out or "")) + "\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


# --- did you mean ---------------------------------------------------------------------------


def test_a_mistyped_reference_names_the_nearest_id(engine, migrated_db, data_copy, run):
    load_paths(engine, [DATA])
    before = digest(migrated_db.url)
    opposition = data_copy / "political-opposition.yaml"
    replace_in(opposition, "    person: niyameddin-ahmedov\n", "    person: niyameddin-ahmedv\n")
    replace_in(opposition, "    offence: incitement", "    offence: incitment")
    replace_in(opposition, "    person: tofig-yagublu\n", "    person: yagublu\n")
    replace_in(opposition, "    court: azerbaijan-appeals-court", "    court: appeal-court")
    with pytest.raises(LoadError) as caught:
        load_paths(engine, [data_copy])
    assert sorted(p.message for p in caught.value.problems) == [
        "offence 'incitment' does not exist; did you mean 'incitement'?",
        "organization 'appeal-court' does not exist",  # nothing alike enough
        "person 'niyameddin-ahmedv' does not exist; did you mean 'niyameddin-ahmedov'?",
        "person 'yagublu' does not exist; did you mean 'tofig-yagublu'?"]
    assert digest(migrated_db.url) == before


def test_a_mistyped_relation_names_the_nearest_record(engine, data_copy):
    opposition = data_copy / "political-opposition.yaml"
    replace_in(opposition, "    before: bakuvi-sentenced-42-months\n",
               "    before: bakuvi-sentenced-42-month\n")
    replace_in(opposition, "    before: gahramanli-suspended-sentence\n",
               "    before: event:gahramanli-suspended-sentence\n")
    with pytest.raises(LoadError) as caught:
        load_paths(engine, [data_copy])
    assert sorted(p.message for p in caught.value.problems) == [
        "before 'bakuvi-sentenced-42-month': no event, charge, sentence or membership has the "
        "id 'bakuvi-sentenced-42-month'; did you mean 'bakuvi-sentenced-42-months'?",
        "before 'event:gahramanli-suspended-sentence': event 'gahramanli-suspended-sentence' "
        "does not exist; did you mean 'sentence:gahramanli-suspended-sentence'?"]


class _CountingConnection:
    """A connection that answers every query with the same ids, and counts the queries."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self.queries = 0

    def scalars(self, query):
        self.queries += 1
        return iter(self.ids)


def test_the_ids_of_a_table_are_read_once_for_all_its_hints():
    conn = _CountingConnection(["tofig-yagublu", "niyameddin-ahmedov", "fuad-gahramanli"])
    hints = IdHints(conn)  # type: ignore[arg-type]
    assert hints.hint(["people"], "niyameddin-ahmedv") == "; did you mean 'niyameddin-ahmedov'?"
    assert hints.hint(["people"], "tofig-yagubl") == "; did you mean 'tofig-yagublu'?"
    assert hints.hint(["people"], "someone-else") == ""
    assert hints.hint(["people"], "tofig-yagublu") == ""  # itself: a record a prune removes
    assert conn.queries == 1
    assert hints.hint(["organizations"], "tofig-yagubl") == "; did you mean 'tofig-yagublu'?"
    assert conn.queries == 2


# --- the loader's messages ------------------------------------------------------------------


def test_the_loader_names_the_passage_nearest_to_a_mistyped_excerpt(engine, data_copy):
    replace_in(data_copy / "political-opposition.yaml", YAGUBLU,
               YAGUBLU.replace("30-month", "30 month"))
    with pytest.raises(LoadError) as caught:
        load_paths(engine, [data_copy])
    [problem] = caught.value.problems
    assert (problem.line, problem.record_id) == (575, "yagublu-conditional-30-months")
    assert problem.message == (
        f"excerpt not found in source {SOURCE!r}: 'In July, an appeals court replaced the "
        "house arrest of Tofi…'; nearest at 6210-6370 (score 0.99): 'In July, an appeals "
        "court replaced the house arrest of Tofi…'")


def test_a_source_without_its_sha256_is_told_the_hash_of_its_text(base_copy):
    record = base_copy / "sources" / "report.yaml"
    digest_line = "    sha256: a7a736d1baccc8e9cc60e80ce2bf2601721f78bf2379a29addadf775bf245ad2\n"
    replace_in(record, digest_line, "")
    found = validate_paths([base_copy]).problems
    assert [p.message for p in found] == [
        "missing required field 'sha256' (the text's sha256 is "
        "a7a736d1baccc8e9cc60e80ce2bf2601721f78bf2379a29addadf775bf245ad2)"]
    assert hashlib.sha256((base_copy / "sources" / "report.txt").read_bytes()).hexdigest() == (
        "a7a736d1baccc8e9cc60e80ce2bf2601721f78bf2379a29addadf775bf245ad2")
    # a text that cannot be read has no hash to tell, and says so
    (base_copy / "sources" / "report.txt").unlink()
    assert [p.message for p in validate_paths([base_copy]).problems] == [
        "missing required field 'sha256'", "source text 'report.txt' cannot be read"]


# --- every problem of a record in one load -----------------------------------------------------

BAD_FIELD_AND_EXCERPT = """source: examplestan-2021
people:
  - id: rauf-aliyev
    name: Rauf Aliyev
    gender: unknown
    excerpt: Journalist Rauf Aliyev
"""
BAD_ITEMS_AND_EXCERPT = """source: examplestan-2021
events:
  - id: rauf-detained
    kind: detention
    title: Rauf Aliyev detained
    excerpt: Rauf Aliyev was detained
    participants:
      - person: tofiq-hasanov
        role: bystander
    counts:
      - measure: detained
        subject: journalists
        value: 2
        qualifier: exact
        excerpt: two journalists were held
"""
REFUSED_AND_REFERRED_TO = BAD_FIELD_AND_EXCERPT + """events:
  - id: rauf-held
    kind: detention
    title: Rauf Aliyev held
    excerpt: held for several days
    participants:
      - person: rauf-aliyev
        role: victim
"""


@pytest.mark.parametrize(("extra", "expected"), [
    (BAD_FIELD_AND_EXCERPT, [
        "extra.yaml:3: person 'rauf-aliyev': excerpt not found in source 'examplestan-2021': "
        "'Journalist Rauf Aliyev'; nearest at 443-459 (score 0.68): 'Journalist Tofiq'",
        "extra.yaml:3: person 'rauf-aliyev': gender 'unknown' is not one of: female, male"]),
    (BAD_ITEMS_AND_EXCERPT, [
        "extra.yaml:3: event 'rauf-detained': excerpt not found in source 'examplestan-2021': "
        "'Rauf Aliyev was detained'; nearest at 485-508 (score 0.59): 'the trial, was "
        "detained'",
        "extra.yaml:8: event 'rauf-detained': role 'bystander' is not one of: ...",
        "extra.yaml:11: event 'rauf-detained': excerpt not found in source 'examplestan-2021': "
        "'two journalists were held'"]),  # nothing near enough to name
    # the refused person is not also a missing one
    (REFUSED_AND_REFERRED_TO, [
        "extra.yaml:3: person 'rauf-aliyev': excerpt not found in source 'examplestan-2021': "
        "'Journalist Rauf Aliyev'; nearest at 443-459 (score 0.68): 'Journalist Tofiq'",
        "extra.yaml:3: person 'rauf-aliyev': gender 'unknown' is not one of: female, male"]),
], ids=["field and excerpt", "items and excerpt", "refused and referred to"])
def test_every_problem_of_a_record_is_said_in_one_load(migrated_db, run, base_copy, extra,
                                                       expected):
    (base_copy / "extra.yaml").write_text(extra, encoding="utf-8")
    result = run(migrated_db.url, "load", str(base_copy))
    said = problems(result, base_copy)
    assert len(said) == len(expected), said
    for pattern, line in zip(expected, said, strict=True):
        assert re.fullmatch(".*".join(map(re.escape, pattern.split("..."))), line), (line,
                                                                                     pattern)
    assert run(migrated_db.url, "stats", "--format", "json").exit_code == 1  # nothing loaded
