"""Name folding: one key for every way a name may be typed.

Azerbaijani names reach English in several spellings (Tofiq Yaqublu, Tofig
Yagublu). `fold` maps the Azerbaijani letters to their English transliterations,
strips accents and case, and then merges the letters that transliterations
disagree on (q/g, x/kh, c/j, ə/a/e, ğ/gh/g), so every spelling of a name folds to
the same key. The key is for matching only; it is never shown.
"""

from __future__ import annotations

import re
import unicodedata

_AZERBAIJANI = str.maketrans({
    "ç": "ch", "Ç": "ch", "ş": "sh", "Ş": "sh", "ğ": "gh", "Ğ": "gh",
    "ı": "i", "I": "i", "İ": "i", "ə": "a", "Ə": "a", "ö": "o", "Ö": "o", "ü": "u", "Ü": "u",
})
_MERGE = (("q", "g"), ("x", "kh"), ("c", "j"), ("e", "a"), ("gh", "g"))


def _fold_once(text: str) -> str:
    text = text.translate(_AZERBAIJANI)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    for old, new in _MERGE:
        text = text.replace(old, new)
    return " ".join(re.findall(r"[^\W_]+", text))


def fold(text: str) -> str:
    """The matching key of a name: lower-case ASCII-like words separated by one space."""
    for _ in range(8):
        folded = _fold_once(text)
        if folded == text:
            break
        text = folded
    return text
