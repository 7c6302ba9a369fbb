"""Text output of `naravard gaps` (the command itself stays thin in cli/main.py).

>>> format_gaps([], "csv").splitlines()[0]
'region,a,a_label,b,b_label,kind,name,score,explanation,evidence,document'
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import fields

from ..load import load_store
from ..project import Project
from .model import Gap
from .predict import SEEDS, Evaluation, evaluate
from .report import find_gaps, report_page, projection


def seeds(n: int) -> tuple[int, ...]:
    """The first `n` fixed seeds (the default five, then more in a fixed sequence).

    >>> seeds(2)
    (11, 23)
    """
    extra = tuple(1000 + 7 * i for i in range(max(0, n - len(SEEDS))))
    return (SEEDS + extra)[:n]


def format_evaluation(ev: Evaluation) -> str:
    """The evaluation as a plain table: method, AUC mean±sd, precision@k and @20, used."""
    lines = [f"hold-out: {ev.hidden} hidden edges (10%) per seed, seeds {', '.join(map(str, ev.seeds))}",
             f"{'method':24}{'AUC mean±sd':>16}{'P@k mean±sd':>16}{'P@20 mean±sd':>16}  used"]
    base = None
    for r in ev.table():
        if r["method"] == "random":
            base = r
        lines.append(f"{r['name']:24}{r['auc_mean']:>9.3f}±{r['auc_sd']:<6.3f}{r['p_at_k_mean']:>9.3f}±{r['p_at_k_sd']:<6.3f}"
                     f"{r['p_at_20_mean']:>9.3f}±{r['p_at_20_sd']:<6.3f}  {'yes' if r['used'] else 'no'}")
    lines.append(f"random baseline: AUC {base['auc_mean']:.3f}, precision@k {base['p_at_k_mean']:.3f}; "
                 f"used for suggestions: {', '.join(ev.used()) or 'none'}")
    return "\n".join(lines) + "\n"


def format_gaps(gaps: list[Gap], fmt: str) -> str:
    """Gaps as a table, csv or json."""
    cols = [f.name for f in fields(Gap)]
    if fmt == "json":
        return json.dumps([g.as_dict() for g in gaps], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for g in gaps:
            w.writerow(["" if getattr(g, c) is None else getattr(g, c) for c in cols])
        return buf.getvalue()
    lines = []
    for i, g in enumerate(gaps, 1):
        score = "" if g.score is None else f" {g.score:.3f}"
        pair = g.a_label + (f" ↔ {g.b_label}" if g.b else "")
        lines.append(f"{i:>4}. [{g.kind}:{g.name}{score}] {g.region}  {pair}\n      {g.explanation}")
        if g.evidence:
            lines.append(f"      «{g.evidence}» ({g.document})")
    return "\n".join(lines) + ("\n" if lines else "no gaps found\n")


def run(project: Project, region=None, kinds=None, fmt="table", evaluate_only=False, n_seeds=5) -> str:
    """What `naravard gaps` prints."""
    store = load_store(project)
    if region:  # a typo must not read as "no gaps found"
        import pyoxigraph as ox

        from ..namespaces import NV
        from ..queries import check_entity, expand_iri

        check_entity(store, ox.NamedNode(expand_iri(region, "--region")), str(NV.Region), "--region", given=region)
    need_ev = evaluate_only or fmt == "html" or not kinds or "predict" in kinds
    ev = evaluate(projection(store), seeds=seeds(n_seeds)) if need_ev else None
    if evaluate_only:
        return format_evaluation(ev)
    gaps = find_gaps(store, kinds=kinds, region=region, project=project, ev=ev)
    if fmt == "html":
        return report_page(store, gaps, ev)
    return format_gaps(gaps, fmt)
