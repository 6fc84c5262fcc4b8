// Ferry's dashboard: polls /api/stats and /api/upstreams once a second and draws them with uPlot.
// Rates and percentiles are computed by Ferry; the page only draws what it gets.
(function () {
  'use strict';

  const COLORS = { '2xx': '#2e9d4a', '3xx': '#2f6fdb', '4xx': '#e08a00', '5xx': '#d62d2d',
                   p50: '#2f6fdb', p99: '#9a4fd1', hit: '#2e9d4a', connections: '#2f6fdb', inflight: '#e08a00' };
  const TOKEN_KEY = 'ferry-admin-token';

  // What the page has done, for people debugging it and for the browser test.
  const state = { updates: 0, failures: 0, lastStats: null, lastUpstreams: null, charts: {} };
  window.ferryDashboard = state;

  let token = sessionStorage.getItem(TOKEN_KEY);
  // A token can come in the URL fragment (never sent to the server): /#token=...
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get('token')) {
    token = fragment.get('token');
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', location.pathname + location.search);
  }

  const $ = (id) => document.getElementById(id);

  document.getElementById('login').addEventListener('submit', (event) => {
    event.preventDefault();
    token = $('token').value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    $('login').hidden = true;
    tick();
  });

  async function getJson(path) {
    const headers = token ? { Authorization: 'Bearer ' + token } : {};
    const response = await fetch(path, { headers, cache: 'no-store' });
    if (response.status === 401) {
      $('login').hidden = false;
      throw new Error('the admin token is missing or wrong');
    }
    if (!response.ok) {
      throw new Error(path + ': HTTP ' + response.status);
    }
    return response.json();
  }

  function chart(id, series, yLabel, range) {
    const el = $(id);
    const opts = {
      width: Math.max(300, el.clientWidth),
      height: 220,
      legend: { live: false },
      cursor: { show: true, drag: { x: false, y: false } },
      scales: { x: { time: true }, y: range ? { range } : { auto: true, range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{}, { label: yLabel, size: 60 }],
      series: [{}].concat(series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: false,
        fill: s.fill ? s.color + '22' : undefined, points: { show: false } }))),
    };
    const data = [[]].concat(series.map(() => []));
    const plot = new uPlot(opts, data, el);
    state.charts[id] = plot;
    return plot;
  }

  const charts = {
    rps: chart('chart-rps', ['2xx', '3xx', '4xx', '5xx'].map((c) => ({ label: c, color: COLORS[c] })), 'req/s'),
    latency: chart('chart-latency', [{ label: 'p50', color: COLORS.p50 }, { label: 'p99', color: COLORS.p99 }], 'ms'),
    hit: chart('chart-hit', [{ label: 'hit ratio', color: COLORS.hit, fill: true }], '%', [0, 100]),
    connections: chart('chart-connections', [{ label: 'connections', color: COLORS.connections },
      { label: 'in flight', color: COLORS.inflight }], 'count'),
  };

  window.addEventListener('resize', () => {
    for (const [id, plot] of Object.entries(state.charts)) {
      plot.setSize({ width: Math.max(300, $(id).clientWidth), height: 220 });
    }
  });

  function fmt(value, digits, unit) {
    if (value === null || value === undefined || Number.isNaN(value)) {
      return '–';
    }
    return value.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: 0 }) + (unit || '');
  }

  function duration(seconds) {
    const s = Math.floor(seconds);
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return d > 0 ? d + 'd ' + h + 'h' : h > 0 ? h + 'h ' + m + 'm' : m + 'm ' + (s % 60) + 's';
  }

  function drawStats(stats) {
    const h = stats.history;
    charts.rps.setData([h.time, h.rps_2xx, h.rps_3xx, h.rps_4xx, h.rps_5xx]);
    charts.latency.setData([h.time, h.p50_ms, h.p99_ms]);
    charts.hit.setData([h.time, h.hit_ratio.map((r) => (r === null ? null : r * 100))]);
    charts.connections.setData([h.time, h.connections, h.in_flight]);

    $('rps').textContent = fmt(stats.rates.requests_per_second, 1);
    $('p50').textContent = fmt(stats.latency_ms.p50, 2, ' ms');
    $('p99').textContent = fmt(stats.latency_ms.p99, 2, ' ms');
    const ratio = stats.cache.hit_ratio_recent !== null ? stats.cache.hit_ratio_recent : stats.cache.hit_ratio;
    $('hit').textContent = ratio === null ? '–' : fmt(ratio * 100, 1, ' %');
    $('connections').textContent = fmt(stats.connections, 0);
    $('inflight').textContent = fmt(stats.in_flight, 0);
    $('total').textContent = fmt(stats.requests.total, 0);
    $('uptime').textContent = duration(stats.uptime_seconds);
    const ready = $('ready');
    ready.textContent = stats.ready ? 'ready' : 'not ready';
    ready.className = 'pill ' + (stats.ready ? 'ready' : 'unready');
  }

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
  }

  function drawUpstreams(body) {
    const tbody = $('upstreams').tBodies[0];
    const rows = [];
    for (const upstream of body.upstreams) {
      for (const server of upstream.servers) {
        const row = document.createElement('tr');
        row.dataset.upstream = upstream.name;
        row.dataset.server = server.address;
        cell(row, upstream.name);
        cell(row, server.configured && server.configured !== server.address
          ? server.configured + ' (' + server.address + ')' : server.address);
        cell(row, server.state, 'state state-' + server.state);
        cell(row, fmt(server.requests_in_flight, 0));
        cell(row, fmt(server.ejections, 0));
        cell(row, fmt(server.latency_ms.p50, 2));
        cell(row, fmt(server.latency_ms.p99, 2));
        cell(row, server.last_error || '', 'muted');
        rows.push(row);
      }
    }
    if (rows.length === 0) {
      const row = document.createElement('tr');
      cell(row, 'no upstreams configured', 'muted');
      row.firstChild.colSpan = 8;
      rows.push(row);
    }
    tbody.replaceChildren(...rows);
  }

  let busy = false;
  async function tick() {
    if (busy) {
      return;
    }
    busy = true;
    try {
      const [stats, upstreams] = await Promise.all([getJson('/api/stats'), getJson('/api/upstreams')]);
      drawStats(stats);
      drawUpstreams(upstreams);
      state.lastStats = stats;
      state.lastUpstreams = upstreams;
      state.updates++;
      document.body.dataset.updates = String(state.updates);
      $('updated').textContent = new Date().toLocaleTimeString();
      $('problem').hidden = true;
    } catch (error) {
      state.failures++;
      $('problem').textContent = String(error.message || error);
      $('problem').hidden = false;
    } finally {
      busy = false;
    }
  }

  tick();
  setInterval(tick, 1000);
})();
