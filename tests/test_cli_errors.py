"""Errors of the command line: one line on stderr, the right exit code, never a traceback.

Output that cannot be written and bytes that are not UTF-8 happen only in a real
process (stdout on /dev/full, argv as bytes), so those tests run `python -m
incidentdb` in a subprocess; the rest run in-process. Input bounds: the worst input
the bounds allow must still be answered, and one past them is a usage error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from incidentdb.cli.app import clip_quoted
from incidentdb.cli.options import MAX_LIMIT, TEXT_MAX_CHARACTERS, TEXT_MAX_WORDS

FULL = "Error: cannot write the output: No space left on device"
TIMEOUT = 60


def _cli(url: str, *args: str | bytes, stdout: int | None = subprocess.PIPE,
         cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "incidentdb", "--db", url, *args],
                          stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=TIMEOUT,
                          cwd=cwd)


def _usage_error(result) -> str:
    """The error line of an in-process usage error (exit 2, no exception but SystemExit)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    assert result.exit_code == 2, (result.exit_code, result.output)
    return result.stderr.strip().splitlines()[-1]


# --- output that cannot be written ----------------------------------------------------------

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


@needs_dev_full
@pytest.mark.parametrize("args", [
    ("people", "--format", "csv"),
    ("people",),  # a table, through Rich
    ("person", "Tofig Yagublu"),
    ("person", "Tofig Yagublu", "--format", "json"),
    ("events", "--month", "2021-06", "--format", "ndjson"),
    ("charges", "--format", "csv"),  # a few bytes: they fail only when stdout is flushed
    ("stats", "--format", "json"),
    ("search", "hunger", "--format", "csv"),
    ("cite", "yagublu-conditional-30-months"),
    ("export", "people", "--out", "-"),
    ("export", "--format", "ftm", "--out", "-"),
    ("--help",),
    ("people", "--help"),
], ids=lambda args: " ".join(args))
def test_output_that_cannot_be_written_is_one_error_line(loaded_db, args, tmp_path):
    with open("/dev/full", "w") as full:
        result = _cli(loaded_db.url, *args, stdout=full.fileno(), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines()
             if not line.startswith("Exported ")]  # export's own report comes first
    assert lines == [FULL], result.stderr


