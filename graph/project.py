"""Where the project's files are: ontology, shapes, data, sources, queries and output.

A `Project` is a folder with the same layout as this repository (ontology/, data/,
queries/), so tests can point one at a fixture copy. The default project is the
folder named by $NARAVARD_ROOT, else the checkout this package runs from, else the
copy bundled in the installed package (graph/_project/, read-only: its output goes
to ./output of the current directory, never into site-packages).

>>> p = Project.default()
>>> p.ontology_file.name
'naravard.ttl'
>>> Project(BUNDLED_ROOT).read_only, Project(BUNDLED_ROOT, output=Path("/tmp/o")).output_dir
(True, PosixPath('/tmp/o'))
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_ROOT = Path(__file__).resolve().parent / "_project"  # ontology/, data/, queries/ in a wheel


def in_checkout() -> bool:
    """True when this package runs from a source checkout (ontology/ beside graph/), not from a wheel."""
    return (REPO_ROOT / "ontology" / "naravard.ttl").is_file() and (REPO_ROOT / "pyproject.toml").is_file()


class Project(NamedTuple):
    """A project folder; `output` overrides where builds go (else $NARAVARD_OUTPUT, else output/).

    A NamedTuple rather than a dataclass: importing `dataclasses` (it imports `inspect`) costs
    about 15 ms of every cold `naravard query`.
    """

    root: Path
    output: Path | None = None

    @classmethod
    def default(cls, output: Path | None = None) -> Project:
        """$NARAVARD_ROOT, else the checkout, else the copy bundled in the installed package."""
        root = os.environ.get("NARAVARD_ROOT") or (REPO_ROOT if in_checkout() else BUNDLED_ROOT)
        return cls(Path(root).resolve(), output)

    @property
    def read_only(self) -> bool:
        """True for the copy inside the installed package: nothing may be written there."""
        return self.root == BUNDLED_ROOT

    @property
    def ontology_file(self) -> Path:
        """ontology/naravard.ttl: the ontology."""
        return self.root / "ontology" / "naravard.ttl"

    @property
    def shapes_file(self) -> Path:
        """ontology/shapes.ttl: the SHACL shapes."""
        return self.root / "ontology" / "shapes.ttl"

    @property
    def data_dir(self) -> Path:
        """data/: the curated data files."""
        return self.root / "data"

    @property
    def sources_dir(self) -> Path:
        """data/sources/: the source documents' text, which quotes are checked against."""
        return self.data_dir / "sources"

    @property
    def queries_dir(self) -> Path:
        """queries/: the SPARQL library (`.rq` files with their headers)."""
        return self.root / "queries"

    @property
    def gap_labels_file(self) -> Path:
        """tests/data/gap-labels.tsv: the labelled set the gap analysis is measured against
        (in a checkout; the installed package has none)."""
        return self.root / "tests" / "data" / "gap-labels.tsv"

    @property
    def output_dir(self) -> Path:
        """`output`, else $NARAVARD_OUTPUT, else output/ in the project (./output for the bundled copy)."""
        if self.output is not None:
            return Path(self.output).absolute()
        if "NARAVARD_OUTPUT" in os.environ:
            return Path(os.environ["NARAVARD_OUTPUT"]).absolute()
        return (Path.cwd() if self.read_only else self.root) / "output"

    @property
    def cache_dir(self) -> Path:
        """The store cache: beside the builds (`.output.builds/cache/`), shared by every build
        and reachable as `output/.cache` once a build exists (see graph.atomic)."""
        from .atomic import builds_dir

        return builds_dir(self.output_dir) / "cache"

    def data_files(self) -> list[Path]:
        """Every curated Turtle file under data/."""
        return sorted(self.data_dir.rglob("*.ttl"))

    def input_files(self) -> list[Path]:
        """The ontology and the data: everything the graph is built from."""
        return [self.ontology_file, *self.data_files()]

    def relative(self, path: Path) -> str:
        """`data/regions/x.ttl` for a file of this project (for messages)."""
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)
