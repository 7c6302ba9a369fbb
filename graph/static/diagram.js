// The governance diagram of the region pages (graph/viz/diagram.py lays it out: the sides of the
// collaboration as columns, the levels as rows, both in the model's order), and what every network
// page gets with it: the switch to the free layout, the level filter, the highlight of a clicked
// node's neighbourhood, Fit and Reset, and the municipalities behind "länets kommuner", shown on
// demand. network.js calls window.naravardDiagram(data, helpers) before it draws, and .attach(network, …)
// once it has; every label goes in with textContent.
"use strict";
window.naravardDiagram = function (data, h) {
  const d = data.diagram || null;
  const FONT = 16;  // label size in the diagram, canvas px: the first view's scale makes it >= 12 screen px
  const LEGIBLE = 12;  // screen px a label has at the first view
  const DIM = 0.15;  // opacity of what a click leaves out of the neighbourhood
  const nodes = h.nodes, edges = h.edges;
  let network = null, hooks = null, mode = d ? "diagram" : "force";
  const dimmed = new Set();
  let lit = null;  // the clicked node whose neighbourhood is highlighted, or null

  // The municipalities of the region (the page's title) not on the page, as page nodes: found by the
  // search and added on demand.
  const members = d ? d.members.map(m => ({id: m.id, label: m.label, cls: m.cls, group: m.group, kind: m.kind,
    region: "", regionLabel: data.title, acronyms: [], sideLabel: "", sideLabelEn: "", structureTypes: [], levels: [],
    quote: "", document: "", degree: 0, page: null, figures: {}})) : [];
  const memberOf = new Map(members.map(m => [m.id, m]));
  const shownMembers = new Set();
  const force = new Map(data.nodes.filter(n => n.x !== undefined).map(n => [n.id, {x: n.x, y: n.y}]));
  const baseFont = new Map(nodes.get().map(v => [v.id, v.font]));

  // Where a node stands in the current view; a municipality shown on demand goes below the diagram,
  // in its group's column (diagram) or on a circle around its group (free layout).
  function where(id) {
    const hub = h.hubs && h.hubs.get(id);  // a gap between several actors: amid them
    if (hub) {
      const at = h.actorsOf(hub).map(where).filter(p => p);
      return at.length ? {x: at.reduce((x, p) => x + p.x, 0) / at.length, y: at.reduce((y, p) => y + p.y, 0) / at.length} : null;
    }
    const m = memberOf.get(id);
    if (mode === "diagram") {
      if (!m) return d.place[id] ? {x: d.place[id][0], y: d.place[id][1]} : null;
      const mine = members.filter(o => o.group === m.group), i = mine.indexOf(m);
      const group = d.place[m.group];  // the group's column (the last one if the group is not on the page)
      const col = d.columns[group ? group[3] : d.columns.length - 1], bottom = d.rows[d.rows.length - 1].y1;
      const [dx, dy] = d.step, across = Math.max(1, Math.floor((col.x1 - col.x0) / dx));
      return {x: col.x0 + dx / 2 + (i % across) * dx, y: bottom + dy + Math.floor(i / across) * dy};
    }
    if (!m) return force.get(id) || null;
    const g = force.get(m.group) || {x: 0, y: 0}, mine = members.filter(o => o.group === m.group);
    const a = 2 * Math.PI * mine.indexOf(m) / mine.length;
    return {x: g.x + 160 * Math.cos(a), y: g.y + 160 * Math.sin(a)};
  }
  function fontOf(id) {
    const f = mode === "diagram" ? {size: FONT} : (baseFont.get(id) || {size: 12});
    return dimmed.has(id) ? {...f, color: "rgba(26,26,26,0.25)"} : {...f, color: "#1a1a1a"};
  }
  function look(id) {
    return {id, ...where(id), font: fontOf(id), opacity: dimmed.has(id) ? DIM : 1,
      widthConstraint: mode === "diagram" ? {maximum: 150} : false};
  }
  // Node sizes by degree: smaller in the diagram, whose cells have room for one node each.
  const SIZES = {diagram: {min: 8, max: 18}, force: h.scaling};
  function place(next) {  // a switch of layout ends any highlight
    mode = next;
    dimmed.clear(); lit = null;
    if (network) network.setOptions({nodes: {scaling: SIZES[mode]}});  // before the update that applies it
    nodes.update(nodes.getIds().map(look));
    shade(null);
  }
  if (d) place("diagram");

  // The level filter: the diagram's rows, named by the model.
  const shownRows = new Set(d ? d.rows.map((r, i) => i) : []);
  function rowOf(n) {
    const id = memberOf.has(n.id) ? memberOf.get(n.id).group : n.id;
    return d && d.place[id] ? d.place[id][2] : null;
  }

  // A click on a node dims everything but it and its neighbours; a click on the background undims.
  function highlight(id) {
    lit = id;
    dimmed.clear();
    if (id !== null) {
      const near = new Set([id, ...network.getConnectedNodes(id)]);
      nodes.getIds().forEach(n => { if (!near.has(n)) dimmed.add(n); });
    }
    nodes.update(nodes.getIds().map(n => ({id: n, font: fontOf(n), opacity: dimmed.has(n) ? DIM : 1})));
    shade(id);
  }
  // Edge opacity: in the diagram the thick ones (preparation, steering, gaps: style.toml's width) stand
  // out and the rest recede; around a clicked node `id` only its own edges show.
  function shade(id) {
    const faint = e => mode === "diagram" && e.width < 3;
    const opacity = e => (id !== null && e.from !== id && e.to !== id ? DIM : faint(e) ? 0.45 : 1);
    edges.update(edges.get().map(e => ({id: e.id, color: {...e.color, opacity: opacity(e)}})));
  }

  // vis-network's fit() reads the nodes' boxes as last drawn (nodes off screen are not drawn): after a
  // switch of layout they are stale, so the view is fitted to the nodes' positions (ids: all shown).
  function fit(ids) {
    const pos = Object.values(network.getPositions(ids || hooks.nodesView.getIds()));
    if (!pos.length) return;
    const xs = pos.map(p => p.x), ys = pos.map(p => p.y), box = network.body.container;
    const x0 = Math.min(...xs) - 90, x1 = Math.max(...xs) + 90, y0 = Math.min(...ys) - 40, y1 = Math.max(...ys) + 60;
    const scale = Math.min(box.clientWidth / (x1 - x0), box.clientHeight / (y1 - y0), 1.5);
    network.moveTo({position: {x: (x0 + x1) / 2, y: (y0 + y1) / 2}, scale, animation: false});
  }
  // The first view: the whole drawing, or, where that makes labels too small to read, the diagram from
  // its top left corner (the political level of the region side) at a scale where they are legible.
  function firstView() {
    fit();
    if (mode !== "diagram" || network.getScale() * FONT >= LEGIBLE) return;
    const scale = LEGIBLE / FONT, box = network.body.container;
    const left = d.columns[0].x0 - 10, top = d.rows[0].y0 - 50;
    network.moveTo({position: {x: left + box.clientWidth / scale / 2, y: top + box.clientHeight / scale / 2},
      scale, animation: false});
  }
  function refit() { if (network) fit(); }

  function expand(group) {
    const mine = members.filter(m => m.group === group && !shownMembers.has(m.id));
    if (!mine.length) return;
    mine.forEach(m => {
      shownMembers.add(m.id);
      h.byId.set(m.id, m);
      data.edges.push({id: "m-" + m.id, from: m.id, to: group, kind: m.kind, quote: "", document: ""});
    });
    nodes.add(mine.map(m => ({...h.visNode(m), ...look(m.id)})));
    edges.add(mine.map(m => h.visEdge(data.edges.find(e => e.id === "m-" + m.id))));
    shade(lit);
  }

  // Drawn behind the nodes in the diagram: a band per level (its name at the left), the sides' names on top.
  function bands(ctx) {
    if (mode !== "diagram") return;
    const x0 = d.columns[0].x0, x1 = d.columns[d.columns.length - 1].x1;
    const y0 = d.rows[0].y0, y1 = d.rows[d.rows.length - 1].y1;
    ctx.save();
    d.rows.forEach((r, i) => {
      if (!shownRows.has(i)) return;
      ctx.fillStyle = i % 2 ? "#ffffff" : "#eef3f8";
      ctx.fillRect(x0, r.y0, x1 - x0, r.y1 - r.y0);
      ctx.fillStyle = "#1f4e79"; ctx.font = "bold 18px system-ui, sans-serif";
      ctx.fillText(r.label, x0 + 10, r.y0 + 22);
    });
    ctx.strokeStyle = "#c3ccd8"; ctx.lineWidth = 2;
    d.columns.forEach(c => {
      ctx.beginPath(); ctx.moveTo(c.x0, y0 - 40); ctx.lineTo(c.x0, y1); ctx.stroke();
      ctx.fillStyle = "#1f4e79"; ctx.font = "bold 24px system-ui, sans-serif";
      ctx.fillText(c.label, c.x0 + 10, y0 - 14);
    });
    ctx.restore();
  }

  const api = {
    members,
    mode: () => mode,
    // the node sizes of the first view: the network is made with them, so nothing is measured twice
    sizes: () => SIZES[mode],
    dimmed: () => [...dimmed],
    // whether the level filter shows `n` (a node of the page, or a municipality once shown)
    shown: n => (memberOf.has(n.id) ? shownMembers.has(n.id) : true)
      && (rowOf(n) === null || shownRows.has(rowOf(n))),
    refit,
    // a node found by the search: its level shown again; a municipality: its group's municipalities added first
    reveal(id) {
      if (memberOf.has(id)) expand(memberOf.get(id).group);
      const row = rowOf(h.byId.get(id) || {id});
      if (row === null || shownRows.has(row)) return;
      shownRows.add(row);
      document.querySelectorAll("#level-filters input")[row].checked = true;
      hooks.nodesView.refresh(); hooks.edgesView.refresh();
    },
    details(n, panel) {
      const mine = members.filter(m => m.group === n.id);
      if (!mine.length) return;
      const button = h.el("button", "Visa kommunerna (" + mine.length + ")");
      button.type = "button"; button.id = "show-members";
      button.disabled = mine.every(m => shownMembers.has(m.id));
      button.addEventListener("click", () => {
        expand(n.id); button.disabled = true;
        fit([n.id, ...mine.map(m => m.id)]);
      });
      panel.insertBefore(button, panel.querySelector("h3"));
    },
    attach(net, more) {
      network = net; hooks = more;
      network.on("beforeDrawing", bands);
      network.on("click", p => highlight(p.nodes.length ? p.nodes[0] : null));
      document.getElementById("view-fit").addEventListener("click", refit);
      document.getElementById("view-reset").addEventListener("click", () => {
        hooks.resetFilters();
        document.querySelectorAll("#level-filters input").forEach(b => { b.checked = true; });
        if (d) d.rows.forEach((r, i) => shownRows.add(i));
        hooks.nodesView.refresh(); hooks.edgesView.refresh();
        network.unselectAll(); highlight(null);
        firstView();
      });
      const switchBox = document.getElementById("view-switch"), levelBox = document.getElementById("level-filters");
      if (!d) { switchBox.hidden = true; levelBox.hidden = true; return; }
      switchBox.querySelectorAll("input").forEach(r => r.addEventListener("change", () => {
        if (r.checked) { place(r.value); firstView(); }
      }));
      d.rows.forEach((r, i) => {
        const lab = h.el("label"), box = h.el("input");
        box.type = "checkbox"; box.checked = true; box.dataset.key = r.key || "none";
        box.addEventListener("change", () => {
          if (box.checked) shownRows.add(i); else shownRows.delete(i);
          hooks.nodesView.refresh(); hooks.edgesView.refresh(); refit();
        });
        lab.append(box, document.createTextNode(" " + r.label));
        levelBox.appendChild(lab);
      });
      network.once("afterDrawing", firstView);
    },
  };
  return api;
};
