// Draws the analytics page's time series with uPlot (served from its WebJar). Each chart element
// carries the series as JSON in data-series ({t: [epoch seconds], runs: [...], cost: [...]}).
(function () {
  "use strict";
  function draw(el) {
    var data = JSON.parse(el.dataset.series);
    var width = function () { return Math.max(260, el.clientWidth); };
    var opts = {
      width: width(),
      height: 220,
      series: [{}, { label: el.dataset.label, stroke: "#2f5d8a", fill: "rgba(47,93,138,0.12)", width: 2 }],
      axes: [{}, { size: 60 }]
    };
    el.textContent = "";
    var plot = new uPlot(opts, [data.t, data[el.dataset.metric]], el);
    window.addEventListener("resize", function () { plot.setSize({ width: width(), height: 220 }); });
  }
  document.querySelectorAll(".chart[data-series]").forEach(draw);
})();
