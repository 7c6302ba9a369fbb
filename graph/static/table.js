// The lists of a network page (#lists): its actors and its relations with their evidence as tables,
// sortable (a button in each heading), filterable (a text box), with a CSV download of what they show;
// an actor's button selects it in the network, so the tables are also the keyboard's and the screen
// reader's way to the nodes (naravard.reveal and searchKey from search.js). And the PNG of the network's view (#png).
"use strict";
(function () {
  const nv = window.naravard;
  if (!nv) return;
  const tr = window.naravardLang ? window.naravardLang.t : s => s;
  const data = nv.data;
  const byId = new Map(data.nodes.map(n => [n.id, n]));
  const label = (group, k) => ((group || {})[k] || {}).label || k;
  const MAX_ROWS = 400;  // rows drawn at once; the filter and the CSV reach all of them

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null && text !== "") e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  // A name that selects its node in the network (and shows it if its class was filtered out).
  function actorButton(id) {
    const n = byId.get(id);
    const b = el("button", n ? n.label : id, "link");
    b.type = "button";
    b.addEventListener("click", () => nv.reveal(id));
    return b;
  }
  // The file name of a download: "dalarna-aktorer.csv" for regions/dalarna.html.
  function fileName(what, ext) {
    const page = (data.selfPage || "").split("/").pop().replace(/\.html$/, "") || tr("natverk");
    return page + "-" + tr(what) + "." + ext;
  }
  function download(name, blob) {
    const a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }
  // A cell a spreadsheet would run as a formula (=, +, -, @, tab or CR first: labels and quotes come from
  // documents, so untrusted) gets a leading apostrophe, which spreadsheets show as text (OWASP CSV injection).
  const inert = v => (/^[=+\-@\t\r]/.test(v) ? "'" + v : v);
  const csvCell = v => { v = inert(v); return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; };
  const csv = (head, rows) => [head, ...rows].map(r => r.map(v => csvCell(String(v))).join(",")).join("\r\n") + "\r\n";

  // columns: [heading, value of a row (text, or a number sorted as one), cell (optional: a node for the cell)]
  const nodeColumns = [
    [tr("Namn"), n => n.label, n => actorButton(n.id)],
    [tr("Klass"), n => label(data.classes, n.cls)],
    [tr("Region"), n => n.regionLabel],
    [tr("Akronymer"), n => (n.acronyms || []).join(", ")],
    // the network figures computed at build time (degree, betweenness, community), named by the ontology
    ...Object.entries(data.figureLabels).map(([k, heading]) => [heading, n => (k in n.figures ? n.figures[k] : "")]),
    [tr("Sida"), n => (n.page ? data.base + n.page : ""), n => {
      if (!n.page || data.selfPage === n.page) return el("span");
      const a = el("a", tr("sida")); a.href = data.base + n.page; return a;
    }],
    ["IRI", n => n.id],
  ];
  // One row per relation and quote: [edge, quote, document].
  const evidenceRows = data.edges.flatMap(e => {
    const doc = (i, line) => {
      const d = data.documents[i];
      return (d.kind ? d.kind + ": " : "") + d.cited + (line ? tr(", rad ") + line : "");
    };
    if (e.evidence) return e.evidence.map(([q, i, line]) => [e, q, doc(i, line)]);
    return [[e, e.quote || e.explanation || "", e.document || ""]];
  });
  const name = id => (byId.get(id) || {label: id}).label;
  // a stated gap's kind and summary after its relation's name
  const gap = e => (e.summary ? " (" + (e.gapKind ? e.gapKind + ": " : "") + e.summary + ")" : "");
  const edgeColumns = [
    [tr("Från"), r => name(r[0].from), r => actorButton(r[0].from)],
    [tr("Relation"), r => label(data.relations, r[0].kind) + gap(r[0])],
    // a gap between several actors: all but the first (e.also)
    [tr("Till"), r => nv.actorsOf(r[0]).slice(1).map(name).join(", "), r => {
      const cell = el("span");
      nv.actorsOf(r[0]).slice(1).forEach((id, j) => cell.append(...(j ? [", "] : []), actorButton(id)));
      return cell;
    }],
    [tr("Belägg"), r => r[1]],
    [tr("Dokument"), r => r[2]],
  ];

  // A sortable, filterable table drawn when its <details> is first opened.
  function table(id, rows, columns, what) {
    const box = document.getElementById(id);
    const tableEl = box.querySelector("table"), caption = tableEl.querySelector("caption");
    const filter = box.querySelector("input[type=search]");
    let sortBy = 0, ascending = true, drawn = false;
    const texts = rows.map(r => nv.searchKey(columns.map(c => c[1](r)).join(" ")));
    function shown() {
      const q = nv.searchKey(filter.value);
      const keep = rows.filter((r, i) => !q || texts[i].includes(q));
      const value = columns[sortBy][1];
      const order = (a, b) => {
        const x = value(a), y = value(b);
        return typeof x === "number" ? x - y : String(x).localeCompare(String(y), "sv", {numeric: true});
      };
      keep.sort((a, b) => (ascending ? order(a, b) : order(b, a)));
      return keep;
    }
    const head = el("thead"), headRow = el("tr"), body = el("tbody");
    columns.forEach(([heading], i) => {
      const th = el("th");
      th.scope = "col";
      const b = el("button", heading, "sort");
      b.type = "button";
      b.addEventListener("click", () => {
        ascending = sortBy === i ? !ascending : true;
        sortBy = i;
        draw();
      });
      th.appendChild(b);
      headRow.appendChild(th);
    });
    head.appendChild(headRow);
    tableEl.append(head, body);
    function draw() {
      const keep = shown();
      [...headRow.children].forEach((th, i) => {
        if (i === sortBy) th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        else th.removeAttribute("aria-sort");
      });
      body.replaceChildren(...keep.slice(0, MAX_ROWS).map(r => {
        const row = el("tr");
        columns.forEach(([, value, cell]) => {
          const v = value(r), number = typeof v === "number";
          const text = number && !Number.isInteger(v) ? v.toPrecision(3) : v;
          const td = el("td", cell ? null : text, number ? "num" : null);
          if (cell) td.appendChild(cell(r));
          row.appendChild(td);
        });
        return row;
      }));
      const cut = keep.length > MAX_ROWS ? " (" + tr("visar de första ") + MAX_ROWS + ")" : "";
      caption.textContent = keep.length + tr(" rader") + cut;
      drawn = true;
    }
    box.addEventListener("toggle", () => { if (box.open && !drawn) draw(); });
    filter.addEventListener("input", draw);
    box.querySelector("button[id$=-csv]").addEventListener("click", () => {
      const text = csv(columns.map(c => c[0]), shown().map(r => columns.map(c => c[1](r))));
      download(fileName(what, "csv"), new Blob(["\ufeff" + text], {type: "text/csv;charset=utf-8"}));
    });
  }
  table("node-list", data.nodes, nodeColumns, "aktorer");
  table("edge-list", evidenceRows, edgeColumns, "relationer");

  // The network's current view as a PNG, on white (the canvas itself is transparent).
  document.getElementById("png").addEventListener("click", () => {
    const canvas = document.querySelector("#network canvas");
    const out = document.createElement("canvas");
    out.width = canvas.width;
    out.height = canvas.height;
    const g = out.getContext("2d");
    g.fillStyle = "#fff";
    g.fillRect(0, 0, out.width, out.height);
    g.drawImage(canvas, 0, 0);
    out.toBlob(blob => download(fileName("natverk", "png"), blob), "image/png");
  });
})();
