"""Write the network pages: index, national view, one page per region and per actor.

Every page links to shared, vendored assets in output/assets/ (vis-network from the
pyvis wheel), so the pages work from disk with no network.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from ..atomic import write_atomic
from ..errors import NaravardError
from ..metrics import PROPERTIES
from ..network import GAP, ego_nodes, induced, network, region_subgraph, term_labels
from ..project import Project
from ..stats import stats
from .layout import grouped_layout, layout
from .page import PREDICTED, page_data, page_name, page_names, render_page
from .style import class_style, model_labels, relation_style, style

#: Ego pages of hubs are cut to one step beyond this many nodes, to stay readable.
MAX_EGO_NODES = 250


def vis_assets() -> list[Path]:
    """vis-network's JS and CSS as bundled in the pyvis wheel (no CDN)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return [lib / "vis-network.min.js", lib / "vis-network.css"]


def write_assets(out: Path) -> list[Path]:
    """Copy vis-network's JS and CSS and the pages' stylesheet into `out`/assets/; the files written."""
    dest = out / "assets"
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for src in [*vis_assets(), Path(__file__).with_name("naravard.css")]:
        write_atomic(dest / src.name, src.read_bytes())
        written.append(dest / src.name)
    return written


def swatch(color: str, label: str, dashed: bool = False) -> str:
    """One legend entry: a colour swatch (a dashed outline for a link kind) and its label, escaped.

    >>> swatch("#fff", "<b>")
    '<span><span class=swatch style="background:#fff;border-color:#fff"></span> &lt;b&gt;</span>'
    """
    c = html.escape(color)
    look = (
        f'class="swatch dashed" style="border-color:{c}"'
        if dashed
        else f'class=swatch style="background:{c};border-color:{c}"'
    )
    return f"<span><span {look}></span> {html.escape(label)}</span>"


class Site:
    """What the pages share: the network, region names and the set of pages."""

    def __init__(self, store: ox.Store, computed: list | None = None, project: Project | None = None):
        self.store = store
        self.g = network(store, project)
        self.computed = computed or []
        self.stats = stats(store, project)
        self.regions = {r["region"]: r for r in self.stats["regions"]}
        self.region_labels = {k: v["name"] for k, v in self.regions.items()}
        self.labels = model_labels(store)
        self.figure_labels = term_labels(store, PROPERTIES)  # nv:degree … → "grad" …, from the ontology
        self.pages = set(page_names(self.g).values())
        self.pages |= {f"regions/{r.split(':', 1)[1]}.html" for r in self.regions}

    def render(self, sub: nx.MultiDiGraph, path: str, title: str, subtitle: str, positions=None, focus=None) -> str:
        """The HTML of the page at `path` (relative to the output folder) drawing `sub`."""
        base = "../" * path.count("/")
        data = page_data(
            sub,
            title=title,
            positions=positions if positions is not None else layout(sub),
            focus=focus,
            base=base,
            self_page=path,
            region_labels=self.region_labels,
            labels=self.labels,
            computed=self.computed,
            pages=self.pages,
            figure_labels=self.figure_labels,
        )
        return render_page(data, title=title, subtitle=subtitle)

    def region_page(self, region: str) -> tuple[str, str]:
        """(path, HTML) of the page of `region` (`nvr:…`); an unknown region is an error naming the known ones."""
        if region not in self.regions:
            raise NaravardError(
                f"unknown region {region!r}; regions: {', '.join(sorted(r.split(':')[1] for r in self.regions))}"
            )
        slug = region.split(":", 1)[1]
        sub = region_subgraph(self.g, region)
        r = self.regions[region]
        subtitle = (
            f"{r['bodies']} organ, {r['forums']} samverkansforum, {r['projects']} projekt, "
            f"{r['plans']} planer, {r['gaps']} brister ur källorna"
        )
        return f"regions/{slug}.html", self.render(
            sub, f"regions/{slug}.html", r["name"], subtitle, focus=region if region in sub else None
        )

    def actor_page(self, node: str) -> tuple[str, str]:
        """(path, HTML) of the page of actor `node` (`nvr:…`): its neighbourhood in two steps (one for hubs)."""
        if node not in self.g:
            raise NaravardError(f"unknown actor {node!r}; `naravard query find-actor --param name=…` finds IRIs")
        d = self.g.nodes[node]
        near = ego_nodes(self.g, node, 2)
        sub = induced(self.g, near if len(near) <= MAX_EGO_NODES else ego_nodes(self.g, node, 1))
        path = page_name(node, d["cls"])
        cls_label = self.labels["class"].get(d["cls"], {}).get("sv", d["cls"])
        in_region = " · " + self.region_labels.get(d["region"], "") if d.get("region") else ""
        subtitle = f"{cls_label}{in_region} — grannskap i två steg"
        return path, self.render(sub, path, d["label"], subtitle, focus=node)

    def national_page(self) -> tuple[str, str]:
        """(path, HTML) of the national page: the whole network, grouped by region."""
        pos = grouped_layout(self.g, {n: d.get("region") for n, d in self.g.nodes(data=True)})
        return "national.html", self.render(
            self.g,
            "national.html",
            "Hela landet: 21 regioner",
            f"{self.g.number_of_nodes()} aktörer och {self.g.number_of_edges()} relationer, grupperade per region",
            positions=pos,
        )

    def index_page(self) -> tuple[str, str]:
        """(path, HTML) of the overview page: counts per region and the legend."""
        s = self.stats
        rows = "\n".join(
            f'<tr><td><a href="regions/{html.escape(r["region"].split(":", 1)[1])}.html">'
            f"{html.escape(r['name'])}</a></td>"
            f"<td class=num>{r['bodies']}</td><td class=num>{r['forums']}</td><td class=num>{r['projects']}</td>"
            f"<td class=num>{r['plans']}</td><td class=num>{r['recommendations']}</td>"
            f"<td class=num>{r['gaps']}</td></tr>"
            for r in s["regions"]
        )
        order = list(style()["class"])  # style.toml's order first (organisations, people, work), then the rest
        drawn = sorted(self.labels["class"], key=lambda c: (order.index(c) if c in order else len(order), c))
        legend = " ".join(swatch(class_style(c)["color"], self.labels["class"][c]["sv"]) for c in drawn)
        gap, predicted = relation_style(GAP)["color"], relation_style("predicted")["color"]
        classes = ", ".join(f"{html.escape(k.removeprefix('nv:'))}: {v}" for k, v in s["classes"].items())
        body = f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>naravard-kg – styrningen av god och nära vård</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self' 'unsafe-inline' data:; connect-src 'none'">
