"""Name folding: one key for every way a name may be typed.

Azerbaijani names reach English in several spellings (Tofiq Yaqublu, Tofig
Yagublu), and users type them with or without accents, composed or decomposed
(an `ş` may arrive as `s` + a combining cedilla). `fold` first removes invisible
characters and composes the text (NFC), so every form of a letter is the same
letter; it then maps the Azerbaijani letters to their English transliterations,
strips accents and case, and merges the letters that spellings disagree on:
q/g, x/kh, c/j/ch/ç, s/sh/ş, ğ/gh/g and ə/a/e. The plain-ASCII forms a keyboard
without accents gives (`Sahla`, `Elcin`, `Agayev`) meet the transliterations
(`Shahla`, `Elchin`, `Aghayev`) and the Azerbaijani spelling. The key is for
matching only; it is never shown.

Stored keys (`person_names.folded`) are made by this function: when it changes,
a migration recomputes them (0007), so a database and the code agree.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that show nothing (zero-width, soft hyphen, byte-order mark) or only steer
# the direction of text: a value holding one looks like a value without it.
INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

_AZERBAIJANI = str.maketrans({
    "ç": "ch", "Ç": "ch", "ş": "sh", "Ş": "sh", "ğ": "gh", "Ğ": "gh",
    "ı": "i", "I": "i", "İ": "i", "ə": "a", "Ə": "a", "ǝ": "a",
    "ö": "o", "Ö": "o", "ü": "u", "Ü": "u",
})
# In this order: "ch" becomes "jh" by the c/j merge, then "j".
_MERGE = (("q", "g"), ("x", "kh"), ("c", "j"), ("jh", "j"), ("sh", "s"), ("e", "a"),
          ("gh", "g"))


def without_invisible(text: str) -> str:
    """The text with every invisible character removed (see INVISIBLE): what a user sees."""
    return INVISIBLE.sub("", text)


def _fold_once(text: str, letters: dict[int, str] = _AZERBAIJANI,
               merges: tuple[tuple[str, str], ...] = _MERGE) -> str:
    text = text.translate(letters)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    for old, new in merges:
        text = text.replace(old, new)
    return " ".join(re.findall(r"[^\W_]+", text))


def fold(text: str) -> str:
    """The matching key of a name: lower-case ASCII-like words separated by one space."""
    text = unicodedata.normalize("NFC", without_invisible(text))
    # Until nothing changes, so that folding a key gives the same key ("shhh" loses one
    # h a pass). It ends: after the first pass no q, x, c or e is left, so every later
    # change makes the text shorter.
    while (folded := _fold_once(text)) != text:
        text = folded
    return text


# --- ids derived from text ----------------------------------------------------------------

_V1_AZERBAIJANI = str.maketrans({
    "ç": "ch", "Ç": "ch", "ş": "sh", "Ş": "sh", "ğ": "gh", "Ğ": "gh",
    "ı": "i", "I": "i", "İ": "i", "ə": "a", "Ə": "a", "ö": "o", "Ö": "o", "ü": "u", "Ü": "u",
})
_V1_MERGE = (("q", "g"), ("x", "kh"), ("c", "j"), ("e", "a"), ("gh", "g"))


def id_words(text: str) -> str:
    """The words an id derived from a text is made of (a group participant's id).

    This is the first version of `fold`, frozen: ids are cited, so they must not
    change when the matching rules do.
    """
    for _ in range(8):
        folded = _fold_once(text, _V1_AZERBAIJANI, _V1_MERGE)
        if folded == text:
            break
        text = folded
    return text
