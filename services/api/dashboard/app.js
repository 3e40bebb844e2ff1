// The Trainyard dashboard: the job list, one job's live charts (SSE), its model summary, cancel and
// download. Plain ES module, no build step; every data call goes through api(), which adds the key.

const KEY_STORE = 'trainyard.apiKey';
const TERMINAL = ['succeeded', 'failed', 'cancelled'];
const SVG = 'http://www.w3.org/2000/svg';
const $ = (sel) => document.querySelector(sel);

let apiKey = localStorage.getItem(KEY_STORE) ?? '';
let selected = null; // { id, status, source: EventSource | null, epochs: [], series: {} }

/** One line for the user: errors in red, the rest plain; read out by screen readers (role=status). */
function notice(message, kind = 'error') {
  $('#notice').textContent = message;
  $('#notice').dataset.kind = kind;
}

/** fetch against the api with the key as a Bearer token; throws the api's error message. */
async function api(path, init = {}) {
  const headers = new Headers(init.headers);
  if (apiKey) headers.set('authorization', `Bearer ${apiKey}`);
  const res = await fetch(path, { ...init, headers });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = (await res.json()).error?.message ?? message;
    } catch {
      // Not our JSON envelope (a proxy's HTML page, say): the status line is the message.
    }
    if (res.status === 401) message = `${message} — enter an API key above`;
    throw new Error(message);
  }
  return res;
}

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

// ---- job list ----------------------------------------------------------------------------

async function refreshJobs() {
  let items;
  try {
    ({ items } = await (await api('/v1/jobs?limit=50')).json());
  } catch (err) {
    notice(err.message);
    return;
  }
  const rows = items.map((job) => {
    const link = el('a', { href: `#job=${job.id}`, textContent: job.id });
    const tr = el(
      'tr',
      {},
      el('td', {}, link),
      el('td', {}, el('span', { className: 'badge', textContent: job.status })),
      el('td', { className: 'num', textContent: job.epoch ?? '' }),
      el('td', {
        textContent: new Date(job.created_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
      }),
    );
    tr.dataset.jobId = job.id;
    tr.dataset.status = job.status;
    tr.querySelector('.badge').dataset.status = job.status;
    tr.setAttribute('aria-selected', String(job.id === selected?.id));
    tr.addEventListener('click', (e) => {
      if (e.target !== link) location.hash = `job=${job.id}`;
    });
    return tr;
  });
  $('#jobs tbody').replaceChildren(...rows);
  $('#jobs-empty').hidden = items.length > 0;
  // The list may be newer than the open stream (e.g. a cancel from elsewhere before the stream caught up).
  const mine = items.find((j) => j.id === selected?.id);
  if (mine && !selected.source && mine.status !== selected.status) setStatus(mine.status);
}

// ---- one job ------------------------------------------------------------------------------

function setStatus(status, epoch) {
  if (!selected) return;
  selected.status = status;
  const badge = $('#job-status');
  badge.textContent = status;
  badge.dataset.status = status;
  $('#cancel-button').disabled = TERMINAL.includes(status);
  for (const a of [$('#download-model'), $('#download-weights')])
    a.setAttribute('aria-disabled', String(status !== 'succeeded'));
  if (epoch !== undefined) $('#job-progress').textContent = `Epoch ${epoch}`;
}

function closeStream() {
  selected?.source?.close();
  if (selected) selected.source = null;
}

async function openJob(id) {
  closeStream();
  selected = { id, status: '', source: null, epochs: [], series: {} };
  $('#job').hidden = false;
  $('#job-id').textContent = id;
  $('#job-progress').textContent = '';
  for (const a of [$('#download-model'), $('#download-weights')])
    a.href = `/v1/jobs/${id}/model/${a.getAttribute('download')}`;
  drawCharts();
  for (const tr of document.querySelectorAll('#jobs tbody tr'))
    tr.setAttribute('aria-selected', String(tr.dataset.jobId === id));
  try {
    const job = await (await api(`/v1/jobs/${id}`)).json();
    if (selected?.id !== id) return;
    setStatus(job.status, job.epoch);
  } catch (err) {
    notice(err.message);
    return;
  }
  loadSummary(id);
  follow(id);
}

/** Follows the job's event stream from its start: every epoch so far, then live until the terminal event. */
function follow(id) {
  const url = `/v1/jobs/${id}/events${apiKey ? `?access_token=${encodeURIComponent(apiKey)}` : ''}`;
  const source = new EventSource(url);
  selected.source = source;
  const data = (e) => JSON.parse(e.data);
  source.addEventListener('status', (e) => setStatus(data(e).status));
  source.addEventListener('epoch', (e) => {
    const { epoch, epochs, logs } = data(e);
    addEpoch(epoch, logs);
    $('#job-progress').textContent =
      `Epoch ${epoch} of ${epochs} — loss ${fmt(logs.loss)}${logs.accuracy !== undefined ? `, accuracy ${fmt(logs.accuracy)}` : ''}`;
  });
  source.addEventListener('batch', (e) => {
    const { epoch, batch, batches } = data(e);
    if (selected?.source === source && selected.status === 'running')
      $('#job-progress').textContent = `Epoch ${epoch}: batch ${batch} of ${batches}`;
  });
  for (const type of ['completed', 'failed', 'cancelled']) {
    source.addEventListener(type, (e) => {
      const d = data(e);
      source.close();
      if (selected?.source === source) selected.source = null;
      setStatus(type === 'completed' ? 'succeeded' : type);
      if (type === 'failed') $('#job-progress').textContent = `Failed: ${d.error?.message ?? 'unknown error'}`;
      if (type === 'cancelled')
        notice(`${id} cancelled${d.checkpoint_epoch ? ` after epoch ${d.checkpoint_epoch}` : ''}`, 'info');
      if (type === 'completed')
        $('#job-progress').textContent = `Finished: ${Object.entries(d.metrics ?? {})
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join(', ')}`;
      refreshJobs();
    });
  }
  // EventSource retries by itself (with Last-Event-ID); a closed stream means the key or the job is gone.
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) notice(`The event stream of ${id} closed`);
  };
}

