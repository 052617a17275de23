"""Field values by kind: the check each kind of field makes, and the columns it fills.

Every kind a `Field` may declare (models/declaration.py) has a `Kind` in `KINDS`: a checker,
(value, field, name, events_year) -> the converted value, which raises `Invalid` with
the message a curator reads; and how the converted value becomes the row's columns.
Text-like kinds share one text check. A kind missing from `KINDS` is an error, not a
value let through unchecked (tests/test_unit_validate.py checks every declared kind).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from incidentdb import vocabulary as v
from incidentdb.dates import DateError, partial_date
from incidentdb.names import INVISIBLE
from incidentdb.sections import Field

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_TEXT = 20_000
MAX_NUMBER = 1_000_000_000  # well inside a 32-bit INTEGER column, even after `more-than` adds 1
MAX_OCCURRENCES = 1000  # occurrences of one excerpt counted; `occurrence: N` at most this
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # half of a UTF-16 pair (JSON "\ud83d"): not text
# One scan for anything a text may not hold; the message then says which it was: C0 and
# C1 control characters (tab and newline allowed in text, not in names), surrogates, and
# invisible characters (zero-width, bidirectional controls: names.INVISIBLE), which would
# make two values that look the same differ, or a value read in another order than stored.
_INVISIBLE_CLASS = INVISIBLE.pattern[1:-1]
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff" + _INVISIBLE_CLASS + "]")
_NOT_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff" + _INVISIBLE_CLASS + "]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # fromisoformat alone takes 20210308 too
_SHA256 = re.compile(r"[0-9a-f]{64}")


class Invalid(ValueError):
    """A field's value is wrong; the message says how."""


# (value, field, name, events_year) -> the value converted; raises Invalid
Checker = Callable[[Any, Field, str, int], Any]
# (row, name, field, converted value): puts the value into the row's columns
Placer = Callable[[dict[str, Any], str, Field, Any], None]


def _one_column(row: dict[str, Any], name: str, spec: Field, value: Any) -> None:
    row[spec.column or name] = value


@dataclass(frozen=True)
class Kind:
    """What a kind of field checks, and how its converted value becomes columns."""

    check: Checker
    place: Placer = _one_column


def check_value(value: Any, spec: Field, name: str, events_year: int) -> Any:
    """The value of a field converted by its kind's checker; `Invalid` says what is wrong.
    `name` is how messages call the field; `events_year` is the year a date phrase means."""
    return kind_of(spec).check(value, spec, name, events_year)


def kind_of(spec: Field) -> Kind:
    """The `Kind` of a field; a kind with no checker is an error, never let through."""
    try:
        return KINDS[spec.kind]
    except KeyError:
        raise LookupError(f"field kind {spec.kind!r} has no checker in checks.KINDS") from None


# --- text ------------------------------------------------------------------------------


def _text_of(value: Any, name: str, forbidden: re.Pattern[str]) -> str:
    """The value, if it is text a field may hold: `forbidden` are the characters it may not."""
    if value.__class__ is str and value and not value.isspace() and (
            len(value) <= MAX_TEXT) and not forbidden.search(value):
        return value  # the common case, in one scan
    if isinstance(value, bool):
        raise Invalid(f"{name} must be text, not the YAML boolean {value!r} (an unquoted "
                      "yes, no, on, off, true or false: put it in quotes)")
    if not isinstance(value, str):
        raise Invalid(f"{name} must be text, not {type(value).__name__}")
    if not value.strip():
        raise Invalid(f"{name} is empty")
    if len(value) > MAX_TEXT:
        raise Invalid(f"{name} is too long ({len(value)} characters, at most {MAX_TEXT})")
    if _SURROGATE.search(value):
        raise Invalid(f"{name} contains half of a UTF-16 surrogate pair")
    if INVISIBLE.search(value):
        raise Invalid(invisible(value, name))
    if forbidden.search(value):
        raise Invalid(f"{name} contains a control character")
    return value


def invisible(value: str, name: str) -> str:
    """The message for a value holding an invisible character: which one, by code point."""
    found = INVISIBLE.search(value)
    ch = found[0] if found else "\ufffd"
    return (f"{name} contains an invisible character U+{ord(ch):04X} "
            f"({unicodedata.name(ch, 'unnamed')}): remove it")


def _text(value: Any, spec: Field, name: str, events_year: int) -> str:
    """Text: tab and newline allowed."""
    return _text_of(value, name, _NOT_TEXT)


def _name(value: Any, spec: Field, name: str, events_year: int) -> str:
    """A name (or an id, or a reference to one): one line, no tab."""
    return _text_of(value, name, _NOT_NAME)


