"""naravard ingest: PDF text extraction, candidates, the review file, accept, and bad input."""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from graph.evidence import SourceText
from graph.ingest.candidates import Evidence
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
    [
        "Hälso- och sjukvården ska ställa om till en god och nära vård där patienten",
        "får stöd nära sitt hem.",
        "",
        "Utifrån våra bedömningar rekommenderar vi regionstyrelsen och hälso- och sjukvårdsnämnden att:",
        "",
        "• Tydliggöra ansvaret för omställningen till en god och nära vård.",
    ],
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


@pytest.fixture(scope="module")
def kronoberg(store, project):
    """The rules and the gazetteer of Region Kronoberg (the whole graph)."""
    from graph.ingest import gazetteer
    from graph.ingest.rules import load_rules

    rules = load_rules(project)
    return rules, gazetteer.build(store, project, rules, "kronoberg")


def propose_text(kronoberg, text: str):
    from graph.ingest.candidates import propose
    from graph.ingest.sentences import Document

    rules, gaz = kronoberg
    return propose(Document(text), gaz, rules, "kronoberg")


@pytest.mark.parametrize(
    "text, label, cls",
    [
        (
            "Ärendet bereds av nämnden för folkhälsa och sjukvård inför beslut.",
            "nämnden för folkhälsa och sjukvård",
            "Board",
        ),
        ("I länet arbetar tandvårdscheferna med frågor om äldres munhälsa.", "tandvårdscheferna", "Post"),
        ("Appen ”Bra liv nära” används av patienter i hela länet sedan 2015.", "Bra liv nära", "Project"),
        ("En gemensam styrgrupp med kommunerna leder arbetet i länet.", "gemensam styrgrupp", "CollaborationBody"),
        ("Strategi 2 - Öka tryggheten genom jämlik och säker vård i länet.", "Strategi 2", "Plan"),
        ("\uf0b7 Digitaliseringsstrategin – ett samordnat digitaliseringsarbete i länet.", None, None),
        ("Ärendet bereds av sjukhusledningen innan beslut fattas i regionen.", "sjukhusledningen", "Administration"),
        (
            "Regionen och kommunerna har byggt en länsgemensam samverkansorganisation för barn och unga.",
            "länsgemensam samverkansorganisation",
            "CollaborationBody",
        ),
        ("Regionen har tagit fram en regional målbild för tandvården i länet.", "regional målbild", "Plan"),
        ("Chefstjänstemän från vården träffas varje månad för att följa arbetet.", "Chefstjänstemän", "Post"),
        ("En HR-specialist stödjer cheferna i arbetet med bemanningen.", "HR-specialist", "Post"),
        ("Arbetet med Färdplan 2035 kan vara till hjälp i uppföljningen av vården.", "Färdplan 2035", "Plan"),
        ("Arbetet leds av projektgrupperna på sjukhusen i länet sedan i fjol.", "projektgrupperna", "Committee"),
        ("Primärvården följer vårdöverenskommelser med sjukhusens kliniker.", "vårdöverenskommelser", "Plan"),
        ("Ärendet bereddes av Byggnadsnämndens ordförande inför mötet i juni.", "Byggnadsnämndens ordförande", "Post"),
        ("Patienten remitteras till Mora lasarett för vidare vård i länet.", "Mora lasarett", "Administration"),
        ("En utredare anställdes för att följa arbetet i länet under året.", "utredare", "Post"),
        ("Ett mobilt närvårdsteam besöker patienterna i hemmet varje vecka.", "mobilt närvårdsteam", "Project"),
        ("Sedan i fjol arbetar närsjukvårdsteam Söder med de mest sjuka äldre.", "närsjukvårdsteam Söder", "Project"),
        ("Handlingsplanen 2018–2019 beskriver arbetet med äldres hälsa i länet.", "Handlingsplanen 2018–2019", "Plan"),
    ],
)
def test_new_actor_forms(kronoberg, text, label, cls):
    found = {a.label: a.cls.removeprefix(str(NV)) for a in propose_text(kronoberg, text).actors.values()}
    if label:
        assert found.get(label) == cls, found
    else:
        assert "\uf0b7" not in " ".join(found), found  # a symbol-font bullet is not part of a name


@pytest.mark.parametrize(
    "text",
    [
        "Anslaget fick genomslag i hela verksamheten i Västerbergslagen under året.",  # -slag: not a law
        "Inledningen beskriver handledning och vägledning av nya medarbetare i vården.",  # -ledning: not a body
        "Den politiska ledningen och projektledningen följer arbetet noga under året.",
        "Vid lasarettet och på sjukhuset finns en ordförande för varje råd.",  # bare heads, no owner or name
        "Arbetet sker i samråd med varje kommun enligt en tidsplan för året.",  # an idiom, a schedule
    ],
)
def test_words_that_end_like_an_actor(kronoberg, text):
    assert not {a.label for a in propose_text(kronoberg, text).actors.values() if not a.known}


