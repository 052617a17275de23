"""Tools for curators: where an excerpt stands, the passages nearest to one that stands
nowhere, a source's record written from its text, and the id a mistyped reference meant.

Offsets are the loader's: white space folded (`validate.SourceText`), counted in
characters of the source text. The nearest passages are found in two steps, so that
a 100 KB text answers in a fraction of a second: every window of the excerpt's length
that starts at a word is scored by the share of characters it has in common with the
excerpt (difflib's `quick_ratio`, kept up to date as the window slides); the best of
them are scored again with `SequenceMatcher.ratio`, their ends moved to the word end
that scores best.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from incidentdb.checks import MAX_OCCURRENCES, Invalid, check_value
from incidentdb.errors import UserError
from incidentdb.reading import YAML_SUFFIXES
from incidentdb.sections import SECTIONS
from incidentdb.shapes import Row
from incidentdb.validate import SourceText, decode_text

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

__all__ = ["Found", "IdHints", "Passage", "find_excerpt", "nearest_id", "nearest_passages",
           "record_path", "source_record", "text_of_file", "text_of_source",
           "write_source_record"]

NEAREST = 3  # passages shown when an excerpt is not found
SCREENED = 40  # windows (the best by quick_ratio) scored again with ratio
REFINED = 4  # word ends tried on each side of the excerpt's length, per passage kept
BY_WORDS = 300  # an excerpt longer than this (characters) is compared word by word
SUGGESTION_CUTOFF = 0.7  # difflib's: how alike an id must be to be suggested (0.6 took
# sampleton-district-court for sampleton-police)
EXCERPT_COLUMNS = ["match", "occurrence", "start", "end", "score", "passage"]


@dataclass(frozen=True)
class Passage:
    """A passage of a source: its offsets in the text, how like the excerpt it is (1.0:
    the excerpt itself), its words (white space folded), and the `occurrence: N` a record
    quoting it needs (None when it occurs once)."""

    start: int
    end: int
    score: float
    text: str
    occurrence: int | None


@dataclass(frozen=True)
class Found:
    """Where an excerpt stands in a source: every occurrence (`exact`), or, when it
    occurs nowhere, the nearest passages."""

    source_id: str
    exact: bool
    passages: list[Passage]
    times: int  # occurrences found, at most MAX_OCCURRENCES + 1

    def rows(self) -> list[Row]:
        """A row per passage: match (exact, nearest), occurrence, start, end, score,
        passage."""
        match = "exact" if self.exact else "nearest"
        return [{"match": match, "occurrence": p.occurrence, "start": p.start, "end": p.end,
                 "score": p.score, "passage": p.text} for p in self.passages]

    def note(self) -> str:
        """What to do with the answer, in one line: the occurrence a record needs, or that
        the excerpt is not in the source."""
        if not self.exact:
            return (f"excerpt not found in source {self.source_id!r}; the nearest passages "
                    "are shown")
        if self.times > 1:
            times = (f"more than {MAX_OCCURRENCES}" if self.times > MAX_OCCURRENCES
                     else str(self.times))
            return (f"excerpt occurs {times} times in source {self.source_id!r}: a record "
                    "quoting it needs `occurrence: N` (or a longer excerpt)")
        return ""


def find_excerpt(source: SourceText, excerpt: str, nearest: int = NEAREST) -> Found:
    """Every occurrence of the excerpt in the source, with the offsets the loader would
    store; when there is none, the `nearest` passages most like it."""
    positions = source.occurrences(excerpt)
    if not positions:
        return Found(source.id, False, nearest_passages(source, excerpt, nearest), 0)
    several = len(positions) > 1
    needle = " ".join(excerpt.split())
    passages = [Passage(*source.span(excerpt, at), 1.0, needle, number if several else None)
                for number, at in enumerate(positions[:MAX_OCCURRENCES], start=1)]
    return Found(source.id, True, passages, len(positions))


def nearest_passages(source: SourceText, excerpt: str, count: int = NEAREST) -> list[Passage]:
    """The `count` passages of the source most like the excerpt (white space folded),
    best first, none overlapping another; [] for an empty excerpt or text."""
    needle = " ".join(excerpt.split())
    folded = source.folded
    # a passage starts after white space, an opening bracket or quote (`(EDP)`) or a
    # sentence's punctuation (texts saved from the web join paragraphs: `Umudov.In July`),
    # and ends before white space or after a word's last letter (`sentence` of `sentence.`)
    starts = [m.start() for m in re.finditer(r"(?<!\S)\S|(?<=[(\[\"“‘«.,;:!?])\w", folded)]
    if not needle or not starts or count < 1:
        return []
    ends = [m.end() for m in re.finditer(r"\S(?!\S)|\w(?=[^\w\s])", folded)]
    score = _Scorer(folded, needle)
    scored = sorted(((score(start, start + len(needle)), start)
                     for start in _screened(folded, needle, starts, count)),
                    key=lambda pair: (-pair[0], pair[1]))
    kept: list[tuple[float, int, int]] = []
    for _, start in scored:
        if len(kept) == count:
            break
        if _apart(kept, start, start + len(needle)):
            ratio, start, end = _best_end(score, start, len(needle), ends)
            if _apart(kept, start, end):
                kept.append((ratio, start, end))
    kept.sort(key=lambda found: (-found[0], found[1]))
    return [_passage(source, folded[start:end], start, ratio) for ratio, start, end in kept]


def _screened(folded: str, needle: str, starts: list[int], count: int) -> list[int]:
    """The starts worth a full score: the SCREENED best by quick_ratio, and, so that
    `count` passages apart from each other can be found, the best of those apart from
    them."""
    ranked = sorted(zip(_quick_ratios(folded, needle, starts), starts, strict=True),
                    key=lambda pair: (-pair[0], pair[1]))
    chosen = [start for _, start in ranked[:SCREENED]]
    spans = [(0.0, start, start + len(needle)) for start in chosen]
    for _, start in ranked[SCREENED:]:
        if len(chosen) >= SCREENED + count:
            break
        if _apart(spans, start, start + len(needle)):
            chosen.append(start)
            spans.append((0.0, start, start + len(needle)))
    return chosen


def _apart(kept: list[tuple[float, int, int]], start: int, end: int) -> bool:
    """Whether the passage from start to end overlaps none of those kept."""
    return all(end <= s or start >= e for _, s, e in kept)


class _Scorer:
    """SequenceMatcher's ratio of the excerpt and a passage of the folded text: of their
    characters, or, for an excerpt longer than BY_WORDS characters, of their words (the
    ratio of characters costs the square of the length when the two differ)."""

    def __init__(self, folded: str, needle: str) -> None:
        self.folded = folded
        self.by_words = len(needle) > BY_WORDS
        self.matcher: difflib.SequenceMatcher[Any] = difflib.SequenceMatcher(None,
                                                                             autojunk=False)
        self.matcher.set_seq2(needle.split(" ") if self.by_words else needle)

    def __call__(self, start: int, end: int) -> float:
        passage = self.folded[start:end]
        self.matcher.set_seq1(passage.split(" ") if self.by_words else passage)
        return self.matcher.ratio()


def _quick_ratios(folded: str, needle: str, starts: list[int]) -> list[float]:
    """quick_ratio of the excerpt and the window of its length at each start: the share
    of characters (as a multiset) the two have in common, updated as the window slides."""
    need: dict[str, int] = {}
    for ch in needle:
        need[ch] = need.get(ch, 0) + 1
    have: dict[str, int] = {}
    common = low = high = 0
    length, size = len(needle), len(folded)
    ratios = []
    for start in starts:
        end = min(start + length, size)
        for ch in folded[high:end]:
            held = have.get(ch, 0) + 1
            have[ch] = held
            if held <= need.get(ch, 0):
                common += 1
        for ch in folded[low:start]:
            held = have[ch]
            if held <= need.get(ch, 0):
                common -= 1
            have[ch] = held - 1
        low, high = start, max(high, end)
        ratios.append(2 * common / (end - start + length))
    return ratios


def _best_end(score: _Scorer, start: int, length: int, ends: list[int],
              ) -> tuple[float, int, int]:
    """(ratio, start, end) of the passage at `start` whose end, a word's end near the
    excerpt's length, makes it most like the excerpt (ties: the end nearest that length)."""
    import bisect

    target = start + length
    at = bisect.bisect_left(ends, target)
    candidates = {e for e in ends[max(0, at - REFINED):at + REFINED] if e > start}
    best = (-1.0, 0, 0)
    for end in sorted(candidates, key=lambda e: (abs(e - target), e)):
        ratio = score(start, end)
        if ratio > best[0]:
            best = (ratio, start, end)
    return best