const fmt = (v) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : '–');

async function loadSummary(id) {
  let s;
  try {
    s = await (await api(`/v1/jobs/${id}/summary`)).json();
  } catch (err) {
    notice(err.message);
    return;
  }
  if (selected?.id !== id) return;
  const shape = (dims) => `(${dims.map((d) => (d === null ? 'None' : d)).join(', ')})`;
  $('#summary-caption').textContent = `Model "${s.name}" (${s.kind}), input ${shape(s.input_shape)}`;
  $('#summary-table tbody').replaceChildren(
    ...s.layers.map((l) =>
      el(
        'tr',
        {},
        el('th', { scope: 'row', textContent: `${l.name} (${l.class_name})` }),
        el('td', { textContent: shape(l.output_shape) }),
        el('td', { className: 'num', textContent: l.units ?? l.filters ?? '' }),
        el('td', { textContent: l.activation ?? '' }),
        el('td', { className: 'num', textContent: l.params.toLocaleString('en-US') }),
      ),
    ),
  );
  $('#summary-total').textContent = s.total_params.toLocaleString('en-US');
}

// ---- charts -------------------------------------------------------------------------------

function addEpoch(epoch, logs) {
  if (!selected || selected.epochs.includes(epoch)) return;
  selected.epochs.push(epoch);
  for (const [name, value] of Object.entries(logs)) (selected.series[name] ??= []).push([epoch, value]);
  drawCharts();
}

function drawCharts() {
  const series = selected?.series ?? {};
  drawChart($('#loss-chart'), series.loss ?? [], series.val_loss ?? []);
  drawChart($('#accuracy-chart'), series.accuracy ?? series.acc ?? [], series.val_accuracy ?? series.val_acc ?? []);
}

const svg = (tag, attrs) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
};

