#include "monitor/report_page.hpp"

namespace organism::monitor {

std::string_view report_style() {
  return R"CSS(
:root { --ink: #1d2733; --muted: #5f6b7a; --line: #e3e7ec; --bg: #f6f8fa; --good: #1e8449; --bad: #c0392b;
        --warn: #b9770e; --accent: #2e86c1; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: var(--bg); }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
header h1 { font-size: 22px; margin: 0 0 4px; word-break: break-all; }
header .sub { color: var(--muted); margin: 0 0 8px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600;
         margin-left: 6px; vertical-align: middle; background: var(--line); color: var(--ink); }
.badge.good { background: #d5f5e3; color: var(--good); } .badge.bad { background: #fadbd8; color: var(--bad); }
.badge.muted { background: var(--line); color: var(--muted); }
.rule { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 8px 0 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 10px; margin: 18px 0 6px; }
p.note { color: var(--muted); font-size: 13px; margin: 0 0 14px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.card .k { color: var(--muted); font-size: 12px; } .card .v { font-size: 20px; font-weight: 600; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin: 0 0 18px; }
section h2 { font-size: 16px; margin: 0 0 4px; } section p.note { color: var(--muted); margin: 0 0 8px; font-size: 13px; }
.chart { width: 100%; height: 380px; } .chart.tall { height: 480px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; font-size: 12px; } td.num { font-variant-numeric: tabular-nums; }
.pass { color: var(--good); font-weight: 600; } .fail { color: var(--bad); font-weight: 600; }
.reading { margin: 4px 0; } .reading.detail { color: var(--muted); font-size: 13px; } .missing { color: var(--muted); font-style: italic; }
#report-errors:empty { display: none; }
#report-errors { background: #fadbd8; color: var(--bad); padding: 8px; white-space: pre-wrap; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 8px 0 24px; }
)CSS";
}

std::string_view error_capture_script() {
  return R"JS(
(function () {
  var errors = [];
  function record(text) {
    errors.push(String(text));
    var el = document.getElementById('report-errors');
    if (el) el.textContent = errors.join('\n');
  }
  window.addEventListener('error', function (e) { record('error: ' + (e.message || e.type)); });
  window.addEventListener('unhandledrejection', function (e) { record('unhandled rejection: ' + e.reason); });
  var original = console.error;
  console.error = function () {
    record('console.error: ' + Array.prototype.map.call(arguments, String).join(' '));
    return original.apply(console, arguments);
  };
})();
)JS";
}

std::string_view chart_script() {
  return R"JS(
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var stageColors = { in_sample: 'rgba(46,134,193,0.08)', out_of_sample: 'rgba(185,119,14,0.10)',
                      walk_forward: 'rgba(30,132,73,0.10)' };
  var pct = function (v) { return (v * 100).toFixed(1) + '%'; };
  var pairs = function (t, v) { return t.map(function (x, i) { return [x, v[i]]; }); };
  var charts = [];
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: 'svg' });
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
    el.setAttribute('data-rendered', 'true');
  }
  function empty(id, text) {
    var el = document.getElementById(id);
    if (el) { el.className += ' missing'; el.style.height = 'auto'; el.textContent = text; }
  }
  var stageAreas = data.stages.map(function (s) {
    return [{ name: s.label, xAxis: s.begin, itemStyle: { color: stageColors[s.name] || 'rgba(0,0,0,0.05)' } },
            { xAxis: s.end }];
  });
  var boundaries = data.stages.slice(1).map(function (s) { return { xAxis: s.begin, label: { formatter: s.label } }; });
  var stageMarks = {
    markArea: { silent: true, label: { color: '#5f6b7a', position: 'insideTop' }, data: stageAreas },
    markLine: { silent: true, symbol: 'none', lineStyle: { color: '#5f6b7a', type: 'dashed' }, data: boundaries }
  };

  if (data.equity.time.length > 0) {
    draw('chart-equity', {
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return typeof v === 'number' ? v.toFixed(4) : v; } },
      axisPointer: { link: [{ xAxisIndex: 'all' }] },
      grid: [{ left: 70, right: 30, top: 30, height: '52%' }, { left: 70, right: 30, top: '70%', bottom: 60 }],
      xAxis: [{ type: 'time', gridIndex: 0, axisLabel: { show: false } }, { type: 'time', gridIndex: 1 }],
      yAxis: [{ type: 'value', gridIndex: 0, scale: true, name: 'equity' },
              { type: 'value', gridIndex: 1, name: 'drawdown', max: 0, axisLabel: { formatter: pct } }],
      dataZoom: [{ type: 'inside', xAxisIndex: [0, 1] }, { type: 'slider', xAxisIndex: [0, 1], bottom: 10, height: 20 }],
      series: [
        Object.assign({ name: 'equity', type: 'line', showSymbol: false, xAxisIndex: 0, yAxisIndex: 0,
                        lineStyle: { width: 1.5, color: '#2e86c1' }, data: pairs(data.equity.time, data.equity.equity) },
                      stageMarks),
        { name: 'drawdown', type: 'line', showSymbol: false, xAxisIndex: 1, yAxisIndex: 1,
          lineStyle: { width: 1, color: '#c0392b' }, areaStyle: { color: 'rgba(192,57,43,0.25)' },
          data: pairs(data.equity.time, data.equity.drawdown),
          markLine: stageMarks.markLine }
      ]
    });
  } else {
    empty('chart-equity', 'No equity: the strategy was not backtested.');
  }

  if (data.price.time.length > 0) {
    var marks = function (side) {
      return data.price.trades.filter(function (t) { return t[2] === side; })
                 .map(function (t) { return { value: [t[0], t[1]], note: t[3] }; });
    };
    draw('chart-price', {
      tooltip: { trigger: 'item', formatter: function (p) {
        return p.seriesName + '<br>' + echarts.format.formatTime('yyyy-MM-dd hh:mm', p.value[0]) + '  ' +
               Number(p.value[1]).toPrecision(6) + (p.data.note ? '<br>' + echarts.format.encodeHTML(p.data.note) : '');
      } },
      legend: { top: 0 },
      grid: { left: 70, right: 30, top: 30, bottom: 60 },
      xAxis: { type: 'time' }, yAxis: { type: 'value', scale: true, name: 'close' },
      dataZoom: [{ type: 'inside' }, { type: 'slider', bottom: 10, height: 20 }],
      series: [
        Object.assign({ name: 'close', type: 'line', showSymbol: false, lineStyle: { width: 1, color: '#34495e' },
                        data: pairs(data.price.time, data.price.close) }, stageMarks),
        { name: 'buy', type: 'scatter', symbol: 'triangle', symbolSize: 9, itemStyle: { color: '#1e8449' },
          data: marks('buy') },
        { name: 'sell', type: 'scatter', symbol: 'triangle', symbolRotate: 180, symbolSize: 9,
          itemStyle: { color: '#c0392b' }, data: marks('sell') }
      ]
    });
  } else {
    empty('chart-price', 'No price series.');
  }

  if (data.monthly.cells.length > 0) {
    // Colours span the largest month, however small (a strategy trading at 0.1x leverage has
    // months of hundredths of a percent); labels get a second decimal when every month is under 1%.
    var extreme = Math.max(1e-6, Math.max.apply(null, data.monthly.cells.map(function (c) { return Math.abs(c[2]); })));
    var digits = extreme < 0.01 ? 2 : 1;
    draw('chart-monthly', {
      tooltip: { formatter: function (p) {
        return data.monthly.years[p.value[1]] + ' ' + data.monthly.months[p.value[0]] + ': ' + pct(p.value[2]);
      } },
      grid: { left: 60, right: 30, top: 10, bottom: 70 },
      xAxis: { type: 'category', data: data.monthly.months, splitArea: { show: true } },
      yAxis: { type: 'category', data: data.monthly.years.map(String), splitArea: { show: true } },
      visualMap: { min: -extreme, max: extreme, calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
                   inRange: { color: ['#c0392b', '#f7f7f7', '#1e8449'] }, formatter: function (v) { return (v * 100).toFixed(digits + 1) + '%'; } },
      series: [{ name: 'monthly return', type: 'heatmap', data: data.monthly.cells,
                 label: { show: true, fontSize: 10, formatter: function (p) { return (p.value[2] * 100).toFixed(digits); } } }]
    });
  } else {
    empty('chart-monthly', 'No monthly returns.');
  }

  if (data.front.points.length > 0) {
    var group = function (kind) {
      return data.front.points.filter(function (p) { return p.kind === kind; })
                 .map(function (p) { return { value: [p.x, p.y], id: p.id }; });
    };
    var chosenStyle = { symbol: 'diamond', symbolSize: 16, itemStyle: { color: '#8e44ad', borderColor: '#fff' } };
    draw('chart-front', {
      tooltip: { trigger: 'item', formatter: function (p) {
        return echarts.format.encodeHTML(p.data.id) + '<br>' + data.front.x + ': ' + Number(p.value[0]).toPrecision(4) +
               '<br>' + data.front.y + ': ' + Number(p.value[1]).toPrecision(4);
      } },
      legend: { top: 0 },
      grid: { left: 80, right: 30, top: 40, bottom: 50 },
      xAxis: { type: 'value', scale: true, name: data.front.x, nameLocation: 'middle', nameGap: 28,
               axisLine: { onZero: false } },
      yAxis: { type: 'value', scale: true, name: data.front.y, nameLocation: 'middle', nameGap: 55,
               axisLine: { onZero: false } },
      series: [
        { name: data.front.validated ? 'not surviving' : 'front (not validated)', type: 'scatter', symbolSize: 7,
          itemStyle: { color: '#95a5a6' }, data: group('member') },
        Object.assign({ name: 'this strategy', type: 'scatter', data: group('chosen') }, chosenStyle)
      ].concat(data.front.validated ? [{ name: 'survivors', type: 'scatter', symbolSize: 9,
                                         itemStyle: { color: '#1e8449' }, data: group('survivor') }] : [])
    });
  } else {
    empty('chart-front', 'No front member has both metrics.');
  }

  // Where each chart sits on the page, in CSS pixels: a browser test crops its screenshot there.
  document.querySelectorAll('.chart').forEach(function (el) {
    var r = el.getBoundingClientRect();
    el.setAttribute('data-rect', [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height]
                                   .map(Math.round).join(','));
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.setAttribute('data-charts', String(charts.length));
})();
)JS";
}

}  // namespace organism::monitor
