// The source text pages (graph/viz/source.html): mark the quoted lines named in the address,
// #L12 or #L12-L15, and bring the first into view.
"use strict";
function markQuoted() {
  document.querySelectorAll("ol.source li.quoted").forEach(li => li.classList.remove("quoted"));
  const m = /^#L(\d+)(?:-L(\d+))?$/.exec(location.hash);
  if (!m) return;
  const first = Number(m[1]), last = Number(m[2] || m[1]);
  for (let n = first; n <= last; n++) {
    const li = document.getElementById("L" + n);
    if (li) li.classList.add("quoted");
  }
  const start = document.getElementById("L" + first);
  if (start) start.scrollIntoView({block: "center"});
}
document.addEventListener("DOMContentLoaded", markQuoted);
window.addEventListener("hashchange", markQuoted);
