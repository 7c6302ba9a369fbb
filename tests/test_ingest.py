"""naravard ingest: PDF text extraction, candidates, the review file, accept, and bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from graph.evidence import SourceText
from graph.ingest.extract import clean_pages
from graph.ingest.gazetteer import key
from graph.namespaces import NV, NVR
from graph.validate import validate
from tests.conftest import write

VERA = Path(__import__("reportlab").__file__).parent / "fonts" / "Vera.ttf"
PAGES = [
    [
        "Region Dalarna har inrättat ett nytt forum. Länssamverkans-",
        "rådet består av Region Dalarna och Socialstyrelsen på politisk nivå.",
        "Socialstyrelsen stödjer arbetet med nära vård i hela länet.",
    ],
    ["Hälso- och sjukvården ska ställa om till en god och nära vård där patienten", "får stöd nära sitt hem."],
]


def make_pdf(path: Path, pages=PAGES, encrypt: str | None = None, text: bool = True) -> Path:
    """A PDF with a running header and a page number on each page (reportlab, an embedded font)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Vera", str(VERA)))
    c = canvas.Canvas(str(path), encrypt=encrypt)
    for number, lines in enumerate(pages, 1):
        if text:
            c.setFont("Vera", 10)
            c.drawString(72, 800, "Granskning av omställningen – Region Dalarna")
            for i, line in enumerate(lines):
                c.drawString(72, 760 - 14 * i, line)
            c.drawString(300, 40, str(number))
        else:
            c.rect(72, 400, 200, 200, fill=1)
        c.showPage()
    c.save()
    return path


def tree(root: Path) -> dict[str, str]:
    """Every file under data/ and review/ → its SHA-256."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for sub in ("data", "review")
        for p in sorted((root / sub).rglob("*"))
        if p.is_file()
    }


def run(project, *args):
    return CliRunner().invoke(cli, ["ingest", *args, "--root", str(project.root)])


@pytest.mark.parametrize(
    "pages, expected",
    [
        (["H\nsam-\nverkan\n1", "H\nx\n2"], "samverkan\nx\n"),
        (["Hälso- och\nsjukvård"], "Hälso- och\nsjukvård\n"),
        (["a\nSida 3 av 9\nb"], "a\nb\n"),
    ],
)
def test_clean_pages(pages, expected):
    assert clean_pages(pages) == expected


@pytest.mark.parametrize("a, b", [("Välfärdsrådets", "Välfärdsrådet"), ("nämnden", "nämnd"), ("HSN:s", "HSN")])
def test_key_forms(a, b):
    assert key(a) == key(b)


def test_pdf_round_trip(fixture_project):
    root = fixture_project.root
    pdf = make_pdf(root.parent / "rapport.pdf")
    r = run(fixture_project, str(pdf), "--region", "dalarna", "--date", "2024-05-02", "--title", "Testrapport")
    assert r.exit_code == 0, r.output
    text_file = next((root / "data" / "sources").glob("005_*.txt"))
    text = text_file.read_text(encoding="utf-8")
    assert "Granskning av omställningen" not in text and "\n1\n" not in text  # header and page number dropped
    assert "Länssamverkansrådet består av Region Dalarna" in text.replace("\n", " ")  # hyphen joined
    review = next((root / "review").glob("*.review.ttl"))
    draft = review.read_text(encoding="utf-8")
    assert "nvr:dalarna--lanssamverkansradet a nv:CollaborationBody" in draft
    assert "nv:level nv:level-political" in draft
    assert "nvr:dalarna nv:memberOf nvr:dalarna--lanssamverkansradet" in draft
    assert "<script" not in review.with_suffix(".html").read_text(encoding="utf-8")
    review.write_text(draft.replace('rv:decision "proposed"', 'rv:decision "accept"'), encoding="utf-8")
    r = run(fixture_project, "--accept", str(review))
    assert r.exit_code == 0, r.output
    region_file = (root / "data" / "regions" / "dalarna.ttl").read_text(encoding="utf-8")
    assert "rv:" not in region_file and "review#" not in region_file
    report = validate(fixture_project)
    assert report.ok, [str(p) for p in report.errors[:3]]
    g = report.graph
    forum = NVR["dalarna--lanssamverkansradet"]
    (ev,) = list(g.objects(forum, NV.evidence))
    line, quote = int(g.value(ev, NV.line)), str(g.value(ev, NV.quote))
    assert quote.startswith("Länssamverkansrådet består av Region Dalarna") and line == 1
    assert SourceText(text).near_line(quote, line, slack=0)
    assert (NVR.dalarna, NV.memberOf, forum) in g


def test_bad_input(fixture_project, tmp_path):
    root = fixture_project.root
    before = tree(root)
    cases = [
        (make_pdf(tmp_path / "locked.pdf", encrypt="hemligt"), ["--region", "dalarna", "--date", "2024"], "encrypted"),
        (make_pdf(tmp_path / "bild.pdf", text=False), ["--region", "dalarna", "--date", "2024"], "no text found"),
        (make_pdf(tmp_path / "ok.pdf"), ["--region", "atlantis", "--date", "2024"], "not the slug of a region"),
        # the kinds are the ontology's (skos:notation of nv:documentKinds)
        (tmp_path / "ok.pdf", ["--region", "dalarna", "--kind", "protokoll"], "not one of audit, answer, overview"),
        (
            write(tmp_path / "notat.txt", "Välfärdsrådet består av Region Dalarna och länets kommuner.\n" * 2),
            ["--region", "dalarna"],
            "give --date",
        ),
    ]
    for pdf, args, message in cases:
        r = run(fixture_project, str(pdf), *args)
        assert r.exit_code == 1 and message in r.output and r.output.count("\n") == 1, r.output
        assert r.output.startswith("Error: ")
    assert tree(root) == before
    assert run(fixture_project, str(tmp_path / "ok.pdf"), "--region", "dalarna", "--date", "2024").exit_code == 0
    written = tree(root)
    r = run(fixture_project, str(tmp_path / "ok.pdf"), "--region", "dalarna", "--date", "2024")
    assert r.exit_code == 1 and "already ingested" in r.output
    review = next((root / "review").glob("*.review.ttl"))
    review.write_text(review.read_text(encoding="utf-8").replace(" .\n", " \n", 1), encoding="utf-8")
    written = tree(root)
    r = run(fixture_project, "--accept", str(review))
    assert r.exit_code == 1 and "does not parse" in r.output and r.output.count("\n") == 1, r.output
    assert tree(root) == written


def test_review_page_escapes_the_text():
    from graph.ingest.candidates import Actor, Candidates, Evidence
    from graph.ingest.review import review_html

    found = Candidates()
    iri = "https://w3id.org/naravard/id/dalarna--x"
    found.actors[iri] = Actor(iri, "<script>alert(1)</script>", False, str(NV.Board), Evidence(1, 'a "b" & <c>'))
    page = review_html(found, ['a "b" & <c>'], "<Titel>", {})
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;Titel&gt;" in page


def test_evaluate_every_source(store, project):
    from graph.ingest.evaluate import evaluate, table

    scores = evaluate(store, project)
    assert {s.source.rsplit("-", 1)[1] for s in scores} == {"000", "001", "002", "003", "004"}
    assert all(0 <= s.precision <= 1 and 0 <= s.recall <= 1 for s in scores)
    entities = [s for s in scores if s.kind == "entities"]
    assert sum(s.precision for s in entities) / len(entities) >= 0.6  # the README's figure, as a floor
    assert "| mean | relations |" in table(scores)
