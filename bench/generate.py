"""Synthetic data in the loader's own format, deterministic from a seed, at any scale.

    python bench/generate.py --scale 10000 --out bench/.data/scale-10000

Writes what a bulk user would bring: the source (YAML metadata and its text) and
one JSON Lines file per section, streamed line by line so any scale fits in
constant memory. Proportions follow the curated chapter: about one person per
ten events, one case per eight, one or two charges per case, sentences with
replacements (appeals, substitutions, pardons), participants on every event,
counts on some, and partial dates of every precision.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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
COMPLETE = "complete.json"  # written last: a folder without it was interrupted
SENTENCES = 4000  # distinct sentences in the source text; excerpts are drawn from them
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


def write_jsonl(path: Path, records: Iterator[Record]) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def write_source(out: Path) -> list[str]:
    """The source's text and its YAML metadata under out/sources; the text's sentences,
    which the records' excerpts quote."""
    (out / "sources").mkdir(exist_ok=True)
    sentences = list(source_sentences())
    text = " ".join(sentences).encode("utf-8")
    (out / "sources" / f"{SOURCE_ID}.txt").write_bytes(text)
    (out / "sources" / f"{SOURCE_ID}.yaml").write_text(
        "sources:\n"
        f"  - id: {SOURCE_ID}\n"
        "    title: Synthetic register of political prosecutions (benchmark data)\n"
        "    publisher: incidentdb bench\n"
        "    events_year: 2021\n"
        f"    text: {SOURCE_ID}.txt\n"
        f"    sha256: {hashlib.sha256(text).hexdigest()}\n", encoding="utf-8")
    return sentences


class Synthetic:
    """The records of every section at one scale, from one random sequence: the sections
    must be drawn in the order of `sections()`, each to its end, for the same output."""

    def __init__(self, scale: int, sentences: list[str], rng: random.Random) -> None:
        self.scale = scale
        self.sentences = sentences  # of the source text: the excerpts
        self.rng = rng
        self.n_people = max(20, scale // 10)
        self.n_orgs = max(10, scale // 200)
        self.n_cases = max(5, scale // 8)

    def sections(self) -> tuple[tuple[str, Callable[[], Iterator[Record]]], ...]:
        """Each section's name and its records, in the order they are drawn and written."""
        return (("offences", self.offences), ("organizations", self.organizations),
                ("people", self.people), ("memberships", self.memberships),
                ("cases", self.cases), ("charges", self.charges),
                ("sentences", self.sentence_records), ("events", self.events))

    def defendant(self, case: int) -> int:
        return spread(f"defendant-{case}", self.n_people)

    def excerpt(self) -> str:
        return self.sentences[self.rng.randrange(SENTENCES)]

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
        for i in range(0, self.n_people, 2):
            yield {**self.base("memberships", f"membership-{i}"), "person": f"person-{i}",
                   "organization": f"org-{i % self.n_orgs}", "role": "member",
                   "date": random_date(self.rng)}

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
            if i % 10 == 9:
                continue
            # an appeal comes after the sentence it replaces: a later year (the loader
            # refuses a replacement dated before what it replaced)
            year = self.rng.randrange(2000, 2021)
            first = {**self.base("sentences", f"sentence-{i}"), "case": f"case-{i}",
                     "person": f"person-{self.defendant(i)}", "kind": "imprisonment",
                     "term_months": 12 + i % 120, "date": random_date(self.rng, year, year),
                     "court": f"org-{i % self.n_orgs}", "status": "serving"}
            if i % 5 == 0:
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
        rng = self.rng
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
            yield record


def generate(scale: int, out: Path, seed: int = 42) -> dict[str, int]:
    """Writes the data set into out (the source, a JSON Lines file per section, then
    COMPLETE); the number of records of each section."""
    out.mkdir(parents=True, exist_ok=True)
    data = Synthetic(scale, write_source(out), random.Random(seed))
    counts = {name: write_jsonl(out / f"{name}.jsonl", records())
              for name, records in data.sections()}
    (out / COMPLETE).write_text(json.dumps(counts) + "\n", encoding="utf-8")
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