def _slug(value: Any, spec: Field, name: str, events_year: int) -> str:
    text = _text_of(value, name, _NOT_NAME)
    if not SLUG.fullmatch(text):
        raise Invalid(f"{name} {text!r} is not a slug (lower-case words joined by '-')")
    return text


def _sha256(value: Any, spec: Field, name: str, events_year: int) -> str:
    text = _text_of(value, name, _NOT_TEXT)
    if not _SHA256.fullmatch(text):
        raise Invalid(f"{name} is not a SHA-256 in hex")
    return text


def _choice(value: Any, spec: Field, name: str, events_year: int) -> str:
    """One of the field's controlled list."""
    text = _text_of(value, name, _NOT_TEXT)
    if text not in spec.choices:
        raise Invalid(f"{name} {text!r} is not one of: {', '.join(spec.choices)}")
    return text


def _list_of(item: Checker) -> Checker:
    """A list whose every item is checked by `item` (with the list field's choices)."""

    def check(value: Any, spec: Field, name: str, events_year: int) -> list[Any]:
        if not isinstance(value, list):
            raise Invalid(f"{name} must be a list")
        return [item(x, spec, f"{name} item", events_year) for x in value]

    return check


# --- numbers ---------------------------------------------------------------------------


def _int(value: Any, spec: Field, name: str, events_year: int) -> int:
    """A whole number from 0 to MAX_NUMBER."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{name} must be a whole number, not {value!r}")
    if value < 0:
        raise Invalid(f"{name} must not be negative ({value})")
    if value > MAX_NUMBER:
        raise Invalid(f"{name} is too large ({value}, at most {MAX_NUMBER})")
    return value


def _occurrence(value: Any, spec: Field, name: str, events_year: int) -> int:
    """Which occurrence of an excerpt in its source, from 1."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"{name} must be a whole number (1 for the first), not {value!r}")
    if not 1 <= value <= MAX_OCCURRENCES:
        raise Invalid(f"{name} must be from 1 to {MAX_OCCURRENCES}, not {value}")
    return value


def _term(value: Any, spec: Field, name: str, events_year: int) -> tuple[int, int]:
    """A term in months, or its range: (least, most)."""
    if isinstance(value, int) and not isinstance(value, bool):
        bounds: tuple[Any, Any] = (value, value)
    elif isinstance(value, dict) and set(value) <= {"min", "max"} and value:
        bounds = (value.get("min"), value.get("max"))
    else:
        raise Invalid(f"{name} must be a number of months or {{min, max}}")
    low, high = (_months(bound, name) for bound in bounds)
    if low > high:
        raise Invalid(f"{name} range reversed: min {low} is above max {high}")
    return low, high


def _months(bound: Any, name: str) -> int:
    """One bound of a term: a positive whole number of months, at most MAX_NUMBER."""
    if not isinstance(bound, int) or isinstance(bound, bool) or bound <= 0:
        raise Invalid(f"{name} bounds must be positive whole numbers of months")
    if bound > MAX_NUMBER:
        raise Invalid(f"{name} is too large ({bound}, at most {MAX_NUMBER})")
    return bound


_QUALIFIER = Field("choice", choices=v.COUNT_QUALIFIERS)


def _qualified_count(value: Any, spec: Field, name: str, events_year: int,
                     ) -> tuple[int | None, str]:
    """A number with its qualifier ('at least 78'), or a qualifier alone ('dozens')."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = {"value": value, "qualifier": "exact"}
    if not isinstance(value, dict):
        raise Invalid(f"{name} must be a number or {{value, qualifier}}")
    _no_unknown(value, {"value", "qualifier"}, name)
    qualifier = _choice(value.get("qualifier", "exact"), _QUALIFIER, f"{name} qualifier", 0)
    number = value.get("value")
    if number is not None:
        _int(number, spec, f"{name} value", 0)
    check_count_value(number, qualifier, name)
    return number, qualifier


def check_count_value(value: int | None, qualifier: str, name: str) -> None:
    """A qualifier that needs a value has one; one that takes none has none."""
    if qualifier in v.QUALIFIERS_WITHOUT_VALUE:
        if value is not None:
            raise Invalid(f"{name} qualifier {qualifier!r} takes no value")
    elif value is None:
        raise Invalid(f"{name} qualifier {qualifier!r} needs a value")
    elif isinstance(value, int) and value < 0:
        raise Invalid(f"{name} value must not be negative ({value})")


# --- dates -----------------------------------------------------------------------------


def _iso_date(value: Any, spec: Field, name: str, events_year: int) -> date:
    """A day written YYYY-MM-DD (or read as a date by YAML)."""
    if isinstance(value, date):
        return value
    try:
        if not _ISO_DATE.fullmatch(str(value)):
            raise ValueError(value)
        return date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def _date(value: Any, spec: Field, name: str, events_year: int) -> dict[str, Any]:
    """A partial date, the report's phrase and/or its EDTF, as its date columns."""
    text, edtf = _date_parts(value, name)
    if text is not None:
        _text(text, spec, f"{name} text", events_year)
    try:
        return partial_date(text, events_year, edtf).as_columns()
    except DateError as exc:
        raise Invalid(f"{name}: {exc}") from None


