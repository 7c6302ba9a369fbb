"""Rendering an analysis: the gaps as a table, CSV or JSON, the evaluation as text, and the
HTML report (`output/gaps.html`). Pure: rows in, text out; writing files is the caller's job.

>>> gaps_text([], "csv").splitlines()[0].split(",")[:9]
['region', 'a', 'a_label', 'b', 'b_label', 'kind', 'name', 'score', 'explanation']
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import fields
from typing import TYPE_CHECKING

from .evaluate import AUC_MARGIN, Evaluation
from .model import KINDS, Gap
from .predict import METHOD_NAMES

if TYPE_CHECKING:
    from . import Analysis

#: The text formats of `gaps_text`.
FORMATS = ("table", "csv", "json")


def gaps_text(gaps: list[Gap], fmt: str) -> str:
    """Gaps as a numbered table, CSV (one column per `Gap` field) or JSON.

    >>> g = Gap("nvr:r", "nvr:a", "A", "nvr:b", "B", "rule", "x", None, "why", "quote", "doc")
    >>> print(gaps_text([g], "table"), end="")
       1. [rule:x] nvr:r  A ↔ B
          why
          «quote» (doc)
    """
    cols = [f.name for f in fields(Gap)]
    if fmt == "json":
        return json.dumps([g.as_dict() for g in gaps], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for g in gaps:
            w.writerow([_cell(getattr(g, c)) for c in cols])
        return buf.getvalue()
    lines = []
    for i, g in enumerate(gaps, 1):
        score = "" if g.score is None else f" {g.score:.3f}"
        pair = g.a_label + (f" ↔ {g.b_label}" if g.b else "")
        lines.append(f"{i:>4}. [{g.kind}:{g.name}{score}] {g.region}  {pair}\n      {g.explanation}")
        if g.reason:
            lines.append(f"      rang: {g.reason}" + (f"; {g.answered}" if g.answered else ""))
        if g.having:
            lines.append(f"      har strukturen: {', '.join(g.having)}")
        for quote, doc in g.quotes:
            lines.append(f"      «{quote}» ({doc})")
    return "\n".join(lines) + ("\n" if lines else "no gaps found\n")


def _cell(value) -> str:
    """A CSV cell: empty for None, `;`-joined for tuples (quotes as «quote» (document))."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(f"«{v[0]}» ({v[1]})" if isinstance(v, tuple) else str(v) for v in value)
    return value


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def precision_text(analysis: Analysis) -> str:
    """Precision against the labelled set as plain text: overall, per kind, per rule, @10 per region."""
    p = analysis.precision
    if p is None:
        return "no labelled set: precision not measured\n"
    from .precision import K

    v = p.verdicts
    f = analysis.findings_precision
    lines = []
    if f is not None:
        lines += [
            f"findings (audit, rule; what `naravard gaps` lists): precision {_fmt(f.overall)} ({f.judged} judged: "
            f"{f.verdicts['useful']} useful, {f.verdicts['trivial']} trivial, {f.verdicts['wrong']} wrong; "
            f"{f.unjudged} not judged); mean precision@{K} per region {_fmt(f.mean_at_k)} over "
            f"{sum(1 for x, _ in f.at_k.values() if x is not None)} regions",
            *[f"  findings precision@{K} {k:40}{_fmt(x):>6}  ({n} judged)" for k, (x, n) in f.at_k.items()],
            "",
            "every kind (findings and material):",
        ]
    lines += [
        f"precision (useful / judged rows), all kinds: {_fmt(p.overall)}  ({p.judged} judged: {v['useful']} useful, "
        f"{v['trivial']} trivial, {v['wrong']} wrong; {p.unjudged} rows not judged)",
        f"mean precision@{K} per region, all kinds: {_fmt(p.mean_at_k)}",
        "per kind:",
        *[f"  {k:52}{_fmt(x):>6}  ({n} judged)" for k, (x, n) in p.by_kind.items()],
        "per rule / question:",
        *[f"  {k:52}{_fmt(x):>6}  ({n} judged)" for k, (x, n) in p.by_question.items()],
        f"precision@{K} per region:",
        *[f"  {k:52}{_fmt(x):>6}  ({n} judged)" for k, (x, n) in p.at_k.items()],
        *analysis.notes,
    ]
    return "\n".join(lines) + "\n"


