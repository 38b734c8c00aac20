#include "monitor/portfolio_report_script.hpp"

namespace organism::monitor {

std::string_view portfolio_chart_script() {
  return R"JS(
(function () {
  var data = JSON.parse(document.getElementById('portfolio-data').textContent);
  var pct = function (v) { return (v * 100).toFixed(1) + '%'; };
  var pairs = function (t, v) { return t.map(function (x, i) { return [x, v[i]]; }); };
  var when = function (t) { return echarts.format.formatTime('yyyy-MM-dd hh:mm', t); };
  var charts = [];
  // The equity chart and the regime band under it share the x axis (same margins, linked zoom).
  var margins = { left: 80, right: 30 };
  function draw(id, option, group) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el, null, { renderer: 'svg' });
    option.animation = false;
    chart.setOption(option);
    if (group) chart.group = group;
    charts.push(chart);
    el.setAttribute('data-rendered', 'true');
    return chart;
  }
  function empty(id, text) {
    var el = document.getElementById(id);
    if (el) { el.className += ' missing'; el.style.height = 'auto'; el.textContent = text; }
  }

  var policies = data.policies.filter(function (p) { return p.time.length > 0; });
  var first = policies.length > 0 ? policies[0].time[0] : null;
  var last = policies.length > 0 ? Math.max.apply(null, policies.map(function (p) { return p.time[p.time.length - 1]; })) : null;
  if (policies.length > 0) {
    draw('chart-pf-equity', {
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return typeof v === 'number' ? v.toFixed(2) : v; } },
      legend: { top: 0 },
      grid: { left: margins.left, right: margins.right, top: 40, bottom: 60 },
      xAxis: { type: 'time', min: first, max: last }, yAxis: { type: 'value', scale: true, name: 'equity' },
      dataZoom: [{ type: 'inside' }, { type: 'slider', bottom: 10, height: 20 }],
      series: policies.map(function (p, k) {
        return { name: p.label, type: 'line', showSymbol: false, data: pairs(p.time, p.equity),
                 lineStyle: { width: k === 0 ? 2.5 : 1.2 }, z: k === 0 ? 3 : 2 };
      })
    }, 'pf-time');
  } else {
    empty('chart-pf-equity', 'No equity: no bar was traded.');
  }

  var coins = data.regimes.coins;
  var volColor = { low_vol: '#1e8449', normal_vol: '#95a5a6', high_vol: '#c0392b', unknown: '#e3e7ec' };
  var strips = [];
  data.regimes.bands.forEach(function (band, c) {
    band.forEach(function (s) {
      var l = data.regimes.labels[String(s[2])];
      strips.push({ value: [s[0], s[1], c], coin: coins[c], regime: l,
                    itemStyle: { color: volColor[l.vol] || '#e3e7ec' } });
    });
  });
  if (strips.length > 0 && policies.length > 0) {
    var bandEl = document.getElementById('chart-pf-regimes');
    bandEl.style.height = (50 + 26 * coins.length) + 'px';
    draw('chart-pf-regimes', {
      tooltip: { trigger: 'item', formatter: function (p) {
        var r = p.data.regime;
        return echarts.format.encodeHTML(p.data.coin) + ': ' + r.vol.replace('_', ' ') + ', trend ' + r.trend +
               '<br>' + echarts.format.encodeHTML(r.label) + '<br>' + when(p.value[0]) + ' .. ' + when(p.value[1]);
      } },
      grid: { left: margins.left, right: margins.right, top: 5, bottom: 25 },
      xAxis: { type: 'time', min: first, max: last },
      // The coin alone ("binance:BTC:1h" -> "BTC"): the full label would not fit the margin.
      yAxis: { type: 'category', data: coins, inverse: true,
               axisLabel: { formatter: function (v) { var p = v.split(':'); return p.length === 3 ? p[1] : v; } } },
      dataZoom: [{ type: 'inside' }],
      // progressive 0: drawn in one frame (thousands of strips would otherwise be drawn over many
      // frames, and a page printed or captured at load shows the band cut short).
      series: [{ name: 'regime', type: 'custom', progressive: 0, encode: { x: [0, 1], y: 2 }, data: strips,
        renderItem: function (params, api) {
          var y = api.value(2);
          var from = api.coord([api.value(0), y]), to = api.coord([api.value(1), y]);
          var h = api.size([0, 1])[1] * 0.8;
          var rect = echarts.graphic.clipRectByRect(
            { x: from[0], y: from[1] - h / 2, width: Math.max(to[0] - from[0], 1), height: h },
            { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height });
          return rect && { type: 'rect', shape: rect, style: api.style() };
        } }]
    }, 'pf-time');
    echarts.connect('pf-time');
  } else {
    empty('chart-pf-regimes', 'No regimes.');
  }

  var w = data.weights;
  if (w.time.length > 0) {
    // Step lines: a weight holds from its rebalance until the next; the last one to the end.
    var times = w.time.concat([w.end]);
    draw('chart-pf-weights', {
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return typeof v === 'number' ? pct(v) : v; } },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 70, right: 30, top: 40, bottom: 60 },
      xAxis: { type: 'time' }, yAxis: { type: 'value', name: 'weight', min: 0, axisLabel: { formatter: pct } },
      dataZoom: [{ type: 'inside' }, { type: 'slider', bottom: 10, height: 20 }],
      series: w.series.map(function (s) {
        return { name: s.id, type: 'line', step: 'end', stack: 'weights', showSymbol: false, areaStyle: {},
                 lineStyle: { width: 0.5 }, data: pairs(times, s.weights.concat([s.weights[s.weights.length - 1]])) };
      })
    });
  } else {
    empty('chart-pf-weights', 'No allocator rebalance to show.');
  }

  var m = data.correlation.matrix, names = data.correlation.strategies;
  if (m.length > 0) {
    var cells = [];
    m.forEach(function (row, i) { row.forEach(function (v, j) { cells.push([j, i, v]); }); });
    var el = document.getElementById('chart-pf-correlation');
    el.style.height = Math.max(300, 120 + 40 * names.length) + 'px';
    draw('chart-pf-correlation', {
      tooltip: { formatter: function (p) {
        return echarts.format.encodeHTML(names[p.value[1]] + ' / ' + names[p.value[0]]) + ': ' + Number(p.value[2]).toFixed(3);
      } },
      grid: { left: 160, right: 30, top: 10, bottom: 110 },
      xAxis: { type: 'category', data: names, axisLabel: { rotate: 30 } },
      yAxis: { type: 'category', data: names, inverse: true },
      visualMap: { min: -1, max: 1, calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
                   inRange: { color: ['#2e86c1', '#f7f7f7', '#c0392b'] } },
      series: [{ name: 'correlation', type: 'heatmap', data: cells,
                 label: { show: true, fontSize: 11, formatter: function (p) { return Number(p.value[2]).toFixed(2); } } }]
    });
  } else {
    empty('chart-pf-correlation', 'No correlation matrix.');
  }

  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.setAttribute('data-charts', String(charts.length));
})();
)JS";
}

}  // namespace organism::monitor
