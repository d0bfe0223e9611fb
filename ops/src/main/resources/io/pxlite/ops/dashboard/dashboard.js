/*
 * pxlite live dashboard.
 *
 * Polls the node that served the page (same origin, absolute paths, nothing from the internet):
 * /v1/status, /v1/volumes and /v1/alerts every 5 s, /v1/metrics every second. The metric history
 * behind the charts (the last five minutes) lives only in this page; reloading it starts afresh.
 * Metric names and JSON shapes are those of ops/METRICS.md; status and volume shapes are the
 * snake_case records io.pxlite.api.StatusView, NodeView and VolumeView.
 *
 * Hooks for tests, on <body>: data-charts-ready="true" once every chart has at least two samples with
 * a value, data-points (values drawn across all charts; each chart container carries its own
 * data-points too) and data-reachable ("true"/"false": whether the last request of every endpoint
 * succeeded).
 */
(function () {
  'use strict';

  const STATUS_POLL_MS = 5000;
  const METRICS_POLL_MS = 1000;
  const REQUEST_TIMEOUT_MS = 4000;
  const WINDOW_SECONDS = 300;
  const CHART_HEIGHT = 220;

  // Distinct on a dark background; a volume keeps its colour in every chart.
  const PALETTE = ['#4cc9f0', '#f9c74f', '#90be6d', '#f3722c', '#c77dff', '#43aa8b', '#f94144',
    '#577590', '#ff8fab', '#bdb2ff'];
  const DASHED = [6, 4];

  // pxlite_volume_replication_status, as METRICS.md numbers it.
  const REPLICATION_STATUS = ['up', 'degraded', 'rebuilding', 'down'];

  const state = {
    status: null,
    volumes: null,
    alerts: null,
    families: new Map(), // the latest /v1/metrics, by family name
    errors: new Map(), // endpoint -> why its last request failed
    lastContact: null, // Date.now() of the last successful request
  };

  // ---------------------------------------------------------------------------------------------
  // Fetching

  /** GET a JSON body; any failure (network, timeout, non-2xx, bad JSON) becomes an Error to show. */
  async function fetchJson(path) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(path, {
        signal: controller.signal,
        cache: 'no-store',
        headers: { Accept: 'application/json' },
      });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}${await errorDetail(response)}`);
      }
      return await response.json();
    } catch (e) {
      if (e.name === 'AbortError') {
        throw new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The management API answers errors as {"error": "..."}; show that sentence when there is one. */
  async function errorDetail(response) {
    try {
      const body = await response.json();
      return body && body.error ? ` (${body.error})` : '';
    } catch (e) {
      return '';
    }
  }

  /** Fetches one endpoint, remembering whether it failed; returns the body or null. */
  async function request(path) {
    try {
      const body = await fetchJson(path);
      state.errors.delete(path);
      state.lastContact = Date.now();
      return body;
    } catch (e) {
      state.errors.set(path, e.message || String(e));
      return null;
    }
  }

  /**
   * Runs task now and then every intervalMs after the previous run started, never two at once, so
   * a slow node gets fewer requests instead of a pile of overlapping ones. A task that throws is
   * logged and the loop goes on: the page must keep polling whatever happens.
   */
  function every(intervalMs, task) {
    async function run() {
      const started = performance.now();
      try {
        await task();
      } catch (e) {
        console.error(e);
      }
      setTimeout(run, Math.max(0, intervalMs - (performance.now() - started)));
    }
    run();
  }

  async function pollStatus() {
    const [status, volumes, alerts] = await Promise.all(
      ['/v1/status', '/v1/volumes', '/v1/alerts'].map(request));
    // On failure keep showing what we had (dimmed, under the banner) rather than blank panels.
    if (status) state.status = status;
    if (volumes) state.volumes = volumes;
    if (alerts) state.alerts = alerts;
    renderPanels();
  }

  async function pollMetrics() {
    const body = await request('/v1/metrics');
    const clientTime = Date.now() / 1000;
    if (body) {
      state.families = indexFamilies(body);
      recordSample(clientTime, sampleTime(body, clientTime), state.families);
    } else {
      recordGap(clientTime);
    }
    renderPanels();
    drawCharts();
  }

  // ---------------------------------------------------------------------------------------------
  // Metrics: from /v1/metrics to one sample per chart per poll

  function indexFamilies(body) {
    const families = new Map();
    for (const family of body.metrics || []) {
      families.set(family.name, family.samples || []);
    }
    return families;
  }

  /** Numbers may come as JSON strings ("NaN", "Infinity" from Jackson); those are "no value". */
  function toNumber(value) {
    const n = typeof value === 'number' ? value : parseFloat(value);
    return Number.isFinite(n) ? n : null;
  }

  /**
   * When the node took the snapshot, in seconds. Rates divide by the node's clock rather than the
   * page's, so a slow response does not squeeze the same increments into a shorter interval.
   */
  function sampleTime(body, fallback) {
    const parsed = Date.parse(body.time);
    return Number.isFinite(parsed) ? parsed / 1000 : fallback;
  }

  function volumeKey(labels) {
    return labels.volumeid || labels.volumename || '?';
  }

  function volumeName(labels) {
    return labels.volumename || labels.volumeid || '?';
  }

  /**
   * Turns counter readings into per-second rates between consecutive successful polls. A reading
   * below the previous one means the counter restarted (node restart, volume recreated): that
   * interval gets no value instead of a negative rate, and the new reading is the next baseline.
   */
  class RateTracker {
    constructor() {
      this.previous = new Map();
      this.previousTime = null;
      this.current = new Map();
      this.elapsed = null;
    }

    begin(time) {
      this.elapsed = this.previousTime === null ? null : time - this.previousTime;
      this.time = time;
      this.current = new Map();
    }

    rate(key, reading) {
      if (reading === null) return null;
      this.current.set(key, reading);
      const before = this.previous.get(key);
      if (before === undefined || this.elapsed === null || this.elapsed <= 0 || reading < before) {
        return null;
      }
      return (reading - before) / this.elapsed;
    }

    end() {
      this.previous = this.current;
      this.previousTime = this.time;
    }
  }

  const rates = new RateTracker();

  /** Calls visit(sample, labels) for every sample of a family (none when the family is absent). */
  function eachSample(families, name, visit) {
    for (const sample of families.get(name) || []) {
      visit(sample, sample.labels || {});
    }
  }

  function counterRate(families, out, name, scale, describe) {
    eachSample(families, name, (sample, labels) => {
      const series = describe(labels);
      const perSecond = rates.rate(`${name}|${series.key}`, toNumber(sample.value));
      out.push({ ...series, value: perSecond === null ? null : perSecond * scale });
    });
  }

  /** A summary's quantile in ms; none while the timer has seen nothing (Dropwizard reports 0 then). */
  function quantileMs(sample, quantile) {
    if (toNumber(sample.count) === 0) return null;
    const seconds = toNumber((sample.quantiles || {})[quantile]);
    return seconds === null ? null : seconds * 1000;
  }

  function summaryQuantile(families, out, name, quantile, describe) {
    eachSample(families, name, (sample, labels) => {
      out.push({ ...describe(labels), value: quantileMs(sample, quantile) });
    });
  }

  /**
   * How a volume's series looks: colour by volume, line style by what it measures; order sorts a
   * volume's series together in the legend.
   */
  function volumeSeries(suffix, label, order, style) {
    return (labels) => ({
      key: `${volumeKey(labels)}|${suffix}`,
      label: `${volumeName(labels)} ${label}`,
      colorKey: `volume:${volumeKey(labels)}`,
      sortKey: volumeName(labels),
      order,
      ...style,
    });
  }

  const CHARTS = [
    {
      id: 'chart-iops',
      unit: 'IOPS',
      empty: 'no volume I/O on this node yet',
      extract(families, out) {
        counterRate(families, out, 'px_volume_reads_total', 1, volumeSeries('reads', 'reads/s', 0, {}));
        counterRate(families, out, 'px_volume_writes_total', 1,
          volumeSeries('writes', 'writes/s', 1, { dash: DASHED }));
      },
    },
    {
      id: 'chart-throughput',
      unit: 'MB/s',
      empty: 'no volume I/O on this node yet',
      extract(families, out) {
        counterRate(families, out, 'px_volume_read_bytes_total', 1e-6, volumeSeries('read', 'read MB/s', 0, {}));
        counterRate(families, out, 'px_volume_written_bytes_total', 1e-6,
          volumeSeries('write', 'write MB/s', 1, { dash: DASHED }));
      },
    },
    {
      id: 'chart-latency',
      unit: 'ms',
      empty: 'no volume I/O on this node yet',
      extract(families, out) {
        const write = 'px_volume_write_latency_seconds';
        const read = 'px_volume_read_latency_seconds';
        summaryQuantile(families, out, write, '0.99', volumeSeries('w99', 'write p99', 0, { width: 2 }));
        summaryQuantile(families, out, write, '0.5', volumeSeries('w50', 'write p50', 1, { width: 1 }));
        summaryQuantile(families, out, read, '0.99', volumeSeries('r99', 'read p99', 2, { width: 2, dash: DASHED }));
        summaryQuantile(families, out, read, '0.5', volumeSeries('r50', 'read p50', 3, { width: 1, dash: DASHED }));
      },
    },
    {
      id: 'chart-depth',
      unit: 'requests',
      empty: 'no volumes on this node yet',
      extract(families, out) {
        const describe = volumeSeries('depth', 'in flight', 0, {});
        eachSample(families, 'px_volume_depth_io', (sample, labels) => {
          out.push({ ...describe(labels), value: toNumber(sample.value) });
        });
      },
    },
    {
      id: 'chart-commit',
      unit: 'ms',
      empty: 'no replica groups on this node yet',
      extract(families, out) {
        summaryQuantile(families, out, 'pxlite_group_commit_latency_seconds', '0.99', (labels) => ({
          key: labels.group || '?',
          label: `${labels.group || '?'} p99`,
          colorKey: `group:${labels.group || '?'}`,
          sortKey: labels.group || '?',
          order: 0,
        }));
      },
    },
  ];

  // ---------------------------------------------------------------------------------------------
  // History: one entry per metrics poll, the last WINDOW_SECONDS of them

  const history = {
    times: [], // page clock, seconds: what the x axis shows
    values: [], // per poll: chart id -> Map(series key -> value or null)
    series: new Map(), // chart id -> Map(series key -> {label, colorKey, dash, width, sortKey, order})
  };
  for (const chart of CHARTS) history.series.set(chart.id, new Map());

  function recordSample(clientTime, nodeTime, families) {
    rates.begin(nodeTime);
    const byChart = new Map();
    for (const chart of CHARTS) {
      const points = [];
      chart.extract(families, points);
      const values = new Map();
      const known = history.series.get(chart.id);
      for (const { value, ...looks } of points) {
        values.set(looks.key, value);
        known.set(looks.key, looks); // the latest looks win, e.g. a label that changed
      }
      byChart.set(chart.id, values);
    }
    rates.end();
    appendHistory(clientTime, byChart);
  }

  /** A poll that failed gets an empty entry, so the charts show a gap instead of bridging it. */
  function recordGap(clientTime) {
    if (history.times.length === 0) return;
    appendHistory(clientTime, new Map());
  }

  function appendHistory(time, byChart) {
    history.times.push(time);
    history.values.push(byChart);
    // Keep one entry older than the window, so lines enter from the left edge instead of starting late.
    while (history.times.length > 2 && history.times[1] < time - WINDOW_SECONDS) {
      history.times.shift();
      history.values.shift();
    }
    forgetVanishedSeries();
  }

  /** A volume or group deleted more than a window ago leaves the chart and its legend. */
  function forgetVanishedSeries() {
    for (const [chartId, known] of history.series) {
      const live = new Set();
      for (const entry of history.values) {
        const values = entry.get(chartId);
        if (values) values.forEach((_, key) => live.add(key));
      }
      for (const key of [...known.keys()]) {
        if (!live.has(key)) known.delete(key);
      }
    }
  }

  function seriesOf(chartId) {
    return [...history.series.get(chartId).values()].sort((a, b) =>
      a.sortKey.localeCompare(b.sortKey) || a.order - b.order);
  }

  function columnOf(chartId, key) {
    return history.values.map((entry) => {
      const values = entry.get(chartId);
      const value = values ? values.get(key) : undefined;
      return value === undefined ? null : value;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Charts

  const palette = new Map(); // colour key -> colour, assigned on first sight so they stay put

  function colorFor(colorKey) {
    if (!palette.has(colorKey)) palette.set(colorKey, PALETTE[palette.size % PALETTE.length]);
    return palette.get(colorKey);
  }

  const plots = new Map(); // chart id -> {plot, signature}

  function axisStyle() {
    return {
      stroke: '#9aa5b1',
      grid: { stroke: 'rgba(255,255,255,0.07)', width: 1 },
      ticks: { stroke: 'rgba(255,255,255,0.15)', width: 1 },
    };
  }

  function plotOptions(chart, series, width) {
    return {
      width,
      height: CHART_HEIGHT,
      scales: {
        // A fixed five-minute window ending at the newest sample: the chart slides like a strip recorder.
        x: { time: true, range: (u, min, max) => [max - WINDOW_SECONDS, max] },
        // Rates and latencies start at zero; an all-idle chart still gets a sensible axis.
        y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      series: [
        { label: 'time', value: (u, t) => (t == null ? '–' : clockTime(t * 1000)) },
        ...series.map((s) => ({
          label: s.label,
          stroke: colorFor(s.colorKey),
          width: s.width || 1.5,
          dash: s.dash,
          value: (u, v) => (v == null ? '–' : `${formatNumber(v)} ${chart.unit}`),
        })),
      ],
      axes: [
        { ...axisStyle(), values: (u, splits) => splits.map(axisTime) },
        { ...axisStyle(), size: 56, values: (u, splits) => splits.map(formatNumber) },
      ],
      legend: { live: true },
      // Zooming would fight the sliding window; the cursor still reads values into the legend.
      cursor: { drag: { setScale: false, x: false, y: false } },
    };
  }

  function chartWidth(container) {
    return Math.max(280, container.clientWidth);
  }

  /** Rebuilds a chart when its set of series changed (uPlot's series are fixed per instance). */
  function drawChart(chart) {
    const container = document.getElementById(chart.id);
    const series = seriesOf(chart.id);
    const signature = series.map((s) => `${s.key}\u0000${s.label}`).join('\n');
    let entry = plots.get(chart.id);

    if (series.length === 0) {
      if (entry) entry.plot.destroy();
      plots.delete(chart.id);
      const why = history.times.length === 0 ? 'waiting for the first /v1/metrics' : chart.empty;
      container.replaceChildren(el('div', { class: 'chart-empty' }, why));
      return { points: 0, samples: 0 };
    }
    if (!entry || entry.signature !== signature) {
      if (entry) entry.plot.destroy();
      container.replaceChildren();
      const plot = new uPlot(plotOptions(chart, series, chartWidth(container)), null, container);
      entry = { plot, signature };
      plots.set(chart.id, entry);
    }
    const columns = series.map((s) => columnOf(chart.id, s.key));
    entry.plot.setData([history.times.slice(), ...columns]);
    // With no cursor on the chart the legend reads out the newest poll instead of a row of dashes.
    if (!(entry.plot.cursor.left >= 0)) entry.plot.setLegend({ idx: history.times.length - 1 });
    return countPoints(columns);
  }

  /** Values drawn, and how many polls have at least one value (what chartsReady waits on). */
  function countPoints(columns) {
    let points = 0;
    let samples = 0;
    for (let i = 0; i < history.times.length; i++) {
      const drawn = columns.reduce((n, column) => n + (column[i] === null ? 0 : 1), 0);
      points += drawn;
      if (drawn > 0) samples++;
    }
    return { points, samples };
  }

  function drawCharts() {
    if (typeof uPlot === 'undefined') {
      for (const chart of CHARTS) {
        document.getElementById(chart.id).replaceChildren(
          el('div', { class: 'chart-empty' }, 'uPlot did not load from /dashboard/uplot/uPlot.iife.min.js'));
      }
      return;
    }
    let points = 0;
    let ready = true;
    for (const chart of CHARTS) {
      const counts = drawChart(chart);
      document.getElementById(chart.id).dataset.points = String(counts.points);
      points += counts.points;
      if (counts.samples < 2) ready = false;
    }
    document.body.dataset.points = String(points);
    if (ready) document.body.dataset.chartsReady = 'true';
  }

  function resizeCharts() {
    for (const [chartId, { plot }] of plots) {
      plot.setSize({ width: chartWidth(document.getElementById(chartId)), height: CHART_HEIGHT });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Formatting

  function formatBytes(bytes) {
    const n = toNumber(bytes);
    if (n === null) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let value = n;
    let unit = 0;
    while (Math.abs(value) >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    const digits = unit > 0 && Math.abs(value) < 10 ? 1 : 0;
    return `${Number(value.toFixed(digits))} ${units[unit]}`;
  }

  /** Short numbers for axes and legends: 0.41, 2.5, 37, 1.2k, 18k, 3.4M. */
  function formatNumber(v) {
    if (v == null || !Number.isFinite(v)) return '–';
    const a = Math.abs(v);
    if (a >= 1e6) return `${Number((v / 1e6).toFixed(a >= 1e7 ? 0 : 1))}M`;
    if (a >= 1e3) return `${Number((v / 1e3).toFixed(a >= 1e4 ? 0 : 1))}k`;
    if (a >= 100 || a === 0) return String(Math.round(v));
    if (a >= 10) return String(Number(v.toFixed(1)));
    if (a >= 1) return String(Number(v.toFixed(2)));
    return String(Number(v.toPrecision(2)));
  }

  function percent(part, whole) {
    return whole > 0 ? Math.min(100, Math.max(0, (100 * part) / whole)) : 0;
  }

  function clockTime(ms) {
    return new Date(ms).toLocaleTimeString([], { hour12: false });
  }

  /** Time-axis ticks, 24-hour like the rest of the page: "11:52" on the minute, ":30" between. */
  function axisTime(seconds) {
    const date = new Date(seconds * 1000);
    const two = (n) => String(n).padStart(2, '0');
    return date.getSeconds() === 0
      ? `${two(date.getHours())}:${two(date.getMinutes())}`
      : `:${two(date.getSeconds())}`;
  }

  function ago(iso) {
    const then = Date.parse(iso);
    if (!Number.isFinite(then)) return iso || '–';
    const seconds = Math.round((Date.now() - then) / 1000);
    if (seconds < 5) return 'just now';
    if (seconds < 120) return `${seconds} s ago`;
    if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
    if (seconds < 172800) return `${Math.round(seconds / 3600)} h ago`;
    return `${Math.round(seconds / 86400)} d ago`;
  }

  // ---------------------------------------------------------------------------------------------
  // DOM helpers (textContent only: names and messages come from the cluster, never as HTML)

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') node.className = value;
      else node.setAttribute(name, value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function badge(text, tone) {
    return el('span', { class: `badge ${tone}` }, text);
  }

  /** A usage bar that turns amber past 75 % and red past 90 %, as an operator would want to notice. */
  function bar(used, total) {
    const pct = percent(used, total);
    const tone = pct >= 90 ? 'crit' : pct >= 75 ? 'warn' : 'ok';
    const fill = el('div', { class: `bar-fill ${tone}` });
    fill.style.width = `${pct.toFixed(1)}%`;
    return el('div', { class: 'bar', title: `${pct.toFixed(1)} %` }, fill);
  }

  function usage(used, total) {
    return el('div', { class: 'usage' }, bar(used, total),
      el('span', { class: 'usage-text' },
        `${formatBytes(used)} of ${formatBytes(total)} (${Math.round(percent(used, total))} %)`));
  }

  function facts(id, pairs) {
    document.getElementById(id).replaceChildren(
      ...pairs.flatMap(([term, value]) => [el('dt', null, term), el('dd', null, value)]));
  }

  function fillTable(id, rows, emptyText) {
    const body = document.querySelector(`#${id} tbody`);
    if (rows.length === 0) {
      const columns = document.querySelectorAll(`#${id} thead th`).length;
      body.replaceChildren(el('tr', null, el('td', { class: 'empty', colspan: columns }, emptyText)));
    } else {
      body.replaceChildren(...rows);
    }
  }

  /**
   * Re-renders a panel only when its inputs changed: the page refreshes every second, and rebuilding
   * unchanged tables would drop the reader's text selection and hover for nothing.
   */
  const rendered = new Map();
  function renderIfChanged(name, inputs, render) {
    const signature = JSON.stringify(inputs);
    if (rendered.get(name) === signature) return;
    rendered.set(name, signature);
    render(...inputs);
  }

  function healthTone(text) {
    if (['healthy', 'online', 'up', 'in sync'].includes(text)) return 'ok';
    if (['down', 'offline', 'error', 'unhealthy', 'critical'].includes(text)) return 'crit';
    return 'warn';
  }

  // ---------------------------------------------------------------------------------------------
  // Panels

  function renderPanels() {
    renderBanner();
    renderHeader();
    if (state.status) {
      renderIfChanged('cluster', [state.status], renderCluster);
      renderIfChanged('node', [state.status.node], renderNode);
      renderIfChanged('devices', [state.status.node && state.status.node.devices, failedDevices()], renderDevices);
    }
    if (state.volumes) renderIfChanged('volumes', [state.volumes, volumeHealth()], renderVolumes);
    if (state.alerts) renderIfChanged('alerts', [state.alerts], renderAlerts);
    refreshAges();
  }

  function renderBanner() {
    const banner = document.getElementById('banner');
    const reachable = state.errors.size === 0;
    document.body.dataset.reachable = String(reachable);
    document.body.classList.toggle('stale', !reachable);
    banner.hidden = reachable;
    if (reachable) return;
    // Endpoints usually fail together for one reason: say it once, naming them all.
    const pathsByReason = new Map();
    for (const [path, reason] of state.errors) {
      pathsByReason.set(reason, [...(pathsByReason.get(reason) || []), path]);
    }
    const why = [...pathsByReason].map(([reason, paths]) => `${reason} (${paths.join(', ')})`).join('; ');
    const contact = state.lastContact === null
      ? 'never reached it from this page'
      : `last answer ${Math.round((Date.now() - state.lastContact) / 1000)} s ago`;
    banner.textContent = `node unreachable: ${why}; ${contact}, still trying`;
  }

  function renderHeader() {
    const status = state.status;
    if (status) {
      document.getElementById('cluster-title').textContent =
        `cluster ${status.cluster_id} · node ${status.node ? status.node.id : '?'}`;
    }
    if (state.lastContact !== null) {
      document.getElementById('updated').textContent = `updated ${clockTime(state.lastContact)}`;
    }
  }

  function renderCluster(status) {
    const endpoints = (status.kvdb_endpoints || []).join(', ');
    facts('cluster-facts', [
      ['cluster', status.cluster_id],
      ['health', badge(status.health, healthTone(status.health))],
      ['nodes', el('span', null,
        badge(`${status.nodes_online} / ${status.nodes_total} online`,
          status.nodes_online >= status.nodes_total ? 'ok' : 'warn'))],
      ['kvdb', el('span', null,
        badge(status.kvdb_reachable ? 'reachable' : 'unreachable', status.kvdb_reachable ? 'ok' : 'crit'),
        el('span', { class: 'muted small' }, ` ${endpoints}`))],
    ]);
    const total = status.cluster_capacity_bytes;
    document.getElementById('cluster-capacity').replaceChildren(
      el('div', { class: 'label' }, 'capacity used'), usage(total - status.cluster_free_bytes, total));
  }

  function renderNode(node) {
    if (!node) return;
    facts('node-facts', [
      ['id', el('span', { class: 'mono' }, node.id)],
      ['status', badge(node.status, healthTone(node.status))],
      ['addresses', el('span', { class: 'mono' }, `mgmt ${node.mgmt_ip} · data ${node.data_ip}`)],
      ['cpus', String(node.cpus)],
      ['memory', `${formatBytes(node.mem_total_bytes - node.mem_free_bytes)} of ${formatBytes(node.mem_total_bytes)} used`],
      ['volumes', String(node.volumes)],
    ]);
    document.getElementById('node-capacity').replaceChildren(
      el('div', { class: 'label' }, 'capacity used'),
      usage(node.capacity_bytes - node.free_bytes, node.capacity_bytes));
  }

  /** Devices this node's store stopped using (pxlite_device_failed), by the device label. */
  function failedDevices() {
    const failed = [];
    eachSample(state.families, 'pxlite_device_failed', (sample, labels) => {
      if (toNumber(sample.value) === 1 && labels.device) failed.push(labels.device);
    });
    return failed.sort();
  }

  function renderDevices(devices, failed) {
    const rows = (devices || []).map((device) => {
      // The label is the device's id or path; accept either rather than guess which.
      const isFailed = failed.includes(device.id) || failed.includes(device.path);
      return el('tr', null,
        el('td', { class: 'mono' }, device.id, isFailed ? [' ', badge('failed', 'crit')] : null),
        el('td', { class: 'mono' }, device.path),
        el('td', null, usage(device.used_bytes, device.capacity_bytes)),
        el('td', { class: 'num' }, formatBytes(device.capacity_bytes)));
    });
    fillTable('devices', rows, 'no devices');
  }

  /**
   * Per volume id, what this node's metrics say about its replicas. The volume list leaves
   * replica_states empty (they cost a round of RPCs per volume), so the replica column leans on
   * pxlite_volume_replicas_healthy and pxlite_volume_replication_status instead.
   */
  function volumeHealth() {
    const health = {};
    const note = (name, field) => eachSample(state.families, name, (sample, labels) => {
      const key = volumeKey(labels);
      health[key] = health[key] || {};
      health[key][field] = toNumber(sample.value);
    });
    note('pxlite_volume_replicas_healthy', 'healthy');
    note('px_volume_halevel', 'wanted');
    note('pxlite_volume_replication_status', 'replication');
    return health;
  }

  function renderVolumes(volumes, health) {
    const sorted = [...volumes].sort((a, b) => String(a.name).localeCompare(String(b.name)));
    document.getElementById('volumes-count').textContent = String(volumes.length);
    fillTable('volumes', sorted.map((volume) => volumeRow(volume, health[volume.id] || health[volume.name] || {})),
      'no volumes');
  }

  function volumeRow(volume, health) {
    return el('tr', null,
      el('td', { class: 'strong' }, volume.name),
      el('td', { class: 'mono small' }, volume.id),
      el('td', { class: 'num' }, formatBytes(volume.size_bytes)),
      el('td', { class: 'num' }, String(volume.repl)),
      el('td', null, replicaCell(volume, health)),
      el('td', null, statusCell(volume, health)),
      el('td', null, attachedCell(volume)),
      el('td', null, usage(volume.used_bytes, volume.size_bytes)));
  }

  function replicaCell(volume, health) {
    const states = volume.replica_states || [];
    if (states.length > 0) {
      return el('div', { class: 'chips' }, states.map(replicaChip));
    }
    const nodes = volume.replicas || [];
    // With every replica healthy we know each one's state; with fewer we only know how many.
    const allInSync = health.healthy !== undefined && health.healthy !== null && health.healthy >= nodes.length;
    const chips = nodes.map((node) => replicaChip({ node, state: allInSync ? 'in sync' : null }));
    if (!allInSync && health.healthy !== undefined && health.healthy !== null) {
      chips.push(el('span', { class: 'muted small' }, ` ${health.healthy} of ${nodes.length} in sync`));
    }
    return el('div', { class: 'chips' }, chips);
  }

  function replicaChip(replica) {
    const label = replica.state ? `${replica.node}: ${replica.state}` : replica.node;
    let progress = '';
    if (replica.state === 'rebuilding' && replica.rebuild_total_bytes > 0) {
      progress = ` ${Math.round(percent(replica.rebuild_copied_bytes, replica.rebuild_total_bytes))} %`;
    }
    const tone = replica.state ? healthTone(replica.state) : 'neutral';
    return el('span', { class: `chip ${tone}`, title: replica.reason || null }, label + progress);
  }

  function statusCell(volume, health) {
    // The list's status is only up/down; the metric also knows degraded and rebuilding.
    const fromMetric = REPLICATION_STATUS[health.replication];
    const status = fromMetric && fromMetric !== 'up' ? fromMetric : volume.status;
    const cell = [badge(status, healthTone(status))];
    if (volume.state && !['attached', 'detached', 'available'].includes(volume.state)) {
      cell.push(' ', badge(volume.state, healthTone(volume.state)));
    }
    return cell;
  }

  function attachedCell(volume) {
    if (!volume.attached_on) return el('span', { class: 'muted' }, 'detached');
    const where = [volume.device_path, ...(volume.attach_path || [])].filter(Boolean);
    return el('div', null,
      el('span', { class: 'mono' }, volume.attached_on),
      where.length ? el('div', { class: 'mono small muted' }, where.join(' · ')) : null);
  }

  function renderAlerts(alerts) {
    document.getElementById('alerts-count').textContent = alerts.length ? String(alerts.length) : '';
    const rows = alerts.map((alert) => el('tr', { class: `alert ${alert.severity}` },
      el('td', null, badge(alert.severity, alert.severity === 'critical' ? 'crit' : 'warn')),
      el('td', { class: 'mono' }, alert.kind),
      el('td', null, el('span', { class: 'muted' }, `${alert.resource_type} `), el('span', { class: 'mono' }, alert.resource)),
      el('td', null, alert.message),
      el('td', { 'data-since': alert.since, title: alert.since }, ago(alert.since))));
    fillTable('alerts', rows, 'no alerts');
  }

  /** "since" reads as an age; ages move on every refresh even when the alerts did not change. */
  function refreshAges() {
    for (const cell of document.querySelectorAll('[data-since]')) {
      cell.textContent = ago(cell.dataset.since);
    }
  }

  // ---------------------------------------------------------------------------------------------

  let resizePending = false;
  window.addEventListener('resize', () => {
    if (resizePending) return;
    resizePending = true;
    requestAnimationFrame(() => {
      resizePending = false;
      resizeCharts();
    });
  });

  every(STATUS_POLL_MS, pollStatus);
  every(METRICS_POLL_MS, pollMetrics);
})();
