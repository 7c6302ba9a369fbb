"""Render one interactive network page from a networkx graph.

Data goes into the page as JSON inside a `<script type="application/json">` block with
`<`, `>` and `&` escaped, and the page's script builds every label with textContent,
so a label such as `<img src=x onerror=alert(1)>` shows as text.

>>> import networkx as nx
>>> g = nx.MultiDiGraph(); g.add_node("nvr:a", label="<b>", cls="Board", region="", quote="", document="", acronyms=[])
>>> "<b>" in render_page(page_data(g, title="T"), title="T")
False
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import networkx as nx
import orjson

from ..network import GAP
from .shell import FOOTER_UNKNOWN, render
from .sources import edge_quotes
from .style import class_style, relation_style


def page_name(node: str, cls: str) -> str:
    """The page (relative to output/) that shows `node`: regions/x.html or actors/x.html."""
    local = re.sub(r"[^A-Za-z0-9._-]", "_", node.split(":", 1)[-1])
    return f"regions/{local}.html" if cls == "Region" else f"actors/{local}.html"


def page_names(g: nx.Graph) -> dict[str, str]:
    """Each node of `g` → its page (`page_name`).

    >>> g = nx.Graph(); g.add_node("nvr:dalarna", cls="Region"); g.add_node("nvr:x", cls="Board")
    >>> page_names(g)
    {'nvr:dalarna': 'regions/dalarna.html', 'nvr:x': 'actors/x.html'}
    """
    return {n: page_name(n, d["cls"]) for n, d in g.nodes(data=True)}


#: The edge kind of a link suggested by the analysis: computed by the program, so named here, not in the model.
PREDICTED = {"sv": "beräknat förslag", "en": "suggested link (computed)"}


def page_data(
    g: nx.MultiDiGraph,
    *,
    title: str,
    positions: dict | None = None,
    focus: str | None = None,
    base: str = "",
    self_page: str = "",
    region_labels: dict | None = None,
    labels: dict | None = None,
    computed: list | dict | None = None,
    pages: set | None = None,
    figure_labels: dict | None = None,
    figure_labels_en: dict | None = None,
    evidence: dict | None = None,
    diagram: dict | None = None,
    node_evidence: dict | None = None,
    node_time: dict | None = None,
    timeline: dict | None = None,
) -> dict:
    """The JSON the page's script reads: nodes, edges, styles and where links go.

    `labels` (`graph.viz.style.model_labels`) names classes, relations, structure types, levels
    and sides from the ontology: `label` in Swedish, `labelEn` in English. `classes`,
    `structureTypes`, `levels` and `relations` hold those present on the page, for its legend,
    filters and tooltips, classes and relations with their style (the default where style.toml
    names none).
    `computed` holds suggested links (objects with a, b, explanation, name) drawn as
    dashed edges, a list or {index: link} (those that may touch the page, from a longer list: a link's
    edge id is "c" and its index); `pages` limits links to pages that exist. `figure_labels` names the network
    figures computed at build time (`degree` → "grad", graph/metrics.py) that the details panel shows
    (`figure_labels_en` in English).
    `evidence` (`graph.viz.sources.edge_evidence`) gives an edge all its quotes, as `evidence`:
    [quote, index into `documents` ({cited, page, kind, kindEn}: the document, its source text's page
    and its kind, revisionsrapport, svar …), line, last line]; a stated gap's edge has its `summary`
    and `gapKind` (`gapKindEn`);
    an edge without it keeps its one `quote` and `document`; an edge whose statement dates the relation
    has `validFrom` / `validUntil`.
    `diagram` (`graph.viz.diagram.diagram_data`, region pages) is passed on as is: the governance
    diagram's positions, rows, columns and hidden municipalities (their class named in `classes`).
    `node_evidence` (`graph.viz.sources.node_evidence`) gives each node `sources`, the documents that
    evidence it (indexes into `documents`), and its quotes as `evidence` (as an edge's; a node without
    any keeps its `quote` and `document`); `node_time` (`graph.viz.sources.node_time`) its time facts
    (`lifecycle`, `lifecycleEn`, `validFrom`, `validUntil`, `succeededBy`, and `ended` where they say it
    ended) where the model states them.
    `timeline` ({region, dates: each document's date by how it is cited}) makes a region page's
    source switch (graph/static/timeline.js): where two or more documents evidence the region's own
    entities and relations, `timeline` holds the region and those documents as `sources` (indexes,
    ordered by the sources' dates) with their `dates`, and each node an `evidence` list (empty when none).

    >>> g = nx.MultiDiGraph(); g.add_node("nvr:f", label="F", cls="NewClass", structure_types=["nv:st-new"])
    >>> labels = {"class": {"NewClass": {"sv": "Ny klass", "en": "New class"}},
    ...           "structureType": {"nv:st-new": {"sv": "ny typ", "en": "new type"}}}
    >>> d = page_data(g, title="T", labels=labels)
    >>> d["classes"]["NewClass"]["label"], d["structureTypes"]["nv:st-new"]["labelEn"]
    ('Ny klass', 'new type')
    """
    region_labels = region_labels or {}
    labels = labels or {}

    def named(kind: str, key: str, **extra) -> dict:
        label = labels.get(kind, {}).get(key, {})
        return {**extra, "label": label.get("sv", key), "labelEn": label.get("en", key)}

    documents: dict[tuple, int] = {}  # (cited, page, kind, kindEn) → its index in "documents"

    def document(q: dict) -> int:
        return documents.setdefault((q["cited"], q["page"], q.get("kind", ""), q.get("kindEn", "")), len(documents))

    def cite(quotes: list[dict]) -> list[list]:  # every quote once, its document by index
        return [[q["quote"], document(q), q["line"], q["end"]] for q in quotes]

    undirected_degree = dict(g.degree())
    nodes = []
    for n, d in g.nodes(data=True):
        page = page_name(n, d["cls"])
        side = labels.get("side", {}).get(d.get("side", ""), {})
        node = {
            "id": n,
            "label": d["label"],
            "cls": d["cls"],
            "region": d.get("region", ""),
            "regionLabel": region_labels.get(d.get("region", ""), ""),
            "acronyms": d.get("acronyms", []),
            "sideLabel": side.get("sv", ""),
            "sideLabelEn": side.get("en", ""),
            "structureTypes": d.get("structure_types", []),
            "levels": d.get("levels", []),
            # every quote that evidences the node, as a relation's ([quote, document, line, last line]);
            # without `node_evidence`, its first quote and document as text
            **(
                {"evidence": cite(node_evidence[n])}
                if node_evidence and node_evidence.get(n)
                else {"quote": d.get("quote", ""), "document": d.get("document", "")}
            ),
            "degree": undirected_degree.get(n, 0),
            "page": page if pages is None or page in pages else None,
            "figures": {k: d[k] for k in figure_labels or {} if k in d},
            # the sources that evidence the node (documents by index), for the source switch
            "sources": sorted({document(q) for q in (node_evidence or {}).get(n, [])}),
            **(node_time or {}).get(n, {}),
        }
        if positions and n in positions:
            node["x"], node["y"] = round(positions[n][0], 1), round(positions[n][1], 1)
        nodes.append(node)
    edges = []
    for i, (s, t, k, d) in enumerate(g.edges(keys=True, data=True)):
        edge = {"id": f"e{i}", "from": s, "to": t, "kind": d.get("kind", k)}
        if d.get("summary"):  # a stated gap: what the source says is missing, and its kind
            edge.update(summary=d["summary"], gapKind=d.get("gap_kind", ""), gapKindEn=d.get("gap_kind_en", ""))
        if edge["kind"] == GAP:
            edge["gap"] = k  # the gap's short IRI (network.network keys a gap's edges by it)
        quotes = edge_quotes(evidence or {}, s, k, t, edge["kind"])
        if quotes:  # every quote once, its document by index: [quote, document, line, last line]
            edge["evidence"] = cite(quotes)
            edge.update({k: q[k] for q in quotes for k in ("validFrom", "validUntil") if k in q})
        else:
            edge.update(quote=d.get("quote", ""), document=d.get("document", ""))
        edges.append(edge)
    edges = one_edge_per_gap(edges)
    for j, c in computed.items() if isinstance(computed, dict) else enumerate(computed or []):
        if c.a in g and c.b in g:
            edges.append(
                {
                    "id": f"c{j}",
                    "from": c.a,
                    "to": c.b,
                    "kind": "predicted",
                    "explanation": f"{c.name}: {c.explanation}",
                    "quote": c.evidence or "",
                    "document": "",
                }
            )
    sources = region_sources(timeline["region"], nodes, edges) if timeline else []
    if len(sources) > 1:  # a region described by several sources: its source switch and "what changed"
        cited = {i: c for (c, *_), i in documents.items()}
        date = {i: timeline["dates"].get(cited[i], "") for i in sources}
        sources.sort(key=lambda i: (date[i], cited[i]))
        timeline = {"region": timeline["region"], "sources": sources, "dates": [date[i] for i in sources]}
        for node in nodes:  # all its quotes (none: an empty list), for the list of changes
            node.setdefault("evidence", [])
    else:
        timeline = None
    members = (diagram or {}).get("members", [])  # shown on demand: their class and relation named too
    kinds = dict.fromkeys([*(e["kind"] for e in edges), *(m["kind"] for m in members), GAP, "predicted"])
    relations = {k: named("relation", k, **relation_style(k)) for k in kinds}
    relations["predicted"].update(label=PREDICTED["sv"], labelEn=PREDICTED["en"])
    classes = dict.fromkeys(n["cls"] for n in nodes)
    classes.update(dict.fromkeys(m["cls"] for m in members))
    return {
        "title": title,
        "base": base,
        "layout": bool(positions),
        "focus": focus,
        "selfPage": self_page,
        "nodes": nodes,
        "edges": edges,
        "documents": [{"cited": c, "page": p, "kind": k, "kindEn": ke} for c, p, k, ke in documents],
        "figureLabels": figure_labels or {},
        "figureLabelsEn": figure_labels_en or figure_labels or {},
        "classes": {c: named("class", c, **class_style(c)) for c in classes},
        "structureTypes": {
            t: named("structureType", t) for t in dict.fromkeys(t for n in nodes for t in n["structureTypes"])
        },
        "levels": {v: named("level", v) for v in dict.fromkeys(v for n in nodes for v in n["levels"])},
        "relations": relations,
        **({"diagram": diagram} if diagram else {}),
        "timeline": timeline,
    }


def one_edge_per_gap(edges: list[dict]) -> list[dict]:
    """`edges` with one entry per stated gap: the network has an edge per pair of a gap's actors, so a
    gap between more than two actors on the page becomes its first entry, its first two actors as
    `from` and `to` and the others, in the order met, as `also` (graph/static/network.js draws it as one
    mark joined to each actor); relations and two-actor gaps are kept as they are.

    >>> pairs = [{"id": "e0", "from": "a", "to": "b", "gap": "g"}, {"id": "e1", "from": "a", "to": "c", "gap": "g"},
    ...          {"id": "e2", "from": "b", "to": "c", "gap": "g"}, {"id": "e3", "from": "a", "to": "b"}]
    >>> one_edge_per_gap(pairs)
    [{'id': 'e0', 'from': 'a', 'to': 'b', 'gap': 'g', 'also': ['c']}, {'id': 'e3', 'from': 'a', 'to': 'b'}]
    """
    first: dict[str, dict] = {}
    out = []
    for e in edges:
        gap = e.get("gap")
        if gap is None or gap not in first:
            out.append(e)
            if gap is not None:
                first[gap] = e
            continue
        kept = first[gap]
        for actor in (e["from"], e["to"]):
            if actor not in (kept["from"], kept["to"], *kept.get("also", [])):
                kept.setdefault("also", []).append(actor)
    return out


def region_sources(region: str, nodes: list[dict], edges: list[dict]) -> list[int]:
    """The documents (indexes) that evidence `region`'s own entities (the region and those in it) or a
    relation of one of them, in the order first met.

    >>> nodes = [{"id": "r", "region": "r", "sources": [1]}, {"id": "x", "region": "", "sources": [2]}]
    >>> region_sources("r", nodes, [{"from": "r", "to": "x", "evidence": [["q", 3, 1, 1]]}])
    [1, 3]
    """
    own = {n["id"] for n in nodes if n["region"] == region or n["id"] == region}
    found = [i for n in nodes if n["id"] in own for i in n["sources"]]
    found += [ev[1] for e in edges if own & {e["from"], e["to"], *e.get("also", [])} for ev in e.get("evidence", [])]
    return list(dict.fromkeys(found))


#: A string of at least this many characters that the nodes and edges hold more than once (a quote that
#: evidences an actor and several relations) is written once, in "texts", and referred to as {"$t": index}.
SHARED_TEXT = 32


def pack(data: dict) -> dict:
    """`data` (`page_data`) with its nodes and edges by column, so that no key and no repeated value is
    written more than once (a page's weight is mostly these): each list becomes {"n": rows, "cols": {key:
    column}}, a column either {"v": [value per row]} or {"s": [distinct values], "i": [index per row, -1
    where the row has no such key]}, or, where every row has a dict (such as a node's network figures),
    {"d": {key: column of that key}}; a long string met more than once anywhere in them (`SHARED_TEXT`)
    goes into "texts" and its places hold {"$t": its index}. graph/static/unpack.js restores `data`
    before any other script reads it.

    >>> pack({"nodes": [{"id": "a", "cls": "X"}, {"id": "b", "cls": "X", "page": None}], "edges": []})["nodes"]
    {'n': 2, 'cols': {'id': {'v': ['a', 'b']}, 'cls': {'s': ['X'], 'i': [0, 0]}, 'page': {'s': [None], 'i': [-1, 0]}}}
    >>> q = "a quote long enough to be worth sharing"
    >>> packed = pack({"nodes": [{"id": "a", "quote": q}], "edges": [{"id": "e0", "evidence": [[q, 0, 1, 1]]}]})
    >>> packed["texts"], packed["edges"]["cols"]["evidence"]
    (['a quote long enough to be worth sharing'], {'v': [[[{'$t': 0}, 0, 1, 1]]]})
    >>> pack({"nodes": [{"x": "['a']"}] + [{"x": ["a"]}] * 3})["nodes"]["cols"]["x"]  # a string, then a list
    {'s': ["['a']", ['a']], 'i': [0, 1, 1, 1]}
    """
    tables = [k for k in ("nodes", "edges") if k in data]
    # Written for speed (a page's rows are walked several times; this ran for every page of a build):
    # strings and lists are told by their exact type, and a value holding no shared text is kept as is.
    seen: dict[str, int] = {}

    def count(values: Iterable) -> None:  # how often each long string occurs, in lists at any depth
        for v in values:
            if type(v) is str:
                if len(v) >= SHARED_TEXT:
                    seen[v] = seen.get(v, 0) + 1
            elif type(v) is list:
                count(v)

    for k in tables:
        for r in data[k]:
            count(r.values())
    shared = {text: i for i, text in enumerate(t for t, n in seen.items() if n > 1)}

    def refer(values: list) -> list:
        return [
            ({"$t": shared[v]} if v in shared else v) if type(v) is str else refer(v) if type(v) is list else v
            for v in values
        ]

    def referred(r: dict) -> dict:
        return {
            k: refer(v) if type(v) is list else {"$t": shared[v]} if type(v) is str and v in shared else v
            for k, v in r.items()
        }

    missing = object()

    def columns(rows: list[dict]) -> dict:
        rows = [referred(r) for r in rows] if shared else rows
        cols = {}
        for key in dict.fromkeys(k for r in rows for k in r):
            column = [r.get(key, missing) for r in rows]
            if rows and all(type(v) is dict and "$t" not in v for v in column):
                cols[key] = {"d": columns(column)["cols"]}  # a dict's keys written once
                continue
            # a value's identity: a string itself (among the strings); another scalar with its type (1, 1.0
            # and True stay apart); a list or dict its repr, which tells them apart too (equal reprs, equal
            # values), among the non-strings, so that a string never stands for a list that prints like it
            strings: dict = {}
            others: dict = {}
            values: list = []
            index = []
            for v in column:
                if v is missing:
                    index.append(-1)
                    continue
                if type(v) is str:
                    seen_values, ident = strings, v
                else:
                    seen_values = others
                    ident = (type(v), v) if v is None or isinstance(v, int | float) else repr(v)
                at = seen_values.get(ident)
                if at is None:
                    at = seen_values[ident] = len(values)
                    values.append(v)
                index.append(at)
            whole = -1 not in index and 2 * len(values) > len(rows)
            cols[key] = {"v": column} if whole else {"s": values, "i": index}
        return {"n": len(rows), "cols": cols}

    return {**data, "packed": 1, "texts": list(shared), **{k: columns(data[k]) for k in tables}}


def unpack(data: dict) -> dict:
    """The inverse of `pack`: `data` as graph/static/unpack.js restores it in the browser (for tests and
    for reading a page's data block from Python).

    >>> d = {"nodes": [{"id": "a", "cls": "X"}, {"id": "b", "cls": "X", "page": None}], "edges": [], "title": "T"}
    >>> unpack(pack(d)) == d
    True
    >>> q = "a quote long enough to be worth sharing"
    >>> d = {"nodes": [{"id": "a", "quote": q, "figures": {"degree": 1}}, {"id": "b", "figures": {}}],
    ...      "edges": [{"evidence": [[q, 0, 1, 1]]}]}
    >>> unpack(pack(d)) == d
    True
    """
    if not data.get("packed"):
        return data
    texts = data.get("texts", [])

    def text(v):
        if isinstance(v, dict) and len(v) == 1 and "$t" in v:
            return texts[v["$t"]]
        return [text(x) for x in v] if isinstance(v, list) else v

    def rows(table: dict) -> list[dict]:
        cols = table["cols"].items()
        dicts = {k: rows({"n": table["n"], "cols": c["d"]}) for k, c in cols if "d" in c}
        return [
            {
                k: dicts[k][r] if "d" in c else text(c["v"][r] if "v" in c else c["s"][c["i"][r]])
                for k, c in cols
                if "d" in c or "v" in c or c["i"][r] >= 0
            }
            for r in range(table["n"])
        ]

    return {k: rows(v) if k in ("nodes", "edges") else v for k, v in data.items() if k not in ("packed", "texts")}


def page_json(html_text: str) -> dict:
    """The data of a network page (its #graph-data block), unpacked."""
    found = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html_text, re.S)
    return unpack(json.loads(found.group(1)))


def script_json(data: dict) -> str:
    """JSON safe inside a <script> element, written by orjson (a page's data is the largest thing each page
    writes: 4-8x faster than the json module, bench/RESULTS.md); `<`, `>` and `&` as \\u escapes.

    >>> script_json({"label": "</script><b>&", "x": 0.5, "n": None})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026","x":0.5,"n":null}'
    """
    return (
        orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
        .replace(b"<", b"\\u003c")
        .replace(b">", b"\\u003e")
        .replace(b"&", b"\\u0026")
        .decode("utf-8")
    )


def render_page(
    data: dict,
    *,
    title: str,
    subtitle: str = "",
    footer: dict | None = None,
    related: list | None = None,
    national: str = "",
    english: dict | None = None,
) -> str:
    """The network page (graph/viz/network.html on the base layout) with `data`, `pack`ed, as its JSON
    block (and graph/static/clusters.js when `data` has cluster labels); Jinja2 escapes the title, so a
    label containing `{{DATA}}` stays text. `related`: links to the
    pages that show the same actors ({text, href} each); `national`: the link to the national page;
    `english`: the title and subtitle in English (`title_en`, `subtitle_en`), for the English switch.

    >>> "{{DATA}}" in render_page({"base": "", "title": "{{DATA}}"}, title="{{DATA}}")
    True
    """
    return render(
        "network.html",
        title=title,
        subtitle=subtitle,
        base=data["base"],
        data_json=script_json(pack(data)),
        clusters=bool(data.get("clusters")),
        footer=footer or FOOTER_UNKNOWN,
        related=related or [],
        national=national,
        **(english or {}),
    )
