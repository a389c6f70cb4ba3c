// Ferry's dashboard: the caller's transfers, where their bytes came from, and the bandwidth
// policy, all from ferryd's API. The page holds no data of its own: it signs in once with the token
// from its address, then every request carries the session cookie.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
  const FINAL = new Set(['ACKNOWLEDGED', 'CANCELLED', 'Finalized', 'Aborted']);

  // ---- the API ---------------------------------------------------------------------------------

  class HttpError extends Error {
    constructor(status, problem) {
      super((problem && problem.message) || `HTTP ${status}`);
      this.status = status;
    }
  }

  async function api(method, path, body) {
    const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      if (response.status === 401) signedOut();
      throw new HttpError(response.status, data);
    }
    return data;
  }

  // The token is in the fragment, which the browser never sends: it goes to ferryd once, in an
  // Authorization header, and leaves the address bar and the history at once.
  async function signIn() {
    const token = new URLSearchParams(location.hash.slice(1)).get('token');
    if (!token) return;
    history.replaceState(null, '', location.pathname);
    const response = await fetch('session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new HttpError(response.status, null);
  }

  function signedOut() {
    $('login-needed').hidden = false;
    $('connection').textContent = 'Not signed in: no data is shown.';
  }

  // ---- formatting ------------------------------------------------------------------------------

  function bytes(n) {
    if (n < 0) return 'unknown';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
  }

  function duration(seconds) {
    if (!isFinite(seconds) || seconds < 0) return '';
    seconds = Math.round(seconds);
    if (seconds < 60) return `${seconds} s`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
    return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  }

  function percent(part, whole) {
    return whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '–';
  }

  // ---- the transfers table ---------------------------------------------------------------------
  // One row per job, made once and then changed in place: events mark rows dirty and one animation
  // frame writes what changed, so a burst of events over a thousand rows costs one layout.

  const rows = new Map();
  const dirty = new Set();
  let frame = 0;
  const tbody = $('jobs').tBodies[0];

  const ACTIONS = {
    job: { suspend: 'suspend', resume: 'resume', cancel: 'cancel', complete: 'complete' },
    download: { suspend: 'pause', resume: 'start', cancel: 'abort', complete: 'finalize' },
  };

  function allowed(row, action) {
    const s = row.state;
    if (row.kind === 'download') {
      return {
        suspend: s === 'Transferring',
        resume: s === 'Created' || s === 'Paused',
        cancel: true,
        complete: s === 'Transferred',
      }[action];
    }
    return {
      suspend: s !== 'SUSPENDED' && s !== 'TRANSFERRED',
      resume: s === 'SUSPENDED' || s === 'ERROR' || s === 'TRANSIENT_ERROR',
      cancel: true,
      complete: s === 'TRANSFERRED',
    }[action];
  }

  function makeRow(id, kind) {
    const tr = document.createElement('tr');
    tr.dataset.id = id;
    const cell = () => tr.appendChild(document.createElement('td'));
    const row = {
      id, kind, tr, name: id, state: '', total: -1, done: 0, error: '', rate: 0, samples: null,
      cells: {
        name: cell(), kind: cell(), state: cell(), progress: cell(), rate: cell(), eta: cell(),
        error: cell(), actions: cell(),
      },
      buttons: {},
    };
    row.cells.name.className = 'name';
    row.cells.kind.textContent = kind === 'download' ? 'DO download' : 'BITS job';
    row.bar = document.createElement('progress');
    row.bar.max = 1;
    row.barText = document.createElement('span');
    row.barText.className = 'bar-text';
    row.cells.progress.append(row.bar, row.barText);
    for (const action of ['suspend', 'resume', 'cancel', 'complete']) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.action = action;
      button.textContent = action[0].toUpperCase() + action.slice(1);
      row.buttons[action] = button;
      row.cells.actions.appendChild(button);
    }
    rows.set(id, row);
    tbody.appendChild(tr);
    return row;
  }

  function fromJob(view) {
    const row = rows.get(view.id) || makeRow(view.id, 'job');
    row.name = view.displayName || view.id;
    row.state = view.state;
    row.total = view.progress.bytesTotal;
    row.done = view.progress.bytesTransferred;
    row.error = view.error ? `${view.error.codeName || ''} ${view.error.description || ''}`.trim() : '';
    touch(row);
  }

  function fromDownload(view) {
    const row = rows.get(view.id) || makeRow(view.id, 'download');
    row.state = view.state;
    row.total = view.bytesTotal;
    row.done = view.bytesTransferred;
    row.error = view.error ? `${view.errorName || view.error}` : '';
    touch(row);
  }

  function remove(row) {
    rows.delete(row.id);
    dirty.delete(row);
    row.tr.remove();
    counts();
  }

  function touch(row) {
    dirty.add(row);
    if (!frame) frame = requestAnimationFrame(flush);
  }

  function flush() {
    frame = 0;
    for (const row of dirty) render(row);
    dirty.clear();
    counts();
  }

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function render(row) {
    const c = row.cells;
    setText(c.name, row.name);
    setText(c.state, row.state);
    const known = row.total > 0;
    const fraction = known ? row.done / row.total : 0;
    // Never indeterminate: an animated bar per row would keep a thousand rows repainting.
    row.bar.value = fraction;
    row.bar.setAttribute('aria-label', `Progress of ${row.name}`);
    setText(row.barText, known ? `${bytes(row.done)} of ${bytes(row.total)}` : bytes(row.done));
    const moving = row.state === 'TRANSFERRING' || row.state === 'Transferring';
    setText(c.rate, moving && row.rate > 0 ? `${bytes(row.rate)}/s` : '');
    setText(c.eta, moving && row.rate > 0 && known ? duration((row.total - row.done) / row.rate) : '');
    setText(c.error, row.error);
    for (const [action, button] of Object.entries(row.buttons)) {
      button.disabled = !allowed(row, action);
      button.setAttribute('aria-label', `${button.textContent} ${row.name}`);
    }
  }

  function counts() {
    const n = rows.size;
    setText($('job-count'), n === 0 ? 'No transfers' : `${n} transfer${n === 1 ? '' : 's'}`);
  }

  // What a screen reader hears about progress: one summary now and then, not every row's change.
  function announceOverall() {
    let total = 0;
    let done = 0;
    let moving = 0;
    for (const row of rows.values()) {
      if (row.state === 'TRANSFERRING' || row.state === 'Transferring') {
        moving++;
        if (row.total > 0) {
          total += row.total;
          done += row.done;
        }
      }
    }
    setText($('overall'), moving === 0 ? '' : `${moving} transferring, ${percent(done, total)} done.`);
  }

  // The rate of a transfer over the last few seconds of its progress events: events arrive in
  // bursts, so the rate between two of them says little.
  const RATE_WINDOW_MS = 5000;

  function progressed(row, transferred, now) {
    const samples = row.samples || (row.samples = []);
    if (samples.length > 0 && transferred < samples[samples.length - 1].bytes) samples.length = 0;
    samples.push({ time: now, bytes: transferred });
    while (samples.length > 2 && now - samples[1].time >= RATE_WINDOW_MS) samples.shift();
    const first = samples[0];
    row.rate = now - first.time >= 1000 ? ((transferred - first.bytes) * 1000) / (now - first.time) : row.rate;
  }

  // Fetches of views the events asked for, a few at a time.
  const wanted = new Set();
  let fetching = 0;

  function refresh(id) {
    wanted.add(id);
    pump();
  }

  function pump() {
    while (fetching < 4 && wanted.size > 0) {
      const id = wanted.values().next().value;
      wanted.delete(id);
      fetching++;
      fetchView(id).finally(() => {
        fetching--;
        pump();
      });
    }
  }

  async function fetchView(id) {
    const row = rows.get(id);
    try {
      if (!row || row.kind === 'job') {
        try {
          fromJob(await api('GET', `/v1/jobs/${encodeURIComponent(id)}?files=false`));
          return;
        } catch (e) {
          if (e.status !== 404 || row) throw e;
        }
      }
      fromDownload(await api('GET', `/v1/downloads/${encodeURIComponent(id)}`));
    } catch (e) {
      if (e.status === 404 && row) remove(row);
    }
  }

  function onEvent(message) {
    const event = JSON.parse(message.data);
    const row = rows.get(event.jobId);
    if (FINAL.has(event.state)) {
      if (row) remove(row);
      return;
    }
    if (!row || message.type !== 'progress') {
      // A new transfer, or a change of state: read its view, which has its name and error too.
      refresh(event.jobId);
    }
    if (row) {
      if (event.bytesTotal >= 0) row.total = event.bytesTotal;
      row.done = event.bytesTransferred;
      if (event.state === 'TRANSFERRING') progressed(row, event.bytesTransferred, performance.now());
      else row.samples = null;
      if (row.kind === 'job' && event.state) row.state = event.state;
      touch(row);
    }
  }

  function watchEvents() {
    // Subscribed before the lists are read, so no change between the two is missed.
    const source = new EventSource('/v1/events');
    for (const kind of ['changed', 'progress', 'file-transferred']) {
      source.addEventListener(kind, onEvent);
    }
    source.onopen = () => {
      $('connection').textContent = 'Live: changes appear as they happen.';
      loadTransfers();
    };
    source.onerror = () => {
      $('connection').textContent = 'Disconnected from ferryd; trying again…';
    };
  }

  async function loadTransfers() {
    const [jobs, downloads] = await Promise.all([
      api('GET', '/v1/jobs?files=false'),
      api('GET', '/v1/downloads'),
    ]);
    const seen = new Set();
    for (const job of jobs) {
      fromJob(job);
      seen.add(job.id);
    }
    for (const download of downloads) {
      fromDownload(download);
      seen.add(download.id);
    }
    for (const row of [...rows.values()]) if (!seen.has(row.id)) remove(row);
  }

  // One listener for every button of the table.
  tbody.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const row = rows.get(button.closest('tr').dataset.id);
    if (!row) return;
    const action = button.dataset.action;
    const base = row.kind === 'download' ? '/v1/downloads/' : '/v1/jobs/';
    button.disabled = true;
    try {
      const result = await api('POST', `${base}${encodeURIComponent(row.id)}/${ACTIONS[row.kind][action]}`);
      setText($('action-status'), `${button.textContent}: ${row.name}: done.`);
      if (row.kind === 'download' && result) fromDownload(result);
      else refresh(row.id);
    } catch (e) {
      setText($('action-status'), `${button.textContent}: ${row.name}: ${e.message}`);
      touch(row);
    }
  });

  // ---- activity charts -------------------------------------------------------------------------

  const SERIES = [
    { key: 'origin', label: 'HTTP (origin)', stroke: '#1f6feb' },
    { key: 'cache', label: 'Cache server', stroke: '#2da44e' },
    { key: 'peer', label: 'Peers', stroke: '#bf8700' },
    { key: 'other', label: 'Other sources', stroke: '#8250df' },
    { key: 'uploaded', label: 'Uploaded to peers', stroke: '#cf222e' },
  ];
  const since = { times: [], values: SERIES.map(() => []), last: 0, interval: 5 };
  let startChart = null;
  let monthChart = null;

  function monthRange() {
    const end = Date.now() / 1000 + 43200;
    return [end - 32 * 86400, end];
  }

  // Since ferryd started: at least the last five minutes, so that a few samples read as minutes
  // on the axis rather than as an empty span of years or of seconds.
  function recentRange(u, min, max) {
    const now = Date.now() / 1000;
    const end = Math.max(max == null ? now : max, now);
    return [Math.min(min == null ? end : min, end - 300), end];
  }

  function chartOptions(element, timeLabel, bars) {
    const width = Math.max(320, element.clientWidth || 640);
    return {
      width,
      height: 220,
      // The month's chart always spans the month, however few days have bytes yet.
      scales: { x: { time: true, range: bars ? monthRange : recentRange } },
      axes: [{ label: timeLabel }, { label: 'bytes', values: (u, ticks) => ticks.map(bytes), size: 70 }],
      series: [{}].concat(
        SERIES.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          width: 2,
          fill: bars ? s.stroke + '55' : undefined,
          paths: bars ? uPlot.paths.bars({ size: [0.8, 40] }) : undefined,
          value: (u, v) => (v == null ? '–' : bytes(v)),
        }))
      ),
    };
  }

  function totals(values) {
    const sum = SERIES.map((_, i) => values[i].reduce((a, b) => a + (b || 0), 0));
    const received = sum[0] + sum[1] + sum[2] + sum[3];
    return { received, notOrigin: sum[1] + sum[2], uploaded: sum[4] };
  }

  function showTotals(prefix, values) {
    const t = totals(values);
    setText($(`total-${prefix}`), `${bytes(t.received)} received, ${bytes(t.uploaded)} uploaded`);
    setText($(`share-${prefix}`), percent(t.notOrigin, t.received));
  }

  async function loadUsage() {
    const usage = await api('GET', `/v1/usage?after=${since.last}`);
    since.interval = usage.intervalSeconds;
    for (const sample of usage.samples) {
      since.times.push(sample.time);
      SERIES.forEach((s, i) => since.values[i].push(sample[s.key]));
      since.last = sample.time;
    }
    const data = [since.times].concat(since.values);
    if (!startChart) {
      startChart = new uPlot(chartOptions($('chart-start'), 'time', false), data, $('chart-start'));
    } else {
      startChart.setData(data);
    }
    const days = usage.days.map((d) => Date.parse(`${d.date}T12:00:00`) / 1000);
    const month = [days].concat(SERIES.map((s) => usage.days.map((d) => d[s.key])));
    if (!monthChart) {
      monthChart = new uPlot(chartOptions($('chart-month'), 'day', true), month, $('chart-month'));
    } else {
      monthChart.setData(month);
    }
    showTotals('start', since.values);
    showTotals('month', month.slice(1));
  }

  // ---- the bandwidth policy --------------------------------------------------------------------

  const KIB = 1024;
  let policy = null;

  function capIn(value) {
    return value < 0 ? '' : String(Math.round(value / KIB));
  }

  function capOut(input, allowZero) {
    const text = input.value.trim();
    if (text === '') return -1;
    const n = Number(text);
    if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
      throw new Error(`${input.labels[0].textContent.trim()}: a whole number of KiB/s`);
    }
    return n * KIB;
  }

  function addWindowRow(w) {
    const item = $('window-row').content.firstElementChild.cloneNode(true);
    const days = item.querySelector('.days');
    const index = $('windows').children.length + 1;
    days.querySelector('legend').textContent = `Days of window ${index}`;
    for (const day of DAYS) {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = day;
      box.checked = !w || w.days.length === 0 || w.days.includes(day);
      label.append(box, ` ${day.slice(0, 3).toLowerCase()}`);
      days.appendChild(label);
    }
    item.querySelector('.from').value = w ? w.from : '22:00';
    item.querySelector('.to').value = w ? w.to : '06:00';
    item.querySelector('.cap').value = w ? capIn(w.background) : '0';
    item.querySelector('.remove').addEventListener('click', () => {
      item.remove();
      $('add-window').focus();
    });
    $('windows').appendChild(item);
    return item;
  }

  function showPolicy(p) {
    policy = p;
    $('cap-global').value = capIn(p.global);
    $('cap-foreground').value = capIn(p.foreground);
    $('cap-background').value = capIn(p.background);
    $('cap-bwf').value = capIn(p.backgroundWhileForeground);
    $('windows').replaceChildren();
    for (const w of p.windows) addWindowRow(w);
    drawWeek(p.windows);
    showCache(p.cache);
  }

  function fallback(seconds) {
    if (seconds == null) return 'at the first failure';
    return seconds === -1 ? 'never' : `after ${seconds} s`;
  }

  // The machine's cache hosts and the ones left out now (read-only: ferry policy changes them).
  function showCache(cache) {
    const c = cache || { hosts: [], bans: [] };
    setText($('cache-hosts'), c.hosts.length ? c.hosts.join(', ') : 'none');
    setText($('cache-fg'), fallback(c.fallbackForeground));
    setText($('cache-bg'), fallback(c.fallbackBackground));
    const bans = (c.bans || []).map((b) => {
      const item = document.createElement('li');
      item.textContent =
        `${b.cacheHost}${b.originHost ? ' for ' + b.originHost : ''} left out until ` +
        `${new Date(b.until).toLocaleTimeString()}: ${b.reason}`;
      return item;
    });
    $('cache-bans').replaceChildren(...bans);
  }

  function readPolicy() {
    const windows = [...$('windows').children].map((item) => {
      const days = [...item.querySelectorAll('.days input:checked')].map((b) => b.value);
      const cap = item.querySelector('.cap');
      if (cap.value.trim() === '') throw new Error('every window needs a cap (0 blocks)');
      return {
        days,
        from: item.querySelector('.from').value,
        to: item.querySelector('.to').value,
        background: capOut(cap, true),
      };
    });
    return {
      global: capOut($('cap-global')),
      foreground: capOut($('cap-foreground')),
      background: capOut($('cap-background')),
      backgroundWhileForeground: capOut($('cap-bwf')),
      windows,
    };
  }

  // Which hours of the week a window covers; one that ends earlier than it starts wraps past
  // midnight into the next day, as the engine reads it.
  function minutes(hhmm) {
    const [h, m] = hhmm.split(':').map(Number);
    return h * 60 + m;
  }

  function drawWeek(windows) {
    const table = $('week');
    const head = document.createElement('tr');
    head.appendChild(document.createElement('td'));
    for (let h = 0; h < 24; h++) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = String(h).padStart(2, '0');
      head.appendChild(th);
    }
    table.tHead.replaceChildren(head);
    const cells = DAYS.map(() => new Array(24).fill(null));
    for (const w of windows) {
      const days = w.days.length === 0 ? DAYS : w.days;
      const from = minutes(w.from);
      const to = minutes(w.to);
      for (const day of days) {
        const d = DAYS.indexOf(day);
        for (let h = 0; h < 24; h++) {
          const start = h * 60;
          const inSameDay = from <= to ? start + 59 >= from && start < to : start + 59 >= from;
          const wrapped = from > to && start < to;
          if (inSameDay) cells[d][h] = w.background;
          if (wrapped) cells[(d + 1) % 7][h] = w.background;
        }
      }
    }
    const body = DAYS.map((day, d) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = day.slice(0, 3).toLowerCase();
      tr.appendChild(th);
      for (let h = 0; h < 24; h++) {
        const td = document.createElement('td');
        const cap = cells[d][h];
        const text = cap === null ? 'no window' : cap === 0 ? 'blocked' : `${bytes(cap)}/s`;
        td.className = cap === null ? '' : cap === 0 ? 'blocked' : 'capped';
        td.title = `${day.toLowerCase()} ${String(h).padStart(2, '0')}:00: ${text}`;
        const hidden = document.createElement('span');
        hidden.className = 'visually-hidden';
        hidden.textContent = text;
        td.appendChild(hidden);
        tr.appendChild(td);
      }
      return tr;
    });
    table.tBodies[0].replaceChildren(...body);
  }

  $('add-window').addEventListener('click', () => addWindowRow(null).querySelector('input').focus());

  $('policy-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      showPolicy(await api('PUT', '/v1/policy', readPolicy()));
      setText($('policy-status'), 'Saved: the policy applies now, to running transfers too.');
    } catch (e) {
      setText($('policy-status'), `Not saved: ${e.message}`);
    }
  });

  // ---- start -----------------------------------------------------------------------------------

  async function start() {
    try {
      await signIn();
      await api('GET', '/v1/whoami');
    } catch (e) {
      signedOut();
      return;
    }
    $('login-needed').hidden = true;
    watchEvents();
    showPolicy(await api('GET', '/v1/policy'));
    await loadUsage();
    setInterval(() => loadUsage().catch(() => {}), since.interval * 1000);
    setInterval(announceOverall, 10000);
  }

  start();
})();
