"""Synthetic data in the loader's own format, deterministic from a seed, at any scale.

    python bench/generate.py --scale 10000 --out bench/.data/scale-10000

Writes what a bulk user would bring: the source (YAML metadata and its text) and
one JSON Lines file per section, streamed line by line so any scale fits in
constant memory. Proportions follow the curated chapter: about one person per
ten events, one case per eight, one or two charges per case, sentences with
replacements (appeals, substitutions, pardons), participants on every event,
counts on some, and partial dates of every precision.

What the later issues added is there too:

- chronology: one event in 20 is dated and follows or precedes (`after`/`before`,
  whichever its dates allow) the event drawn just before it, about the same person;
  one in 20 has no date, only a relation (after a charge or sentence of its case, or
  between a sentence and the appeal that replaced it; `during` the event before it)
  or the date of reports about it (`reported`); one membership in 20 gives
  `reported` instead of `date`. Every relation agrees with the dates, so the loader
  derives bounds and refuses nothing.
- a second source (FURTHER_ID, its own text and record) with an `evidence` record
  for one event in 50: it supports the event or its subject, dates it more tightly
  (a day inside its own date), or disputes its kind; each quotes its own sentence of
  that source's text.
- coverage: `omissions` for each text's notice and for every sentence of the
  register no record happened to quote, so `incidentdb check --coverage` passes.

The new choices draw no random numbers (they follow from the record's number and
the values already drawn), so the random sequence, and every value not named above,
is what it was before they were added; the register's text now opens with a notice,
and both sources give the date they were published.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any, TextIO

from incidentdb.dates import partial_date

FIRST = ("Tofig Ilham Fuad Mammad Bakhtiyar Asif Ayaz Mehdi Mahammad Lachin Alizamin Saleh "
         "Agil Pasha Elchin Ibrahim Polad Mehman Yunis Niyameddin Said Anar Rashad Emin Orkhan "
         "Shahla Irada Khadija Leyla Gunel Aynur Nigar Sevinj Lala Arzu Ulviyya Zhala Samira "
         "Aygun Narmin").split()
MIDDLE = ("Ali Hasan Huseyn Rza Kamal Akif Vagif Rafig Zakir Namig Elshan Tahir Farid Ramil "
          "Sabir Tural Vusal Javid Ruslan Eldar Azer Nazim Ilgar Gabil Rauf Ogtay Zaur Kenan "
          "Murad Samir Anar Fikret Tofig Arif Yashar Alakbar Jeyhun Rovshan Togrul Nijat").split()
LAST = ("Yagublu Ahmedov Gahramanli Ibrahimov Imanov Yusifli Maharramli Imanli Valiyev "
        "Salayev Rustamov Maharramov Umudov Humbatova Javadova Hasanzade Salamov Aslanov "
        "Ismayilova Huseynov Safarov Aliyev Mammadov Guliyev Hasanov Huseynli Abbasov "
        "Babayev Jafarov Karimov Mustafayev Najafov Orujov Gasimov Rahimov Sadigov Taghiyev "
        "Zeynalov Bagirov Mirzayev Nasirov Shirinov Suleymanov Alakbarov "
        "Azizov Ismayilov Kazimov Musayev Novruzov Pashayev Rzayev Tagizade Yusifov Zakirov "
        "Efendiyev Ganbarov Heydarov Khalilov").split()
OFFENCES = ("hooliganism incitement financing-terrorism trafficking-banned-items "
            "public-order-violation spreading-covid-19 drugs defamation high-treason terrorism "
            "espionage illegal-border-crossing weapons-possession torture attempted-murder "
            "desecration vandalism fraud tax-evasion smuggling illegal-entrepreneurship "
            "abuse-of-office embezzlement forgery resisting-police calls-against-state "
            "illegal-assembly disobedience-to-police espionage-abroad mass-disorder").split()
ORG_KINDS = ("court", "prosecutor", "police", "political-party", "ngo", "media", "government")
OCCUPATIONS = ("activist", "blogger", "journalist", "lawyer", "politician", "party-member")
EVENT_KINDS = ("arrest", "detention", "charge", "trial", "conviction", "sentencing", "appeal",
               "sentence-change", "pardon", "release", "statement", "report", "ill-treatment")
ROLES = ("subject", "victim", "defendant", "court", "prosecutor", "authority", "speaker")
MONTHS = ("January February March April May June July August September October November "
          "December").split()
SOURCE_ID = "synthetic-register"
FURTHER_ID = "synthetic-observers"  # the second source: evidence about the register's records
PUBLISHED = {SOURCE_ID: "2022-01-13", FURTHER_ID: "2022-06-01"}  # after every date drawn
NOTICE = {  # each text's first sentence, which no record quotes (an omission says why)
    SOURCE_ID: "This register is synthetic: its names, cases and dates were generated for "
               "the incidentdb benchmark.",
    FURTHER_ID: "These notes are synthetic: observers invented for the incidentdb benchmark "
                "comment on the register.",
}
COMPLETE = "complete.json"  # written last: a folder without it was interrupted
VERSION = 2  # of the data set's shape, in COMPLETE: 2 added chronology, evidence, omissions
SENTENCES = 4000  # distinct sentences in the source text; excerpts are drawn from them
RELATED = 20  # one event in RELATED relates to the one before it, one has no date
EVIDENCED = 50  # one event in EVIDENCED has a further source's evidence
Record = dict[str, Any]  # one line of a JSON Lines file


# Every word folds to a key of its own (incidentdb.names.fold merges Valiyev and Veliyev),
# so every generated full name is found exactly.
def person_name(i: int) -> str:
    first, rest = FIRST[i % len(FIRST)], i // len(FIRST)
    middle, rest = MIDDLE[rest % len(MIDDLE)], rest // len(MIDDLE)
    last, rest = LAST[rest % len(LAST)], rest // len(LAST)
    suffix = f" {rest + 1}" if rest else ""
    return f"{first} {middle} {last}{suffix}"


def spread(key: str, n: int) -> int:
    """A number below n that looks random but is fixed by the key: who is charged with
    what must not follow the order of names, as it does in no real register."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") % n