def evaluation_dict(analysis: Analysis) -> dict:
    """Precision and the link-prediction evaluation as plain data (for `--format json`)."""
    p = analysis.precision
    f = analysis.findings_precision
    return {
        "findings_precision": f.table() if f else None,
        "findings_mean_precision_at_10": f.mean_at_k if f else None,
        "precision": p.table() if p else None,
        "mean_precision_at_10": p.mean_at_k if p else None,
        "notes": analysis.notes,
        "link_prediction": analysis.evaluation.table() if analysis.evaluation else None,
    }


def evaluation_text(ev: Evaluation) -> str:
    """The evaluation as a plain table: method, AUC mean±sd, precision@k and @20, used."""
    lines = [
        f"hold-out: {ev.hidden} hidden edges (10%) per seed, seeds {', '.join(map(str, ev.seeds))}",
        f"{'method':24}{'AUC mean±sd':>16}{'P@k mean±sd':>16}{'P@20 mean±sd':>16}  used",
    ]
    base = None
    for r in ev.table():
        if r["method"] == "random":
            base = r
        lines.append(
            f"{r['name']:24}{r['auc_mean']:>9.3f}±{r['auc_sd']:<6.3f}"
            f"{r['p_at_k_mean']:>9.3f}±{r['p_at_k_sd']:<6.3f}"
            f"{r['p_at_20_mean']:>9.3f}±{r['p_at_20_sd']:<6.3f}  {'yes' if r['used'] else 'no'}"
        )
    lines.append(
        f"random baseline: AUC {base['auc_mean']:.3f}, precision@k {base['p_at_k_mean']:.3f}; "
        f"used for suggestions: {', '.join(ev.used()) or 'none'}"
    )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- HTML report


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
    """The evaluation table and a plain statement (Swedish) of which methods are used and why."""
    rows = []
    for r in ev.table():
        rows.append(
            f"<tr><td>{_e(r['name'])}</td><td class=num>{r['auc_mean']:.3f} ± {r['auc_sd']:.3f}</td>"
            f"<td class=num>{r['p_at_k_mean']:.3f} ± {r['p_at_k_sd']:.3f}</td>"
            f"<td class=num>{r['p_at_20_mean']:.3f} ± {r['p_at_20_sd']:.3f}</td>"
            f"<td>{'ja' if r['used'] else 'nej'}</td></tr>"
        )
    used = ev.used()
    base = next(r for r in ev.table() if r["method"] == "random")
    if used:
        stmt = (
            f"Förslagen kommer bara från {', '.join(METHOD_NAMES[m] for m in used)}: deras medel-AUC slår "
            f"slumpens ({base['auc_mean']:.3f}) med minst {AUC_MARGIN:.2f} och med mer än spridningen mellan "
            "fröna, och deras precision@k är högre än slumpens. Övriga metoder visas för jämförelse."
        )
    else:
        stmt = "Ingen metod slår slumpen med den marginal som krävs, så länkprediktionen föreslår inga länkar."
    return (
        f"<p>Utvärdering med undanhållna länkar i aktörsnätverket: för vart och ett av {len(ev.seeds)} fasta frön "
        f"({', '.join(map(str, ev.seeds))}) döljs {ev.hidden} länkar (10 %) och lika många icke-länkar dras som "
        "negativa exempel. AUC jämför dolda länkar med negativa; precision@k rangordnar kandidatparen (avstånd "
        f"≤ 2, eller ≤ 3 för L3) i träningsgrafen, k = {ev.hidden} (de dolda länkarna) och k = 20. "
        "AUC säger hur väl en metod återfinner kända länkar, inte om ett förslag är värt en revisors tid: "
        "det mäter precisionen mot den granskade mängden ovan.</p>"
        "<table>"
        + _head("metod", "AUC medel ± sd", "precision@k medel ± sd", "precision@20 medel ± sd", "används för förslag")
        + "".join(rows)
        + "</table>"
        f"<p class=note>{_e(stmt)}</p>"
    )


