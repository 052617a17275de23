"""reading.py on its own: bytes in, raw records and one-line problems out.

Pure function calls on small files written by the tests (no database, no CLI), so
that mutation testing (tools/mutation.py) can run them per mutant. Each expected
value follows from the module's docstrings and docs/data-format.md: which YAML
scalars are numbers, booleans or text, which keys are reserved, where a problem is
(file and line), what the limits are, and which files a folder holds.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from incidentdb import reading
from incidentdb.reading import (
    LINE_KEY,
    MAX_DEPTH,
    Problem,
    RawRecord,
    find_data_files,
    is_json_lines,
    is_reserved,
    iter_jsonl,
    read_file,
    read_yaml,
)


def _yaml(tmp_path: Path, text: str | bytes, name: str = "data.yaml",
          ) -> tuple[list[RawRecord], list[str]]:
    """The records and problem lines of a YAML file holding `text`."""
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    records, problems = read_yaml(path, name)
    return records, [str(p) for p in problems]


def _jsonl(tmp_path: Path, lines: list[bytes], sources: bool | None = None,
           ) -> list[RawRecord | str]:
    """What iter_jsonl yields for a file of these lines: records, and problems as lines."""
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return [item if isinstance(item, RawRecord) else str(item)
            for item in iter_jsonl(path, "data.jsonl", sources)]


# --- small helpers -----------------------------------------------------------------------


@pytest.mark.parametrize(("key", "reserved"), [
    ("__line__", True), ("__x__", True), ("____", True), ("___", False), ("__", False),
    ("__line", False), ("line__", False), ("_line_", False), ("line", False), ("", False),
    (12, False), (None, False),
])
def test_reserved_keys_are_those_written_like_dunder_names(key: object, reserved: bool) -> None:
    assert is_reserved(key) is reserved


@pytest.mark.parametrize(("name", "jsonl"), [
    ("a.jsonl", True), ("a.JSONL", True), ("a.ndjson", True), ("a.NdJson", True),
    ("a.yaml", False), ("a.yml", False), ("a.json", False), ("jsonl", False),
])
def test_json_lines_files_are_known_by_their_extension_in_any_case(name: str,
                                                                  jsonl: bool) -> None:
    assert is_json_lines(Path(name)) is jsonl


def test_a_long_value_is_cut_to_sixty_characters_in_messages(tmp_path: Path) -> None:
    """A reserved key of 60 characters is quoted whole; one of 61 is cut to 59 and '…'."""
    fits = "__" + "k" * 56 + "__"
    too_long = "__" + "k" * 57 + "__"
    assert _jsonl(tmp_path, [json.dumps({fits: 1}).encode(), json.dumps({too_long: 1}).encode()],
                  ) == [
        f"data.jsonl:1: field {fits!r} is reserved for the loader (names like __this__ are)",
        f"data.jsonl:2: field {too_long[:59] + '…'!r} is reserved for the loader "
        "(names like __this__ are)",
    ]


@pytest.mark.parametrize(("problem", "line"), [
    (Problem("a.yaml", 3, "what"), "a.yaml:3: what"),
    (Problem("a.yaml", None, "what"), "a.yaml: what"),
    (Problem("a.yaml", 0, "what"), "a.yaml: what"),
    (Problem("a.yaml", 7, "what", "people", "ab"), "a.yaml:7: person 'ab': what"),
    (Problem("a.yaml", None, "what", "event_counts", "e"), "a.yaml: count 'e': what"),
    (Problem("a.yaml", 2, "what", "people", None), "a.yaml:2: what"),
])
def test_a_problem_is_one_line_saying_where_which_record_and_what(problem: Problem,
                                                                  line: str) -> None:
    assert str(problem) == line


# --- finding the files -------------------------------------------------------------------


def _tree(root: Path, files: list[str]) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x: []\n", encoding="utf-8")


def test_a_folder_gives_its_data_files_in_order_and_names_everything_else(
        tmp_path: Path) -> None:
    root = tmp_path / "data"
    _tree(root, ["b.yaml", "a.YML", "sub/c.jsonl", "sub/d.NDJSON", "notes.txt", "report.txt",
                 ".hidden.yaml", ".git/config", "sub/.e.jsonl", "z.Yaml"])
    (root / "folder.yaml").mkdir()  # a folder whose name ends like a data file's
    outside = tmp_path / "outside"
    _tree(outside, ["linked.yaml"])
    (root / "link").symlink_to(outside, target_is_directory=True)
    found = find_data_files([root])
    assert found.files == [root / "a.YML", root / "b.yaml", root / "sub/c.jsonl",
                           root / "sub/d.NDJSON", root / "z.Yaml"]
    assert found.problems == []
    assert found.others == [(root / ".git", "a hidden folder"),
                            (root / ".hidden.yaml", "a hidden file"),
                            (root / "link", "a linked folder"),
                            (root / "notes.txt", "not a data file"),
                            (root / "report.txt", "not a data file"),
                            (root / "sub/.e.jsonl", "a hidden file")]


def test_a_file_given_twice_or_with_its_folder_is_read_once(tmp_path: Path) -> None:
    root = tmp_path / "data"
    _tree(root, ["a.yaml", "b.jsonl"])
    found = find_data_files([root / "b.jsonl", root, root / "b.jsonl", root / "." / "a.yaml"])
    assert found.files == [root / "b.jsonl", root / "a.yaml"]
    assert found.problems == [] and found.others == []


def test_a_file_named_directly_must_be_a_data_file_and_must_exist(tmp_path: Path) -> None:
    _tree(tmp_path, ["notes.txt", "a.yaml"])
    found = find_data_files([tmp_path / "notes.txt", tmp_path / "missing.yaml",
                             tmp_path / "a.yaml"])
    assert found.files == [tmp_path / "a.yaml"]
    assert [str(p) for p in found.problems] == [
        f"{tmp_path / 'notes.txt'}: not a data file (a data file's name ends in .yaml, .yml, "
        ".jsonl or .ndjson)",
        f"{tmp_path / 'missing.yaml'}: no such file or folder",
    ]
    assert found.others == []


def test_a_file_that_is_read_is_not_listed_as_unread(tmp_path: Path) -> None:
    """A hidden file named directly is read, and so not among what the folder did not give."""
    _tree(tmp_path, [".x.yaml", "a.yaml"])
    found = find_data_files([tmp_path, tmp_path / ".x.yaml"])
    assert found.files == [tmp_path / "a.yaml", tmp_path / ".x.yaml"]
    assert found.others == []


def test_a_broken_link_named_like_a_data_file_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    found = find_data_files([tmp_path])
    assert found.files == []
    assert found.others == [(tmp_path / "gone.yaml", "not a data file")]


# --- YAML: values ------------------------------------------------------------------------


def test_yaml_scalars_are_read_as_yaml_1_2_core_schema(tmp_path: Path) -> None:
    """Only decimals, true/false, null and ISO dates are anything but the text written."""
    records, problems = _yaml(tmp_path, (
        "people:\n"
        "  - a: yes\n    b: True\n    c: 012\n    d: 0x18\n    e: 1:30\n    f: ~\n"
        "    g: null\n    h: 2021-03-08\n    i: -3\n    j: 0\n    k: on\n    l: 1.5\n"
        "    m:\n    n: NULL\n    o: FALSE\n    p: true\n    q: false\n    r: TRUE\n"
        "    s: False\n    t: Null\n    u: 1_000\n    v: 0o17\n    w: 120\n    x: no\n"
        "    y: -0\n    z: '12'\n"))
    assert problems == []
    assert [r.data for r in records] == [{
        "a": "yes", "b": True, "c": "012", "d": "0x18", "e": "1:30", "f": None, "g": None,
        "h": datetime.date(2021, 3, 8), "i": -3, "j": 0, "k": "on", "l": "1.5", "m": None,
        "n": None, "o": False, "p": True, "q": False, "r": True, "s": False, "t": None,
        "u": "1_000", "v": "0o17", "w": 120, "x": "no", "y": 0, "z": "12"}]
    assert type(records[0].data["w"]) is int and type(records[0].data["b"]) is bool


def test_tags_take_the_same_plain_forms_only(tmp_path: Path) -> None:
    records, problems = _yaml(tmp_path, "people:\n  - a: !!bool TRUE\n    b: !!bool False\n"
                                        "    c: !!int '12'\n    d: !!int -7\n")
    assert problems == []
    assert records[0].data == {"a": True, "b": False, "c": 12, "d": -7}


@pytest.mark.parametrize(("text", "problem"), [
    ("people:\n  - a: !!int 0x18\n", "data.yaml:2: YAML error: '0x18' is not a plain whole "
     "number (decimal digits, no leading zero)"),
    ("people:\n  - a: !!int '012'\n", "data.yaml:2: YAML error: '012' is not a plain whole "
     "number (decimal digits, no leading zero)"),
    ("people:\n  - a: !!bool yes\n", "data.yaml:2: YAML error: 'yes' is not a boolean (true "
     "or false)"),
    ("people:\n  - a: !!bool 'on'\n", "data.yaml:2: YAML error: 'on' is not a boolean (true "
     "or false)"),
    ("people:\n  - d: 2021-02-30\n", "data.yaml:2: YAML error: '2021-02-30' is not a valid "
     "date"),
    ("people:\n  - d: !!float x\n", "data.yaml:2: YAML error: 'x' is not a valid number"),
    ("people:\n  - d: !!timestamp soon\n", "data.yaml:2: YAML error: 'soon' is not a valid "
     "date"),
    ("people:\n  - id: a\n\n    id: b\n", "data.yaml:4: YAML error: duplicate key 'id' "
     "(first at line 2)"),
    ("people:\n  - id: a\n    name: x\n    id: b\n", "data.yaml:4: YAML error: duplicate key "
     "'id' (first at line 2)"),
    ("people:\n  - id: a\npeople: []\n", "data.yaml:3: YAML error: duplicate key 'people' "
     "(first at line 1)"),
    ("people:\n  - __line__: 3\n", "data.yaml:2: YAML error: field '__line__' is reserved for "
     "the loader (names like __this__ are)"),
    ("people:\n  - id: a\n    __x__: 3\n", "data.yaml:3: YAML error: field '__x__' is "
     "reserved for the loader (names like __this__ are)"),
    ("people:\n  - id: [a\n", "data.yaml:3: YAML syntax error: did not find expected ',' "
     "or ']'"),
    ("people:\n  - ? [a, b]\n    : 1\n", "data.yaml:2: YAML error: found unhashable key"),
    ("people:\n  - id: a\x07b\n", "data.yaml:2: YAML error: character U+0007: control "
     "characters are not allowed"),
    ("people: 3\n", "data.yaml:1: section 'people' must be a list of records"),
    ("source: [1]\npeople: []\n", "data.yaml:1: 'source' must be a source id"),
    ("- a\n- b\n", "data.yaml:1: top level must be a mapping of sections, not list"),
    ("\n\n'just text'\n", "data.yaml:3: top level must be a mapping of sections, not str"),
    ("# only a comment\n", "data.yaml: no sections (the file holds only comments)"),
    (" \n\t\n", "data.yaml: empty file"),
    ("people:\n  - !!python/object:os.system {}\n", "data.yaml:2: YAML error: could not "
     "determine a constructor for the tag 'tag:yaml.org,2002:python/object:os.system'"),
])
def test_unreadable_yaml_is_one_problem_with_its_line(tmp_path: Path, text: str,
                                                      problem: str) -> None:
    assert _yaml(tmp_path, text) == ([], [problem])


@pytest.mark.parametrize("tag", ["", "!!int "])
def test_a_yaml_number_with_too_many_digits_is_one_problem(tmp_path: Path, tag: str) -> None:
    """Python refuses to convert 5,000 digits (its default limit is 4,300): a plain whole
    number all the same, so the problem says it is not a valid whole number."""
    text = f"people:\n  - id: a\n    age: {tag}{'7' * 5000}\n"
    assert _yaml(tmp_path, text) == ([], [
        f"data.yaml:3: YAML error: '{'7' * 59}…' is not a valid whole number"])


def test_a_mapping_tag_on_what_is_not_a_mapping_is_one_problem(tmp_path: Path) -> None:
    """A tag the module has no word for is named as it is; a value that is not text (the
    items of a list) is quoted as text all the same, cut to sixty characters."""
    assert _yaml(tmp_path, "people:\n  - a: !!map x\n") == ([], [
        "data.yaml:2: YAML error: 'x' is not a valid tag:yaml.org,2002:map"])
    records, problems = _yaml(tmp_path, "people:\n  - a: !!map [b, c]\n")
    (problem,) = problems
    assert records == []
    # quoted as Python quotes text (double quotes: the items' text holds single ones)
    assert problem.startswith('data.yaml:2: YAML error: "[')
    assert problem.endswith('…" is not a valid tag:yaml.org,2002:map')


def test_a_merge_key_merges_and_a_merged_line_marker_is_refused(tmp_path: Path) -> None:
    records, problems = _yaml(tmp_path, "people:\n  - &b {id: a, name: A}\n"
                                        "  - <<: *b\n    id: c\n")
    assert problems == []
    assert [(r.data, r.line) for r in records] == [({"id": "a", "name": "A"}, 2),
                                                   ({"id": "c", "name": "A"}, 3)]
    # two merge keys in one mapping are no duplicate: both merge
    records, problems = _yaml(tmp_path, "people:\n  - <<: {a: 1}\n    <<: {b: 2}\n"
                                        "    id: c\n")
    assert problems == []
    assert [r.data for r in records] == [{"a": 1, "b": 2, "id": "c"}]
    # a mapping merged in is never built on its own: its __line__ is caught once merged
    assert _yaml(tmp_path, "people:\n  - <<: {__line__: 5}\n    id: a\n") == ([], [
        "data.yaml:2: YAML error: field '__line__' is reserved for the loader (names like "
        "__this__ are)"])


def test_text_that_is_not_utf8_names_line_and_column(tmp_path: Path) -> None:
    assert _yaml(tmp_path, b"people:\n  - id: a\xff\n") == (
        [], ["data.yaml:2: not UTF-8 text (byte 0xff in column 10)"])
    assert _yaml(tmp_path, b"\xe9") == ([], ["data.yaml:1: not UTF-8 text (byte 0xe9 in "
                                             "column 1)"])
    # the line's start is the newline before it, even the file's first byte
    assert _yaml(tmp_path, b"\na\xff\n") == ([], ["data.yaml:2: not UTF-8 text (byte 0xff in "
                                                 "column 2)"])


def test_a_yaml_file_over_the_cap_is_refused_unread(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    text = "people: []\n# padding\n"
    assert len(text) == 21
    monkeypatch.setattr(reading, "MAX_YAML_BYTES", 21)
    assert _yaml(tmp_path, text) == ([], [])
    monkeypatch.setattr(reading, "MAX_YAML_BYTES", 20)
    assert _yaml(tmp_path, text) == ([], ["data.yaml: file too large for YAML (21 bytes, at "
                                          "most 20): use JSON Lines for bulk"])


def test_a_yaml_file_with_too_many_values_is_refused(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`people: []` is nine parser events (stream, document, mapping, key, list: starts and
    ends): at a cap of nine it is read, at eight it is refused."""
    monkeypatch.setattr(reading, "MAX_YAML_EVENTS", 9)
    assert _yaml(tmp_path, "people: []\n") == ([], [])
    monkeypatch.setattr(reading, "MAX_YAML_EVENTS", 8)
    assert _yaml(tmp_path, "people: []\n") == ([], [
        "data.yaml: too many keys and values for YAML (more than 8): use JSON Lines for bulk"])
    # a syntax error is left to the real reading, which says where it is
    assert _yaml(tmp_path, "] people: a\n") == ([], [
        "data.yaml:1: YAML syntax error: did not find expected node content"])


