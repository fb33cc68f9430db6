/**
 * The browser side of report.html: its style and the script that draws the charts from the embedded data
 * (plain ES2020, run by the browser; it only slices the aggregated series by repository and period). Colours
 * are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies); every series also
 * differs by pattern or dash, and every chart has a data table beside it, so nothing depends on colour alone.
 */

export const REPORT_STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); margin: 0; background: #fff; }
header { padding: 16px 24px 8px; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: #fff; z-index: 1; }
h1 { font-size: 22px; margin: 0; }
.meta { color: var(--muted); margin: 2px 0 8px; }
nav a { margin-right: 16px; color: #0550ae; }
.filters { display: flex; gap: 16px; margin: 8px 0 0; }
main { padding: 8px 24px 32px; max-width: 1200px; }
section { margin-top: 24px; }
h2 { font-size: 19px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
figure { margin: 12px 0 20px; }
figure .plot { position: relative; height: 280px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; }
td { font-variant-numeric: tabular-nums; }
.figures td { text-align: right; }
details { margin: 4px 0 0; font-size: 13px; }
@media print {
  header { position: static; }
  nav, .filters { display: none; }
  section { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;

export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
  var charts = {};
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
  Chart.defaults.maintainAspectRatio = false;

  function hatch(color) {
    var c = document.createElement('canvas');
    c.width = 8; c.height = 8;
    var g = c.getContext('2d');
    g.fillStyle = '#fff'; g.fillRect(0, 0, 8, 8);
    g.strokeStyle = color; g.lineWidth = 2;
    g.beginPath(); g.moveTo(0, 8); g.lineTo(8, 0); g.stroke();
    return g.createPattern(c, 'repeat');
  }
  function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
  function fmt(v) { return v === null || v === undefined ? '–' : (Math.round(v * 10) / 10).toString(); }

  /** Wraps each canvas in a sized box and adds a data table (readable without colour, and by screen readers). */
  function place(id) {
    var canvas = document.getElementById(id);
    if (!canvas.parentElement.classList.contains('plot')) {
      var box = el('div'); box.className = 'plot';
      canvas.parentElement.insertBefore(box, canvas); box.appendChild(canvas);
      var details = el('details'); details.appendChild(el('summary', 'Data table'));
      details.id = id + '-table';
      box.parentElement.appendChild(details);
    }
    return canvas;
  }
  function dataTable(id, labels, datasets) {
    var details = document.getElementById(id + '-table');
    while (details.childNodes.length > 1) details.removeChild(details.lastChild);
    var table = el('table'); var head = el('tr'); head.appendChild(el('th', ''));
    datasets.forEach(function (d) { head.appendChild(el('th', d.label)); });
    table.appendChild(head);
    labels.forEach(function (label, i) {
      var tr = el('tr'); tr.appendChild(el('th', label));
      datasets.forEach(function (d) { tr.appendChild(el('td', fmt(d.data[i]))); });
      table.appendChild(tr);
    });
    details.appendChild(table);
  }
  function draw(id, config) {
    var canvas = place(id);
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart(canvas, config);
    dataTable(id, config.data.labels, config.data.datasets);
  }
  function line(label, values, i, axis) {
    return { type: 'line', label: label, data: values, borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length], borderDash: DASHES[i % DASHES.length], pointStyle: ['circle', 'rect', 'triangle', 'rectRot'][i % 4], pointRadius: 3, spanGaps: true, yAxisID: axis || 'y', stack: 'line-' + label };
  }
  function bar(label, values, i, stack, pattern) {
    var color = COLORS[i % COLORS.length];
    return { type: 'bar', label: label, data: values, backgroundColor: pattern ? hatch(color) : color, borderColor: color, borderWidth: 1, stack: stack };
  }

  function render() {
    var repository = document.getElementById('filter-repository').value;
    var weeks = Number(document.getElementById('filter-weeks').value);
    var from = Math.max(0, data.weeks.length - weeks);
    var labels = data.weeks.slice(from);
    var cut = function (values) { return values.slice(from); };
    var flow = data.flow[repository] || data.flow['*'];

    draw('chart-overview', { data: { labels: labels, datasets: [bar('PRs merged', cut(flow.merged), 0), line('median cycle time (h)', cut(flow.cycle_median), 1, 'y2')] },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'PRs merged' } }, y2: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'hours' } } } } });

    draw('chart-phases', { data: { labels: labels, datasets: [bar('coding (median h)', cut(flow.coding_median), 0, 'p'), bar('pickup (median h)', cut(flow.pickup_median), 1, 'p', true), bar('review (median h)', cut(flow.review_median), 2, 'p'), line('cycle p90 (h)', cut(flow.cycle_p90), 3)] },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'hours' } } } } });

    // The distribution is over the whole window of the data (it is aggregated per repository, not per week).
    draw('chart-distribution', { data: { labels: data.histogram_buckets, datasets: [bar('pull requests', flow.histogram, 4)] }, options: { scales: { y: { beginAtZero: true } } } });

    draw('chart-reviewers', { data: { labels: labels, datasets: data.reviewers.map(function (r, i) { return bar(r.name, cut(r.reviews), i, 'r', i % 2 === 1); }) },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } });

    draw('chart-first-review', { data: { labels: labels, datasets: [line('median time to first review (h)', cut(flow.pickup_median), 1)] }, options: { scales: { y: { beginAtZero: true } } } });

    var deploySets = [];
    data.deployments.forEach(function (d, i) {
      deploySets.push(bar(d.environment + ' ok', cut(d.successful), i, d.environment));
      deploySets.push(bar(d.environment + ' failed', cut(d.failed), i, d.environment, true));
    });
    if (deploySets.length === 0) deploySets.push(bar('deployments', cut(data.weeks.map(function () { return 0; })), 0));
    draw('chart-deployments', { data: { labels: labels, datasets: deploySets }, options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } });

    draw('chart-dora', { data: { labels: labels, datasets: [line('lead time (median h)', cut(data.production.lead_time_median), 0), line('change failure rate (%)', cut(data.production.change_failure_rate).map(function (v) { return v === null ? null : v * 100; }), 5, 'y2')] },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'hours' } }, y2: { position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: '%' } } } } });

    var runs = data.runs.length > 0 ? data.runs : [{ run: 'no run manifests given', requests: 0, budget: null, failed_partitions: 0 }];
    draw('chart-health', { data: { labels: runs.map(function (r) { return r.run; }), datasets: [bar('requests', runs.map(function (r) { return r.requests; }), 0), line('budget', runs.map(function (r) { return r.budget === undefined ? null : r.budget; }), 5), bar('failed partitions', runs.map(function (r) { return r.failed_partitions; }), 5, undefined, true)] },
      options: { scales: { y: { beginAtZero: true } } } });

    var slow = document.querySelector('#slowest-open tbody');
    slow.textContent = '';
    data.slowest_open.filter(function (p) { return repository === '*' || p.repository === (data.repositories.find(function (r) { return r.id === repository; }) || {}).name; }).forEach(function (p) {
      var tr = el('tr'); tr.appendChild(el('td', p.repository));
      var cell = el('td');
      if (p.url) { var a = el('a', '#' + p.number); a.href = p.url; a.rel = 'noreferrer'; cell.appendChild(a); } else cell.textContent = '#' + p.number;
      tr.appendChild(cell); tr.appendChild(el('td', p.title)); tr.appendChild(el('td', p.author || '')); tr.appendChild(el('td', fmt(p.age_days)));
      slow.appendChild(tr);
    });
    var failed = document.querySelector('#failed-deployments tbody');
    failed.textContent = '';
    data.failed_deployments.forEach(function (f) {
      var tr = el('tr');
      [f.repository, f.environment, f.failed_at.slice(0, 16).replace('T', ' '), f.restored_at ? f.restored_at.slice(0, 16).replace('T', ' ') : 'not yet', fmt(f.hours)].forEach(function (t) { tr.appendChild(el('td', t)); });
      failed.appendChild(tr);
    });
    var runBody = document.querySelector('#runs tbody');
    runBody.textContent = '';
    data.runs.forEach(function (r) {
      var tr = el('tr');
      [r.run, (r.finished_at || '').slice(0, 16).replace('T', ' '), r.status, String(r.requests), r.budget === null || r.budget === undefined ? '–' : String(r.budget), String(r.failed_partitions)].forEach(function (t) { tr.appendChild(el('td', t)); });
      runBody.appendChild(tr);
    });
  }

  var select = document.getElementById('filter-repository');
  data.repositories.forEach(function (r) { var o = el('option', r.name); o.value = r.id; select.appendChild(o); });
  select.addEventListener('change', render);
  document.getElementById('filter-weeks').addEventListener('change', render);
  window.addEventListener('beforeprint', function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  render();
  document.body.setAttribute('data-rendered', 'true');
})();
`;
