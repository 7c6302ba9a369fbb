"""Headless Chromium for the page tests and `make bench` (Debian's chromium, network blocked): its flags live here."""

from __future__ import annotations

import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)",
)


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


class Page:
    """A page with its console errors and every network request it tried (all refused, except files and
    addresses under `allow`, e.g. a local server's)."""

    def __init__(self, b, url: str, viewport=(1500, 900), allow: str = "file://"):
        self.allow = allow
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = b.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.errors.append("dialog: " + d.message), d.dismiss()))
        self.page.route("**/*", self._route)
        self.page.goto(url)

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file://", self.allow)):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def open_list(self, box: str) -> None:
        """Open a list's <details> and wait until its table is drawn (the toggle event comes a task later)."""
        self.page.click(f"{box} summary")
        self.page.locator(f"{box} caption").filter(has_text=re.compile(r"\d")).wait_for()

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
