"""The `naravard` entry point (cli/entry.py): a plain `naravard query` takes the short path, with
click's output and errors to the byte; everything else is click's."""

from __future__ import annotations

import sys

import pytest

from cli.entry import fast_query_args


@pytest.mark.parametrize(
    "args, expected",
    [
        (["query", "count-by-class"], ("count-by-class", {}, "table", None)),
        (["query", "-p", "region=dalarna", "region-forums"], ("region-forums", {"region": "dalarna"}, "table", None)),
        (["query", "x", "--param=a=b=c", "-f", "json"], ("x", {"a": "b=c"}, "json", None)),
        (["query", "x", "--format=csv", "--root", "."], ("x", {}, "csv", ".")),
        (["query"], None),  # click's usage error
        (["query", "x", "y"], None),  # an extra argument
        (["query", "-e", "ASK {}"], None),
        (["query", "x", "--endpoint", "http://localhost:1/q"], None),
        (["query", "x", "--help"], None),
        (["query", "x", "-f", "yaml"], None),  # not a format: click names the choices
        (["query", "x", "-p", "region"], None),  # not name=value
        (["query", "x", "-p"], None),  # no value
        (["query", "x", "-fcsv"], None),  # spelt another way
        (["query", "x", "--root", "/no/such/folder"], None),
        (["stats"], None),
    ],
)
def test_fast_query_args(args, expected, monkeypatch):
    monkeypatch.delenv("NARAVARD_ROOT", raising=False)
    assert fast_query_args(args) == expected


def run(main, args, monkeypatch, capsys) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `naravard ARGS` through `main` in this process."""
    monkeypatch.setattr(sys, "argv", ["naravard", *args])
    capsys.readouterr()
    with pytest.raises(SystemExit) as ended:
        main()
    out, err = capsys.readouterr()
    return ended.value.code or 0, out, err


@pytest.mark.parametrize(
    "args",
    [
        ["query", "count-by-class"],
        ["query", "region-forums", "--param", "region=dalarna", "--format", "csv"],
        ["query", "region-forums", "-p", "region=dalarn"],  # names no region: the nearest names
        ["query", "region-forums"],  # missing parameter
        ["query", "region-forum"],  # unknown query
        ["query", "count-by-class", "-f", "turtle"],  # a format that does not fit the result
    ],
    ids=" ".join,
)
def test_short_path_is_clicks_to_the_byte(args, project, store, monkeypatch, capsys):
    """The short path and the click command print the same bytes and exit with the same code."""
    from cli.entry import main as entry_main
    from cli.main import main as click_main

    monkeypatch.setenv("NARAVARD_ROOT", str(project.root))
    assert fast_query_args(args) is not None
    assert run(entry_main, args, monkeypatch, capsys) == run(click_main, args, monkeypatch, capsys)
