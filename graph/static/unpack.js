// The first script of a network page (graph/viz/network.html): the page's JSON block (#graph-data) is
// written packed, nodes and edges by column with each repeated value once (graph/viz/page.py, `pack`);
// this puts the plain form back into the block, so every other script reads plain {nodes, edges, …}.
// A column is {v: [value per row]}, {s: [distinct values], i: [index per row, -1: no such key]} or, where
// every row holds a dict, {d: {key: column}}; a long
// string the page holds more than once is in data.texts, and {"$t": its index} stands in its places.
"use strict";
(function () {
  const block = document.getElementById("graph-data");
  const data = JSON.parse(block.textContent);
  if (!data.packed) return;
  const texts = data.texts || [];
  const text = v => (Array.isArray(v) ? v.map(text)
    : v !== null && typeof v === "object" && "$t" in v && Object.keys(v).length === 1 ? texts[v.$t] : v);
  const rows = table => {
    const dicts = {};
    for (const [key, col] of Object.entries(table.cols)) if (col.d) dicts[key] = rows({n: table.n, cols: col.d});
    return Array.from({length: table.n}, (_, r) => {
      const row = {};
      for (const [key, col] of Object.entries(table.cols)) {
        if (col.d) row[key] = dicts[key][r];
        else if (col.v) row[key] = text(col.v[r]);
        else if (col.i[r] >= 0) row[key] = text(col.s[col.i[r]]);
      }
      return row;
    });
  };
  delete data.packed;
  delete data.texts;
  for (const key of ["nodes", "edges"]) if (data[key]) data[key] = rows(data[key]);
  block.textContent = JSON.stringify(data);
})();
