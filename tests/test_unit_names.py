"""Unit tests of name folding (names.py): exact keys, worked out by hand from the rules.

The rules (names.py's docstring): invisible characters removed, NFC, Azerbaijani
letters transliterated, accents and case stripped, then q/g, x/kh, c/j/ch/ç,
s/sh/ş, ğ/gh/g and ə/a/e merged; words are runs of letters and digits, joined by
one space. `id_words` is the first version of `fold`, frozen because ids are cited:
it does not merge jh/j or sh/s.
"""

from __future__ import annotations

import pytest

from incidentdb.names import fold, id_words, without_invisible


@pytest.mark.parametrize(("typed", "key"), [
    # every merge, each spelling of the same name meeting at one key
    ("Tofiq Yaqublu", "tofig yagublu"),
    ("Tofig Yagublu", "tofig yagublu"),
    ("Xədicə İsmayılova", "khadija ismayilova"),
    ("Khadija Ismayilova", "khadija ismayilova"),
    ("Elçin", "aljin"), ("Elchin", "aljin"), ("Elcin", "aljin"), ("Eljin", "aljin"),
    ("Şahla", "sahla"), ("Shahla", "sahla"), ("Sahla", "sahla"),
    ("Ağayev", "agayav"), ("Aghayev", "agayav"), ("Agayev", "agayav"),
    ("Əli", "ali"), ("Eli", "ali"), ("Ali", "ali"),
    ("Öz Ünal", "oz unal"),
    # accents stripped, decomposed input composed first
    ("S\u0327ahla", "sahla"), ("E\u0301lodie", "alodia"), ("ÉLODIE", "alodia"),
    # words: runs of letters and digits; punctuation and underscores separate them
    ("  Mehman   Huseynov-  ", "mahman husaynov"), ("a_b.c", "a b j"), ("No 2", "no 2"),
    ("%_", ""),
])
def test_fold_gives_the_key_of_each_spelling(typed: str, key: str) -> None:
    assert fold(typed) == key


def test_invisible_characters_are_removed_before_folding() -> None:
    assert without_invisible("To\u200bfiq\u00ad Ya\u202equblu\ufeff") == "Tofiq Yaqublu"
    assert without_invisible("plain text") == "plain text"
    assert fold("To\u200bfiq\u2066 Yaqublu") == "tofig yagublu"


def test_fold_converges_on_digraphs_that_need_several_passes() -> None:
    # "chh": c/j gives "jhh", jh/j gives "jh", and only a second pass gives "j"
    assert fold("chh") == "j"
    assert fold("Ççh") == "jj"
    assert fold(fold("xkh shh")) == fold("xkh shh") == "khkh s"


@pytest.mark.parametrize(("text", "words"), [
    # the first version: ç -> ch -> jh (no jh/j merge), ş -> sh kept, ğ -> gh -> g
    ("Çingiz Şahin Ağa", "jhingiz shahin aga"),
    ("Qəşəm Xəlilov", "gasham khalilov"),
    ("Élodie Öz-Ünal", "alodia oz unal"),
    ("nine other defendants", "nina othar dafandants"),
    ("a_b", "a b"),
    ("", ""),
])
def test_id_words_are_the_first_version_of_fold(text: str, words: str) -> None:
    assert id_words(text) == words


def test_id_words_are_frozen_even_on_long_runs_of_gh() -> None:
    # Ids are cited: the first version stops after eight passes, and so must this one
    # (each pass turns one "gh" of "ghhh..." into "g"); a ninth pass would change the id.
    assert id_words("g" + "h" * 10) == "ghh"
    assert id_words("ghh") == "g"


@pytest.mark.parametrize("text", ["s" + "h" * 10 + "a", "C" + "h" * 20, "gh" * 3 + "h" * 12])
def test_a_key_folds_to_itself(text: str) -> None:
    # one key for every spelling: folding a key again must not give another key (the
    # first version stopped after eight passes, one "h" of "shhh..." a pass)
    assert fold(fold(text)) == fold(text)
