"""Missing collaboration links: audited gaps, rules, comparison across regions and link
prediction, as one ranked list of `Gap` rows, each with its explanation and its evidence (a
verbatim quote) or a measured method (link prediction that beats a random baseline in a
hold-out evaluation).

The one way in is `analyse` (`naravard build`, which draws the computed links on the pages,
`naravard gaps` and `naravard viz --with-gaps` call it); `find_gaps` is its list of gaps.
Modules, one job each: finding (`audit`, `rules`, `compare`, `predict`, each
`find(store, project, region)`), ranking (`rank`), evaluation of link prediction (`evaluate`)
and rendering (`render`). Regions and actors are short IRIs
(`nvr:dalarna`) throughout; a user's value (`dalarna`, `nvr:dalarna`, an IRI) is converted
and checked once, here.

>>> from graph.load import load_store
>>> a = analyse(load_store(), region="dalarna", kinds=["audit"])
>>> {g.region for g in a.gaps}, a.evaluation is None
({'nvr:dalarna'}, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..errors import QueryError
from ..namespaces import NV
from ..network import actor_projection
from ..project import Project
from ..queries import checked_curie
from . import audit, compare, predict, rules
from .evaluate import Evaluation, hold_out
from .model import FINDINGS, KINDS, Gap, labels, principals, same_single_principal
from .precision import Label, Precision, load_labels, score
from .rank import rank


@dataclass
class Analysis:
    """The ranked gaps, the evaluation of link prediction (None when prediction did not run)
    and the names of the regions the gaps lie in or name (a comparison's `having`)."""

    gaps: list[Gap]
    evaluation: Evaluation | None = None
    region_names: dict[str, str] = field(default_factory=dict)
    #: precision against the labelled set (None when no set was given)
    precision: Precision | None = None
    #: decisions taken on the way, in Swedish (such as link prediction left out)
    notes: list[str] = field(default_factory=list)
    #: precision of the findings alone (kinds `FINDINGS`: what `naravard gaps` lists by default)
    findings_precision: Precision | None = None
    #: the structure types of the comparison rows: short IRI → (Swedish name, English name)
    type_names: dict[str, tuple[str, str]] = field(default_factory=dict)

    def links(self) -> list[Gap]:
        """The links computed between two actors (rules and prediction), for pages to draw
        (audited gaps are already edges of kind `gap` in `graph.network`).

        >>> g = Gap("nvr:r", "nvr:a", "A", "nvr:b", "B", "rule", "x", None, "why")
        >>> len(Analysis([g, Gap("nvr:r", "nvr:r", "R", None, "", "compare", "t", 0.6, "why")]).links())
        1
        """
        return [g for g in self.gaps if g.kind in ("rule", "predict") and g.b]


def kinds_of(kinds=None) -> list[str]:
    """The kinds asked for, in ranking order (default all); an unknown kind is an error.

    >>> kinds_of(["predict", "audit"])
    ['audit', 'predict']
    """
    kinds = list(kinds or KINDS)
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise QueryError(f"unknown gap kind(s) {', '.join(bad)}; kinds: {', '.join(KINDS)}")
    return [k for k in KINDS if k in kinds]


def analyse(
    store: ox.Store,
    project: Project | None = None,
    region: str | None = None,
    kinds=None,
    evaluation: Evaluation | None = None,
    progress: Callable[[str], None] | None = None,
    judged: dict[tuple[str, str, str], Label] | None = None,
    g=None,
    memo=None,
) -> Analysis:
    """The ranked gaps of `kinds` (default all) in all regions or in `region` (`dalarna`,
    `nvr:dalarna` or the IRI; one that names no region is an error with the nearest names).

    Link prediction uses the methods `evaluation` lets through (default: evaluated now, with the
    fixed seeds, when `predict` is among the kinds). A computed gap (rule or prediction) between
    two actors with the same single principal (nv:principal: a region and its own unit, two
    units of one region) is left out: they answer to one huvudman, so their link is not a
    missing collaboration. Gaps the sources themselves describe (audit) are kept as they say them.
    `progress`, if given, is called with a short line before each step (the build prints them).

    With `judged` (a labelled set, `precision.load_labels`), the list is measured against it, and
    link prediction is kept only where its precision beats the rules' (said in `notes`).

    `g`, the store's network (`graph.network.network`) when the caller has it, spares link prediction
    reading it again; with a `memo` (`graph.memo.Memo`) its suggestions are kept by what they read.
    """
    say = progress or (lambda line: None)
    project = project or Project.default()
    kinds = kinds_of(kinds)
    reg = checked_curie(store, region, str(NV.Region), "--region") if region else None
    if "predict" in kinds and evaluation is None:
        say("gaps: evaluating link prediction (hold-out, fixed seeds) …")
        evaluation = hold_out(predict.projection(store) if g is None else actor_projection(g))
    found: list[Gap] = []
    type_names: dict[str, tuple[str, str]] = {}
    names = labels(store, project)  # once: the finders and the region names share it
    stated = audit.find(store, project, reg, names) if {"audit", "note"} & set(kinds) else []
    for kind in kinds:
        say(f"gaps: {kind} …")
        if kind == "predict":
            found += predict.find(store, project, reg, methods=evaluation.used(), g=g, memo=memo)
        elif kind in ("audit", "note"):
            found += [g for g in stated if g.kind == kind]
        elif kind == "rule":
            found += rules.find(store, project, reg, names)
        else:
            m = compare.structure_matrix(store, project)
            found += compare.find(store, project, reg, m)
            type_names = {st: (m.type_names_sv.get(st, en), en) for st, en in m.type_names.items()}
    of = principals(store, project)
    kept = [g for g in found if g.kind in ("audit", "note") or not same_single_principal(g.a, g.b, of)]
    regions = {g.region: names.get(g.region, g.region) for g in kept}
    for having in {g.name: g.having for g in kept if g.kind == "compare"}.values():  # one list per structure type
        regions.update((r, names.get(r, r)) for r in having)
    ranked = rank(kept, rules.order(project))
    notes: list[str] = []
    measured = None
    if judged is not None:
        measured = score(ranked, judged)
        predicted = measured.by_kind.get("predict", (None, 0))[0]
        ruled = measured.by_kind.get("rule", (None, 0))[0]
        if "predict" in kinds and (predicted is None or (ruled is not None and predicted <= ruled)):
            ranked = [g for g in ranked if g.kind != "predict"]
            notes.append(
                "Länkprediktionens förslag är utelämnade: deras precision mot den granskade mängden "
                f"({_pct(predicted)}) är inte högre än reglernas ({_pct(ruled)})."
            )
            measured = score(ranked, judged)
    findings = score([g for g in ranked if g.kind in FINDINGS], judged) if judged is not None else None
    return Analysis(ranked, evaluation, regions, measured, notes, findings, type_names)


def _pct(x: float | None) -> str:
    return "ingen bedömd rad" if x is None else f"{x:.2f}"


def find_gaps(
    store: ox.Store,
    kinds=None,
    region: str | None = None,
    project: Project | None = None,
    evaluation: Evaluation | None = None,
) -> list[Gap]:
    """The ranked gaps of `analyse` (same arguments), without the evaluation."""
    return analyse(store, project, region, kinds, evaluation).gaps


__all__ = [
    "Analysis",
    "Evaluation",
    "FINDINGS",
    "Gap",
    "KINDS",
    "Precision",
    "analyse",
    "find_gaps",
    "kinds_of",
    "load_labels",
]
