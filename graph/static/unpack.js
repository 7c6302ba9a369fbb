// The first script of a network page (graph/viz/network.html): the page's JSON block (#graph-data) is
// written packed, nodes and edges by column with each repeated value once (graph/viz/page.py, `pack`);
// this puts the plain form back into the block, so every other script reads plain {nodes, edges, …}.
// A column is {v: [value per row]} or {s: [distinct values], i: [index per row, -1: no such key]}.
"use strict";
(function () {
  const block = document.getElementById("graph-data");
  const data = JSON.parse(block.textContent);
  if (!data.packed) return;
  const rows = table => Array.from({length: table.n}, (_, r) => {
    const row = {};
    for (const [key, col] of Object.entries(table.cols)) {
      if (col.v) row[key] = col.v[r];
      else if (col.i[r] >= 0) row[key] = col.s[col.i[r]];
    }
    return row;
  });
  delete data.packed;
  for (const key of ["nodes", "edges"]) if (data[key]) data[key] = rows(data[key]);
  block.textContent = JSON.stringify(data);
})();
