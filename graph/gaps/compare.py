"""Comparison across regions: the region × structure-type matrix (queries/structure-matrix.rq)
and the structures a region lacks although most regions have them.

>>> m = Matrix({"nvr:a": {"st:x": 1}, "nvr:b": {"st:x": 1}, "nvr:c": {"st:x": 0}},
...            {"nvr:a": "A", "nvr:b": "B", "nvr:c": "C"}, {"st:x": "mobile teams"})
>>> [g.a for g in structure_gaps(m, curated={"nvr:c"})]
['nvr:c']
"""
from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..project import Project
from .model import Gap, rows, short

#: A structure is "what most regions have" when more than this share of ALL regions has it.
MAJORITY = 0.5
#: Structures shared by a region and its municipalities: meaningless where the region is
#: also the county's only municipality (Region Gotland).
JOINT_TYPES = {"nv:st-political-joint-forum", "nv:st-executive-joint-forum", "nv:st-joint-steering-group",
               "nv:st-joint-target-image", "nv:st-joint-plan", "nv:st-joint-agreement", "nv:st-joint-project"}


@dataclass
class Matrix:
    """cells[region][type] = number of instances; names of regions and types."""

    cells: dict[str, dict[str, int]]
    region_names: dict[str, str]
    type_names: dict[str, str]

    def having(self, st: str) -> list[str]:
        """Regions with at least one instance of structure type `st`, by name."""
        return sorted((r for r, row in self.cells.items() if row.get(st, 0) > 0), key=lambda r: self.region_names[r])


def structure_matrix(store: ox.Store, project: Project | None = None) -> Matrix:
    """The region × structure matrix from the library query `structure-matrix` (0 where none)."""
    cells: dict[str, dict[str, int]] = {}
    region_names: dict[str, str] = {}
    type_names: dict[str, str] = {}
    for r in rows(store, "structure-matrix", project):
        reg, st = short(r["region"]), short(r["type"])
        region_names[reg] = r["regionName"]
        type_names[st] = r["typeName"]
        cells.setdefault(reg, {})[st] = int(r["count"])
    return Matrix(cells, region_names, type_names)


def curated_regions(store: ox.Store) -> set[str]:
    """Regions with at least one curated entity (absence only means something there); a
    document about the region (an audit report described in data/sources/sources.ttl) is not one."""
    q = """SELECT DISTINCT ?r WHERE { ?x nv:inRegion ?r ; nv:evidence ?ev .
           FILTER NOT EXISTS { ?x a nv:Municipality } FILTER NOT EXISTS { ?x a nv:MunicipalityGroup }
           FILTER NOT EXISTS { ?x a/rdfs:subClassOf* nv:Document } }"""
    return {short(r["r"]) for r in rows(store, q)}


def sole_principal_regions(store: ox.Store) -> set[str]:
    """Regions that are also the only municipality of their county (Gotland)."""
    q = """SELECT ?r WHERE { ?r a nv:Region ; nv:coversArea ?c .
           FILTER NOT EXISTS { ?m a nv:Municipality ; nv:inCounty ?c . FILTER NOT EXISTS { ?m a nv:Region } } }"""
    return {short(r["r"]) for r in rows(store, q)}


def structure_gaps(m: Matrix, curated: set[str] | None = None, majority: float = MAJORITY, region: str | None = None,
                   sole: set[str] = frozenset()) -> list[Gap]:
    """A gap per (region, type) where the region has none but more than `majority` of all
    regions have one; only for `curated` regions, and no joint region–municipality types for
    `sole` regions (region and municipality in one). Score = share of regions that have it."""
    total = len(m.cells)
    out: list[Gap] = []
    for st in sorted(m.type_names):
        have = m.having(st)
        if len(have) <= majority * total:
            continue
        for reg in sorted(m.cells):
            if m.cells[reg].get(st, 0) or (curated is not None and reg not in curated) or (region and reg != region):
                continue
            if reg in sole and st in JOINT_TYPES:
                continue
            names = ", ".join(m.region_names[r] for r in have)
            out.append(Gap(
                region=reg, a=reg, a_label=m.region_names[reg], b=None, b_label="", kind="compare", name=st,
                score=round(len(have) / total, 3),
                explanation=(f"{m.region_names[reg]} has no {m.type_names[st]} in the graph, while {len(have)} of the "
                             f"{total} regions have one: {names}.")))
    return out


def compare_gaps(store: ox.Store, project: Project | None = None, region: str | None = None) -> list[Gap]:
    """`structure_gaps` of the store's matrix, for regions with curated data."""
    return structure_gaps(structure_matrix(store, project), curated_regions(store), region=region,
                          sole=sole_principal_regions(store))