def source_sentences() -> Iterator[str]:
    rng = random.Random(1)
    for i in range(SENTENCES):
        who = person_name(rng.randrange(100_000))
        offence = rng.choice(OFFENCES).replace("-", " ")
        yield (f"In {rng.choice(MONTHS)} {2000 + i % 22}, a court in district {i} sentenced "
               f"{who} on {offence} charges, case number {i}.")


def random_date(rng: random.Random, since: int = 2000, until: int = 2021) -> Record | str:
    """A date phrase (or {text, edtf}) of a year from since to until."""
    year = rng.randrange(since, until + 1)
    month = rng.randrange(1, 13)
    pick = rng.random()
    if pick < 0.30:
        return f"On {MONTHS[month - 1]} {rng.randrange(1, 29)}, {year}"
    if pick < 0.60:
        return f"In {MONTHS[month - 1]} {year}"
    if pick < 0.70:
        return f"in early {year}"
    if pick < 0.85:
        return f"In {year}"
    if pick < 0.92:
        return f"Throughout {year}"
    if pick < 0.97:
        return f"In {MONTHS[month - 1]} and {MONTHS[min(month, 11)]} {year}"
    return {"text": "in previous years", "edtf": f"../{year}"}


def bounds(when: Record | str) -> tuple[date | None, date | None]:
    """The first and last day a date of `random_date` may mean (None: open), as the
    loader reads it."""
    text, edtf = (when["text"], when["edtf"]) if isinstance(when, dict) else (when, None)
    found = partial_date(text, 2021, edtf)
    return found.start, found.end


def order(earlier: Record | str, later: Record | str) -> str:
    """The relation a record dated `later` can state to one dated `earlier` without
    contradicting either date: `after` it when `earlier` may begin by the end of
    `later`, else `before` it (then `later` ends before `earlier` begins)."""
    start, end = bounds(earlier)[0], bounds(later)[1]
    return "after" if start is None or end is None or start <= end else "before"


