"""Properties of partial dates and name folding, checked on generated inputs (Hypothesis)."""

from __future__ import annotations

import calendar
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentdb.dates import SUB_YEAR, DateError, parse_edtf, partial_date
from incidentdb.names import fold

# zero-width, word joiner, byte-order mark, soft hyphen, and the bidirectional controls
INVISIBLE_CHARACTERS = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
                        "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d",
                        "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u061c"}

SETTINGS = settings(max_examples=200, deadline=None)

years = st.integers(min_value=1, max_value=9999)


@st.composite
def days(draw: st.DrawFn) -> str:
    year, month = draw(years), draw(st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    return f"{year:04d}-{month:02d}-{day:02d}"


months = st.builds(lambda y, m: f"{y:04d}-{m:02d}", years, st.integers(1, 12))
parts_of_year = st.builds(lambda y, p: f"{y:04d}-{p}", years, st.sampled_from(sorted(SUB_YEAR))
                          ).filter(lambda edtf: edtf != "9999-24")  # would end in year 10000
single_dates = st.one_of(years.map(lambda y: f"{y:04d}"), months, parts_of_year, days())


@st.composite
def intervals(draw: st.DrawFn) -> str:
    left, right = draw(single_dates), draw(single_dates)
    (left_start, _, _), (_, right_end, _) = parse_edtf(left), parse_edtf(right)
    if left_start > right_end:  # then the other order fits: right starts before left ends
        left, right = right, left
    return draw(st.sampled_from([f"{left}/{right}", f"../{right}", f"{left}/.."]))


edtf_strings = st.one_of(single_dates, intervals())


# --- partial dates ---------------------------------------------------------------------


@SETTINGS
@given(edtf_strings)
def test_an_edtf_date_prints_back_unchanged(edtf: str) -> None:
    parsed = partial_date(None, 2021, edtf)
    assert parsed.edtf == edtf
    assert str(parsed) == edtf
    assert parsed.as_columns()["date_edtf"] == edtf


@SETTINGS
@given(edtf_strings)
def test_bounds_are_ordered(edtf: str) -> None:
    start, end, precision = parse_edtf(edtf)
    assert start is not None or end is not None
    if start is not None and end is not None:
        assert start <= end
    if precision == "day":
        assert start == end


@SETTINGS
@given(single_dates)
def test_a_single_date_holds_its_own_year(edtf: str) -> None:
    start, end, _ = parse_edtf(edtf)
    assert start is not None and end is not None
    assert start.year == int(edtf[:4]) and end.year in (start.year, start.year + 1)


@SETTINGS
@given(st.integers(1000, 9999), st.integers(1, 12), st.data())
def test_a_phrase_means_the_date_it_names(year: int, month: int, data: st.DataObject) -> None:
    day = data.draw(st.integers(1, calendar.monthrange(year, month)[1]))
    name = calendar.month_name[month]
    iso_day = f"{year:04d}-{month:02d}-{day:02d}"
    assert partial_date(f"On {name} {day}, {year}", 2021).edtf == iso_day
    assert partial_date(f"In {name}", year).edtf == f"{year:04d}-{month:02d}"
    assert partial_date(f"On {name} {day}", year).start == date(year, month, day)


@SETTINGS
@given(st.integers(0, 99999), st.integers(0, 99), st.integers(0, 99))
def test_any_numeric_date_is_a_date_or_a_date_error(year: int, month: int, day: int) -> None:
    for edtf in (f"{year:04d}-{month:02d}-{day:02d}", f"{year:04d}-{month:02d}",
                 f"{year:04d}-{month:02d}/{year:04d}"):
        try:
            start, end, _ = parse_edtf(edtf)
        except DateError:
            continue
        assert start is None or end is None or start <= end


@SETTINGS
@given(st.text(max_size=30))
def test_any_text_is_a_date_or_a_date_error(text: str) -> None:
    for attempt in (lambda: partial_date(text, 2021), lambda: partial_date(None, 2021, text)):
        try:
            parsed = attempt()
        except DateError:
            continue
        assert parsed.start is None or parsed.end is None or parsed.start <= parsed.end


OTHER_DIGITS = ["٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९", "０１２３４５６７８９", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"]


@SETTINGS
@given(edtf_strings, st.sampled_from(OTHER_DIGITS), st.data())
def test_a_date_with_any_digit_of_another_script_is_refused(edtf: str, digits: str,
                                                           data: st.DataObject) -> None:
    positions = [i for i, ch in enumerate(edtf) if ch.isdigit()]
    at = data.draw(st.sampled_from(positions))
    changed = edtf[:at] + digits[int(edtf[at])] + edtf[at + 1:]
    with pytest.raises(DateError):
        partial_date(None, 2021, changed)
    year = edtf[:4]
    if "/" not in edtf and at < 4:
        with pytest.raises(DateError):
            partial_date(f"in {changed[:4]}", int(year))


def test_the_last_winter_that_fits_in_a_date_is_refused_cleanly() -> None:
    # winter 9999 runs into February 10000, a year `datetime.date` cannot hold
    with pytest.raises(DateError):
        parse_edtf("9999-24")


# --- names -----------------------------------------------------------------------------


@SETTINGS
@given(st.text(max_size=40))
def test_folding_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


# English spelling -> Azerbaijani spelling, unit by unit; digraphs first. A letter may have
# several: g is q (Tofiq) or ğ (Ağayev), a and e are both ə.
AZERBAIJANI = {"kh": ["x"], "sh": ["ş"], "ch": ["ç"], "gh": ["ğ"], "g": ["q", "ğ"], "j": ["c"],
               "a": ["ə"], "e": ["ə"], "i": ["ı"], "u": ["ü"], "o": ["ö"]}
UNITS = ["kh", "sh", "ch", "gh", *"abcdefghijklmnopqrstuvwxyz"]


def _capitalised(unit: str) -> str:
    return {"ı": "I", "i": "I"}.get(unit, unit[:1].upper() + unit[1:])


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, str]:
    """A name in English spelling, and the same name with some letters in Azerbaijani."""
    english_words, azerbaijani_words = [], []
    for _ in range(draw(st.integers(1, 3))):
        units = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=8))
        swapped = [draw(st.sampled_from(AZERBAIJANI[u])) if u in AZERBAIJANI
                   and draw(st.booleans()) else u for u in units]
        capital = draw(st.booleans())
        english_words.append((_capitalised(units[0]) if capital else units[0]) + "".join(units[1:]))
        azerbaijani_words.append((_capitalised(swapped[0]) if capital else swapped[0])
                                 + "".join(swapped[1:]))
    return " ".join(english_words), " ".join(azerbaijani_words)