def test_a_closed_pipe_still_ends_quietly(loaded_db, tmp_path):
    """`incidentdb events --format json | head -1`: more than a pipe holds, then EPIPE."""
    process = subprocess.Popen(
        [sys.executable, "-m", "incidentdb", "--db", loaded_db.url, "events", "--format",
         "json", "--include-uncertain", "--limit", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    assert process.stdout.readline() == b"[\n"
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=TIMEOUT) == 0, stderr
    assert stderr == ""


# --- arguments that are not UTF-8 --------------------------------------------------------------


@pytest.mark.parametrize("args, position", [
    ((b"cite", b"ab\xffcd"), 4),  # after --db URL
    ((b"person", b"Tofig \xc3"), 4),
    ((b"people", b"--charge", b"\xfe\xff"), 5),
    ((b"events", b"--month=2021-\xff"), 4),
])
def test_an_argument_that_is_not_utf8_is_a_usage_error(loaded_db, args, position, tmp_path):
    result = _cli(loaded_db.url, *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"Error: argument {position} is not valid UTF-8\n"
    assert result.stdout == ""


# --- numbers: bounded, in ASCII digits ---------------------------------------------------------

TOO_LARGE = "99999999999999999999"


@pytest.mark.parametrize("args, line", [
    (("people", "--limit", TOO_LARGE), f"Error: Invalid value for '--limit': {TOO_LARGE} is "
     f"out of range: from 0 to {MAX_LIMIT:,}"),
    (("cases", "--limit", str(MAX_LIMIT + 1)), "Error: Invalid value for '--limit': "
     f"{MAX_LIMIT + 1} is out of range: from 0 to {MAX_LIMIT:,}"),
    (("events", "--limit", TOO_LARGE), f"Error: Invalid value for '--limit': {TOO_LARGE} is "
     f"out of range: from 0 to {MAX_LIMIT:,}"),
    (("search", "hunger", "--limit", TOO_LARGE), "Error: Invalid value for '--limit': "
     f"{TOO_LARGE} is out of range: from 0 to {MAX_LIMIT:,}"),
    (("people", "--limit", "١٠"), "Error: Invalid value for '--limit': '١٠' is not a whole "
     "number written in digits 0-9"),
    (("search", "hunger", "--limit", "١٠"), "Error: Invalid value for '--limit': '١٠' is not "
     "a whole number written in digits 0-9"),
    (("people", "--limit", "1_0"), "Error: Invalid value for '--limit': '1_0' is not a whole "
     "number written in digits 0-9"),
    (("people", "--limit", "+5"), "Error: Invalid value for '--limit': '+5' is not a whole "
     "number written in digits 0-9"),
    (("events", "--year", "٢٠٢١"), "Error: Invalid value for '--year': '٢٠٢١' is not a whole "
     "number written in digits 0-9"),
    (("timeline", "--year", "٢٠٢١"), "Error: Invalid value for '--year': '٢٠٢١' is not a "
     "whole number written in digits 0-9"),
    (("timeline", "--year", "10000"), "Error: Invalid value for '--year': 10000 is out of "
     "range: from 1 to 9,999"),
    (("events", "--month", "٢٠٢١-06"), "Error: Invalid value for '--month': '٢٠٢١-06' is not "
     "a month: use YYYY-MM, e.g. 2021-06"),
    (("events", "--from", "٢٠٢١"), "Error: Invalid value: '٢٠٢١' is not a date: use YYYY, "
     "YYYY-MM or YYYY-MM-DD in digits 0-9"),
    (("events", "--to", "2021-٠٦"), "Error: Invalid value: '2021-٠٦' is not a date: use YYYY, "
     "YYYY-MM or YYYY-MM-DD in digits 0-9"),
], ids=lambda value: " ".join(value) if isinstance(value, tuple) else None)
def test_numbers_out_of_bounds_or_not_in_ascii_digits_are_usage_errors(loaded_db, run, args,
                                                                       line):
    assert _usage_error(run(loaded_db.url, *args)) == line


def test_limit_at_its_bound_and_zero_give_every_row(loaded_db, run):
    every = run(loaded_db.url, "events", "--limit", "0", "--format", "json")
    assert every.exit_code == 0, every.output
    at_bound = run(loaded_db.url, "events", "--limit", str(MAX_LIMIT), "--format", "json")
    assert at_bound.exit_code == 0, at_bound.output
    assert at_bound.stdout == every.stdout and at_bound.stderr == ""
    padded = run(loaded_db.url, "events", "--limit", "0003", "--format", "csv")
    assert padded.exit_code == 0 and len(padded.stdout.splitlines()) == 1 + 3


def test_export_to_an_empty_out_is_a_usage_error(loaded_db, run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where "" used to write: the current folder
    result = run(loaded_db.url, "export", "people", "--out", "")
    assert _usage_error(result) == "Error: Invalid value for --out: give a folder, or '-' " \
        "for stdout"
    assert list(tmp_path.iterdir()) == []


# --- errors quote at most about 200 characters of input ------------------------------------


def test_a_quoted_value_is_cut_where_errors_are_printed():
    name = "x" * 10_000
    assert clip_quoted(f"no person matches {name!r}; did you mean Yagublu?") == (
        f"no person matches '{'x' * 200}…'; did you mean Yagublu?")
    assert clip_quoted("no person matches 'short'") == "no person matches 'short'"
    assert len(clip_quoted("y" * 50_000)) < 1100  # a long line without quotes is cut too


@pytest.mark.parametrize("args, start", [
    (("nosuch" + "x" * 10_000,), "Error: No such command 'nosuchxxx"),
    (("people", "--format", "x" * 10_000), "Error: Invalid value for '--format' / '-f': "),
    (("people", "--limit", "x" * 10_000), "Error: Invalid value for '--limit': 'xxx"),
    (("person", "x" * 10_000), "Error: Invalid value for 'NAME': the name is too long: "
     "10,000 characters"),
])
def test_usage_errors_do_not_repeat_a_long_input(loaded_db, args, start, tmp_path):
    result = _cli(loaded_db.url, *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(start), line
    assert len(line) < 400, line[:400]


# --- bounded work: every free-text input ----------------------------------------------------

# (command, arguments before the text, arguments after it, what the error calls the text)
FREE_TEXT = [
    (("person",), (), "'NAME': the name"),
    (("org",), (), "'NAME': the name"),
    (("search",), ("--limit", "1000"), "'TEXT': the search text"),
    (("cite",), (), "'ID': the id"),
    (("people", "--charge"), (), "'--charge': --charge"),
    (("people", "--org"), (), "'--org': --org"),
    (("cases", "--person"), (), "'--person': --person"),
    (("cases", "--charge"), (), "'--charge': --charge"),
    (("events", "--person"), (), "'--person': --person"),
    (("events", "--org"), (), "'--org': --org"),
    (("events", "--instrument"), (), "'--instrument': --instrument"),
]
_IDS = [" ".join(before) for before, _, _ in FREE_TEXT]
# Values of a controlled list: bounded like free text, and anything else refused
CONTROLLED = [
    (("people", "--kind"), (), "'--kind': --kind"),
    (("cases", "--status"), (), "'--status': --status"),
    (("events", "--kind"), (), "'--kind': --kind"),
    (("orgs", "--kind"), (), "'--kind': --kind"),
]
_CONTROLLED_IDS = [" ".join(before) for before, _, _ in CONTROLLED]

LETTERS = "abcdefghijklmnopqrstuvwxyz"
WORST = {  # the most work the bounds allow, in several shapes
    "short prefixes": " ".join(LETTERS[i % 26] for i in range(TEXT_MAX_WORDS)),
    "numbers": " ".join(str(i % 10) for i in range(TEXT_MAX_WORDS)),
    "longest words": " ".join(["a" * 5] * TEXT_MAX_WORDS)[:TEXT_MAX_CHARACTERS],
    "one long word": "y" * TEXT_MAX_CHARACTERS,
    "unfolding characters": " ".join(["\ufdfa"] * (TEXT_MAX_WORDS // 4)),  # four words each
    "operators and quotes": " ".join(['"a*', "OR", "(b)", "-c:"] * (TEXT_MAX_WORDS // 4)),
}


@pytest.mark.parametrize("before, after, what", FREE_TEXT, ids=_IDS)
@pytest.mark.parametrize("shape", list(WORST))
def test_the_worst_text_the_bounds_allow_is_answered(loaded_db, run, before, after, what,
                                                      shape):
    result = run(loaded_db.url, *before, WORST[shape], *after, "--format", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    # answered: rows, or a lookup that found nothing (exit 1, one line)
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert result.stderr.startswith("Error: "), result.stderr


@pytest.mark.parametrize("before, after, what", CONTROLLED, ids=_CONTROLLED_IDS)
@pytest.mark.parametrize("shape", list(WORST))
def test_the_worst_text_for_a_controlled_value_is_refused_at_once(loaded_db, run, before,
                                                                   after, what, shape):
    result = run(loaded_db.url, *before, WORST[shape], *after, "--format", "json")
    assert result.exit_code == 2, result.output
    assert "is not one of: " in result.stderr and result.stdout == ""


@pytest.mark.parametrize("before, after, what", FREE_TEXT + CONTROLLED,
                         ids=_IDS + _CONTROLLED_IDS)
def test_text_past_the_bounds_is_a_usage_error(loaded_db, run, before, after, what):
    words = " ".join(["a"] * (TEXT_MAX_WORDS + 1))
    assert _usage_error(run(loaded_db.url, *before, words, *after)) == (
        f"Error: Invalid value for {what} is too long: {TEXT_MAX_WORDS + 1} words, "
        f"at most {TEXT_MAX_WORDS}")
    unfolding = " ".join(["\ufdfa"] * (TEXT_MAX_WORDS // 4 + 1))
    assert _usage_error(run(loaded_db.url, *before, unfolding, *after)) == (
        f"Error: Invalid value for {what} is too long: {TEXT_MAX_WORDS + 4} words, "
        f"at most {TEXT_MAX_WORDS}")
    long = "z" * (TEXT_MAX_CHARACTERS + 1)
    assert _usage_error(run(loaded_db.url, *before, long, *after)) == (
        f"Error: Invalid value for {what} is too long: {TEXT_MAX_CHARACTERS + 1} characters, "
        f"at most {TEXT_MAX_CHARACTERS}")


def test_search_with_43000_words_is_refused_at_once(loaded_db, run):
    result = run(loaded_db.url, "search", " ".join(["word"] * 43_000))
    assert _usage_error(result) == (
        f"Error: Invalid value for 'TEXT': the search text is too long: 43,000 words, "
        f"at most {TEXT_MAX_WORDS}")


@pytest.mark.parametrize("command", ["person", "org", "search", "cite", "people", "cases",
                                     "events"])
def test_help_states_the_input_bounds(run, command):
    result = run("sqlite://", command, "--help")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert (f"at most {TEXT_MAX_CHARACTERS} characters" in flat), flat


# --- library log records ----------------------------------------------------------------------

# A command of the real app that logs what SQLAlchemy logs after Ctrl-C or SIGTERM lands
# in a read (it closes the connection, then fails to close the cursor), run by main().
_LOGS_LIKE_AN_INTERRUPTED_READ = """
import logging, sys
from incidentdb import cli

@cli.app.command("log-like-an-interrupted-read")
def _logging() -> None:
    try:
        raise RuntimeError("Cannot operate on a closed database.")
    except RuntimeError:
        logging.getLogger("sqlalchemy.pool.impl.SingletonThreadPool").error(
            "Error closing cursor", exc_info=True)

sys.argv = ["incidentdb", "log-like-an-interrupted-read"]
cli.main()
"""


def test_a_library_log_record_does_not_reach_stderr(tmp_path):
    # in CI, an export interrupted inside a fetch printed SQLAlchemy's "Error closing
    # cursor" and its traceback on stderr, after the one line the user should see
    done = subprocess.run([sys.executable, "-c", _LOGS_LIKE_AN_INTERRUPTED_READ],
                          capture_output=True, text=True, timeout=TIMEOUT, cwd=tmp_path)
    assert (done.returncode, done.stderr, done.stdout) == (0, "", "")
