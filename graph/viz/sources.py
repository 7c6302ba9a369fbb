"""Evidence you can check: every source text as a page with line anchors (`sources/<file>.html#L123`),
and every quote of every relation with a link to its line.

>>> source_page_name("004_ab6905b18fea9e05.txt")
'sources/004_ab6905b18fea9e05.html'
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from ..evidence import SourceText
from ..memo import Memo, digest
from ..namespaces import shorten
from ..network import GAP
from ..project import Project
from ..queries import rows
from .shell import FOOTER_UNKNOWN, render


@cache  # asked once per quote (tens of thousands at scale), for a handful of files
def source_page_name(file: str) -> str:
    """The page (relative to output/) of the source text in data/sources/`file`.

    >>> source_page_name("dalarna-revision-2024.txt")
    'sources/dalarna-revision-2024.html'
    """
    return f"sources/{Path(file).stem}.html"


def cited(q: dict) -> tuple[str, str]:
    """(document, link) of one quote of `edge_evidence`: the document with its line, and the link to
    its lines of the source text's page ('' without one), `#L89` or `#L89-L91` (source.js marks them).

    >>> cited({"quote": "x", "cited": "Översikt (2020)", "line": 89, "end": 91, "page": "sources/004_x.html"})
    ('Översikt (2020), rad 89', 'sources/004_x.html#L89-L91')
    >>> cited({"quote": "x", "cited": "Översikt (2020)", "line": 0, "end": 0, "page": ""})
    ('Översikt (2020)', '')
    """
    line = f", rad {q['line']}" if q["line"] else ""
    anchor = (f"#L{q['line']}" + (f"-L{q['end']}" if q["end"] > q["line"] else "")) if q["line"] else ""
    return q["cited"] + line, (q["page"] + anchor if q["page"] else "")


def last_line(lines: list[str], start: int, quote: str) -> int:
    """The line (1-based) on which `quote`, starting on line `start`, ends: `start` where it is not
    found within 40 lines.

    >>> last_line(["a b", "c sam-", "verkan d", "e"], 2, "c samverkan d")
    3
    """
    for end in range(start, min(start + 40, len(lines)) + 1):
        if SourceText("\n".join(lines[start - 1 : end])).find(quote):
            return end
    return start


def quote_ends(found: list[dict], project: Project, memo: Memo | None = None) -> dict[tuple[str, int, str], int]:
    """The line on which each quote of `found` (rows of edge-evidence.rq or node-evidence.rq) ends
    (`last_line`), by (file, line, quote), for the quotes with a line in a source text that exists.
    Each text is read once, and the ends of its quotes are kept in `memo` under the text's bytes and
    those quotes: a build whose quotes of a text are the last build's does not search it again."""
    wanted: dict[str, set[tuple[int, str]]] = {}
    for r in found:
        if r["line"] and r["file"]:
            wanted.setdefault(r["file"], set()).add((int(r["line"]), r["quote"]))
    memo = memo if memo is not None else Memo()
    ends: dict[tuple[str, int, str], int] = {}
    for file, quotes in wanted.items():
        try:
            data = (project.sources_dir / file).read_bytes()
        except OSError:
            continue  # no such text: the quotes keep their first line only
        ordered = sorted(quotes)

        def search(data=data, ordered=ordered) -> list[int]:
            lines = data.decode("utf-8").splitlines()
            return [last_line(lines, line, quote) for line, quote in ordered]

        found_ends = memo.get(memo.key("quote ends", digest(data), ordered), search)
        ends.update(((file, line, quote), end) for (line, quote), end in zip(ordered, found_ends, strict=True))
    return ends


def quote_of(row: dict, ends: dict[tuple[str, int, str], int]) -> dict:
    """One quote of a row of edge-evidence.rq or node-evidence.rq as the pages cite it: {quote, cited
    (the document by short title and date), line and end (the lines it starts and ends on, 0 if
    unknown; `ends` from `quote_ends`), page (its source text's page, '' if none), kind and kindEn (the
    source's kind: revisionsrapport, svar …)}."""
    line = int(row["line"] or 0)
    return {
        "quote": row["quote"],
        "cited": row["cited"],
        "line": line,
        "end": ends.get((row["file"], line, row["quote"]), 0) if line else 0,
        "page": source_page_name(row["file"]) if row["file"] else "",
        "kind": row["sourceKind"] or "",
        "kindEn": row["sourceKindEn"] or "",
    }


