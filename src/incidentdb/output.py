"""Rendering for the CLI: progress on stderr, tables, CSV, JSON. The only module using Rich."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from incidentdb.spreadsheet import csv_cell

PROGRESS_MIN_ITEMS = 20_000


@contextmanager
def progress_reporter() -> Iterator[Any]:
    """A callback (stage, done, total[, note]) that draws progress on stderr for large work.

    Small inputs finish before a bar is worth drawing, so the bar appears only once a
    stage reports more than PROGRESS_MIN_ITEMS items (bytes or rows); from then on each
    stage has its line, named, with its note ("120,000 records read"), and a stage that
    cannot be measured (total 0: checking, dating, indexing) a pulsing bar, so that the
    end of a large load never looks stalled.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    bar = Progress(TextColumn("{task.description:10}"), BarColumn(),
                   TextColumn("{task.fields[note]}"), TimeElapsedColumn(), console=console,
                   transient=True)
    tasks: dict[str, Any] = {}
    started = False

    def report(stage: str, done: int, total: int, note: str = "") -> None:
        nonlocal started
        if not console.is_terminal or (not started and total < PROGRESS_MIN_ITEMS):
            return
        if not started:
            bar.start()
            started = True
        for other in tasks.values():  # a new stage ends the ones before it
            if tasks.get(stage) != other and not bar.tasks[other].finished:
                bar.update(other, total=bar.tasks[other].total or 1,
                           completed=bar.tasks[other].total or 1)
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total or None, note=note)
        bar.update(tasks[stage], completed=done, total=total or None,
                   note=note or f"{done:,}/{total:,}")

    try:
        yield report
    finally:
        if started:
            bar.stop()


# --- answers -----------------------------------------------------------------------------


def _shown(value: Any) -> Any:
    """A value as a table shows it: its CSV cell as it is stored (`spreadsheet.csv_cell`,
    raw), except that a boolean is "yes" or nothing, which reads better in a table."""
    if isinstance(value, bool):
        return "yes" if value else ""
    return csv_cell(value, raw=True)


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=_json_default)


RAW_NOTE = ("Note: --raw: CSV cells are written as they are, without neutralising "
            "spreadsheet formulas (=, +, -, @).")


def write_machine(rows: list[dict[str, Any]], fmt: str, columns: list[str] | None = None,
                  stream: Any = None, raw: bool = False) -> None:
    """csv, json or ndjson to stdout, without Rich: stable for scripts.

    CSV cells follow the rule of every CSV of incidentdb (`spreadsheet.csv_cell`:
    formula-safe unless raw, which is said once on stderr: a user who opens the file in
    a spreadsheet should know it is not safe).
    """
    import csv
    import json
    import sys

    if raw and fmt == "csv":
        sys.stderr.write(RAW_NOTE + "\n")
    out = stream or sys.stdout
    if fmt == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=2, default=_json_default) + "\n")
    elif fmt == "ndjson":
        for row in rows:
            out.write(dumps(row) + "\n")
    else:
        columns = columns or (list(rows[0]) if rows else [])
        writer = csv.writer(_LineFeedRows(out), lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(row.get(c), raw) for c in columns])


class _LineFeedRows:
    """A stream for csv.writer that ends its rows with "\n" where the writer ended them
    with "\r\n".

    Before Python 3.13, csv.writer quotes a cell holding a carriage return only when the
    line terminator holds one: with "\n" such a cell splits its row, and the text after
    the carriage return starts a new row, where a spreadsheet may run it as a formula.
    The writer writes each row with one call, so the terminator is the end of each write.
    """

    def __init__(self, out: Any) -> None:
        self._write = out.write

    def write(self, line: str) -> Any:
        return self._write(line[:-2] + "\n" if line.endswith("\r\n") else line)


def console() -> Any:
    import os

    from rich.console import Console

    terminal = Console().is_terminal
    width = None if terminal or os.environ.get("COLUMNS") else 160
    return Console(width=width, highlight=False)


