"""graph/viz/shell.py: the one page system (templates on a base layout, CSP, footer)."""

from __future__ import annotations

import html as html_
import re
from datetime import UTC, datetime

import pytest

from graph.project import Project
from graph.viz.shell import CSP, FOOTER_UNKNOWN, data_version, footer, render


def test_policy_allows_no_inline_code_and_no_request():
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert "script-src 'self'" in CSP and "style-src 'self'" in CSP and "connect-src 'none'" in CSP


@pytest.mark.parametrize("template", ["source.html", "gaps.html", "query.html"])
def test_every_template_extends_the_base_layout(template):
    html = render(template, title="T <x>", lines=["a"], body="", footer={"built": "2026-12-03", "version": "abc"})
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)
    assert html_.unescape(policy) == CSP and 'href="assets/naravard.css"' in html
    assert "T &lt;x&gt;" in html and "<x>" not in html
    assert "<span data-i18n>Byggd</span> 2026-12-03" in html and "<code>abc</code>" in html
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", html)  # no inline script
    assert not re.search(r"\s(style|on[a-z]+)=", html)  # no inline style or event handler


def test_data_version_is_a_fingerprint_of_the_inputs(tmp_path, project):
    assert data_version(project) == data_version(Project(project.root)) != ""
    empty = Project(tmp_path)
    assert data_version(empty) == ""  # a store served without its project's files
    assert footer(empty)["version"] == "" and re.fullmatch(r"\d{4}-\d\d-\d\d", footer(empty)["built"])
    assert set(FOOTER_UNKNOWN) == {"built", "version"}


def test_build_date_follows_source_date_epoch(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert footer(project)["built"] == "1970-01-02"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert footer(project)["built"] == datetime.now(UTC).strftime("%Y-%m-%d")
