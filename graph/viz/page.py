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

import html
import json
import re
from pathlib import Path

import networkx as nx

from .style import style

TEMPLATE = Path(__file__).with_name("template.html")


def page_name(node: str, cls: str) -> str:
    """The page (relative to output/) that shows `node`: regions/x.html or actors/x.html."""
    local = re.sub(r"[^A-Za-z0-9._-]", "_", node.split(":", 1)[-1])
    return f"regions/{local}.html" if cls == "Region" else f"actors/{local}.html"


def page_data(g: nx.MultiDiGraph, *, title: str, positions: dict | None = None, focus: str | None = None,
              base: str = "", self_page: str = "", region_labels: dict | None = None, side_labels: dict | None = None,
              computed: list | None = None, pages: set | None = None, figure_labels: dict | None = None) -> dict:
    """The JSON the page's script reads: nodes, edges, styles and where links go.

    `side_labels` names each side (`nv:side-region` → "regionsidan"), shown beside the region.
    `computed` holds suggested links (objects with a, b, explanation, name) drawn as
    dashed edges; `pages` limits links to pages that exist. `figure_labels` names the network
    figures computed at build time (`degree` → "grad", graph/metrics.py) that the details panel shows.
    """
    st = style()
    region_labels = region_labels or {}
    side_labels = side_labels or {}
    undirected_degree = dict(g.degree())
    nodes = []
    for n, d in g.nodes(data=True):
        page = page_name(n, d["cls"])
        node = {"id": n, "label": d["label"], "cls": d["cls"], "region": d.get("region", ""),
                "regionLabel": region_labels.get(d.get("region", ""), ""), "acronyms": d.get("acronyms", []),
                "sideLabel": side_labels.get(d.get("side", ""), ""),
                "quote": d.get("quote", ""), "document": d.get("document", ""), "degree": undirected_degree.get(n, 0),
                "page": page if pages is None or page in pages else None,
                "figures": {k: d[k] for k in figure_labels or {} if k in d}}
        if positions and n in positions:
            node["x"], node["y"] = round(positions[n][0], 1), round(positions[n][1], 1)
        nodes.append(node)
    edges = [{"id": f"e{i}", "from": s, "to": t, "kind": k, "quote": d.get("quote", ""), "document": d.get("document", "")}
             for i, (s, t, k, d) in enumerate(g.edges(keys=True, data=True))]
    for j, c in enumerate(computed or []):
        if c.a in g and c.b in g:
            edges.append({"id": f"c{j}", "from": c.a, "to": c.b, "kind": "predicted",
                          "explanation": f"{c.name}: {c.explanation}", "quote": c.evidence or "", "document": ""})
    kinds = {e["kind"] for e in edges}
    return {"title": title, "base": base, "layout": bool(positions), "focus": focus, "selfPage": self_page,
            "nodes": nodes, "edges": edges, "figureLabels": figure_labels or {},
            "classes": {c: v for c, v in st["class"].items() if any(n["cls"] == c for n in nodes)},
            "relations": {r: v for r, v in st["relation"].items() if r in kinds or r in ("gap", "predicted")}}


def script_json(data: dict) -> str:
    """JSON safe inside a <script> element."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


_SLOT = re.compile(r"\{\{(BASE|TITLE|SUBTITLE|DATA)\}\}")


def render_page(data: dict, *, title: str, subtitle: str = "") -> str:
    """The template with its slots filled in one pass, so a label containing `{{DATA}}`
    stays text instead of being filled in turn.

    >>> "{{DATA}}" in render_page({"base": "", "title": "{{DATA}}"}, title="{{DATA}}")
    True
    """
    values = {"BASE": html.escape(data["base"]), "TITLE": html.escape(title),
              "SUBTITLE": html.escape(subtitle), "DATA": script_json(data)}
    return _SLOT.sub(lambda m: values[m.group(1)], TEMPLATE.read_text(encoding="utf-8"))
