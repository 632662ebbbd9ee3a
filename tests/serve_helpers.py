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


def tiny_results(target: Path) -> Path:
    """A copy of the tiny review, imported and deduplicated: what the app reads (its
    records and duplicate groups), made in process."""
    import contextlib

    from conftest import FIXTURES, _import_jobs
    from litreview.cli import main
    from litreview.core import paths
    from litreview.pipeline.smk import validated_review

    shutil.copytree(FIXTURES / "tiny_review", target)
    with contextlib.chdir(target):
        review = validated_review(Path("."))
        records = [paths.records(s.slug) for s in review.sources]
        for job in [*_import_jobs(review),
                    ["dedupe", *records, "-o", paths.UNIQUE, "--groups", paths.GROUPS]]:
            assert main(job) == 0, job
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


class AppClient:
    """The app on a desk, called in this process as a browser would (through its guard),
    without a server: ``get`` and ``post`` as a reviewer named by the app's cookie."""

    CSRF = "test-csrf-token"

    def __init__(self, desk, resolver: str = ""):
        from litreview.serve.app import Settings, create_app
        from litreview.serve.guard import Keys

        self.keys = Keys(self.CSRF, "", 0)
        self.app = create_app(desk, Settings(resolver=resolver), self.keys, None)

    def get(self, path: str, who: str = "") -> tuple[int, str]:
        return self.call("GET", path, who)

    def post(self, path: str, body: object, who: str = "",
             csrf: str = CSRF) -> tuple[int, str]:
        import json

        return self.call("POST", path, who, json.dumps(body).encode(),
                         {"content-type": "application/json", "x-csrf-token": csrf})

    def call(self, method: str, path: str, who: str, body: bytes = b"",
             headers: dict[str, str] | None = None) -> tuple[int, str]:
        import asyncio

        headers = {**(headers or {}), "host": "127.0.0.1"}
        if who:
            headers["cookie"] = f"{self.keys.cookie('reviewer')}={who}"
        route, _, query = path.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": method, "scheme": "http", "path": route,
                 "raw_path": route.encode(), "query_string": query.encode(), "root_path": "",
                 "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
                 "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80)}
        messages: list[dict] = []
        given = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict:
            return given.pop() if given else {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            messages.append(message)

        asyncio.run(self.app(scope, receive, send))
        status = next(m["status"] for m in messages if m["type"] == "http.response.start")
        text = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        return status, text.decode()