def _passage(source: SourceText, text: str, position: int, ratio: float) -> Passage:
    """A passage found at `position` of the folded text, with its original offsets and
    the occurrence a record quoting it would need."""
    positions = source.occurrences(text)
    occurrence = positions.index(position) + 1 if (
        len(positions) > 1 and position in positions) else None
    # cut, not rounded, to 2 decimals: only the excerpt itself scores 1
    return Passage(*source.span(text, position), math.floor(ratio * 100) / 100, text,
                   occurrence)


# --- the texts ----------------------------------------------------------------------------


def text_of_file(path: Path) -> SourceText:
    """A text file as a source (for an excerpt before its source is loaded): UTF-8
    without NUL, as the loader requires."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{str(path)!r} cannot be read: {exc.strerror or exc}") from None
    try:
        text = decode_text(raw)
    except Invalid as exc:
        raise UserError(f"{str(path)!r} {exc}") from None
    return SourceText(path.name, 0, text)


def text_of_source(session: Session, source_id: str) -> SourceText:
    """A loaded source's text, as the database holds it (`health.source_text`)."""
    from sqlalchemy import select

    from incidentdb.health import source_text
    from incidentdb.models import Source

    source = session.get(Source, source_id)
    if source is None:
        known = list(session.scalars(select(Source.id).order_by(Source.id)))
        hint = nearest_id(source_id, known)
        listed = ", ".join(known[:10]) + (", …" if len(known) > 10 else "")
        raise UserError(f"no source {source_id!r} in the database, and no file of that name"
                        + (f"; did you mean {hint!r}?" if hint else "")
                        + (f" (sources: {listed})" if known else " (it holds no source)"))
    text, finding = source_text(source)
    if text is None:
        raise UserError(finding or f"source {source_id!r} has no text")
    return SourceText(source.id, source.events_year, text)


