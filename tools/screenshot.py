"""Make the README's picture of the web view: a person's case file in headless Chromium.

    python tools/screenshot.py                      # writes docs/person-page.png
    python tools/screenshot.py --out x.png --url "/-/month?month=2021-06"

It loads the bundled data into a fresh SQLite database in a temporary folder, serves it
with `incidentdb serve` on a free port of 127.0.0.1, and has Chromium (Debian's
`chromium`) take a 1280x900 screenshot of the page; then stops the server.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_URL = "/-/person?name=Tofiq%20Yaqublu"


def incidentdb(*args: str) -> list[str]:
    return [sys.executable, "-m", "incidentdb", *args]


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def wait_for(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if server.poll() is not None:
            raise SystemExit(f"incidentdb serve ended: {server.communicate()[1]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("incidentdb serve did not listen in time") from None
            time.sleep(0.2)


def screenshot(url: str, out: Path, size: str, folder: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("Chromium is not installed: apt-get install chromium")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--hide-scrollbars", f"--user-data-dir={folder / 'profile'}",
                    f"--screenshot={out.resolve()}", f"--window-size={size}", url],
                   check=True, capture_output=True, timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "person-page.png")
    parser.add_argument("--url", default=DEFAULT_URL, help="the page's path")
    parser.add_argument("--size", default="1280,900", help="the window, WIDTH,HEIGHT")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        database = folder / "incidents.db"
        subprocess.run(incidentdb("--db", str(database), "db", "upgrade"), check=True,
                       capture_output=True)
        subprocess.run(incidentdb("--db", str(database), "load", str(REPO / "data")),
                       check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen(incidentdb("--db", str(database), "serve", "--port",
                                             str(port)),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for(port, server)
            screenshot(f"http://127.0.0.1:{port}{options.url}", options.out, options.size,
                       folder)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"wrote {options.out}")


if __name__ == "__main__":
    main()
