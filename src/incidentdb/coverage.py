"""Coverage: which sentences of a source the records' excerpts touch, and which they do not.

A sentence is **covered** when at least one excerpt of a record of that source (any
table with evidence, nested rows included) overlaps it; **omitted** when a curator
marked it as deliberately not captured (an `omissions` record whose excerpt overlaps
it, with the reason); **uncovered** otherwise. Headings are not sentences: they are
listed apart and not counted.

Sentences are split at a full stop, question or exclamation mark (closing quotes and
brackets kept with it) followed by a capital letter or an opening quote, with or
without space: the bundled report's paragraphs run together ("Umudov.In July").
A heading glued to the next sentence ("Freedom of ExpressionIn February") is cut at
the lower-case letter (or closing bracket) followed by a capital and a lower-case
letter; "ECtHR" is not cut (two capitals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from incidentdb.errors import UserError
from incidentdb.models import DECLARATIONS, Omission, Source

END = re.compile(r"[.!?][”’\"')\]]*(?=\s*[A-Z“‘\"(])")
CLOSED = re.compile(r"[.!?][”’\"')\]]*$")  # a sentence's end, not a heading's
GLUE = re.compile(r"(?<=[a-z)])(?=[A-Z][a-z])")
INITIAL = re.compile(r"(?<![^\W\d_])[A-Z]\.$")  # "U." of "U.S.", "J." of "J. Smith"
ABBREVIATIONS = ("Mr.", "Mrs.", "Ms.", "Dr.", "St.", "No.", "U.S.", "U.N.", "e.g.", "i.e.")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    heading: bool = False


@dataclass
class SourceCoverage:
    """One source's sentences by what touches them."""

    source_id: str
    covered: list[Sentence] = field(default_factory=list)
    omitted: list[tuple[Sentence, list[str]]] = field(default_factory=list)  # with reasons
    uncovered: list[Sentence] = field(default_factory=list)
    headings: list[Sentence] = field(default_factory=list)

    @property
    def sentences(self) -> int:
        return len(self.covered) + len(self.omitted) + len(self.uncovered)

    @property
    def share(self) -> float:
        """The covered share of the sentences (0 to 1; 1 for a source without any)."""
        return len(self.covered) / self.sentences if self.sentences else 1.0


def split_sentences(text: str) -> list[Sentence]:
    """The sentences (and headings) of a text, with their offsets, white space trimmed."""
    cuts = {0, len(text)}
    for match in END.finditer(text):
        before = text[:match.start() + 1]
        if not before.endswith(ABBREVIATIONS) and not INITIAL.search(before):
            cuts.add(match.end())
    headings = {match.start() for match in GLUE.finditer(text)}
    cuts |= headings
    out = []
    bounds = sorted(cuts)
    for start, end in zip(bounds, bounds[1:], strict=False):
        piece = text[start:end]
        stripped = piece.strip()
        if not stripped:
            continue
        lead = len(piece) - len(piece.lstrip())
        begin = start + lead
        heading = end in headings and not CLOSED.search(stripped)
        out.append(Sentence(begin, begin + len(stripped), stripped, heading))
    return out


def _spans(session: Session, source_id: str) -> list[tuple[int, int]]:
    """The excerpt spans of every record of the source, omissions apart."""
    spans: list[tuple[int, int]] = []
    for declared in DECLARATIONS:
        if not declared.evidence or declared.model is Omission:
            continue
        t: Any = declared.table
        spans += [(a, b) for a, b in session.execute(
            select(t.c.excerpt_start, t.c.excerpt_end).where(t.c.source_id == source_id))]
    return spans


def _touched(length: int, spans: list[tuple[int, int]]) -> list[int]:
    """Per position, how many spans cover it up to there (a prefix sum of marks), so
    that a range [a, b) is touched when the sums at b and a differ."""
    starts = [0] * (length + 1)  # spans opening minus spans closing, per position
    for a, b in spans:
        a, b = max(0, a), min(length, b)
        if a < b:
            starts[a] += 1
            starts[b] -= 1
    sums = [0] * (length + 1)
    open_spans = 0
    for i in range(length):
        open_spans += starts[i]
        sums[i + 1] = sums[i] + (open_spans > 0)
    return sums


def source_coverage(session: Session, source_id: str) -> SourceCoverage:
    """The coverage of one source (its stored text); UserError if it has none."""
    source = session.get(Source, source_id)
    if source is None:
        known = ", ".join(session.scalars(select(Source.id).order_by(Source.id))) or "none"
        raise UserError(f"no source {source_id!r}; sources: {known}")
    if source.content is None:
        raise UserError(f"source {source_id!r} has no stored text: load it again")
    text = source.content
    covered = _touched(len(text), _spans(session, source_id))
    omissions = [(o.excerpt_start, o.excerpt_end, o.reason) for o in session.scalars(
        select(Omission).where(Omission.source_id == source_id).order_by(Omission.id))]
    out = SourceCoverage(source_id)
    for sentence in split_sentences(text):
        if sentence.heading:
            out.headings.append(sentence)
        elif covered[sentence.end] != covered[sentence.start]:
            out.covered.append(sentence)
        else:
            reasons = [reason for a, b, reason in omissions
                       if a < sentence.end and b > sentence.start]
            if reasons:
                out.omitted.append((sentence, reasons))
            else:
                out.uncovered.append(sentence)
    return out


def coverage(session: Session, source_id: str | None = None) -> list[SourceCoverage]:
    """The coverage of one source, or of every source with a stored text."""
    if source_id is not None:
        return [source_coverage(session, source_id)]
    ids = session.scalars(select(Source.id).where(Source.content.is_not(None))
                          .order_by(Source.id))
    return [source_coverage(session, sid) for sid in ids]