# --- ids ----------------------------------------------------------------------------------


def nearest_id(wanted: str, ids: Iterable[str]) -> str | None:
    """The id most like `wanted` (difflib), if one is alike enough to be a typo of it;
    never `wanted` itself (a record a prune removes is still in the database)."""
    found = difflib.get_close_matches(wanted, [i for i in ids if i != wanted], n=1,
                                      cutoff=SUGGESTION_CUTOFF)
    return found[0] if found else None


class IdHints:
    """"; did you mean 'x'?" for ids that name no record, from the ids the database holds
    (in a load: with the load's rows written). Each table's ids are read once, and only
    when a hint is asked of it; a table of more than HINTED_IDS ids, and hints past
    HINTS a load, get none (each is a scan of the ids)."""

    HINTED_IDS = 200_000
    HINTS = 200

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._ids: dict[str, list[str]] = {}
        self._hints: dict[tuple[tuple[str, ...], str], str] = {}

    def hint(self, tables: Iterable[str], wanted: str) -> str:
        """The hint for `wanted`, an id of a record of one of `tables`; "" if none."""
        key = (tuple(tables), wanted)
        if key not in self._hints:
            if len(self._hints) >= self.HINTS:
                return ""
            ids = [i for table in key[0] for i in self._of(table)]
            found = nearest_id(wanted, ids)
            self._hints[key] = f"; did you mean {found!r}?" if found else ""
        return self._hints[key]

    def _of(self, table: str) -> list[str]:
        if table not in self._ids:
            from sqlalchemy import select

            from incidentdb.models import declaration

            column = declaration(table).table.c.id
            ids = list(self.conn.scalars(select(column).limit(self.HINTED_IDS + 1)))
            self._ids[table] = ids if len(ids) <= self.HINTED_IDS else []
        return self._ids[table]


