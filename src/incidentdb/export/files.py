"""Atomic files: an export's file appears under its name only once it is complete."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[str]]:
    """A file that appears under its name only once it is complete.

    It is written as a hidden `.NAME.*.tmp` beside its target (same file system, so
    the rename is atomic) and removed if writing fails or is interrupted: an
    interrupted export leaves no truncated file with a real name behind.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