@SETTINGS
@given(spellings())
def test_every_spelling_of_a_name_folds_to_one_key(pair: tuple[str, str]) -> None:
    english, azerbaijani = pair
    assert fold(azerbaijani) == fold(english), (english, azerbaijani)


def _typed_without_accents(name: str, schwa: str) -> str:
    """As typed on a keyboard without accents: marks dropped (ş s, ç c, ğ g), ı i, ə e or a."""
    bare = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return bare.translate(str.maketrans({"ı": "i", "ə": schwa, "Ə": schwa.upper()}))


@SETTINGS
@given(spellings(), st.sampled_from(["e", "a"]))
def test_a_name_typed_decomposed_or_without_accents_folds_to_its_key(
        pair: tuple[str, str], schwa: str) -> None:
    english, azerbaijani = pair
    key = fold(english)
    assert fold(unicodedata.normalize("NFD", azerbaijani)) == key, (english, azerbaijani)
    assert fold(_typed_without_accents(azerbaijani, schwa)) == key, (english, azerbaijani)


@SETTINGS
@given(spellings(), st.sampled_from(sorted(INVISIBLE_CHARACTERS)), st.data())
def test_invisible_characters_do_not_change_the_key(pair: tuple[str, str], invisible: str,
                                                    data: st.DataObject) -> None:
    english, azerbaijani = pair
    at = data.draw(st.integers(0, len(azerbaijani)))
    assert fold(azerbaijani[:at] + invisible + azerbaijani[at:]) == fold(english)


@pytest.mark.parametrize(("english", "azerbaijani"), [
    ("Tofig Yagublu", "Tofiq Yaqublu"),
    ("Bakhtiyar Hajiyev", "Bəxtiyar Hacıyev"),
    ("Ilgar Mammadov", "İlqar Məmmədov"),
    ("Ali Karimli", "Əli Kərimli"),
    ("Shahin Chobanov", "Şahin Çobanov"),
    ("Umud Gojayev", "Ümüd Qocayev"),
    ("Aghayev", "Ağayev"),
    ("Agayev", "Ağayev"),
    ("Elchin Hasanzade", "Elçin Həsənzadə"),
    ("Elcin Hesenzade", "Elçin Həsənzadə"),
    ("Sahla Humbetova", "Şahla Hümbətova"),
])
def test_known_spellings_fold_together(english: str, azerbaijani: str) -> None:
    assert fold(english) == fold(azerbaijani)
