"""Counts per class, per region and per relation (from the query library).

>>> s = stats(load_store())
>>> s["classes"]["nv:Municipality"]
290
"""
from __future__ import annotations

import pyoxigraph as ox

from .load import load_store  # noqa: F401  (doctest)
from .namespaces import shorten
from .queries import rows


def stats(store: ox.Store) -> dict:
    """{"triples", "classes": {class: n}, "relations": {property: n}, "regions": [row]}."""
    return {
        "triples": len(store),
        "classes": {shorten(r["class"]): int(r["count"]) for r in rows(store, "count-by-class")},
        "relations": {shorten(r["relation"]): int(r["count"]) for r in rows(store, "count-by-relation")},
        "regions": [
            {"region": shorten(r["region"]), "name": r["name"], **{k: int(r[k]) for k in ("bodies", "forums", "projects", "plans", "recommendations", "gaps")}}
            for r in rows(store, "count-by-region")
        ],
    }
