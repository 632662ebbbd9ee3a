"""Running ``litreview serve`` for a test: a review with results to screen, the server as
a process of its own (so that a test may kill it), and headless Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

#: Debian's Chromium, as the probe of this machine's kind starts it (no network of its own).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def chromium() -> str:
    """Debian's Chromium; skipped visibly where it is absent, but never in CI
    (``LITREVIEW_REQUIRE_BROWSER=1``, which ``.ci/run`` sets): there it fails."""
    path = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser")) if p),
                None)
    if path is None:
        message = "no Chromium here (apt-get install chromium); .ci/run installs it"
        if os.environ.get("LITREVIEW_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def review_to_screen(built: Path, target: Path) -> Path:
    """A copy of a review with its results, and no decision yet: every record to screen."""
    shutil.copytree(built, target, ignore=shutil.ignore_patterns(".snakemake"))
    for sheet in (target / "screening" / "decisions").glob("*"):
        sheet.unlink()
    return target


class Server:
    """``litreview serve`` on a review, in a process of its own, on a free port."""

    def __init__(self, review: Path, *args: str):
        code = "import sys; from litreview.cli import main; sys.exit(main())"
        # a pipe left unread could fill and block the server: its messages go to a file
        self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed by stop)
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, "serve", str(review), "--no-browser", "--port", "0",
             *args], stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line.startswith("litreview serve: "):
            self.process.kill()
            raise AssertionError(f"the server did not start: {line}{self.messages()}")
        self.url = line.split(": ", 1)[1].strip()
        self.base = self.url.split("?")[0].rstrip("/")

    def kill(self) -> None:
        """Killed at once, as a power cut would: no clean-up runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process.stdout:
            self.process.stdout.close()
        self.log.close()

    def messages(self) -> str:
        """What the server wrote to stderr so far."""
        self.log.seek(0)
        return self.log.read()

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        """The status and text of a GET, without a browser."""
        return request(self.base + path, headers=headers)


def request(url: str, data: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