#: The kinds' Swedish names on the report.
KIND_SV = {
    "audit": "granskning",
    "rule": "regel",
    "note": "statusnotering",
    "compare": "jämförelse",
    "predict": "länkprediktion",
}


def precision_html(analysis: Analysis) -> str:
    """The precision figures against the labelled set, in Swedish (empty without a set)."""
    f, p = analysis.findings_precision, analysis.precision
    if f is None or p is None:
        return "<p>Ingen granskad mängd: precisionen är inte mätt.</p>"
    rows = "".join(
        f"<tr><td>{_e(KIND_SV.get(k, k))}</td><td class=num>{_fmt(x)}</td><td class=num>{n}</td></tr>"
        for k, (x, n) in p.by_kind.items()
    )
    notes = "".join(f"<p class=note>{_e(n)}</p>" for n in analysis.notes)
    return (
        f"<p>Mätt mot en granskad mängd ({p.judged + (p.unjudged or 0)} rader i rapporten, varav {p.judged} bedömda "
        "av en läsare av källorna som användbara, triviala eller fel, med den rad som avgör): fynden "
        f"(granskning och regler) har precisionen <strong>{_fmt(f.overall)}</strong> ({f.judged} bedömda) och "
        f"i genomsnitt <strong>{_fmt(f.mean_at_k)}</strong> bland de tio första per region.</p>"
        "<table>" + _head("slag", "precision", "bedömda rader") + rows + "</table>" + notes
    )


INTRO = (
    "<p data-lang=sv>Varje rad säger vad den gäller, varför den finns med och varför den har sin plats, och bär "
    "varje ordagrant citat med sin källa (titel, år och rad). <strong>Fynd</strong>: "
    "<span class='kind audit'>granskning</span> en samverkansbrist som en revisionsrapport anger eller ett svar "
    "på en granskning medger; <span class='kind rule'>regel</span> en strukturregel (queries/rules/*.rq) som "
    "klarar ribban mot den granskade mängden. <strong>Underlag för bedömning</strong> (under ribban, visas "
    "efter fynden): <span class='kind note'>statusnotering</span> i den beskrivande översikten 2020 (ingen "
    "granskning); <span class='kind compare'>jämförelse</span> en struktur som de flesta regioner har; "
    "<span class='kind predict'>länkprediktion</span>. Ett beräknat förslag parar aldrig två aktörer med samma "
    "huvudman, en enhet med sin överordnade eller två medlemmar i samma forum.</p>"
    # the same in English, shown instead by the English switch (graph/static/lang.js, data-lang)
    "<p data-lang=en hidden>Each row says what it concerns, why it is listed and why it has its place, and "
    "carries every verbatim quote with its source (title, year and line). <strong>Findings</strong>: "
    "<span class='kind audit'>audit</span> a collaboration gap an audit report states or an answer to an audit "
    "admits; <span class='kind rule'>rule</span> a structural rule (queries/rules/*.rq) that meets the bar "
    "on the labelled set. <strong>Material for judgement</strong> (below the bar, shown after the findings): "
    "<span class='kind note'>status note</span> of the descriptive overview of 2020 (not an audit); "
    "<span class='kind compare'>comparison</span> a structure most regions have; "
    "<span class='kind predict'>link prediction</span>. A computed suggestion never pairs two actors with the "
    "same principal, a unit with its parent or two members of the same forum.</p>"
)


_CITED_LINE = re.compile(r"(.*), rad (\d+)")