def _date_parts(value: Any, name: str) -> tuple[Any, str | None]:
    """The phrase and the EDTF of a date as written: a phrase, or {text, edtf}."""
    if isinstance(value, str):
        return value, None
    if isinstance(value, dict):
        _no_unknown(value, {"text", "edtf"}, name)
        text, edtf = value.get("text"), value.get("edtf")
        if edtf is not None and not isinstance(edtf, str):
            raise Invalid(f"{name} edtf must be a quoted string, not {edtf!r}")
        if edtf is not None and INVISIBLE.search(edtf):
            raise Invalid(invisible(edtf, f"{name} edtf"))
        if text is not None and not isinstance(text, str):
            raise Invalid(f"{name} text must be text")
        return text, edtf
    if isinstance(value, (date, int)) and not isinstance(value, bool):
        raise Invalid(f"{name} must be a phrase or {{text, edtf}}, not the bare {value} "
                      f"(write {{text: <the report's words>, edtf: \"{value}\"}})")
    raise Invalid(f"{name} must be a phrase or {{text, edtf}}, not {value!r}")


def _no_unknown(value: dict[Any, Any], known: set[str], name: str) -> None:
    """Refuses a mapping with a field it does not know, naming the first (sorted)."""
    unknown = set(value) - known
    if unknown:
        raise Invalid(f"{name} has unknown field {sorted(unknown, key=str)[0]!r}")


def _inferred(value: Any, spec: Field, name: str, events_year: int) -> str:
    """{field: reason}: which values a curator inferred, and why; stored as JSON (the
    validator checks that each field is one the record gives)."""
    import json

    if not isinstance(value, dict) or not value:
        raise Invalid(f"{name} must be a mapping of field names to reasons, such as "
                      "{status: \"assumed: no later change reported\"}")
    reasons = {}
    for field_name, reason in value.items():
        if not isinstance(field_name, str):
            raise Invalid(f"{name}: {field_name!r} is not a field name")
        reasons[field_name] = _text_of(reason, f"{name} {field_name}", _NOT_TEXT)
    return json.dumps(reasons, ensure_ascii=False, sort_keys=True)


# --- items checked by the validator ------------------------------------------------------


def _as_given(value: Any, spec: Field, name: str, events_year: int) -> Any:
    """Participants, counts and chronology: each item is a record of its own, which the
    validator checks against its table's fields (Validator._children)."""
    return value


# --- columns ---------------------------------------------------------------------------


def _date_columns(row: dict[str, Any], name: str, spec: Field, value: Any) -> None:
    row.update(value)  # date_text, date_edtf, date_precision, date_start, ...


def _term_columns(row: dict[str, Any], name: str, spec: Field, value: Any) -> None:
    row["term_min_months"], row["term_max_months"] = value


def _count_columns(row: dict[str, Any], name: str, spec: Field, value: Any) -> None:
    row[name], row[f"{name}_qualifier"] = value


def _ref_column(row: dict[str, Any], name: str, spec: Field, value: Any) -> None:
    row[spec.column or f"{name}_id"] = value


KINDS: dict[str, Kind] = {
    "text": Kind(_text),
    "name": Kind(_name),
    "slug": Kind(_slug),
    "sha256": Kind(_sha256),
    "choice": Kind(_choice),
    "ref": Kind(_name, _ref_column),
    "names": Kind(_list_of(_name)),
    "choices": Kind(_list_of(_choice)),
    "refs": Kind(_list_of(_name)),
    "int": Kind(_int),
    "occurrence": Kind(_occurrence),
    "term": Kind(_term, _term_columns),
    "qualified-count": Kind(_qualified_count, _count_columns),
    "iso-date": Kind(_iso_date),
    "date": Kind(_date, _date_columns),
    "participants": Kind(_as_given),
    "counts": Kind(_as_given),
    "chronology": Kind(_as_given),
    "relations": Kind(_as_given),
    "instruments": Kind(_as_given),
    "inferred": Kind(_inferred),
}
