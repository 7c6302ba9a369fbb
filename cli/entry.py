"""The `naravard` entry point: `naravard query` on a short path, every other command through click.

A cold `naravard query NAME` is what people and scripts run most; importing click (about 30 ms)
and parsing through it cost more than the query. When the command line is a plain library or
file query (`query NAME` with `-p/--param`, `-f/--format`, `--root`), it runs here with the same
code as the click command (`run_query`), the same output and the same errors. Anything else
(`-e`, `--endpoint`, `--help`, an option spelt another way, a usage error) goes to click
unchanged, so usage messages stay click's own.

>>> fast_query_args(["query", "region-forums", "-p", "region=dalarna", "--format=csv"])
('region-forums', {'region': 'dalarna'}, 'csv', None)
>>> fast_query_args(["query", "-e", "ASK {}"]) is None
True
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from graph.errors import NaravardError
from graph.project import Project

#: `naravard query --format` choices (cli.main's option lists them for click).
QUERY_FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld")


def get_project(root: str | None, out: str | None = None) -> Project:
    """The project at `root` (default: Project.default()), writing to `out` if given."""
    output = Path(out) if out else None
    return Project(Path(root).resolve(), output) if root else Project.default(output)


def split_params(pairs) -> dict[str, str]:
    """`NAME=VALUE` pairs (each with an `=`, checked by the caller) as a dict.

    >>> split_params(("region=dalarna", "q=a=b"))
    {'region': 'dalarna', 'q': 'a=b'}
    """
    return {key.strip(): value for key, value in (pair.split("=", 1) for pair in pairs)}


def run_query(name, expression, params: dict[str, str], fmt: str, endpoint: str | None, root: str | None) -> str:
    """The text `naravard query` prints: a library query NAME, a FILE.rq or SPARQL `expression`,
    run on the local store or on `endpoint`, formatted as `fmt`."""
    from graph.errors import QueryError
    from graph.queries import execute, prepare
    from graph.results import format_result

    if bool(name) == bool(expression):
        raise QueryError("give a query NAME or FILE.rq, or -e 'SPARQL' (one of them)")
    project = get_project(root)
    prepared = prepare(expression or name, params, project, is_text=bool(expression))
    if endpoint:
        from graph.remote import remote_query

        result = remote_query(endpoint, prepared)
    else:
        from graph.load import load_store

        result = execute(load_store(project), prepared)
    return format_result(result, fmt)


def fast_query_args(args: list[str]) -> tuple[str, dict[str, str], str, str | None] | None:
    """(name, params, format, root) when `args` is a plain `query NAME …` the short path runs
    exactly as click would; None for anything else (click then parses it, errors included)."""
    if len(args) < 2 or args[0] != "query":
        return None
    name, pairs, fmt, root = None, [], "table", None
    rest = iter(args[1:])
    for arg in rest:
        key, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if key in ("-p", "--param", "-f", "--format", "--root"):
            value = inline if eq else next(rest, None)
            if value is None:
                return None
            if key in ("-p", "--param"):
                pairs.append(value)
            elif key == "--root":
                root = value
            else:
                fmt = value
        elif arg.startswith("-") or name is not None:
            return None
        else:
            name = arg
    root = root if root is not None else os.environ.get("NARAVARD_ROOT") or None
    if (
        name is None
        or fmt not in QUERY_FORMATS
        or not all("=" in p for p in pairs)
        or (root is not None and not (os.path.isdir(root) and os.access(root, os.R_OK)))
    ):
        return None
    return name, split_params(pairs), fmt, root


def main() -> None:
    """The `naravard` command (the console script): a plain `naravard query` here, the rest in cli.main."""
    args = None if "_NARAVARD_COMPLETE" in os.environ else fast_query_args(sys.argv[1:])  # shell completion: click
    if args is None:
        from cli.main import main as click_main

        click_main()
        return
    name, params, fmt, root = args
    try:
        text = run_query(name, None, params, fmt, None, root)
        if "\x1b" in text:  # click.echo strips terminal escapes when not writing to a terminal
            import click

            click.echo(text)
        else:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
    except NaravardError as err:
        sys.stderr.write(f"Error: {err}\n")
        sys.exit(err.exit_code)
    except (EOFError, KeyboardInterrupt):  # as click reports them
        sys.stderr.write("\nAborted.\n")
        sys.exit(1)
    except BrokenPipeError:  # the reader went away (`| head`): exit quietly, as click does
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit, absorbing the final flush
        sys.exit(1)
    sys.exit(0)
