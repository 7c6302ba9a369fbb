"""The unified ranked list of gaps, the links pages draw, and output/gaps.html.

Ranking: audited gaps first (the sources say so), then rules (structural evidence),
then the cross-region comparison (by the share of regions that have the structure),
then link prediction (by score) — only methods whose AUC beats random.

>>> gaps = find_gaps(open_store(Project.default()), kinds=["rule"], region="dalarna")  # doctest: +SKIP
>>> {g.kind for g in gaps}  # doctest: +SKIP
{'rule'}
"""
from __future__ import annotations

import html
from pathlib import Path

import pyoxigraph as ox

from ..atomic import write_atomic
from ..errors import QueryError
from ..network import actor_projection, network, organisation_classes
from ..project import Project
from ..queries import expand_iri
from .audit import audit_gaps
from .compare import compare_gaps
from .model import KINDS, Gap, principals, same_single_principal, short
from .predict import AUC_MARGIN, METHOD_NAMES, Evaluation, evaluate, suggest
from .rules import rule_gaps, rule_rank


def _region(region: str | None) -> str | None:
    """`nvr:dalarna` for `dalarna`, `nvr:dalarna` or the full IRI."""
    return short(expand_iri(region, "region")) if region else None


def projection(store: ox.Store):
    """The undirected actor projection of the store's network (audited gaps left out)."""
    return actor_projection(network(store))


def predict_gaps(store: ox.Store, region: str | None = None, ev: Evaluation | None = None,
                 per_region: int = 5) -> list[Gap]:
    """Suggested links from the methods that beat random in `evaluate` (none if none do)."""
    g = projection(store)
    ev = ev or evaluate(g)
    used = ev.used()
    out = []
    for s in suggest(g, used, per_region=per_region, partners=organisation_classes(store)):
        u, v = s["pair"]
        if region and s["region"] != region:
            continue
        lu, lv = g.nodes[u]["label"], g.nodes[v]["label"]
        common = ", ".join(g.nodes[c]["label"] for c in s["common"][:5]) + (" …" if len(s["common"]) > 5 else "")
        why = (f"{lu} and {lv} have no recorded relation, but they share {len(s['common'])} neighbour(s)"
               + (f" ({common})" if common else "") + f" and are joined by {s['paths3']} path(s) of length 3. "
               + "; ".join(f"{METHOD_NAMES[m]} {x}" for m, x in s["methods"].items()) + ".")
        out.append(Gap(region=s["region"], a=u, a_label=lu, b=v, b_label=lv, kind="predict", name="+".join(used),
                       score=s["score"], explanation=why))
    return out


def find_gaps(store: ox.Store, kinds=None, region: str | None = None, project: Project | None = None,
              ev: Evaluation | None = None) -> list[Gap]:
    """All gaps of the given `kinds` (default all), ranked: audit, rule, compare, predict;
    within a kind by score (highest first), then region and actors.

    A computed gap (rule or prediction) between two actors with the same single principal
    (nv:principal: a region and its own unit, two units of one region) is left out: they
    answer to one huvudman, so their link is not a missing collaboration. Gaps the sources
    themselves describe (audit) are kept as the sources say them."""
    project = project or Project.default()
    kinds = list(kinds or KINDS)
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise QueryError(f"unknown gap kind(s) {', '.join(bad)}; kinds: {', '.join(KINDS)}")
    reg = _region(region)
    param = reg.split(":", 1)[1] if reg else None
    out: list[Gap] = []
    if "audit" in kinds:
        out += audit_gaps(store, project, param)
    if "rule" in kinds:
        out += rule_gaps(store, project, param)
    if "compare" in kinds:
        out += compare_gaps(store, project, reg)
    if "predict" in kinds:
        out += predict_gaps(store, reg, ev)
    of = principals(store)
    out = [g for g in out if g.kind == "audit" or not same_single_principal(g.a, g.b, of)]
    return sorted(out, key=lambda g: (KINDS.index(g.kind), -(g.score or 0.0), rule_rank(g.name) if g.kind == "rule" else (0, ""),
                                      g.region, g.a, g.b or ""))


