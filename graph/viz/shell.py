"""One page system: every page (index, national, region, actor, sources, gaps report, query page)
is a Jinja2 template extending `base.html`, with one stylesheet and its script in files under
graph/static/ (no inline script or style, so the Content-Security-Policy needs no 'unsafe-inline').
Jinja2 escapes every value put into a page.

>>> "<b>" in render("source.html", title="<b>", lines=[], footer=FOOTER_UNKNOWN)
False
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import jinja2

from ..project import Project

#: Where the page scripts and the stylesheet live (copied to output/assets/, served as /static/).
ASSETS = Path(__file__).parent.parent / "static"

#: The pages' policy: scripts and styles from files only, no request anywhere (the pages read their
#: data from a JSON block). The query page's server sends its own, with `connect-src 'self'`.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'none'; base-uri 'none'; form-action 'none'"
)

#: The footer of a page drawn with no project at hand.
FOOTER_UNKNOWN = {"built": "", "version": ""}

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, **context) -> str:
    """The page `template` (a file in graph/viz/) filled with `context`; `csp`, `base` (the way to
    the output folder's root), `assets` (the way to its assets), `subtitle` and `query_page` (the
    nav's link to the SPARQL page) have defaults; so do `title_en` and `subtitle_en`, the English the
    network pages' English switch shows (graph/static/lang.js)."""
    base = context.setdefault("base", "")
    context.setdefault("assets", base + "assets/")
    context.setdefault("csp", CSP)
    context.setdefault("subtitle", "")
    context.setdefault("title_en", "")
    context.setdefault("subtitle_en", "")
    context.setdefault("query_page", base + "sparql.html")  # `naravard serve` redirects it to its query page
    return _ENV.get_template(template).render(**context)


def data_version(project: Project) -> str:
    """A fingerprint of the project's input files (ontology and data, `Project.input_files`): the same
    inputs give the same version, whatever the build date; '' without any of them.

    >>> len(data_version(Project.default()))
    12
    """
    files = sorted(p for p in project.input_files() if p.is_file())
    if not files:
        return ""  # a store served without its project's files
    h = hashlib.sha256()
    for path in files:
        h.update(project.relative(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def build_date() -> str:
    """The build date (UTC; `SOURCE_DATE_EPOCH` if set, for byte-identical builds on any day)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return when.strftime("%Y-%m-%d")


def footer(project: Project | None) -> dict[str, str]:
    """The footer's build date (`build_date`) and data version (`data_version`: of all the project's
    inputs) for pages of `project` drawn one at a time (the server's pages)."""
    return {"built": build_date(), "version": data_version(project or Project.default())}


#: The data version a built page's footer holds while it is drawn (`page_footer`); `stamp` puts the
#: digest of the page in its place.
PENDING = "pending"


def page_footer() -> dict[str, str]:
    """The footer of a built page: the build date and, as its data version, the version of what that
    page shows (`stamp`), so an edit changes only the pages that show what it changed.

    >>> stamp(render("source.html", title="T", lines=[], footer=page_footer())) == stamp(
    ...     render("source.html", title="T", lines=[], footer=page_footer()))
    True
    """
    return {"built": build_date(), "version": PENDING}


def stamp(html: str) -> str:
    """`html` (drawn with `page_footer`) with its footer's data version: the first 12 hex digits of the
    SHA-256 of the page as drawn.

    >>> import re
    >>> re.search(r"<code>([0-9a-f]{12})</code>", stamp(render("source.html", title="T", lines=[],
    ...     footer=page_footer()))) is not None
    True
    """
    version = hashlib.sha256(html.encode("utf-8")).hexdigest()[:12]
    return html.replace(f"<code>{PENDING}</code>", f"<code>{version}</code>", 1)
