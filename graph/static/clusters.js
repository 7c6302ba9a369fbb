// Cluster labels over a network page (graph/viz/network.html when its JSON block has "clusters"): each
// cluster's name ({label, x, y, align} in network coordinates; its bottom at y, its left, centre or right
// end at x) drawn on the canvas after vis-network draws, in letters of clusters.size network units
// (the room the layout left for them), never under 10 screen pixels. Runs after network.js (both deferred), which sets window.naravard.
"use strict";
(function () {
  const net = window.naravard.network, clusters = window.naravard.data.clusters;
  net.on("afterDrawing", ctx => {
    const size = Math.max(clusters.size, 10 / net.getScale());
    ctx.save();
    ctx.font = "bold " + size + "px system-ui, sans-serif";
    ctx.textBaseline = "bottom";
    ctx.lineJoin = "round";
    ctx.lineWidth = size / 5;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
    ctx.fillStyle = "#1f4e79";
    clusters.labels.forEach(c => {
      ctx.textAlign = c.align;
      ctx.strokeText(c.label, c.x, c.y);
      ctx.fillText(c.label, c.x, c.y);
    });
    ctx.restore();
  });
  net.redraw();
})();
