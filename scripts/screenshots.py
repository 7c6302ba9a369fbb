"""Screenshots of every page kind at desktop (1440×900) and phone (390×844) widths, for docs/ and the README.

Run after `make run` (the pages in output/): `make screenshots`, or
`.venv/bin/python scripts/screenshots.py [--out output] [--docs docs/screenshots]`.
It opens the built pages from disk in headless Chromium (network blocked, as the page tests do) and the
query page from a `naravard serve` it starts on a free loopback port and stops again.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import Page, browser  # noqa: E402  (Chromium's path and flags live there, once)

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}

#: page kind → the page (relative to the output folder) that shows it
PAGES = {
    "index": "index.html",
    "map": "national.html",
    "network": "national-network.html",
    "region": "regions/dalarna.html",
    "actor": "actors/dalarna--valfardsradet.html",
    "gaps": "gaps.html",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settle(page) -> None:
    """Wait until a network page has drawn (other pages are ready when loaded)."""
    if page.evaluate("() => !!document.getElementById('graph-data')"):
        page.wait_for_function("() => window.naravard && window.naravard.isStabilized()", timeout=60_000)
    page.wait_for_timeout(300)


def shoot(out: Path, docs: Path) -> list[Path]:
    """Write docs/<kind>-<size>.png for every page kind and size; the files written."""
    source = sorted((out / "sources").glob("*.html"))[0]
    targets = {kind: (out / rel).as_uri() for kind, rel in PAGES.items()}
    targets["source"] = source.as_uri() + "#L120"
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/naravard"), "serve", "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    written = []
    try:
        for _ in range(200):  # the server loads the store first
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        targets["query"] = f"http://127.0.0.1:{port}/"
        docs.mkdir(parents=True, exist_ok=True)
        with browser() as b:
            for kind, url in targets.items():
                for size, viewport in SIZES.items():
                    page = Page(b, url, viewport=viewport, allow=f"http://127.0.0.1:{port}/")
                    settle(page.page)
                    path = docs / f"{kind}-{size}.png"
                    page.page.screenshot(path=str(path))
                    page.page.close()
                    if page.errors or page.requests:
                        raise SystemExit(f"Error: {url}: {page.errors or page.requests}")
                    written.append(path)
    finally:
        server.terminate()
        server.wait(10)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "output", help="the built pages (make run)")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "screenshots", help="where to write")
    args = parser.parse_args()
    if not (args.out / "index.html").is_file():
        raise SystemExit(f"Error: {args.out}/index.html: no pages; run `make run` first")
    for path in shoot(args.out, args.docs):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
