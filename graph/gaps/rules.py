"""Rules: SPARQL files in `queries/rules/*.rq` that find structural gaps.

Each rule returns ?region ?a ?b ?explanation and optionally ?evidence ?document; the
rule's header (`# title:`, `# answers:`) says what it finds and why it matters.

>>> [r.name for r in rule_queries(Project.default())][:2]  # doctest: +SKIP
['level-coverage', 'municipality-left-out']
"""
from __future__ import annotations

import pyoxigraph as ox

from ..project import Project
from ..queries import Library, LibraryQuery
from .model import Gap, labels, rows, short


#: Rules in the order the report ranks them (most direct collaboration gaps first);
#: rules not listed follow by name.
RULE_ORDER = ("municipality-left-out", "level-coverage", "preparing-counterpart",
              "project-partners-without-forum", "recommendation-unconnected", "plan-without-owner")


def rule_rank(name: str) -> tuple:
    """Sort key of a rule name.

    >>> rule_rank("level-coverage") < rule_rank("plan-without-owner") < rule_rank("zzz")
    True
    """
    return (RULE_ORDER.index(name), "") if name in RULE_ORDER else (len(RULE_ORDER), name)


def rule_queries(project: Project) -> list[LibraryQuery]:
    """The rule files of `project` (queries/rules/*.rq), in `RULE_ORDER`."""
    return sorted(Library(folder=project.queries_dir / "rules"), key=lambda q: rule_rank(q.name))


def run_rule(store: ox.Store, rule: LibraryQuery, project: Project, region: str | None = None,
             names: dict[str, str] | None = None) -> list[Gap]:
    """The gaps one rule finds (one row per region, a, b and explanation; first evidence kept).

    >>> p = Project.default(); s = open_store(p)  # doctest: +SKIP
    >>> run_rule(s, rule_queries(p)[0], p)[0].kind  # doctest: +SKIP
    'rule'
    """
    names = names if names is not None else labels(store)
    params = {"region": region} if region and any(p.name == "region" for p in rule.params) else {}
    found: dict[tuple, Gap] = {}
    for r in sorted(rows(store, rule.path, project, params),
                    key=lambda r: tuple(r.get(k) or "" for k in ("region", "a", "b", "explanation", "document", "evidence"))):
        a, b = short(r["a"]), short(r.get("b"))
        key = (r["region"], a, b, r["explanation"])
        if key in found or not r.get("explanation"):
            continue
        found[key] = Gap(
            region=short(r["region"]) or "", a=a, a_label=names.get(a, a), b=b, b_label=names.get(b, b) if b else "",
            kind="rule", name=rule.name, score=None, explanation=r["explanation"],
            evidence=r.get("evidence") or "", document=r.get("document") or "")
    return list(found.values())


def rule_gaps(store: ox.Store, project: Project | None = None, region: str | None = None) -> list[Gap]:
    """The gaps of every rule, rule by rule (in file-name order)."""
    project = project or Project.default()
    names = labels(store)
    out: list[Gap] = []
    for rule in rule_queries(project):
        out += run_rule(store, rule, project, region, names)
    return out
