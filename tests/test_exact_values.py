"""Exact values: what is loaded is what was written, and what is typed finds what it means.

- Dates accept ASCII digits only: Python's `\\d` and `int()` take every script's digits,
  so "٢٠٢١" would be stored and exported as written, unlike any other year.
- Names are found however they are typed: composed or decomposed (NFD), with or
  without accents, in Azerbaijani or English spelling. Tested with every person.
- Invisible characters (zero-width, bidirectional controls) are refused in data and
  ignored in what a user types.
- An excerpt that occurs more than once in its source is refused unless the record
  says which occurrence it means (a longer excerpt, or `occurrence: N`).

The malformed data of these rules is in tests/malformed/value-*.
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from incidentdb import migrate
from incidentdb.dates import (
    DateError,
    ascii_whole_number,
    edtf_of_phrase,
    month_bounds,
    parse_edtf,
    partial_date,
)
from incidentdb.db import make_engine
from incidentdb.loader import load_paths
from incidentdb.lookup import find_person
from incidentdb.models import Person, PersonName
from incidentdb.names import fold, id_words, without_invisible
from incidentdb.search import literal_words, search
from incidentdb.validate import _REMEMBERED, Ambiguous, SourceText

from .conftest import DATA, Database, assert_only_relations_return

BASE = Path(__file__).resolve().parent / "malformed" / "_base"

# --- item 4: ASCII digits only -------------------------------------------------------------

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("edtf", ["٢٠٢١", "2021-٠٣", "2021-03-٠٨", "２０２１", "𝟐𝟎𝟐𝟏",
                                  "٢٠٢٠/2021", "../٢٠٢٠", "2021-٤٠"])
def test_an_edtf_date_with_digits_of_another_script_is_refused(edtf: str) -> None:
    with pytest.raises(DateError, match="not ASCII 0-9"):
        parse_edtf(edtf)
    with pytest.raises(DateError, match="not ASCII 0-9"):
        partial_date(None, 2021, edtf)


@pytest.mark.parametrize("phrase", ["in ٢٠٢١", "On March ٨", "In March ٢٠٢١", "in early ٢٠٢١",
                                    "in June and July ２０２１", "On March ８, 2021"])
def test_a_date_phrase_with_digits_of_another_script_is_refused(phrase: str) -> None:
    assert edtf_of_phrase(phrase, 2021) is None
    with pytest.raises(DateError, match="not ASCII 0-9"):
        partial_date(phrase, 2021)


def test_the_same_dates_in_ascii_digits_are_accepted() -> None:
    assert partial_date("in 2021", 2020).edtf == "2021"
    assert partial_date("On March 8", 2021).edtf == "2021-03-08"
    assert parse_edtf("2021-03")[2] == "month"
    # a phrase the parser does not read may keep the report's own digits beside its edtf
    assert partial_date("in ٢٠٢١", 2021, "2021").edtf == "2021"


def test_a_month_is_in_ascii_digits() -> None:
    assert month_bounds("2021-03")[0].isoformat() == "2021-03-01"
    for month in ("٢٠٢١-٠٣", "2021-٠٣", "２０２１-03"):
        with pytest.raises(DateError):
            month_bounds(month)


def test_a_whole_number_on_the_command_line_is_in_ascii_digits() -> None:
    assert ascii_whole_number("2021") == 2021
    for value in ("٢٠٢١", "２０２１", "2_021", "+5", "-1", " 5", "", "5.0"):
        with pytest.raises(ValueError):
            ascii_whole_number(value)


def _one_file(tmp_path: Path, extra: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    (data / "extra.yaml").write_text(extra, encoding="utf-8")
    return data


def test_a_published_date_is_written_yyyy_mm_dd(tmp_path: Path) -> None:
    from incidentdb.loader import validate_paths

    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    report = data / "sources" / "report.yaml"
    original = report.read_text(encoding="utf-8")
    assert original.count("published: 2022-01-10\n") == 1
    for written, ok in (('"2022-01-13"', True), ('"20220113"', False), ('"2022-W02-4"', False),
                        ('"٢٠٢٢-٠١-١٣"', False)):
        report.write_text(original.replace("published: 2022-01-10\n", f"published: {written}\n"),
                          encoding="utf-8")
        problems = [str(p) for p in validate_paths([data]).problems]
        assert (problems == []) is ok, (written, problems)


# --- item 7: every person, however the name is typed ---------------------------------------

# Each person's name in Azerbaijani spelling (or, for foreigners, their own), as a user may
# know it; the data holds the report's English spelling.
NATIVE_SPELLING = {
    "niyameddin-ahmedov": "Niyaməddin Əhmədov",
    "said-mamedzade-bakuvi": "Səid Məmədzadə Bakuvi",
    "fuad-gahramanli": "Fuad Qəhrəmanlı",
    "mammad-ibrahim": "Məmməd İbrahim",
    "bakhtiyar-imanov": "Bəxtiyar İmanov",
    "asif-yusifli": "Asif Yusifli",
    "ayaz-maharramli": "Ayaz Məhərrəmli",
    "mehdi-ibrahimov": "Mehdi İbrahimov",
    "ilham-aliyev": "İlham Əliyev",
    "mahammad-imanli": "Məhəmməd İmanlı",
    "lachin-valiyev": "Laçın Vəliyev",
    "alizamin-salayev": "Əlizamin Salayev",
    "saleh-rustamov": "Saleh Rüstəmov",
    "agil-maharramov": "Aqil Məhərrəmov",
    "pasha-umudov": "Paşa Ümudov",
    "tofig-yagublu": "Tofiq Yaqublu",
    "shahla-humbatova": "Şahla Hümbətova",
    "irada-javadova": "İradə Cavadova",
    "elchin-hasanzade": "Elçin Həsənzadə",
    "ibrahim-salamov": "İbrahim Salamov",
    "polad-aslanov": "Polad Aslanov",
    "khadija-ismayilova": "Xədicə İsmayılova",
    "mehman-huseynov": "Mehman Hüseynov",
    "yunis-safarov": "Yunis Səfərov",
    "dunja-mijatovic": "Dunja Mijatović",
    "anthony-blinken": "Anthony Blinken",
}


def _without_accents(name: str, schwa: str) -> str:
    """The name as typed on a keyboard without accents: marks dropped, ı and ə replaced."""
    bare = "".join(ch for ch in unicodedata.normalize("NFD", name)
                   if not unicodedata.combining(ch))
    return bare.translate(str.maketrans({"ı": "i", "ə": schwa, "Ə": schwa.upper()}))


def typed_forms(name: str) -> set[str]:
    """Every way the tests type a name: NFC, NFD, and without accents (ə as e and as a)."""
    return {unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name),
            _without_accents(name, "e"), _without_accents(name, "a")}


def test_the_spellings_cover_every_person(session: Session) -> None:
    assert set(session.scalars(select(Person.id))) == set(NATIVE_SPELLING)


def test_the_typed_forms_are_the_hard_ones() -> None:
    forms = typed_forms("Şahla Hümbətova")
    assert {"Sahla Humbetova", "Sahla Humbatova", "S\u0327ahla Hu\u0308mbətova"} <= forms
    assert "Elcin Hasanzada" in typed_forms("Elçin Həsənzadə")


@pytest.mark.parametrize("person_id", sorted(NATIVE_SPELLING))
def test_every_person_is_found_however_the_name_is_typed(session: Session,
                                                         person_id: str) -> None:
    names = set(session.scalars(select(PersonName.name)
                                .where(PersonName.person_id == person_id)))
    assert names
    for name in names | {NATIVE_SPELLING[person_id]}:
        for typed in typed_forms(name):
            assert find_person(session, typed).id == person_id, (name, typed)


@pytest.mark.parametrize("typed", ["Sahla Humbatova", "Elcin Hasanzade",
                                   unicodedata.normalize("NFD", "Şahla Hümbətova")])
def test_the_names_of_the_issue_are_found(session: Session, typed: str) -> None:
    expected = {"Sahla Humbatova": "shahla-humbatova", "Elcin Hasanzade": "elchin-hasanzade"}
    assert find_person(session, typed).id == expected.get(typed, "shahla-humbatova")


def test_the_person_command_finds_a_name_typed_decomposed(loaded_db: Database, run) -> None:
    result = run(loaded_db.url, "person", unicodedata.normalize("NFD", "Elçin Həsənzadə"),
                 "--format", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "elchin-hasanzade"


@pytest.mark.parametrize("spellings", [
    ("Ağayev", "Agayev", "Aghayev", "Aqayev", "Ag\u0306ayev"),
    ("Həsənzadə", "Hasanzade", "Hesenzede", "Hasanzada"),
    ("Elçin", "Elchin", "Elcin", "Elc\u0327in"),
    ("Şahla", "Shahla", "Sahla", "S\u0327ahla"),
    ("Xədicə", "Khadija", "Xedice"),
])
def test_spellings_fold_together(spellings: tuple[str, ...]) -> None:
    assert len({fold(s) for s in spellings}) == 1, {s: fold(s) for s in spellings}


def test_an_accented_name_stored_is_found_typed_without_accents(engine, tmp_path: Path) -> None:
    """The bundled names are in English spelling: a name stored with its accents (and a
    search for an accented word typed decomposed) is tested on data of its own."""
    data = _one_file(tmp_path, "source: examplestan-2021\npeople:\n"
                               "  - id: sahla-humbetova\n"
                               "    name: Şahla Hümbətova\n"
                               "    excerpt: Journalist Tofiq Hasanov\n")
    load_paths(engine, [data])
    with Session(engine) as session:
        for typed in typed_forms("Şahla Hümbətova") | {"Shahla Humbatova"}:
            assert find_person(session, typed).id == "sahla-humbetova", typed
        decomposed = unicodedata.normalize("NFD", "Hümbətova")
        assert [h.record_id for h in search(session, decomposed)] == ["sahla-humbetova"]


def test_search_words_are_composed() -> None:
    assert literal_words(unicodedata.normalize("NFD", "Hümbətova rüstəm")) == [
        "Hümbətova", "rüstəm"]


def test_migration_0007_recomputes_the_folded_names(empty_db: Database) -> None:
    """A database loaded before fold changed keeps the old keys until 0007 recomputes them;
    downgrading restores the old keys."""
    migrate.upgrade(empty_db.url)
    engine = make_engine(empty_db.url)
    try:
        load_paths(engine, [DATA])
        migrate.downgrade(empty_db.url, "0006")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name, folded FROM person_names")).all()
        assert rows and all(folded == id_words(name) for name, folded in rows)
        assert any(fold(name) != id_words(name) for name, _ in rows)
        with Session(engine) as session, pytest.raises(Exception, match="no person"):
            find_person(session, "Sahla Humbatova")
        migrate.upgrade(empty_db.url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name, folded FROM person_names")).all()
        assert rows and all(folded == fold(name) for name, folded in rows)
        with Session(engine) as session:
            assert find_person(session, "Sahla Humbatova").id == "shahla-humbatova"
        assert_only_relations_return(load_paths(engine, [DATA]))
        assert load_paths(engine, [DATA]).unchanged
    finally:
        engine.dispose()


def test_group_participant_ids_do_not_change_with_folding(session: Session) -> None:
    """Participant ids are made from a group's words by the first fold, frozen: cited ids
    must not change when the matching rules do."""
    rows = session.execute(text("SELECT id, event_id, role, group_description "
                                "FROM event_participants WHERE group_description IS NOT NULL"))
    checked = 0
    for rid, event_id, role, group in rows:
        assert rid == f"{event_id}/{role}/" + "-".join(id_words(group).split())[:120]
        checked += 1
    assert checked > 20
    assert id_words("Azerbaijani civilians") == "azarbaijani jivilians"


# --- item 8: invisible characters ------------------------------------------------------------

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f",
             "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
             "\u2069", "\u061c"]


@pytest.mark.parametrize("ch", INVISIBLE)
def test_invisible_characters_are_removed_from_what_is_typed(ch: str) -> None:
    assert without_invisible(f"To{ch}fig") == "Tofig"
    assert fold(f"To{ch}fig Ya{ch}gublu") == fold("Tofig Yagublu")
    assert literal_words(f"hun{ch}ger") == ["hunger"]


@pytest.mark.parametrize("typed", ["Tofig\u200b Yagublu", "To\u200bfig Yagublu",
                                   "Ya\u00adgublu", "\u202eTofig Yagublu\u202c",
                                   "\ufeffTofiq\u2060 Yaqublu"])
def test_a_name_typed_with_invisible_characters_is_found(session: Session, typed: str) -> None:
    assert find_person(session, typed).id == "tofig-yagublu"


def test_a_search_typed_with_invisible_characters_finds_the_record(session: Session) -> None:
    found = [hit.record_id for hit in search(session, "hun\u200bger strike", limit=50)]
    assert "yagublu-hunger-strike" in found


def test_the_commands_ignore_invisible_characters(loaded_db: Database, run) -> None:
    result = run(loaded_db.url, "person", "To\u200bfig\u200b Yagublu", "--format", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "tofig-yagublu"
    result = run(loaded_db.url, "search", "hun\u200bger", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "yagublu-hunger-strike" in {hit["record_id"] for hit in json.loads(result.stdout)}


# --- item 9: an excerpt that occurs more than once --------------------------------------------

SOURCE = "Aynur was held. Later,\n  Aynur was held again. Aynur was freed."


def test_an_excerpt_occurring_more_than_once_is_ambiguous() -> None:
    source = SourceText("s", 2021, SOURCE)
    with pytest.raises(Ambiguous) as refused:
        source.locate("Aynur was held")
    assert str(refused.value) == (
        "excerpt occurs 2 times in source 's' (at 0, 25): make it longer or give "
        "`occurrence: N`: 'Aynur was held'")
    assert "(at 0, 25, 47)" in str(pytest.raises(Ambiguous, source.locate, "Aynur").value)
    # the record says which: a longer excerpt, or the occurrence's number
    assert source.locate("Aynur was held again") == (25, 45)
    assert source.locate("Aynur was held", occurrence=2) == (25, 39)
    assert source.locate("Later, Aynur was held", occurrence=1) == (16, 39)
    assert source.locate("Aynur was held", occurrence=3) is None
    assert source.locate("not there") is None


def test_overlapping_occurrences_are_occurrences() -> None:
    source = SourceText("s", 2021, "aaa")
    assert source.occurrences("aa") == (0, 1)


def test_the_occurrence_cache_is_bounded() -> None:
    source = SourceText("s", 2021, "ab " * 400)
    for n in range(_REMEMBERED // 50):
        source.occurrences(f"ab ab {n}")  # a different excerpt each time, not found
        source.occurrences("ab")  # found 400 times, remembered up to a bound
        assert source._remembered <= _REMEMBERED
    assert len(source._found) <= _REMEMBERED


EXTRA = """source: examplestan-2021
people:
  - id: rauf-aliyev
    name: Rauf Aliyev
    excerpt: Mammadova
    occurrence: 2
