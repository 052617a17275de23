"""Where the files that ship with incidentdb are: migrations, alembic.ini, data.

In a checkout they are at the top of the repository; in an installed wheel they
are copied into the package as `incidentdb/bundled/` (see setup.py). Looking in
the checkout first keeps an editable install working on the files you edit.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def bundled_path(name: str) -> Path:
    """The path of a top-level file or folder of the project (`data`, `migrations`...)."""
    in_checkout = _CHECKOUT / name
    if (_CHECKOUT / "pyproject.toml").is_file() and in_checkout.exists():
        return in_checkout
    return _PACKAGE / "bundled" / name
