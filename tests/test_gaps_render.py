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

from .browser import needs_chromium

G = Gap("nvr:dalarna", "nvr:a", "A", "nvr:b", "B", "rule", "x", None, "why", "quote", "doc")
S = Gap(
    "nvr:dalarna",
    "nvr:dalarna",
    "Region Dalarna",
    None,
    "",
    "compare",
    "nv:st-x",
    0.6667,
    "lacks x",
    having=("nvr:a", "nvr:b"),
)


@pytest.mark.parametrize(
    "fmt,check",
    [
        ("csv", lambda t: list(csv.reader(io.StringIO(t)))[2][7] == "0.6667"),
        ("csv", lambda t: list(csv.reader(io.StringIO(t)))[1][3:5] == ["nvr:b", "B"]),
        ("json", lambda t: json.loads(t)[1]["b"] is None and json.loads(t)[1]["score"] == 0.6667),
        ("json", lambda t: json.loads(t)[1]["having"] == ["nvr:a", "nvr:b"] and json.loads(t)[0]["having"] == []),
        ("csv", lambda t: [r[-1] for r in csv.reader(io.StringIO(t))] == ["having", "", "nvr:a; nvr:b"]),
        ("table", lambda t: "   2. [compare:nv:st-x 0.667] nvr:dalarna  Region Dalarna\n" in t),
        ("table", lambda t: "«quote» (doc)" in t and "A ↔ B" in t),
        ("table", lambda t: t.endswith("      lacks x\n      har strukturen: nvr:a, nvr:b\n")),
    ],
)
def test_gaps_text(fmt, check):
    assert check(gaps_text([G, S], fmt))


HEADER = (
    "region,a,a_label,b,b_label,kind,name,score,explanation,evidence,document,"
    "actors,quotes,source_kind,authority,date,answered,reason,explanation_en,reason_en,having\n"
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


def _compare(region: str, name: str, st: str, having: tuple[str, ...]) -> Gap:
    return Gap(
        region, region, name, None, "", "compare", st, 0.7, f"{name} saknar", explanation_en="lacks", having=having
    )


def _compared() -> Analysis:
    """Four comparison rows of two structure types, with names to escape."""
    having = ("nvr:a", "nvr:b", "nvr:c")
    rows = [_compare(r, r[-1].upper(), "nv:st-x", having) for r in ("nvr:d", "nvr:e", "nvr:f")]
    rows.append(_compare("nvr:a", "A", "nv:st-y", ("nvr:b",)))
    names = {"nvr:a": "Region <A>", "nvr:b": "B & B", "nvr:c": "C", "nvr:d": "D", "nvr:e": "E", "nvr:f": "F"}
    return Analysis(rows, None, names, type_names={"nv:st-x": ("<x>", "x en"), "nv:st-y": ("y", "y en")})


def test_report_lists_the_regions_of_each_structure_once():
    """Comparison rows give the number of regions and link to their type's one list, at the end of the page;
    the regions' and types' names are escaped, and linked to their pages where there are pages."""
    html = report_html(_compared(), {"nvr:a": "regions/a.html"})
    lists = html[html.index("<h2 id=strukturer") :]
    assert html.index("<h2 id='f'>") < html.index("<h2 id=strukturer")  # after the regions' sections
    assert html.count("<h2 id=strukturer") == 1 and "<a href='#strukturer'" in html  # and linked from the top
    # each row links to its type's list and says how many; the list is on the page once
    assert (
        html.count("<a href='#typ-st-x' data-en=\"The 3 regions that have it\">De 3 regionerna med strukturen</a>") == 3
    )
    assert html.count("href='#typ-st-y'") == 1 and ">Den enda regionen med strukturen</a>" in html
    assert lists.count("<h3 id='typ-st-x'>") == 1 and lists.count("<h3 id='typ-st-y'>") == 1
    assert lists.index("typ-st-x") < lists.index("typ-st-y")  # by the type's Swedish name ("<x>" before "y")
    assert '<span data-en="x en">&lt;x&gt;</span> <small data-en="(3 regions)">(3 regioner)</small>' in lists
    assert lists.count("<li>B &amp; B</li>") == 2 and "B & B" not in html  # once per type it is in, escaped
    assert '<li><a href="regions/a.html">Region &lt;A&gt;</a></li>' in lists  # a page: a link
    assert "<A>" not in html and html.count("<li>C</li>") == 1


@needs_chromium
@pytest.mark.browser
def test_report_lists_in_english(chromium, tmp_path):
    """The English switch gives the lists' heading, counts and type names and the rows' links in English;
    a row's link leads to its type's list; axe-core finds no serious violation."""
    from graph.viz.site import write_assets

    from .axe import serious_violations
    from .browser import Page

    (tmp_path / "gaps.html").write_text(report_html(_compared()), encoding="utf-8")
    write_assets(tmp_path)
    page = Page(chromium, (tmp_path / "gaps.html").as_uri() + "#lang=en")
    try:
        p = page.page
        p.wait_for_function("() => document.documentElement.lang === 'en'")
        assert p.inner_text("#strukturer") == "The regions that have each structure"
        assert p.inner_text("#typ-st-x") == "x en (3 regions)" and p.inner_text("#typ-st-y") == "y en (1 region)"
        assert p.inner_text("a[href='#strukturer']") == "The regions that have each structure"
        links = p.eval_on_selector_all("td a[href^='#typ-']", "as => as.map(a => a.textContent)")
        assert links == ["The 3 regions that have it"] * 3 + ["The one region that has it"]
        text = p.inner_text("main")
        assert "med strukturen" not in text and "Varje jämförelse" not in text and "regioner)" not in text
        p.click("td a[href='#typ-st-y']")
        assert p.evaluate("location.hash") == "#typ-st-y"
        assert p.eval_on_selector("#typ-st-y + ul.having", "u => u.textContent") == "B & B"
        assert serious_violations(p) == []
        assert page.errors == [] and page.requests == []
    finally:
        p.close()


def test_report_without_comparisons_has_no_lists():
    html = report_html(Analysis([G], None, {"nvr:dalarna": "Region Dalarna"}))
    assert "strukturer" not in html and "typ-" not in html


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
    # every comparison row links to its structure type's list, which has as many regions as the row says
    compared = [g for g in analysis.gaps if g.kind == "compare"]
    assert compared and html.count("regionerna med strukturen</a>") == len(compared)
    lists = html[html.index("<h2 id=strukturer") :]
    for st in {g.name for g in compared}:
        having = next(g.having for g in compared if g.name == st)
        section = lists[lists.index(f"<h3 id='typ-{st.split(':')[1]}'>") :]
        section = section[: section.index("</ul>")]
        assert f"({len(having)} regioner)" in section and section.count("<li>") == len(having)
        assert f"medan {len(having)} av " in next(g.explanation for g in compared if g.name == st)
        assert all(_escape(analysis.region_names[r]) in section for r in having)


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
