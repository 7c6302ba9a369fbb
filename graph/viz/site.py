"""Write the network pages: index, the national map, the all-actor network, one page per region and per actor.

Every page links to shared, vendored assets in output/assets/ (vis-network from the
pyvis wheel), so the pages work from disk with no network.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from ..atomic import write_atomic
from ..errors import NaravardError
from ..gaps.compare import structure_matrix
from ..memo import Memo, Previous, digest
from ..metrics import PROPERTIES
from ..namespaces import shorten
from ..network import GAP, ego_nodes, induced, network, region_members, region_nodes
from ..parallel import fork_map
from ..project import Project
from ..queries import rows
from ..stats import stats
from .diagram import diagram_data, diagram_model
from .layout import LABEL_UNITS, UNIT, cluster_layout, layout
from .page import PREDICTED, page_data, page_name, page_names, render_page, script_json
from .shell import ASSETS, page_footer, render, stamp
from .sources import edge_evidence, edge_quotes, node_evidence, node_time, source_pages
from .style import model_labels, style

#: Ego pages of hubs are cut to one step beyond this many nodes, to stay readable.
MAX_EGO_NODES = 250

#: The national map's colour classes: `map-q0` for none, then MAP_STEPS - 1 steps up to the largest
#: value (colours in naravard.css).
MAP_STEPS = 5

#: The national pages: the map of the regions (the country's page) and the network of all actors.
MAP_PAGE, NETWORK_PAGE = "national.html", "national-network.html"


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


#: The pages' scripts in graph/static/, copied to output/assets/ (network.html loads all but source.js).
#: The page scripts (graph/static/), copied once to assets/ and shared by every page.
PAGE_SCRIPTS = (
    *("unpack.js", "lang.js", "diagram.js", "network.js", "timeline.js", "clusters.js"),
    *("state.js", "search.js", "table.js", "source.js", "map.js"),
)


def write_assets(out: Path, previous: Previous | None = None) -> list[Path]:
    """Write `out`/assets/: vis-network's script, the page scripts, and the one stylesheet
    (vis-network's rules, graph/static/naravard.css and `swatch_css`); the files written (those the
    `previous` build has with the same bytes linked from it)."""
    dest = out / "assets"
    dest.mkdir(parents=True, exist_ok=True)
    js, vis_css = vis_assets()
    files = {src.name: src.read_bytes() for src in (js, *(ASSETS / name for name in PAGE_SCRIPTS))}
    ours = (ASSETS / "naravard.css").read_bytes()
    files["naravard.css"] = vis_css.read_bytes() + b"\n" + ours + swatch_css().encode()
    previous = previous or Previous(None)
    for name, data in files.items():
        previous.write(out, f"assets/{name}", data)
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


def colour_class(value: int, top: int) -> int:
    """The map colour class (0 … MAP_STEPS - 1) of a count `value` when the largest count is `top`:
    0 for none, the others in equal steps of the range 1 … `top`.

    >>> [colour_class(v, 11) for v in (0, 1, 4, 8, 11)], [colour_class(v, 1) for v in (0, 1)]
    ([0, 1, 2, 3, 4], [0, 1])
    """
    return 0 if value <= 0 else 1 + (value - 1) * (MAP_STEPS - 1) // max(1, top)


def colour_legend(top: int) -> list[dict]:
    """The map legend when the largest count is `top`: each colour class used, with the counts it holds
    (`0`, `1`, `2–3` …).

    >>> colour_legend(1), [k["label"] for k in colour_legend(11)]
    ([{'css': 'map-q0', 'label': '0'}, {'css': 'map-q1', 'label': '1'}], ['0', '1–3', '4–6', '7–9', '10–11'])
    """
    held: dict[int, list[int]] = {}
    for v in range(top + 1):
        held.setdefault(colour_class(v, top), []).append(v)
    return [
        {"css": f"map-q{c}", "label": str(vs[0]) if len(vs) == 1 else f"{vs[0]}–{vs[-1]}"} for c, vs in held.items()
    ]


def county_map(project: Project) -> dict:
    """data/reference/regions-map.json (made by `make reference`): the counties' SVG paths by SCB code,
    the viewBox and a centre point per county."""
    path = project.data_dir / "reference" / "regions-map.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        reason = e.strerror if isinstance(e, OSError) else str(e)
        where = project.relative(path)
        raise NaravardError(f"{where}: cannot read the county map ({reason}); `make reference` writes it") from e


def region_indicators(store: ox.Store, project: Project) -> tuple[dict[str, str], list[dict]]:
    """The national map's indicators from the library query `region-indicators`: each region's SCB county
    code, and the indicators in the query's order, each {"key", "label", "labelEn", "values": {region: count}}
    (labels from the model)."""
    codes: dict[str, str] = {}
    out: dict[str, dict] = {}
    for r in rows(store, "region-indicators", project):
        key, region = shorten(r["indicator"]), shorten(r["region"])
        codes[region] = r["code"]
        entry = out.setdefault(
            key, {"key": key, "label": r["label"] or key, "labelEn": r["labelEn"] or key, "values": {}}
        )
        entry["values"][region] = int(r["value"])
    return codes, list(out.values())


#: The page templates: part of every page's inputs (`Site.page_key`).
TEMPLATES = Path(__file__).parent


def _json(value) -> str:
    """`value` as JSON in its own order (sets and other values by repr), for digests."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=repr)