events:
  - id: edp-named
    kind: statement
    title: The EDP named
    excerpt: EDP
    occurrence: 2
    participants:
      - organization: example-democratic-party
        role: speaker
      - group: members
        role: subject
        excerpt: Sampleton
        occurrence: 1
    counts:
      - measure: detained
        subject: members
        value: 12
        qualifier: at-least
        excerpt: Sampleton
        occurrence: 2
"""


def test_occurrence_chooses_the_offsets(engine, tmp_path: Path) -> None:
    data = _one_file(tmp_path, EXTRA)
    load_paths(engine, [data])
    report = (data / "sources" / "report.txt").read_text(encoding="utf-8")

    def nth(word: str, n: int) -> tuple[int, int]:
        at = -1
        for _ in range(n):
            at = report.index(word, at + 1)
        return at, at + len(word)

    with engine.connect() as conn:
        def span(table: str, rid: str) -> tuple[int, int]:
            return tuple(conn.execute(text(f"SELECT excerpt_start, excerpt_end FROM {table} "
                                           "WHERE id = :id"), {"id": rid}).one())

        assert span("people", "rauf-aliyev") == nth("Mammadova", 2)
        assert span("events", "edp-named") == nth("EDP", 2)
        # a participant without an excerpt of its own stands where its event's does
        assert span("event_participants",
                    "edp-named/speaker/example-democratic-party") == nth("EDP", 2)
        assert span("event_participants", "edp-named/subject/mambars") == nth("Sampleton", 1)
        assert span("event_counts", "edp-named/1") == nth("Sampleton", 2)
    assert load_paths(engine, [data]).unchanged


def test_the_bundled_data_has_no_ambiguous_excerpt() -> None:
    from incidentdb.loader import validate_paths

    assert validate_paths([DATA]).problems == []


def test_a_charge_text_finds_an_offence_whose_name_has_a_non_ascii_capital(engine):
    """SQLite's lower() and LIKE fold only ASCII letters: matched there, "émeute" missed
    an offence named "Émeute" that PostgreSQL found. Offences are matched alike on both."""
    from incidentdb.prosecutions import charge_matches

    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO sources (id, title, publisher, events_year, text_path, sha256) "
            "VALUES ('s', 'A report', 'tests', 2021, 'report.txt', :sha)"), {"sha": "0" * 64})
        conn.execute(text(
            "INSERT INTO offences (id, name, source_id, excerpt, excerpt_start, excerpt_end) "
            "VALUES ('riot', 'Émeute', 's', 'Émeute', 0, 6), "
            "('ordinary', 'Trespass', 's', 'Trespass', 7, 15)"))
    with Session(engine) as session:
        for typed in ("Émeute", "émeute", "ÉMEUTE", "meute", "Riot"):
            assert charge_matches(session, typed).offences == ("riot",), typed
        assert charge_matches(session, "TRESPASS").offences == ("ordinary",)
        assert charge_matches(session, "Émeutes").offences == ()
