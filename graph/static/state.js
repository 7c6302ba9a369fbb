// The page's state in its address (#n=…&hide=…&z=…&lang=…), kept with history.replaceState and restored
// on load: the selected node (n), the unticked filter boxes (hide: the toggles' ids, "class:Post",
// "relation:memberOf" …) and the view (z: scale,x,y). Other pages link here with #n=IRI to select a node.
"use strict";
(function () {
  const nv = window.naravard;
  if (!nv) return;
  const network = nv.network;
  // the state in the address; "#details" and "#lists" (the skip links' targets) are none
  const params = () => new URLSearchParams(location.hash.includes("=") ? location.hash.slice(1) : "");
  const boxes = () => [...document.querySelectorAll("#controls input[type=checkbox]")];
  const boxKey = b => b.id || b.closest("fieldset").id.replace(/-filters$/, "") + ":" + b.dataset.key;
  let restoring = true, viewMoved = false;

  function save() {
    if (restoring) return;
    const p = params();
    const selected = network.getSelectedNodes();
    if (selected.length) p.set("n", selected[0]); else p.delete("n");
    const hidden = boxes().filter(b => !b.checked && !b.disabled).map(boxKey);
    if (hidden.length) p.set("hide", hidden.join(",")); else p.delete("hide");
    if (viewMoved) {
      const at = network.getViewPosition();
      p.set("z", [+network.getScale().toFixed(3), Math.round(at.x), Math.round(at.y)].join(","));
    }
    const hash = p.toString().replace(/%3A/g, ":").replace(/%2C/g, ",");
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }

  // Every way the state changes: selection (click, search, tables), filters, zoom and drag.
  for (const name of ["select", "clear"]) {
    const hook = nv[name];
    nv[name] = id => { hook(id); save(); };
  }
  network.on("select", save);
  network.on("deselectNode", save);
  network.on("zoom", () => { viewMoved = true; save(); });
  network.on("dragEnd", () => { viewMoved = true; save(); });
  document.getElementById("controls").addEventListener("change", ev => { if (ev.target.type === "checkbox") save(); });

  function restore() {
    const p = params();
    const hide = new Set((p.get("hide") || "").split(",").filter(Boolean));
    boxes().filter(b => hide.has(boxKey(b)) && b.checked).forEach(b => {
      b.checked = false;
      b.dispatchEvent(new Event("change", {bubbles: true}));
    });
    const n = p.get("n");
    const shown = n && nv.nodesView.get(n);
    if (shown) nv.select(n);
    const z = (p.get("z") || "").split(",").map(Number);
    if (z.length === 3 && z.every(Number.isFinite) && z[0] > 0) {
      network.moveTo({scale: z[0], position: {x: z[1], y: z[2]}});
      viewMoved = true;
    } else if (shown && n !== nv.data.focus) {
      network.focus(n, {scale: 1.0});
    }
    restoring = false;
  }
  // The view can be set once the drawing has settled (physics pages stabilise first).
  (function wait() { if (nv.isStabilized()) restore(); else requestAnimationFrame(wait); })();
  window.addEventListener("hashchange", () => { if (location.hash.includes("=")) { restoring = true; restore(); } });
})();
