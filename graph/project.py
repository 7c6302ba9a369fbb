"""Where the project's files are: ontology, shapes, data, sources, queries and output.

A `Project` is a folder with the same layout as this repository, so tests can point
one at a fixture copy.

>>> p = Project.default()
>>> p.ontology_file.name
'naravard.ttl'
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def default(cls) -> "Project":
        """The repository, or the folder named by $NARAVARD_ROOT."""
        return cls(Path(os.environ.get("NARAVARD_ROOT", REPO_ROOT)).resolve())

    @property
    def ontology_file(self) -> Path:
        return self.root / "ontology" / "naravard.ttl"

    @property
    def shapes_file(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def sources_dir(self) -> Path:
        return self.data_dir / "sources"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def output_dir(self) -> Path:
        return Path(os.environ.get("NARAVARD_OUTPUT", self.root / "output"))

    @property
    def cache_dir(self) -> Path:
        """The store cache: beside the builds (`.output.builds/cache/`), shared by every build
        and reachable as `output/.cache` once a build exists (see graph.atomic)."""
        from .atomic import builds_dir

        return builds_dir(self.output_dir) / "cache"

    def data_files(self) -> list[Path]:
        """Every curated Turtle file (data/staging/ holds unmerged drafts and is skipped)."""
        staging = self.data_dir / "staging"
        return sorted(p for p in self.data_dir.rglob("*.ttl") if staging not in p.parents)

    def input_files(self) -> list[Path]:
        """The ontology and the data: everything the graph is built from."""
        return [self.ontology_file, *self.data_files()]

    def relative(self, path: Path) -> str:
        """`data/regions/x.ttl` for a file of this project (for messages)."""
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)
