"""The bad-input catalogue: every probe a hostile or unlucky user tried.

Each row breaks the session's project copy (or passes a bad option), runs `naravard`, and
checks the exit code, the message, that there is no traceback, that an error is one line
(validation prints its report instead), and that nothing in output/ changed or was lost.
Each row undoes its damage. The endpoint's HTTP cases are in tests/test_server_app.py.

Rows of one `batch` (validation reports, whose probes break different files, entities or quotes)
run as one command with all their breakages at once, and each row finds its own message in that
report: one validation of the project per batch instead of one per row (about 1 s each).

Rows run the command in this process (`cli.entry.main` with the row's arguments, environment
and folder: the code path of the installed command, without 1-2 s of start-up per row). The
rows marked `process=True`, one of each kind (a syntax error, a validation failure, a usage
error, an unwritable output folder), run the installed command as a subprocess, to show the
process itself behaves the same: exit code, message, no traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import naravard, read_only, tree_hash

Undo = Callable[[], None]
Setup = Callable[[Path], Undo]

DALARNA = "data/regions/dalarna.ttl"
SOURCE_003 = "data/sources/003_7f6d872437fcd5e6.txt"
FIRST_QUOTE = '"det är Regionfullmäktige som ska ta ställning till en justering av målformuleringen"'
#: Other entities' quotes, so that the quote probes of one batch break different quotes.
STYRELSEN_QUOTE = '"Helseplan rekommenderar att Regionstyrelsen bör:"'
HSN_QUOTE = '"Helseplan rekommenderar att Hälso- och sjukvårdsnämnden bör:"'
REVISORERNA_QUOTE = '"Helseplan rekommenderar revisionen att löpande följa upp Region Dalarnas arbete"'
ARBETSGRUPP_QUOTE = (  # in source-004, which the batch's missing-source probe leaves in place
    '"En arbetsgrupp har bildats bestående av representanter från hälso- och sjukvård, folktandvård, '
    'E-hälsa, HR, ekonomi, fastighet, service, analys och hälsoval."'
)


def keep(root: Path, rel: str) -> Undo:
    """Remember a file (or its absence) so the row can put it back."""
    path = root / rel
    old = path.read_bytes() if path.exists() else None

    def undo():
        if old is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(old)

    return undo


def put(rel: str, data: str | bytes) -> Setup:
    def setup(root: Path) -> Undo:
        undo = keep(root, rel)
        (root / rel).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return undo

    return setup


def append(rel: str, text: str) -> Setup:
    def setup(root: Path) -> Undo:
        undo = keep(root, rel)
        with open(root / rel, "a", encoding="utf-8") as fh:
            fh.write("\n" + text + "\n")
        return undo

    return setup


def sub(rel: str, pattern: str, replacement: str) -> Setup:
    """Replace the first match of `pattern` (a regex) in a file."""

    def setup(root: Path) -> Undo:
        undo = keep(root, rel)
        text = (root / rel).read_text(encoding="utf-8")
        new, n = re.subn(pattern, replacement, text, count=1)
        assert n == 1, f"{pattern!r} not in {rel}"
        (root / rel).write_text(new, encoding="utf-8")
        return undo

    return setup


def remove(rel: str) -> Setup:
    def setup(root: Path) -> Undo:
        undo = keep(root, rel)
        (root / rel).unlink()
        return undo

    return setup


def latin1_source(root: Path) -> Undo:
    undo = keep(root, SOURCE_003)
    text = (root / SOURCE_003).read_text(encoding="utf-8")
    (root / SOURCE_003).write_bytes(text.encode("latin-1", "replace"))
    return undo


def garble_cache(root: Path) -> Undo:
    for sst in (root / ".output.builds" / "cache").glob("store-*/*.sst"):
        data = bytearray(sst.read_bytes())
        data[len(data) // 2 : len(data) // 2 + 512] = os.urandom(min(512, len(data) - len(data) // 2))
        sst.write_bytes(bytes(data))
    return lambda: None  # the command repairs it


def foreign_output(root: Path) -> Undo:
    folder = root / "my-documents"
    folder.mkdir()
    (folder / "thesis.tex").write_text("mine")

    def undo():
        assert (folder / "thesis.tex").read_text() == "mine" and not folder.is_symlink()
        shutil.rmtree(folder)

    return undo


def bad_rq(root: Path) -> Undo:
    (root / "bad.rq").write_text(
        "# title: bad\n# param: region uri  The region\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8"
    )
    return lambda: (root / "bad.rq").unlink()


ENTITY = (
    'nvr:dalarna--x a {cls} ; rdfs:label "Regionstyrelsen"@sv ; nv:inRegion nvr:dalarna ;\n'
    '    nv:evidence [ nv:source nvr:source-003 ; nv:quote "Helseplan rekommenderar att Regionstyrelsen bör:" ] .'
)


#: A progress line of `naravard build` (graph.build: "validating …", "pages 3 of 9"), not part of an error.
PROGRESS = re.compile(r"^(\w[\w .(),]* …|pages \d+ of \d+)$")


@dataclass
class Case:
    id: str
    args: tuple[str, ...]
    code: int
    message: str  # a regex, searched in stderr + stdout
    setup: Setup | None = None
    report: bool = False  # validation prints a report of problems, not one line
    read_only: bool = False  # the output folder cannot be written by the command (always a subprocess)
    env: dict | None = None
    process: bool = False  # run the installed command as a subprocess, not in this process
    batch: str = ""  # rows of one batch run as one command, with all their breakages (see the module doc)


CASES = [
    # ---- data: validation (`naravard validate` reports; `build` writes nothing)
    Case(
        "unknown-class",
        ("validate",),
        1,
        r"dalarna\.ttl:\d+: error: nv:Boardd: unknown term: "
        r"nv:Boardd is not declared in ontology/naravard\.ttl; did you mean nv:Board\?",
        append(DALARNA, ENTITY.format(cls="nv:Boardd")),
        report=True,
        process=True,
    ),
    Case(
        "unknown-property",
        ("validate",),
        1,
        r"dalarna\.ttl:\d+: error: nv:memberof: unknown term.*did you mean nv:memberOf\?",
        append(DALARNA, "nvr:kommuner-20 nv:memberof nvr:dalarna--valfardsradet ."),
        report=True,
        batch="validate-1",
    ),
    Case(
        "whitespace-quote",
        ("validate",),
        1,
        r"dalarna\.ttl:\d+: error: nvr:dalarna--regionfullmaktige: quote is not real text",
        sub(DALARNA, re.escape(FIRST_QUOTE), '"   "'),
        report=True,
        batch="validate-1",
    ),
    Case(
        "one-word-quote",
        ("validate",),
        1,
        r"dalarna\.ttl:\d+: error: nvr:dalarna--regionstyrelsen: one-word quote «och» is not the entity's label",
        sub(DALARNA, re.escape(STYRELSEN_QUOTE), '"och"'),
        report=True,
        batch="validate-1",
    ),
    Case(
        "punctuation-quote",
        ("validate",),
        1,
        r"error: nvr:dalarna--halso-och-sjukvardsnamnden: quote is not real text .*«— …»",
        sub(DALARNA, re.escape(HSN_QUOTE), '"— …"'),
        report=True,
        batch="validate-1",
    ),
    Case(
        "empty-quote",
        ("validate",),
        1,
        r"error: nvr:dalarna--revisorerna: quote is not real text .*«»",
        sub(DALARNA, re.escape(REVISORERNA_QUOTE), '""'),
        report=True,
        batch="validate-1",
    ),
    Case(
        "digits-quote",
        ("validate",),
        1,
        r"error: nvr:dalarna--regionfullmaktige: quote is not real text .*«2019 2020»",
        sub(DALARNA, re.escape(FIRST_QUOTE), '"2019 2020"'),
        report=True,
        batch="validate-2",
    ),
    Case(
        "one-word-relation-quote",
        ("validate",),
        1,
        r"dalarna\.ttl:\d+: error: nvr:\S+ nv:\w+ nvr:\S+: quote has 1 word\(s\), fewer than 4",
        sub(
            DALARNA,
            r'(\[\] rdf:subject [^\n]*\n\s*nv:source nvr:source-003 ; nv:line \d+ ;\s*nv:quote )"[^"]*"',
            r'\1"Välfärdsrådet"',
        ),
        report=True,
        batch="validate-1",
    ),
    Case(
        "made-up-quote",
        ("validate",),
        1,
        r"error: nvr:dalarna--arbetsgrupp-funktioner-god-och-nara-vard: quote not found in nvr:source-004",
        sub(DALARNA, re.escape(ARBETSGRUPP_QUOTE), '"Regionfullmäktige beslutar om allt i hela länet"'),
        report=True,
        batch="validate-2",
    ),
    Case(
        "unknown-source",
        ("validate",),
        1,
        r"error: nvr:dalarna--halso-och-sjukvardsnamnden: nv:source nvr:source-999 is not a known nv:SourceDocument",
        sub(DALARNA, r"nv:source nvr:source-003 ; nv:line 175", "nv:source nvr:source-999 ; nv:line 175"),
        report=True,
        batch="validate-2",
    ),
    Case(
        "conflicting-class",
        ("validate",),
        1,
        r"nvr:dalarna--regionstyrelsen has class nv:Board in data/regions/dalarna\.ttl "
        r"and nv:Committee in data/regions/kronoberg\.ttl",
        append("data/regions/kronoberg.ttl", "nvr:dalarna--regionstyrelsen a nv:Committee ."),
        report=True,
        batch="validate-1",
    ),
    Case(
        "conflicting-region",
        ("validate",),
        1,
        r"nvr:dalarna--regionstyrelsen has region nvr:dalarna in data/regions/dalarna\.ttl "
        r"and nvr:kronoberg in data/regions/kronoberg\.ttl",
        append("data/regions/kronoberg.ttl", "nvr:dalarna--regionstyrelsen nv:inRegion nvr:kronoberg ."),
        report=True,
        batch="validate-2",
    ),
    Case(
        "empty-region-file",
        ("validate",),
        1,
        r"data/regions/blekinge\.ttl:1: error: \(file\): no triples",
        put("data/regions/blekinge.ttl", ""),
        report=True,
        batch="validate-1",
    ),
    Case(
        "comment-only-region-file",
        ("validate",),
        1,
        r"data/regions/blekinge\.ttl:1: error: \(file\): no triples",
        put("data/regions/blekinge.ttl", "# Region Blekinge: to do\n"),
        report=True,
        batch="validate-2",
    ),
    Case(
        "non-utf8-source",
        ("validate",),
        1,
        r"data/sources/003_7f6d872437fcd5e6\.txt: error: nvr:source-003: not UTF-8 text \(byte \d+\)",
        latin1_source,
        report=True,
        batch="validate-1",
    ),
    Case(
        "missing-source",
        ("validate",),
        1,
        r"error: nvr:source-003: source file 003_7f6d872437fcd5e6\.txt not found in sources/",
        remove(SOURCE_003),
        report=True,
        batch="validate-2",
    ),
    Case(
        "non-utf8-turtle",
        ("validate",),
        1,
        r"^Error: data/regions/blekinge\.ttl:3: .*Invalid UTF-8",
        put(
            "data/regions/blekinge.ttl",
            b"@prefix nvr: <https://w3id.org/naravard/id/> .\n"
            b"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            b'nvr:x rdfs:label "J\xf6nk\xf6ping"@sv .\n',
        ),
    ),
    Case(
        "turtle-syntax-error",
        ("validate",),
        1,
        r"^Error: data/regions/dalarna\.ttl:\d+: ",
        append(DALARNA, "nvr:a nvr:b ."),
        process=True,
    ),
    Case(
        "missing-ontology",
        ("validate",),
        1,
        r"^Error: ontology/naravard\.ttl: file not found",
        remove("ontology/naravard.ttl"),
    ),
    Case(
        "build-with-unknown-class",
        ("build",),
        1,
        r"nv:Boardd: unknown term(.|\n)*Error: validation failed with \d+ error\(s\); nothing written",
        append(DALARNA, ENTITY.format(cls="nv:Boardd")),
        report=True,
        batch="build",
    ),
    Case(
        "build-with-empty-region-file",
        ("build",),
        1,
        r"blekinge\.ttl:1: error: \(file\): no triples(.|\n)*Error: validation failed",
        put("data/regions/blekinge.ttl", ""),
        report=True,
        batch="build",
    ),
    Case(
        "build-with-non-utf8-source",
        ("build",),
        1,
        r"not UTF-8 text(.|\n)*Error: validation failed",
        latin1_source,
        report=True,
        batch="build",
    ),
    # ---- query parameters and options
    Case(
        "param-typo",
        ("query", "municipalities-outside-forums", "--param", "region=dalarn"),
        2,
        r"^Error: municipalities-outside-forums: parameter region: 'dalarn' names no nv:Region; did you mean dalarna",
    ),
    Case(
        "param-capitalised",
        ("query", "municipalities-outside-forums", "--param", "region=Dalarna"),
        2,
        r"^Error: municipalities-outside-forums: parameter region: 'Dalarna' names no nv:Region; "
        r"did you mean dalarna\?",
    ),
    Case(
        "param-wrong-class",
        ("query", "forum-members", "--param", "forum=dalarna"),
        2,
        r"^Error: forum-members: parameter forum: 'dalarna' names no nv:CollaborationBody",
    ),
    Case(
        "param-unknown-name",
        ("query", "municipalities-outside-forums", "--param", "regoin=dalarna"),
        2,
        r"^Error: municipalities-outside-forums: unknown parameter 'regoin' \(parameters: region\)",
    ),
    Case(
        "param-missing",
        ("query", "municipalities-outside-forums"),
        2,
        r"^Error: municipalities-outside-forums: missing parameter 'region'",
    ),
    Case(
        "param-without-value",
        ("query", "municipalities-outside-forums", "--param", "dalarna"),
        2,
        r"^Error: Invalid value for --param: 'dalarna' is not name=value",
    ),
    Case(
        "param-hostile-iri",
        ("query", "municipalities-outside-forums", "--param", "region=x> } ; <y"),
        2,
        r"^Error: municipalities-outside-forums: parameter region: 'x> } ; <y' is not a valid IRI",
    ),
    Case(
        "unknown-query",
        ("query", "region-forum"),
        2,
        r"^Error: unknown query 'region-forum'; did you mean region-forums",
    ),
    Case("missing-rq-file", ("query", "nosuch.rq"), 2, r"^Error: unknown query 'nosuch\.rq'"),
    Case("bad-rq-header", ("query", "bad.rq"), 2, r"^Error: bad\.rq: bad param line", bad_rq),
    Case(
        "sparql-syntax-error",
        ("query", "-e", "SELECT ?x WHERE {\n ?x a nv:Region"),
        2,
        r"^Error: query: syntax error at line 2, column",
    ),
    Case(
        "name-and-expression",
        ("query", "region-forums", "-e", "ASK {}"),
        2,
        r"^Error: give a query NAME or FILE\.rq, or -e 'SPARQL' \(one of them\)",
    ),
    Case(
        "graph-format-for-select",
        ("query", "-e", "SELECT ?x WHERE { ?x a nv:Region }", "--format", "turtle"),
        2,
        r"^Error: --format turtle does not apply to a SELECT/ASK result",
    ),
    Case(
        "endpoint-not-a-url",
        ("query", "municipalities-outside-forums", "--param", "region=dalarna", "--endpoint", "notaurl"),
        2,
        r"^Error: Invalid value for --endpoint: 'notaurl' is not an http:// or https:// URL with a host",
    ),
    Case(
        "endpoint-no-host",
        ("query", "municipalities-outside-forums", "--param", "region=dalarna", "--endpoint", "http://"),
        2,
        r"^Error: Invalid value for --endpoint: 'http://' is not an http:// or https:// URL with a host",
    ),
    Case(
        "endpoint-other-scheme",
        ("query", "municipalities-outside-forums", "--param", "region=dalarna", "--endpoint", "file:///etc/passwd"),
        2,
        r"^Error: Invalid value for --endpoint: 'file:///etc/passwd' is not an http:// or https:// URL with a host",
    ),
    Case(
        "endpoint-bad-port",
        (
            "query",
            "municipalities-outside-forums",
            "--param",
            "region=dalarna",
            "--endpoint",
            "http://127.0.0.1:99999/x",
        ),
        2,
        r"^Error: Invalid value for --endpoint: 'http://127\.0\.0\.1:99999/x' "
        r"is not an http:// or https:// URL with a host",
    ),
    Case(
        "endpoint-unreachable",
        (
            "query",
            "municipalities-outside-forums",
            "--param",
            "region=dalarna",
            "--endpoint",
            "http://127.0.0.1:9/sparql",
        ),
        1,
        r"^Error: municipalities-outside-forums: cannot reach http://127\.0\.0\.1:9/sparql",
    ),
    Case(
        "publish-endpoint-not-a-url",
        ("publish", "--endpoint", "127.0.0.1:7878/store"),
        2,
        r"^Error: Invalid value for --endpoint",
    ),
    # ---- export
    Case(
        "export-out-under-a-file",
        ("export", "--format", "nt", "--out", "README-missing/../data/national.ttl/x.nt"),
        1,
        r"^Error: cannot write .*x\.nt: .*national\.ttl is not a folder",
    ),
    Case(
        "export-out-impossible",
        ("export", "--format", "nt", "--out", "/proc/naravard/x.nt"),
        1,
        r"^Error: cannot write /proc/naravard/x\.nt: ",
    ),
    Case(
        "export-out-is-a-folder",
        ("export", "--format", "nt", "--out", "data"),
        2,
        r"^Error: Invalid value for '-o' / '--out': File 'data' is a directory",
    ),
    Case(
        "export-unknown-format",
        ("export", "--format", "xlsx"),
        2,
        r"^Error: Invalid value for '-f' / '--format': 'xlsx' is not one of",
    ),
    # ---- serve options (refused before anything starts)
    Case(
        "serve-timeout-0",
        ("serve", "--timeout", "0"),
        2,
        r"^Error: Invalid value for '--timeout': 0\.0 is not in the range 0<x<=3600",
        process=True,
    ),
    Case(
        "serve-timeout-negative",
        ("serve", "--timeout", "-5"),
        2,
        r"^Error: Invalid value for '--timeout': -5\.0 is not in the range 0<x<=3600",
    ),
    Case(
        "serve-max-rows-negative",
        ("serve", "--max-rows", "-1"),
        2,
        r"^Error: Invalid value for '--max-rows': -1 is not in the range x>=1",
    ),
    Case(
        "serve-max-rows-0",
        ("serve", "--max-rows", "0"),
        2,
        r"^Error: Invalid value for '--max-rows': 0 is not in the range x>=1",
    ),
    Case(
        "serve-port-too-big",
        ("serve", "--port", "99999"),
        2,
        r"^Error: Invalid value for '--port': 99999 is not in the range 1<=x<=65535",
    ),
    # ---- gaps and pages
    Case(
        "gaps-unknown-region",
        ("gaps", "--region", "nonexistent"),
        2,
        r"^Error: --region: 'nonexistent' names no nv:Region",
    ),
    Case(
        "gaps-region-typo",
        ("gaps", "--region", "dalarn"),
        2,
        r"^Error: --region: 'dalarn' names no nv:Region; did you mean dalarna",
    ),
    Case(
        "gaps-unknown-kind",
        ("gaps", "--kind", "magic"),
        2,
        r"^Error: Invalid value for '--kind': 'magic' is not one of",
    ),
    Case(
        "gaps-zero-seeds",
        ("gaps", "--evaluate", "--seeds", "0"),
        2,
        r"^Error: Invalid value for '--seeds': 0 is not in the range",
    ),
    Case("viz-unknown-region", ("viz", "--region", "nosuch"), 2, r"^Error: --region: 'nosuch' names no nv:Region"),
    Case(
        "viz-region-typo",
        ("viz", "--region", "dalarn"),
        2,
        r"^Error: --region: 'dalarn' names no nv:Region; did you mean dalarna",
    ),
    Case("viz-unknown-actor", ("viz", "--actor", "nvr:nosuch"), 1, r"^Error: unknown actor 'nvr:nosuch'"),
    Case(
        "root-missing",
        ("stats", "--root", "/nonexistent/project"),
        2,
        r"^Error: Invalid value for '--root': Directory '/nonexistent/project' does not exist",
    ),
    # ---- the output folder and the cache
    Case(
        "build-read-only-output",
        ("build",),
        1,
        r"^Error: cannot write the build output .*: (Permission denied|Read-only file system)",
        read_only=True,
    ),
    Case(
        "viz-read-only-output",
        ("viz", "--region", "dalarna"),
        1,
        r"^Error: cannot write .*output/assets/.*: (Permission denied|Read-only file system)",
        read_only=True,
    ),
    Case(
        "export-into-read-only-output",
        ("export", "--format", "nt", "--out", "output/graph.nt"),
        1,
        r"^Error: cannot write output/graph\.nt: (Permission denied|Read-only file system)",
        read_only=True,
    ),
    Case(
        "build-into-foreign-folder",
        ("build", "--no-pages"),
        1,
        r"^Error: .*my-documents exists and is not a naravard build output",
        foreign_output,
        env={"NARAVARD_OUTPUT": "my-documents"},
    ),
    Case(
        "garbled-cache-still-answers",
        ("query", "count-by-class", "--format", "csv"),
        0,
        r"https://w3id\.org/naravard/def#Region,21",
        garble_cache,
    ),
]


def test_catalogue_is_big_enough():
    assert len(CASES) >= 40 and len({c.id for c in CASES}) == len(CASES)


def run_case(root: Path, case: Case, monkeypatch, capsys) -> subprocess.CompletedProcess:
    if not case.read_only:
        return naravard(root, *case.args, env=case.env) if case.process else in_process(root, case, monkeypatch, capsys)
    if os.geteuid() == 0:
        return naravard(root, *case.args, env=case.env, wrap=read_only(root))
    folders = [root, root / ".output.builds", (root / "output").resolve()]
    for f in folders:
        os.chmod(f, 0o555)
    try:
        return naravard(root, *case.args, env=case.env)
    finally:
        for f in folders:
            os.chmod(f, 0o755)


def in_process(root: Path, case: Case, monkeypatch, capsys) -> subprocess.CompletedProcess:
    """`naravard ARGS` as `cli.entry.main` in this process, with the environment and folder that
    conftest.naravard gives the installed command; a traceback would fail the test here."""
    from cli.entry import main

    monkeypatch.delenv("NARAVARD_OUTPUT", raising=False)
    for name, value in {"NARAVARD_ROOT": str(root), **(case.env or {})}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(root)
    monkeypatch.setattr(sys, "argv", ["naravard", *case.args])
    capsys.readouterr()
    with pytest.raises(SystemExit) as ended:
        main()
    out, err = capsys.readouterr()
    code = ended.value.code  # as the interpreter turns sys.exit's argument into an exit status
    return subprocess.CompletedProcess(case.args, 0 if code is None else code if isinstance(code, int) else 1, out, err)


def test_representative_rows_run_as_a_process():
    """One row of each kind runs the installed command (the rest run in this process)."""
    assert {c.id for c in CASES if c.process or c.read_only} >= {
        "unknown-class",
        "turtle-syntax-error",
        "serve-timeout-0",
        "build-read-only-output",
    }


def test_rows_of_a_batch_run_one_command():
    """A batch runs its rows' command once: they must share it, its exit code and its kind of output."""
    for batch in {c.batch for c in CASES} - {""}:
        rows = [c for c in CASES if c.batch == batch]
        assert len(rows) > 1 and len({(c.args, c.code, c.report, repr(c.env)) for c in rows}) == 1, batch
        assert not any(c.process or c.read_only for c in rows), batch