def day_phrase(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def write_jsonl(out: Path, records: Iterable[Record]) -> dict[str, int]:
    """Each record as a line of out/<its table>.jsonl, streamed; the lines per table."""
    counts: dict[str, int] = {}
    with ExitStack() as files:
        opened: dict[str, TextIO] = {}
        for record in records:
            table = record["table"]
            if table not in opened:
                opened[table] = files.enter_context(
                    (out / f"{table}.jsonl").open("w", encoding="utf-8"))
                counts[table] = 0
            opened[table].write(json.dumps(record, ensure_ascii=False) + "\n")
            counts[table] += 1
    return counts


def write_source_record(out: Path, source_id: str, title: str, digest: str) -> None:
    """A source's YAML record under out/sources, beside its text."""
    (out / "sources" / f"{source_id}.yaml").write_text(
        "sources:\n"
        f"  - id: {source_id}\n"
        f"    title: {title}\n"
        "    publisher: incidentdb bench\n"
        f"    published: {PUBLISHED[source_id]}\n"
        "    events_year: 2021\n"
        f"    text: {source_id}.txt\n"
        f"    sha256: {digest}\n", encoding="utf-8")


def write_source(out: Path) -> list[str]:
    """The register's text (its notice, then its sentences) and its YAML record under
    out/sources; the sentences, which the records' excerpts quote."""
    (out / "sources").mkdir(exist_ok=True)
    sentences = list(source_sentences())
    text = " ".join([NOTICE[SOURCE_ID], *sentences]).encode("utf-8")
    (out / "sources" / f"{SOURCE_ID}.txt").write_bytes(text)
    write_source_record(out, SOURCE_ID, "Synthetic register of political prosecutions "
                        "(benchmark data)", hashlib.sha256(text).hexdigest())
    return sentences


def write_further_source(out: Path) -> None:
    """The second source's text (its notice, then the sentence each evidence record
    quotes, read back from evidence.jsonl line by line) and its YAML record."""
    digest = hashlib.sha256()
    evidence = out / "evidence.jsonl"
    with ExitStack() as files:
        text = files.enter_context((out / "sources" / f"{FURTHER_ID}.txt").open("wb"))
        lines = files.enter_context(evidence.open(encoding="utf-8")) if evidence.exists() else []
        for sentence in chain([NOTICE[FURTHER_ID]], (json.loads(line)["excerpt"]
                                                     for line in lines)):
            piece = f"{sentence}\n".encode()
            text.write(piece)
            digest.update(piece)
    write_source_record(out, FURTHER_ID, "Synthetic observers' notes on the register "
                        "(benchmark data)", digest.hexdigest())


def same_subject(record: Record, other: Record) -> None:
    """The event's subject becomes the other event's: a relation between two events
    about the same person."""
    record["participants"][0]["person"] = other["participants"][0]["person"]


class Synthetic:
    """The records of every section at one scale, from one random sequence: the sections
    must be drawn in the order of `sections()`, each to its end, for the same output."""

    def __init__(self, scale: int, sentences: list[str], rng: random.Random) -> None:
        self.scale = scale
        self.sentences = sentences  # of the source text: the excerpts
        self.quoted: set[int] = set()  # the sentences an excerpt drew (at most SENTENCES)
        self.rng = rng
        self.n_people = max(20, scale // 10)
        self.n_orgs = max(10, scale // 200)
        self.n_cases = max(5, scale // 8)

    def sections(self) -> tuple[tuple[str, Callable[[], Iterator[Record]]], ...]:
        """Each section's name and its records, in the order they are drawn and written
        (events come with the evidence about them; omissions last, when every excerpt
        is drawn)."""
        return (("offences", self.offences), ("organizations", self.organizations),
                ("people", self.people), ("memberships", self.memberships),
                ("cases", self.cases), ("charges", self.charges),
                ("sentences", self.sentence_records), ("events", self.events),
                ("omissions", self.omissions))

    def records(self) -> Iterator[Record]:
        return chain.from_iterable(records() for _, records in self.sections())

    def defendant(self, case: int) -> int:
        return spread(f"defendant-{case}", self.n_people)

    @staticmethod
    def sentenced(case: int) -> bool:
        """Nine cases in ten have a sentence..."""
        return case % 10 != 9

    @staticmethod
    def appealed(case: int) -> bool:
        """...and one in five of them (those) was replaced on appeal (`-b`)."""
        return case % 5 == 0

    def excerpt(self) -> str:
        number = self.rng.randrange(SENTENCES)
        self.quoted.add(number)
        return self.sentences[number]

    def base(self, table: str, rid: str) -> Record:
        return {"table": table, "source": SOURCE_ID, "id": rid, "excerpt": self.excerpt()}

    def offences(self) -> Iterator[Record]:
        for o in OFFENCES:
            yield {**self.base("offences", o), "name": o.replace("-", " ").capitalize()}

    def organizations(self) -> Iterator[Record]:
        for i in range(self.n_orgs):
            yield {**self.base("organizations", f"org-{i}"), "name": f"Organization {i}",
                   "short_name": f"O{i}", "kind": ORG_KINDS[i % len(ORG_KINDS)],
                   **({"parent": f"org-{i % 10}"} if i >= 10 else {})}

    def people(self) -> Iterator[Record]:
        for i in range(self.n_people):
            yield {**self.base("people", f"person-{i}"), "name": person_name(i),
                   "aliases": [person_name(i).split()[2]] if i % 3 == 0 else [],
                   "occupations": [OCCUPATIONS[i % len(OCCUPATIONS)]],
                   "description": f"Synthetic person {i}"}

    def memberships(self) -> Iterator[Record]:
        """Members of every other person; one membership in RELATED is attested only by
        the date of reports about it."""
        for i in range(0, self.n_people, 2):
            record = {**self.base("memberships", f"membership-{i}"), "person": f"person-{i}",
                      "organization": f"org-{i % self.n_orgs}", "role": "member",
                      "date": random_date(self.rng)}
            if (i // 2) % RELATED == RELATED // 2:
                record["reported"] = record.pop("date")
            yield record

    def cases(self) -> Iterator[Record]:
        for i in range(self.n_cases):
            yield {**self.base("cases", f"case-{i}"), "title": f"Prosecution {i}",
                   "status": ("pretrial", "sentenced", "released", "pardoned")[i % 4],
                   "defendants": [f"person-{self.defendant(i)}"]}

    def charges(self) -> Iterator[Record]:
        for i in range(self.n_cases):
            for k in range(1 + i % 2):
                offence = OFFENCES[spread(f"offence-{i}-{k}", len(OFFENCES))]
                yield {**self.base("charges", f"charge-{i}-{k}"), "case": f"case-{i}",
                       "person": f"person-{self.defendant(i)}", "offence": offence,
                       "wording": f"bogus {offence.replace('-', ' ')} charges",
                       "characterisation": "bogus", "date": random_date(self.rng),
                       "outcome": "convicted"}

    def sentence_records(self) -> Iterator[Record]:
        """A sentence for nine cases in ten; one in five replaced on appeal by another."""
        for i in range(self.n_cases):
            if not self.sentenced(i):
                continue
            # an appeal comes after the sentence it replaces: a later year (the loader
            # refuses a replacement dated before what it replaced)
            year = self.rng.randrange(2000, 2021)
            first = {**self.base("sentences", f"sentence-{i}"), "case": f"case-{i}",
                     "person": f"person-{self.defendant(i)}", "kind": "imprisonment",
                     "term_months": 12 + i % 120, "date": random_date(self.rng, year, year),
                     "court": f"org-{i % self.n_orgs}", "status": "serving"}
            if self.appealed(i):
                first["status"] = "replaced"
                yield first
                yield {**self.base("sentences", f"sentence-{i}-b"), "case": f"case-{i}",
                       "person": first["person"], "kind": "suspended",
                       "term_months": {"min": 12, "max": 36},
                       "date": random_date(self.rng, year + 1),
                       "replaces": f"sentence-{i}", "change": "appeal", "status": "serving"}
            else:
                yield first

    def events(self) -> Iterator[Record]:
        """The events, each followed by the further source's evidence about it, if any."""
        rng = self.rng
        previous: Record = {}
        for i in range(self.scale):
            record = {**self.base("events", f"event-{i}"),
                      "kind": EVENT_KINDS[i % len(EVENT_KINDS)],
                      "title": f"Event {i}", "date": random_date(rng),
                      "participants": [{"person": f"person-{rng.randrange(self.n_people)}",
                                        "role": "subject"},
                                       {"organization": f"org-{rng.randrange(self.n_orgs)}",
                                        "role": ROLES[i % len(ROLES)]}]}
            if i % 3 == 0:
                record["case"] = f"case-{i % self.n_cases}"
            if i % 10 == 0:
                record["counts"] = [{"measure": "detained", "subject": "protesters",
                                     "value": 5 + i % 50, "qualifier": "at-least",
                                     "excerpt": self.excerpt()}]
            self.relate(i, record, previous)
            yield record
            # EVIDENCED // 2: an event of RELATED step 5 or 15, which relates to no
            # record and none to it, so that a tighter date contradicts no relation
            if i % EVIDENCED == EVIDENCED // 2:
                yield self.evidence(i, record)
            previous = record

    def relate(self, i: int, record: Record, previous: Record) -> None:
        """At step 1 of every RELATED events, the event follows or precedes the one
        before it (about the same person), as their dates allow; at step RELATED // 2
        it has no date (`undated`)."""
        step = i % RELATED
        if step == 1:
            same_subject(record, previous)
            record[order(previous["date"], record["date"])] = previous["id"]
        elif step == RELATED // 2:
            self.undated(i, record, previous)

    def undated(self, i: int, record: Record, previous: Record) -> None:
        """The event without its date: placed by the records of its case; else, by
        turns, within the event before it or by the date of reports about it."""
        when = record.pop("date")
        if "case" in record:
            record.update(self.in_case(i % self.n_cases, record["excerpt"]))
        elif (i // RELATED) % 2:
            same_subject(record, previous)
            record["during"] = previous["id"]
        else:
            record["reported"] = when

    def in_case(self, case: int, excerpt: str) -> Record:
        """Where an undated event of a case stands: between its sentence and the appeal
        that replaced it, after its sentence, or after its first charge (written in
        each form a relation takes: an id, kind:id, a list, a mapping with an excerpt)."""
        if self.appealed(case):
            return {"after": f"sentence:sentence-{case}",
                    "before": [{"id": f"sentence-{case}-b", "excerpt": excerpt}]}
        if self.sentenced(case):
            return {"after": f"sentence-{case}"}
        return {"after": [f"charge:charge-{case}-0"]}

    def evidence(self, i: int, record: Record) -> Record:
        """What the further source says of event i, by turns: it supports the event,
        dates it (a day inside its own date), disputes its kind, supports its subject.
        Its excerpt is a sentence of its own (`write_further_source` writes the text)."""
        title, kind = record["title"], record["kind"]
        about = {"table": "evidence", "source": FURTHER_ID, "id": f"observers-{i}",
                 "record": record["id"], "stance": "supports"}
        turn = (i // EVIDENCED) % 4
        if turn == 0:
            return {**about, "excerpt": f"Observers confirm {title} ({kind})."}
        if turn == 1:
            start, end = bounds(record["date"])
            day = day_phrase(start or end)  # a date is never open at both ends
            return {**about, "record": f"event:{record['id']}", "stance": "dates",
                    "date": f"On {day}", "excerpt": f"Observers date {title} to {day}."}
        if turn == 2:
            other = EVENT_KINDS[(EVENT_KINDS.index(kind) + 1) % len(EVENT_KINDS)]
            return {**about, "stance": "disputes", "disputes": "kind", "claim": other,
                    "excerpt": f"Observers class {title} as {other}, not {kind}."}
        person = record["participants"][0]["person"]
        name = person_name(int(person.removeprefix("person-")))
        return {**about, "record": person, "excerpt": f"Observers name {name} in {title}."}

    def omissions(self) -> Iterator[Record]:
        """Each text's notice, and every sentence of the register that no excerpt drew
        (drawn last, when every excerpt is)."""
        for source, notice in NOTICE.items():
            yield {"table": "omissions", "source": source, "id": f"{source}-notice",
                   "reason": "the notice that the data is synthetic, not a fact",
                   "excerpt": notice}
        for number in range(SENTENCES):
            if number not in self.quoted:
                yield {"table": "omissions", "source": SOURCE_ID, "id": f"unquoted-{number}",
                       "reason": "no synthetic record drew it", "excerpt": self.sentences[number]}


def is_complete(out: Path) -> bool:
    """Whether out holds a whole data set of this generator's VERSION."""
    try:
        return json.loads((out / COMPLETE).read_text(encoding="utf-8")).get("version") == VERSION
    except (OSError, ValueError, AttributeError):
        return False


def generate(scale: int, out: Path, seed: int = 42) -> dict[str, int]:
    """Writes the data set into out (the sources, a JSON Lines file per section, then
    COMPLETE); the number of records of each section."""
    out.mkdir(parents=True, exist_ok=True)
    data = Synthetic(scale, write_source(out), random.Random(seed))
    counts = write_jsonl(out, data.records())
    write_further_source(out)
    (out / COMPLETE).write_text(json.dumps({"version": VERSION, "seed": seed, **counts}) + "\n",
                                encoding="utf-8")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10_000, help="number of events")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    counts = generate(args.scale, args.out, args.seed)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
