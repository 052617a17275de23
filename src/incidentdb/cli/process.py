"""The console script around the app: arguments, signals, usage errors, the last flush."""

from __future__ import annotations

import sys
from typing import Any

import typer

from incidentdb.cli.app import (
    app,
    clip_quoted,
    discard_output,
    err,
    is_output_error,
    say_output_failed,
)

EXIT_TERMINATED = 128 + 15  # what a shell reports for a process ended by SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C raises KeyboardInterrupt, so that both clean up alike."""


_terminated: list[int] = []  # the SIGTERMs received


def _terminate(signum: int, frame: Any) -> None:
    import signal

    _terminated.append(signum)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the clean-up
    raise Terminated


def _undecodable_argument(arguments: list[str]) -> int | None:
    """The position (from 1) of the first argument that is not valid UTF-8, or None.

    Python passes such bytes on as lone surrogates, which no database accepts."""
    for position, argument in enumerate(arguments, 1):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            return position
    return None


def _usage_error(exc: Exception) -> bool:
    """A usage error of typer's parser (unknown option, bad value): it can show itself."""
    return callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None),
                                                                 int)


def _quiet_library_logs() -> None:
    """Keep the libraries' log records off stderr.

    Errors reach the user as exceptions, said in one line by the CLI. But SQLAlchemy
    also logs some of them: after Ctrl-C or SIGTERM during a read it closes the
    connection, then fails to close the cursor and logs "Error closing cursor" with a
    traceback, which Python prints on stderr when no handler is set.
    """
    import logging

    logging.getLogger("sqlalchemy").addHandler(logging.NullHandler())


def main() -> None:
    """The console script.

    Around the app: arguments must be UTF-8; SIGTERM takes Ctrl-C's path (temporary
    files removed) and exits 143; usage errors quote at most about 200 characters of
    input; and stdout is flushed here, so that an unwritable output is one error line,
    not a traceback at interpreter shutdown.
    """
    import signal

    position = _undecodable_argument(sys.argv[1:])
    if position is not None:
        err(f"Error: argument {position} is not valid UTF-8")
        sys.exit(2)
    signal.signal(signal.SIGTERM, _terminate)
    _quiet_library_logs()
    try:
        code = app(prog_name="incidentdb", standalone_mode=False)
    except Terminated:
        code = EXIT_TERMINATED
    except typer.Abort:
        err("Aborted!")
        code = 1
    except OSError as exc:  # help or a usage message that could not be written
        if not is_output_error(exc):
            raise
        say_output_failed(exc)
        code = 1
    except Exception as exc:
        if not _usage_error(exc):
            raise
        if isinstance(getattr(exc, "message", None), str):
            exc.message = clip_quoted(exc.message)  # type: ignore[attr-defined]
        exc.show()  # type: ignore[attr-defined]
        code = exc.exit_code  # type: ignore[attr-defined]
    if _terminated:
        code = EXIT_TERMINATED  # typer turned the SIGTERM's KeyboardInterrupt into exit 130
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        discard_output()
    except OSError as exc:
        say_output_failed(exc)
        code = code or 1
    sys.exit(code if isinstance(code, int) else 0)
