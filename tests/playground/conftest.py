"""Fixtures of the playground tests: a server on a free loopback port, a small HTTP client and
(for the browser tests) Debian's chromium driven by Playwright.

The browser tests are skipped only where chromium or Playwright is missing *and* ``CI`` is
not ``"true"``; in CI a missing browser is a failure, never a silent skip.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request

import pytest

from glassnet.playground.server import PlaygroundServer

CHROMIUM = os.environ.get("GLASSNET_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


class Client:
    """JSON over HTTP to one playground server."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def request(self, path: str, body=None, *, raw: bytes | None = None,
                ctype: str | None = None, headers: dict | None = None, method=None):
        """``(status, decoded JSON or bytes)`` of a request; errors are returned, not raised."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        hdrs = dict(headers or {})
        if data is not None:
            hdrs["Content-Type"] = ctype or ("application/json" if raw is None
                                             else "application/octet-stream")
        req = urllib.request.Request(self.url + path, data=data, headers=hdrs, method=method)
        try:
            with urllib.request.urlopen(req, timeout=20) as res:
                status, payload, kind = res.status, res.read(), res.headers.get("Content-Type")
        except urllib.error.HTTPError as exc:
            status, payload, kind = exc.code, exc.read(), exc.headers.get("Content-Type")
        if kind and kind.startswith("application/json"):
            return status, json.loads(payload)
        return status, payload

    def post(self, path: str, body: dict):
        return self.request(path, body)

    def get(self, path: str):
        return self.request(path)

    def new_session(self, settings: dict | None = None) -> str:
        status, data = self.post("/api/session", {"settings": settings or {}})
        assert status == 200, data
        return data["sid"]

    def state(self, sid: str) -> dict:
        status, data = self.get(f"/api/state?sid={sid}")
        assert status == 200, data
        return data


@pytest.fixture(scope="module")
def server():
    srv = PlaygroundServer(port=0, max_fps=60)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server) -> Client:
    return Client(server.url)


def _browser_or_skip():
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install playwright)")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"chromium at {CHROMIUM} (apt-get install chromium)")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI=true, so they may not be skipped")
        pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
