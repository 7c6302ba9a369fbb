"""Write the network pages: index, national view, one page per region and per actor.

Every page links to shared, vendored assets in output/assets/ (vis-network from the
pyvis wheel), so the pages work from disk with no network.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from ..atomic import write_atomic
from ..errors import NaravardError
from ..metrics import PROPERTIES
from ..network import GAP, ego_nodes, induced, network, region_subgraph
from ..project import Project
from ..stats import stats
from .layout import grouped_layout, layout
from .page import PREDICTED, page_data, page_name, page_names, render_page
from .shell import ASSETS, footer, render
from .sources import edge_evidence, source_pages
from .style import model_labels, style

#: Ego pages of hubs are cut to one step beyond this many nodes, to stay readable.
MAX_EGO_NODES = 250


def vis_assets() -> list[Path]:
    """vis-network's JS and CSS as bundled in the pyvis wheel (no CDN)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return [lib / "vis-network.min.js", lib / "vis-network.css"]


def swatch_css() -> str:
    """Stylesheet rules for the legend swatches of every class and relation in style.toml
    (`.swatch.cls-Board`, `.swatch.rel-gap` …; `cls-default`, `rel-default` for the rest), so pages
    colour swatches with classes, not inline style attributes.

    >>> ".swatch.rel-gap{" in swatch_css() and ".swatch.cls-default{" in swatch_css()
    True
    """
    rules = []
    for kind, prefix in (("class", "cls"), ("relation", "rel")):
        for name, look in [("default", style()["default"][kind]), *style()[kind].items()]:
            fill = "transparent" if kind == "relation" else look["color"]
            rules.append(f".swatch.{prefix}-{name}{{background:{fill};border-color:{look['color']}}}")
    return "\n".join(rules) + "\n"


def write_assets(out: Path) -> list[Path]:
    """Write `out`/assets/: vis-network's script, the page scripts, and the one stylesheet
    (vis-network's rules, graph/static/naravard.css and `swatch_css`); the files written."""
    dest = out / "assets"
    dest.mkdir(parents=True, exist_ok=True)
    js, vis_css = vis_assets()
    files = {src.name: src.read_bytes() for src in (js, ASSETS / "network.js", ASSETS / "source.js")}
    ours = (ASSETS / "naravard.css").read_bytes()
    files["naravard.css"] = vis_css.read_bytes() + b"\n" + ours + swatch_css().encode()
    for name, data in files.items():
        write_atomic(dest / name, data)
    return [dest / name for name in files]


def swatch(cls: str, label: str, dashed: bool = False) -> dict:
    """One legend entry for the index template: the swatch's CSS class (`cls-Board`, `rel-gap`; the
    default for a name style.toml does not know) and its label.

    >>> swatch("Board", "nämnd"), swatch("gap", "brist", dashed=True)["css"], swatch("New", "x")["css"]
    ({'css': 'swatch cls-Board', 'label': 'nämnd'}, 'swatch dashed rel-gap', 'swatch cls-default')
    """
    kind, prefix = ("relation", "rel") if dashed else ("class", "cls")
    name = cls if cls in style()[kind] else "default"
    return {"css": f"swatch{' dashed' if dashed else ''} {prefix}-{name}", "label": label}


class Site:
    """What the pages share: the network, region names and the set of pages."""

    def __init__(self, store: ox.Store, computed: list | None = None, project: Project | None = None):
        self.store = store
        self.project = project or Project.default()
        self.footer = footer(self.project)
        self.evidence = edge_evidence(store, project)
        self.g = network(store, project)
        self.computed = computed or []
        self.stats = stats(store, project)
        self.regions = {r["region"]: r for r in self.stats["regions"]}
        self.region_labels = {k: v["name"] for k, v in self.regions.items()}
        self.labels = model_labels(store)
        # nv:degree … → "grad" …, from the ontology, in the order of PROPERTIES
        self.figure_labels = {p: self.labels["figure"][p]["sv"] for p in PROPERTIES if p in self.labels["figure"]}
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
            evidence=self.evidence,
        )
        return render_page(data, title=title, subtitle=subtitle, footer=self.footer)

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
        """(path, HTML) of the overview page: counts per region and the legend, classes named by the ontology."""
        s = self.stats
        order = list(style()["class"])  # style.toml's order first (organisations, people, work), then the rest
        drawn = sorted(self.labels["class"], key=lambda c: (order.index(c) if c in order else len(order), c))
        sv = {c: v["sv"] for c, v in self.labels["class"].items()}
        return "index.html", render(
            "index.html",
            title="Styrningen av omställningen till god och nära vård",
            subtitle="En kunskapsgraf över regioner, nämnder, samverkansforum, projekt och planer, byggd ur "
            "fem källdokument. Varje fakta har sitt belägg: dokument och ordagrant citat.",
            stats=s,
            classes=[(sv.get(k.removeprefix("nv:"), k), v) for k, v in s["classes"].items()],
            legend=[swatch(c, self.labels["class"][c]["sv"]) for c in drawn],
            gap_legend=[
                swatch(GAP, self.labels["relation"].get(GAP, {}).get("sv", GAP), dashed=True),
                swatch("predicted", PREDICTED["sv"], dashed=True),
            ],
            footer=self.footer,
        )


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
    if everything:
        jobs += [lambda p=p: p for p in source_pages(store, site.project, site.footer)]
        jobs.append(lambda: ("sparql.html", render("sparql.html", title="SPARQL-frågesida", footer=site.footer)))
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
