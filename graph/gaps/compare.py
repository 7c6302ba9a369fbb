"""Finding gaps by comparison across regions: the region × structure-type matrix
(queries/structure-matrix.rq) and the structures a region lacks although most regions have them.

>>> m = Matrix({"nvr:a": {"st:x": 1}, "nvr:b": {"st:x": 1}, "nvr:c": {"st:x": 0}},
...            {"nvr:a": "A", "nvr:b": "B", "nvr:c": "C"}, {"st:x": "mobile teams"})
>>> [g.a for g in structure_gaps(m, curated={"nvr:c"})]
['nvr:c']
>>> structure_gaps(m, curated={"nvr:c"}, skip={("nvr:c", "st:x")})
[]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ..project import Project
from ..queries import rows
from .model import Gap, gap_rows, short

#: A structure is "what most regions have" when more than this share of ALL regions has it.
MAJORITY = 0.5


@dataclass
class Matrix:
    """cells[region][type] = number of instances; names of regions and types."""

    cells: dict[str, dict[str, int]]
    region_names: dict[str, str]
    type_names: dict[str, str]
    type_names_sv: dict[str, str] = field(default_factory=dict)

    def having(self, st: str) -> list[str]:
        """Regions with at least one instance of structure type `st`, by name.

        >>> Matrix({"nvr:b": {"t": 1}, "nvr:a": {"t": 2}}, {"nvr:a": "A", "nvr:b": "B"}, {"t": "T"}).having("t")
        ['nvr:a', 'nvr:b']
        """
        return sorted((r for r, row in self.cells.items() if row.get(st, 0) > 0), key=lambda r: self.region_names[r])


def structure_matrix(store: ox.Store, project: Project) -> Matrix:
    """The region × structure matrix from the library query `structure-matrix` (0 where none)."""
    cells: dict[str, dict[str, int]] = {}
    region_names: dict[str, str] = {}
    type_names: dict[str, str] = {}
    type_names_sv: dict[str, str] = {}
    for r in rows(store, "structure-matrix", project):
        reg, st = short(r["region"]), short(r["type"])
        region_names[reg] = r["regionName"]
        type_names[st] = r["typeName"]
        type_names_sv[st] = r.get("typeNameSv") or r["typeName"]
        cells.setdefault(reg, {})[st] = int(r["count"])
    return Matrix(cells, region_names, type_names, type_names_sv)


def described_by(store: ox.Store, project: Project) -> dict[str, list[str]]:
    """Region → short titles of the source documents about it alone (`region-sources.rq`)."""
    out: dict[str, list[str]] = {}
    for r in gap_rows(store, project, "region-sources"):
        out.setdefault(short(r["region"]), []).append(r["title"])
    return out


def curated_regions(store: ox.Store, project: Project) -> set[str]:
    """Regions with at least one curated entity, where absence means something (`curated-regions.rq`)."""
    return {short(r["r"]) for r in gap_rows(store, project, "curated-regions")}


def not_applicable(store: ox.Store, project: Project) -> set[tuple[str, str]]:
    """(region, structure type) pairs the comparison leaves out: types the ontology marks as
    joint (nv:usualSide nv:side-joint) where the region is also its county's only municipality
    (`joint-types-not-applicable.rq`)."""
    return {(short(r["region"]), short(r["type"])) for r in gap_rows(store, project, "joint-types-not-applicable")}


def structure_gaps(
    m: Matrix,
    curated: set[str] | None = None,
    majority: float = MAJORITY,
    region: str | None = None,
    skip: set[tuple[str, str]] = frozenset(),
    described_by: dict[str, list[str]] | None = None,
) -> list[Gap]:
    """A gap per (region, type) where the region has none but more than `majority` of all
    regions have one; only for `curated` regions, never for the (region, type) pairs in `skip`.
    Score = share of regions that have it. `described_by` maps a region to the documents about it
    alone (an audit, an answer); a region without one is described only in the overview's short
    section, which could simply not have mentioned the structure: the explanation says which.
    The explanation says how many regions have the structure; which ones is the gap's `having`
    (the same list for every gap of a type, named once per type on the report)."""
    total = len(m.cells)
    out: list[Gap] = []
    for st in sorted(m.type_names):
        have = tuple(m.having(st))
        if len(have) <= majority * total:
            continue
        for reg in sorted(m.cells):
            if m.cells[reg].get(st, 0) or (curated is not None and reg not in curated) or (region and reg != region):
                continue
            if (reg, st) in skip:
                continue
            docs = (described_by or {}).get(reg, [])
            could_sv = (
                f"Regionen beskrivs i {', '.join(docs)}: där kunde strukturen ha nämnts."
                if docs
                else "Regionen beskrivs bara i översiktens korta avsnitt, som kan ha utelämnat strukturen."
            )
            could_en = (
                f"The region is described in {', '.join(docs)}, which could have mentioned it."
                if docs
                else "The region is described only in the overview's short section, which may have left it out."
            )
            out.append(
                Gap(
                    region=reg,
                    a=reg,
                    a_label=m.region_names[reg],
                    b=None,
                    b_label="",
                    kind="compare",
                    name=st,
                    score=round(len(have) / total, 3),
                    explanation=(
                        f"{m.region_names[reg]} saknar «{m.type_names_sv.get(st, m.type_names[st])}» i grafen, "
                        f"medan {len(have)} av {total} regioner har strukturen. {could_sv}"
                    ),
                    explanation_en=(
                        f"{m.region_names[reg]} has no {m.type_names[st]} in the graph, while {len(have)} of the "
                        f"{total} regions have one. {could_en}"
                    ),
                    having=have,
                )
            )
    return out


def find(store: ox.Store, project: Project, region: str | None = None, m: Matrix | None = None) -> list[Gap]:
    """`structure_gaps` of the store's matrix (or `m`, when the caller has read it) for regions with
    curated data, in all regions or in `region` (a short IRI, `nvr:dalarna`)."""
    return structure_gaps(
        structure_matrix(store, project) if m is None else m,
        curated_regions(store, project),
        region=region,
        skip=not_applicable(store, project),
        described_by=described_by(store, project),
    )
