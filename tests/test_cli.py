"""The command line (cli/main.py): --root reaches every file a command reads; one set of format names."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import write

MARKER_COUNT = """# title: Entities by class (changed in this copy)
# answers: A fixed answer, so a test can tell this copy's query from the repository's.
# example: naravard query count-by-class
SELECT ?class ?count WHERE { VALUES (?class ?count) { (nv:MarkerClass 7) } }
"""
MARKER_QUERY = """# title: Only in this copy
# answers: Whether `naravard queries --root` lists the copy's library.
# example: naravard query only-in-copy
ASK {}
"""


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture()
def changed_copy(fixture_project):
    """A project copy (reference data only) whose count-by-class and query list differ from the repository's."""
    write(fixture_project.queries_dir / "count-by-class.rq", MARKER_COUNT)
    write(fixture_project.queries_dir / "only-in-copy.rq", MARKER_QUERY)
    return fixture_project


def test_stats_and_queries_read_the_queries_of_root(changed_copy):
    r = invoke("stats", "--root", str(changed_copy.root), "-f", "json")
    assert r.exit_code == 0 and json.loads(r.output)["classes"] == {"nv:MarkerClass": 7}
    r = invoke("queries", "--root", str(changed_copy.root))
    assert r.exit_code == 0 and "only-in-copy" in r.output and "Only in this copy" in r.output
    assert "only-in-copy" not in invoke("queries").output
    r = invoke("stats", "--root", str(changed_copy.root), "--format", "csv")  # one count a row
    records = list(csv.DictReader(io.StringIO(r.output)))
    assert records[0]["measure"] == "triples" and int(records[0]["value"]) > 1000
    assert {"section": "class", "name": "nv:MarkerClass", "measure": "count", "value": "7"} in records


def test_validate_json_lists_the_problems(fixture_project):
    r = invoke("validate", "--root", str(fixture_project.root), "-f", "json")
    assert r.exit_code == 0 and json.loads(r.output) == [], r.output


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_queries_formats_list_every_query(project, fmt):
    out = invoke("queries", "-f", fmt).output
    assert "region-forums" in out and "steering-group" in out
    if fmt == "json":
        assert {"name", "title", "answers", "example", "params"} <= set(json.loads(out)[0])


@pytest.mark.parametrize("command", ["validate", "stats", "queries"])
def test_text_is_not_a_format_name(command):
    r = CliRunner().invoke(cli, [command, "-f", "text"])
    assert r.exit_code == 2 and "'text' is not one of" in r.output
