// Draws the dashboard's charts from the JSON the page carries; a click opens the ledger filtered to the point.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var config = document.getElementById("dashboard-config").dataset;
  var clickable = config.clickable === "1";
  var COLOURS = { red: "#d63939", yellow: "#f59f00", green: "#2fb344" };
  // One colour per state, the same for every role whatever states its scope happens to hold.
  var STATE_COLOURS = { draft: "#868e96", issued: "#4299e1", rectifying: "#f59f00", submitted: "#ae3ec9",
    long_term: "#0ca678", closed: "#2fb344" };
  var labels = data.labels;

  function openLedger(filter) {
    if (!clickable || !filter) return;
    var params = new URLSearchParams(config.query);
    Object.keys(filter).forEach(function (key) {
      params.delete(key);
      [].concat(filter[key]).forEach(function (value) { params.append(key, value); });
    });
    window.location.href = config.ledgerUrl + "?" + params.toString();
  }

  function wan(value) { return Math.round(Number(value) / 100) / 100; }

  function barOptions(rows, horizontal) {
    var names = rows.map(function (r) { return r.label; });
    // Labels wrap rather than being cut ("待核…"); the grid makes room for them.
    var categoryAxis = { type: "category", data: names, axisLabel: { interval: 0, width: 120, overflow: "break" } };
    var valueAxis = { type: "value", minInterval: 1 };
    return {
      tooltip: { trigger: "axis" },
      legend: { data: [labels.total, labels.closed] },
      grid: { left: 10, right: 20, bottom: 30, top: 40, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? Object.assign({}, categoryAxis, { inverse: true }) : valueAxis,
      series: [
        { name: labels.total, type: "bar", data: rows.map(function (r) { return { value: r.total, filter: r.filter }; }) },
        { name: labels.closed, type: "bar", data: rows.map(function (r) { return { value: r.closed, filter: r.filter }; }) }
      ]
    };
  }

  var builders = {
    by_year: function () {
      var opts = barOptions(data.by_year, false);
      opts.legend.data.push(labels.rate);
      opts.yAxis = [{ type: "value", minInterval: 1 }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }];
      opts.series.push({ name: labels.rate, type: "line", yAxisIndex: 1,
        data: data.by_year.map(function (r) { return { value: r.rate, filter: r.filter }; }) });
      return opts;
    },
    by_state: function () {
      return { tooltip: { trigger: "item" }, legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"],
          data: data.by_state.map(function (r) {
            return { name: r.label, value: r.value, filter: r.filter, itemStyle: { color: STATE_COLOURS[r.state] } };
          }) }] };
    },
    by_colour: function () {
      return { tooltip: { trigger: "item" }, legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"],
          data: data.by_colour.filter(function (r) { return r.value > 0; }).map(function (r) {
            return { name: r.label, value: r.value, filter: r.filter, itemStyle: { color: COLOURS[r.colour] } };
          }) }] };
    },
    by_category: function () { return barOptions(data.by_category, true); },
    by_unit: function () { return barOptions(data.by_unit, true); },
    by_department: function () { return barOptions(data.by_department, true); },
    amounts: function () {
      var names = [labels.involved].concat(data.amounts.methods.map(function (m) { return m.label; }));
      var values = [wan(data.amounts.involved)].concat(data.amounts.methods.map(function (m) { return wan(m.value); }));
      return { tooltip: { trigger: "axis" }, grid: { left: 10, right: 20, bottom: 10, top: 30, containLabel: true },
        xAxis: { type: "category", data: names, axisLabel: { interval: 0, width: 70, overflow: "break" } },
        yAxis: { type: "value", name: labels.wan },
        series: [{ type: "bar", data: values }] };
    }
  };

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var build = builders[element.dataset.chart];
    if (!build) return;
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(build());
    chart.on("click", function (params) { openLedger(params.data && params.data.filter); });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
