// The national map (graph/viz/map.html): colours the regions by the indicator picked in #indicator,
// from the page's JSON block (#map-data: per indicator its label, values, colour classes and legend, in
// the order of the map's regions), and sorts the region × structure table by the header clicked.
// Every label goes in with textContent or setAttribute.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("map-data").textContent);  // English labels: lang.js
  const tr = window.naravardLang ? window.naravardLang.t : s => s;
  const regions = Array.from(document.querySelectorAll("#map a[data-code]"));
  const select = document.getElementById("indicator");
  const legend = document.getElementById("map-legend");
  const legendTitle = document.getElementById("map-legend-title");

  function show(i) {
    const ind = data.indicators[i];
    regions.forEach((a, j) => {
      a.setAttribute("class", ind.classes[j]);
      const name = a.dataset.name;
      a.setAttribute("aria-label", name + ": " + ind.label + " " + ind.values[j]);
      a.querySelector("title").textContent = name + ": " + ind.values[j];
    });
    legendTitle.textContent = tr("Antal: ") + ind.label;
    legend.replaceChildren(...ind.legend.map(k => {
      const li = document.createElement("li");
      const key = document.createElement("span");
      key.className = "map-key " + k.css;
      li.append(key, " " + k.label);
      return li;
    }));
  }
  select.addEventListener("change", () => show(Number(select.value)));
  show(Number(select.value));  // the choice the browser kept on going back, in the page's language

  // The sortable table: a click (or Enter/Space, it is a button) on a header sorts by that column,
  // again the other way; numbers as numbers, names in Swedish order.
  const table = document.getElementById("matrix");
  const heads = Array.from(table.querySelectorAll("thead th"));
  const body = table.tBodies[0];
  const collator = new Intl.Collator("sv");
  heads.forEach((th, col) => {
    th.querySelector("button").addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(h => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const key = tr => tr.cells[col].textContent.trim();
      const rows = Array.from(body.rows).sort((a, b) => {
        const x = key(a), y = key(b);
        const byName = collator.compare(a.cells[0].textContent.trim(), b.cells[0].textContent.trim());
        const order = col === 0 ? byName : Number(x) - Number(y) || byName;
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  });
})();
