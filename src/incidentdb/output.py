"""Rendering for the CLI: progress on stderr, tables, CSV, JSON. The only module using Rich."""

from __future__ import annotations

import re
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
    cannot be measured (total 0: checking, dating, indexing, committing) a pulsing bar, so that the
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


def dumps(value: Any, *, compact: bool = False) -> str:
    """The one JSON rule of `--format json`: one JSON value indented by 2 spaces, with
    non-ASCII characters as they are (the caller ends it with a newline). `compact`: on
    one line, as NDJSON writes each record (and as the exports write theirs)."""
    import json

    return json.dumps(value, ensure_ascii=False, indent=None if compact else 2,
                      default=_json_default)


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
    import sys

    if raw and fmt == "csv":
        sys.stderr.write(RAW_NOTE + "\n")
    out = stream or sys.stdout
    if fmt == "json":
        out.write(dumps(rows) + "\n")
    elif fmt == "ndjson":
        for row in rows:
            out.write(dumps(row, compact=True) + "\n")
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


# --- the terminal: what a table writes, and the pager --------------------------------------

# Whether a table taller than the terminal goes through a pager: the app's global options
# set it for each run (--no-pager, INCIDENTDB_NO_PAGER), before any command renders.
_PAGING = {"enabled": True}


def set_paging(enabled: bool) -> None:
    _PAGING["enabled"] = enabled


def show(*renderables: Any) -> None:
    """Write what a table command shows: rendered once, then written to stdout, or given to
    a pager when stdout is a terminal and the text is taller than it (`pager_command`).

    The text is written with stdout's own `write`, not by Rich, so that a reader that went
    away (`| head`) raises BrokenPipeError to the app's one error path, which ends quietly
    with exit code 0 (Rich would exit with 1).
    """
    import sys

    out = console()
    with out.capture() as captured:
        for renderable in renderables:
            out.print(renderable)
    text = captured.get()
    command = pager_command(text.count("\n"), out.height) if _on_terminal() else None
    if command is None or not _page(command, text):
        sys.stdout.write(text)


