// One search over the actors of all pages (window.naravardIndex, written once per build to
// assets/search-index.js): exact names and acronyms first, then those that begin with the words, then
// those that contain them; case, diacritics and punctuation ignored. Hits on this page come first among
// equals; the best hit, if on this page, is selected (its filter boxes ticked again if it was hidden).
// Every hit is listed with its region and a link to its page.
"use strict";
(function () {
  const nv = window.naravard;
  if (!nv) return;
  const tr = window.naravardLang ? window.naravardLang.t : s => s;
  const index = window.naravardIndex;
  // this page's nodes, and the region's municipalities diagram.js adds when one is found
  const members = nv.view ? nv.view.members : [];
  const here = new Map(nv.data.nodes.concat(members).map(n => [n.id, n]));
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-hits");
  const MAX_HITS = 10;

  // "Välfärdsrådet" → "valfardsradet"; "S.V.O.M." → "svom"
  const key = s => String(s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\p{L}\p{N}\s]/gu, "").replace(/\s+/g, " ").trim();
  let actors = null;  // the index with its search keys, made at the first search
  function entries() {
    if (!actors) {
      actors = index.actors.map(([id, label, acronyms, region, page]) => ({
        id, label, page: page || "actors/" + id.split(":")[1] + ".html", region: index.regions[region] || "",
        keys: [label, ...(acronyms ? acronyms.split("|") : [])].map(key).filter(Boolean),
      }));
      const indexed = new Set(actors.map(a => a.id));
      members.filter(m => !indexed.has(m.id)).forEach(m => actors.push({  // not nodes of the graph: this page only
        id: m.id, label: m.label, page: "", region: m.regionLabel || "", keys: [key(m.label)],
      }));
    }
    return actors;
  }
  // 0: an exact name or acronym; 1: a name that begins with the query; 2: a word that does; 3: contains it.
  function rank(q, a) {
    if (a.keys.includes(q)) return 0;
    if (a.keys.some(k => k.startsWith(q))) return 1;
    if (a.keys.some(k => k.includes(" " + q))) return 2;
    return a.keys.some(k => k.includes(q)) ? 3 : -1;
  }
  function find(text) {
    const q = key(text);
    return entries().map(a => ({a, r: rank(q, a)})).filter(h => h.r >= 0)
      .sort((x, y) => x.r - y.r || here.has(y.a.id) - here.has(x.a.id) || x.a.label.length - y.a.label.length
        || x.a.label.localeCompare(y.a.label, "sv"))
      .map(h => h.a);
  }

  // Show node `id` of this page: tick the boxes of its class and structure types again, select, centre.
  // false when a source chosen on the page (timeline.js) hides it.
  function reveal(id) {
    const n = here.get(id);
    if (nv.view) nv.view.reveal(id);  // its level shown again; a municipality: its group's added (diagram.js)
    const tick = box => {
      if (box && !box.checked) { box.checked = true; box.dispatchEvent(new Event("change", {bubbles: true})); }
    };
    tick(document.querySelector(`#class-filters input[data-key="${CSS.escape(n.cls)}"]`));
    n.structureTypes.forEach(t => tick(document.querySelector(`#type-filters input[data-key="${CSS.escape(t)}"]`)));
    if (!nv.nodesView.get(id)) return false;
    nv.select(id);
    nv.network.focus(id, {scale: 1.0, animation: false});
    return true;
  }
  nv.reveal = reveal;  // for table.js, with the search's way of comparing text
  nv.searchKey = key;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function hitItem(a) {
    const li = el("li");
    if (here.has(a.id)) {
      const b = el("button", a.label, "link");
      b.type = "button";
      b.addEventListener("click", () => reveal(a.id));
      li.append(b, el("span", " · " + [a.region, tr("på denna sida")].filter(Boolean).join(" · "), "meta"));
    } else {
      const link = el("a", a.label);
      link.href = nv.data.base + a.page;
      li.append(link);
      if (a.region) li.append(el("span", " · " + a.region, "meta"));
    }
    return li;
  }
  function search() {
    const text = document.getElementById("search").value;
    if (!key(text)) { list.replaceChildren(); status.textContent = ""; return; }  // nothing asked
    const found = find(text);
    list.replaceChildren(...found.slice(0, MAX_HITS).map(hitItem));
    if (!found.length) {
      nv.clear();
      status.textContent = tr("Ingen träff");
      return;
    }
    const best = found[0], where = best.region ? " (" + best.region + ")" : "";
    const count = found.length + " " + tr(found.length === 1 ? "träff" : "träffar");
    if (!here.has(best.id)) {
      nv.clear();
      status.textContent = count + tr("; den bästa finns på en annan sida");
      return;
    }
    if (!reveal(best.id)) { nv.clear(); status.textContent = best.label + tr(": dold av källvalet"); return; }
    status.textContent = (found.length > 1 ? count + tr("; visar ") : "") + best.label + where;
  }
  document.getElementById("search-go").addEventListener("click", search);
  document.getElementById("search").addEventListener("keydown", ev => { if (ev.key === "Enter") search(); });
})();