class Site:
    """What the pages share: the network, region names and the set of pages.

    Each region and actor page has a key (`page_key`): a digest of everything the page is drawn from (its
    nodes and edges with their attributes and quotes, in the network's order, the suggested links among
    them, what all pages share, the code and templates), computed without drawing it. `write_site` redraws
    a page only when its key is not the one the previous build recorded for the page it kept.
    """

    def __init__(
        self,
        store: ox.Store,
        computed: list | None = None,
        project: Project | None = None,
        memo: Memo | None = None,
        g: nx.MultiDiGraph | None = None,
    ):
        self.store = store
        self.project = project or Project.default()
        self.footer = page_footer()
        self.memo = memo or Memo()  # the pages' component layouts and where quotes end, shared
        self.evidence = edge_evidence(store, project, self.memo)
        self.node_evidence = node_evidence(store, project, self.memo)
        self.node_time = node_time(store, project)
        # each source's date by how quotes cite it, to order a region's sources (its timeline)
        self.source_dates = {r["cited"]: r["date"] or "" for r in rows(store, "source-documents", project)}
        self.g = g if g is not None else network(store, project)
        self.computed = computed or []
        self.computed_at: dict[str, list[int]] = {}  # node → the suggested links it is an end of (indexes)
        for j, c in enumerate(self.computed):
            for n in {c.a, c.b}:
                self.computed_at.setdefault(n, []).append(j)
        self._node_digests: dict[str, str] = {}
        self._edge_digests: dict[tuple[str, str], str] = {}
        self._order = {n: i for i, n in enumerate(self.g)}
        self._municipalities: dict[str, list[dict]] = {}  # `municipalities`, by region
        self.region_members = region_members(self.g)  # each region's own nodes, for its page
        self.stats = stats(store, project)
        self.regions = {r["region"]: r for r in self.stats["regions"]}
        self.region_labels = {k: v["name"] for k, v in self.regions.items()}
        self.labels = model_labels(store, self.project)
        self.diagram_model = diagram_model(store, self.project)  # region pages: sides as columns, levels as rows
        # nv:degree … → "grad" …, from the ontology, in the order of PROPERTIES
        figures = self.labels["figure"]
        self.figure_labels = {p: figures[p]["sv"] for p in PROPERTIES if p in figures}
        self.figure_labels_en = {p: figures[p]["en"] for p in PROPERTIES if p in figures}
        self.pages = set(page_names(self.g).values())
        self.pages |= {f"regions/{r.split(':', 1)[1]}.html" for r in self.regions}
        templates = hashlib.sha256()
        for path in sorted(TEMPLATES.glob("*.html")):
            templates.update(path.read_bytes())
        shared = (self.labels, self.figure_labels, self.figure_labels_en, self.footer, self.source_dates)
        self.shared = digest(_json([*shared, self.diagram_model, MAX_EGO_NODES, templates.hexdigest()]).encode())

    def node_digest(self, n: str) -> str:
        """A digest of what a page shows of node `n`: its attributes, quotes, time facts, whether it has a
        page, its region's name."""
        if n not in self._node_digests:
            d = self.g.nodes[n]
            shown = [n, d, self.node_evidence.get(n), self.node_time.get(n), page_name(n, d["cls"]) in self.pages]
            shown.append(self.region_labels.get(d.get("region", ""), ""))
            self._node_digests[n] = digest(_json(shown).encode())[:24]
        return self._node_digests[n]

    def edge_digest(self, s: str, t: str) -> str:
        """A digest of what a page shows of the edges from `s` to `t`: their keys, attributes and quotes."""
        if (s, t) not in self._edge_digests:
            quotes = self.evidence
            shown = [[k, d, edge_quotes(quotes, s, k, t, d.get("kind", k))] for k, d in self.g.succ[s][t].items()]
            self._edge_digests[s, t] = digest(_json([s, t, shown]).encode())[:24]
        return self._edge_digests[s, t]

    def links_at(self, nodes) -> list[int]:
        """The indexes (in `computed`) of the suggested links with an end among `nodes`, in order."""
        return sorted({j for n in nodes for j in self.computed_at.get(n, ())})

    def page_key(self, path: str, keep: set, *extra) -> str:
        """The memo key of the page at `path` drawing the subgraph on the nodes `keep` (`induced`), with
        `extra` (anything else the page shows): the nodes and the edges among them in the network's order
        with digests of what the page shows of each, the suggested links among them, what all pages share
        (`shared`: labels, footer, templates …) and the code (`Memo.key`)."""
        g, computed = self.g, self.computed
        nodes = sorted(keep, key=self._order.__getitem__)  # the network's order, as `induced` keeps it
        edges = [self.edge_digest(n, v) for n in nodes for v in g.succ[n] if v in keep]
        drawn = [(j, c.a, c.b, c.name, c.explanation, c.evidence) for j in self.links_at(nodes) for c in [computed[j]]]
        drawn = [x for x in drawn if x[1] in keep and x[2] in keep]
        parts = (path, self.shared, [self.node_digest(n) for n in nodes], edges, drawn, extra)
        return self.memo.key("page", digest(_json(parts).encode()))

    def render(
        self,
        sub: nx.MultiDiGraph,
        path: str,
        title: str,
        subtitle: str,
        positions=None,
        focus=None,
        diagram=None,
        timeline=None,
        clusters=None,
        related=(),
        english: dict | None = None,
    ) -> str:
        """The HTML of the page at `path` (relative to the output folder) drawing `sub` (with the
        governance `diagram` of a region page, `graph.viz.diagram.diagram_data`); `timeline` names the
        region whose sources the page can switch between (`page_data`); `clusters`, if given, are labels
        drawn over the network ({"size", "labels": [{"label", "x", "y", "align"}]}, clusters.js); `related`: the
        pages it links to beside the nav, (text, path relative to the output folder) each; with `focus`,
        outside the national network page, also that page with `focus` selected; `english`: `title_en`
        and `subtitle_en` (`render_page`)."""
        base = "../" * path.count("/")
        data = page_data(
            sub,
            title=title,
            positions=positions if positions is not None else layout(sub, memo=self.memo),
            focus=focus,
            base=base,
            self_page=path,
            region_labels=self.region_labels,
            labels=self.labels,
            computed={j: self.computed[j] for j in self.links_at(sub)},
            pages=self.pages,
            figure_labels=self.figure_labels,
            figure_labels_en=self.figure_labels_en,
            evidence=self.evidence,
            diagram=diagram,
            node_evidence=self.node_evidence,
            node_time=self.node_time,
            timeline={"region": timeline, "dates": self.source_dates} if timeline else None,
        )
        if clusters:
            data["clusters"] = clusters
        links = [{"text": text, "href": base + href} for text, href in related]
        national = f"{base}{NETWORK_PAGE}#n={focus}" if focus and path != NETWORK_PAGE else ""
        return render_page(
            data, title=title, subtitle=subtitle, footer=self.footer, related=links, national=national, english=english
        )

    def search_index(self) -> str:
        """A script that sets `window.naravardIndex`, the one search index of every page
        (graph/static/search.js): `regions`, the regions' names, and `actors`, one row per node:
        [IRI, label, acronyms joined by "|", index into `regions` (-1 for none), its page], the page ""
        where it is actors/ and the IRI's local name (most of them: the index stays small)."""
        regions = sorted(self.region_labels)
        where = {r: i for i, r in enumerate(regions)}
        actors = []
        for n, d in self.g.nodes(data=True):
            page = page_name(n, d["cls"])
            short = "" if page == f"actors/{n.split(':', 1)[1]}.html" else page
            actors.append([n, d["label"], "|".join(d.get("acronyms", [])), where.get(d.get("region"), -1), short])
        index = {"regions": [self.region_labels[r] for r in regions], "actors": actors}
        return f"window.naravardIndex={script_json(index)};\n"

    def write_search_index(self, out: Path) -> Path:
        """Write `search_index` to `out`/assets/search-index.js, which every network page loads."""
        write_atomic(out / "assets" / "search-index.js", self.search_index())
        return out / "assets" / "search-index.js"

    def region_page(self, region: str) -> tuple[str, str]:
        """(path, HTML) of the page of `region` (`nvr:…`); an unknown region is an error naming the known ones."""
        path, _, make = self.region_job(region)
        return path, stamp(make())

    def region_job(self, region: str) -> tuple[str, str, Callable[[], str]]:
        """(path, key, draw) of the page of `region`: `draw()` gives its HTML before `stamp`, `key` is
        `page_key` (known without drawing the page)."""
        if region not in self.regions:
            raise NaravardError(
                f"unknown region {region!r}; regions: {', '.join(sorted(r.split(':')[1] for r in self.regions))}"
            )
        slug = region.split(":", 1)[1]
        keep = region_nodes(self.g, region, self.region_members)
        members = self.municipalities(region)
        r = self.regions[region]
        key = self.page_key(f"regions/{slug}.html", keep, r, members)
        return f"regions/{slug}.html", key, lambda: self._region_html(region, slug, keep, members)

    def _region_html(self, region: str, slug: str, keep: set, members: list) -> str:
        sub = induced(self.g, keep, self._order)
        r = self.regions[region]
        subtitle = (
            f"{r['bodies']} organ, {r['forums']} samverkansforum, {r['projects']} projekt, "
            f"{r['plans']} planer, {r['gaps']} brister ur källorna"
        )
        diagram = diagram_data(sub, self.diagram_model, self.labels, members)
        subtitle_en = (
            f"{r['bodies']} bodies, {r['forums']} collaboration forums, {r['projects']} projects, "
            f"{r['plans']} plans, {r['gaps']} gaps stated in the sources"
        )
        return self.render(
            sub,
            f"regions/{slug}.html",
            r["name"],
            subtitle,
            focus=region if region in sub else None,
            diagram=diagram,
            timeline=region,
            english={"subtitle_en": subtitle_en},
        )

    def actor_page(self, node: str) -> tuple[str, str]:
        """(path, HTML) of the page of actor `node` (`nvr:…`): its neighbourhood in two steps (one for hubs)."""
        path, _, make = self.actor_job(node)
        return path, stamp(make())

    def actor_job(self, node: str) -> tuple[str, str, Callable[[], str]]:
        """(path, key, draw) of the page of actor `node`, as `region_job`."""
        if node not in self.g:
            raise NaravardError(f"unknown actor {node!r}; `naravard query find-actor --param name=…` finds IRIs")
        keep = ego_nodes(self.g, node, 2, limit=MAX_EGO_NODES) or ego_nodes(self.g, node, 1)
        path = page_name(node, self.g.nodes[node]["cls"])
        return path, self.page_key(path, keep, node), lambda: self._actor_html(node, path, keep)

    def _actor_html(self, node: str, path: str, keep: set) -> str:
        d = self.g.nodes[node]
        sub = induced(self.g, keep, self._order)
        cls_label = self.labels["class"].get(d["cls"], {}).get("sv", d["cls"])
        in_region = " · " + self.region_labels.get(d["region"], "") if d.get("region") else ""
        subtitle = f"{cls_label}{in_region} — grannskap i två steg"
        cls_en = self.labels["class"].get(d["cls"], {}).get("en", d["cls"])
        english = {"subtitle_en": f"{cls_en}{in_region} — neighbourhood in two steps"}
        region = d.get("region")  # its region's page with it selected (`#n=` in the address, graph/static/state.js)
        related = [(self.region_labels[region], f"regions/{region.split(':', 1)[1]}.html#n={node}")] if region else []
        return self.render(sub, path, d["label"], subtitle, focus=node, related=related, english=english)

    def map_page(self) -> tuple[str, str]:
        """(path, HTML) of the country's page: the 21 regions on a map (data/reference/regions-map.json),
        coloured by the indicator the reader picks (`region_indicators`), each a link to its region's page,
        and the region × structure matrix (`structure_matrix`) as a sortable table beside it."""
        shape = county_map(self.project)
        codes, found = self.indicators
        regions = sorted(self.regions, key=lambda r: codes.get(r, ""))
        missing = [r for r in regions if codes.get(r) not in shape["counties"]]
        if missing:
            raise NaravardError(f"the county map has no county for {', '.join(missing)}; run `make reference`")
        indicators = []
        for ind in found:
            top = max(ind["values"].values(), default=0)
            values = [ind["values"].get(r, 0) for r in regions]
            indicators.append(
                {
                    "label": ind["label"],
                    "labelEn": ind["labelEn"],
                    "values": values,
                    "classes": [f"map-q{colour_class(v, top)}" for v in values],
                    "legend": colour_legend(top),
                }
            )
        first = indicators[0]
        counties = [
            {
                "code": codes[r],
                "name": self.region_labels[r],
                "href": page_name(r, "Region"),
                "d": shape["counties"][codes[r]]["d"],
                "css": first["classes"][i],
                "value": first["values"][i],
            }
            for i, r in enumerate(regions)
        ]
        m = self.matrix
        types = list(m.type_names)
        table = [
            {"name": m.region_names[r], "href": page_name(r, "Region"), "counts": [m.cells[r].get(t, 0) for t in types]}
            for r in sorted(m.cells, key=lambda r: m.region_names[r])
        ]
        return MAP_PAGE, render(
            "map.html",
            title=f"Hela landet: {len(regions)} regioner",
            subtitle="Regionerna på kartan, färgade efter det mått du väljer; klicka på en region för dess sida.",
            view_box=shape["viewBox"],
            source=shape["source"],
            counties=counties,
            indicators=indicators,
            types=[(m.type_names_sv.get(t, m.type_names[t]), m.type_names[t]) for t in types],  # Swedish, English
            table=table,
            network_page=NETWORK_PAGE,
            data_json=script_json({"indicators": indicators}),
            footer=self.footer,
        )

    def network_page(self) -> tuple[str, str]:
        """(path, HTML) of the all-actor network: each region's actors in a cluster around its region node,
        the clusters on a ring in map order (`cluster_layout`), the national actors in the middle."""
        shape = county_map(self.project)["counties"]
        codes, _ = self.indicators
        centres = {r: (shape[c]["x"], shape[c]["y"]) for r, c in codes.items() if c in shape}
        group = {n: d.get("region") for n, d in self.g.nodes(data=True)}
        pos = cluster_layout(self.g, group, centres, self.region_labels, memo=self.memo)
        members: dict[str, list] = {}
        for n, r in group.items():
            if r in self.region_labels:
                members.setdefault(r, []).append(pos[n])
        labels = []  # each region's name above its cluster, towards the middle (not off the drawing's edge)
        reach = max((abs(p[0]) for ps in members.values() for p in ps), default=0.0)
        for r, ps in members.items():
            left, right = min(p[0] for p in ps), max(p[0] for p in ps)
            middle = (left + right) / 2
            align = "center" if abs(middle) < reach / 2 else "left" if middle < 0 else "right"
            x = {"center": middle, "left": left, "right": right}[align]
            y = min(p[1] for p in ps) - UNIT / 2
            labels.append({"label": self.region_labels[r], "x": round(x, 1), "y": round(y, 1), "align": align})
        return NETWORK_PAGE, self.render(
            self.g,
            NETWORK_PAGE,
            "Hela landet: alla aktörer",
            f"{self.g.number_of_nodes()} aktörer och {self.g.number_of_edges()} relationer; varje region i en egen "
            "klunga kring sin region, i kartans ordning, de nationella aktörerna i mitten",
            positions=pos,
            clusters={"size": LABEL_UNITS, "labels": labels},
            english={
                "title_en": "Whole country: all actors",
                "subtitle_en": f"{self.g.number_of_nodes()} actors and {self.g.number_of_edges()} relations; each "
                "region a cluster around the region, in the map's order, the national actors in the middle",
            },
            related=[(self.region_labels[r], f"regions/{r.split(':', 1)[1]}.html") for r in sorted(self.regions)],
        )

    def municipalities(self, region: str) -> list[dict]:
        """The municipalities of `region` (the library query `region-municipalities`), for its page's diagram;
        kept, so that forked processes draw the pages of regions asked for before they forked without
        querying the store."""
        if region not in self._municipalities:
            found = rows(self.store, "region-municipalities", self.project, {"region": region})
            self._municipalities[region] = found
        return self._municipalities[region]

    @cached_property
    def indicators(self) -> tuple[dict[str, str], list[dict]]:
        """`region_indicators` of the store (the national pages')."""
        return region_indicators(self.store, self.project)

    @cached_property
    def matrix(self):
        """`structure_matrix` of the store (the country's page)."""
        return structure_matrix(self.store, self.project)

    def whole_pages(self) -> list[tuple[str, Callable[[], tuple[str, str]]]]:
        """(path, draw) of the pages drawn whole, not by key: the national network (the largest), the
        country's map and the index; `draw()` gives (path, HTML before `stamp`). What they read from the
        store is read here, so that a forked process may draw them without querying it."""
        _ = (self.indicators, self.matrix)
        return [(NETWORK_PAGE, self.network_page), (MAP_PAGE, self.map_page), ("index.html", self.index_page)]

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
    memo: Memo | None = None,
    previous: Path | None = None,
    g: nx.MultiDiGraph | None = None,
) -> list[Path]:
    """Write pages to `out` (default output/): everything, or only the named regions/actors.

    `progress`, if given, hears `pages n of N` while the pages are checked (their keys) and drawn (by
    forked processes: `graph.parallel.fork_map`), about every two seconds, and at the end; `memo`
    (`graph.memo.Memo`), if given, lends and keeps the layouts and each region and actor page's key
    (`Site.page_key`) with the SHA-256 of the page it drew (the build's, kept between builds). `previous`
    (the build output/ showed before): a region or actor page whose key is the one `memo` recorded and
    whose file `previous` holds as recorded is linked from it without being drawn; any other file the
    same as `previous` holds is linked too (`graph.memo.Previous`: same bytes, same time). `g`: the
    store's network (`graph.network.network`) when the caller has it."""
    out = out or project.output_dir
    site = Site(store, computed, project, memo, g)
    memo = site.memo
    before = Previous(previous)
    everything = regions is None and actors is None
    jobs = []
    whole = []  # (rel, draw) of the pages drawn whole (no key): `draw()` gives the HTML before `stamp`
    if everything:
        whole = [(rel, lambda page=page: page()[1]) for rel, page in site.whole_pages()]
        regions = list(site.regions)
        actors = [n for n, d in site.g.nodes(data=True) if d["cls"] != "Region"]
    for r in regions or []:  # unknown names are errors before anything is written
        if r not in site.regions:
            site.region_page(r)
    for a in actors or []:
        if a not in site.g:
            site.actor_page(a)
    written = write_assets(out, before)
    before.write(out, "assets/search-index.js", site.search_index())
    written.append(out / "assets" / "search-index.js")
    if everything:
        whole += source_pages(store, site.project, site.footer)
        whole.append(("sparql.html", lambda: render("sparql.html", title="SPARQL-frågesida", footer=site.footer)))
    for r in regions or []:
        site.municipalities(r)  # read now, not in the forks
        jobs.append(lambda r=r: site.region_job(r))
    for a in actors or []:
        jobs.append(lambda a=a: site.actor_job(a))
    # Each page is one job for the forks (`fork_map`), the largest first: the pages drawn whole (the national
    # pages and the source texts; kept where they come out as before), then the region and actor pages, each
    # of which works out its key (`Site.page_key`) and is linked from the previous build when that build drew
    # it from the same key, or else drawn. The forks share the keys' work too, not only the drawing.
    todo = [lambda rel=rel, draw=draw: (rel, None, draw) for rel, draw in whole] + jobs

    def page(job: Callable) -> tuple[str, str | None, str | None, dict | list]:  # in a forked process
        rel, key, draw = job()
        if key is not None:
            kept = memo.old.get(key) if key not in memo.used else memo.used[key]
            if isinstance(kept, dict) and before.reuse(out, rel, kept.get("sha")):
                return rel, key, None, [key, *kept.get("memo", [])]  # its layouts stay in the memo too
        text, keys = memo.recording(draw)
        data = stamp(text).encode("utf-8")
        before.write(out, rel, data)
        return rel, key, digest(data), {k: memo.used[k] for k in keys}  # what the memo should keep

    said = time.monotonic()
    for n, (rel, key, sha, kept) in enumerate(fork_map(page, todo), 1):
        if sha is None:
            memo.keep(kept)
        else:
            memo.used.update(kept)
            if key is not None:
                memo.put(key, {"sha": sha, "memo": sorted(kept)})
        written.append(out / rel)
        if progress and (n == len(todo) or time.monotonic() - said > 2):
            progress(f"pages {n} of {len(todo)}")
            said = time.monotonic()
    if progress and not todo:
        progress("pages 0 of 0")
    return written