ID_COLUMNS = {"id", "evidence", "record_id", "replaces"}


def rich_table(rows: list[dict[str, Any]], columns: list[str], title: str | None = None,
               ) -> Any:
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        # ids are copied into the next command: give them room before prose columns
        ratio = None if column in ID_COLUMNS else 1
        table.add_column(column.replace("_", " "), overflow="fold", ratio=ratio)
    for row in rows:
        table.add_row(*(_escape(_marked(row, c, _shown(
            _date_shown(row) if c == "date" else row.get(c)))) for c in columns))
    return table


# Where a data-file field shows under another column name.
FIELD_COLUMNS = {"term_months": "term", "court": "court", "group": "group"}


def _marked(row: dict[str, Any], column: str, shown: str) -> str:
    """A value as shown, with "(inferred)" when the curator inferred it (`inferred`)."""
    inferred = row.get("inferred") or {}
    if shown and any(FIELD_COLUMNS.get(name, name) == column for name in inferred):
        return f"{shown} (inferred)"
    return shown


def _date_shown(row: dict[str, Any]) -> str:
    """A record's date in a table: as stated, with what its derived bounds add ("2020 (not
    before 2020-03)"), or the derived bounds alone for a record without a stated date."""
    stated, bounds = row.get("date") or "", row.get("bounds") or ""
    return f"{stated} ({bounds})" if stated and bounds else stated or bounds


def _escape(value: Any) -> str:
    from rich.markup import escape

    return escape(str(value))


def render_rows(rows: list[dict[str, Any]], fmt: str, columns: list[str] | None = None,
                title: str | None = None, empty: str = "Nothing found.",
                raw: bool = False) -> None:
    if fmt != "table":
        write_machine(rows, fmt, columns, raw=raw)
        return
    out = console()
    if not rows:
        out.print(empty)
        return
    out.print(rich_table(rows, columns or list(rows[0]), title))


def render_bars(rows: list[dict[str, Any]], label: str, value: str, title: str,
                footer: str = "") -> None:
    from rich.table import Table

    out = console()
    table = Table(title=title, title_justify="left")
    table.add_column(label)
    table.add_column(value, justify="right")
    table.add_column("")
    peak = max([r[value] for r in rows] + [1])
    for row in rows:
        table.add_row(str(row[label]), str(row[value]), "█" * round(30 * row[value] / peak))
    out.print(table)
    if footer:
        out.print(footer)


def render_case_file(data: dict[str, Any], fmt: str, raw: bool = False) -> None:
    """A person's case file: one JSON object, or a flat list of facts for csv/ndjson."""
    if fmt == "json":
        import sys

        sys.stdout.write(dumps(data) + "\n")
        return
    if fmt in ("csv", "ndjson"):
        write_machine(case_file_facts(data), fmt,
                      ["section", "id", "date", "bounds", "kind", "text", "detail", "evidence"],
                      raw=raw)
        return
    from rich.panel import Panel

    out = console()
    lines = [f"[bold]{_escape(data['name'])}[/bold]  ({_escape(data['id'])})"]
    if data.get("description"):
        lines.append(_escape(data["description"]))
    for key in ("names", "occupations", "parts"):
        if data.get(key):
            lines.append(f"{key.capitalize()}: {_escape(', '.join(data[key]))}")
    for key in ("kind", "parent", "country", "gender", "nationality"):
        if data.get(key):
            lines.append(f"{key.capitalize()}: {_escape(data[key])}")
    out.print(Panel("\n".join(lines), expand=False))
    for key, columns, title in CASE_FILE_TABLES[:3]:
        if data.get(key):
            out.print(rich_table(data[key], columns, title))
    for case in data.get("cases", []):
        _render_case(out, case)
    for key, columns, title in CASE_FILE_TABLES[3:]:
        if data.get(key):
            out.print(rich_table(data[key], columns, title))


