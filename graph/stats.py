"""Counts per class, per region and per relation (from the query library).

>>> from graph.load import load_store
>>> s = stats(load_store())
>>> s["classes"]["nv:Municipality"]
290
"""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import shorten
from .project import Project
from .queries import rows


def stats(store: ox.Store, project: Project | None = None) -> dict:
    """{"triples", "classes": {class: n}, "relations": {property: n}, "regions": [row]}, by the
    queries of `project` (default: Project.default())."""
    return {
        "triples": len(store),
        "classes": {shorten(r["class"]): int(r["count"]) for r in rows(store, "count-by-class", project)},
        "relations": {shorten(r["relation"]): int(r["count"]) for r in rows(store, "count-by-relation", project)},
        "regions": [
            {
                "region": shorten(r["region"]),
                "name": r["name"],
                **{k: int(r[k]) for k in ("bodies", "forums", "projects", "plans", "recommendations", "gaps")},
            }
            for r in rows(store, "count-by-region", project)
        ],
    }


def stats_records(s: dict) -> list[dict]:
    """`stats` in long form, one count a row: {"section", "name", "measure", "value"} (for csv).

    >>> stats_records({"triples": 3, "classes": {"nv:Region": 1}, "relations": {}, "regions": []})[1]
    {'section': 'class', 'name': 'nv:Region', 'measure': 'count', 'value': 1}
    """
    records = [{"section": "total", "name": "", "measure": "triples", "value": s["triples"]}]
    for section, key in (("class", "classes"), ("relation", "relations")):
        records += [{"section": section, "name": k, "measure": "count", "value": v} for k, v in s[key].items()]
    for r in s["regions"]:
        records += [
            {"section": "region", "name": r["region"], "measure": k, "value": v}
            for k, v in r.items()
            if k not in ("region", "name")
        ]
    return records
