"""graph/gaps/render.py: the text formats, the evaluation table and the HTML report."""

from __future__ import annotations

import csv
import io
import json
import re
from html import escape as _escape

import pytest

from graph.gaps import Analysis
from graph.gaps.model import Gap
from graph.gaps.render import evaluation_text, gaps_text, local_name, report_html

G = Gap("nvr:dalarna", "nvr:a", "A", "nvr:b", "B", "rule", "x", None, "why", "quote", "doc")
S = Gap("nvr:dalarna", "nvr:dalarna", "Region Dalarna", None, "", "compare", "nv:st-x", 0.6667, "lacks x")


@pytest.mark.parametrize(
    "fmt,check",
    [
        ("csv", lambda t: list(csv.reader(io.StringIO(t)))[2][7] == "0.6667"),
        ("csv", lambda t: list(csv.reader(io.StringIO(t)))[1][3:5] == ["nvr:b", "B"]),
        ("json", lambda t: json.loads(t)[1]["b"] is None and json.loads(t)[1]["score"] == 0.6667),
        ("table", lambda t: "   2. [compare:nv:st-x 0.667] nvr:dalarna  Region Dalarna\n" in t),
        ("table", lambda t: "«quote» (doc)" in t and "A ↔ B" in t),
    ],
)
def test_gaps_text(fmt, check):
    assert check(gaps_text([G, S], fmt))


HEADER = (
    "region,a,a_label,b,b_label,kind,name,score,explanation,evidence,document,"
    "actors,quotes,source_kind,authority,date,answered,reason,explanation_en,reason_en\n"
)


@pytest.mark.parametrize("fmt,empty", [("table", "no gaps found\n"), ("json", "[]\n"), ("csv", HEADER)])
def test_gaps_text_empty(fmt, empty):
    assert gaps_text([], fmt) == empty


@pytest.mark.parametrize(
    "node,name", [("nvr:dalarna", "dalarna"), ("https://w3id.org/naravard/id/x", "x"), ("https://example.org/a#b", "b")]
)
def test_local_name(node, name):
    assert local_name(node) == name


def test_report_html_escapes_and_links():
    evil = Gap(
        "nvr:dalarna",
        "nvr:dalarna--x",
        "<script>alert(1)</script>",
        "nvr:dalarna--y",
        "A & B",
        "rule",
        "r",
        None,
        'why "quoted" <b>',
        "<i>quote</i>",
        "003.txt",
    )
    html = report_html(
        Analysis([evil], None, {"nvr:dalarna": "Region Dalarna"}), {"nvr:dalarna--x": "actors/dalarna--x.html"}
    )
    assert "<script>" not in html and "&lt;script&gt;" in html and "A &amp; B" in html
    assert "regions/dalarna.html" in html and "actors/dalarna--x.html" in html
    assert "actors/dalarna--y.html" not in html  # no page, no link
    assert "http://" not in html and "https://" not in html
    assert "Länkprediktionen kördes inte." in html and "Region Dalarna" in html
    assert '<html lang="sv">' in html and "<footer>" in html  # Swedish, on the pages' base layout


def test_report_of_the_real_analysis(analysis):
    html = report_html(analysis)
    assert "Utvärdering av länkprediktionen" in html and "används för förslag" in html
    # no script but the language switch's (a file), no inline style
    assert re.findall(r"<script[^>]*>", html) == ['<script src="assets/lang.js" defer>']
    assert "<style" not in html and " style=" not in html
    links = ['<link rel="icon" href="data:,">', '<link rel="stylesheet" href="assets/naravard.css">']
    assert re.findall(r"<link [^>]*>", html) == links  # the pages' one stylesheet
    assert f"— {len(analysis.gaps)} rader." in html
    # every quote of every row is on the page, and the findings come before the material
    assert all(html.count(_escape(q)) for g in analysis.gaps for q, _ in g.quotes)
    dalarna = html[html.index("<h2 id='dalarna'>") :]
    assert dalarna.index("<h3 data-i18n>Fynd</h3>") < dalarna.index("<h3 data-i18n>Underlag för bedömning</h3>")
    assert html.count("<h2 id='") == len({g.region for g in analysis.gaps})


def test_evaluation_text(analysis):
    text = evaluation_text(analysis.evaluation)
    assert text.startswith(f"hold-out: {analysis.evaluation.hidden} hidden edges")
    assert f"used for suggestions: {', '.join(analysis.evaluation.used())}" in text


def test_report_links_every_cited_quote_to_its_source_line(analysis, store, project):
    from graph.viz.sources import source_links

    html = report_html(analysis, sources=source_links(store, project))
    cited = [d for g in analysis.gaps for _, d in g.quotes if re.fullmatch(r".*, rad \d+", d)]
    links = re.findall(r'<span class=doc><a href="(sources/\w+\.html#L\d+)">', html)
    assert cited and len(links) == len(cited)
    texts = {f"sources/{p.stem}.html" for p in project.sources_dir.glob("*.txt")}
    assert {link.split("#")[0] for link in links} <= texts