/** A line chart of a train and a validation series ([epoch, value] pairs) on shared axes. */
function drawChart(chart, train, val) {
  const [W, H, L, R, T, B] = [480, 240, 54, 12, 12, 26];
  const all = [...train, ...val].filter(([, v]) => Number.isFinite(v));
  const nodes = [
    svg('line', { class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B }),
    svg('line', { class: 'axis', x1: L, y1: T, x2: L, y2: H - B }),
  ];
  chart.dataset.points = String(train.length);
  if (all.length === 0) {
    const empty = svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' });
    empty.textContent = 'waiting for the first epoch…';
    chart.replaceChildren(...nodes, empty);
    return;
  }
  const xs = all.map(([e]) => e);
  const ys = all.map(([, v]) => v);
  const [x0, x1] = [Math.min(...xs), Math.max(Math.max(...xs), Math.min(...xs) + 1)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const px = (e) => L + ((e - x0) / (x1 - x0)) * (W - L - R);
  const py = (v) => H - B - ((v - y0) / (y1 - y0)) * (H - T - B);
  const label = (x, y, text, anchor) => {
    const t = svg('text', { x, y, 'text-anchor': anchor });
    t.textContent = text;
    return t;
  };
  nodes.push(label(L - 4, T + 8, fmt(y1), 'end'), label(L - 4, H - B, fmt(y0), 'end'));
  nodes.push(label(L, H - 8, `epoch ${x0}`, 'start'), label(W - R, H - 8, `${Math.max(...xs)}`, 'end'));
  for (const [cls, points] of [
    ['train', train],
    ['val', val],
  ]) {
    const ok = points.filter(([, v]) => Number.isFinite(v));
    if (ok.length === 0) continue;
    nodes.push(
      svg('polyline', {
        class: cls,
        points: ok.map(([e, v]) => `${px(e).toFixed(1)},${py(v).toFixed(1)}`).join(' '),
        'data-points': ok.length,
      }),
    );
    const [e, v] = ok[ok.length - 1];
    nodes.push(svg('circle', { class: cls, cx: px(e), cy: py(v), r: 3 }));
  }
  // The figcaption names the chart; the description gives a screen reader what the lines show.
  const desc = svg('desc', {});
  desc.textContent = `${train.length} epochs; last train value ${fmt(train.at(-1)?.[1])}${val.length ? `, validation ${fmt(val.at(-1)?.[1])}` : ''}`;
  chart.replaceChildren(desc, ...nodes);
}

// ---- actions ------------------------------------------------------------------------------

$('#cancel-button').addEventListener('click', async () => {
  if (!selected) return;
  const { id } = selected;
  $('#cancel-button').disabled = true;
  try {
    const job = await (await api(`/v1/jobs/${id}/cancel`, { method: 'POST' })).json();
    if (selected?.id === id) setStatus(job.status);
    notice(
      job.status === 'cancelled' ? `${id} cancelled` : `${id}: cancel requested, stopping at the next batch`,
      'info',
    );
  } catch (err) {
    notice(err.message);
    if (selected?.id === id) setStatus(selected.status);
  }
  refreshJobs();
});

// With a key the download must send it, so fetch the file and save it from a blob.
for (const a of [$('#download-model'), $('#download-weights')]) {
  a.addEventListener('click', async (e) => {
    if (!apiKey) return;
    e.preventDefault();
    try {
      const blob = await (await api(a.getAttribute('href'))).blob();
      const url = URL.createObjectURL(blob);
      const tmp = el('a', { href: url, download: a.getAttribute('download') });
      document.body.append(tmp);
      tmp.click();
      tmp.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      notice(err.message);
    }
  });
}

$('#submit-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const spec = {
    model: {
      class_name: 'Sequential',
      config: {
        name: 'spirals_mlp',
        layers: [
          {
            class_name: 'Dense',
            config: { name: 'hidden', units: Number(f.get('units')), activation: 'relu', batch_input_shape: [null, 2] },
          },
          { class_name: 'Dense', config: { name: 'hidden_2', units: Number(f.get('units')), activation: 'relu' } },
          { class_name: 'Dense', config: { name: 'out', units: 2, activation: 'softmax' } },
        ],
      },
    },
    compile: {
      optimizer: { class_name: 'Adam', config: { learning_rate: Number(f.get('lr')) } },
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
    },
    fit: { epochs: Number(f.get('epochs')), batch_size: 32, validation_split: 0.2, shuffle: true },
    dataset: { builtin: 'spirals', options: { samples: Number(f.get('samples')), noise: 0.1 } },
    seed: 7,
  };
  try {
    const job = await (
      await api('/v1/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(spec),
      })
    ).json();
    notice('');
    await refreshJobs();
    location.hash = `job=${job.id}`;
  } catch (err) {
    notice(err.message);
  }
});

$('#key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  apiKey = $('#api-key').value.trim();
  if (apiKey) localStorage.setItem(KEY_STORE, apiKey);
  else localStorage.removeItem(KEY_STORE);
  notice(apiKey ? 'Key saved in this browser' : 'Key cleared', 'info');
  refreshJobs();
  if (selected) openJob(selected.id);
});

// The operators' board takes the key once in the query; it answers with a cookie and drops it from the address.
$('#admin-link').addEventListener('click', (e) => {
  if (apiKey) e.currentTarget.href = `/admin/queues?access_token=${encodeURIComponent(apiKey)}`;
});

function route() {
  const id = /^#job=(job_[A-Za-z0-9_-]+)$/.exec(location.hash)?.[1];
  if (id && id !== selected?.id) openJob(id);
}

$('#api-key').value = apiKey;
addEventListener('hashchange', route);
route();
refreshJobs();
setInterval(() => {
  if (document.visibilityState === 'visible') refreshJobs();
}, 2000);