<link rel="stylesheet" href="assets/naravard.css"></head>
<body><header>
<nav><a href="index.html">Översikt</a><a href="national.html">Hela landet</a><a href="gaps.html">Samverkansbrister</a>
<a href="http://127.0.0.1:8000/">SPARQL-frågesida</a></nav><h1>Styrningen av omställningen till god och nära vård</h1>
<p class="subtitle">En kunskapsgraf över regioner, nämnder, samverkansforum, projekt och planer,
byggd ur fem källdokument. Varje fakta har sitt belägg: dokument och ordagrant citat.</p></header>
<div class="page">
<h2>Vad grafen innehåller</h2>
<p>{s["triples"]} tripplar. {classes}.</p>
<p><a href="national.html">Hela landet</a> visar alla regioner tillsammans.
<a href="gaps.html">Samverkansbrister</a> listar brister ur källorna och beräknade förslag på saknade samverkanslänkar,
med förklaring och belägg.
Frågesidan för SPARQL kräver att <code>naravard serve</code> körs (öppnas på <a href="http://127.0.0.1:8000/">http://127.0.0.1:8000/</a>).</p>
<h2>Regioner</h2>
<table id="regions"><thead><tr><th>Region</th><th>Organ</th><th>Samverkansforum</th><th>Projekt</th><th>Planer</th>
<th>Rekommendationer</th><th>Brister</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<h2>Teckenförklaring</h2>
<p class="legend">{legend}</p>
<p class="legend">{swatch(gap, "samverkansbrist ur källorna", dashed=True)}
{swatch(predicted, PREDICTED["sv"], dashed=True)}</p>
</div></body></html>
"""
        return "index.html", body


def write_site(
    project: Project,
    store: ox.Store,
    computed: list | None = None,
    out: Path | None = None,
    regions: list[str] | None = None,
    actors: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write pages to `out` (default output/): everything, or only the named regions/actors.

    `progress`, if given, hears `pages n of N` about every two seconds and at the end."""
    out = out or project.output_dir
    site = Site(store, computed, project)
    everything = regions is None and actors is None
    jobs = []
    if everything:
        jobs += [site.index_page, site.national_page]
        regions = list(site.regions)
        actors = [n for n, d in site.g.nodes(data=True) if d["cls"] != "Region"]
    for r in regions or []:  # unknown names are errors before anything is written
        if r not in site.regions:
            site.region_page(r)
    for a in actors or []:
        if a not in site.g:
            site.actor_page(a)
    written = write_assets(out)
    for r in regions or []:
        jobs.append(lambda r=r: site.region_page(r))
    for a in actors or []:
        jobs.append(lambda a=a: site.actor_page(a))
    said = time.monotonic()
    for n, job in enumerate(jobs, 1):
        rel, text = job()
        write_atomic(out / rel, text)
        written.append(out / rel)
        if progress and (n == len(jobs) or time.monotonic() - said > 2):
            progress(f"pages {n} of {len(jobs)}")
            said = time.monotonic()
    return written
