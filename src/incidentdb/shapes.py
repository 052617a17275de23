"""Shapes the layers pass to each other, defined once.

`Row` is an answer's row: a plain dict, ready for a table, CSV or JSON. `Progress`
is the callback long work (a load, an export) reports to: (stage, done, total), and
optionally a note ("120,000 records"); a stage whose work cannot be measured reports
done = total = 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Row = dict[str, Any]
Progress = Callable[..., None]  # (stage, done, total[, note])