def test_recommendations_and_their_addressees(kronoberg):
    text = (
        "Utifrån våra bedömningar och slutsatsen av granskningen rekommenderar revisionen regionstyrelsen att:\n\n"
        "• Tydliggöra ansvaret för omställningen till en god och nära vård.\n\n"
        "• Säkerställa en långsiktig finansiering av omställningen.\n\n"
        "Rekommendation 3\nAtt följa upp arbetet med indikatorer.\n"
    )
    found = propose_text(kronoberg, text)
    recs = {a.label: iri for iri, a in found.actors.items() if a.cls == str(NV.AuditRecommendation)}
    assert set(recs) == {"Rekommendation 1", "Rekommendation 2", "Rekommendation 3"}
    board = str(NVR["kronoberg--regionstyrelsen"])
    assert all((iri, str(NV.addressedTo), board) in found.relations for iri in recs.values())


def test_signature_block(kronoberg):
    found = propose_text(
        kronoberg, "Med vänlig hälsning\n\nAnna Berg (S)    Erik Lind\nNämndens ordförande   Regiondirektör\n"
    )
    labels = {a.label: a.cls.removeprefix(str(NV)) for a in found.actors.values()}
    assert labels.get("Anna Berg") == "Person" and labels.get("Erik Lind") == "Person", labels
    assert labels.get("Nämndens ordförande") == "Post", labels  # the posts under the names
    holds = {(s, o) for s, p, o in found.relations if p == str(NV.holds)}
    assert holds == {
        (str(NVR["kronoberg--anna-berg"]), str(NVR["kronoberg--namndens-ordforande"])),
        (str(NVR["kronoberg--erik-lind"]), str(NVR["kronoberg--regiondirektor"])),
    }, holds  # each holds the post under their name


def test_coreference_of_a_bare_head(kronoberg):
    """A bare "Nämnden" stands for the nämnd named in the sentence before, so its cue phrase relates that body."""
    found = propose_text(
        kronoberg,
        "Byggnadsnämnden i länet har ett stort ansvar för planeringen av vården. "
        "Nämnden ansvarar för Handlingsplanen för äldreomsorg i länet.",
    )
    board, plan = (str(NVR[f"kronoberg--{s}"]) for s in ("byggnadsnamnden", "handlingsplanen"))
    assert (board, str(NV.responsibleFor), plan) in found.relations, found.relations
    far = propose_text(  # not when the body was named more than `window` sentences before
        kronoberg,
        "Byggnadsnämnden i länet har ett stort ansvar för planeringen. Det är svårt att planera vården nu. "
        "Vården har många delar i länet idag. Vården förändras över tid i länet. "
        "Nämnden ansvarar för Handlingsplanen för äldreomsorg i länet.",
    )
    assert not any(s == board and p == str(NV.responsibleFor) for s, p, _ in far.relations), far.relations


def test_an_acronym_the_document_defines(kronoberg):
    """A new body's acronym in parentheses stands for it where the document uses it again."""
    found = propose_text(
        kronoberg,
        "Ärendet gick till Byggnadsnämnden (BYN) i juni samma år. "
        "BYN uppdrog åt Trafikförvaltningen att ta fram ett förslag till regionen.",
    )
    board, admin = (str(NVR[f"kronoberg--{s}"]) for s in ("byggnadsnamnden", "trafikforvaltningen"))
    assert found.actors[board].acronym == "BYN"
    assert (board, str(NV.commissions), admin) in found.relations, found.relations


def test_collaboration_between_the_actors_after_the_cue(kronoberg):
    found = propose_text(
        kronoberg, "Arbetet bygger på samverkan mellan Byggnadsnämnden och Trafikförvaltningen i länet."
    )
    board, admin = (str(NVR[f"kronoberg--{s}"]) for s in ("byggnadsnamnden", "trafikforvaltningen"))
    assert (board, str(NV.collaboratesWith), admin) in found.relations, found.relations


def test_a_heading_under_a_heading_over_two_lines():
    from graph.ingest.sentences import Document

    text = (
        "Hälso- och sjukvårdsnämnden och nämnden för folkhälsa och\nvårdvals svar\nHittills vidtagna åtgärder\n"
        "Hälso- och sjukvårdens strategi visar mål och\nriktning för verksamheterna.\n"
    )
    assert [s.text for s in Document(text).sentences] == [
        "Hälso- och sjukvårdsnämnden och nämnden för folkhälsa och vårdvals svar",
        "Hittills vidtagna åtgärder",
        "Hälso- och sjukvårdens strategi visar mål och riktning för verksamheterna.",
    ]


