"""Mutation testing of the core modules with mutmut: how many planted bugs the suite catches.

    python tools/mutation.py names dates          # two modules
    python tools/mutation.py --all                # every module in MODULES
    python tools/mutation.py names --survivors    # and show the diff of each survivor

Each module is mutated in a scratch copy of the working tree (git's tracked and
untracked files, not ignored ones), so the checkout is never touched and several
modules can be run one after another without sharing state. mutmut runs, for each
mutant, only the tests that reach the mutated function, chosen from the test files
listed for the module below. Tests that start a subprocess (`python -m incidentdb`)
would run the unmutated code, so their files are left out.

The score is killed / (mutants - equivalent): a timeout counts as killed (the bug
was noticed), a mutant with no test reaching it counts as survived. Mutants that
cannot change behaviour are listed, each with its reason, in
tools/equivalent_mutants.txt; see docs/testing.md for the scores and how to read them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EQUIVALENT = REPO / "tools" / "equivalent_mutants.txt"
TARGET = 0.90

# module -> the test files that may catch its mutants (mutmut narrows them per function)
MODULES: dict[str, list[str]] = {
    "names": ["test_exact_values.py", "test_properties.py", "test_queries.py",
              "test_unit_names.py"],
    "dates": ["test_properties.py", "test_exact_values.py", "test_queries.py",
              "test_unit_dates.py"],
    "spreadsheet": ["test_csv_safety.py", "test_export.py", "test_unit_spreadsheet.py"],
    "validate": ["test_malformed.py", "test_loader.py", "test_exact_values.py",
                 "test_load_additive.py", "test_unit_validate.py"],
    # the value checks of each field kind (the registry validate uses)
    "checks": ["test_malformed.py", "test_exact_values.py", "test_unit_validate.py"],
    "reading": ["test_malformed.py", "test_loader.py", "test_load_additive.py",
                "test_unit_reading.py"],
    "loader": ["test_loader.py", "test_load_additive.py", "test_malformed.py",
               "test_unit_loader.py", "test_unit_writer.py"],
    "writer": ["test_loader.py", "test_load_additive.py", "test_malformed.py",
               "test_unit_writer.py", "test_unit_loader.py"],
    "lookup": ["test_queries.py", "test_exact_values.py", "test_unit_lookup.py"],
    "queries": ["test_queries.py", "test_unit_queries.py"],
}
# Slow tests (the LibreOffice round trip, the installed wheel) are not run per mutant.
PYTEST_ARGS = ["-m", "not slow", "-q", "-p", "no:cacheprovider", "-k", "not libreoffice"]
STATUS = re.compile(r"^\s*(?P<name>\S+): (?P<status>.+)$")


def equivalent_mutants() -> dict[str, str]:
    """Mutant name -> the reason it cannot change behaviour, from EQUIVALENT."""
    found: dict[str, str] = {}
    if EQUIVALENT.is_file():
        for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition(" ")
                found[name] = reason.strip()
    return found


def scratch_copy(work: Path) -> None:
    """The working tree's files (tracked and untracked, not ignored) copied to `work`."""
    shutil.rmtree(work, ignore_errors=True)
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            target = work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def configure(work: Path, module: str) -> None:
    tests = [f"tests/{name}" for name in MODULES[module] if (work / "tests" / name).is_file()]
    config = {
        "source_paths": ["src"],
        "only_mutate": [f"src/incidentdb/{module}.py"],
        "also_copy": ["data", "migrations", "alembic.ini", "README.md", "docs"],
        "pytest_add_cli_args": PYTEST_ARGS,
        "pytest_add_cli_args_test_selection": tests,
        # a mutant that loops forever (a recursion over a cycle) is a timeout, counted as
        # killed: 5 times its tests' time, not mutmut's 15, so that one costs a minute
        "timeout_multiplier": 5.0,
    }
    lines = ["", "[tool.mutmut]"] + [f"{key} = {json.dumps(value)}"
                                     for key, value in config.items()]
    with (work / "pyproject.toml").open("a", encoding="utf-8") as stream:
        stream.write("\n".join(lines) + "\n")


def run_module(module: str, root: Path, children: int, survivors: bool) -> dict:
    work = root / module
    scratch_copy(work)
    configure(work, module)
    started = time.monotonic()
    log = work / "mutmut.log"
    with log.open("w") as stream:
        subprocess.run(["mutmut", "run", "--max-children", str(children)], cwd=work,
                       stdout=stream, stderr=subprocess.STDOUT, check=False)
    seconds = time.monotonic() - started
    listed = subprocess.run(["mutmut", "results", "--all", "true"], cwd=work,
                            capture_output=True, text=True, check=False).stdout
    statuses = {m["name"]: m["status"] for m in map(STATUS.match, listed.splitlines()) if m}
    if not statuses:
        sys.exit(f"mutation: mutmut produced no results for {module}; see {log}")
    equivalent = equivalent_mutants()
    killed = [n for n, s in statuses.items() if s in ("killed", "timeout")]
    marked = [n for n, s in statuses.items() if n in equivalent and n not in killed]
    surviving = [n for n, s in statuses.items() if n not in killed and n not in equivalent]
    counted = len(statuses) - len(marked)
    score = len(killed) / counted if counted else 1.0
    if survivors:
        for name in surviving:
            print(subprocess.run(["mutmut", "show", name], cwd=work, capture_output=True,
                                 text=True, check=False).stdout)
    return {"module": module, "mutants": len(statuses), "killed": len(killed),
            "equivalent": len(marked), "surviving": surviving, "score": score,
            "seconds": round(seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"modules: {', '.join(MODULES)}")
    parser.add_argument("--all", action="store_true", help="every module")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get(
        "TMPDIR", "/tmp")) / "incidentdb-mutation", help="scratch folder")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--survivors", action="store_true", help="show each survivor's diff")
    args = parser.parse_args()
    modules = list(MODULES) if args.all else args.modules
    unknown = [m for m in modules if m not in MODULES]
    if not modules or unknown:
        parser.error(f"name modules from: {', '.join(MODULES)}")
    if shutil.which("mutmut") is None:
        sys.exit("mutation: mutmut is not installed (pip install -e '.[mutation]')")
    results = [run_module(m, args.work, args.children, args.survivors) for m in modules]
    print("| module | mutants | killed | equivalent | surviving | score | time |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['module']} | {r['mutants']} | {r['killed']} | {r['equivalent']} | "
              f"{len(r['surviving'])} | {r['score']:.1%} | {r['seconds']} s |")
    for r in results:
        for name in r["surviving"]:
            print(f"surviving: {name}")
    sys.exit(0 if all(r["score"] >= TARGET for r in results) else 1)


if __name__ == "__main__":
    main()
