// The analysis page's charts (ECharts, vendored): repeat rate by year and by unit, categories by sector.
(function () {
  "use strict";
  var source = document.getElementById("analysis-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = echarts.init(el);
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
  }
  chart("chart-year", {
    tooltip: { trigger: "axis" },
    legend: {},
    xAxis: { type: "category", data: data.by_year.map(function (r) { return String(r.year); }) },
    yAxis: [{ type: "value" }, { type: "value", axisLabel: { formatter: "{value}%" } }],
    series: [
      { name: el("label-total"), type: "bar", data: data.by_year.map(function (r) { return r.total; }) },
      { name: el("label-rate"), type: "line", yAxisIndex: 1, data: data.by_year.map(function (r) { return r.rate; }) }
    ]
  });
  // Units' names run long (中共……委员会): the axis cuts them to its width, the tooltip gives them whole.
  chart("chart-unit", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 24, top: 16, bottom: 24, containLabel: true },
    xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    yAxis: {
      type: "category", inverse: true,
      axisLabel: { width: 150, overflow: "truncate" },
      data: data.by_unit.map(function (r) { return r.unit; })
    },
    series: [{ name: el("label-rate"), type: "bar", data: data.by_unit.map(function (r) { return r.rate; }) }]
  });
  var heat = data.heat;
  var max = heat.cells.reduce(function (m, c) { return Math.max(m, c[2]); }, 1);
  chart("chart-heat", {
    tooltip: {},
    grid: { left: 8, right: 24, bottom: 60, containLabel: true },
    xAxis: { type: "category", data: heat.categories, axisLabel: { rotate: 40 } },
    yAxis: { type: "category", data: heat.sectors, axisLabel: { width: 110, overflow: "truncate" } },
    visualMap: { min: 0, max: max, calculable: true, orient: "horizontal", left: "center", bottom: 0 },
    series: [{ type: "heatmap", data: heat.cells, label: { show: true } }]
  });
  function el(id) { var n = document.getElementById(id); return n ? n.textContent : ""; }
})();