def edge_evidence(store: ox.Store, project: Project | None = None, memo: Memo | None = None) -> dict:
    """All quotes of the network's edges (queries/edge-evidence.rq), keyed as the edges of
    `graph.network.network` are: (source, relation local name, target) for a relation, the gap's
    short IRI for a collaboration gap; each quote a dict as `quote_of` makes it, with `validFrom` and
    `validUntil` where its statement dates the relation (where quotes end: `quote_ends`, with `memo`)."""
    project = project or Project.default()
    found = rows(store, "edge-evidence", project)
    ends = quote_ends(found, project, memo)
    out: dict = {}
    for r in found:
        q = quote_of(r, ends)
        q.update({k: r[k] for k in ("validFrom", "validUntil") if r[k]})
        if r["gap"]:
            key = shorten(r["gap"])
        else:
            key = (shorten(r["source"]), shorten(r["relation"]).removeprefix("nv:"), shorten(r["target"]))
        if q not in out.setdefault(key, []):
            out[key].append(q)
    return out


def node_evidence(store: ox.Store, project: Project | None = None, memo: Memo | None = None) -> dict[str, list[dict]]:
    """All quotes of the network's entities (queries/node-evidence.rq) by short IRI, each a dict as
    `quote_of` makes it, in the order of the sources' dates (where quotes end: `quote_ends`, with `memo`)."""
    project = project or Project.default()
    found = rows(store, "node-evidence", project)
    ends = quote_ends(found, project, memo)
    out: dict[str, list[dict]] = {}
    for r in found:
        q = quote_of(r, ends)
        if q not in out.setdefault(shorten(r["node"]), []):
            out[shorten(r["node"])].append(q)
    return out


def node_time(store: ox.Store, project: Project | None = None) -> dict[str, dict]:
    """The time facts of the network's entities that have any (queries/node-time.rq) by short IRI:
    lifecycle and lifecycleEn (the state's labels), validFrom, validUntil (as the source dates them)
    and succeededBy (a list of short IRIs), each only where the model states it, and ended (True where
    these facts say the entity ended: dissolved, an end date or a successor)."""
    out: dict[str, dict] = {}
    for r in rows(store, "node-time", project):
        facts = out.setdefault(shorten(r["node"]), {})
        facts.update({k: r[k] for k in ("lifecycle", "lifecycleEn", "validFrom", "validUntil") if r[k]})
        if r["ended"] == "true":
            facts["ended"] = True
        if r["succeededBy"]:
            facts.setdefault("succeededBy", []).append(shorten(r["succeededBy"]))
    return out


def edge_quotes(evidence: dict, source: str, key: str, target: str, kind: str) -> list[dict]:
    """The quotes of one network edge from `edge_evidence`'s map (a gap's by its key).

    >>> edge_quotes({("a", "memberOf", "b"): [1], "nvr:g": [2]}, "a", "memberOf", "b", "memberOf")
    [1]
    >>> edge_quotes({("a", "memberOf", "b"): [1], "nvr:g": [2]}, "a", "nvr:g", "b", "gap")
    [2]
    """
    return evidence.get(key if kind == GAP else (source, kind, target), [])


def source_links(store: ox.Store, project: Project | None = None) -> dict[str, str]:
    """How quotes cite each source document (short title and date) → its source text's page."""
    return {r["cited"]: source_page_name(r["file"]) for r in rows(store, "source-documents", project)}


def source_pages(store: ox.Store, project: Project, footer: dict | None = None) -> list[tuple[str, Callable[[], str]]]:
    """(path, draw) of every source text's page: `draw()` gives its HTML, the text's lines numbered, each
    with an anchor `#L<n>` (the store is read here; drawing reads only the text's file).

    >>> import graph.store as st
    >>> pages = source_pages(st.memory_store(Project.default().input_files()), Project.default())
    >>> path, draw = pages[0]
    >>> path.startswith("sources/"), 'id="L1"' in draw()
    (True, True)
    """
    pages = []
    for r in rows(store, "source-documents", project):
        path = project.sources_dir / r["file"]
        if not path.is_file():
            continue

        def draw(r: dict = r, path: Path = path) -> str:
            return render(
                "source.html",
                base="../",
                title=r["short"] or r["title"] or r["file"],
                subtitle=" · ".join(x for x in (r["title"], r["date"], r["file"]) if x),
                lines=path.read_text(encoding="utf-8").splitlines(),
                footer=footer or FOOTER_UNKNOWN,
            )

        pages.append((source_page_name(r["file"]), draw))
    return pages
