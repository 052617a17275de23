"""Properties of partial dates and name folding, checked on generated inputs (Hypothesis)."""

from __future__ import annotations

import calendar
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentdb.dates import SUB_YEAR, DateError, month_bounds, parse_edtf, partial_date
from incidentdb.names import fold

# zero-width, word joiner, byte-order mark, soft hyphen, and the bidirectional controls
INVISIBLE_CHARACTERS = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
                        "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d",
                        "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u061c"}

SETTINGS = settings(max_examples=200, deadline=None)

years = st.integers(min_value=1, max_value=9999)


def last_day_of(year: int, month: int) -> date:
    """The month's last day, worked out without `calendar` (which the code under test uses):
    the day before the first of the next month."""
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


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
    exact = date(year, month, day)
    on_day = partial_date(f"On {name} {day}, {year}", 2021)
    assert (on_day.edtf, on_day.start, on_day.end) == (iso_day, exact, exact)
    in_month = partial_date(f"In {name}", year)
    assert in_month.edtf == f"{year:04d}-{month:02d}"
    assert (in_month.start, in_month.end) == (date(year, month, 1), last_day_of(year, month))
    day_of_year = partial_date(f"On {name} {day}", year)
    assert (day_of_year.start, day_of_year.end) == (exact, exact)


@SETTINGS
@given(st.integers(1000, 9998), st.integers(1, 12), st.integers(1, 12), st.data())
def test_a_phrase_of_two_months_spans_both_whole(year: int, first: int, second: int,
                                                  data: st.DataObject) -> None:
    first, second = min(first, second), max(first, second)
    word = data.draw(st.sampled_from(["and", "to", "through"]))
    phrase = f"In {calendar.month_name[first]} {word} {calendar.month_name[second]} {year}"
    parsed = partial_date(phrase, 2021)
    assert parsed.edtf == f"{year:04d}-{first:02d}/{year:04d}-{second:02d}"
    assert (parsed.start, parsed.end) == (date(year, first, 1), last_day_of(year, second))


@SETTINGS
@given(st.integers(1000, 9999), st.sampled_from(["in ", "In ", "during ", "Throughout ", ""]))
def test_a_phrase_of_half_a_year_means_that_half(year: int, lead: str) -> None:
    halves = {"early": (40, 1, 6), "first half of": (40, 1, 6),
              "late": (41, 7, 12), "second half of": (41, 7, 12)}
    for words, (code, first, last) in halves.items():
        parsed = partial_date(f"{lead}{words} {year}", 2021)
        assert parsed.edtf == f"{year:04d}-{code}", (words, parsed)
        assert (parsed.start, parsed.end) == (date(year, first, 1), last_day_of(year, last)), (
            words, parsed)
        assert parsed.precision == "part-of-year"


@SETTINGS
@given(months)
def test_a_month_ends_on_its_last_day(edtf: str) -> None:
    year, month = int(edtf[:4]), int(edtf[5:])
    assert parse_edtf(edtf) == (date(year, month, 1), last_day_of(year, month), "month")
    assert month_bounds(edtf) == (date(year, month, 1), last_day_of(year, month))
    phrase = f"In {calendar.month_name[month]} {year:04d}"
    assert partial_date(phrase, 2021).end == last_day_of(year, month)


@SETTINGS
@given(parts_of_year)
def test_a_part_of_a_year_ends_on_the_last_day_of_its_last_month(edtf: str) -> None:
    year, part = int(edtf[:4]), int(edtf[5:])
    first, last = SUB_YEAR[part]
    end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
    assert parse_edtf(edtf) == (date(year, first, 1), last_day_of(end_year, end_month),
                                "part-of-year")


# Days in each month, from the rules and not from the code: February has 29 days in a year
# divisible by 4, except in a century year not divisible by 400.
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@pytest.mark.parametrize("year", [1900, 1999, 2000, 2019, 2020, 2021, 2023, 2024, 2100, 2400])
def test_every_month_of_these_years_ends_on_its_last_day(year: int) -> None:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    for month, days_in_month in enumerate(MONTH_DAYS, start=1):
        last = date(year, month, days_in_month + (month == 2 and leap))
        edtf = f"{year:04d}-{month:02d}"
        assert parse_edtf(edtf) == (date(year, month, 1), last, "month"), edtf
        assert month_bounds(edtf) == (date(year, month, 1), last), edtf
        parsed = partial_date(f"In {calendar.month_name[month]}", year)
        assert (parsed.start, parsed.end) == (date(year, month, 1), last), edtf
        assert parse_edtf(f"{edtf}-{last.day:02d}")[1] == last
        with pytest.raises(DateError):
            parse_edtf(f"{edtf}-{last.day + 1:02d}")
    assert parse_edtf(f"{year:04d}")[:2] == (date(year, 1, 1), date(year, 12, 31))


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
def spelled_words(draw: st.DrawFn) -> list[list[tuple[str, str]]]:
    """Words of a name as (English unit, the unit as written) pairs: some units swapped for
    one of their Azerbaijani letters."""
    words = []
    for _ in range(draw(st.integers(1, 3))):
        units = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=8))
        words.append([(u, draw(st.sampled_from(AZERBAIJANI[u])) if u in AZERBAIJANI
                       and draw(st.booleans()) else u) for u in units])
    return words


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, str]:
    """A name in English spelling, and the same name with some letters in Azerbaijani."""
    english_words, azerbaijani_words = [], []
    for word in draw(spelled_words()):
        units, swapped = [u for u, _ in word], [a for _, a in word]
        capital = draw(st.booleans())
        english_words.append((_capitalised(units[0]) if capital else units[0]) + "".join(units[1:]))
        azerbaijani_words.append((_capitalised(swapped[0]) if capital else swapped[0])
                                 + "".join(swapped[1:]))
    return " ".join(english_words), " ".join(azerbaijani_words)


def test_the_spellings_swap_every_letter_spellings_disagree_on() -> None:
    """The properties below are only as strong as what the strategy draws: it must put ğ
    where English writes gh or g, ə where it writes e or a, and so on for every letter."""
    seen: set[tuple[str, str]] = set()

    # derandomized: the same draws every run, so the check cannot pass one run and not the next
    @settings(max_examples=500, deadline=None, database=None, derandomize=True)
    @given(spelled_words())
    def draw(words: list[list[tuple[str, str]]]) -> None:
        seen.update(pair for word in words for pair in word if pair[0] != pair[1])

    draw()
    expected = {(english, letter) for english, letters in AZERBAIJANI.items()
                for letter in letters}
    assert {("gh", "ğ"), ("g", "ğ"), ("e", "ə"), ("a", "ə")} <= expected
    assert expected <= seen, expected - seen


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