def quote_html(quote: str, document: str, sources: dict[str, str]) -> str:
    """A quote and its document, linked to its line of the source text's page where `sources`
    (how a document is cited → its page, `graph.viz.sources.source_links`) knows the document.

    >>> quote_html("q", "Översikt (2020), rad 89", {"Översikt (2020)": "sources/004.html"})
    '<blockquote>q</blockquote><span class=doc><a href="sources/004.html#L89">Översikt (2020), rad 89</a></span>'
    >>> quote_html("q", "<b>", {})
    '<blockquote>q</blockquote><span class=doc>&lt;b&gt;</span>'
    """
    cited = _CITED_LINE.fullmatch(document)
    doc = _e(document)
    if cited and cited.group(1) in sources:
        doc = f'<a href="{_e(sources[cited.group(1)])}#L{cited.group(2)}">{doc}</a>'
    return f"<blockquote>{_e(quote)}</blockquote><span class=doc>{doc}</span>"


def _en(text: str) -> str:
    """The attribute that gives an element its English text for the English switch (graph/static/lang.js).

    >>> _en("a <b>"), _en("")
    (' data-en="a &lt;b&gt;"', '')
    """
    return f' data-en="{_e(text)}"' if text else ""


def _head(*names: str) -> str:
    """A table's heading row, each name marked for the English switch (graph/static/lang.js).

    >>> _head("slag", "precision")
    '<tr><th data-i18n>slag</th><th data-i18n>precision</th></tr>'
    """
    return "<tr>" + "".join(f"<th data-i18n>{_e(n)}</th>" for n in names) + "</tr>"


def type_id(st: str) -> str:
    """The id of a structure type's list of regions on the report.

    >>> type_id("nv:st-mobile-team")
    'typ-st-mobile-team'
    """
    return "typ-" + st.split(":", 1)[-1].rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _having_link(g: Gap) -> str:
    """A comparison's link to the list of the regions that have its structure (`having_html`)."""
    n = len(g.having)
    sv, en = (
        ("Den enda regionen", "The one region that has it")
        if n == 1
        else (f"De {n} regionerna", f"The {n} regions that have it")
    )
    return f"<br><a href='#{_e(type_id(g.name))}'{_en(en)}>{sv} med strukturen</a>"


def having_html(analysis: Analysis, pages: dict[str, str]) -> str:
    """The regions that have each structure type the comparison rows concern, once per type (each row
    links to its type's list): the type's name, the number of regions and each region, linked to its
    page where `pages` has one (as the rows link actors); empty without comparison rows."""
    having = {g.name: g.having for g in analysis.gaps if g.kind == "compare" and g.having}
    if not having:
        return ""
    names = analysis.type_names
    parts = [
        "<h2 id=strukturer data-i18n>Regionerna som har varje struktur</h2>",
        "<p data-i18n>Varje jämförelse ovan säger hur många regioner som har strukturen och länkar hit.</p>",
    ]
    for st in sorted(having, key=lambda t: (names.get(t, (t,))[0], t)):
        sv, en = names.get(st, (st, st))
        n = len(having[st])
        count_sv, count_en = ("(1 region)", "(1 region)") if n == 1 else (f"({n} regioner)", f"({n} regions)")
        parts.append(
            f"<h3 id='{_e(type_id(st))}'><span{_en(en)}>{_e(sv)}</span> <small{_en(count_en)}>{count_sv}</small></h3>"
        )
        parts.append(
            "<ul class=having>"
            + "".join(f"<li>{_actor(r, analysis.region_names.get(r, r), pages)}</li>" for r in having[st])
            + "</ul>"
        )
    return "\n".join(parts)


