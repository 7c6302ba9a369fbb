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

import networkx as nx

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
    computed: list | None = None,
    pages: set | None = None,
    figure_labels: dict | None = None,
    figure_labels_en: dict | None = None,
    evidence: dict | None = None,
) -> dict:
    """The JSON the page's script reads: nodes, edges, styles and where links go.

    `labels` (`graph.viz.style.model_labels`) names classes, relations, structure types, levels
    and sides from the ontology: `label` in Swedish, `labelEn` in English. `classes`,
    `structureTypes`, `levels` and `relations` hold those present on the page, for its legend,
    filters and tooltips, classes and relations with their style (the default where style.toml
    names none).
    `computed` holds suggested links (objects with a, b, explanation, name) drawn as
    dashed edges; `pages` limits links to pages that exist. `figure_labels` names the network
    figures computed at build time (`degree` → "grad", graph/metrics.py) that the details panel shows
    (`figure_labels_en` in English).
    `evidence` (`graph.viz.sources.edge_evidence`) gives an edge all its quotes, as `evidence`:
    [quote, index into `documents` ({cited, page, kind, kindEn}: the document, its source text's page
    and its kind, revisionsrapport, svar …), line, last line]; a stated gap's edge has its `summary`
    and `gapKind` (`gapKindEn`);
    an edge without it keeps its one `quote` and `document`.

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
            "quote": d.get("quote", ""),
            "document": d.get("document", ""),
            "degree": undirected_degree.get(n, 0),
            "page": page if pages is None or page in pages else None,
            "figures": {k: d[k] for k in figure_labels or {} if k in d},
        }
        if positions and n in positions:
            node["x"], node["y"] = round(positions[n][0], 1), round(positions[n][1], 1)
        nodes.append(node)
    documents: dict[tuple, int] = {}  # (cited, page, kind, kindEn) → its index in "documents"
    edges = []
    for i, (s, t, k, d) in enumerate(g.edges(keys=True, data=True)):
        edge = {"id": f"e{i}", "from": s, "to": t, "kind": d.get("kind", k)}
        if d.get("summary"):  # a stated gap: what the source says is missing, and its kind
            edge.update(summary=d["summary"], gapKind=d.get("gap_kind", ""), gapKindEn=d.get("gap_kind_en", ""))
        quotes = edge_quotes(evidence or {}, s, k, t, edge["kind"])
        if quotes:  # every quote once, its document by index: [quote, document, line, last line]
            edge["evidence"] = [
                [
                    q["quote"],
                    documents.setdefault(
                        (q["cited"], q["page"], q.get("kind", ""), q.get("kindEn", "")), len(documents)
                    ),
                    q["line"],
                    q["end"],
                ]
                for q in quotes
            ]
        else:
            edge.update(quote=d.get("quote", ""), document=d.get("document", ""))
        edges.append(edge)
    for j, c in enumerate(computed or []):
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
    kinds = dict.fromkeys([*(e["kind"] for e in edges), GAP, "predicted"])
    relations = {k: named("relation", k, **relation_style(k)) for k in kinds}
    relations["predicted"].update(label=PREDICTED["sv"], labelEn=PREDICTED["en"])
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
        "classes": {c: named("class", c, **class_style(c)) for c in dict.fromkeys(n["cls"] for n in nodes)},
        "structureTypes": {
            t: named("structureType", t) for t in dict.fromkeys(t for n in nodes for t in n["structureTypes"])
        },
        "levels": {v: named("level", v) for v in dict.fromkeys(v for n in nodes for v in n["levels"])},
        "relations": relations,
    }


def script_json(data: dict) -> str:
    """JSON safe inside a <script> element."""
    return (
        json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
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
    """The network page (graph/viz/network.html on the base layout) with `data` as its JSON block;
    Jinja2 escapes the title, so a label containing `{{DATA}}` stays text. `related`: links to the
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
        data_json=script_json(data),
        footer=footer or FOOTER_UNKNOWN,
        related=related or [],
        national=national,
        **(english or {}),
    )
