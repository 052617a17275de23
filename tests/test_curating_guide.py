"""docs/curating.md, followed as written (issue 15, item 4).

In an empty folder: every file the page says to save ("Save as `PATH`:" and the block
after it) is saved, and every `$ incidentdb` command of its console blocks is run in
order, on a database holding the bundled report (the PostgreSQL one too): each must
exit 0, or the code its `# exits N` comment says. Then the answers the page promises
are checked: the new fact in the case file, two sources for the supported sentence,
the disagreement, the tighter date, the coverage of the new source, the exports; and
the page's source changes no answer about what it does not touch.
"""

from __future__ import annotations

import csv
import json
import re
import shlex

import pytest

from .conftest import REPO
from .test_further_evidence import _answers, _undated

GUIDE = REPO / "docs" / "curating.md"


def steps() -> list[tuple[str, object]]:
    """("save", (path, text)) and ("run", (arguments, exit code)), in the page's order."""
    lines = GUIDE.read_text(encoding="utf-8").split("\n")
    out: list[tuple[str, object]] = []
    position = 0
    while position < len(lines):
        line = lines[position]
        saved = re.fullmatch(r"Save as `([^`]+)`:", line)
        if saved:
            start = next(i for i in range(position + 1, len(lines))
                         if lines[i].startswith("```"))
            end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("```"))
            out.append(("save", (saved.group(1), "\n".join(lines[start + 1:end]) + "\n")))
            position = end
        elif line.startswith("$ incidentdb "):
            code = re.search(r"#\s*exits (\d+)\s*$", line)
            args = shlex.split(line[len("$ incidentdb "):], comments=True)
            out.append(("run", (args, int(code.group(1)) if code else 0)))
        position += 1
    return out


@pytest.fixture(scope="module")
def followed(tmp_path_factory, request):
    """The page followed in a fresh folder, on a fresh database with the bundled data:
    (database, folder, {command line: result})."""
    from typer.testing import CliRunner

    from incidentdb.cli import app

    from .conftest import DATA, loaded_database

    folder = tmp_path_factory.mktemp("curating")
    database = loaded_database(tmp_path_factory.mktemp("curating-db"), DATA)
    request.addfinalizer(database.drop)
    runner = CliRunner()
    results = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        for kind, step in steps():
            if kind == "save":
                path, text = step  # type: ignore[misc]
                (folder / path).parent.mkdir(parents=True, exist_ok=True)
                (folder / path).write_text(text, encoding="utf-8")
                continue
            args, code = step  # type: ignore[misc]
            result = runner.invoke(app, ["--db", database.url, *args])
            assert result.exit_code == code, (args, result.stdout, result.stderr)
            results[" ".join(args)] = result
    return database, folder, results


def test_the_page_saves_files_and_runs_commands():
    kinds = [kind for kind, _ in steps()]
    assert kinds.count("save") == 2 and kinds.count("run") >= 10
    commands = [step[0][0] for kind, step in steps() if kind == "run"]  # type: ignore[index]
    assert {"source", "excerpt", "load", "cite", "person", "check", "export"} <= set(commands)


def test_the_source_record_is_written_with_the_texts_hash(followed):
    import hashlib

    _, folder, _ = followed
    record = (folder / "observers" / "observers-note.yaml").read_text(encoding="utf-8")
    digest = hashlib.sha256((folder / "observers" / "note.txt").read_bytes()).hexdigest()
    assert f"sha256: {digest}" in record and "text: note.txt" in record


def test_excerpt_gives_the_offsets_the_load_stores(followed, run):
    database, folder, results = followed
    shown = results['excerpt observers/note.txt began a hunger strike in September 2020']
    text = (folder / "observers" / "note.txt").read_text(encoding="utf-8")
    start = text.index("began a hunger strike in September 2020")
    assert f"{start}" in shown.stdout and f"{start + 39}" in shown.stdout
    nearest = results['excerpt observers/note.txt began a hunger strike in Sept 2020']
    assert "began a hunger strike in September 2020" in nearest.stdout
    cited = json.loads(run(database.url, "cite", "observers-hunger-strike-date", "-f",
                           "json").stdout)
    # the evidence quotes the passage with the name before it
    assert cited[0]["start"] == start - len("Tofig Yagublu ")


def test_the_answers_the_page_promises(followed, run):
    database, _, results = followed
    yagublu = json.loads(results["person Tofig Yagublu --format json"].stdout)
    assert "observers-yagublu-questioned" in {e["id"] for e in yagublu["timeline"]}
    assert "[[an appeals court later turned" in results[
        "cite yagublu-conditional-30-months --context 80"].stdout.replace("\n", " ")
    minimum = json.loads(run(database.url, "sentences", "--min-sources", "2", "-f",
                             "json").stdout)
    assert [s["id"] for s in minimum] == ["yagublu-conditional-30-months"]
    assert "observers-bakuvi-term" in results["person Bakuvi"].stdout
    assert "yagublu-hunger-strike" in results["events --month 2020-09"].stdout
    coverage = results["check --coverage observers-note"]
    assert "observers-note:" in coverage.stdout and "0 uncovered" in coverage.stdout


def test_the_exports_carry_the_evidence(followed):
    _, folder, _ = followed
    with (folder / "exports" / "evidence.csv").open(encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert {row["stance"] for row in rows.values()} == {"supports", "dates", "disputes"}
    assert rows["observers-bakuvi-term"]["record_id"] == "bakuvi-suspended-sentence"


def test_the_page_changes_no_answer_about_what_its_source_does_not_touch(followed,
                                                                           loaded_db, run):
    database, _, _ = followed
    before, after = _answers(run, loaded_db.url), _answers(run, database.url)
    for name in ("aslanov", "apfp", "people", "cases", "charges"):
        assert before[name] == after[name], name
    old = {r["id"]: r for r in csv.DictReader(before["events"].splitlines())}
    new = {r["id"]: r for r in csv.DictReader(after["events"].splitlines())}
    assert set(new) - set(old) == {"observers-yagublu-questioned"}
    assert all(_undated(old[i]) == _undated(new[i]) for i in old)
