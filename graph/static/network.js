// The network pages (graph/viz/network.html): a vis-network drawing of the page's JSON block
// (#graph-data), its filters, search and details panel. Every label goes in with textContent.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("graph-data").textContent);
  const base = data.base;
  const classStyle = data.classes, relStyle = data.relations, typeNames = data.structureTypes, levelNames = data.levels;
  const byId = new Map(data.nodes.map(n => [n.id, n]));
  const tr = window.naravardLang ? window.naravardLang.t : s => s;  // hook: the English switch (lang.js)

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function pageOf(n) { return n && n.page ? base + n.page : null; }
  function evidenceBlock(parent, quote, document_, href) {
    if (!quote) return;
    const q = el("blockquote", "«" + quote + "»");
    parent.appendChild(q);
    if (!document_) return;
    const doc = el("p", null, "doc");
    if (href) { const a = el("a", document_); a.href = base + href; doc.appendChild(a); } else doc.textContent = document_;
    parent.appendChild(doc);
  }
  // Every quote of a relation, each with its own document and a link to its line in the source text.
  // e.evidence: [quote, index into data.documents, line, last line]; the lines link to the source text's page.
  function evidenceList(parent, e) {
    if (!e.evidence) { evidenceBlock(parent, e.quote, e.document); return; }
    e.evidence.forEach(([quote, i, line, end]) => {
      const d = data.documents[i];
      const lines = line ? "#L" + line + (end > line ? "-L" + end : "") : "";
      const href = d.page ? d.page + lines : null;
      evidenceBlock(parent, quote, (d.kind ? d.kind + ": " : "") + d.cited + (line ? tr(", rad ") + line : ""), href);
    });
  }
  // A stated gap: its kind and what the source says is missing (the quotes follow, with source kind and date).
  function gapLine(parent, e) {
    if (e.summary) parent.appendChild(el("div", (e.gapKind ? e.gapKind + ": " : "") + e.summary, "meta gap-summary"));
  }
  // Class, region and side; then structure types and levels, all named by the ontology.
  function meta(n) {
    return (classStyle[n.cls] ? classStyle[n.cls].label : n.cls) + (n.regionLabel ? " · " + n.regionLabel : "") + (n.sideLabel ? " · " + n.sideLabel : "");
  }
  function kinds(n) {
    return [...n.structureTypes.map(t => (typeNames[t] || {}).label || t), ...n.levels.map(v => (levelNames[v] || {}).label || v)].join(", ");
  }
  function nodeTitle(n) {
    const box = el("div", null, "tip");
    box.appendChild(el("strong", n.label));
    box.appendChild(el("div", meta(n), "meta"));
    if (kinds(n)) box.appendChild(el("div", kinds(n), "meta"));
    if (n.acronyms && n.acronyms.length) box.appendChild(el("div", n.acronyms.join(", "), "meta"));
    evidenceList(box, n.evidence ? {evidence: n.evidence.slice(0, 1)} : n);  // the first quote
    return box;
  }
  // The actors of an edge: its two ends, and for a stated gap between more actors the rest (e.also).
  const actorsOf = e => [e.from, e.to, ...(e.also || [])];
  const nameOf = id => (byId.get(id) || {label: id}).label;
  const relName = kind => (relStyle[kind] ? relStyle[kind].label : kind);
  // "A — relation — B", or for a gap between several actors "relation: A, B, C"
  const edgeHeading = e => (e.also ? relName(e.kind) + ": " + actorsOf(e).map(nameOf).join(", ")
    : nameOf(e.from) + " — " + relName(e.kind) + " — " + nameOf(e.to));
  // An actor's name, a link to its page where it has one.
  function actorLink(id) {
    const target = pageOf(byId.get(id)), name = el(target ? "a" : "span", nameOf(id));
    if (target) name.href = target;
    return name;
  }
  function edgeTitle(e) {
    const box = el("div", null, "tip");
    box.appendChild(el("strong", edgeHeading(e)));
    if (e.explanation) box.appendChild(el("div", e.explanation, "meta"));
    gapLine(box, e);
    evidenceList(box, e);
    return box;
  }

  const maxDeg = Math.max(1, ...data.nodes.map(n => n.degree));
  // One page node (or a municipality shown on demand, diagram.js) as vis-network draws it.
  function visNode(n) {
    const s = classStyle[n.cls] || {color: "#888", shape: "dot"};
    const v = {id: n.id, label: n.label.length > 40 ? n.label.slice(0, 38) + "…" : n.label,
      title: nodeTitle(n), shape: s.shape, color: {background: s.color, border: "#333",
      highlight: {background: s.color, border: "#000"}}, value: 1 + n.degree, cls: n.cls,
      font: {size: 12 + Math.round(10 * n.degree / maxDeg)}};
    if (n.x !== undefined) { v.x = n.x; v.y = n.y; }
    if (n.id === data.focus) { v.borderWidth = 4; v.color.border = "#000"; }
    return v;
  }
  function visEdge(e) {
    const s = relStyle[e.kind] || {color: "#999"};
    return {id: e.id, from: e.from, to: e.to, kind: e.kind, title: edgeTitle(e),
      color: {color: s.color, highlight: s.color}, dashes: s.dashes || false,
      width: s.width || ((e.kind === "gap" || e.kind === "predicted") ? 3 : 1.5),
      arrows: s.arrows ? {to: {enabled: true, scaleFactor: s.width ? 0.8 : 0.5}} : undefined};
  }
  // A stated gap between more than two actors is one finding: drawn as a small diamond in the gap's
  // colour (a "hub", amid its actors) joined to each of them, not as an edge per pair.
  const hubs = new Map(data.edges.filter(e => e.also).map(e => ["hub:" + e.id, e]));
  function visHub([id, e]) {
    const s = relStyle[e.kind] || {color: "#999"};
    const v = {id, hub: e.id, label: "", shape: "diamond", size: 9, title: edgeTitle(e), font: {size: 12},
      color: {background: s.color, border: s.color, highlight: {background: s.color, border: "#000"}}};
    const at = actorsOf(e).map(a => byId.get(a)).filter(n => n && n.x !== undefined);
    if (at.length) {
      v.x = at.reduce((x, n) => x + n.x, 0) / at.length;
      v.y = at.reduce((y, n) => y + n.y, 0) / at.length;
    }
    return v;
  }
  const visEdges = e => (e.also
    ? actorsOf(e).map((a, j) => ({...visEdge(e), id: e.id + "~" + j, from: "hub:" + e.id, to: a, finding: e.id, arrows: undefined}))
    : [visEdge(e)]);
  const nodes = new vis.DataSet([...data.nodes.map(visNode), ...[...hubs].map(visHub)]);
  const edges = new vis.DataSet(data.edges.flatMap(visEdges));
  // The governance diagram, the level filter, highlight, Fit/Reset and the municipalities on demand (diagram.js).
  const scaling = {min: 8, max: 40};  // node sizes by degree (the diagram draws them smaller)
  const view = window.naravardDiagram(data, {nodes, edges, byId, el, visNode, visEdge, scaling, hubs, actorsOf});

  const shownClasses = new Set(Object.keys(classStyle));
  const shownTypes = new Set(Object.keys(typeNames));
  const shownRelations = new Set(Object.keys(relStyle));
  // A node shows when its class is shown, if it has structure types one of them is, and its level is (diagram.js).
  const nodeShown = n => shownClasses.has(n.cls) && view.shown(n)
    && (!n.structureTypes.length || n.structureTypes.some(t => shownTypes.has(t)));
  // Hook for other page scripts (graph/static/timeline.js, the region pages' source switch): extra tests
  // a node or an edge must also pass to be shown, functions of its id in filters.node / filters.edge
  // (window.naravard.filters); call naravard.refresh() after changing them.
  const filters = {node: [], edge: []};
  const passes = (kind, id) => filters[kind].every(f => f(id));
  const actorShown = id => byId.has(id) && nodeShown(byId.get(id)) && passes("node", id);
  // a gap's hub shows with the gaps, while two or more of its actors do
  const hubShown = e => shownRelations.has(e.kind) && passes("edge", e.id) && actorsOf(e).filter(actorShown).length > 1;
  const nodesView = new vis.DataView(nodes, {filter: v => (v.hub ? hubShown(hubs.get(v.id)) : actorShown(v.id))});
  const edgesView = new vis.DataView(edges, {filter: e => shownRelations.has(e.kind) && passes("edge", e.finding || e.id)});

  const physics = !data.layout;
  const network = new vis.Network(document.getElementById("network"), {nodes: nodesView, edges: edgesView}, {
    nodes: {scaling: view.sizes(), borderWidth: 1},
    edges: {smooth: false, selectionWidth: 2},
    interaction: {hover: true, tooltipDelay: 120, navigationButtons: false, keyboard: {enabled: true, bindToWindow: false}},
    physics: {enabled: physics, stabilization: {iterations: 300}, barnesHut: {gravitationalConstant: -4000, springLength: 120}},
    layout: {improvedLayout: data.nodes.length < 150}
  });
  let stabilized = !physics;
  network.once("stabilized", () => { stabilized = true; network.setOptions({physics: false}); });
  network.once("afterDrawing", () => { if (!physics) stabilized = true; });

  // Legend and filters, built from the classes, structure types and relations present on this page.
  function addFilter(container, key, label, color, set, dashed) {
    const lab = el("label");
    const box = el("input"); box.type = "checkbox"; box.checked = true; box.dataset.key = key;
    box.addEventListener("change", () => {
      if (box.checked) set.add(key); else set.delete(key);
      nodesView.refresh(); edgesView.refresh();
      view.refit();
    });
    lab.append(box);
    if (color) {
      const swatch = el("span", null, dashed ? "swatch dashed" : "swatch");
      swatch.style.borderColor = color; swatch.style.background = dashed ? "transparent" : color;
      lab.append(swatch);
    }
    lab.append(document.createTextNode(" " + label));
    container.appendChild(lab);
  }
  const presentClasses = [...new Set(data.nodes.map(n => n.cls))];
  const presentRelations = [...new Set(data.edges.map(e => e.kind))].filter(k => k !== "gap" && k !== "predicted");
  const classBox = document.getElementById("class-filters");
  presentClasses.forEach(c => addFilter(classBox, c, (classStyle[c] || {}).label || c, (classStyle[c] || {}).color || "#888", shownClasses, false));
  const typeBox = document.getElementById("type-filters");
  Object.keys(typeNames).forEach(t => addFilter(typeBox, t, typeNames[t].label, null, shownTypes, false));
  if (!Object.keys(typeNames).length) typeBox.hidden = true;
  const relBox = document.getElementById("relation-filters");
  presentRelations.forEach(r => addFilter(relBox, r, (relStyle[r] || {}).label || r, (relStyle[r] || {}).color || "#999", shownRelations, !!(relStyle[r] || {}).dashes));

  function toggle(id, kind) {
    const box = document.getElementById(id);
    const present = data.edges.some(e => e.kind === kind);
    if (!present) { box.disabled = true; box.parentElement.classList.add("absent"); }
    box.addEventListener("change", () => {
      if (box.checked) shownRelations.add(kind); else shownRelations.delete(kind);
      nodesView.refresh(); edgesView.refresh();  // the gaps' hubs too
    });
  }
  toggle("toggle-gaps", "gap");
  toggle("toggle-computed", "predicted");

  // Side panel: the actor's relations, each with its evidence, and links to pages.
  const details = document.getElementById("details");
  // A gap's hub: the finding, its actors (each a link to its page) and every quote.
  function showFinding(e) {
    details.replaceChildren(el("h2", relName(e.kind)));
    gapLine(details, e);
    details.appendChild(el("h3", tr("Aktörer")));
    const list = el("ul", null, "relations");
    actorsOf(e).forEach(a => { const li = el("li"); li.appendChild(actorLink(a)); list.appendChild(li); });
    details.appendChild(list);
    evidenceList(details, e);
  }
  function showDetails(id) {
    if (hubs.has(id)) { showFinding(hubs.get(id)); return; }
    const n = byId.get(id);
    if (!n) return;
    details.replaceChildren(el("h2", n.label));
    details.appendChild(el("p", meta(n), "meta"));
    if (kinds(n)) details.appendChild(el("p", kinds(n), "meta"));
    if (n.acronyms && n.acronyms.length) details.appendChild(el("p", tr("Även: ") + n.acronyms.join(", "), "meta"));
    // network figures computed at build time (degree, betweenness, community), named by the ontology
    const figure = v => Number.isInteger(v) ? String(v) : v.toPrecision(3);
    const figures = Object.entries(data.figureLabels).filter(([k]) => k in n.figures)
      .map(([k, label]) => label + ": " + figure(n.figures[k]));
    if (figures.length) details.appendChild(el("p", figures.join(" · "), "meta figures"));
    const own = pageOf(n);
    if (own && !data.selfPage.includes(n.page)) {
      const a = el("a", tr("Öppna aktörens sida")); a.href = own; details.appendChild(a);
    }
    evidenceList(details, n);  // every quote, each linked to its line in the source text
    const list = el("ul", null, "relations");
    data.edges.filter(e => actorsOf(e).includes(id)).forEach(e => {
      const li = el("li");
      const rel = relName(e.kind);
      // Outgoing: "member of → Forum"; incoming: "Municipality → member of (this)"; a gap between
      // several actors: "gap: A, B, C" (the others).
      if (e.also) {
        li.append(el("span", rel + ": ", "rel"));
        actorsOf(e).filter(a => a !== id).forEach((a, j) => li.append(...(j ? [", "] : []), actorLink(a)));
      } else if (e.from === id) li.append(el("span", rel + " → ", "rel"), actorLink(e.to));
      else li.append(actorLink(e.from), el("span", " → " + rel + tr(" (denna)"), "rel"));
      if (e.explanation) li.appendChild(el("div", e.explanation, "meta"));
      gapLine(li, e);
      evidenceList(li, e);
      list.appendChild(li);
    });
    details.appendChild(el("h3", tr("Relationer")));
    details.appendChild(list);
    view.details(n, details);  // "länets kommuner": the button that shows its municipalities
  }
  network.on("click", params => { if (params.nodes.length) showDetails(params.nodes[0]); });

  // Search: graph/static/search.js (over the actors of all pages).
  const names = document.getElementById("names");
  // the region's municipalities too (diagram.js), shown when found; the search itself is search.js
  data.nodes.concat(view.members).forEach(n => { const o = el("option"); o.value = n.label; names.appendChild(o); });

  // hooks for search.js, table.js and state.js: select a node, or clear the selection and the details panel
  const hint = [...details.childNodes].map(c => c.cloneNode(true));
  const clear = () => { network.unselectAll(); details.replaceChildren(...hint.map(c => c.cloneNode(true))); };
  if (data.focus && byId.has(data.focus)) { network.selectNodes([data.focus]); showDetails(data.focus); }
  const select = id => { network.selectNodes([id]); showDetails(id); };
  // Filters reset by the Reset button: every box ticked again (the level boxes are diagram.js's own).
  function resetFilters() {
    document.querySelectorAll("#class-filters input, #type-filters input, #relation-filters input").forEach(box => {
      if (!box.checked) { box.checked = true; box.dispatchEvent(new Event("change")); }
    });
  }
  view.attach(network, {nodesView, edgesView, resetFilters});
  const refresh = () => { nodesView.refresh(); edgesView.refresh(); };
  // What is drawn in the page's own terms: the actors shown (not the gaps' hubs), and the relations and
  // findings shown (ids of data.edges: a gap's hub and spokes count once).
  const shownActors = () => nodesView.getIds().filter(id => !hubs.has(id));
  const shownEdges = () => [...new Set(edgesView.get().map(e => e.finding || e.id))];
  window.naravard = {network, nodes, edges, nodesView, edgesView, data, select, clear, view,
    isStabilized: () => stabilized, filters, refresh, evidenceList, actorsOf, edgeHeading, shownActors, shownEdges};
})();
