"""Rendering for the CLI: progress on stderr, tables, CSV, JSON. The only module using Rich."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

PROGRESS_MIN_ITEMS = 20_000


@contextmanager
def progress_reporter() -> Iterator[Any]:
    """A callback (stage, done, total) that draws a progress bar on stderr for large inputs.

    Small inputs finish before a bar is worth drawing, so the bar appears only once a
    stage reports more than PROGRESS_MIN_ITEMS items.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    bar = Progress(TextColumn("{task.description:10}"), BarColumn(), TextColumn(
        "{task.completed}/{task.total}"), TimeRemainingColumn(), console=console, transient=True)
    tasks: dict[str, Any] = {}
    started = False

    def report(stage: str, done: int, total: int) -> None:
        nonlocal started
        if total < PROGRESS_MIN_ITEMS or not console.is_terminal:
            return
        if not started:
            bar.start()
            started = True
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    try:
        yield report
    finally:
        if started:
            bar.stop()