# --- a source's record --------------------------------------------------------------------


def check_source_field(name: str, value: Any, shown: str | None = None) -> Any:
    """A value of a source's field, checked as the loader checks it (the id a slug, the
    date YYYY-MM-DD...); `Invalid` names the field as `shown`."""
    return check_value(value, SECTIONS["sources"].fields[name], shown or name, 0)


def source_record(text_file: Path, out: Path | None, *, source_id: str, title: str,
                  publisher: str, published: str | date, events_year: int,
                  url: str | None = None, licence: str | None = None) -> str:
    """The YAML of a source's record for `text_file`, to be written at `out` (`text:` is
    the path relative to out's folder; None: as if beside the text), with the sha256 of
    its bytes. The text must be UTF-8 without NUL; every field is checked as the loader
    checks it, before anything is written. Raises UserError."""
    import yaml

    try:
        raw = text_file.read_bytes()
        decode_text(raw)
    except OSError as exc:
        raise UserError(f"{str(text_file)!r} cannot be read: {exc.strerror or exc}") from None
    except Invalid as exc:
        raise UserError(f"{str(text_file)!r} {exc}") from None
    folder = (out.parent if out is not None else text_file.parent).resolve()
    record: dict[str, Any] = {
        "id": source_id, "title": title, "publisher": publisher, "published": published,
        "events_year": events_year, "url": url,
        "text": Path(os.path.relpath(text_file.resolve(), folder)).as_posix(),
        "sha256": hashlib.sha256(raw).hexdigest(), "licence": licence}
    record = {name: value for name, value in record.items() if value is not None}
    for name, value in record.items():
        try:
            record[name] = check_source_field(name, value)
        except Invalid as exc:
            raise UserError(str(exc)) from None
    header = (f"# The source {source_id}, written by `incidentdb source add`: sha256 is of "
              f"the bytes of {record['text']}.\n")
    class Dumper(yaml.SafeDumper):
        """Lists indented under their key, as the bundled data writes them."""

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    return header + yaml.dump({"sources": [record]}, Dumper=Dumper, sort_keys=False,
                              allow_unicode=True, width=1_000_000)


def record_path(text_file: Path, source_id: str, out: Path | None) -> Path:
    """Where a source's record goes: `out`, a .yaml or .yml file (the loader reads no
    other), or ID.yaml in `out` if it is a folder, or beside the text if None."""
    if out is None:
        return text_file.parent / f"{source_id}.yaml"
    if out.is_dir():
        return out / f"{source_id}.yaml"
    if out.suffix.lower() not in YAML_SUFFIXES:
        raise UserError(f"{str(out)!r} is not a .yaml or .yml file: the loader would not "
                        "read it")
    return out


def write_source_record(text_file: Path, out: Path | None, *, force: bool = False,
                        **fields: Any) -> Path:
    """Write a source's record (`source_record`) to `record_path`; an existing file is
    replaced only with `force`. Returns where it was written."""
    path = record_path(text_file, fields["source_id"], out)
    text = source_record(text_file, path, **fields)
    try:
        with open(path, "w" if force else "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UserError(f"{str(path)!r} exists: --force replaces it") from None
    except OSError as exc:
        raise UserError(f"{str(path)!r} cannot be written: {exc.strerror or exc}") from None
    return path
