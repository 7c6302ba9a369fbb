"""Shared fixtures: the real project, its store, and fixture projects to break."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.project import REPO_ROOT, Project


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(REPO_ROOT)


@pytest.fixture(scope="session")
def store(project):
    from graph.store import open_store

    return open_store(project)


@pytest.fixture()
def fixture_project(tmp_path, monkeypatch) -> Project:
    """A throw-away copy of the project's ontology, queries and reference data, to break."""
    root = tmp_path / "proj"
    for sub in ("ontology", "queries"):
        shutil.copytree(REPO_ROOT / sub, root / sub)
    for sub in ("reference", "sources"):
        shutil.copytree(REPO_ROOT / "data" / sub, root / "data" / sub)
    shutil.copy(REPO_ROOT / "data" / "national.ttl", root / "data" / "national.ttl")
    (root / "data" / "regions").mkdir()
    monkeypatch.setenv("NARAVARD_OUTPUT", str(tmp_path / "out"))
    return Project(root)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
