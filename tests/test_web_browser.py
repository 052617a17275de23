"""The web view in a real browser: `incidentdb serve` in a process of its own, and
headless Chromium loading the person page and the month page as a reader would.

Skipped without Chromium, except in CI (CI=true), where .ci/run installs Debian's
`chromium` and a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .test_web import served  # noqa: F401 - the fixture: the bundled data as a SQLite file


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("CI: chromium (Debian's chromium package) is missing; .ci/run installs it")
    pytest.skip("Chromium is not installed: apt-get install chromium")


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(served: Path) -> Iterator[str]:  # noqa: F811 - the fixture imported above
    """`incidentdb serve` on a free port of 127.0.0.1; its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "incidentdb", "--db", str(served), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"incidentdb serve ended: {process.communicate()[1]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("incidentdb serve did not listen within 60 s")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def rendered(url: str, profile: Path) -> str:
    """The page's DOM after Chromium has loaded and rendered it."""
    result = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_person_page_in_a_browser(server, tmp_path):
    dom = rendered(f"{server}/-/person?name=Tofiq%20Yaqublu", tmp_path)
    assert "<h1>Tofig Yagublu</h1>" in dom
    for shown in ("Musavat party", "Prosecution of Tofig Yagublu",
                  "Tofig Yagublu on hunger strike against his conviction",
                  "with a 30-month conditional sentence"):
        assert shown in dom, shown


def test_the_month_page_in_a_browser(server, tmp_path):
    dom = rendered(f"{server}/-/month?month=2021-06", tmp_path)
    assert "Events of 2021-06" in dom
    for title in ("12 APFP members, including five party leaders, given suspended sentences",
                  "Said Mamedzade Bakuvi released",
                  "Two Azerbaijani journalists and a local official killed by a mine"):
        assert title in dom, title
    for name in ("Asif Yusifli", "Fuad Gahramanli", "Said Mamedzade Bakuvi"):
        assert name in dom, name
    assert "May fall in 2021-06 (uncertain): 47" in dom
