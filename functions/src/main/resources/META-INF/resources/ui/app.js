/*
 * Relay web UI: one page, KFP's hash routes (#/runs, #/runs/details/<id>, #/pipelines[/details/<id>],
 * #/experiments[/details/<id>], #/compare?runlist=a,b, #/recurringruns) plus #/triggers.
 * It reads only public HTTP APIs: KFP v2beta1 (/apis/v2beta1), Relay's run and index API (/api/v1)
 * and the UI session (/ui/session); docs/api.md. Libraries (docs/architecture.md "Web UI"):
 * dagre (graph layout), Chart.js (ROC and metric charts), marked (markdown), DOMPurify (sanitizing).
 */
'use strict';

const Relay = (() => {
  const page = () => document.getElementById('page');
  const panel = () => document.getElementById('panel');
  let csrf = null;
  let timers = [];
  let charts = [];
  let config = {};

  // ------------------------------------------------------------------ helpers

  function esc(v) {
    return String(v == null ? '' : v).replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
  }

  function h(html) {
    const t = document.createElement('template');
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && (body.error || body.message)) || ('HTTP ' + status));
      this.status = status;
      this.body = body;
    }
  }

  /** fetch + JSON; adds the CSRF header to state-changing requests; 401 shows the login form. */
  async function api(path, opts = {}) {
    const o = Object.assign({credentials: 'same-origin'}, opts);
    o.headers = Object.assign({'Accept': 'application/json'}, opts.headers || {});
    if (o.method && o.method !== 'GET' && csrf) {
      o.headers['X-CSRF-Token'] = csrf;
    }
    if (o.json !== undefined) {
      o.body = JSON.stringify(o.json);
      o.headers['Content-Type'] = 'application/json';
      delete o.json;
    }
    const r = await fetch(path, o);
    const text = await r.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = {error: text}; }
    if (r.status === 401) {
      showLogin();
      throw new ApiError(401, body);
    }
    if (!r.ok) {
      throw new ApiError(r.status, body);
    }
    return body;
  }

  function every(ms, fn) {
    const t = setInterval(fn, ms);
    timers.push(t);
    return t;
  }

  /** A one-shot timer that leaving the page clears (clearInterval clears timeouts too). */
  function later(ms, fn) {
    const t = setTimeout(() => { timers = timers.filter(x => x !== t); fn(); }, ms);
    timers.push(t);
    return t;
  }

  function fmtTime(t) {
    if (!t) return '';
    const d = new Date(t);
    return isNaN(d) ? t : d.toLocaleString();
  }

  function duration(a, b) {
    if (!a) return '';
    const ms = (b ? new Date(b) : new Date()) - new Date(a);
    if (!(ms >= 0)) return '';
    if (ms < 1000) return ms + ' ms';
    const s = ms / 1000;
    if (s < 60) return s.toFixed(1) + ' s';
    const m = Math.floor(s / 60);
    return m + ' min ' + Math.round(s - m * 60) + ' s';
  }

  function fmtMetric(v, format) {
    if (v == null) return '';
    if (format === 'PERCENTAGE') return (v * 100).toFixed(2) + '%';
    return Number.isInteger(v) ? String(v) : Number(v).toPrecision(4).replace(/\.?0+$/, '');
  }

  function stateBadge(phase) {
    return `<span class="state ${esc(phase)}">${esc(phase || 'Unknown')}</span>`;
  }

  const KFP_STATE = {SUCCEEDED: 'Succeeded', FAILED: 'Failed', RUNNING: 'Running', PENDING: 'Pending',
    SKIPPED: 'Skipped', CANCELED: 'Canceled', CANCELING: 'Running', PAUSED: 'Pending', RUNTIME_STATE_UNSPECIFIED: 'Pending'};

  function active(phase) {
    return phase === 'Running' || phase === 'Pending';
  }

  function errorBox(e) {
    return `<p class="error">${esc(e.message || e)}</p>`;
  }

  function query() {
    const hash = location.hash || '#/runs';
    const q = hash.indexOf('?');
    return new URLSearchParams(q < 0 ? '' : hash.substring(q + 1));
  }

  // ------------------------------------------------------------------ session

  async function session() {
    const s = await api('/ui/session');
    csrf = s.csrf || null;
    config = s;
    const el = document.getElementById('session');
    el.innerHTML = s.required && s.authenticated ? '<button id="logout">Log out</button>' : '';
    const lo = document.getElementById('logout');
    if (lo) lo.onclick = async () => { await api('/ui/session', {method: 'DELETE'}); location.reload(); };
    return s;
  }

  function showLogin() {
    stop();
    page().innerHTML = `<h1>Log in</h1>
      <form id="login-form" class="toolbar">
        <label for="token">API token (RELAY_API_TOKEN)</label>
        <input id="token" type="password" autocomplete="current-password" size="40">
        <button class="primary" type="submit">Log in</button>
      </form><p id="login-error" class="error"></p>`;
    document.getElementById('login-form').onsubmit = async ev => {
      ev.preventDefault();
      try {
        const r = await fetch('/ui/session', {method: 'POST', credentials: 'same-origin',
          headers: {'Content-Type': 'application/json'}, body: JSON.stringify({token: document.getElementById('token').value})});
        const b = await r.json();
        if (!r.ok) throw new Error(b.error || r.status);
        csrf = b.csrf;
        await session();
        route();
      } catch (e) {
        document.getElementById('login-error').textContent = e.message;
      }
    };
  }

  // ------------------------------------------------------------------ router

  function stop() {
    timers.forEach(clearInterval);
    timers = [];
    charts.forEach(c => c.destroy());
    charts = [];
    closePanel();
  }

  let navigation = 0; // the current route() call: a page that finishes loading after the user moved on draws nothing

  async function route() {
    stop();
    const current = ++navigation;
    const hash = location.hash || '#/runs';
    const path = hash.replace(/^#/, '').split('?')[0];
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    document.querySelectorAll('header nav a').forEach(a => a.classList.toggle('active', a.dataset.nav === parts[0]));
    try {
      if (parts[0] === 'runs' && parts[1] === 'details' && parts[2]) return await runPage(parts[2]);
      if (parts[0] === 'pipelines' && parts[1] === 'details' && parts[2]) return await pipelinePage(parts[2]);
      if (parts[0] === 'pipelines') return await pipelinesPage();
      if (parts[0] === 'experiments' && parts[1] === 'details' && parts[2]) return await experimentPage(parts[2]);
      if (parts[0] === 'experiments') return await experimentsPage();
      if (parts[0] === 'compare') return await comparePage((query().get('runlist') || '').split(',').filter(Boolean));
      if (parts[0] === 'recurringruns') return await recurringRunsPage();
      if (parts[0] === 'triggers') return await triggersPage();
      return await runsPage();
    } catch (e) {
      if (current !== navigation) return; // an earlier page's late failure (its elements are gone): not this page's error
      if (e.status !== 401) page().innerHTML = errorBox(e);
    }
  }

  // ------------------------------------------------------------------ runs list

  /** Records `performance.measure('relay:NAME')` from `t0` (what UiBenchmark reports). */
  function measure(name, t0) {
    try { performance.measure('relay:' + name, {start: t0, end: performance.now()}); } catch (e) { /* old browser */ }
  }

  /**
   * Display names and experiments of runs (GET /api/v1/run-records), merged into `into`; ids are sent
   * in requests of at most ~3,000 characters (the server's request line limit is 4 KiB).
   */
  async function runRecords(ids, into) {
    const todo = ids.filter(id => !into[id]);
    const chunks = [];
    let cur = [], len = 0;
    todo.forEach(id => {
      if (cur.length && (len + id.length + 3 > 3000 || cur.length >= 1000)) { chunks.push(cur); cur = []; len = 0; }
      cur.push(id);
      len += id.length + 3;
    });
    if (cur.length) chunks.push(cur);
    for (const c of chunks) {
      const r = await api('/api/v1/run-records?runs=' + c.map(encodeURIComponent).join(','));
      Object.assign(into, r.records || {});
    }
  }

  /**
   * A table of runs from the index (GET /api/v1/runs): filter, sort, pages of 100 rows (1,000 rows
   * of DOM made the list slow), select for compare, live refresh while runs are active. Display names
   * and experiments come from /api/v1/run-records, first for the rows shown, then for the rest.
   * opts.experimentId narrows to one experiment.
   */
  async function runsTable(container, opts = {}) {
    const st = {sort: 'createdAt', desc: true, filter: '', selected: new Set(), data: null, kfp: {}, page: 0, size: 100};
    container.innerHTML = `<div class="toolbar">
        <input id="runs-filter" placeholder="Filter runs (id, name, pipeline, state, experiment, cause)" size="48">
        <button id="compare-btn" disabled>Compare runs</button>
        <span id="runs-count" class="muted"></span><span id="runs-live" class="muted"></span>
        <span class="pager runs-pager"><button id="runs-prev" title="Previous page">‹</button><span id="runs-page"></span>
        <button id="runs-next" title="Next page">›</button>
        <label>Rows <select id="runs-size"><option>20</option><option>50</option><option selected>100</option><option>250</option></select></label></span></div>
      <div id="runs-body"></div>`;
    const filter = container.querySelector('#runs-filter');
    filter.oninput = () => { st.filter = filter.value.toLowerCase(); st.page = 0; draw(); };
    container.querySelector('#compare-btn').onclick = () => { location.hash = '#/compare?runlist=' + [...st.selected].join(','); };
    container.querySelector('#runs-prev').onclick = () => { st.page--; draw(); };
    container.querySelector('#runs-next').onclick = () => { st.page++; draw(); };
    container.querySelector('#runs-size').onchange = ev => { st.size = Number(ev.target.value); st.page = 0; draw(); };

    async function load() {
      const t0 = performance.now();
      const list = await api('/api/v1/runs');
      measure('runs-api', t0);
      const sig = JSON.stringify(list);
      const changed = sig !== st.sig; // a refresh that changed nothing leaves the table (and what the user points at) alone
      st.sig = sig;
      st.data = list;
      if (opts.experimentId) await runRecords(list.runs.map(r => r.runId), st.kfp); // the filter needs every run's experiment
      if (changed) draw();
      const live = list.runs.some(r => active(r.phase));
      container.querySelector('#runs-live').textContent = live ? ' · live' : '';
      return live;
    }

    /** Names of the rows shown first (then redraw), then of every other run (for the filter and sort). */
    async function names() {
      const t0 = performance.now();
      const shown = [...container.querySelectorAll('tr[data-run]')].map(tr => tr.dataset.run);
      await runRecords(shown, st.kfp);
      draw();
      measure('run-names-shown', t0);
      const rest = st.data.runs.map(r => r.runId).filter(id => !st.kfp[id]);
      if (rest.length) {
        await runRecords(rest, st.kfp);
        draw();
      }
      measure('run-names-all', t0);
    }

    function value(r, key) {
      if (key.startsWith('m:')) return r.metrics[key.substring(2)];
      if (key === 'experiment') return (st.kfp[r.runId] || {}).experiment || '';
      if (key === 'duration') return r.createdAt ? ((r.finishedAt ? new Date(r.finishedAt) : new Date()) - new Date(r.createdAt)) : null;
      return r[key];
    }

    function draw() {
      const list = st.data;
      if (!list || !container.isConnected) return;
      const t0 = performance.now();
      const cols = list.metricColumns || [];
      let runs = list.runs.filter(r => {
        if (opts.experimentId && (st.kfp[r.runId] || {}).experimentId !== opts.experimentId) return false;
        if (!st.filter) return true;
        const k = st.kfp[r.runId] || {};
        return [r.runId, r.pipeline, r.phase, r.cause, k.experiment, k.displayName].some(v => v && String(v).toLowerCase().includes(st.filter));
      });
      runs = runs.slice().sort((a, b) => {
        const x = value(a, st.sort), y = value(b, st.sort);
        const c = x == null ? (y == null ? 0 : 1) : y == null ? -1 : x < y ? -1 : x > y ? 1 : 0;
        return st.desc ? -c : c;
      });
      const pages = Math.max(1, Math.ceil(runs.length / st.size));
      st.page = Math.max(0, Math.min(st.page, pages - 1));
      const shown = runs.slice(st.page * st.size, (st.page + 1) * st.size);
      const head = [['runId', 'Run'], ['phase', 'State'], ['pipeline', 'Pipeline'], ['experiment', 'Experiment'],
        ['cause', 'Cause'], ['createdAt', 'Started'], ['duration', 'Duration']].concat(cols.map(c => ['m:' + c, c]));
      const rows = shown.map(r => {
        const k = st.kfp[r.runId] || {};
        return `<tr data-run="${esc(r.runId)}"><td><input type="checkbox" class="pick" value="${esc(r.runId)}" ${st.selected.has(r.runId) ? 'checked' : ''}></td>
          <td><a href="#/runs/details/${encodeURIComponent(r.runId)}">${esc(k.displayName && k.displayName !== r.runId ? k.displayName + ' (' + r.runId + ')' : r.runId)}</a></td>
          <td>${stateBadge(r.phase)}</td><td>${esc(r.pipeline)}</td><td>${k.experimentId ? `<a href="#/experiments/details/${encodeURIComponent(k.experimentId)}">${esc(k.experiment)}</a>` : ''}</td>
          <td>${esc(r.cause)}</td><td>${esc(fmtTime(r.createdAt))}</td><td>${esc(duration(r.createdAt, r.finishedAt))}</td>
          ${cols.map(c => `<td class="metric">${esc(fmtMetric(r.metrics[c], (r.formats || {})[c]))}</td>`).join('')}</tr>`;
      }).join('');
      const body = container.querySelector('#runs-body');
      body.innerHTML = `<table class="runs"><thead><tr><th></th>${head.map(([k, t]) =>
        `<th class="sortable" data-key="${esc(k)}">${esc(t)}${st.sort === k ? (st.desc ? ' ▾' : ' ▴') : ''}</th>`).join('')}</tr></thead>
        <tbody>${rows || `<tr><td colspan="${head.length + 1}" class="muted">No runs.</td></tr>`}</tbody></table>`;
      container.querySelector('#runs-count').textContent = runs.length + ' of ' + list.runs.length + ' runs';
      container.querySelector('#runs-page').textContent = `page ${st.page + 1} of ${pages}`;
      container.querySelector('#runs-prev').disabled = st.page === 0;
      container.querySelector('#runs-next').disabled = st.page >= pages - 1;
      body.querySelectorAll('th.sortable').forEach(th => th.onclick = () => {
        st.desc = st.sort === th.dataset.key ? !st.desc : false;
        st.sort = th.dataset.key;
        draw();
      });
      body.querySelector('tbody').onchange = ev => {
        const cb = ev.target;
        if (!cb.classList.contains('pick')) return;
        cb.checked ? st.selected.add(cb.value) : st.selected.delete(cb.value);
        container.querySelector('#compare-btn').disabled = st.selected.size < 2;
      };
      measure('runs-draw', t0);
    }

    await load();
    names().catch(() => { /* names stay ids; the next refresh asks again */ });
    let busy = false, ticks = 0;
    // every 2 s while runs are active, else every 10 s (runs started elsewhere appear)
    every(2000, async () => {
      ticks++;
      if (busy || !st.data || (!st.data.runs.some(r => active(r.phase)) && ticks % 5)) return;
      busy = true;
      try {
        await load();
        const unnamed = st.data.runs.map(r => r.runId).filter(id => !st.kfp[id]);
        if (unnamed.length) { await runRecords(unnamed, st.kfp); draw(); }
      } catch (e) { /* next tick */ } finally { busy = false; }
    });
  }

  async function runsPage() {
    page().innerHTML = '<h1>Runs</h1><div id="runs"></div>';
    await runsTable(document.getElementById('runs'));
  }

  // ------------------------------------------------------------------ graph

  /** The static node path of a run's task path: loop-iteration segments left out. */
  function staticPath(taskPath) {
    return taskPath.split('/').filter(s => !/^[0-9]+$/.test(s)).join('/');
  }

  const RANK = {Failed: 6, Running: 5, Pending: 4, Canceled: 3, Succeeded: 2, Skipped: 1};

  function aggregate(phases) {
    if (!phases.length) return null;
    if (phases.some(p => p === 'Running' || p === 'Pending') && phases.some(p => p === 'Succeeded')) {
      return phases.includes('Failed') ? 'Failed' : 'Running';
    }
    return phases.slice().sort((a, b) => (RANK[b] || 0) - (RANK[a] || 0))[0];
  }

  /**
   * Lays out and draws a pipeline graph into `el` with dagre (compound graph: loops, conditions and
   * nested pipelines are clusters). graph: {nodes: [{path, name, kind, parent, dependencies}]};
   * states: path → phase; onSelect(path) on a click. The layout is done once per graph: later
   * state changes go through paintGraph, which only touches the nodes whose state or mark changed
   * (laying out a 500-task graph again on every refresh froze the page).
   */
  function drawGraph(el, graph, states, onSelect, marks = {}) {
    const t0 = performance.now();
    const nodes = graph.nodes;
    const byPath = {};
    nodes.forEach(n => { byPath[n.path] = n; });
    const children = {};
    nodes.forEach(n => { if (n.parent) (children[n.parent] = children[n.parent] || []).push(n); });
    const isGroup = n => n.kind !== 'task';
    const compound = nodes.some(isGroup);
    // edges to or from a group go to its entry / from its exit tasks (dagre draws no edges of clusters)
    const entries = p => {
      const n = byPath[p];
      if (!n || !isGroup(n)) return [p];
      const kids = children[p] || [];
      return kids.filter(k => !k.dependencies.length).flatMap(k => entries(k.path));
    };
    const exits = p => {
      const n = byPath[p];
      if (!n || !isGroup(n)) return [p];
      const kids = children[p] || [];
      const used = new Set(kids.flatMap(k => k.dependencies));
      return kids.filter(k => !used.has(k.path)).flatMap(k => exits(k.path));
    };
    const g = new dagre.graphlib.Graph({compound, multigraph: false});
    // network-simplex ranking costs most on big graphs; longest-path ranks a big DAG about as well, faster
    g.setGraph({rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: 12, marginy: 12, ranker: nodes.length > 200 ? 'longest-path' : 'network-simplex'});
    g.setDefaultEdgeLabel(() => ({}));
    nodes.forEach(n => {
      if (isGroup(n)) g.setNode(n.path, {label: n.name, group: true, paddingTop: 20});
      else g.setNode(n.path, {label: n.name, width: Math.min(260, Math.max(110, n.name.length * 7.5 + 30)), height: 34});
    });
    if (compound) nodes.forEach(n => { if (n.parent && byPath[n.parent]) g.setParent(n.path, n.parent); });
    nodes.forEach(n => n.dependencies.forEach(d => {
      exits(d).forEach(from => entries(n.path).forEach(to => { if (g.hasNode(from) && g.hasNode(to) && from !== to) g.setEdge(from, to); }));
    }));
    dagre.layout(g);
    measure('graph-layout', t0);
    const t1 = performance.now();
    const gw = g.graph().width || 200, gh = g.graph().height || 100;
    const parts = [`<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="${gw}" height="${gh}" viewBox="0 0 ${gw} ${gh}">
      <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>`];
    nodes.filter(isGroup).sort((a, b) => a.path.split('/').length - b.path.split('/').length).forEach(n => {
      const v = g.node(n.path);
      if (!v || v.width == null) return;
      parts.push(`<g class="group kind-${esc(n.kind)}" data-path="${esc(n.path)}" data-kind="${esc(n.kind)}">
        <rect x="${v.x - v.width / 2}" y="${v.y - v.height / 2}" width="${v.width}" height="${v.height}" rx="8"/>
        <text x="${v.x - v.width / 2 + 8}" y="${v.y - v.height / 2 + 13}">${esc(n.kind === 'loop' ? '↻ ' : n.kind === 'condition' ? '◇ ' : '▣ ')}${esc(n.name)}<tspan class="mark"></tspan></text></g>`);
    });
    g.edges().forEach(e => {
      const pts = g.edge(e).points || [];
      parts.push(`<path class="edge" d="${pts.map((p, i) => (i ? 'L' : 'M') + p.x.toFixed(1) + ',' + p.y.toFixed(1)).join(' ')}"/>`);
    });
    nodes.filter(n => !isGroup(n)).forEach(n => {
      const v = g.node(n.path);
      parts.push(`<g class="node" data-path="${esc(n.path)}" transform="translate(${v.x - v.width / 2},${v.y - v.height / 2})">
        <title></title><rect width="${v.width}" height="${v.height}" rx="6"/>
        <text x="10" y="21">${esc(n.name.length > 32 ? n.name.substring(0, 31) + '…' : n.name)}</text>
        <text class="mark" x="${v.width - 8}" y="21" text-anchor="end"></text></g>`);
    });
    parts.push('</svg>');
    el.innerHTML = parts.join('');
    el.graphEls = {};
    el.querySelectorAll('.node, .group').forEach(x => { el.graphEls[x.dataset.path] = x; });
    // one listener for every node (500 listeners made drawing slower)
    el.firstElementChild.addEventListener('click', ev => {
      const x = ev.target.closest('.node, .group');
      if (!x) return;
      ev.stopPropagation();
      el.querySelectorAll('.selected').forEach(s => s.classList.remove('selected'));
      x.classList.add('selected');
      if (onSelect) onSelect(x.dataset.path);
    });
    paintGraph(el, states, marks);
    measure('graph-svg', t1);
    requestAnimationFrame(() => setTimeout(() => measure('graph-painted', t0))); // after the browser drew it
    if (nodes.length > 60 && !el.parentElement.querySelector('.graph-fit')) {
      // a big graph is wider than the screen: fit it to the width, or back to its size
      const b = h('<button class="graph-fit" type="button">Fit to width</button>');
      b.onclick = () => {
        const svg = el.querySelector('svg.graph');
        const fit = !svg.classList.contains('fit');
        svg.classList.toggle('fit', fit);
        b.textContent = fit ? 'Actual size' : 'Fit to width';
      };
      el.parentElement.insertBefore(b, el);
    }
  }

  /** Sets each drawn node's state (class, data-state, tooltip) and mark (×N, cached); groups without a state stay plain. */
  function paintGraph(el, states, marks) {
    Object.entries(el.graphEls || {}).forEach(([path, x]) => {
      const isNode = x.classList.contains('node');
      const st = states[path] || (isNode ? 'Pending' : '');
      const mark = marks[path] || '';
      if (x.dataset.state === st && x.dataset.mark === mark && x.dataset.painted) return;
      x.dataset.painted = '1';
      if (x.dataset.state) x.classList.remove('state-' + x.dataset.state);
      if (st) x.classList.add('state-' + st);
      x.dataset.state = st;
      x.dataset.mark = mark;
      if (isNode) {
        x.querySelector('title').textContent = path + ': ' + st;
        x.querySelector('text.mark').textContent = mark;
      } else {
        x.querySelector('tspan.mark').textContent = mark ? ' ' + mark : '';
      }
    });
  }

  // ------------------------------------------------------------------ run page

  async function runPage(runId) {
    page().innerHTML = `<h1>Run <span id="run-title">${esc(runId)}</span> <span id="run-state"></span></h1>
      <div class="toolbar"><button id="cancel-btn">Cancel</button><button id="retry-btn">Retry</button>
      <a class="button" href="#/compare?runlist=${encodeURIComponent(runId)}">Compare…</a><span id="run-msg" class="muted"></span></div>
      <div class="tabs"><button data-tab="graph" class="active">Graph</button><button data-tab="output">Run output</button><button data-tab="config">Config</button></div>
      <div id="tab-graph"><div id="graph" class="graph-box"></div><p id="graph-note" class="muted"></p></div>
      <div id="tab-output" hidden></div><div id="tab-config" hidden></div>`;
    const tabs = page().querySelectorAll('.tabs button');
    tabs.forEach(b => b.onclick = () => {
      tabs.forEach(x => x.classList.toggle('active', x === b));
      ['graph', 'output', 'config'].forEach(t => { document.getElementById('tab-' + t).hidden = t !== b.dataset.tab; });
    });
    // the graph and the run in parallel (one after the other cost their sum)
    const t0 = performance.now();
    const graphCall = api('/api/v1/runs/' + encodeURIComponent(runId) + '/graph').then(g => { measure('graph-api', t0); return g; },
      e => { if (e.status === 401) throw e; return e; });
    let run = await api('/api/v1/runs/' + encodeURIComponent(runId));
    measure('run-api', t0);
    let graph = await graphCall;
    if (graph instanceof Error) {
      document.getElementById('graph-note').textContent = 'No pipeline graph: ' + graph.message;
      graph = null;
    }
    let selected = null;
    let drawnKey = null;
    let vizKey = null;
    const msg = document.getElementById('run-msg');
    // after Cancel or Retry the run is read again even while it looks finished: a retried run is
    // Canceled or Failed until its new generation starts, and the live refresh reads only active runs
    let follow = 0;
    const action = async (verb, said) => {
      try {
        await api('/apis/v2beta1/runs/' + encodeURIComponent(runId) + ':' + verb, {method: 'POST'});
        msg.textContent = said;
        follow = 5;
        run = await api('/api/v1/runs/' + encodeURIComponent(runId));
        render();
        if (selected) refreshTask(run, selected);
      } catch (e) { msg.textContent = e.message; }
    };
    document.getElementById('cancel-btn').onclick = () => action('terminate', 'Cancel requested.');
    document.getElementById('retry-btn').onclick = () => action('retry', 'Retry requested.');

    function render() {
      document.getElementById('run-state').innerHTML = stateBadge(run.phase);
      document.getElementById('cancel-btn').disabled = !active(run.phase);
      document.getElementById('retry-btn').disabled = !(run.phase === 'Failed' || run.phase === 'Canceled');
      const g = graph || {nodes: run.tasks.map(t => ({path: t.name, name: t.name, kind: 'task', parent: null, dependencies: []}))};
      const known = new Set(g.nodes.map(n => n.path));
      const extra = run.tasks.filter(t => !known.has(staticPath(t.name)));
      const all = extra.length ? {nodes: g.nodes.concat(extra.map(t => ({path: t.name, name: t.name, kind: 'task', parent: null, dependencies: []})))} : g;
      const phases = {};
      run.tasks.forEach(t => { const p = known.has(staticPath(t.name)) ? staticPath(t.name) : t.name; (phases[p] = phases[p] || []).push(t.phase); });
      const states = {}, marks = {};
      // ×N: how many times a node ran (loop iterations); a loop group's own entry is not one of its iterations
      const own = {};
      run.tasks.forEach(t => { if (t.name === staticPath(t.name) && known.has(t.name)) own[t.name] = (own[t.name] || 0) + 1; });
      Object.keys(phases).forEach(p => {
        states[p] = aggregate(phases[p]);
        const runs = phases[p].length - (phases[p].length > (own[p] || 0) ? (own[p] || 0) : 0);
        if (runs > 1) marks[p] = '×' + runs;
      });
      // a group's state from its tasks
      all.nodes.slice().reverse().forEach(n => {
        if (n.kind !== 'task') {
          const kids = all.nodes.filter(k => k.parent === n.path).map(k => states[k.path]).filter(Boolean);
          if (kids.length) states[n.path] = aggregate(kids);
        }
      });
      // a task under a skipped group never runs; in a finished run, a task without a state never ran: Skipped
      const over = !active(run.phase);
      all.nodes.forEach(n => {
        if (!states[n.path] && ((n.parent && states[n.parent] === 'Skipped') || (over && n.kind === 'task'))) states[n.path] = 'Skipped';
      });
      run.tasks.forEach(t => { if (t.cached) marks[staticPath(t.name)] = 'cached'; });
      const key = all.nodes.length;
      const box = document.getElementById('graph');
      if (key !== drawnKey) {
        shownGraph = {byPath: {}};
        all.nodes.forEach(n => { shownGraph.byPath[n.path] = n; });
      }
      if (key !== drawnKey) {
        drawnKey = key;
        drawGraph(box, all, states, p => { selected = p; showTask(run, p); }, marks);
        if (selected && box.graphEls[selected]) box.graphEls[selected].classList.add('selected');
      } else {
        paintGraph(box, states, marks);
      }
      const vk = JSON.stringify([run.visualizations.length, run.metrics.length, run.errors.length]);
      if (vk !== vizKey) {
        vizKey = vk;
        renderOutputs(document.getElementById('tab-output'), run, null);
      }
      renderConfig(document.getElementById('tab-config'), run);
    }
    render();
    measure('run-page', t0);
    // live refresh while the run is active, waiting at least twice as long as the last answer took
    // (a 500-task run's document is not read back to back)
    const nav = navigation;
    const refresh = async () => {
      if (nav !== navigation) return;
      let wait = 1500;
      if (active(run.phase) || follow > 0) {
        if (!active(run.phase)) follow--;
        const t = performance.now();
        try {
          run = await api('/api/v1/runs/' + encodeURIComponent(runId));
          if (nav !== navigation) return;
          render();
          if (selected) refreshTask(run, selected);
        } catch (e) { /* next tick */ }
        wait = Math.max(1500, 2 * (performance.now() - t));
      }
      if (nav === navigation) later(wait, refresh);
    };
    later(1500, refresh);
  }

  function renderConfig(el, run) {
    const cause = run.cause || {};
    el.innerHTML = `<h2>Run</h2><table class="kv">
      <tr><th>Run id</th><td>${esc(run.runId)}</td></tr>
      <tr><th>Pipeline</th><td>${esc(run.pipeline && run.pipeline.name)} ${esc(run.pipeline && run.pipeline.version || '')}</td></tr>
      <tr><th>State</th><td>${stateBadge(run.phase)}</td></tr>
      <tr><th>Created</th><td>${esc(fmtTime(run.createdAt))}</td></tr><tr><th>Finished</th><td>${esc(fmtTime(run.finishedAt))}</td></tr>
      <tr><th>Duration</th><td>${esc(duration(run.createdAt, run.finishedAt))}</td></tr>
      <tr><th>Cause</th><td class="cause">${esc(cause.kind)}${cause.trigger ? ' · trigger ' + esc(cause.trigger) : ''}
        ${cause.object ? ' · object ' + esc(Object.values(cause.object).join(' ')) : ''}${cause.event ? ' · event ' + esc(cause.event.type || '') + ' ' + esc(cause.event.id || '') : ''}</td></tr>
      </table><h2>Parameters</h2>${kvTable(run.parameters || {}, 'params')}`;
  }

  function kvTable(obj, cls) {
    const keys = Object.keys(obj);
    if (!keys.length) return '<p class="muted">None.</p>';
    return `<table class="kv ${cls || ''}">${keys.map(k => `<tr><th>${esc(k)}</th><td>${esc(typeof obj[k] === 'string' ? obj[k] : JSON.stringify(obj[k]))}</td></tr>`).join('')}</table>`;
  }

  // ------------------------------------------------------------------ side panel

  function openPanel(html) {
    const p = panel();
    p.hidden = false;
    document.body.classList.add('with-panel');
    p.innerHTML = `<button id="panel-close" style="float:right">Close</button>` + html;
    document.getElementById('panel-close').onclick = closePanel;
    return p;
  }

  function closePanel() {
    const p = panel();
    if (!p) return;
    p.hidden = true;
    p.innerHTML = '';
    document.body.classList.remove('with-panel');
    if (p.logTimer) { clearTimeout(p.logTimer); p.logTimer = null; }
  }

  function tasksOf(run, nodePath) {
    return run.tasks.filter(t => t.name === nodePath || staticPath(t.name) === nodePath);
  }

  /** A task path in a URL: each segment encoded, the `/` between them kept (nested and loop tasks). */
  function taskUrl(task) {
    return task.split('/').map(encodeURIComponent).join('/');
  }

  let shownGraph = {byPath: {}}; // the run page's graph nodes by path (the side panel reads their inputs)

  function showTask(run, nodePath) {
    const tasks = tasksOf(run, nodePath);
    const p = openPanel(`<h2 id="panel-title">${esc(nodePath)}</h2>
      ${tasks.length > 1 ? `<label>Iteration <select id="iteration">${tasks.map(t => `<option>${esc(t.name)}</option>`).join('')}</select></label>` : ''}
      <div id="task-body"></div>`);
    const sel = document.getElementById('iteration');
    const show = () => taskBody(run, sel ? sel.value : (tasks[0] ? tasks[0].name : nodePath));
    if (sel) sel.onchange = show;
    show();
    return p;
  }

  function refreshTask(run, nodePath) {
    const p = panel();
    if (!p || p.hidden) return;
    const name = p.dataset.task;
    const t = run.tasks.find(x => x.name === name);
    const st = document.getElementById('task-state');
    if (t && st && (st.dataset.state !== t.phase || Number(st.dataset.attempts) !== t.attempts)) {
      taskBody(run, name, true);
    }
  }

  /** A run parameter's value: a string, or an artifact reference {"uri"} (as an object or its JSON text). */
  function paramValue(v) {
    if (v && typeof v === 'object' && typeof v.uri === 'string') return {uri: v.uri};
    if (typeof v === 'string' && /^\s*\{\s*"uri"\s*:/.test(v)) {
      try { const o = JSON.parse(v); if (typeof o.uri === 'string') return {uri: o.uri}; } catch (e) { /* text */ }
    }
    return {text: v == null ? '' : typeof v === 'string' ? v : JSON.stringify(v)};
  }

  /**
   * Where input `src` (a graph node's inputs entry) of the concrete task `taskName` comes from, and
   * its value where the run tells it: {text, uri, task, output, source}. A task output with a file
   * can be previewed and downloaded (task, output); inputs of a group are followed up to the run's
   * parameters; a loop's item is named by its iteration.
   */
  function resolveInput(run, node, taskName, src, depth = 0) {
    const sel = src.select ? ` (selected by ${src.select})` : '';
    const segs = taskName.split('/');
    if (src.from === 'constant') return {text: typeof src.value === 'string' ? src.value : JSON.stringify(src.value), source: 'constant' + sel};
    if (src.from === 'task' || src.from === 'status') {
      const producer = segs.slice(0, -1).concat([src.task.split('/').pop()]).join('/');
      const pt = run.tasks.find(x => x.name === producer);
      if (src.from === 'status') return {text: pt ? pt.phase : '', source: 'final status of ' + producer};
      const uri = pt && (pt.outputs || {})[src.output];
      return {uri, task: uri ? producer : null, output: src.output, text: uri ? '' : '(not written yet)', source: `output ${src.output} of ${producer}` + sel};
    }
    // the enclosing DAG's input: a run parameter at the root, else the group's own input
    if (!node || !node.parent || depth > 20) {
      return Object.assign(paramValue((run.parameters || {})[src.name]), {source: 'run parameter ' + src.name + sel});
    }
    const group = shownGraph.byPath[node.parent];
    let up = segs.slice(0, -1);
    let iteration = null;
    if (group && group.kind === 'loop' && /^[0-9]+$/.test(up[up.length - 1] || '')) iteration = up.pop();
    const upSrc = group && (group.inputs || {})[src.name];
    if (upSrc) {
      const r = resolveInput(run, group, up.join('/'), upSrc, depth + 1);
      r.source = `${group.name} input ${src.name} ← ${r.source}`;
      return r;
    }
    return {text: iteration != null ? `item ${iteration} of the loop` : '', source: `${group ? group.name : node.parent} input ${src.name}` + sel};
  }

  function inputsTable(run, node, taskName) {
    const names = Object.keys((node && node.inputs) || {});
    if (!names.length) return '<p class="muted">None.</p>';
    return `<table class="kv inputs">${names.map(n => {
      const r = resolveInput(run, node, taskName, node.inputs[n]);
      const links = r.task ? `<br><a href="#" class="preview" data-task="${esc(r.task)}" data-name="${esc(r.output)}">Preview</a> ·
        <a href="#" class="download" data-task="${esc(r.task)}" data-name="${esc(r.output)}">Download</a>
        <pre class="artifact-preview" hidden></pre>` : '';
      return `<tr data-input="${esc(n)}"><th>${esc(n)}</th><td>${r.uri ? `<code class="uri">${esc(r.uri)}</code>` : `<span class="value">${esc(r.text)}</span>`}
        <div class="muted source">${esc(r.source)}</div>${links}</td></tr>`;
    }).join('')}</table>`;
  }

  function taskBody(run, taskName, keepLog) {
    const p = panel();
    p.dataset.task = taskName;
    const t = run.tasks.find(x => x.name === taskName) || {name: taskName, phase: 'Pending', outputs: {}, attempts: 0};
    const node = shownGraph.byPath[staticPath(taskName)] || shownGraph.byPath[taskName];
    const metrics = run.metrics.filter(m => m.task === taskName);
    const body = document.getElementById('task-body');
    const keep = keepLog ? document.getElementById('log-box') : null;
    const attempts = [];
    for (let i = t.attempts || 0; i >= 1; i--) attempts.push(i);
    body.innerHTML = `<table class="kv">
      <tr><th>State</th><td id="task-state" data-state="${esc(t.phase)}" data-attempts="${esc(t.attempts || 0)}">${stateBadge(t.phase)}${t.cached ? ' (cached)' : ''}</td></tr>
      <tr><th>Task path</th><td><code>${esc(taskName)}</code></td></tr>
      <tr><th>Attempts</th><td>${esc(t.attempts)}</td></tr>
      ${t.exitCode != null ? `<tr><th>Exit code</th><td>${esc(t.exitCode)}</td></tr>` : ''}
      ${t.reason || t.message ? `<tr><th>Reason</th><td>${esc(t.reason || '')} ${esc(t.message || '')}</td></tr>` : ''}
      <tr><th>Started</th><td>${esc(fmtTime(t.startedAt))}</td></tr><tr><th>Finished</th><td>${esc(fmtTime(t.finishedAt))}</td></tr></table>
      <h3>Inputs</h3>${inputsTable(run, node, taskName)}
      ${t.parameters ? '<h3>Output parameters</h3>' + kvTable(t.parameters) : ''}
      <h3>Output artifacts</h3>${artifactList(run, t)}
      ${metrics.length ? '<h3>Metrics</h3>' + metricsTable(metrics) : ''}
      <h3>Visualizations</h3><div id="task-viz"></div>
      <h3>Run parameters</h3>${kvTable(run.parameters || {})}
      <h3>Log <span id="log-attempt" class="muted"></span></h3>
      ${attempts.length > 1 ? `<label>Attempt <select id="attempt-pick">${attempts.map((n, i) => `<option value="${n}">${n}${i === 0 ? ' (latest)' : ''}</option>`).join('')}</select></label>` : ''}
      <div id="log-slot"></div>`;
    renderOutputs(document.getElementById('task-viz'), run, taskName, true);
    body.querySelectorAll('a.preview').forEach(a => a.onclick = ev => { ev.preventDefault(); preview(run.runId, a.dataset.task || taskName, a.dataset.name, a); });
    body.querySelectorAll('a.download').forEach(a => a.onclick = ev => { ev.preventDefault(); download(run.runId, a.dataset.task || taskName, a.dataset.name); });
    const slot = document.getElementById('log-slot');
    const pick = document.getElementById('attempt-pick');
    const follow = () => {
      if (p.logTimer) clearTimeout(p.logTimer);
      slot.innerHTML = '<div id="log-box"><pre id="log" class="log"></pre></div>';
      followLog(run.runId, taskName);
    };
    if (pick) {
      pick.onchange = async () => {
        if (pick.value === String(attempts[0])) { follow(); return; }
        // an earlier attempt: its finished log, read once
        if (p.logTimer) clearTimeout(p.logTimer);
        p.logTimer = null;
        slot.innerHTML = `<div id="log-box"><pre id="log" class="log" data-attempt="${esc(pick.value)}"></pre></div>`;
        document.getElementById('log-attempt').textContent = '(attempt ' + pick.value + ')';
        try {
          const r = await fetch(`/api/v1/runs/${encodeURIComponent(run.runId)}/tasks/${taskUrl(taskName)}/attempts/${pick.value}/log`, {credentials: 'same-origin'});
          const text = await r.text();
          document.getElementById('log').textContent = r.ok ? text : (JSON.parse(text || '{}').error || 'HTTP ' + r.status);
        } catch (e) {
          document.getElementById('log').textContent = e.message;
        }
      };
    }
    if (keep && (!pick || pick.value === String(attempts[0]))) {
      slot.appendChild(keep);
    } else {
      follow();
    }
  }

  function artifactList(run, t) {
    const names = Object.keys(t.outputs || {});
    if (!names.length) return '<p class="muted">None yet.</p>';
    return `<table class="artifacts">${names.map(n => `<tr><th>${esc(n)}</th><td><code>${esc(t.outputs[n])}</code><br>
      <a href="#" class="preview" data-name="${esc(n)}">Preview</a> · <a href="#" class="download" data-name="${esc(n)}">Download</a>
      <pre class="artifact-preview" data-name="${esc(n)}" hidden></pre></td></tr>`).join('')}</table>`;
  }

  async function artifactBytes(runId, task, name) {
    // a nested task by its KFP task id (RUN-a.0.b): task path segments are DNS-1123 labels, never holding '.'
    const node = task.includes('/') ? runId + '-' + task.replace(/\//g, '.') : task;
    const r = await api(`/apis/v2beta1/runs/${encodeURIComponent(runId)}/nodes/${encodeURIComponent(node)}/artifacts/${encodeURIComponent(name)}:read`);
    const bin = atob(r.data || '');
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  async function preview(runId, task, name, link) {
    const pre = link.parentElement.querySelector('pre.artifact-preview');
    try {
      const bytes = await artifactBytes(runId, task, name);
      const text = new TextDecoder('utf-8', {fatal: false}).decode(bytes.slice(0, 4096));
      pre.textContent = text + (bytes.length > 4096 ? `\n… (${bytes.length} bytes)` : '');
    } catch (e) {
      pre.textContent = e.message;
    }
    pre.hidden = false;
  }

  async function download(runId, task, name) {
    const bytes = await artifactBytes(runId, task, name);
    const url = URL.createObjectURL(new Blob([bytes]));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  /** Follows a task's latest attempt's log from byte offsets (GET /apis/v2beta1/runs/{id}/tasks/{task}/logs?offset=N). */
  function followLog(runId, task) {
    const p = panel();
    let offset = 0, attempt = 0;
    const pre0 = document.getElementById('log');
    const tick = async () => {
      const pre = document.getElementById('log');
      if (!pre || pre !== pre0 || p.dataset.task !== task) return;
      let live = true;
      try {
        const c = await api(`/apis/v2beta1/runs/${encodeURIComponent(runId)}/tasks/${taskUrl(task)}/logs?offset=${offset}`);
        if (pre !== document.getElementById('log')) return;
        // a new attempt (a retry): the offset asked for was the earlier attempt's, so its log is read from its start
        const restart = c.attempt !== attempt && c.attempt > 0 && attempt > 0 && offset > 0;
        if (c.attempt !== attempt && c.attempt > 0) {
          if (attempt > 0) pre.textContent += `\n--- attempt ${c.attempt} ---\n`;
          attempt = c.attempt;
          document.getElementById('log-attempt').textContent = '(attempt ' + attempt + ')';
        }
        if (restart) {
          offset = 0;
        } else {
          if (c.text) {
            const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
            pre.textContent += c.text;
            if (atEnd) pre.scrollTop = pre.scrollHeight;
          }
          offset = c.next_offset;
          live = c.live || c.attempt === 0;
        }
      } catch (e) {
        live = e.status !== 404 && e.status !== 401;
      }
      if (p.dataset.task === task && document.getElementById('log') === pre) {
        p.logTimer = setTimeout(tick, live ? 700 : 3000);
      }
    };
    tick();
  }

  function metricsTable(metrics) {
    return `<table class="metrics"><tr><th>Task</th><th>Metric</th><th>Value</th></tr>${metrics.map(m =>
      `<tr><td>${esc(m.task)}</td><td>${esc(m.name)}</td><td>${esc(fmtMetric(m.numberValue, m.format))}</td></tr>`).join('')}</table>`;
  }

  // ------------------------------------------------------------------ visualizations

  /** Renders a run's visualizations (one task's when `task` is given), with the index's errors. */
  function renderOutputs(el, run, task, compact) {
    const vs = run.visualizations.filter(v => !task || v.task === task);
    const errs = (run.errors || []).filter(e => !task || e.file.includes('/tasks/' + task + '/'));
    const ms = run.metrics.filter(m => !task || m.task === task);
    el.innerHTML = '';
    if (!compact && ms.length) el.appendChild(h('<div class="viz viz-metrics"><h4>Metrics</h4>' + metricsTable(ms) + '</div>'));
    vs.forEach(v => el.appendChild(visualization(v)));
    errs.forEach(e => el.appendChild(h(`<div class="viz viz-error-box"><p class="viz-error">${esc(e.file)}${e.entry != null ? ' entry ' + esc(e.entry) : ''}${e.field ? ' (' + esc(e.field) + ')' : ''}: ${esc(e.message)}</p></div>`)));
    if (!vs.length && !errs.length && !(ms.length && !compact)) el.innerHTML = '<p class="muted">None.</p>';
  }

  function visualization(v) {
    const box = h(`<div class="viz viz-${esc(v.type)}" data-type="${esc(v.type)}"><h4>${esc(v.type)} · ${esc(v.task)} #${esc(v.entry)}</h4></div>`);
    const d = v.data;
    try {
      if (d == null) {
        box.appendChild(h(`<p class="muted">Not fetched: ${v.link ? `<a href="${esc(v.link)}" rel="noopener" target="_blank">${esc(v.link)}</a>` : esc(v.source)}</p>`));
      } else if (v.type === 'table') {
        box.appendChild(tableViz(d.header || [], d.rows || []));
      } else if (v.type === 'confusion_matrix') {
        box.appendChild(matrixViz(d));
      } else if (v.type === 'roc') {
        box.appendChild(rocChart([{label: v.task, points: d.points || []}]));
      } else if (v.type === 'markdown') {
        box.appendChild(h('<div class="markdown"></div>'));
        box.lastChild.innerHTML = DOMPurify.sanitize(marked.parse(d.markdown || ''));
      } else if (v.type === 'web-app') {
        const f = document.createElement('iframe');
        f.className = 'viz-html';
        f.setAttribute('sandbox', 'allow-scripts');
        f.setAttribute('referrerpolicy', 'no-referrer');
        f.srcdoc = d.html || '';
        box.appendChild(f);
      } else if (v.type === 'tensorboard') {
        const logdir = d.logdir || v.link || v.source;
        box.appendChild(h(`<div class="tensorboard"><p>Log directory: <code class="logdir">${esc(logdir)}</code></p>
          <p>Open it locally:</p><code class="cmd">tensorboard --logdir ${esc(logdir)}</code>
          ${config.tensorboardUrl ? `<p><a href="${esc(config.tensorboardUrl)}${encodeURIComponent(logdir)}" target="_blank" rel="noopener">Open in TensorBoard</a></p>` : ''}</div>`));
      } else {
        box.appendChild(h(`<pre>${esc(JSON.stringify(d, null, 2))}</pre>`));
      }
    } catch (e) {
      box.appendChild(h(`<p class="viz-error">${esc(e.message)}</p>`));
    }
    return box;
  }

  /** A paged, sortable table. */
  function tableViz(header, rows) {
    const st = {page: 0, size: 20, sort: -1, desc: false};
    const el = h('<div class="viz-table-box"></div>');
    const num = x => x !== '' && !isNaN(Number(x));
    function draw() {
      let rs = rows.slice();
      if (st.sort >= 0) {
        rs.sort((a, b) => {
          const x = a[st.sort], y = b[st.sort];
          const c = num(x) && num(y) ? Number(x) - Number(y) : String(x).localeCompare(String(y));
          return st.desc ? -c : c;
        });
      }
      const pages = Math.max(1, Math.ceil(rs.length / st.size));
      st.page = Math.min(st.page, pages - 1);
      const shown = rs.slice(st.page * st.size, (st.page + 1) * st.size);
      el.innerHTML = `<table class="viz-table"><thead><tr>${header.map((c, i) => `<th class="sortable" data-i="${i}">${esc(c)}${st.sort === i ? (st.desc ? ' ▾' : ' ▴') : ''}</th>`).join('')}</tr></thead>
        <tbody>${shown.map(r => `<tr>${r.map(c => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>
        <div class="pager"><button class="prev" ${st.page === 0 ? 'disabled' : ''}>‹</button><span>page ${st.page + 1} of ${pages} (${rows.length} rows)</span>
        <button class="next" ${st.page >= pages - 1 ? 'disabled' : ''}>›</button></div>`;
      el.querySelectorAll('th').forEach(th => th.onclick = () => {
        const i = Number(th.dataset.i);
        st.desc = st.sort === i ? !st.desc : false;
        st.sort = i;
        draw();
      });
      el.querySelector('.prev').onclick = () => { st.page--; draw(); };
      el.querySelector('.next').onclick = () => { st.page++; draw(); };
    }
    draw();
    return el;
  }

  /** A labelled heat-map grid: rows are the target (true) labels, columns the predicted ones. */
  function matrixViz(d) {
    const labels = d.labels || [];
    const m = d.matrix || [];
    const max = Math.max(1, ...m.flat().map(Number).filter(x => !isNaN(x)));
    return h(`<table class="viz-cm"><thead><tr><th class="axis">${esc((d.axes || ['target', 'predicted'])[0])} \\ ${esc((d.axes || ['target', 'predicted'])[1])}</th>
      ${labels.map(l => `<th class="label col">${esc(l)}</th>`).join('')}</tr></thead>
      <tbody>${labels.map((l, i) => `<tr><th class="label row">${esc(l)}</th>${labels.map((_, j) => {
        const c = (m[i] || [])[j];
        const a = Math.max(0, Math.min(1, Number(c) / max));
        return `<td class="count" style="background:rgba(26,95,180,${(a * 0.85).toFixed(2)});color:${a > 0.5 ? '#fff' : '#000'}">${esc(c)}</td>`;
      }).join('')}</tr>`).join('')}</tbody></table>`);
  }

  /** Trapezoidal area under a ROC curve (points sorted by fpr). */
  function auc(points) {
    const p = points.map(x => [Number(x.fpr), Number(x.tpr)]).filter(x => !isNaN(x[0]) && !isNaN(x[1])).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let s = 0;
    for (let i = 1; i < p.length; i++) s += (p[i][0] - p[i - 1][0]) * (p[i][1] + p[i - 1][1]) / 2;
    return s;
  }

  const COLORS = ['#1a5fb4', '#c62828', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#795548', '#ad1457'];

  /** A ROC chart (Chart.js): one curve per entry, the diagonal, AUC in the legend. */
  function rocChart(curves) {
    const box = h('<div class="chart-box roc"><canvas></canvas></div>');
    const datasets = curves.map((c, i) => ({
      label: `${c.label} (AUC ${auc(c.points).toFixed(3)})`,
      data: c.points.map(p => ({x: Number(p.fpr), y: Number(p.tpr)})).sort((a, b) => a.x - b.x || a.y - b.y),
      borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length], showLine: true, pointRadius: 0, borderWidth: 2}));
    datasets.push({label: 'random', data: [{x: 0, y: 0}, {x: 1, y: 1}], borderColor: '#999', borderDash: [5, 4], showLine: true, pointRadius: 0, borderWidth: 1});
    box.dataset.curves = String(curves.length);
    requestAnimationFrame(() => {
      if (!box.isConnected) return;
      charts.push(new Chart(box.querySelector('canvas'), {type: 'scatter', data: {datasets},
        options: {animation: false, responsive: true, maintainAspectRatio: false,
          scales: {x: {min: 0, max: 1, title: {display: true, text: 'False positive rate'}},
            y: {min: 0, max: 1, title: {display: true, text: 'True positive rate'}}}}}));
    });
    return box;
  }

  // ------------------------------------------------------------------ compare

  async function comparePage(ids) {
    page().innerHTML = `<h1>Compare runs</h1><div class="toolbar"><input id="compare-ids" size="60" value="${esc(ids.join(','))}" placeholder="run ids, comma-separated">
      <button id="compare-go">Compare</button></div><div id="compare-body"></div>`;
    document.getElementById('compare-go').onclick = () => { location.hash = '#/compare?runlist=' + document.getElementById('compare-ids').value.replace(/\s+/g, ''); };
    if (ids.length < 1) {
      document.getElementById('compare-body').innerHTML = '<p class="muted">Pick runs on the runs page, or list their ids.</p>';
      return;
    }
    const [cmp, ...runs] = await Promise.all([api('/api/v1/compare?runs=' + ids.map(encodeURIComponent).join(','))]
      .concat(ids.map(id => api('/api/v1/runs/' + encodeURIComponent(id)))));
    const body = document.getElementById('compare-body');
    const paramNames = [...new Set(runs.flatMap(r => Object.keys(r.parameters || {})))].sort();
    const params = paramNames.map(n => {
      const vals = runs.map(r => (r.parameters || {})[n]);
      const differ = new Set(vals.map(v => JSON.stringify(v))).size > 1;
      return `<tr class="${differ ? 'diff' : ''}"><th>${esc(n)}</th>${vals.map(v => `<td>${esc(v == null ? '' : v)}</td>`).join('')}</tr>`;
    }).join('');
    const metricNames = Object.keys(cmp.metrics || {});
    const metrics = metricNames.map(n => `<tr><th>${esc(n)}</th>${cmp.runs.map((r, i) => {
      const v = cmp.metrics[n][r];
      const d = (cmp.differences[n] || {})[r];
      return `<td>${esc(fmtMetric(v, (cmp.formats || {})[n]))}${i > 0 && d != null ? ` <span class="delta">(${d > 0 ? '+' : ''}${esc(fmtMetric(d, (cmp.formats || {})[n]))})</span>` : ''}</td>`;
    }).join('')}</tr>`).join('');
    const head = `<tr><th></th>${runs.map(r => `<th><a href="#/runs/details/${encodeURIComponent(r.runId)}">${esc(r.runId)}</a><br>${stateBadge(r.phase)}</th>`).join('')}</tr>`;
    body.innerHTML = `<h2>Parameters</h2><table class="compare-params">${head}${params || '<tr><td class="muted">None.</td></tr>'}</table>
      <h2>Metrics</h2><table class="compare-metrics">${head}${metrics || '<tr><td class="muted">None.</td></tr>'}</table>
      <h2>ROC curves</h2><div id="compare-roc"></div>
      <h2>Metric across runs</h2><div class="toolbar"><select id="metric-pick">${metricNames.map(n => `<option>${esc(n)}</option>`).join('')}</select></div>
      <div id="metric-chart" class="chart-box"></div>`;
    const curves = [];
    runs.forEach(r => r.visualizations.filter(v => v.type === 'roc' && v.data && v.data.points).forEach(v =>
      curves.push({label: r.runId + ' · ' + v.task, points: v.data.points})));
    const rocEl = document.getElementById('compare-roc');
    if (curves.length) rocEl.appendChild(rocChart(curves));
    else rocEl.innerHTML = '<p class="muted">No ROC curve in these runs.</p>';
    const pick = document.getElementById('metric-pick');
    let chart = null;
    const drawMetric = () => {
      const n = pick.value;
      const box = document.getElementById('metric-chart');
      if (!n) { box.innerHTML = '<p class="muted">No metrics.</p>'; return; }
      box.innerHTML = '<canvas></canvas>';
      if (chart) { chart.destroy(); charts = charts.filter(c => c !== chart); }
      chart = new Chart(box.querySelector('canvas'), {type: 'bar', data: {labels: cmp.runs,
        datasets: [{label: n, data: cmp.runs.map(r => cmp.metrics[n][r] == null ? null : cmp.metrics[n][r]), backgroundColor: '#1a5fb4'}]},
        options: {animation: false, responsive: true, maintainAspectRatio: false}});
      charts.push(chart);
    };
    pick.onchange = drawMetric;
    drawMetric();
  }

  // ------------------------------------------------------------------ pipelines

  async function pipelinesPage() {
    page().innerHTML = `<h1>Pipelines</h1>
      <form id="upload-form" class="toolbar">
        <label>Upload a pipeline <input id="upload-file" type="file" multiple accept=".yaml,.yml,.json,.gz,.tgz,.zip"></label>
        <input id="upload-name" placeholder="name (optional)">
        <button class="primary" type="submit">Upload</button><span id="upload-msg" class="muted"></span></form>
      <p class="muted">YAML (KFP v1 graph component or component.yaml, KFP v2 IR), JSON IR, or a .tar.gz/.zip package.
        Select the component files a v1 pipeline references by <code>url</code> together with it.</p>
      <div id="pipelines"></div>`;
    document.getElementById('upload-form').onsubmit = async ev => {
      ev.preventDefault();
      const files = [...document.getElementById('upload-file').files];
      const msg = document.getElementById('upload-msg');
      if (!files.length) { msg.textContent = 'Choose a file.'; return; }
      const fd = uploadForm(files);
      const name = document.getElementById('upload-name').value.trim();
      try {
        const p = await api('/apis/v2beta1/pipelines/upload' + (name ? '?name=' + encodeURIComponent(name) : ''), {method: 'POST', body: fd});
        location.hash = '#/pipelines/details/' + encodeURIComponent(p.pipeline_id);
      } catch (e) {
        msg.textContent = e.message;
        msg.className = 'error';
      }
    };
    const list = await api('/apis/v2beta1/pipelines?page_size=1000');
    const ps = list.pipelines || [];
    document.getElementById('pipelines').innerHTML = `<table class="pipelines"><tr><th>Pipeline</th><th>Description</th><th>Created</th></tr>
      ${ps.map(p => `<tr><td><a href="#/pipelines/details/${encodeURIComponent(p.pipeline_id)}">${esc(p.display_name)}</a></td>
        <td>${esc(p.description)}</td><td>${esc(fmtTime(p.created_at))}</td></tr>`).join('') || '<tr><td class="muted" colspan="3">No pipelines.</td></tr>'}</table>`;
  }

  /** KFP's multipart upload: the pipeline as `uploadfile`, the component files it names by url as `component` parts. */
  function uploadForm(files) {
    const main = files.find(f => /pipeline/i.test(f.name) && !/component/i.test(f.name)) || files[0];
    const fd = new FormData();
    if (!main) return fd;
    fd.append('uploadfile', main, main.name);
    files.filter(f => f !== main).forEach(f => fd.append('component', f, f.name));
    return fd;
  }

  async function pipelinePage(id) {
    const p = await api('/apis/v2beta1/pipelines/' + encodeURIComponent(id));
    const vs = (await api('/apis/v2beta1/pipelines/' + encodeURIComponent(id) + '/versions?page_size=1000')).pipeline_versions || [];
    vs.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    page().innerHTML = `<h1>Pipeline ${esc(p.display_name)}</h1><p class="muted">${esc(p.description)}</p>
      <div class="toolbar"><label>Version <select id="version-pick">${vs.map(v => `<option value="${esc(v.pipeline_version_id)}">${esc(v.display_name)} (${esc(fmtTime(v.created_at))})</option>`).join('')}</select></label>
        <form id="version-form" class="toolbar"><label>New version <input id="version-file" type="file" multiple accept=".yaml,.yml,.json,.gz,.tgz,.zip"></label>
        <button type="submit">Upload version</button><span id="version-msg" class="error"></span></form></div>
      <div class="tabs"><button data-tab="graph" class="active">Graph</button><button data-tab="run">Create run</button></div>
      <div id="tab-graph"><div id="graph"></div></div><div id="tab-run" hidden></div>`;
    const tabs = page().querySelectorAll('.tabs button');
    tabs.forEach(b => b.onclick = () => {
      tabs.forEach(x => x.classList.toggle('active', x === b));
      ['graph', 'run'].forEach(t => { document.getElementById('tab-' + t).hidden = t !== b.dataset.tab; });
    });
    document.getElementById('version-form').onsubmit = async ev => {
      ev.preventDefault();
      try {
        await api('/apis/v2beta1/pipelines/upload_version?pipelineid=' + encodeURIComponent(id), {method: 'POST',
          body: uploadForm([...document.getElementById('version-file').files])});
        route();
      } catch (e) { document.getElementById('version-msg').textContent = e.message; }
    };
    const pick = document.getElementById('version-pick');
    const show = async () => {
      const v = await api(`/apis/v2beta1/pipelines/${encodeURIComponent(id)}/versions/${encodeURIComponent(pick.value)}`);
      try {
        const g = await api(`/api/v1/pipelines/${encodeURIComponent(p.name || p.display_name)}/versions/${encodeURIComponent(v.name)}/graph`);
        drawGraph(document.getElementById('graph'), g, {}, null);
      } catch (e) {
        document.getElementById('graph').innerHTML = errorBox(e);
      }
      await runForm(document.getElementById('tab-run'), p, v);
    };
    if (vs.length) {
      pick.onchange = show;
      await show();
    } else {
      document.getElementById('graph').innerHTML = '<p class="muted">No versions.</p>';
    }
    if (query().get('tab') === 'run') page().querySelector('.tabs button[data-tab="run"]').click();
  }

  /** The pipeline's parameters from a v1 graph component (inputs) or from KFP v2 IR (root.inputDefinitions). */
  function parametersOf(spec) {
    if (!spec || typeof spec !== 'object') return [];
    if (spec.kind === 'Workflow' && /^argoproj\.io\//.test(spec.apiVersion || '')) {
      // a KFP 1.x package: spec.arguments.parameters, typed by KFP's pipeline_spec annotation where it has one
      let kfpSpec = {};
      try { kfpSpec = JSON.parse(((spec.metadata || {}).annotations || {})['pipelines.kubeflow.org/pipeline_spec'] || '{}'); } catch (e) { /* untyped */ }
      const declared = {};
      (kfpSpec.inputs || []).forEach(i => { declared[i.name] = i; });
      return (((spec.spec || {}).arguments || {}).parameters || []).map(a => {
        const d = declared[a.name] || {name: a.name};
        const p = parametersOf({inputs: [Object.assign({}, d, {type: d.type || 'String'})]})[0];
        return Object.assign(p, {default: a.value !== undefined ? a.value : d.default, optional: a.value !== undefined || d.default !== undefined || !!d.optional});
      });
    }
    const ir = spec.pipelineSpec || spec;
    if (ir.root) {
      const defs = (ir.root.inputDefinitions || {});
      const out = Object.entries(defs.parameters || {}).map(([name, d]) => ({name, type: ({NUMBER_INTEGER: 'integer', NUMBER_DOUBLE: 'float', BOOLEAN: 'boolean',
        LIST: 'list', STRUCT: 'json', STRING: 'string'})[d.parameterType || (d.type === 'INT' ? 'NUMBER_INTEGER' : d.type === 'DOUBLE' ? 'NUMBER_DOUBLE' : 'STRING')] || 'string',
        default: d.defaultValue, description: d.description, optional: !!d.isOptional || d.defaultValue !== undefined}));
      Object.entries(defs.artifacts || {}).forEach(([name, d]) => out.push({name, type: 'artifact', description: d.description,
        optional: !!d.isOptional, artifactType: ((d.artifactType || {}).schemaTitle)}));
      return out;
    }
    return (spec.inputs || []).map(i => {
      const t = typeof i.type === 'string' ? i.type : i.type ? Object.keys(i.type)[0] : 'String';
      const type = /^(Integer|int)$/i.test(t) ? 'integer' : /^(Float|double)$/i.test(t) ? 'float' : /^(Boolean|bool)$/i.test(t) ? 'boolean'
        : /^(List|JsonArray)$/i.test(t) ? 'list' : /^(Dict|JsonObject)$/i.test(t) ? 'json'
        : !i.type || /^(String|str|Text|GCSPath|GcsUri|GCPProjectID|GCPRegion|Uri|URI|Url|URL|LocalPath)$/i.test(t) ? 'string' : 'artifact';
      // a typed v1 input (CSV, Dataset, Model…) is a file: the form uploads it and passes {"uri": …}
      return {name: i.name, type, kfpType: t, default: i.default, description: i.description, optional: !!i.optional || i.default !== undefined};
    });
  }

  /** @return [value, error]: the field's text checked and converted for its type. */
  function typed(p, text) {
    if (text === '' || text == null) return p.optional ? [undefined, null] : [null, 'required'];
    switch (p.type) {
      case 'integer': return /^[-+]?\d+$/.test(text.trim()) ? [parseInt(text, 10), null] : [null, 'expected an integer'];
      case 'float': return text.trim() !== '' && isFinite(Number(text)) ? [Number(text), null] : [null, 'expected a number'];
      case 'boolean': return /^(true|false)$/i.test(text.trim()) ? [text.trim().toLowerCase() === 'true', null] : [null, 'expected true or false'];
      case 'list': try { const v = JSON.parse(text); return Array.isArray(v) ? [v, null] : [null, 'expected a JSON list']; } catch (e) { return [null, 'expected a JSON list: ' + e.message]; }
      case 'json': try { return [JSON.parse(text), null]; } catch (e) { return [null, 'expected JSON: ' + e.message]; }
      // an existing object goes as an explicit artifact reference (docs/contracts.md "Run request"); text is never read as one
      case 'artifact': return /^s3:\/\/[^/\s]+\/\S+$/.test(text.trim()) ? [{uri: text.trim()}, null]
        : [null, 'expected s3://BUCKET/KEY of an existing object, or upload a file'];
      default: return [text, null];
    }
  }

  async function runForm(el, pipeline, version) {
    const params = parametersOf(version.pipeline_spec);
    const exps = (await api('/apis/v2beta1/experiments?page_size=1000').catch(() => ({experiments: []}))).experiments || [];
    const shown = v => v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    el.innerHTML = `<form id="run-form">
      <div class="form-row"><label for="run-name">Run name</label><input id="run-name" size="40" value="${esc(pipeline.display_name)} ${esc(new Date().toISOString().substring(0, 19))}"></div>
      <div class="form-row"><label for="run-experiment">Experiment</label><select id="run-experiment"><option value="">Default</option>
        ${exps.map(e => `<option value="${esc(e.experiment_id)}">${esc(e.display_name)}</option>`).join('')}</select></div>
      <h3>Parameters</h3>${params.map(p => `<div class="form-row" data-param="${esc(p.name)}">
        <label for="param-${esc(p.name)}">${esc(p.name)} <span class="muted">(${esc(p.kfpType || p.type)}${p.optional ? ', optional' : ''})</span></label>
        ${p.type === 'boolean' ? `<select id="param-${esc(p.name)}" name="${esc(p.name)}" data-type="boolean"><option value=""></option><option ${String(p.default) === 'true' ? 'selected' : ''}>true</option><option ${String(p.default) === 'false' ? 'selected' : ''}>false</option></select>`
          : p.type === 'list' || p.type === 'json' ? `<textarea id="param-${esc(p.name)}" name="${esc(p.name)}" data-type="${p.type}" rows="3" cols="50">${esc(shown(p.default))}</textarea>`
          : p.type === 'artifact' ? `<input id="param-${esc(p.name)}" name="${esc(p.name)}" data-type="artifact" size="50" placeholder="s3://… (an object in the Relay bucket)" value="${esc(typeof p.default === 'string' && /^(s3|minio):\/\//.test(p.default) ? p.default : '')}">
             <span class="muted">or upload</span> <input id="param-${esc(p.name)}-file" class="param-file" type="file" data-param="${esc(p.name)}">`
          : `<input id="param-${esc(p.name)}" name="${esc(p.name)}" data-type="${p.type}" size="40" value="${esc(shown(p.default))}"${p.type === 'integer' || p.type === 'float' ? ' inputmode="decimal"' : ''}>`}
        ${p.description ? `<div class="help">${esc(p.description)}</div>` : ''}<div class="field-error"></div></div>`).join('') || '<p class="muted">No parameters.</p>'}
      ${params.some(p => p.type === 'artifact') ? '<p class="muted">A run with a file goes through Relay\'s run API: it is in the Default experiment under its id.</p>' : ''}
      <button class="primary" type="submit" id="run-submit">Start run</button> <span id="run-error" class="error"></span></form>`;
    document.getElementById('run-form').onsubmit = async ev => {
      ev.preventDefault();
      const values = {};
      const uploads = [];
      let bad = false;
      params.forEach(p => {
        const row = el.querySelector(`[data-param="${CSS.escape(p.name)}"]`);
        const file = row.querySelector('input.param-file');
        if (file && file.files.length) {
          // uploaded on submit, then passed as an explicit artifact reference (contracts.md)
          row.querySelector('.field-error').textContent = '';
          uploads.push([p.name, file.files[0], row]);
          return;
        }
        const [v, err] = typed(p, row.querySelector('input,select,textarea').value);
        row.querySelector('.field-error').textContent = err || '';
        if (err) bad = true;
        else if (v !== undefined) values[p.name] = v;
      });
      const errEl = document.getElementById('run-error');
      if (bad) { errEl.textContent = 'Fix the fields marked above.'; return; }
      errEl.textContent = '';
      for (const [name, f, row] of uploads) {
        const fd = new FormData();
        fd.append('file', f, f.name);
        errEl.textContent = 'Uploading ' + f.name + '…';
        try {
          const u = await api('/api/v1/uploads', {method: 'POST', body: fd});
          values[name] = {uri: u.uri};
          row.querySelector('.field-error').textContent = '';
          row.dataset.uploaded = u.uri;
        } catch (e) {
          row.querySelector('.field-error').textContent = 'upload failed: ' + e.message;
          errEl.textContent = 'Fix the fields marked above.';
          return;
        }
      }
      errEl.textContent = '';
      const body = {display_name: document.getElementById('run-name').value,
        pipeline_version_reference: {pipeline_id: pipeline.pipeline_id, pipeline_version_id: version.pipeline_version_id},
        runtime_config: {parameters: values}};
      const exp = document.getElementById('run-experiment').value;
      if (exp) body.experiment_id = exp;
      try {
        if (Object.values(values).some(v => v && typeof v === 'object' && !Array.isArray(v) && v.uri)) {
          // an artifact reference {"uri"} goes through Relay's run request (KFP's runtime_config turns objects into text)
          const r = await api('/api/v1/runs', {method: 'POST', json: {pipeline: {name: pipeline.name || pipeline.display_name, version: version.name},
            parameters: values}});
          location.hash = '#/runs/details/' + encodeURIComponent(r.runId);
        } else {
          const r = await api('/apis/v2beta1/runs', {method: 'POST', json: body});
          location.hash = '#/runs/details/' + encodeURIComponent(r.run_id);
        }
      } catch (e) {
        errEl.textContent = e.message;
      }
    };
  }

  // ------------------------------------------------------------------ experiments, recurring runs, triggers

  async function experimentsPage() {
    page().innerHTML = `<h1>Experiments</h1><form id="exp-form" class="toolbar"><input id="exp-name" placeholder="new experiment name">
      <button type="submit">Create</button><span id="exp-msg" class="error"></span></form><div id="experiments"></div>`;
    document.getElementById('exp-form').onsubmit = async ev => {
      ev.preventDefault();
      try {
        await api('/apis/v2beta1/experiments', {method: 'POST', json: {display_name: document.getElementById('exp-name').value}});
        route();
      } catch (e) { document.getElementById('exp-msg').textContent = e.message; }
    };
    const exps = (await api('/apis/v2beta1/experiments?page_size=1000')).experiments || [];
    document.getElementById('experiments').innerHTML = `<table class="experiments"><tr><th>Experiment</th><th>Description</th><th>State</th><th>Created</th></tr>
      ${exps.map(e => `<tr><td><a href="#/experiments/details/${encodeURIComponent(e.experiment_id)}">${esc(e.display_name)}</a></td><td>${esc(e.description)}</td>
        <td>${esc(e.storage_state)}</td><td>${esc(fmtTime(e.created_at))}</td></tr>`).join('') || '<tr><td colspan="4" class="muted">No experiments.</td></tr>'}</table>`;
  }

  async function experimentPage(id) {
    const e = await api('/apis/v2beta1/experiments/' + encodeURIComponent(id));
    page().innerHTML = `<h1>Experiment ${esc(e.display_name)}</h1><p class="muted">${esc(e.description)}</p>
      <h2>Recurring runs</h2><div id="exp-recurring"></div><h2>Runs</h2><div id="runs"></div>`;
    await recurringTable(document.getElementById('exp-recurring'), id);
    await runsTable(document.getElementById('runs'), {experimentId: id});
  }

  async function recurringTable(el, experimentId) {
    const list = (await api('/apis/v2beta1/recurringruns?page_size=1000' + (experimentId ? '&experiment_id=' + encodeURIComponent(experimentId) : ''))).recurringRuns;
    const rs = list || [];
    const trig = t => !t ? '' : t.cron_schedule ? 'cron ' + t.cron_schedule.cron : t.periodic_schedule ? 'every ' + t.periodic_schedule.interval_second + ' s' : JSON.stringify(t);
    el.innerHTML = `<table class="recurring"><tr><th>Name</th><th>Trigger</th><th>Status</th><th>Pipeline</th><th>Created</th><th></th></tr>
      ${rs.map(r => `<tr data-id="${esc(r.recurring_run_id)}"><td>${esc(r.display_name)}</td><td>${esc(trig(r.trigger))}</td><td>${esc(r.status)}</td>
        <td>${esc(JSON.stringify(r.pipeline_version_reference || ''))}</td><td>${esc(fmtTime(r.created_at))}</td>
        <td><button class="toggle">${r.status === 'ENABLED' ? 'Disable' : 'Enable'}</button></td></tr>`).join('') || '<tr><td colspan="6" class="muted">None.</td></tr>'}</table>`;
    el.querySelectorAll('button.toggle').forEach(b => b.onclick = async () => {
      const id = b.closest('tr').dataset.id;
      await api(`/apis/v2beta1/recurringruns/${encodeURIComponent(id)}:${b.textContent === 'Disable' ? 'disable' : 'enable'}`, {method: 'POST'});
      route();
    });
  }

  async function recurringRunsPage() {
    page().innerHTML = '<h1>Recurring runs</h1><div id="recurring"></div>';
    await recurringTable(document.getElementById('recurring'), null);
  }

  async function triggersPage() {
    page().innerHTML = '<h1>Triggers</h1><div id="triggers"></div>';
    const [t, runs] = await Promise.all([api('/api/v1/triggers'), api('/api/v1/runs')]);
    const started = runs.runs.filter(r => /trigger$/.test(r.cause || '')).slice(0, 100);
    const details = await Promise.all(started.map(r => api('/api/v1/runs/' + encodeURIComponent(r.runId)).catch(() => null)));
    const byTrigger = {};
    details.filter(Boolean).forEach(d => { const n = (d.cause || {}).trigger; if (n) (byTrigger[n] = byTrigger[n] || []).push(d); });
    document.getElementById('triggers').innerHTML = (t.triggers || []).map(x => `<div class="viz trigger" data-name="${esc(x.name)}">
      <h4>${esc(x.name)} <span class="muted">(${esc(x.kind)})</span></h4><pre>${esc(JSON.stringify(x.definition, null, 2))}</pre>
      <h4>Runs it started</h4>${(byTrigger[x.name] || []).map(r => `<a href="#/runs/details/${encodeURIComponent(r.runId)}">${esc(r.runId)}</a> ${stateBadge(r.phase)}`).join('<br>') || '<p class="muted">None.</p>'}</div>`).join('')
      || '<p class="muted">No triggers loaded (relay server --triggers DIR).</p>';
  }

  // ------------------------------------------------------------------ start

  async function start() {
    measure('app-start', 0);
    window.addEventListener('hashchange', route);
    try {
      const s = await session();
      if (s.required && !s.authenticated) {
        showLogin();
        return;
      }
    } catch (e) {
      page().innerHTML = errorBox(e);
      return;
    }
    route();
  }

  return {start, parametersOf, typed, auc};
})();

Relay.start();
