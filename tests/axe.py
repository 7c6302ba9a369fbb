"""The accessibility check of the browser tests: axe-core (vendored in tests/assets/axe-core/) run
inside a page; the serious and critical violations it finds."""

from __future__ import annotations

from pathlib import Path

#: axe-core's single file, from npm (tests/assets/axe-core/README.md says which version and how).
AXE = Path(__file__).resolve().parent / "assets" / "axe-core" / "axe.min.js"


def serious_violations(page) -> list[str]:
    """Run axe-core on the Playwright `page` (its script evaluated through the browser's debugging
    protocol, which the page's Content-Security-Policy does not govern) and describe each serious or
    critical violation with up to three of its elements; the page's own errors are the caller's to check."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    # preload: false, so axe does not fetch the stylesheets again (the pages' CSP forbids fetching)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations'], preload: false})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