def _on_terminal() -> bool:
    """Whether stdout is a terminal itself (FORCE_COLOR makes Rich draw as if it were one,
    for a pipe too: that is not a reason to page)."""
    import sys

    isatty = getattr(sys.stdout, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed
        return False


def pager_command(lines: int, height: int) -> list[str] | None:
    """The pager for `lines` lines of output on a terminal `height` lines tall, or None.

    None when paging is off (--no-pager, INCIDENTDB_NO_PAGER) or the output fits (the
    prompt needs a line). Else $PAGER (split as a shell would split it; empty or `cat`:
    no pager), else `less -FRX` if installed (-F: output that fits one screen is just
    printed; -R: colours; -X: the output stays on the screen after less quits).
    """
    import os
    import shlex
    import shutil

    if not _PAGING["enabled"] or lines < height:
        return None
    chosen = os.environ.get("PAGER")
    if chosen is not None:
        try:
            command = shlex.split(chosen)
        except ValueError:  # unbalanced quotes: run it as one name, which fails below
            command = [chosen]
        return command if command and command != ["cat"] else None
    less = shutil.which("less")
    return [less, "-FRX"] if less else None


def _page(command: list[str], text: str) -> bool:
    """Show the text through the pager; False (and a note on stderr) if it cannot be run.

    A pager that quits before reading everything (q in less) is not an error, and Ctrl-C
    belongs to the pager while it runs, as in pydoc; SIGTERM ends both.
    """
    import os
    import subprocess
    import sys

    sys.stdout.flush()
    env = os.environ if "LESS" in os.environ else {**os.environ, "LESS": "FRX"}  # as git
    try:
        pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError as exc:
        sys.stderr.write(f"Note: the pager {command[0]!r} cannot be run "
                         f"({exc.strerror or exc}); writing without it.\n")
        return False
    assert pager.stdin is not None
    try:
        with pager.stdin as pipe:
            pipe.write(text.encode(sys.stdout.encoding or "utf-8", "backslashreplace"))
    except BrokenPipeError:  # the pager quit before reading it all
        pass
    except KeyboardInterrupt as exc:
        _stop_unless_ctrl_c(pager, exc)
    while True:
        try:
            pager.wait()
            return True
        except KeyboardInterrupt as exc:
            _stop_unless_ctrl_c(pager, exc)


def _stop_unless_ctrl_c(pager: Any, exc: KeyboardInterrupt) -> None:
    """Ctrl-C while the pager runs is the pager's (it ignores it, or quits): go on waiting.
    Anything raised like it (the console script's SIGTERM) ends the pager and goes on."""
    if type(exc) is not KeyboardInterrupt:
        pager.terminate()
        pager.wait()
        raise exc


# --- tables ------------------------------------------------------------------------------

ID_COLUMNS = {"id", "evidence", "record_id", "replaces"}
DATE_COLUMNS = {"date", "earliest", "latest", "month", "sentence_date", "date_start",
                "date_end", "bounds"}


def unbroken(column: str) -> bool:
    """Whether a column holds ids or dates, which a table never breaks inside: ids are
    copied into the next command, and "2021-" above "06" reads as another date."""
    return (column in ID_COLUMNS or column in DATE_COLUMNS or column.endswith("id")
            or column.endswith("_date"))


# Where a date as shown may go on a new line: after "; " and before " (" ("2020 (not
# before 2020-03)", "not before 2020; not after 2021-07").
_DATE_PHRASE = re.compile(r"(?<=;) | (?=\()")


def _lines(parts: list[str], width: int) -> str:
    """The parts, as many on each line (joined by a space) as fit in `width`; a longer
    part alone on its line."""
    from rich.cells import cell_len

    lines: list[str] = []
    for part in parts:
        if lines and cell_len(lines[-1]) + 1 + cell_len(part) <= width:
            lines[-1] += " " + part
        else:
            lines.append(part)
    return "\n".join(lines)


# A prose column narrower than this (or than its longest value, if shorter) cannot be
# read: a table that cannot give each one that much beside its ids and dates is shown
# as records instead (one field a line, as psql's expanded display).
PROSE_MIN_WIDTH = 12


def rich_table(rows: list[dict[str, Any]], columns: list[str], title: str | None = None,
               width: int | None = None) -> Any:
    """A Rich table of the rows, fitted to `width` (default: the console's).

    Ids and dates never break (`unbroken`): such a column is as wide as its longest id or
    date phrase, and only the other columns fold to fit. When that leaves a prose column
    less than PROSE_MIN_WIDTH, the rows are shown as records instead (`_records`). A
    column empty in every row is left out (csv and json keep it).
    """
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    cells = _cells(rows, columns)
    headers = {column: column.replace("_", " ") for column in cells}
    widths: dict[str, int] = {}  # of the unbroken columns
    for column in [column for column in cells if unbroken(column)]:
        phrases = [_DATE_PHRASE.split(cell) for cell in cells[column]]
        widths[column] = max(map(cell_len, [*headers[column].split(),
                                            *(part for parts in phrases for part in parts)]))
        cells[column] = [_lines(parts, widths[column]) for parts in phrases]
    if rows and _narrowest(cells, headers, widths) > (width or console().width):
        return _records(cells, headers, widths, title)
    table = Table(title=title, title_justify="left", show_lines=False)
    for column, header in headers.items():
        if column in widths:
            table.add_column(_lines(header.split(), widths[column]), no_wrap=True,
                             min_width=widths[column])
        else:
            table.add_column(header, overflow="fold")
    for index in range(len(rows)):
        table.add_row(*(Text(cells[column][index]) for column in cells))
    return table


def _cells(rows: list[dict[str, Any]], columns: list[str]) -> dict[str, list[str]]:
    """Each column's values as shown, the columns empty in every row left out."""
    cells = {column: [str(_marked(row, column, _shown(
        _date_shown(row) if column == "date" else row.get(column)))) for row in rows]
        for column in columns}
    return {column: values for column, values in cells.items() if any(values) or not rows}


def _narrowest(cells: dict[str, list[str]], headers: dict[str, str],
               widths: dict[str, int]) -> int:
    """The width of the narrowest readable table: the unbroken columns whole, each other
    one PROSE_MIN_WIDTH (or its longest line or header word, if shorter), and the
    borders and padding (3 a column, and 1)."""
    from rich.cells import cell_len

    prose = sum(min(PROSE_MIN_WIDTH, max(map(cell_len, [
        *headers[column].split(), *(line for cell in values for line in cell.splitlines())])))
        for column, values in cells.items() if column not in widths)
    return sum(widths.values()) + prose + 3 * len(cells) + 1


def _records(cells: dict[str, list[str]], headers: dict[str, str], widths: dict[str, int],
             title: str | None) -> Any:
    """The rows as records for a terminal too narrow for the table: a field a line (its
    name, then its value; a field empty in a row left out), a blank line between records,
    no borders, so that an id has all the width but its field's name."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", box=None, show_header=False,
                  padding=(0, 2, 0, 0), pad_edge=False)
    table.add_column(no_wrap=True, style="bold")
    table.add_column(overflow="fold")
    count = len(next(iter(cells.values()), []))
    for index in range(count):
        if index:
            table.add_row()
        for column, values in cells.items():
            if values[index]:
                table.add_row(Text(headers[column]),
                              Text(values[index], no_wrap=column in widths or None))
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
    show(rich_table(rows, columns or list(rows[0]), title) if rows else empty)


def render_bars(rows: list[dict[str, Any]], label: str, value: str, title: str,
                footer: str = "") -> None:
    from rich.table import Table

    labels = [str(row[label]) for row in rows]
    counts = [str(row[value]) for row in rows]
    # the longest bar is 30 characters, or what the terminal leaves beside the numbers
    room = console().width - max(map(len, [label, *labels])) - max(map(len, [value, *counts]))
    longest = max(1, min(BAR_MAX, room - 10))  # 10: the borders and padding of 3 columns
    table = Table(title=title, title_justify="left")
    table.add_column(label, no_wrap=True)
    table.add_column(value, justify="right", no_wrap=True)
    table.add_column("")
    peak = max([r[value] for r in rows] + [1])
    for row, shown, count in zip(rows, labels, counts, strict=True):
        table.add_row(shown, count, "█" * round(longest * row[value] / peak))
    show(table, *([footer] if footer else []))


BAR_MAX = 30


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

    lines = [f"[bold]{_escape(data['name'])}[/bold]  ({_escape(data['id'])})"]
    if data.get("description"):
        lines.append(_escape(data["description"]))
    for key in ("names", "occupations", "parts"):
        if data.get(key):
            lines.append(f"{key.capitalize()}: {_escape(', '.join(data[key]))}")
    for key in ("kind", "parent", "country", "gender", "nationality"):
        if data.get(key):
            lines.append(f"{key.capitalize()}: {_escape(data[key])}")
    parts: list[Any] = [Panel("\n".join(lines), expand=False)]
    for key, columns, title in CASE_FILE_TABLES[:3]:
        if data.get(key):
            parts.append(rich_table(data[key], columns, title))
    for case in data.get("cases", []):
        parts += _case_parts(case)
    for key, columns, title in CASE_FILE_TABLES[3:]:
        if data.get(key):
            parts.append(rich_table(data[key], _sourced(columns, data[key]), title))
    show(*parts)


def _case_parts(case: dict[str, Any]) -> list[Any]:
    """One case of a person's case file: the person's own charges and sentences, then,
    labelled apart, those of the case's unnamed defendants."""
    parts: list[Any] = [f"\n[bold]Case[/bold] {_escape(case['title'])} ({_escape(case['id'])}), "
                        f"status: {_escape(_marked(case, 'status', case['status']))}"]
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
            parts.append(rich_table(case[key], _sourced(columns, case[key]), title))
    return parts


def _sourced(columns: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """A case file's columns, `sources` only where a further source supports a fact."""
    if any(row.get("sources", 1) > 1 for row in rows):
        return columns
    return [c for c in columns if c != "sources"]


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
