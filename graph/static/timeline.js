// The region pages' sources over time (graph/viz/network.html, after network.js): a source switch that
// shows only what one source evidences, and a "what changed" view between two sources of the region,
// ordered by the sources' dates (data.timeline: the region's documents and their dates, from the model).
// A node counts for a source when the source evidences it (node.sources) or one of its drawn relations
// (edge.evidence); computed suggestions belong to no source. "Ended" is only what the model says
// (node.ended: dissolved, an end date, a successor; edge.validUntil); an item the later source does not
// mention is listed as such, never as abolished. Every label goes in with textContent.
"use strict";
(function () {
  const nv = window.naravard;
  if (!nv || !nv.data.timeline) return;
  const data = nv.data, tl = data.timeline;
  const byId = new Map(data.nodes.map(n => [n.id, n]));
  const edgeById = new Map(data.edges.map(e => [e.id, e]));
  const box = document.getElementById("timeline");

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  const docName = i => { const d = data.documents[i]; return d.cited + (d.kind ? " – " + d.kind : ""); };

  // What each source evidences: its edges, and its nodes (their own evidence, or an evidenced relation's ends).
  const shown = new Map(tl.sources.map(i => [i, {nodes: new Set(), edges: new Set()}]));
  data.nodes.forEach(n => n.sources.forEach(i => { if (shown.has(i)) shown.get(i).nodes.add(n.id); }));
  data.edges.forEach(e => (e.evidence || []).forEach(([, i]) => {
    const s = shown.get(i);
    if (s) { s.edges.add(e.id); nv.actorsOf(e).forEach(n => s.nodes.add(n)); }
  }));

  // The one hook into network.js: while a source or a comparison is chosen, only its items pass.
  let chosen = null;  // null: every source; else the documents (indexes) whose items are shown
  const passes = kind => id => !chosen || chosen.some(i => shown.get(i)[kind].has(id));
  nv.filters.node.push(passes("nodes"));
  nv.filters.edge.push(passes("edges"));

  // The switch, the comparison's two sources, the legend of its colours, the status and the list.
  box.appendChild(el("legend", "Källor över tid"));
  const options = (select, first) => {
    if (first) { const o = el("option", first); o.value = ""; select.appendChild(o); }
    tl.sources.forEach(i => { const o = el("option", docName(i)); o.value = String(i); select.appendChild(o); });
  };
  const labelled = (id, text) => {
    const lab = el("label", text); lab.htmlFor = id; box.appendChild(lab);
    const s = el("select"); s.id = id; box.appendChild(s); return s;
  };
  const switcher = labelled("source-switch", "Källa");
  options(switcher, "alla");
  const from = labelled("compare-from", "Jämför källan");
  const to = labelled("compare-to", "med källan");
  options(from); options(to);
  from.value = String(tl.sources[0]); to.value = String(tl.sources[tl.sources.length - 1]);
  const row = el("div", null, "row");
  const go = el("button", "Visa ändringar"); go.type = "button"; go.id = "compare-go";
  const stop = el("button", "Avsluta jämförelse"); stop.type = "button"; stop.id = "compare-stop"; stop.hidden = true;
  row.append(go, stop); box.appendChild(row);
  const STATES = {
    appears: "finns bara i den senare källan", disappears: "nämns inte i den senare källan",
    ended: "upphört enligt källorna", changed: "ändrade relationer", same: "oförändrat"
  };
  const legend = el("div", null, "change-legend"); legend.hidden = true;
  const swatches = {}, keys = {};
  Object.keys(STATES).forEach(k => {
    const lab = el("span", null, "change-key");
    swatches[k] = el("span", null, "swatch change-" + k);
    keys[k] = document.createTextNode(" " + STATES[k]);
    lab.append(swatches[k], keys[k]);
    legend.appendChild(lab);
  });
  box.appendChild(legend);
  const status = el("p", null, "meta"); status.id = "timeline-status"; status.setAttribute("role", "status");
  box.appendChild(status);
  // The list of changes goes to the details panel (wider, where quotes are read); a node's details replace it.
  const list = el("div"); list.id = "changes";
  const details = document.getElementById("details");
  box.hidden = false;

  // Colours of the comparison, read from the stylesheet's legend swatches (naravard.css); the drawing's
  // own colours come back when it ends.
  const original = {nodes: new Map(nv.nodes.get().map(n => [n.id, n.color])), edges: new Map(nv.edges.get().map(e => [e.id, e.color]))};
  function paint(states) {
    const colour = {};
    Object.keys(swatches).forEach(k => { colour[k] = getComputedStyle(swatches[k]).backgroundColor; });
    nv.nodes.update(nv.nodes.get().map(n => {
      const c = states ? colour[states.nodes.get(n.id) || "same"] : null;
      return {id: n.id, color: c ? {background: c, border: "#333", highlight: {background: c, border: "#000"}} : original.nodes.get(n.id)};
    }));
    nv.edges.update(nv.edges.get().map(e => {
      const c = states ? colour[states.edges.get(e.id) || "same"] : null;
      return {id: e.id, color: c ? {color: c, highlight: c} : original.edges.get(e.id)};
    }));
  }

  function report() {
    status.textContent = "Visar " + nv.shownActors().length + " av " + data.nodes.length + " noder och " +
      nv.shownEdges().length + " av " + data.edges.length + " relationer.";
  }
  function choose(docs, states) {
    chosen = docs;
    paint(states);
    nv.refresh();
    report();
  }

  // The comparison of source a (earlier) with b (later, or of the same date): each node and edge drawn by
  // either is new (only in b), not mentioned by b (only in a), ended (the model says so), changed (a node
  // both describe whose relations differ between them) or the same.
  function compare(a, b) {
    const A = shown.get(a), B = shown.get(b);
    const edges = new Map(), nodes = new Map();
    new Set([...A.edges, ...B.edges]).forEach(id => {
      const e = edgeById.get(id);
      if (e.validUntil) edges.set(id, "ended");
      else if (!A.edges.has(id)) edges.set(id, "appears");
      else if (!B.edges.has(id)) edges.set(id, "disappears");
    });
    new Set([...A.nodes, ...B.nodes]).forEach(id => {
      if (byId.get(id).ended) nodes.set(id, "ended");
      else if (!A.nodes.has(id)) nodes.set(id, "appears");
      else if (!B.nodes.has(id)) nodes.set(id, "disappears");
    });
    edges.forEach((state, id) => {
      const e = edgeById.get(id);
      nv.actorsOf(e).forEach(n => { if (!nodes.has(n)) nodes.set(n, "changed"); });
    });
    return {nodes, edges};
  }

  // The list: one section per kind of change, each item with its quotes from the two sources.
  function only(item, a, b) {
    return {evidence: (item.evidence || []).filter(([, i]) => i === a || i === b)};
  }
  function ending(n) {
    const parts = [];
    if (n.lifecycle) parts.push(n.lifecycle);
    if (n.validUntil) parts.push("gäller till " + n.validUntil);
    (n.succeededBy || []).forEach(s => parts.push("ersatt av " + (byId.has(s) ? byId.get(s).label : s)));
    return parts.join(" · ");
  }
  function nodeItem(id, a, b, note) {
    const n = byId.get(id);
    const li = el("li");
    const name = el("button", n.label, "link"); name.type = "button";  // shows it in the drawing, keeps the list
    name.addEventListener("click", () => { nv.network.selectNodes([id]); nv.network.focus(id, {scale: 1.0, animation: false}); });
    li.appendChild(name);
    const cls = (data.classes[n.cls] || {}).label || n.cls;
    li.appendChild(el("div", cls + (n.ended ? " · " + ending(n) : "") + (note ? " · " + note : ""), "meta"));
    nv.evidenceList(li, only(n, a, b));
    return li;
  }
  function edgeItem(id, a, b) {
    const e = edgeById.get(id);
    const li = el("li");
    li.appendChild(el("strong", nv.edgeHeading(e)));
    const dates = [e.validFrom ? "gäller från " + e.validFrom : "", e.validUntil ? "gäller till " + e.validUntil : ""];
    if (dates.some(Boolean)) li.appendChild(el("div", dates.filter(Boolean).join(" · "), "meta"));
    nv.evidenceList(li, only(e, a, b));
    return li;
  }
  // How a node's relations differ between the two sources: "relationer: 2 bara i den senare, 1 upphört".
  function linksChanged(states, id, sameDate) {
    const count = {};
    states.edges.forEach((s, e) => { const x = edgeById.get(e); if (nv.actorsOf(x).includes(id)) count[s] = (count[s] || 0) + 1; });
    const words = {appears: sameDate ? "bara i den andra" : "bara i den senare",
      disappears: sameDate ? "bara i den första" : "inte i den senare", ended: "upphört"};
    return "relationer: " + Object.keys(words).filter(s => count[s]).map(s => count[s] + " " + words[s]).join(", ");
  }
  function changeList(states, a, b, sameDate) {
    const cited = i => data.documents[i].cited;
    const titles = {  // each kind of change named with its sources; of the same date, neither is "later"
      appears: sameDate ? "Bara i " + cited(b) : "Bara i den senare källan, " + cited(b),
      disappears: sameDate ? "Bara i " + cited(a) : "Nämns inte i den senare källan (bara i " + cited(a) + ")",
      ended: "Upphört enligt källorna", changed: "Beskrivs i båda, med ändrade relationer"
    };
    list.replaceChildren(el("h2", "Ändringar mellan källorna"), el("p", docName(a) + " → " + docName(b), "meta"));
    if (sameDate) list.appendChild(el("p", "Källorna har samma datum (" + tl.dates[tl.sources.indexOf(a)] +
      "): listan säger vad som finns i den ena och inte i den andra, inte vad som hänt emellan.", "hint"));
    list.appendChild(el("p", "”Nämns inte” betyder att källan inte beskriver det, inte att det har upphört; " +
      "”upphört” bara där källorna säger det (avvecklad, slutdatum, ersatt).", "hint"));
    ["appears", "disappears", "ended", "changed"].forEach(state => {
      const ids = kind => [...states[kind]].filter(([, s]) => s === state).map(([id]) => id);
      const nodeIds = ids("nodes"), edgeIds = state === "changed" ? [] : ids("edges");
      const section = el("section", null, "change change-list-" + state);
      const counts = nodeIds.length + " noder" + (state === "changed" ? "" : ", " + edgeIds.length + " relationer");
      section.appendChild(el("h3", titles[state] + " (" + counts + ")"));
      const ul = el("ul", null, "relations");
      nodeIds.forEach(id => ul.appendChild(nodeItem(id, a, b, state === "changed" ? linksChanged(states, id, sameDate) : "")));
      edgeIds.forEach(id => ul.appendChild(edgeItem(id, a, b)));
      if (nodeIds.length + edgeIds.length) section.appendChild(ul);
      list.appendChild(section);
    });
  }

  switcher.addEventListener("change", () => {
    stop.hidden = true; legend.hidden = true; list.remove();
    choose(switcher.value === "" ? null : [Number(switcher.value)], null);
  });
  go.addEventListener("click", () => {
    let a = Number(from.value), b = Number(to.value);
    if (a === b) { status.textContent = "Välj två olika källor att jämföra."; return; }
    if (tl.sources.indexOf(a) > tl.sources.indexOf(b)) [a, b] = [b, a];  // earlier first, by the sources' dates
    const sameDate = tl.dates[tl.sources.indexOf(a)] === tl.dates[tl.sources.indexOf(b)];
    const states = compare(a, b);
    switcher.value = "";
    stop.hidden = false; legend.hidden = false;
    choose([a, b], states);
    changeList(states, a, b, sameDate);
    const cited = i => data.documents[i].cited;  // of the same date, neither source is "later"
    keys.appears.textContent = " " + (sameDate ? "bara i " + cited(b) : STATES.appears);
    keys.disappears.textContent = " " + (sameDate ? "bara i " + cited(a) : STATES.disappears);
    details.replaceChildren(list);
  });
  stop.addEventListener("click", () => {
    stop.hidden = true; legend.hidden = true; list.remove();
    choose(null, null);
  });
  report();
})();