def test_values_are_counted_without_libyaml_too(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml (CSafeLoader), PyYAML's own parser counts the same nine events."""
    import yaml

    monkeypatch.delattr(yaml, "CSafeLoader")
    monkeypatch.setattr(reading, "MAX_YAML_EVENTS", 9)
    assert _yaml(tmp_path, "people: []\n") == ([], [])
    monkeypatch.setattr(reading, "MAX_YAML_EVENTS", 8)
    assert _yaml(tmp_path, "people: []\n") == ([], [
        "data.yaml: too many keys and values for YAML (more than 8): use JSON Lines for bulk"])


def test_yaml_nested_deeper_than_the_limit_is_refused(tmp_path: Path) -> None:
    """The document is one level, a section two, a record three: a record may nest
    MAX_DEPTH - 3 more lists."""
    fits = "people:\n  - a: " + "[" * (MAX_DEPTH - 3) + "]" * (MAX_DEPTH - 3) + "\n"
    deeper = "people:\n  - a: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "\n"
    assert _yaml(tmp_path, fits)[1] == []
    assert _yaml(tmp_path, deeper) == ([], [
        f"data.yaml: structure nested too deeply (more than {MAX_DEPTH})"])


def test_yaml_too_deep_for_the_parser_is_one_problem(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml stops at its own depth; PyYAML's Python parser would recurse until Python
    stops it: either way one problem, never a traceback."""
    import yaml

    text = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    assert _yaml(tmp_path, text) == ([], [
        "data.yaml:1: YAML syntax error: exceeded maximum nesting depth"])
    monkeypatch.delattr(yaml, "CSafeLoader")
    assert _yaml(tmp_path, text) == ([], [
        f"data.yaml: structure nested too deeply (more than {MAX_DEPTH})"])


def test_a_list_shared_by_aliases_is_walked_at_its_deepest(tmp_path: Path) -> None:
    """An alias reached again deeper must be measured again: depth counts where it is used."""
    inner = "[" * 12 + "]" * 12
    fits = f"people:\n  - a: &x {inner}\n    b: *x\n"
    deeper = f"people:\n  - a: &x {inner}\n    b: [[[[[[*x]]]]]]\n"
    assert _yaml(tmp_path, fits)[1] == []
    assert _yaml(tmp_path, deeper) == ([], [
        f"data.yaml: structure nested too deeply (more than {MAX_DEPTH})"])


@pytest.mark.parametrize(("value", "depth"), [
    (1, 1), ([], 1), ({}, 1), ([1], 2), ({"a": [1, {"b": 2}]}, 4), ([[], [[[]]]], 4),
])
def test_depth_counts_nesting_levels(value: object, depth: int) -> None:
    assert reading._depth(value) == depth


def test_a_value_reached_again_does_not_end_the_walk() -> None:
    """A container met a second time at no greater depth is skipped, and the walk goes
    on with the values still to be measured (here the deep list, walked last). `deep` is
    31 lists, one in another: 32 levels in the mapping."""
    deep: list = []
    for _ in range(30):
        deep = [deep]
    shared: list = []
    assert reading._depth([deep, shared, shared]) == MAX_DEPTH + 1
    assert reading._depth({"a": deep, "b": shared, "c": shared}, 40) == 32


def test_an_alias_used_twice_does_not_hide_deeper_nesting(tmp_path: Path) -> None:
    """The record's values are measured last to first: the alias `c` and its anchor `b`
    come before `a`, which nests too deeply (as in the test above)."""
    deeper = "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2)
    text = f"people:\n  - a: {deeper}\n    b: &x []\n    c: *x\n"
    assert _yaml(tmp_path, text) == ([], [
        f"data.yaml: structure nested too deeply (more than {MAX_DEPTH})"])


def test_depth_stops_just_past_the_limit() -> None:
    deep: list = []
    for _ in range(100):
        deep = [deep]
    assert reading._depth(deep, 5) == 6


# --- YAML: records -----------------------------------------------------------------------


def test_yaml_records_know_their_section_file_line_source_and_folder(tmp_path: Path) -> None:
    records, problems = _yaml(tmp_path, (
        "source: s-1\n"
        "people:\n"
        "  - id: a\n"
        "    name: A\n"
        "\n"
        "  - 7\n"
        "  - id: b\n"
        "    extra: {x: 1, y: {z: 2}}\n"
        "events:\n"
        "  - id: e\n"
        "    participants:\n"
        "      - person: a\n"
        "        role: victim\n"
        "      - group: g\n"
        "        role: victim\n"
        "    counts: {only: {deep: 1}}\n"))
    assert problems == ["data.yaml:6: a record in 'people' is not a mapping"]
    assert [(r.section, r.line, r.path, r.file_source, r.base_dir) for r in records] == [
        ("people", 3, "data.yaml", "s-1", tmp_path), ("people", 7, "data.yaml", "s-1", tmp_path),
        ("events", 10, "data.yaml", "s-1", tmp_path)]
    assert records[0].data == {"id": "a", "name": "A"}
    # markers of nested mappings go; those of list items (participants) stay, with their lines
    assert records[1].data == {"id": "b", "extra": {"x": 1, "y": {"z": 2}}}
    assert records[2].data == {"id": "e", "participants": [
        {"person": "a", "role": "victim", LINE_KEY: 12},
        {"group": "g", "role": "victim", LINE_KEY: 14}], "counts": {"only": {"deep": 1}}}


def test_a_file_without_source_gives_records_without_one(tmp_path: Path) -> None:
    records, problems = _yaml(tmp_path, "people:\n  - id: a\n")
    assert problems == []
    assert [(r.file_source, r.data, r.line) for r in records] == [(None, {"id": "a"}, 2)]


def test_a_bad_source_does_not_stop_the_sections(tmp_path: Path) -> None:
    records, problems = _yaml(tmp_path, "people:\n  - id: a\nsource: 12\n")
    assert problems == ["data.yaml:3: 'source' must be a source id"]
    assert [(r.section, r.file_source, r.data) for r in records] == [("people", None,
                                                                      {"id": "a"})]


def test_records_after_a_bad_section_are_read(tmp_path: Path) -> None:
    records, problems = _yaml(tmp_path, "offences: x\npeople:\n  - 1\n  - [2]\n  - id: a\n")
    assert problems == ["data.yaml:1: section 'offences' must be a list of records",
                        "data.yaml:3: a record in 'people' is not a mapping",
                        "data.yaml:4: a record in 'people' is not a mapping"]
    assert [(r.section, r.line) for r in records] == [("people", 5)]


def test_strip_lines_keeps_list_items_markers_and_visits_shared_values_once() -> None:
    shared = {"k": 1, LINE_KEY: 9}
    value = {"a": shared, "b": [shared, {"c": {LINE_KEY: 4, "d": [{LINE_KEY: 5}]}, LINE_KEY: 3}]}
    reading._strip_lines(value)
    assert value == {"a": {"k": 1}, "b": [{"k": 1},
                                          {"c": {"d": [{LINE_KEY: 5}]}, LINE_KEY: 3}]}


def test_a_mapping_shared_by_aliases_in_a_record_is_read_once(tmp_path: Path) -> None:
    """An anchored mapping used again by an alias is one mapping: its line marker goes the
    first time it is met, and meeting it again is no error."""
    records, problems = _yaml(tmp_path, "people:\n  - id: a\n    home: &h {city: X}\n"
                                        "    work: *h\n")
    assert problems == []
    assert [r.data for r in records] == [{"id": "a", "home": {"city": "X"},
                                          "work": {"city": "X"}}]


def test_strip_lines_walks_each_shared_mapping_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten levels, each a mapping holding the level below twice ("billion laughs"): 21
    calls (the top one, then two per level, the second returning at once), not the 2,047
    of a walk along every path; and each marker below the top goes, once."""
    level: dict = {"v": 1, LINE_KEY: 1}
    for number in range(2, 12):
        level = {"a": level, "b": level, LINE_KEY: number}
    calls = []
    walk = reading._strip_lines

    def counted(value: object, seen: set[int] | None = None) -> None:
        calls.append(value)
        walk(value, seen)

    monkeypatch.setattr(reading, "_strip_lines", counted)
    reading._strip_lines(level)
    assert len(calls) == 21
    assert level[LINE_KEY] == 11  # the record's own marker is the caller's to take
    inner = level["a"]
    for _ in range(10):
        assert LINE_KEY not in inner
        inner = inner.get("a", {})


# --- JSON Lines --------------------------------------------------------------------------


def test_json_lines_records_know_their_section_line_folder_and_offset(tmp_path: Path) -> None:
    first = b'{"table": "people", "id": "a", "source": "s"}'
    items = _jsonl(tmp_path, [b"", first, b"   ", b'{"table": "sources", "id": "s"}'])
    assert [(r.section, r.data, r.path, r.line, r.file_source, r.base_dir, r.offset)
            for r in items] == [
        ("people", {"id": "a", "source": "s"}, "data.jsonl", 2, None, tmp_path,
         1 + len(first) + 1),
        ("sources", {"id": "s"}, "data.jsonl", 4, None, tmp_path,
         1 + len(first) + 1 + 4 + 32)]


def test_the_first_pass_gives_only_sources_and_says_nothing(tmp_path: Path) -> None:
    lines = [b'{"table": "people", "id": "a"}', b"{bad", b'{"table": "sources", "id": "s"}',
             b'{"table": "people", "id": "sources"}', b'{"table": "x", "id": "\\"sources\\""}']
    first = _jsonl(tmp_path, lines, sources=True)
    assert [(r.section, r.line) for r in first] == [("sources", 3)]
    second = _jsonl(tmp_path, lines, sources=False)
    assert [x if isinstance(x, str) else (x.section, x.line) for x in second] == [
        ("people", 1), "data.jsonl:2: JSON syntax error: Expecting property name enclosed in "
        "double quotes (column 2)", ("people", 4), ("x", 5)]
    assert [x if isinstance(x, str) else (x.section, x.line)
            for x in _jsonl(tmp_path, lines)] == [
        ("people", 1), "data.jsonl:2: JSON syntax error: Expecting property name enclosed in "
        "double quotes (column 2)", ("sources", 3), ("people", 4), ("x", 5)]


@pytest.mark.parametrize(("line", "problem"), [
    (b'{"a": 1', "JSON syntax error: Expecting ',' delimiter (at the end of the line)"),
    (b'{"a": 1,}', "JSON syntax error: Expecting property name enclosed in double quotes "
     "(column 9)"),
    (b'{"a": 1} x', "JSON syntax error: Extra data (column 10)"),
    (b"[1]", "a line must hold one JSON object"),
    (b'"x"', "a line must hold one JSON object"),
    (b'{"table": 3}', 'a record needs a "table" naming its section'),
    (b'{"id": "a"}', 'a record needs a "table" naming its section'),
    (b'{"a": 1, "a": 2}', "duplicate key 'a' in a JSON object"),
    (b'{"table": "x", "a": 1, "b": 2, "a": 1}', "duplicate key 'a' in a JSON object"),
    (b'{"__x__": 1}', "field '__x__' is reserved for the loader (names like __this__ are)"),
    (b'{"a": "__", "a": 2}', "duplicate key 'a' in a JSON object"),
    (b'{"\\u005f_line__": 1}', "field '__line__' is reserved for the loader (names like "
     "__this__ are)"),
    (b'{"\\u005f\\u005fline\\u005f\\u005f": 1}', "field '__line__' is reserved for the loader "
     "(names like __this__ are)"),
    (b'{"table": "x", "a": {"__line__": 1}}', "field '__line__' is reserved for the loader "
     "(names like __this__ are)"),
    (b'{"a": ' + b"9" * 5000 + b"}", "a number has too many digits (at most 4300)"),
    (b"\xff", "not UTF-8 text"),
    (b'{"a": "\xe9"}', "not UTF-8 text"),
    (b"[" * 100000 + b"]" * 100000, f"structure nested too deeply (more than {MAX_DEPTH})"),
    (b'{"a":' + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"}",
     f"structure nested too deeply (more than {MAX_DEPTH})"),
])
def test_a_bad_json_line_is_one_problem_with_its_line(tmp_path: Path, line: bytes,
                                                      problem: str) -> None:
    """The lines around it are read: one bad line does not stop the file."""
    items = _jsonl(tmp_path, [b'{"table": "x", "id": "ok"}', line, b'{"table": "y", "id": "b"}'])
    assert [x if isinstance(x, str) else (x.section, x.line) for x in items] == [
        ("x", 1), f"data.jsonl:2: {problem}", ("y", 3)]


def test_json_nesting_up_to_the_limit_is_read(tmp_path: Path) -> None:
    """The object is one level: MAX_DEPTH - 1 lists fit inside it, with many siblings too."""
    fits = b'{"table": "x", "a":' + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"}"
    wide = b'{"table": "x", "a": [' + b"[[]]," * 30 + b"[]]}"
    deep_and_wide = (b'{"table": "x", "a":' + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1)
                     + b', "b": [], "c": {}}')
    items = _jsonl(tmp_path, [fits, wide, deep_and_wide])
    assert [(r.section, r.line) for r in items] == [("x", 1), ("x", 2), ("x", 3)]


def test_the_number_of_digits_is_pythons_limit(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys, "get_int_max_str_digits", lambda: 1234)
    assert _jsonl(tmp_path, [b'{"a": ' + b"9" * 5000 + b"}"]) == [
        "data.jsonl:1: a number has too many digits (at most 1234)"]


def test_an_empty_json_lines_file_is_a_problem_but_not_in_the_first_pass(tmp_path: Path) -> None:
    assert _jsonl(tmp_path, [b"", b"  "]) == ["data.jsonl: empty file"]
    assert _jsonl(tmp_path, [b"", b"  "], sources=False) == ["data.jsonl: empty file"]
    assert _jsonl(tmp_path, [b"", b"  "], sources=True) == []
    assert _jsonl(tmp_path, [b'{"table": "people"}'], sources=False) != ["data.jsonl: empty file"]
    assert _jsonl(tmp_path, [b'{"table": "people"}'], sources=True) == []


def test_a_json_lines_file_over_the_cap_is_refused_unread(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         ) -> None:
    line = b'{"table": "x", "id": "a"}'  # 25 bytes and a newline
    monkeypatch.setattr(reading, "MAX_JSONL_BYTES", 26)
    assert [x.section for x in _jsonl(tmp_path, [line])] == ["x"]  # type: ignore[union-attr]
    monkeypatch.setattr(reading, "MAX_JSONL_BYTES", 25)
    assert _jsonl(tmp_path, [line]) == ["data.jsonl: file too large (26 bytes, at most 25)"]
    assert _jsonl(tmp_path, [line], sources=True) == [
        "data.jsonl: file too large (26 bytes, at most 25)"]


# --- read_file ---------------------------------------------------------------------------


def test_read_file_gives_yaml_problems_then_records(tmp_path: Path) -> None:
    path = tmp_path / "a.YAML"
    path.write_text("people:\n  - id: a\n  - 3\n", encoding="utf-8")
    items = list(read_file(path, "shown.yaml"))
    assert [str(x) if isinstance(x, Problem) else (x.section, x.line, x.path) for x in items] == [
        "shown.yaml:3: a record in 'people' is not a mapping", ("people", 2, "shown.yaml")]


def test_read_file_streams_json_lines_and_its_first_pass_says_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.NDJSON"
    path.write_bytes(b'{"table": "sources", "id": "s"}\n{bad\n{"table": "people", "id": "a"}\n')
    def shown(items: object) -> list:
        return [str(x) if isinstance(x, Problem) else (x.section, x.line)
                for x in items]  # type: ignore[attr-defined]
    assert shown(read_file(path, "b.jsonl")) == [
        ("sources", 1), "b.jsonl:2: JSON syntax error: Expecting property name enclosed in "
        "double quotes (column 2)", ("people", 3)]
    assert shown(read_file(path, "b.jsonl", sources=True)) == [("sources", 1)]
    assert shown(read_file(path, "b.jsonl", sources=False)) == [
        "b.jsonl:2: JSON syntax error: Expecting property name enclosed in double quotes "
        "(column 2)", ("people", 3)]
    path.write_bytes(b"")
    assert shown(read_file(path, "b.jsonl", sources=True)) == []
    assert shown(read_file(path, "b.jsonl")) == ["b.jsonl: empty file"]
