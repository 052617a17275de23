"""The `incidentdb` command: parses arguments, calls the library, renders the answer.

`app` holds the app, its options, the database it opens and its one error path;
each command group registers onto it from its own module; `process` is the console
script around it (`main`). See docs/architecture.md.
"""

# the order of registration is the order of `incidentdb --help`
from incidentdb.cli import db, load, query, dated  # noqa: F401, I001 - they register the commands
from incidentdb.cli import curate  # noqa: F401 - a curator's tools: excerpt, source add
from incidentdb.cli import vocab  # noqa: F401 - no database: just before export
from incidentdb.cli import web  # noqa: F401 - serve: the database in a web page
from incidentdb.cli import export  # noqa: F401 - last in the help
from incidentdb.cli.app import app
from incidentdb.cli.process import main

__all__ = ["app", "main"]