@pytest.mark.parametrize(
    "text, s, p, o",
    [
        (
            "Trafikförvaltningen har fått i uppdrag av Byggnadsnämnden att ta fram ett förslag.",
            "byggnadsnamnden",
            "commissions",
            "trafikforvaltningen",
        ),
        (
            "Handlingsplanen för äldreomsorg är baserad på Färdplan 2035 för hela länet.",
            "handlingsplanen",
            "basedOn",
            "fardplan-2035",
        ),
    ],
)
def test_cue_phrases(kronoberg, text, s, p, o):
    found = propose_text(kronoberg, text)
    assert (str(NVR[f"kronoberg--{s}"]), str(NV[p]), str(NVR[f"kronoberg--{o}"])) in found.relations, found.relations


def test_a_body_named_by_its_owner(kronoberg):
    """A bare head after an actor in the genitive is named by it and part of it."""
    found = propose_text(kronoberg, "Frågan bereds i Byggnadsnämndens arbetsgrupp inför beslut i juni.")
    group = next(i for i, a in found.actors.items() if a.label == "Byggnadsnämndens arbetsgrupp")
    assert (group, str(NV.partOf), str(NVR["kronoberg--byggnadsnamnden"])) in found.relations, found.relations


def test_every_new_body_has_a_structure_type(kronoberg):
    """The shapes require a structure type of a collaboration body or committee, also when its class is
    guessed from the sentence (shared with the municipalities) or from a list."""
    found = propose_text(
        kronoberg,
        "En gemensam styrgrupp med kommunerna leder arbetet i länet. "
        "Regionen och länets kommuner har en länsgemensam förvaltningsledning sedan 2020.",
    )
    bodies = {a.label: a.structure for a in found.actors.values() if a.cls == str(NV.CollaborationBody)}
    assert bodies == {
        "gemensam styrgrupp": str(NV["st-steering-group"]),
        "länsgemensam förvaltningsledning": str(NV["st-executive-joint-forum"]),
    }, bodies


def test_a_relation_the_graph_knows(kronoberg):
    found = propose_text(kronoberg, "Regionstyrelsen och hälso- och sjukvårdsnämnden möts varje månad om arbetet.")
    rel = found.relations[
        (str(NVR["kronoberg--regionstyrelsen"]), str(NV.commissions), str(NVR["kronoberg--halso-och-sjukvardsnamnden"]))
    ]
    assert rel.basis == str(NV["basis-context"]) and rel.cue == ""


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
    assert "nvr:dalarna--rekommendation-1 a nv:AuditRecommendation" in draft and "nv:number 1" in draft
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
    assert (NVR["dalarna--rekommendation-1"], NV.addressedTo, NVR["dalarna--regionstyrelsen"]) in g


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
    # on the one page system: the base layout, its policy and stylesheet, no inline style or script
    assert "script-src 'self'; style-src 'self'" in html.unescape(page) and 'href="assets/naravard.css"' in page
    assert "<style" not in page and "style=" not in page and "<script" not in page


@pytest.fixture(scope="module")
def evaluated(store, project):
    """(scores, misses) of one leave-one-document-out evaluation of the real sources (about 4 s)."""
    from graph.ingest.evaluate import evaluate

    misses = []
    return evaluate(store, project, misses), misses


def test_evaluate_every_source(evaluated):
    from graph.ingest.evaluate import table

    scores, _ = evaluated
    assert {s.source.rsplit("-", 1)[1] for s in scores} == {"000", "001", "002", "003", "004"}
    assert all(0 <= s.precision <= 1 and 0 <= s.recall <= 1 for s in scores)
    entities = [s for s in scores if s.kind == "entities"]
    assert sum(s.precision for s in entities) / len(entities) >= 0.6  # the README's figure, as a floor
    assert "| mean | relations |" in table(scores)


