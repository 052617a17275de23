"""The README's performance tables, from bench/results/*.json (Markdown on stdout).

    python bench/table.py            # after bench/run.py has written its results

One table for loads, one for queries (with each query's 1M time over its 10k time,
the issue's "at most 3 times"), one for start-up; a figure over its target is bold.
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
SCALES = {10_000: "10k", 100_000: "100k", 1_000_000: "1M"}
DATABASES = {"sqlite": "SQLite", "postgresql+psycopg": "PostgreSQL"}
QUERIES = {"person": "person", "people_charge": "people --charge",
           "people_offence": "people --offence", "cases_charge": "cases --charge",
           "events_month": "events --month", "sentences_year": "sentences --year",
           "search": "search", "web_person": "web person page"}
STARTS = {"help": "--help", "person_table": "person (table)", "person": "person (json)",
          "events_month": "events --month"}
QUERY_TARGET_MS, GROWTH_TARGET, START_TARGET = 10.0, 3.0, 1.3


def results() -> dict[tuple[str, int], dict]:
    found = {}
    for path in sorted(RESULTS.glob("*.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        found[(result["database"], result["scale"])] = result
    return found


def ordered(found: dict) -> list[tuple[tuple[str, int], dict]]:
    """SQLite first, then PostgreSQL; smaller scales first."""
    return sorted(found.items(), key=lambda i: (list(DATABASES).index(i[0][0]), i[0][1]))


def over(value: float, target: float, text: str) -> str:
    return f"**{text}**" if value > target else text


def load_table(found: dict) -> list[str]:
    lines = ["| events | database | rows | seconds | rows/s | floor rows/s | ratio | peak |",
             "|---|---|---|---|---|---|---|---|"]
    for (database, scale), r in ordered(found):
        load = r["load"]
        target = 1.0 if database == "sqlite" else 0.5
        lines.append(f"| {SCALES[scale]} | {DATABASES[database]} | {load['rows']:,} | "
                     f"{load['seconds']:.1f} | {load['rows_per_s']:,} | "
                     f"{load['floor_rows_per_s']:,} | "
                     f"{over(-load['ratio'], -target, format(load['ratio'], '.2f'))} | "
                     f"{load['peak_rss_mib']:.0f} MiB |")
    return lines


def query_table(found: dict) -> list[str]:
    lines = ["| events | database | " + " | ".join(QUERIES.values()) + " |",
             "|---|---|" + "---|" * len(QUERIES)]
    for (database, scale), r in ordered(found):
        q = r["queries_ms"]
        lines.append(f"| {SCALES[scale]} | {DATABASES[database]} | " + " | ".join(
            over(q[k], QUERY_TARGET_MS, f"{q[k]:.1f}") for k in QUERIES) + " |")
        small = found.get((database, 10_000))
        if scale == 1_000_000 and small:
            growth = {k: q[k] / small["queries_ms"][k] for k in QUERIES}
            lines.append(f"| 1M / 10k | {DATABASES[database]} | " + " | ".join(
                over(growth[k], GROWTH_TARGET, f"{growth[k]:.1f}x") for k in QUERIES) + " |")
    return lines


def start_table(found: dict) -> list[str]:
    lines = ["| events | database | import floor | " + " | ".join(STARTS.values()) + " |",
             "|---|---|---|" + "---|" * len(STARTS)]
    for (database, scale), r in ordered(found):
        c = r["cold_start"]
        lines.append(f"| {SCALES[scale]} | {DATABASES[database]} | "
                     f"{c['import_floor_ms']:.0f} ms | " + " | ".join(
                         over(c[f"{k}_ratio"], START_TARGET,
                              f"{c[f'{k}_ms']:.0f} ms ({c[f'{k}_ratio']:.2f}x)")
                         for k in STARTS) + " |")
    return lines


def main() -> None:
    found = results()
    for title, table in (("Load", load_table), ("Queries (median ms)", query_table),
                         ("Start-up", start_table)):
        print(f"{title}:\n")
        print("\n".join(table(found)))
        print()


if __name__ == "__main__":
    main()