def _rows_html(gaps: list[Gap], pages: dict[str, str], sources: dict[str, str]) -> str:
    """One table of rows: what they concern, kind and source, why, rank, and every quote."""
    out = ["<table>" + _head("gäller", "aktör", "slag · källa", "namn", "poäng", "varför", "rang", "belägg")]
    for g in gaps:
        ev_html = "".join(quote_html(q, d, sources) for q, d in g.quotes)
        score = "" if g.score is None else f"{g.score:.3f}"
        source = " · ".join(_e(x) for x in (g.source_kind, g.date) if x)
        # the English switch (graph/static/lang.js) shows `data-en` in place of the Swedish text
        why = f"<span{_en(g.explanation_en)}>{_e(g.explanation)}</span>"
        why += f"<br><span class=doc>{_e(g.answered)}</span>" if g.answered else ""
        why += _having_link(g) if g.having else ""
        out.append(
            f"<tr><td>{_actor(g.a, g.a_label, pages)}</td><td>{_actor(g.b, g.b_label, pages)}</td>"
            f"<td><span class='kind {_e(g.kind)}' data-i18n>{_e(KIND_SV.get(g.kind, g.kind))}</span><br>{source}</td>"
            f"<td>{_e(g.name)}</td><td class=num>{score}</td><td>{why}</td><td{_en(g.reason_en)}>{_e(g.reason)}</td>"
            f"<td>{ev_html}</td></tr>"
        )
    out.append("</table>")
    return "\n".join(out)


def report_html(
    analysis: Analysis,
    pages: dict[str, str] | None = None,
    footer: dict | None = None,
    sources: dict[str, str] | None = None,
) -> str:
    """The whole report page (Swedish) on the pages' base layout: per region the findings, then the
    material for judgement, the precision against the labelled set and the evaluation of link
    prediction, and at the end the regions that have each structure the comparisons concern
    (`having_html`); `pages` maps an actor (short IRI) to its network page, to link its name (no page, no
    link); `footer` is the build date and data version (`graph.viz.shell.footer`); `sources` links
    each quote to its line (`quote_html`)."""
    from ..viz.shell import FOOTER_UNKNOWN, render
    from .model import FINDINGS

    pages, sources = pages or {}, sources or {}
    gaps, ev, region_names = analysis.gaps, analysis.evaluation, analysis.region_names
    by_region: dict[str, list[Gap]] = {}
    for g in gaps:
        by_region.setdefault(g.region, []).append(g)
    counts = {k: sum(1 for g in gaps if g.kind == k) for k in KINDS}
    parts = [
        INTRO,
        "<p>" + ", ".join(f"{n} {KIND_SV.get(k, k)}" for k, n in counts.items()) + f" — {len(gaps)} rader.</p>",
        "<h2 id=precision data-i18n>Precision mot den granskade mängden</h2>",
        precision_html(analysis),
        "<h2 id=evaluation data-i18n>Utvärdering av länkprediktionen</h2>",
        evaluation_html(ev) if ev else "<p>Länkprediktionen kördes inte.</p>",
        "<h2 data-i18n>Regioner</h2><ul>",
    ]
    order = sorted(by_region, key=lambda r: region_names.get(r, r))
    parts += [
        f"<li><a href='#{_e(local_name(r))}'>{_e(region_names.get(r, r))}</a> "
        f"({sum(g.kind in FINDINGS for g in by_region[r])} fynd, {len(by_region[r])} rader)</li>"
        for r in order
    ]
    parts.append("</ul>")
    lists = having_html(analysis, pages)
    if lists:
        parts.append("<p><a href='#strukturer' data-i18n>Regionerna som har varje struktur</a></p>")
    for reg in order:
        slug = local_name(reg)
        parts.append(
            f"<h2 id='{_e(slug)}'>{_e(region_names.get(reg, reg))} "
            f"<small>(<a href='regions/{_e(slug)}.html'>nätverk</a>)</small></h2>"
        )
        found = [g for g in by_region[reg] if g.kind in FINDINGS]
        rest = [g for g in by_region[reg] if g.kind not in FINDINGS]
        none = "<p data-i18n>Inga fynd.</p>"
        parts.append("<h3 data-i18n>Fynd</h3>" + (_rows_html(found, pages, sources) if found else none))
        if rest:
            parts.append("<h3 data-i18n>Underlag för bedömning</h3>" + _rows_html(rest, pages, sources))
    parts.append(lists)
    title = "Samverkansbrister och saknade länkar"
    return render("gaps.html", title=title, body="\n".join(parts), footer=footer or FOOTER_UNKNOWN)
