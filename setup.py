"""Ships alembic.ini, migrations/ and data/ inside the wheel as incidentdb/bundled/.

They stay at the top of the repository for developers; an installed incidentdb
finds its copies through incidentdb.bundle.bundled_path.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("alembic.ini", "migrations", "data")


class BuildWithBundle(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "incidentdb" / "bundled"
        for name in BUNDLED:
            source = Path(name)
            destination = target / name
            if source.is_dir():
                shutil.rmtree(destination, ignore_errors=True)
                shutil.copytree(source, destination,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif source.is_file():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, destination)


setup(cmdclass={"build_py": BuildWithBundle})
