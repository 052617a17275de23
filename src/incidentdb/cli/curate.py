"""`incidentdb excerpt` and `incidentdb source add`: tools for curators.

`excerpt` says where a passage stands in a source, with the offsets the loader would
store, or which passages are nearest to it; `source add` writes a source's record for
the data files, with the sha256 of its text. Both are `incidentdb.curation`'s. Neither
needs a database when given a text file: a curator can use them before loading.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from incidentdb.cli.app import app, clip, err, reading
from incidentdb.cli.options import Format, FormatOption, whole_number

MAX_EXCERPT = 20_000  # characters: the longest excerpt the loader takes (checks.MAX_TEXT)


def _excerpt_text(value: str) -> str:
    """TEXT: a passage to look for, as long as an excerpt may be, not blank."""
    if not value.strip():
        raise typer.BadParameter("TEXT is empty")
    if len(value) > MAX_EXCERPT:
        raise typer.BadParameter(f"TEXT is too long: {len(value):,} characters, at most "
                                 f"{MAX_EXCERPT:,} (an excerpt's limit)")
    return value


@app.command("excerpt")
def excerpt(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(
        metavar="SOURCE", help="A source of the database, by its id; or the path of a text "
        "file (a source not loaded yet).")],
    text: Annotated[str, typer.Argument(
        metavar="TEXT", parser=_excerpt_text, help="The passage, as a record's excerpt "
        "quotes it (runs of white space may differ).")],
    nearest: Annotated[int, typer.Option(
        "--nearest", parser=whole_number(1, 20), metavar="N",
        help="How many of the nearest passages to show when TEXT is not found (1 to 20).")
    ] = 3,
    fmt: FormatOption = Format.table,
) -> None:
    """Where a passage stands in a source: the offsets a record quoting it gets.

    Every occurrence of TEXT (white space folded, as the loader folds it) with its start
    and end offsets; when there are several, a record quoting it needs the `occurrence: N`
    of the one it means. When TEXT occurs nowhere: the passages most like it, with their
    offsets and a score from 0 to 1 (difflib's ratio; of words for a passage over 300
    characters), and exit code 1.

    Example: incidentdb excerpt hrw-wr2022-azerbaijan "hunger strike"
    """
    from incidentdb.curation import EXCERPT_COLUMNS, find_excerpt, text_of_file, text_of_source
    from incidentdb.output import render_rows

    if _is_file(source):
        found = find_excerpt(text_of_file(Path(source)), text, nearest)
    else:
        with reading(ctx) as session:
            found = find_excerpt(text_of_source(session, source), text, nearest)
    render_rows(found.rows(), fmt.value, EXCERPT_COLUMNS)
    if found.note():
        err(found.note())
    if not found.exact:
        raise typer.Exit(1)


def _is_file(source: str) -> bool:
    """Whether SOURCE names a text file: anything but a source id (a slug) does, and so
    does a slug that is the name of a file here."""
    from incidentdb.checks import SLUG

    return not SLUG.fullmatch(source) or Path(source).is_file()


# --- source add ------------------------------------------------------------------------

source_app = typer.Typer(help="Write a source's record for the data files.\n\n"
                         "Example: incidentdb source add data/sources/hrw-wr2022-azerbaijan.txt "
                         "--id hrw-wr2022-azerbaijan --title \"World Report 2022: Azerbaijan\" "
                         "--publisher \"Human Rights Watch\" --published 2022-01-13 "
                         "--events-year 2021 --out -",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(source_app, name="source")


def _field(name: str, option: str) -> Any:
    """A parser for an option that gives a source's field: checked as the loader checks
    the field, a usage error if it would be refused."""
    def parse(value: str) -> str:
        from incidentdb.checks import Invalid
        from incidentdb.curation import check_source_field

        try:
            check_source_field(name, value, option)
        except Invalid as exc:
            raise typer.BadParameter(clip(str(exc), 300)) from None
        return value

    return parse


@source_app.command("add")
def source_add(
    file: Annotated[Path, typer.Argument(
        metavar="FILE", help="The source's text: a UTF-8 file without NUL characters.")],
    source_id: Annotated[str, typer.Option(
        "--id", parser=_field("id", "--id"), metavar="ID",
        help="The source's id: lower-case words joined by '-' (hrw-wr2022-azerbaijan).")],
    title: Annotated[str, typer.Option(
        "--title", parser=_field("title", "--title"), metavar="TEXT", help="Its title.")],
    publisher: Annotated[str, typer.Option(
        "--publisher", parser=_field("publisher", "--publisher"), metavar="TEXT",
        help="Who published it.")],
    published: Annotated[str, typer.Option(
        "--published", parser=_field("published", "--published"), metavar="YYYY-MM-DD",
        help="The day it was published.")],
    events_year: Annotated[int, typer.Option(
        "--events-year", parser=whole_number(1, 9999), metavar="YYYY",
        help="The year its events are of: the year a month without one refers to.")],
    url: Annotated[str | None, typer.Option(
        "--url", parser=_field("url", "--url"), metavar="URL",
        help="Where it is published.")] = None,
    licence: Annotated[str | None, typer.Option(
        "--licence", parser=_field("licence", "--licence"), metavar="TEXT",
        help="The terms it is quoted under.")] = None,
    out: Annotated[str | None, typer.Option(
        "--out", metavar="PATH", help="Where to write the record: a .yaml file, a folder "
        "(ID.yaml in it), or - for stdout. Default: ID.yaml beside FILE.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace the file at PATH if there is one.")] = False,
) -> None:
    """Write the YAML record of a source, with the sha256 of its text.

    The record is the one the loader takes (docs/data-format.md, sources): its `text` is
    FILE's path from the record's folder. The text must be UTF-8 without NUL characters,
    and every field is checked as the loader checks it, before anything is written. An
    existing file is not replaced without --force. Needs no database.

    \b
    Example: incidentdb source add data/sources/hrw-wr2022-azerbaijan.txt --id hrw-wr2022-azerbaijan --title "World Report 2022: Azerbaijan" --publisher "Human Rights Watch" --published 2022-01-13 --events-year 2021 --out -
    """  # noqa: E501 - an Example line runs as written: one line, not wrapped (\b)
    from incidentdb.curation import source_record, write_source_record

    fields: dict[str, Any] = {"source_id": source_id, "title": title, "publisher": publisher,
                              "published": published, "events_year": events_year,
                              "url": url, "licence": licence}
    if out == "-":
        typer.echo(source_record(file, None, **fields), nl=False)
        return
    written = write_source_record(file, Path(out) if out else None, force=force, **fields)
    err(f"Wrote {written}: the record of source {source_id!r}.")

