"""How the pages draw and name things: colours and shapes from style.toml (presentation only),
labels from the ontology (queries/model-terms.rq), so a class, relation or structure type added
to the ontology is drawn and named with no edit here.

>>> style()["class"]["CollaborationBody"]["shape"]
'diamond'
>>> class_style("NewClass") == style()["default"]["class"]
True
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import shorten
from ..network import GAP
from ..project import Project
from ..queries import rows


@cache
def style() -> dict:
    """style.toml: `class.X` and `relation.X` (colour, shape, dashes, arrows) and `default.class`,
    `default.relation` for a class or relation it does not name."""
    return tomllib.loads((Path(__file__).with_name("style.toml")).read_text(encoding="utf-8"))


def class_style(cls: str) -> dict:
    """How nodes of class `cls` (local name) are drawn; the default for a class style.toml does not name."""
    return {**style()["default"]["class"], **style()["class"].get(cls, {})}


def relation_style(kind: str) -> dict:
    """How edges of `kind` (`memberOf`, `gap`, `predicted` …) are drawn; the default for one style.toml does not name.

    >>> relation_style("memberOf")["arrows"], relation_style("someNewRelation")["arrows"]
    (True, True)
    """
    return {**style()["default"]["relation"], **style()["relation"].get(kind, {})}


def model_labels(store: ox.Store, project: Project | None = None) -> dict[str, dict[str, dict[str, str]]]:
    """Labels from the ontology by kind (queries/model-terms.rq of `project`, default the default project),
    the one reader of the model's labels:
    `class`, `relation` and `figure` keyed by local name (`Board`, `memberOf`, `gap` for a collaboration
    gap, `degree`), `structureType`, `level` and `side` by short IRI (`nv:st-political-joint-forum` …);
    each label a dict {"sv": …, "en": …}.

    >>> from graph.load import load_store
    >>> labels = model_labels(load_store())
    >>> labels["structureType"]["nv:st-political-joint-forum"]["sv"], labels["figure"]["degree"]["sv"]
    ('politisk samverkansarena', 'grad')
    """
    kinds = ("class", "relation", "figure", "structureType", "level", "side")
    out: dict[str, dict[str, dict[str, str]]] = {k: {} for k in kinds}
    for r in rows(store, "model-terms", project):
        term = shorten(r["term"])
        label = {"sv": r["sv"] or r["en"] or term, "en": r["en"] or r["sv"] or term}
        if r["kind"] == "gap":
            out["relation"][GAP] = label
        elif r["kind"] in ("class", "relation", "figure"):
            out[r["kind"]][term.removeprefix("nv:")] = label
        else:
            out[r["kind"]][term] = label
    return out