@pytest.fixture(scope="module")
def batch_runs() -> dict[str, subprocess.CompletedProcess]:
    """The one run of each batch (Case.batch), made by whichever of its rows runs first."""
    return {}


@pytest.fixture(scope="module")
def left_as_checked() -> dict[Path, dict[str, str]]:
    """The output's files and hashes (`tree_hash`) as the last row left them and checked them:
    the next row's `before`, without reading the 300 files again (the rows run one after
    another, and nothing else touches the output between them)."""
    return {}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(small_project, case, batch_runs, left_as_checked, monkeypatch, capsys):
    root = small_project.root
    before = left_as_checked.pop(root, None) or tree_hash(root / "output")
    assert before, "the session's build is missing"
    if case.batch in batch_runs:
        r = batch_runs[case.batch]
    else:
        rows = [c for c in CASES if c.batch == case.batch] if case.batch else [case]
        undo: list[Undo] = []
        try:
            for row in rows:
                if row.setup:
                    undo.append(row.setup(root))
            r = run_case(root, case, monkeypatch, capsys)
        finally:
            for u in reversed(undo):  # each remembers the file as the ones before left it
                u()
        if case.batch:
            batch_runs[case.batch] = r
    said = r.stderr + r.stdout
    assert "Traceback" not in said
    assert r.returncode == case.code, said[-2000:]
    assert re.search(case.message, r.stderr if not case.report and case.code else said, re.M), said[-2000:]
    if case.code and not case.report:
        lines = [line for line in r.stderr.strip().splitlines() if not PROGRESS.match(line)]
        assert len(lines) == 1, r.stderr  # one line (after build's progress lines)
    after = tree_hash(root / "output")
    assert after == before  # nothing in output/ changed or was lost
    left_as_checked[root] = after