def computed_links(store: ox.Store, project: Project | None = None, gaps: list[Gap] | None = None) -> list[Gap]:
    """Links the methods compute between two actors (rules and prediction), for pages to draw
    (audited gaps are already edges of kind `gap` in `graph.network`). Pass `gaps` (a
    `find_gaps` list) to filter it instead of running the analysis again."""
    if gaps is None:
        gaps = find_gaps(store, kinds=["rule", "predict"], project=project)
    return [g for g in gaps if g.kind in ("rule", "predict") and g.b]


# ---------------------------------------------------------------- HTML report

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:75rem;padding:0 1rem;color:#1d232a;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:2px solid #d9e2ea;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.6rem 0}
th,td{border-bottom:1px solid #e3e8ee;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f6f9}td.num{text-align:right;white-space:nowrap}
.kind{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.8rem;color:#fff}
.audit{background:#b23a48}.rule{background:#2f6690}.compare{background:#5c8001}.predict{background:#7b5ea7}
blockquote{margin:.2rem 0;padding-left:.6rem;border-left:3px solid #cbd5e1;color:#44505c;font-style:italic}
.doc{color:#66727f;font-size:.8rem}.note{background:#f8fafc;border:1px solid #e3e8ee;padding:.6rem 1rem}
a{color:#1f5f99}
"""


def _e(text) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


def local_name(node: str) -> str:
    """`dalarna` for `nvr:dalarna` or the full IRI.

    >>> local_name("nvr:dalarna--valfardsradet")
    'dalarna--valfardsradet'
    """
    return node.split(":", 1)[1] if node.startswith("nvr:") else node.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _actor(node: str | None, label: str, pages: dict[str, str]) -> str:
    """The actor's name, linked to its network page where it has one."""
    if not node:
        return ""
    page = pages.get(node)
    return f'<a href="{_e(page)}">{_e(label or node)}</a>' if page else _e(label or node)


def evaluation_html(ev: Evaluation) -> str:
    """The evaluation table and a plain statement of which methods are used and why."""
    rows = []
    for r in ev.table():
        rows.append(f"<tr><td>{_e(r['name'])}</td><td class=num>{r['auc_mean']:.3f} ± {r['auc_sd']:.3f}</td>"
                    f"<td class=num>{r['p_at_k_mean']:.3f} ± {r['p_at_k_sd']:.3f}</td>"
                    f"<td class=num>{r['p_at_20_mean']:.3f} ± {r['p_at_20_sd']:.3f}</td>"
                    f"<td>{'yes' if r['used'] else 'no'}</td></tr>")
    used = ev.used()
    base = next(r for r in ev.table() if r["method"] == "random")
    if used:
        stmt = (f"Suggestions come only from {', '.join(METHOD_NAMES[m] for m in used)}: their mean AUC beats the random "
                f"baseline ({base['auc_mean']:.3f}) by at least {AUC_MARGIN:.2f} and by more than the spread over seeds, "
                "and their precision@k is above the baseline's. The other methods are shown for comparison and are not used.")
    else:
        stmt = "No method beats the random baseline by the required margin, so no links are suggested by prediction."
    return (f"<p>Hold-out evaluation on the actor projection: for each of {len(ev.seeds)} fixed seeds "
            f"({', '.join(map(str, ev.seeds))}), {ev.hidden} edges (10%) are hidden and the rest kept; as many non-edges "
            "are sampled as negatives. AUC compares hidden edges with negatives; precision@k ranks the candidate pairs "
            f"(distance ≤ 2, or ≤ 3 for L3) of the training graph, k = {ev.hidden} (the hidden edges) and k = 20.</p>"
            "<table><tr><th>method</th><th>AUC mean ± sd</th><th>precision@k mean ± sd</th><th>precision@20 mean ± sd</th>"
            "<th>used for suggestions</th></tr>" + "".join(rows) + f"</table><p class=note>{_e(stmt)}</p>")


def gaps_html(gaps: list[Gap], region_names: dict[str, str], ev: Evaluation | None, pages: dict[str, str] | None = None) -> str:
    """The whole report page (pure: gaps, names and the actors' page paths in, HTML out)."""
    pages = pages or {}
    by_region: dict[str, list[Gap]] = {}
    for g in gaps:
        by_region.setdefault(g.region, []).append(g)
    counts = {k: sum(1 for g in gaps if g.kind == k) for k in KINDS}
    parts = ["<!doctype html><html lang=en><head><meta charset=utf-8>",
             "<meta name=viewport content='width=device-width, initial-scale=1'>",
             f"<title>Missing collaboration links</title><style>{CSS}</style></head><body>",
             "<nav><a href='index.html'>Översikt</a> · <a href='national.html'>Hela landet</a> · "
             "<a href='gaps.html'>Samverkansbrister</a></nav>",
             "<h1>Missing collaboration links</h1>",
             "<p>Every row says why it is suggested and is backed by a quote from the sources or by a measured method. "
             "Kinds: <span class='kind audit'>audit</span> the sources say the collaboration is missing, weak, unclear or "
             "should be strengthened; <span class='kind rule'>rule</span> a structural rule (queries/rules/*.rq) finds it; "
             "<span class='kind compare'>compare</span> most regions have a structure this region lacks; "
             "<span class='kind predict'>predict</span> link prediction (see the evaluation below). "
             "A computed row never pairs two actors with one and the same principal (huvudman), such as a region "
             "and its own unit: they answer to one organisation. Sources are cited by short title, date and line.</p>",
             "<p>" + ", ".join(f"{n} {k}" for k, n in counts.items()) + f" — {len(gaps)} in all.</p>",
             "<h2 id=evaluation>Evaluation of link prediction</h2>",
             evaluation_html(ev) if ev else "<p>Link prediction was not run.</p>",
             "<h2>Regions</h2><ul>"]
    order = sorted(by_region, key=lambda r: region_names.get(r, r))
    parts += [f"<li><a href='#{_e(local_name(r))}'>{_e(region_names.get(r, r))}</a> ({len(by_region[r])})</li>" for r in order]
    parts.append("</ul>")
    for reg in order:
        slug = local_name(reg)
        parts.append(f"<h2 id='{_e(slug)}'>{_e(region_names.get(reg, reg))} "
                     f"<small>(<a href='regions/{_e(slug)}.html'>network</a>)</small></h2>")
        parts.append("<table><tr><th>actor</th><th>actor</th><th>kind</th><th>name</th><th>score</th>"
                     "<th>why</th><th>evidence</th></tr>")
        for g in by_region[reg]:
            ev_html = ""
            if g.evidence:
                ev_html = f"<blockquote>{_e(g.evidence)}</blockquote>"
                if g.document:
                    ev_html += f"<span class=doc>{_e(g.document)}</span>"
            score = "" if g.score is None else f"{g.score:.3f}"
            parts.append(f"<tr><td>{_actor(g.a, g.a_label, pages)}</td><td>{_actor(g.b, g.b_label, pages)}</td>"
                         f"<td><span class='kind {_e(g.kind)}'>{_e(g.kind)}</span></td><td>{_e(g.name)}</td>"
                         f"<td class=num>{score}</td><td>{_e(g.explanation)}</td><td>{ev_html}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def report_page(store: ox.Store, gaps: list[Gap], ev: Evaluation | None) -> str:
    """gaps_html with the regions' names and the actors' network pages read from `store`."""
    from ..network import network
    from ..viz.page import page_name
    from .model import rows

    names = {short(r["r"]): r["n"] for r in rows(store, "SELECT ?r ?n WHERE { ?r a nv:Region ; rdfs:label ?n }")}
    pages = {n: page_name(n, d["cls"]) for n, d in network(store).nodes(data=True)}
    return gaps_html(gaps, names, ev, pages)


def analyse(store: ox.Store, project: Project | None = None) -> tuple[list[Gap], Evaluation]:
    """The evaluation of link prediction and the full ranked gap list, each computed once."""
    ev = evaluate(projection(store))
    return find_gaps(store, project=project, ev=ev), ev


def write_gaps_report(project: Project, store: ox.Store, analysis: tuple[list[Gap], Evaluation] | None = None,
                      out: Path | None = None) -> list[Path]:
    """Write gaps.html in `out` (default output/, atomically) from `analysis` (default: `analyse` it now)."""
    gaps, ev = analysis or analyse(store, project)
    path = (out or project.output_dir) / "gaps.html"
    write_atomic(path, report_page(store, gaps, ev))
    return [path]
