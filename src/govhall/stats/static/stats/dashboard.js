/* 统计分析: draws the charts (four, and 免提交率 per department) from the figures embedded in the page (json_script "stats-data").
   The tables beneath the charts hold the same numbers; without JavaScript the page is the tables. */
(function () {
  "use strict";
  var source = document.getElementById("stats-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  var COLORS = { web: "#1d5fb4", window: "#18a058", api: "#8a4bd1", onTime: "#1d5fb4", satisfaction: "#f08c00",
                 yellow: "#e6a700", red: "#d9363e", items: "#2f74c9", paperless: "#18a058" };
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var charts = [];

  function narrow() { return window.innerWidth < 560; }

  function percent(value) { return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%"; }

  function base(option) {
    option.animation = !reduceMotion;
    option.textStyle = { fontFamily: FONT };
    option.aria = { enabled: true };
    return option;
  }

  function draw(id, build, rows) {
    var node = document.getElementById(id);
    if (!node) return;
    if (rows) node.style.height = Math.max(narrow() ? 240 : 280, rows * 34 + 90) + "px";
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    chart.setOption(base(build()));
    charts.push(chart);
    if (window.ResizeObserver) new ResizeObserver(function () { chart.resize(); }).observe(node);
  }

  draw("chart-daily", function () {
    var days = data.daily;
    var series = [["web", "网上申报"], ["window", "窗口受理"], ["api", "系统接口"]].map(function (c) {
      return { name: c[1], type: "bar", stack: "cases", barMaxWidth: 28, itemStyle: { color: COLORS[c[0]] },
               data: days.map(function (d) { return d[c[0]]; }) };
    });
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 20, right: 20, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: days.map(function (d) { return d.label; }),
               axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    };
  });

  draw("chart-performance", function () {
    var rows = data.performance.slice().reverse();  // the first department at the top
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                 valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
      legend: { top: 0 },
      grid: { left: 8, right: 56, top: 36, bottom: 8, containLabel: true },
      // the axis starts above 0 when every rate is above 90% (the page says so beside the chart)
      xAxis: { type: "value", min: data.rate_floor || 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: rows.map(function (r) { return r.short_name; }),
               axisLabel: { width: narrow() ? 84 : 130, overflow: "break", lineHeight: 14 } },
      series: [
        { name: "按时办结率", type: "bar", barMaxWidth: 14, itemStyle: { color: COLORS.onTime },
          label: { show: true, position: "right", fontSize: 11, formatter: function (p) { return percent(p.value / 100); } },
          data: rows.map(function (r) { return r.on_time_rate === null ? null : +(r.on_time_rate * 100).toFixed(1); }) },
        { name: "满意率", type: "bar", barMaxWidth: 14, itemStyle: { color: COLORS.satisfaction },
          label: { show: true, position: "right", fontSize: 11, formatter: function (p) { return percent(p.value / 100); } },
          data: rows.map(function (r) { return r.satisfaction_rate === null ? null : +(r.satisfaction_rate * 100).toFixed(1); }) }
      ]
    };
  }, data.performance.length);

  draw("chart-warnings", function () {
    var levels = data.warnings.levels;
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: ["期间新增", "当前未解除"] },
      yAxis: { type: "value", minInterval: 1 },
      series: levels.map(function (l) {
        return { name: l.label, type: "bar", stack: "warnings", barMaxWidth: 64,
                 itemStyle: { color: COLORS[l.level] || "#5b6472" },
                 label: { show: true, formatter: function (p) { return p.value ? p.value : ""; } },
                 data: [l.opened, l.open] };
      })
    };
  });

  draw("chart-items", function () {
    var rows = data.items.slice().reverse();
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                 formatter: function (ps) { var r = rows[ps[0].dataIndex];
                   return r.name + "<br>" + r.department_name + "<br>申请 " + r.count + " 件，已办结 " + r.completed + " 件"; } },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      // long item names wrap onto more lines instead of being cut
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
               axisLabel: { width: narrow() ? 110 : 190, overflow: "break", lineHeight: 14 } },
      series: [{ name: "申请", type: "bar", barMaxWidth: 18, itemStyle: { color: COLORS.items },
                 label: { show: true, position: "right" }, data: rows.map(function (r) { return r.count; }) }]
    };
  }, data.items.length * 1.5);

  draw("chart-paperless", function () {
    var rows = data.paperless.slice().reverse();  // the department with the most materials at the top
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                 formatter: function (ps) { var r = rows[ps[0].dataIndex];
                   return window.echarts.format.encodeHTML(r.department_name) + "<br>免提交 " + r.paperless + " / 申请材料 " + r.materials +
                          " 项（" + r.percent.toFixed(1) + "%）"; } },
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: rows.map(function (r) { return r.short_name; }),
               axisLabel: { width: narrow() ? 84 : 130, overflow: "break", lineHeight: 14 } },
      series: [{ name: "免提交率", type: "bar", barMaxWidth: 16, itemStyle: { color: COLORS.paperless },
                 label: { show: true, position: "right", fontSize: 11,
                          formatter: function (p) { return p.value.toFixed(1) + "%"; } },
                 data: rows.map(function (r) { return r.percent; }) }]  // rounded by the server, as in the table
    };
  }, data.paperless.length);

  if (!window.ResizeObserver) {
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
