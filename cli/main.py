"""The `naravard` command line: small commands over the `graph` library."""
from __future__ import annotations

import json
import sys
from functools import wraps

import click

from graph.errors import NaravardError
from graph.project import Project


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
    return click.option(
        "--root", type=click.Path(file_okay=False, exists=True), envvar="NARAVARD_ROOT",
        help="Project folder (ontology/, data/, queries/); default: this repository.",
    )(fn)


def get_project(root: str | None) -> Project:
    from pathlib import Path

    return Project(Path(root).resolve()) if root else Project.default()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="naravard-kg")
def cli():
    """naravard-kg: the governance network of god och nära vård as a knowledge graph.

    Build and validate the graph, query it with SPARQL, serve it, draw it and find
    missing collaboration links. Start with `naravard build`.
    """


def print_problems(problems, limit: int | None = None) -> None:
    from graph.validate import problems_by_file

    shown = problems if limit is None else problems[:limit]
    for file, items in problems_by_file(shown).items():
        click.echo(click.style(file, bold=True), err=True)
        for p in items:
            click.echo(f"  {p.severity}: {p.focus}: {p.message}", err=True)
    if limit is not None and len(problems) > limit:
        click.echo(f"  … and {len(problems) - limit} more (naravard validate shows all)", err=True)


@cli.command()
@project_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@friendly
def validate(root, fmt):
    """Check syntax, SHACL shapes and that every quote is verbatim in its source."""
    from graph.validate import validate as run

    report = run(get_project(root))
    if fmt == "json":
        click.echo(json.dumps([p.__dict__ for p in report.problems], ensure_ascii=False, indent=2))
    else:
        print_problems(report.problems)
        click.echo(f"{report.triples} triples; {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    sys.exit(0 if report.ok else 1)


@cli.command()
@project_option
@click.option("--no-pages", is_flag=True, help="Only validate and write output/graph.ttl.")
@friendly
def build(root, no_pages):
    """Validate, then write output/graph.ttl, the network pages and the reports."""
    from graph.build import ValidationFailed, build as run
    from graph.stats import stats

    project = get_project(root)
    try:
        result = run(project, pages=not no_pages)
    except ValidationFailed as err:
        print_problems(err.report.errors, limit=200)
        raise
    s = stats(__import__("graph").load_store(project))
    click.echo(f"built {s['triples']} triples; {len(result.report.warnings)} warning(s)")
    for cls, n in s["classes"].items():
        click.echo(f"  {cls:28} {n}")
    click.echo(f"wrote {len(result.written)} file(s) to {project.output_dir}")
    index = project.output_dir / "index.html"
    if index.exists():
        click.echo(f"open {index}")


@cli.command()
@project_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@friendly
def stats(root, fmt):
    """Counts per class, per region and per relation."""
    from graph.load import load_store
    from graph.stats import stats as run

    s = run(load_store(get_project(root)))
    if fmt == "json":
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    click.echo(f"triples: {s['triples']}\n\nclass                         count")
    for k, v in s["classes"].items():
        click.echo(f"{k:30}{v:>5}")
    click.echo("\nrelation                      count")
    for k, v in s["relations"].items():
        click.echo(f"{k:30}{v:>5}")
    click.echo(f"\n{'region':30}{'bodies':>7}{'forums':>7}{'projects':>9}{'plans':>6}{'recs':>5}{'gaps':>5}")
    for r in s["regions"]:
        click.echo(f"{r['name']:30}{r['bodies']:>7}{r['forums']:>7}{r['projects']:>9}{r['plans']:>6}{r['recommendations']:>5}{r['gaps']:>5}")


def main():
    cli(prog_name="naravard")


if __name__ == "__main__":
    main()
