"""The installed package, as a user gets it: a wheel in a fresh virtual environment.

The wheel is built from a copy of the checkout (so a stale build/ folder cannot leak
into it), installed with its dependencies from the package index into a new venv
outside the checkout, and run in empty folders: the embedded default database is
created and loaded on first use; a database the user names is never loaded.

Slow (pip builds and installs: a minute or more): marked `slow`, so that
`pytest -m "not slow"` leaves it out. CI runs it once, in the SQLite run.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow

PIP_TIMEOUT = 600  # building and installing with dependencies from the index
RUN_TIMEOUT = 120
# What a build needs from the checkout (see pyproject.toml, setup.py and MANIFEST.in).
BUILD_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "alembic.ini",
               "src", "migrations", "data")
NO_DATA = "`incidentdb load`"


def _run(command: list[str | Path], cwd: Path, timeout: int = RUN_TIMEOUT,
         **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("INCIDENTDB_DATABASE_URL", "PYTHONPATH", "VIRTUAL_ENV")}
    environment.update(NO_COLOR="1", COLUMNS="200", **env)
    return subprocess.run([str(part) for part in command], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=timeout)


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"{result.args}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh venv with the wheel of this checkout installed."""
    tmp = tmp_path_factory.mktemp("installed")
    source = tmp / "source"
    for name in BUILD_FILES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns(
                "__pycache__", "*.pyc", "*.egg-info"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    wheels = tmp / "wheels"
    _ok(_run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels,
              source], cwd=tmp, timeout=PIP_TIMEOUT))
    [wheel] = wheels.glob("incidentdb-*.whl")
    venv = tmp / "venv"
    _ok(_run([sys.executable, "-m", "venv", venv], cwd=tmp))
    bin_dir = venv / "bin"
    _ok(_run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel], cwd=tmp,
             timeout=PIP_TIMEOUT))
    where = _ok(_run([bin_dir / "python", "-c", "import incidentdb; print(incidentdb.__file__)"],
                     cwd=tmp)).stdout.strip()
    assert Path(where).is_relative_to(venv), f"incidentdb imported from {where}, not the wheel"
    return bin_dir


def test_first_use_creates_and_loads_the_default_database(installed, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    first = _ok(_run([installed / "incidentdb", "person", "Tofig Yagublu"], cwd=folder))
    assert "Tofig Yagublu" in first.stdout
    assert "yagublu-conditional-30-months" in first.stdout  # the case file: sentences
    assert "Timeline" in first.stdout and "Musavat party" in first.stdout
    assert "creating the database incidents.db here and loading the bundled data" in (
        first.stderr)
    assert (folder / "incidents.db").is_file()
    assert {p.name for p in folder.iterdir()} <= {"incidents.db", "incidents.db-wal",
                                                  "incidents.db-shm"}
    again = _ok(_run([installed / "incidentdb", "person", "Tofig Yagublu"], cwd=folder))
    assert again.stdout == first.stdout
    assert "creating" not in again.stderr  # created once
    charges = _ok(_run([installed / "incidentdb", "people", "--charge", "hooliganism",
                        "--format", "csv"], cwd=folder))
    assert "tofig-yagublu" in charges.stdout


@pytest.mark.parametrize("how", ["--db", "INCIDENTDB_DATABASE_URL"])
def test_a_named_database_is_never_loaded_implicitly(installed, tmp_path, how):
    folder = tmp_path / "named"
    folder.mkdir()
    incidentdb = installed / "incidentdb"

    def person(url: str) -> subprocess.CompletedProcess[str]:
        if how == "--db":
            return _run([incidentdb, "--db", url, "person", "Tofig Yagublu"], cwd=folder)
        return _run([incidentdb, "person", "Tofig Yagublu"], cwd=folder,
                    INCIDENTDB_DATABASE_URL=url)

    missing = person("sqlite:///other.db")  # no such file
    assert missing.returncode == 1, missing
    assert NO_DATA in missing.stderr and missing.stderr.count("\n") == 1, missing.stderr
    assert missing.stdout == ""
    assert list(folder.iterdir()) == []  # neither other.db nor incidents.db

    _ok(_run([incidentdb, "--db", "sqlite:///other.db", "db", "upgrade"], cwd=folder))
    empty = person("sqlite:///other.db")  # a schema, no data
    assert empty.returncode == 1, empty
    assert NO_DATA in empty.stderr and empty.stderr.count("\n") == 1, empty.stderr
    with sqlite3.connect(folder / "other.db") as conn:
        loaded = [conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("sources", "people", "events", "search_entries")]
    assert loaded == [0, 0, 0, 0]
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith("other.db")) == []
