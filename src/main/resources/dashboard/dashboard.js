// The Lanes dashboard: renders each view that /dashboard/events sends (once a second), read-only. Every figure comes
// from the server (the sparklines' last 60 points too), so a page opened late shows the same as one open all along.
(function () {
  'use strict';

  const SPARK_WIDTH = 160;
  const SPARK_HEIGHT = 30;
  const RETRY_REFUSED_MS = 5000;
  const SPARK_POINTS = 60; // as many as the server keeps: one per snapshot

  const nodesEl = document.getElementById('nodes');
  const template = document.getElementById('node-template');
  const connection = document.getElementById('connection');
  const servedBy = document.getElementById('served-by');
  const sections = new Map(); // node id -> { el, sparks: Map(key -> uPlot) }

  function setConnection(state, text) {
    connection.dataset.state = state;
    connection.textContent = text;
  }

  function connect() {
    const source = new EventSource('/dashboard/events');
    source.onopen = () => setConnection('live', 'live');
    source.onmessage = (event) => render(JSON.parse(event.data));
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (503: every stream of the node is taken) or not a stream at all: EventSource gives up, we do not.
        setConnection('refused', 'refused, retrying in ' + RETRY_REFUSED_MS / 1000 + ' s');
        setTimeout(connect, RETRY_REFUSED_MS);
      } else {
        setConnection('lost', 'reconnecting…');
      }
    };
  }

  // --- formatting ----------------------------------------------------------------------------------------------------

  function text(el, value) {
    const shown = value === null || value === undefined ? '–' : String(value);
    if (el.textContent !== shown) {
      el.textContent = shown;
    }
  }

  function ms(value) {
    if (value === null || value === undefined) {
      return '–';
    }
    if (value >= 10000) {
      return (value / 1000).toFixed(1) + ' s';
    }
    if (value >= 1000) {
      return (value / 1000).toFixed(2) + ' s';
    }
    return value + ' ms';
  }

  function bytes(value) {
    if (value >= 1048576) {
      return (value / 1048576).toFixed(1) + ' MiB';
    }
    if (value >= 1024) {
      return (value / 1024).toFixed(1) + ' KiB';
    }
    return value + ' B';
  }

  function clock(epochMs) {
    return epochMs ? new Date(epochMs).toLocaleTimeString() : '–';
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (key === 'className') {
        node.className = value;
      } else if (key.startsWith('data-')) {
        node.setAttribute(key, value);
      } else {
        node[key] = value;
      }
    });
    (children || []).forEach((child) => node.append(child));
    return node;
  }

  /** The row of `tbody` keyed by `attr`=`key`, made by `make` when missing; rows whose key is not in `keep` go. */
  function row(tbody, attr, key, make) {
    let found = null;
    for (const candidate of tbody.children) {
      if (candidate.getAttribute(attr) === key) {
        found = candidate;
        break;
      }
    }
    if (!found) {
      found = make();
      found.setAttribute(attr, key);
      tbody.append(found);
    }
    return found;
  }

  function prune(tbody, attr, keep, onRemove) {
    for (const candidate of Array.from(tbody.children)) {
      const key = candidate.getAttribute(attr);
      if (key !== null && !keep.has(key)) {
        if (onRemove) {
          onRemove(key);
        }
        candidate.remove();
      }
    }
  }

  function field(parent, name) {
    return parent.querySelector('[data-field="' + name + '"]');
  }

  function cells(names) {
    return names.map((name) => el('td', { 'data-field': name }));
  }

  // --- sparklines (uPlot) --------------------------------------------------------------------------------------------

  function spark(section, key, container, minTop, color) {
    let plot = section.sparks.get(key);
    if (!plot) {
      plot = new uPlot({
        width: SPARK_WIDTH,
        height: SPARK_HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        select: { show: false },
        axes: [{ show: false }, { show: false }],
        // a fixed axis of the last 60 points, the newest at the right: a young node's line starts part way
        scales: { x: { time: false, range: () => [1 - SPARK_POINTS, 0] },
          y: { range: (u, min, max) => [0, Math.max(minTop, max)] } },
        series: [{}, { stroke: color, width: 1.5, fill: color + '22', points: { show: false } }],
      }, [[], []], container);
      section.sparks.set(key, plot);
    }
    return plot;
  }

  function plotSeries(plot, values) {
    const xs = values.map((value, i) => i - values.length + 1);
    plot.setData([xs, values]);
  }

  // --- rendering -----------------------------------------------------------------------------------------------------

  function render(view) {
    text(servedBy, 'served by ' + view.servedBy + (view.clustered ? ' · clustered' : ' · standalone')
      + ' · ' + view.streams + '/' + view.maxStreams + ' streams · ' + clock(view.now));
    renderMembers(view);
    renderRecentJobs(view.nodes);
    const seen = new Set();
    view.nodes.forEach((node) => {
      seen.add(node.id);
      renderNode(node);
    });
    for (const [id, section] of sections) {
      if (!seen.has(id)) {
        section.sparks.forEach((plot) => plot.destroy());
        section.el.remove();
        sections.delete(id);
      }
    }
  }

  function renderMembers(view) {
    const tbody = document.getElementById('members');
    const reporting = new Map(view.nodes.map((node) => [node.id, node]));
    const keep = new Set();
    view.members.forEach((member) => {
      keep.add(member.id);
      const tr = row(tbody, 'data-member', member.id,
        () => el('tr', {}, cells(['id', 'roles', 'compute', 'httpPort', 'host', 'dashboard'])));
      const node = reporting.get(member.id);
      text(field(tr, 'id'), member.id);
      text(field(tr, 'roles'), (member.roles || []).join(', '));
      text(field(tr, 'compute'), member.compute);
      text(field(tr, 'httpPort'), member.httpPort);
      text(field(tr, 'host'), member.host);
      text(field(tr, 'dashboard'), !node ? 'no snapshot' : node.stale ? 'silent ' + ms(node.ageMs) : 'reporting');
    });
    prune(tbody, 'data-member', keep);
  }

  function renderRecentJobs(nodes) {
    const runs = [];
    nodes.forEach((node) => (node.snapshot.recentJobs || []).forEach((run) => runs.push({ sender: node.id, run })));
    runs.sort((a, b) => b.run.at - a.run.at);
    const tbody = document.getElementById('recent-jobs');
    tbody.replaceChildren();
    if (runs.length === 0) {
      tbody.append(el('tr', {}, [el('td', { colSpan: 6, className: 'muted', textContent: 'none yet' })]));
      return;
    }
    runs.slice(0, 10).forEach(({ sender, run }) => tbody.append(el('tr', {}, [
      el('td', { textContent: clock(run.at) }),
      el('td', { textContent: run.type }),
      el('td', { textContent: sender }),
      el('td', { textContent: run.node || '–' }),
      el('td', { textContent: run.runMs === null ? '–' : run.runMs }),
      el('td', { textContent: run.outcome, className: run.outcome === 'done' ? '' : 'hot' }),
    ])));
  }

  function sectionFor(id) {
    let section = sections.get(id);
    if (!section) {
      const node = template.content.firstElementChild.cloneNode(true);
      node.dataset.node = id;
      nodesEl.append(node);
      section = { el: node, sparks: new Map() };
      sections.set(id, section);
    }
    return section;
  }

  function renderNode(node) {
    const section = sectionFor(node.id);
    const root = section.el;
    const s = node.snapshot;
    root.classList.toggle('stale', node.stale);
    text(root.querySelector('.node-id'), node.id);
    const readiness = root.querySelector('.readiness');
    readiness.dataset.state = s.readiness;
    text(readiness, s.readiness.toUpperCase());
    text(root.querySelector('.node-meta'), 'roles ' + s.roles.join(', ') + ' · compute ×' + s.computeInstances);
    text(root.querySelector('.stale-note'), node.stale ? 'no snapshot for ' + ms(node.ageMs) : '');
    renderLoops(section, s);
    renderLanes(section, s);
    renderRoutes(root, s.routes, s.roles.includes('http'));
    renderWork(root, s);
    renderSchedules(root, s.schedules);
  }

  function renderLoops(section, s) {
    const tbody = section.el.querySelector('.loop-rows');
    const keep = new Set();
    s.loops.forEach((loop) => {
      keep.add(loop.name);
      const tr = row(tbody, 'data-loop', loop.name, () => el('tr', {}, [
        el('td', { 'data-field': 'name' }), el('td', { className: 'spark', 'data-field': 'spark' }),
        ...cells(['lagMs', 'maxLagMs', 'blocked'])]));
      const max = loop.lagSeries.length ? Math.max(...loop.lagSeries) : 0;
      text(field(tr, 'name'), loop.name.replace('vert.x-eventloop-thread-', 'loop '));
      text(field(tr, 'lagMs'), loop.lagMs);
      text(field(tr, 'maxLagMs'), max);
      text(field(tr, 'blocked'), loop.blocked);
      tr.dataset.lagMs = loop.lagMs;
      tr.dataset.maxLagMs = max;
      field(tr, 'lagMs').className = loop.lagMs >= 100 ? 'hot' : loop.lagMs >= 10 ? 'warm' : '';
      field(tr, 'maxLagMs').className = max >= 100 ? 'hot' : max >= 10 ? 'warm' : '';
      field(tr, 'blocked').className = loop.blocked > 0 ? 'hot' : '';
      plotSeries(spark(section, 'loop:' + loop.name, field(tr, 'spark'), 10, '#c81e1e'), loop.lagSeries);
    });
    prune(tbody, 'data-loop', keep, (key) => {
      const plot = section.sparks.get('loop:' + key);
      if (plot) {
        plot.destroy();
        section.sparks.delete('loop:' + key);
      }
    });
    text(section.el.querySelector('.blocked-total'), s.blockedThreadEvents);
  }

  function renderLanes(section, s) {
    const tbody = section.el.querySelector('.lane-rows');
    s.lanes.forEach((lane) => {
      const tr = row(tbody, 'data-lane', lane.name, () => el('tr', {}, [
        el('th', { 'data-field': 'name' }), el('td', { className: 'spark', 'data-field': 'spark' }),
        ...cells(['inFlight', 'wait', 'drainPerSecond', 'admittedPerSecond', 'rejectedPerSecond', 'refusingFor'])]));
      text(field(tr, 'name'), lane.name);
      text(field(tr, 'inFlight'), lane.inFlight);
      tr.dataset.inFlight = lane.inFlight;
      renderWait(field(tr, 'wait'), lane);
      text(field(tr, 'drainPerSecond'), lane.drainPerSecond);
      text(field(tr, 'admittedPerSecond'), lane.admittedPerSecond);
      text(field(tr, 'rejectedPerSecond'), lane.rejectedPerSecond);
      field(tr, 'rejectedPerSecond').className = lane.rejectedPerSecond > 0 ? 'hot' : '';
      text(field(tr, 'refusingFor'), lane.refusingForMs > 0 ? ms(lane.refusingForMs) : '–');
      field(tr, 'refusingFor').className = lane.refusingForMs > 0 ? 'hot' : '';
      plotSeries(spark(section, 'lane:' + lane.name, field(tr, 'spark'), 1, '#2563eb'), lane.inFlightSeries);
    });
    const log = s.log;
    text(section.el.querySelector('.log-queue'), bytes(log.queuedBytes) + ' of ' + bytes(log.maxQueuedBytes) + ' queued'
      + (log.failing ? ' · FAILING (log.txt cannot be written)' : ''));
    section.el.querySelector('.log-queue').className = 'log-queue' + (log.failing ? ' hot' : '');
    text(section.el.querySelector('.background'), s.backgroundPending);
  }

  function renderWait(td, lane) {
    const known = lane.expectedWaitMs !== null;
    const share = known ? Math.min(1, lane.expectedWaitMs / lane.maxWaitMs) : 0;
    let bar = td.querySelector('.bar');
    if (!bar) {
      bar = el('span', { className: 'bar' }, [el('span')]);
      td.replaceChildren(bar, el('span', { className: 'wait-text' }));
    }
    bar.classList.toggle('over', known && lane.expectedWaitMs > lane.maxWaitMs);
    bar.firstChild.style.width = (share * 100).toFixed(0) + '%';
    text(td.querySelector('.wait-text'), (known ? ms(lane.expectedWaitMs) : 'not measured') + ' / ' + ms(lane.maxWaitMs));
  }

  function renderRoutes(root, routes, serves) {
    const tbody = root.querySelector('.route-rows');
    const keep = new Set();
    if (routes.length === 0) {
      keep.add('none');
      const tr = row(tbody, 'data-group', 'none', () => el('tr', {}, [el('td', { colSpan: 4, className: 'muted' })]));
      text(tr.firstChild, serves ? 'no request yet' : 'no HTTP front on this node (no http role)');
    }
    routes.forEach((route) => {
      keep.add(route.group);
      const tr = row(tbody, 'data-group', route.group,
        () => el('tr', {}, cells(['group', 'perSecond', 'p99Ms', 'total'])));
      text(field(tr, 'group'), route.group);
      text(field(tr, 'perSecond'), route.perSecond);
      text(field(tr, 'p99Ms'), route.p99Ms);
      text(field(tr, 'total'), route.total);
    });
    prune(tbody, 'data-group', keep);
    // busiest first, as the server sorted them
    routes.forEach((route) => tbody.append(tbody.querySelector('[data-group="' + CSS.escape(route.group) + '"]')));
  }

  function renderWork(root, s) {
    ['tasks', 'jobs'].forEach((kind) => {
      const tr = root.querySelector('tr[data-kind="' + kind + '"]');
      Object.entries(s[kind]).forEach(([state, count]) => {
        const td = field(tr, state);
        if (td) {
          text(td, count);
        }
      });
    });
  }

  function renderSchedules(root, schedules) {
    const tbody = root.querySelector('.schedule-rows');
    const keep = new Set();
    if (schedules.length === 0) {
      keep.add('none');
      const tr = row(tbody, 'data-schedule', 'none', () => el('tr', {}, [el('td', { colSpan: 8, className: 'muted' })]));
      text(tr.firstChild, 'no periodic jobs on this node (no scheduler role)');
    }
    schedules.forEach((job) => {
      keep.add(job.name);
      const tr = row(tbody, 'data-schedule', job.name, () => el('tr', {},
        cells(['name', 'every', 'runs', 'skipped', 'failures', 'last', 'owner', 'error'])));
      text(field(tr, 'name'), job.name + (job.enabled ? '' : ' (off)') + (job.running ? ' ▶' : ''));
      text(field(tr, 'every'), ms(job.intervalMs));
      text(field(tr, 'runs'), job.runs);
      text(field(tr, 'skipped'), job.skipped);
      text(field(tr, 'failures'), job.failures);
      text(field(tr, 'last'), job.last_started_at ? new Date(job.last_started_at).toLocaleTimeString() : '–');
      text(field(tr, 'owner'), job.owner);
      text(field(tr, 'error'), job.last_error);
      field(tr, 'error').className = job.last_error ? 'hot' : '';
    });
    prune(tbody, 'data-schedule', keep);
  }

  connect();
}());
