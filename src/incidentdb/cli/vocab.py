"""`incidentdb vocab`: the controlled lists, each value with what it means.

The lists and their descriptions are `incidentdb.vocabulary`'s; where each list is
used (`events.kind`, `events.participants.role`) is read from the tables'
declarations (`incidentdb.models`), the fields with `choices`. The command opens no
database: it answers anywhere, for a user who has only the installed package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from incidentdb import vocabulary as v
from incidentdb.cli.app import app, clip
from incidentdb.cli.options import Format, FormatOption, bounded_text, controlled

if TYPE_CHECKING:
    from incidentdb.models import Declaration

COLUMNS = ["list", "value", "description", "used_by"]


def _path(declaration: Declaration) -> str:
    """Where a table's fields are written in the data files: its section ("events"), or,
    for a nested item, its owner's section and the owner's field holding it
    ("events.participants" for event_participants)."""
    from incidentdb.models import declared

    owner = declaration.owner
    if owner is None:
        return declaration.name
    for key in declared()[owner.table].fields:
        if declaration.name.endswith(f"_{key}"):
            return f"{owner.table}.{key}"
    return declaration.name


def used_by() -> dict[tuple[str, ...], list[str]]:
    """The data-file fields (`events.kind`) that take each controlled list's values.

    A field with `choices` takes that list; a qualified count (`{value, qualifier}`,
    a case's `defendant_count`) takes the count qualifiers in its `qualifier`, as
    `checks` reads it.
    """
    from incidentdb.models import DECLARATIONS

    fields: dict[tuple[str, ...], list[str]] = {}
    for declaration in DECLARATIONS:
        for key, field in declaration.fields.items():
            name = f"{_path(declaration)}.{key}"
            if field.choices:
                fields.setdefault(tuple(field.choices), []).append(name)
            elif field.kind == "qualified-count":
                fields.setdefault(v.COUNT_QUALIFIERS, []).append(f"{name}.qualifier")
    return fields


def vocab_rows(lists: tuple[v.Vocabulary, ...] = v.VOCABULARIES) -> list[dict[str, Any]]:
    """One row per value of each list: list, value, description, used_by."""
    where = used_by()
    return [{"list": vocabulary.name, "value": value, "description": description,
             "used_by": ", ".join(where.get(vocabulary.values, []))}
            for vocabulary in lists for value, description in vocabulary.terms]


def _fields_taking(value: str) -> dict[str, list[str]]:
    """The lists taken by a data-file field named `value`, with the fields of that name:
    a field is named by its whole path (`events.participants.role`) or any end of it
    (`participants.role`, `role`)."""
    where = used_by()
    found: dict[str, list[str]] = {}
    for vocabulary in v.VOCABULARIES:
        for field in where.get(vocabulary.values, []):
            parts = field.split(".")
            if value in (".".join(parts[start:]) for start in range(len(parts))):
                found.setdefault(vocabulary.name, []).append(field)
    return found


def _list(value: str) -> str:
    """A list by its name (`event-kinds`, any case), or by a data-file field that takes
    it: `events.kind`, or a field name alone (`characterisation`) if one list only is
    taken by the fields of that name. Anything else: a usage error naming the lists."""
    names = [vocabulary.name for vocabulary in v.VOCABULARIES]
    wanted = bounded_text("LIST")(value).strip().lower()
    if wanted in names:
        return wanted
    found = _fields_taking(wanted)
    if len(found) == 1:
        return next(iter(found))
    if found:
        choices = "; ".join(f"{name} ({', '.join(fields)})" for name, fields in found.items())
        raise typer.BadParameter(f"{clip(value)!r} is a field of several lists: {choices}; "
                                 "give the list, or the field with its section")
    return controlled("LIST", names)(value)


@app.command("vocab")
def vocab(
    name: Annotated[str | None, typer.Argument(
        metavar="LIST", parser=_list, show_default=False,
        help="One list, by its name (event-kinds) or a field that takes it (events.kind, "
        "characterisation). Default: every list.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Every controlled list, each value with what it means.

    Every value a kind, role, status or qualifier may take in the data files, with a
    one-line description, and the data-file fields that take it (events.kind). Needs no
    database.

    Example: incidentdb vocab event-kinds
    """
    from incidentdb.output import render_rows

    lists = tuple(vocabulary for vocabulary in v.VOCABULARIES
                  if name is None or vocabulary.name == name)
    rows = vocab_rows(lists)
    if fmt is not Format.table:
        render_rows(rows, fmt.value, COLUMNS)
        return
    for number, vocabulary in enumerate(lists):
        shown = [row for row in rows if row["list"] == vocabulary.name]
        fields = shown[0]["used_by"] if shown else ""
        typer.echo(("\n" if number else "") + f"{vocabulary.name}: {vocabulary.help}"
                   + (f" (in {fields})" if fields else ""))
        render_rows(shown, fmt.value, ["value", "description"])
