"""Count how many facts changed form between two versions of the data (for the README).

Usage: python scripts/migration_report.py [--from REV]   (default: c0225f8, the last v1 commit)

Compares the curated data (data/**/*.ttl) at git revision REV with the working tree and prints a
Markdown table: per relation, triples removed / added / kept with a new quote; and per v2 form
(qualifiers, levels, types, principals, time, evidence basis), how many now carry it.
"""

from __future__ import annotations

import argparse
import subprocess
from collections import Counter
from pathlib import Path

import rdflib
from rdflib import RDF

NV = rdflib.Namespace("https://w3id.org/naravard/def#")
ROOT = Path(__file__).resolve().parent.parent


def graph_at(rev: str | None) -> rdflib.Graph:
    g = rdflib.Graph()
    if rev is None:
        for p in sorted((ROOT / "data").rglob("*.ttl")):
            g.parse(p, format="turtle")
        return g
    files = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", rev, "data/"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in files:
        if name.endswith(".ttl"):
            text = subprocess.run(
                ["git", "show", f"{rev}:{name}"], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout
            g.parse(data=text, format="turtle")
    return g


def relations(g: rdflib.Graph) -> dict[tuple, set[str]]:
    """(s, p, o) of every evidenced relation → its set of quotes."""
    out: dict[tuple, set[str]] = {}
    for st in g.subjects(RDF.subject, None):
        key = (g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object))
        out.setdefault(key, set()).add(str(g.value(st, NV.quote)))
    return out


def short(p) -> str:
    return str(p).split("#")[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="rev", default="c0225f8")
    args = ap.parse_args()
    old, new = graph_at(args.rev), graph_at(None)
    ro, rn = relations(old), relations(new)
    removed, added, requoted = Counter(), Counter(), Counter()
    for k in ro.keys() - rn.keys():
        removed[short(k[1])] += 1
    for k in rn.keys() - ro.keys():
        added[short(k[1])] += 1
    for k in ro.keys() & rn.keys():
        if ro[k] != rn[k]:
            requoted[short(k[1])] += 1
    print("| relation | removed | added | same triple, new or changed quote |")
    print("|---|---:|---:|---:|")
    for p in sorted(set(removed) | set(added) | set(requoted)):
        print(f"| {p} | {removed[p]} | {added[p]} | {requoted[p]} |")
    print()
    print("| v2 form | before | after |")
    print("|---|---:|---:|")

    def count(g, pred, obj=None):
        return len(set(g.subjects(pred, obj)))

    rows = [
        (
            "bodies with a stated level",
            lambda g: len({s for s, o in g.subject_objects(NV.level) if o != NV["level-not-named"]}),
        ),
        ("bodies with level not named", lambda g: count(g, NV.level, NV["level-not-named"])),
        ("actors with a structure type", lambda g: count(g, NV.structureType)),
        ("membership statements with a role", lambda g: count(g, NV.role)),
        ("membership statements on behalf of", lambda g: count(g, NV.onBehalfOf)),
        ("membership statements with seats", lambda g: count(g, NV.seats)),
        ("stated principals", lambda g: count(g, NV.principal)),
        ("ownership relations", lambda g: len(list(g.triples((None, NV.ownedBy, None))))),
        ("statements with validFrom/validUntil", lambda g: count(g, NV.validFrom) + count(g, NV.validUntil)),
        ("entities with a lifecycle state", lambda g: count(g, NV.lifecycle)),
        ("statements with basis layout", lambda g: count(g, NV.basis, NV["basis-layout"])),
        ("statements with basis context", lambda g: count(g, NV.basis, NV["basis-context"])),
        ("signatures", lambda g: len(list(g.triples((None, NV.signedBy, None))))),
        (
            "relation quotes under 4 words",
            lambda g: sum(1 for st in g.subjects(RDF.subject, None) if len(str(g.value(st, NV.quote)).split()) < 4),
        ),
    ]
    for label, f in rows:
        print(f"| {label} | {f(old)} | {f(new)} |")
    print(
        f"\nrelations: {len(ro)} before, {len(rn)} after; {sum(removed.values())} removed, "
        f"{sum(added.values())} added, {sum(requoted.values())} re-quoted"
    )


if __name__ == "__main__":
    main()
