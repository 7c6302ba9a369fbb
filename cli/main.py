"""The `naravard` command line: small commands over the `graph` library."""

from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path

import click

from cli.entry import QUERY_FORMATS, get_project, run_query, split_params
from graph.errors import NaravardError


def friendly(fn):
    """Print a NaravardError's message (no traceback) and exit with its code."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except NaravardError as err:
            click.echo(f"Error: {err}", err=True)
            sys.exit(err.exit_code)

    return wrapper


def project_option(fn):
    """The --root option (also $NARAVARD_ROOT): the project folder a command works on."""
    return click.option(
        "--root",
        type=click.Path(file_okay=False, exists=True),
        envvar="NARAVARD_ROOT",
        help="Project folder (ontology/, data/, queries/); default: this repository, or the copy installed with it.",
    )(fn)


def format_option(*choices: str, default: str = "table", help: str | None = None):
    """-f/--format with the names every command uses (graph.results formats them)."""
    return click.option(
        "-f", "--format", "fmt", type=click.Choice(choices), default=default, show_default=True, help=help
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="naravard-kg")
def cli():
    """naravard-kg: the governance network of god och nära vård as a knowledge graph.

    Build and validate the graph, query it with SPARQL, serve it, draw it and find
    missing collaboration links. Start with `naravard build`.
    """


def print_problems(problems, limit: int | None = None) -> None:
    """Print `problems` to stderr grouped by file, at most `limit` of them."""
    from graph.validate import problems_by_file

    shown = problems if limit is None else problems[:limit]
    for file, items in problems_by_file(shown).items():
        click.echo(click.style(file, bold=True), err=True)
        for p in items:
            click.echo(f"  {p.where}: {p.severity}: {p.focus}: {p.message}", err=True)
    if limit is not None and len(problems) > limit:
        click.echo(f"  … and {len(problems) - limit} more (naravard validate shows all)", err=True)


@cli.command()
@project_option
@format_option("table", "json")
@friendly
def validate(root, fmt):
    """Check syntax, SHACL shapes, the lint rules and that every quote is verbatim in its source."""
    from graph.results import format_records
    from graph.validate import validate as run

    report = run(get_project(root))
    if fmt == "json":
        click.echo(format_records([p.__dict__ for p in report.problems], fmt))
    else:
        print_problems(report.problems)
        click.echo(f"{report.triples} triples; {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    sys.exit(0 if report.ok else 1)


@cli.command("format")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True))
@click.option("--check", is_flag=True, help="Change nothing; list the files that would change and exit 1 if any.")
@project_option
@friendly
def format_(files, check, root):
    """Rewrite data files in the one layout (default: every file under data/ but data/reference/).

    Prefixes, the header comment (the file's first comment block), then entity blocks by class and
    IRI, each with its attributes and then its relations and their evidence statements. The graph
    is unchanged (checked before writing). Comments other than the header are LOST: put notes that
    must stay in rdfs:comment.
    """
    from graph.turtle_format import default_files, format_files

    project = get_project(root)
    if project.read_only and not check:
        raise NaravardError(f"{project.root} is the installed copy (read-only); run format on a checkout or --root DIR")
    paths = [Path(f) for f in files] or default_files(project)
    changed = format_files(paths, project, check=check)
    for path in changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {project.relative(path)}")
    click.echo(f"{len(changed)} of {len(paths)} file(s) {'would change' if check else 'changed'}", err=True)
    sys.exit(1 if check and changed else 0)


@cli.command()
@project_option
@click.option("--no-pages", is_flag=True, help="Only validate and write output/graph.ttl.")
@click.option(
    "--out", type=click.Path(file_okay=False), help="Output folder (a symlink to the build); default: output/."
)
@click.option("--force", is_flag=True, help="Build even when nothing changed since the last build.")
@friendly
def build(root, no_pages, out, force):
    """Validate, then write output/graph.ttl, the network pages and the reports (nothing is done when
    the inputs and output/ are those of the last build)."""
    from graph.build import ValidationFailed, build as run
    from graph.load import load_store
    from graph.stats import stats

    project = get_project(root, out)
    try:
        result = run(project, pages=not no_pages, progress=lambda line: click.echo(line, err=True), force=force)
    except ValidationFailed as err:
        print_problems(err.report.errors, limit=200)
        raise
    s = stats(load_store(project), project)
    click.echo(f"built {s['triples']} triples; {len(result.report.warnings)} warning(s)")
    for cls, n in s["classes"].items():
        click.echo(f"  {cls:28} {n}")
    click.echo(f"wrote {len(result.written)} file(s) to {project.output_dir}")
    index = project.output_dir / "index.html"
    if index.exists():
        click.echo(f"open {index}")


@cli.command()
@project_option
@format_option("table", "json", "csv")
@friendly
def stats(root, fmt):
    """Counts per class, per region and per relation (csv: one count a row)."""
    import json

    from graph.load import load_store
    from graph.results import format_records, table
    from graph.stats import stats as run, stats_records

    project = get_project(root)
    s = run(load_store(project), project)
    if fmt == "json":
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(format_records(stats_records(s), fmt), nl=False)
    else:
        click.echo(f"triples: {s['triples']}\n")
        click.echo(table(["class", "count"], list(s["classes"].items()), count=False) + "\n")
        click.echo(table(["relation", "count"], list(s["relations"].items()), count=False) + "\n")
        click.echo(
            format_records(
                s["regions"], fmt, ["name", "bodies", "forums", "projects", "plans", "recommendations", "gaps"]
            )
        )


def endpoint_url(value: str | None) -> str | None:
    """An http(s) URL with a host, or a usage error naming --endpoint (graph.remote.check_endpoint)."""
    from graph.errors import NaravardError
    from graph.remote import check_endpoint

    if value is None:
        return None
    try:
        return check_endpoint(value)
    except NaravardError as err:
        raise click.BadParameter(str(err).removeprefix("--endpoint "), param_hint="--endpoint") from None


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """The `--param NAME=VALUE` pairs as a dict; a pair without `=` is a usage error.

    >>> parse_params(("region=dalarna", "q=a=b"))
    {'region': 'dalarna', 'q': 'a=b'}
    """
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r} is not name=value", param_hint="--param")
    return split_params(pairs)


@cli.command()
@click.argument("name", required=False)
@click.option("-e", "--expression", help="SPARQL text to run instead of a library query.")
@click.option(
    "-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter (repeatable)."
)
@format_option(
    *QUERY_FORMATS,
    help="table for people; csv/tsv/json/xml for SELECT and ASK; turtle/nt/jsonld for CONSTRUCT and DESCRIBE.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    callback=lambda ctx, param, value: endpoint_url(value),
    help="Run on a remote SPARQL 1.1 endpoint instead of the local graph.",
)
@project_option
@friendly
def query(name, expression, params, fmt, endpoint, root):
    """Run a library query NAME, a FILE.rq, or SPARQL given with -e.

    \b
    Examples:
      naravard query region-forums --param region=dalarna
      naravard query -e 'SELECT ?r WHERE { ?r a nv:Region }' --format csv
    """
    click.echo(run_query(name, expression, parse_params(params), fmt, endpoint, root))


@cli.command()
@format_option("table", "json", "csv", "tsv")
@project_option
@friendly
def queries(fmt, root):
    """List the query library, one line each (json: with the parameters in full)."""
    from graph.queries import Library
    from graph.results import format_records

    lib = list(Library(get_project(root)))
    if fmt == "json":
        records = [
            {
                "name": q.name,
                "title": q.title,
                "answers": q.answers,
                "example": q.example,
                "params": [p._asdict() for p in q.params],
            }
            for q in lib
        ]
    else:
        records = [
            {
                "name": q.name,
                "title": q.title,
                "params": [f"[{p.name}]" if p.optional else f"<{p.name}>" for p in q.params],
            }
            for q in lib
        ]
    text = format_records(records, fmt)
    click.echo(text, nl=not text.endswith("\n"))


@cli.command()
@format_option(
    "ttl",
    "trig",
    "nq",
    "nt",
    "jsonld",
    "graphml",
    "gexf",
    "csv",
    default="ttl",
    help="RDF (ttl, trig, nq, nt, jsonld) or network (graphml, gexf for Gephi/Cytoscape; csv edge list).",
)
@click.option(
    "-o", "--out", type=click.Path(dir_okay=False), help="Write to this file (atomically) instead of standard output."
)
@project_option
@friendly
def export(fmt, out, root):
    """Export the whole graph as RDF or as a network file."""
    from graph.atomic import write_atomic
    from graph.export import export as run
    from graph.load import load_store

    project = get_project(root)
    data = run(load_store(project), fmt, project)
    if out:
        write_atomic(Path(out), data)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(data, nl=False)


@cli.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    callback=lambda ctx, param, value: endpoint_url(value),
    help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store",
)
@project_option
@friendly
def publish(endpoint, root):
    """Load the graph into a SPARQL 1.1 store (replaces its default graph)."""
    from graph.load import load_store
    from graph.remote import publish as run

    n = run(load_store(get_project(root)), endpoint)
    click.echo(f"published {n} triples to {endpoint}")


@cli.command()
@project_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback only by default).")
@click.option("--port", default=8000, type=click.IntRange(1, 65535), show_default=True)
@click.option(
    "--timeout",
    default=10.0,
    type=click.FloatRange(0, 3600, min_open=True),
    show_default=True,
    help="Seconds a query may run.",
)
@click.option(
    "--max-rows",
    default=10000,
    type=click.IntRange(min=1),
    show_default=True,
    help="Results returned at most per query.",
)
@click.option("--workers", type=click.IntRange(1, 256), help="Query worker processes  [default: one per core]")
@click.option(
    "--queue",
    "queue_size",
    default=256,
    type=click.IntRange(1, 100_000),
    show_default=True,
    help="Queries that may wait for a worker; beyond that the server answers 503 with Retry-After.",
)
@click.option(
    "--max-memory",
    "memory_mb",
    default=1024,
    type=click.IntRange(64),
    show_default=True,
    help="MB of memory a worker may use for a query before the query is stopped.",
)
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer to this host name in Host/Origin (repeatable); loopback names always work.",
)
@friendly
def serve(root, host, port, timeout, max_rows, workers, queue_size, memory_mb, allowed_hosts):
    """Serve the graph read-only: the query page at / and a SPARQL endpoint at /sparql."""
    from graph.server import serve as run

    run(
        get_project(root),
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        queue_size=queue_size,
        memory_mb=memory_mb,
        allowed_hosts=allowed_hosts,
    )


@cli.command()
@click.option(
    "--region", "regions", multiple=True, metavar="SLUG", help="Only this region's page (repeatable), e.g. dalarna."
)
@click.option(
    "--actor",
    "actors",
    multiple=True,
    metavar="ID",
    help="Only this actor's page (repeatable), e.g. nvr:jamtland-harjedalen--svom.",
)
@click.option("--out", type=click.Path(file_okay=False), help="Folder to write to; default output/.")
@click.option(
    "--with-gaps",
    is_flag=True,
    help="Also draw the computed gap suggestions (rules and link prediction: runs the gap analysis).",
)
@project_option
@friendly
def viz(regions, actors, out, with_gaps, root):
    """Write the interactive network pages (all of them, or only the regions/actors named)."""
    from graph.load import load_store
    from graph.namespaces import NV, shorten
    from graph.queries import checked_curie, expand_iri
    from graph.viz.site import write_site

    project = get_project(root, out)
    store = load_store(project)
    regions = [checked_curie(store, r, str(NV.Region), "--region") for r in regions]  # before any work
    only = bool(regions or actors)
    written = write_site(
        project,
        store,
        computed=gap_links(store, project) if with_gaps else None,
        regions=regions if only else None,
        actors=[shorten(expand_iri(a, "--actor")) for a in actors] if only else None,
    )
    pages = [p for p in written if p.suffix == ".html"]
    click.echo(f"wrote {len(pages)} page(s) to {project.output_dir}")


def gap_links(store, project):
    """The links the gap analysis computes (rules and prediction), for pages to draw."""
    from graph.gaps import analyse

    return analyse(store, project, kinds=["rule", "predict"]).links()


@cli.command()
@click.option("--region", help="Only this region (slug such as `dalarna`, or an IRI).")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["audit", "rule", "note", "compare", "predict"]),
    help="Only rows of this kind (repeatable); default the findings: audit and rule. note (status notes of "
    "the overview), compare and predict are material for judgement, measured below the bar (gaps --evaluate).",
)
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["table", "csv", "json", "html"]), default="table", show_default=True
)
@click.option(
    "--evaluate",
    is_flag=True,
    help="Print the evaluation instead of the gaps: precision against the labelled set (overall, per kind, "
    "per rule, precision@10 per region) and link prediction's hold-out AUC.",
)
@click.option(
    "--labels",
    "labels_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The labelled set (default: tests/data/gap-labels.tsv of the project, when it has one).",
)
@click.option(
    "--seeds", type=click.IntRange(1, 50), default=5, show_default=True, help="Number of fixed seeds for --evaluate."
)
@project_option
@friendly
def gaps(region, kinds, fmt, evaluate, seeds, labels_file, root):
    """Missing collaboration links: audited gaps, rules, comparison, link prediction.

    \b
    Examples:
      naravard gaps --region dalarna
      naravard gaps --kind rule --kind audit --format csv
      naravard gaps --evaluate
    """
    from graph.gaps import FINDINGS, KINDS, analyse, load_labels, render
    from graph.gaps.evaluate import fixed_seeds, hold_out
    from graph.gaps.predict import projection
    from graph.load import load_store
    from graph.network import network
    from graph.viz.page import page_names
    from graph.viz.shell import footer
    from graph.viz.sources import source_links

    project = get_project(root)
    store = load_store(project)
    labels_file = labels_file or (project.gap_labels_file if project.gap_labels_file.is_file() else None)
    judged = load_labels(labels_file) if labels_file else None
    if evaluate:
        ev = hold_out(projection(store), seeds=fixed_seeds(seeds))
        analysis = analyse(store, project, region=region, kinds=kinds or KINDS, evaluation=ev, judged=judged or {})
        text = render.precision_text(analysis) if judged else "no labelled set: precision not measured\n"
        if fmt == "json":
            click.echo(json.dumps(render.evaluation_dict(analysis), ensure_ascii=False, indent=2))
        else:
            click.echo(text + "\n" + render.evaluation_text(ev), nl=False)
        return
    analysis = analyse(store, project, region=region, kinds=kinds or FINDINGS, judged=judged)
    if fmt == "html":
        report = render.report_html(analysis, page_names(network(store)), footer(project), source_links(store, project))
        click.echo(report, nl=False)
    else:
        click.echo(render.gaps_text(analysis.gaps, fmt), nl=False)


@cli.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--region", help="Slug of the region the document is about (e.g. `dalarna`).")
@click.option("--title", help="The document's title; default: the PDF's title, else its first line.")
@click.option("--date", help="The document's date, YYYY, YYYY-MM or YYYY-MM-DD; default: the PDF's creation date.")
@click.option(
    "--kind",
    default="audit",
    show_default=True,
    help="What the document is: the skos:notation of one of the ontology's document kinds "
    "(naravard query queries/ingest/kinds.rq lists them; audit: an audit report).",
)
@click.option(
    "--accept",
    "review",
    type=click.Path(dir_okay=False),
    help='Merge the candidates marked "accept" in this review file into the region\'s data file.',
)
@click.option(
    "--evaluate", is_flag=True, help="Measure the candidates leave-one-document-out against the curated graph."
)
@click.option(
    "--misses",
    is_flag=True,
    help="With --evaluate: also list, per source, the curated entities and relations not found and the "
    "candidates that match none.",
)
@project_option
@friendly
def ingest(file, region, title, date, kind, review, evaluate, misses, root):
    """Turn a new document (PDF or text) into candidates to review, then merge the accepted ones.

    \b
    naravard ingest rapport.pdf --region dalarna --date 2024-05-02 --kind audit
        writes data/sources/NNN_….txt, its entry in data/sources/sources.ttl and review/NNN_….review.ttl
        (+ .html): mentions of known actors, new actors and relations, each with its sentence and line.
    naravard ingest --accept review/NNN_….review.ttl
        merges the candidates whose rv:decision is "accept" into data/regions/<region>.ttl, only if the
        project then validates (nothing is written otherwise).
    naravard ingest --evaluate [--misses]
        precision and recall of the candidates, each source ingested as if new (with --misses, what
        each source's candidates miss or get wrong).
    """
    project = get_project(root)
    if evaluate:
        from graph.ingest.evaluate import evaluate as run, misses_text, table
        from graph.store import open_store

        found = [] if misses else None
        click.echo(table(run(open_store(project), project, found)))
        if found:
            click.echo("\n" + misses_text(found))
        return
    if review:
        from graph.ingest import accept

        if file:
            raise NaravardError("give either FILE (to ingest) or --accept REVIEWFILE, not both")
        if project.read_only:
            raise NaravardError(f"{project.root} is the installed copy (read-only); use a checkout or --root DIR")
        target, n = accept(Path(review), project)
        click.echo(f"merged {n} triple(s) into {project.relative(target)}; the project validates")
        return
    if not file or not region:
        raise NaravardError(
            "give FILE and --region SLUG (or --accept REVIEWFILE, or --evaluate); see naravard ingest -h"
        )
    from graph.ingest import ingest as run_ingest

    done = run_ingest(Path(file), region, project, title=title, date=date, kind=kind)
    known = sum(a.known for a in done.candidates.actors.values())
    click.echo(
        f"{project.relative(done.text_file)}: {known} known actor(s), "
        f"{len(done.candidates.actors) - known} new actor(s), {len(done.candidates.relations)} relation(s)"
    )
    click.echo(f"review: {project.relative(done.review_file)} (read {project.relative(done.review_page)})")


def main():
    """The `naravard` command: usage errors too are one line (`Error: …`), exit code 2."""
    try:
        rv = cli.main(prog_name="naravard", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except getattr(click.exceptions, "NoArgsIsHelpError", ()) as err:  # bare `naravard`: the help text
        err.show()
        sys.exit(err.exit_code)
    except click.ClickException as err:
        where = (
            f" (naravard {err.ctx.info_name if err.ctx and err.ctx.parent else ''} --help)".replace("  ", " ")
            if isinstance(err, click.UsageError)
            else ""
        )
        click.echo(f"Error: {err.format_message()}{where}", err=True)
        sys.exit(err.exit_code)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":
    main()