def _render_case(out: Any, case: dict[str, Any]) -> None:
    """One case of a person's case file: the person's own charges and sentences, then,
    labelled apart, those of the case's unnamed defendants."""
    out.print(f"\n[bold]Case[/bold] {_escape(case['title'])} ({_escape(case['id'])}), "
              f"status: {_escape(_marked(case, 'status', case['status']))}")
    charge_columns = ["date", "offence", "wording", "characterisation", "outcome", "sources",
                      "id"]
    for key, columns, title in (
        ("charges", charge_columns, "Charges"),
        ("sentences", ["date", "kind", "term", "change", "replaces", "status", "sources", "id"],
         "Sentences"),
        ("group_charges", charge_columns,
         "Charges of the case's unnamed defendants (not this person's)"),
        ("group_sentences", ["date", "group", "group_count", "kind", "term", "status", "id"],
         "Sentences of groups in the case (not this person's)"),
    ):
        if case.get(key):
            out.print(rich_table(case[key], columns, title))


# The tables of a case file around its cases: (key, columns, title); the first three
# come before the cases, the others after.
CASE_FILE_TABLES: list[tuple[str, list[str], str | None]] = [
    ("memberships", ["organization", "short_name", "role", "date"], "Memberships"),
    ("relations", ["person", "relation", "other", "evidence"], "Relations"),
    ("members", ["name", "role", "date"], "Members"),
    ("timeline", ["date", "date_text", "kind", "title", "role", "sources", "evidence"],
     "Timeline"),
    ("disagreements", ["record", "field", "claim", "source", "evidence"],
     "Disagreements: what other sources say instead"),
    ("events", ["date", "kind", "title", "role", "with", "id"], "Events"),
]


def case_file_facts(data: dict[str, Any]) -> list[dict[str, Any]]:
    """A case file flattened to one row per fact, for CSV and NDJSON."""
    facts = [{"section": "name", "id": data["id"], "date": "", "bounds": "", "kind": "",
              "text": name, "detail": "", "evidence": data["id"]}
             for name in data.get("names", [data["name"]])]
    for m in data.get("memberships", []):
        facts.append({"section": "membership", "id": m["id"], "date": m["date"],
                      "bounds": m["bounds"],
                      "kind": m["role"], "text": m["organization"], "detail": m["short_name"],
                      "evidence": m["id"]})
    for m in data.get("members", []):
        facts.append({"section": "member", "id": m["person_id"], "date": m["date"],
                      "bounds": m["bounds"],
                      "kind": m["role"], "text": m["name"], "detail": "",
                      "evidence": m["person_id"]})
    for r in data.get("relations", []):
        facts.append({"section": "relation", "id": r["evidence"], "date": "", "bounds": "",
                      "kind": r["relation"], "text": r["other"], "detail": r["person"],
                      "evidence": r["evidence"]})
    for case in data.get("cases", []):
        for group, prefix in ((False, ""), (True, "group-")):
            for c in case["group_charges" if group else "charges"]:
                facts.append({"section": f"{prefix}charge", "id": c["id"], "date": c["date"],
                              "bounds": c["bounds"], "kind": c["offence"], "text": c["wording"],
                              "detail": case["id"], "evidence": c["id"]})
            for s in case["group_sentences" if group else "sentences"]:
                facts.append({"section": f"{prefix}sentence", "id": s["id"], "date": s["date"],
                              "bounds": s["bounds"], "kind": s["kind"], "text": s["term"],
                              "detail": case["id"], "evidence": s["id"]})
    for e in data.get("timeline", []) + data.get("events", []):
        facts.append({"section": "event", "id": e["id"], "date": e["date"],
                      "bounds": e["bounds"], "kind": e["kind"],
                      "text": e["title"], "detail": e["role"], "evidence": e["id"]})
    return facts