def test_measures_of_an_answer(kronoberg):
    """Paragraphs under "Planerade åtgärder" are measures responding to the recommendation heading above
    them; who adopted the answer decided them; the actor that opens the sentence is responsible."""
    text = (
        "Rekommendation 1\nAtt tydliggöra ansvaret för omställningen.\n\n"
        "Regionstyrelsens svar\nPlanerade åtgärder\n"
        "Hälso- och sjukvårdsnämnden tar fram en ny plan för uppföljning av omställningen under 2025.\n\n"
        "Svaret är fastställt av regionstyrelsen 2025-03-25 § 39\n"
    )
    found = propose_text(kronoberg, text)
    measures = [a for a in found.actors.values() if a.cls == str(NV.Measure)]
    assert len(measures) == 1 and measures[0].text.startswith("Hälso- och sjukvårdsnämnden tar fram"), measures
    m = measures[0]
    assert m.evidence.line == 6 and m.evidence.quote.startswith("Hälso- och sjukvårdsnämnden tar fram")
    rec = next(i for i, a in found.actors.items() if a.label == "Rekommendation 1")
    responds = found.relations[(m.iri, str(NV.respondsTo), rec)]
    assert responds.basis == str(NV["basis-layout"]) and responds.heading.quote == "Rekommendation 1"
    board = str(NVR["kronoberg--regionstyrelsen"])
    decided = found.relations[(m.iri, str(NV.decidedBy), board)]
    assert decided.evidence == Evidence(8, "Svaret är fastställt av regionstyrelsen 2025-03-25 § 39")
    assert (str(NVR["kronoberg--halso-och-sjukvardsnamnden"]), str(NV.responsibleFor), m.iri) in found.relations


def test_a_measure_by_its_verb(kronoberg):
    """Outside a section of measures, an answer's sentence that reports something set up is a measure."""
    text = (
        "Rekommendation 2\nAtt säkra resurser för utvecklingsarbetet.\n\n"
        "Regionstyrelsens svar\nEtt nytt utvecklingsområde bildades vid årsskiftet med tre avdelningar.\n"
    )
    measures = [a.text for a in propose_text(kronoberg, text).actors.values() if a.cls == str(NV.Measure)]
    assert measures == ["Ett nytt utvecklingsområde bildades vid årsskiftet med tre avdelningar."], measures


def test_sub_headings_and_enumerations(kronoberg):
    """A short heading over a list's items is a project the items are components of (the quote runs from
    the heading, verbatim); a list after a plural noun names each item."""
    text = (
        "Exempel på prioriterade utvecklingsområden\n\nKompetensförsörjning\n• Rätt använd kompetens\n"
        "• Satsning på ST i allmänmedicin\n\n"
        "Området består av tre avdelningar, Forskning och utbildning, Kvalitet samt Utveckling, strategi "
        "och styrning.\n"
    )
    found = propose_text(kronoberg, text)
    by_label = {a.label: (i, a) for i, a in found.actors.items()}
    group, first = by_label["Kompetensförsörjning"][0], by_label["Rätt använd kompetens"][0]
    rel = found.relations[(first, str(NV.componentOf), group)]
    assert rel.basis == str(NV["basis-layout"]) and rel.heading.quote == "Kompetensförsörjning"
    assert rel.evidence == Evidence(3, "Kompetensförsörjning • Rätt använd kompetens")
    assert SourceText(text).find(rel.evidence.quote)
    units = ["Forskning och utbildning", "Kvalitet", "Utveckling, strategi och styrning"]
    assert all(by_label[u][1].cls == str(NV.Administration) for u in units), sorted(by_label)


def test_names_after_a_dash(kronoberg):
    """The names after an item's dash are its components, but a lone common noun names nothing."""
    text = (
        "Exempel på prioriterade utvecklingsområden\n\n"
        "• Bemanning – Nya arbetssätt i jouren, stöd till chefer och vikarier kvällar, helger och nätter.\n"
    )
    labels = {a.label for a in propose_text(kronoberg, text).actors.values()}
    assert {"Nya arbetssätt i jouren", "stöd till chefer och vikarier kvällar"} <= labels, labels
    assert not {"helger", "nätter"} & labels, labels


def test_a_lead_relates_its_list(kronoberg):
    text = (
        "Exempel på gemensamma satsningar\n\nRegion Kronoberg och länets kommuner driver flera gemensamma "
        "utvecklingsarbeten, exempelvis:\n• Familjefrid i hela länet\n• Barnahus Kronoberg\n"
    )
    found = propose_text(kronoberg, text)
    item = next(i for i, a in found.actors.items() if a.label == "Familjefrid i hela länet")
    for actor in (str(NVR.kronoberg), str(NVR["kommuner-07"])):
        rel = found.relations[(actor, str(NV.runs), item)]
        assert rel.basis == str(NV["basis-layout"]) and rel.heading.quote.endswith("exempelvis:")


def test_evaluate_lists_misses(evaluated):
    from graph.ingest.evaluate import misses_text

    scores, misses = evaluated
    assert [m.source for m in misses] == [s.source for s in scores if s.kind == "entities"]
    for m, s in zip(misses, [s for s in scores if s.kind == "entities"], strict=True):
        assert len(m.entities) == s.expected - s.found and len(m.wrong) == s.proposed - s.right
    assert "entities missed" in misses_text(misses)
