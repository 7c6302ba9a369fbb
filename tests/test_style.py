"""graph/viz/style.py: the model's labels come from the project being built."""

from __future__ import annotations

import shutil

import pytest

from graph.errors import QueryError
from graph.project import Project
from graph.viz.style import model_labels


def test_model_labels_read_the_query_of_the_project_given(store, project, tmp_path):
    """A build of another project (a synthetic one, a copy) reads that project's queries/model-terms.rq,
    not the checkout's: without the file there, it is an error naming the query."""
    other = Project(tmp_path)
    shutil.copytree(project.queries_dir, tmp_path / "queries")
    assert model_labels(store, other) == model_labels(store, project)
    (tmp_path / "queries" / "model-terms.rq").unlink()
    with pytest.raises(QueryError, match="model-terms"):
        model_labels(store, other)
