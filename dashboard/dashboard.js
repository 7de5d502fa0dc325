// The sandbox dashboard: a client of the admin API (specs/admin.yaml) and nothing else. It follows
// the request journal live (Server-Sent Events: /journal/stream), browses and resets sandboxes, and
// switches fault rules.
// Everything shown comes from requests anyone can send, so text only ever goes in as textContent.

const BASE = location.pathname.replace(/\/ui\/?$/, '');
const TOKEN_KEY = 'banking-api-sandbox.adminToken';
const SANDBOX_KEY = 'banking-api-sandbox.sandbox';
const MAX_ENTRIES = 300;
const PAGE_SIZE = 25;
/** Statuses the fault switch offers, in order of preference; an API gets those its operations document. */
const FAULT_STATUSES = [503, 500, 502, 504, 429];
const PROBABILITIES = [[1, 'always'], [0.5, '50%'], [0.25, '25%'], [0.1, '10%']];
const LATENCIES = [[[500, 1500], '0.5–1.5 s'], [[2000, 4000], '2–4 s'], [[100, 300], '0.1–0.3 s']];

// The admin token arrives once as ?token= (the server checked it to serve this page); keep it for
// this tab only and take it out of the address bar, where a partner would see it.
const params = new URLSearchParams(location.search);
if (params.has('token')) {
  sessionStorage.setItem(TOKEN_KEY, params.get('token'));
  params.delete('token');
  history.replaceState(null, '', location.pathname + (params.size ? `?${params}` : '') + location.hash);
}

const state = {
  health: undefined,
  healthAt: 0,
  apis: [],
  sandboxes: [],
  sandbox: params.get('sandbox') || localStorage.getItem(SANDBOX_KEY) || 'default',
  /** Journal entries, newest first. */
  entries: [],
  since: undefined,
  fresh: new Set(),
  expanded: new Set(),
  paused: false,
  unseen: 0,
  onlySandbox: false,
  faults: { seed: 1, rules: [] },
  dataApi: undefined,
  dataCollection: undefined,
  offset: 0,
  page: undefined,
  selectedKey: undefined,
  changedOnly: false,
};

const $ = id => document.getElementById(id);
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const enc = encodeURIComponent;

/** Creates an element: `h('td', { class: 'x' }, 'text', child)`. Strings become text nodes. */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter(c => c !== undefined && c !== null && c !== false));
  return element;
}

class AdminError extends Error {}

/** Calls the admin API; resolves with the JSON body (undefined for 204) or throws its message. */
async function admin(method, path, body) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${BASE}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new AdminError(json?.message ?? `${method} ${path} answered ${res.status}`);
  return json;
}

let toastTimer;
function toast(message, error = false) {
  const element = $('toast');
  element.textContent = message;
  element.className = error ? 'toast error' : 'toast';
  element.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (element.hidden = true), error ? 6000 : 3000);
}

const failed = what => error => toast(`${what}: ${error.message}`, true);

/** Runs `fn` once `ms` after the last call. */
function debounce(fn, ms) {
  let timer;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

// ---- Server --------------------------------------------------------------------------------

async function loadHealth() {
  state.health = await admin('GET', '/health');
  state.healthAt = Date.now();
  renderHealth();
}

function renderHealth() {
  const health = state.health;
  if (!health) return;
  const up = health.uptimeSeconds + (Date.now() - state.healthAt) / 1000;
  const uptime = up < 90 ? `${Math.round(up)} s` : up < 5400 ? `${Math.round(up / 60)} min` : `${(up / 3600).toFixed(1)} h`;
  $('server').replaceChildren(
    h('b', {}, `${health.apis.length} APIs`), ' · fixture seed ', h('b', {}, String(health.seed)),
    ' · ', health.storage === 'memory' ? 'in memory' : 'data file', ' · up ', uptime,
    // The data file's last compaction failed (a full disk, say): the log keeps growing until one succeeds.
    ...(health.log?.lastCompactionError ? [' · ', h('span', { class: 'error-detail', title: health.log.lastCompactionError }, 'compaction failing')] : []),
  );
}

function setLive(status) {
  const element = $('live');
  const label = status === 'live' && state.paused ? 'paused' : status;
  element.dataset.state = label;
  element.textContent = label === 'paused' && state.unseen ? `paused · ${state.unseen} new` : label;
}

// ---- Sandboxes -----------------------------------------------------------------------------

async function loadSandboxes() {
  state.sandboxes = (await admin('GET', '/sandboxes')).data;
  renderSandboxes();
}

function renderSandboxes() {
  const names = state.sandboxes.map(s => s.name);
  if (!names.includes(state.sandbox)) names.push(state.sandbox);
  const select = $('sandbox');
  select.replaceChildren(...names.map(name => h('option', { value: name, selected: name === state.sandbox }, name)));
  const current = state.sandboxes.find(s => s.name === state.sandbox) ?? { changes: 0, requests: 0, faultRules: 0 };
  $('stat-changes').textContent = current.changes;
  $('stat-requests').textContent = current.requests;
  $('stat-rules').textContent = current.faultRules;
  // A sandbox that holds no changes is just the fixtures: nothing to expire.
  const when = iso => (iso ? new Date(iso).toLocaleString() : '–');
  $('stat-last-used').textContent = when(current.lastUsed);
  $('stat-expires').textContent = current.lastUsed && !current.expiresAt ? 'never' : when(current.expiresAt);
}

function selectSandbox(name) {
  state.sandbox = name;
  localStorage.setItem(SANDBOX_KEY, name); // the API reference pages send requests to it
  state.offset = 0;
  state.selectedKey = undefined;
  renderSandboxes();
  renderFeed();
  loadFaults().catch(failed('Fault rules'));
  loadRecords().catch(failed('Records'));
}

async function resetSandbox() {
  const button = $('reset');
  button.disabled = true;
  try {
    const name = state.sandbox;
    const before = state.sandboxes.find(s => s.name === name)?.changes ?? 0;
    await admin('POST', `/sandboxes/${enc(name)}/reset`);
    toast(`Sandbox “${name}” is back to its fixtures (${before} changed record${before === 1 ? '' : 's'} dropped).`);
    await Promise.all([loadSandboxes(), loadRecords()]);
  } catch (error) {
    failed('Reset')(error);
  } finally {
    button.disabled = false;
  }
}

// ---- Live requests -------------------------------------------------------------------------

const refreshAfterRequests = debounce(() => loadSandboxes().catch(() => {}), 250);
const refreshRecordsAfterWrites = debounce(() => loadRecords().catch(() => {}), 250);

/**
 * Follows the journal of every sandbox: the latest entries, then each new one as it is answered,
 * over Server-Sent Events. EventSource reconnects by itself and resumes after the last entry it saw.
 */
async function follow() {
  try {
    const { data } = await admin('GET', '/journal?limit=100');
    receive(data, true);
    state.since = data.length ? data[0].seq : 0;
  } catch (error) {
    setLive('offline');
    failed('Journal')(error);
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  const url = () => `${BASE}/journal/stream?since=${state.since ?? 0}${token ? `&token=${enc(token)}` : ''}`;
  let source;
  let dropped = false;
  const connect = () => {
    source = new EventSource(url());
    source.addEventListener('open', async () => {
      if (dropped) {
        dropped = false;
        // A server that restarted counts requests from 1 again: start over.
        const uptime = state.health ? state.health.uptimeSeconds + (Date.now() - state.healthAt) / 1000 : 0;
        await loadHealth().catch(() => {});
        if (state.health && state.health.uptimeSeconds + 1 < uptime) {
          state.since = 0;
          state.entries = [];
          renderFeed();
          source.close();
          connect();
          return;
        }
      }
      setLive('live');
      // Loaded and following the journal (the browser test waits for this).
      if (state.apis.length) document.body.dataset.ready = 'true';
    });
    source.addEventListener('request', event => {
      const entry = JSON.parse(event.data);
      state.since = Math.max(state.since ?? 0, entry.seq);
      receive([entry], false);
    });
    source.addEventListener('error', () => {
      dropped = true;
      setLive('offline');
      // A refusal (403, 503) closes the source for good: try again a little later.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
    });
  };
  connect();
}

function receive(entries, initial) {
  if (!entries.length) return;
  const known = new Set(state.entries.map(e => e.seq));
  const added = entries.filter(e => !known.has(e.seq));
  state.entries = [...added, ...state.entries].slice(0, MAX_ENTRIES);
  if (!initial) for (const e of added) state.fresh.add(e.seq);
  refreshAfterRequests();
  const writes = added.some(e => e.sandbox === state.sandbox && !['GET', 'HEAD', 'OPTIONS'].includes(e.method) && e.api === state.dataApi);
  if (writes) refreshRecordsAfterWrites();
  if (state.paused) {
    state.unseen += added.length;
    setLive('live');
  } else {
    renderFeed();
  }
}

const pad = (n, width = 2) => String(n).padStart(width, '0');
function clock(iso) {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
const duration = ms => (ms < 10 ? `${ms.toFixed(1)} ms` : ms < 10000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** The provider's own words for an error, from the response body in whatever envelope it uses. */
function errorDetail(entry) {
  const body = entry.response?.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body.slice(0, 300);
  const pick = value => {
    if (!value || typeof value !== 'object') return undefined;
    for (const key of ['detail', 'Detail', 'message', 'error_description', 'description', 'title', 'Title']) {
      if (typeof value[key] === 'string' && value[key]) return value[key];
    }
    return undefined;
  };
  const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
  const problems = Array.isArray(body.Problems) ? body.Problems.map(p => Object.entries(p).map(([k, v]) => `${k}: ${v}`).join(', ')).join('; ') : '';
  const text = pick(body) ?? pick(first?.error) ?? pick(first) ?? (typeof body.error === 'string' ? body.error : undefined);
  return [text, problems].filter(Boolean).join(' — ') || undefined;
}

function detailCell(entry) {
  const parts = [];
  if (entry.injected) {
    const what = [entry.injected.status && `${entry.injected.status}`, entry.injected.delayMs && `+${entry.injected.delayMs} ms`].filter(Boolean).join(' ');
    parts.push(h('span', { class: 'tag injected', title: `injected by ${entry.injected.by}` }, `injected ${what}`));
  }
  if (entry.requestProblems.length) {
    const [first] = entry.requestProblems;
    const more = entry.requestProblems.length > 1 ? ` (+${entry.requestProblems.length - 1} more)` : '';
    parts.push(h('span', { class: 'problem' }, `${first.field}: ${first.message}${more}`));
  } else if (entry.status >= 400) {
    const detail = errorDetail(entry);
    if (detail) parts.push(h('span', { class: 'problem' }, detail));
  }
  if (entry.responseViolations.length) {
    const n = entry.responseViolations.length;
    parts.push(h('span', { class: 'violation' }, `${n} response violation${n === 1 ? '' : 's'}`));
  }
  return parts.length ? parts : [h('span', { class: 'none' }, '—')];
}

const pretty = body => (typeof body === 'string' ? body : JSON.stringify(body, null, 2));
const headerLines = headers => Object.entries(headers ?? {}).map(([name, value]) => `${name}: ${value}`).join('\n');

function detailsRow(entry) {
  const request = [
    h('h3', {}, 'Request'),
    h('pre', {}, `${entry.method} /${entry.api}${entry.path}${entry.query ? `?${entry.query}` : ''}\nsandbox: ${entry.sandbox}   time: ${entry.time}   seq: ${entry.seq}${entry.requestHeaders ? `\n\n${headerLines(entry.requestHeaders)}` : ''}`),
  ];
  if (entry.requestProblems.length) {
    request.push(h('h3', {}, 'Validation problems'), h('ul', {}, entry.requestProblems.map(p => h('li', {}, h('code', {}, p.field), ` ${p.message}${p.rule ? ` (${p.rule})` : ''}`))));
  }
  if (entry.requestBody !== undefined) {
    const cut = entry.requestBodyTruncated ? h('p', {}, `First bytes of ${entry.requestBodyBytes} (the rest is not kept)`) : undefined;
    request.push(h('h3', {}, 'Request body'), h('pre', {}, pretty(entry.requestBody)), cut);
  }
  const response = [h('h3', {}, `Response ${entry.status}`)];
  if (entry.injected) response.push(h('p', {}, `Injected: ${entry.injected.status ? `status ${entry.injected.status}` : ''}${entry.injected.delayMs ? ` delay ${entry.injected.delayMs} ms` : ''} by ${entry.injected.by}`));
  const detail = entry.status >= 400 ? errorDetail(entry) : undefined;
  if (detail) response.push(h('p', { class: 'error-detail' }, detail));
  if (entry.response) {
    response.push(h('pre', {}, headerLines(entry.response.headers)));
    if (entry.response.body !== undefined) {
      const cut = entry.response.bodyTruncated ? h('p', {}, `First bytes of ${entry.response.bodyBytes} (the rest is not kept)`) : undefined;
      response.push(h('h3', {}, 'Response body'), h('pre', { class: 'response-body' }, pretty(entry.response.body)), cut);
    } else if (entry.response.bodyBytes !== undefined) {
      response.push(h('p', {}, `A binary body of ${entry.response.bodyBytes} bytes.`));
    }
  }
  if (entry.responseViolations.length) {
    response.push(h('h3', {}, 'Response violations'), h('ul', {}, entry.responseViolations.map(v => h('li', {}, v))));
  }
  return h('tr', { class: 'details' }, h('td', { colspan: 7, class: 'details' }, h('div', { class: 'exchange' }, h('div', {}, request), h('div', {}, response))));
}

/** A path short enough for one line: long ids keep their first 8 characters. */
const shortPath = path => path.replace(/[A-Za-z0-9_-]{20,}/g, id => `${id.slice(0, 8)}…`);

function renderFeed() {
  const visible = state.onlySandbox ? state.entries.filter(e => e.sandbox === state.sandbox) : state.entries;
  const rows = [];
  for (const entry of visible) {
    const toggle = () => {
      if (state.expanded.has(entry.seq)) state.expanded.delete(entry.seq);
      else state.expanded.add(entry.seq);
      renderFeed();
    };
    rows.push(
      h('tr', { class: `entry${state.fresh.has(entry.seq) ? ' fresh' : ''}`, dataset: { seq: entry.seq, operation: entry.operationId ?? '', status: entry.status }, onclick: toggle, 'aria-expanded': state.expanded.has(entry.seq) ? 'true' : 'false' },
        h('td', { class: 'time' }, clock(entry.time)),
        h('td', {}, h('span', { class: 'sandbox-name', title: entry.sandbox }, entry.sandbox)),
        h('td', { class: 'request', title: `${entry.method} /${entry.api}${entry.path}${entry.query ? `?${entry.query}` : ''}` }, h('span', { class: 'method' }, entry.method), h('span', { class: 'api-name' }, `/${entry.api}`), shortPath(entry.path), entry.query ? h('span', { class: 'api-name' }, `?${shortPath(entry.query)}`) : undefined),
        h('td', { class: 'operation', title: entry.timeline?.summary ?? entry.operationId ?? '' }, entry.timeline ? h('span', { class: 'timeline' }, `${entry.timeline.sandboxTime.slice(0, 10)} · ${entry.timeline.summary}`) : entry.operationId ? h('span', { class: 'operation-id' }, entry.operationId) : h('span', { class: 'none' }, 'no route')),
        h('td', { class: 'num' }, h('span', { class: `status s${String(entry.status)[0]}` }, String(entry.status))),
        h('td', { class: 'num duration' }, duration(entry.durationMs)),
        h('td', { class: 'problems' }, detailCell(entry)),
      ),
    );
    if (state.expanded.has(entry.seq)) rows.push(detailsRow(entry));
  }
  state.fresh.clear();
  $('feed').replaceChildren(...rows);
  $('feed-empty').hidden = visible.length > 0;
}

function renderExamples() {
  const lines = state.apis.flatMap(api =>
    api.examples.slice(0, 1).map(({ method, path, headers = {} }) => {
      const flags = Object.entries(headers).map(([name, value]) => ` -H '${name}: ${value}'`).join('');
      return `curl${method === 'GET' ? '' : ` -X ${method}`}${flags} ${location.origin}/${api.slug}${path}`;
    }),
  );
  $('examples').textContent = lines.join('\n');
}

// ---- Fault injection -----------------------------------------------------------------------

/** The documented response code covering `status` (exact, `5XX`, `default`), as the server decides it. */
function documents(statuses, status) {
  return statuses.some(code => code === String(status) || code.toUpperCase() === `${String(status)[0]}XX` || code.toLowerCase() === 'default');
}

const isErrorSwitch = (rule, api) => rule.api === api && rule.operationId === undefined && rule.status !== undefined && !rule.latency && !rule.rateLimit;
const isSlowSwitch = (rule, api) => rule.api === api && rule.operationId === undefined && rule.latency && rule.status === undefined && !rule.rateLimit;

async function loadFaults() {
  state.faults = await admin('GET', `/sandboxes/${enc(state.sandbox)}/faults`);
  renderFaults();
}

async function saveRules(rules) {
  try {
    state.faults = rules.length
      ? await admin('PUT', `/sandboxes/${enc(state.sandbox)}/faults`, { seed: state.faults.seed ?? 1, rules })
      : (await admin('DELETE', `/sandboxes/${enc(state.sandbox)}/faults`), { seed: 1, rules: [] });
  } catch (error) {
    failed('Fault rules')(error);
    await loadFaults().catch(() => {});
  }
  renderFaults();
  loadSandboxes().catch(() => {});
}

function describeRule(rule) {
  const where = rule.operationId ? `${rule.api} · ${rule.operationId}` : `${rule.api} · every operation`;
  const what = [
    rule.status !== undefined && `${rule.status}${rule.probability !== undefined && rule.probability < 1 ? ` at ${Math.round(rule.probability * 100)}%` : ''}`,
    rule.latency && `${rule.latency.minMs}–${rule.latency.maxMs} ms`,
    rule.rateLimit && `${rule.rateLimit.requests} requests / ${rule.rateLimit.perSeconds} s`,
  ].filter(Boolean).join(', ');
  return `${where}: ${what}`;
}

function switchControl(label, checked, onchange, disabled = false) {
  return h('label', { class: 'switch', title: label }, h('input', { type: 'checkbox', role: 'switch', 'aria-label': label, checked, disabled, onchange }), h('span', { class: 'track' }));
}

function renderFaults() {
  const rules = state.faults.rules;
  const managed = new Set();
  const blocks = state.apis.map(api => {
    const errorRule = rules.find(r => isErrorSwitch(r, api.slug));
    const slowRule = rules.find(r => isSlowSwitch(r, api.slug));
    if (errorRule) managed.add(errorRule);
    if (slowRule) managed.add(slowRule);
    const statuses = FAULT_STATUSES.filter(s => api.operations.some(op => documents(op.statuses, s)));
    const status = errorRule?.status ?? statuses[0];
    const probability = errorRule?.probability ?? 1;
    const latency = slowRule ? [slowRule.latency.minMs, slowRule.latency.maxMs] : LATENCIES[0][0];
    const others = () => rules.filter(r => r !== errorRule && r !== slowRule);
    const errorRuleFor = (s, p) => ({ api: api.slug, status: s, ...(p < 1 ? { probability: p } : {}) });
    const slowRuleFor = ([minMs, maxMs]) => ({ api: api.slug, latency: { minMs, maxMs } });
    const current = () => ({ error: errorRule, slow: slowRule });
    const save = ({ error, slow }) => saveRules([...others(), ...(error ? [error] : []), ...(slow ? [slow] : [])]);
    const affected = status === undefined ? 0 : api.operations.filter(op => documents(op.statuses, status)).length;

    const statusSelect = h('select', { 'aria-label': `${api.slug} error status`, disabled: !statuses.length, onchange: e => errorRule && save({ ...current(), error: errorRuleFor(Number(e.target.value), probability) }) },
      statuses.map(s => h('option', { value: s, selected: s === status }, String(s))));
    const probabilitySelect = h('select', { 'aria-label': `${api.slug} error probability`, disabled: !statuses.length, onchange: e => errorRule && save({ ...current(), error: errorRuleFor(status, Number(e.target.value)) }) },
      PROBABILITIES.map(([p, label]) => h('option', { value: p, selected: p === probability }, label)));
    const latencySelect = h('select', { 'aria-label': `${api.slug} latency`, onchange: e => slowRule && save({ ...current(), slow: slowRuleFor(LATENCIES[Number(e.target.value)][0]) }) },
      LATENCIES.map(([range, label], i) => h('option', { value: i, selected: range[0] === latency[0] && range[1] === latency[1] }, label)));

    return h('div', { class: 'fault-api', dataset: { api: api.slug } },
      h('div', { class: 'title' }, h('strong', {}, api.title.split(' — ')[0]), h('span', { class: 'slug' }, `/${api.slug}`)),
      h('div', { class: 'fault-row' },
        switchControl(`${api.slug} errors`, Boolean(errorRule), e => save({ ...current(), error: e.target.checked ? errorRuleFor(status, probability) : undefined }), !statuses.length),
        h('span', { class: 'label' }, 'Errors'), statusSelect, probabilitySelect,
      ),
      // A status is only injected into operations that document it: say so when that is not all.
      !statuses.length
        ? h('p', { class: 'scope' }, 'No operation documents a server error.')
        : affected < api.operations.length
          ? h('p', { class: 'scope' }, `${status} reaches ${affected} of ${api.operations.length} operations (those that document it).`)
          : undefined,
      h('div', { class: 'fault-row' },
        switchControl(`${api.slug} slow`, Boolean(slowRule), e => save({ ...current(), slow: e.target.checked ? slowRuleFor(latency) : undefined })),
        h('span', { class: 'label' }, 'Slow'), latencySelect,
      ),
    );
  });
  $('fault-apis').replaceChildren(...blocks);
  const others = rules.filter(r => !managed.has(r));
  $('fault-others').replaceChildren(
    ...(others.length
      ? [h('h3', {}, 'Other rules'), h('ul', {}, others.map(rule => h('li', {}, h('span', {}, describeRule(rule)), h('button', { type: 'button', class: 'button quiet', onclick: () => saveRules(rules.filter(r => r !== rule)) }, 'Remove'))))]
      : []),
  );
}

// ---- Data ----------------------------------------------------------------------------------

function renderDataTabs() {
  $('api-tabs').replaceChildren(
    ...state.apis.map(api =>
      h('button', { type: 'button', role: 'tab', title: api.title, 'aria-selected': api.slug === state.dataApi ? 'true' : 'false', onclick: () => selectCollection(api.slug, api.collections[0]?.name) }, api.slug),
    ),
  );
  const api = state.apis.find(a => a.slug === state.dataApi);
  $('collection-tabs').replaceChildren(
    ...(api?.collections ?? []).map(c =>
      h('button', { type: 'button', role: 'tab', title: c.description ?? c.name, dataset: { collection: c.name }, 'aria-selected': c.name === state.dataCollection ? 'true' : 'false', onclick: () => selectCollection(api.slug, c.name) },
        human(c.name), h('span', { class: 'count' }, String(c.name === state.dataCollection && state.page ? state.page.total : c.size))),
    ),
  );
}

function selectCollection(api, collection) {
  state.dataApi = api;
  state.dataCollection = collection;
  state.offset = 0;
  state.selectedKey = undefined;
  loadRecords().catch(failed('Records'));
}

async function loadRecords() {
  if (!state.dataApi || !state.dataCollection) return renderDataTabs();
  // What this sandbox changed comes first, marked; "changed only" leaves out the rest.
  const changes = state.changedOnly ? 'only' : 'first';
  const path = `/sandboxes/${enc(state.sandbox)}/apis/${enc(state.dataApi)}/${enc(state.dataCollection)}?offset=${state.offset}&limit=${PAGE_SIZE}&changes=${changes}`;
  state.page = await admin('GET', path);
  if (state.page.total && state.offset >= state.page.total) {
    state.offset = Math.max(0, state.page.total - PAGE_SIZE);
    return loadRecords();
  }
  renderDataTabs();
  renderRecords();
}

/** `CREATED_AT`, `createdAt`, `created_at`, `idempotencyKeys` → "Created at", "Idempotency keys". */
function human(name) {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.replace(/\b(id|iban|bic|bban|pdf|url|uuid|api)\b/g, w => w.toUpperCase()).replace(/^./, c => c.toUpperCase());
}

const scalar = value => value === null || ['string', 'number', 'boolean'].includes(typeof value);

function renderRecords() {
  const { data, total, offset } = state.page;
  const columns = [];
  for (const { key, record } of data) {
    for (const [name, value] of Object.entries(record)) {
      if (columns.length >= 6 || columns.includes(name) || !scalar(value) || (name === 'id' && value === key)) continue;
      columns.push(name);
    }
  }
  $('records-head').replaceChildren(h('tr', {}, h('th', { class: 'change' }, ''), h('th', {}, 'Key'), columns.map(c => h('th', { title: c }, human(c)))));
  $('records').replaceChildren(
    ...data.map(({ key, record, change }) =>
      h('tr', { 'aria-selected': key === state.selectedKey ? 'true' : 'false', class: change ? `changed ${change}` : undefined, dataset: { key, change: change ?? '' }, onclick: () => selectRecord(key) },
        h('td', { class: 'change' }, change ? h('span', { class: `mark ${change}`, title: `${change} in this sandbox` }, { added: 'new', modified: 'modified', deleted: 'deleted' }[change]) : ''),
        h('td', { class: 'key', title: key }, key),
        columns.map(c => h('td', { title: scalar(record[c]) ? String(record[c] ?? '') : '' }, record[c] === undefined ? '' : String(record[c]))),
      ),
    ),
  );
  if (!data.length) $('records').replaceChildren(h('tr', {}, h('td', { colspan: columns.length + 2, class: 'none' }, state.changedOnly ? 'This sandbox changed no record of this collection.' : 'No records in this collection.')));
  $('records-range').textContent = total ? `${offset + 1}–${offset + data.length} of ${total}` : '0 records';
  $('prev').disabled = offset === 0;
  $('next').disabled = offset + data.length >= total;
  const selected = data.find(r => r.key === state.selectedKey);
  $('record').hidden = !selected;
  $('record').textContent = selected ? JSON.stringify(selected.record, null, 2) : '';
}

function selectRecord(key) {
  state.selectedKey = state.selectedKey === key ? undefined : key;
  renderRecords();
}

// ---- Start ---------------------------------------------------------------------------------

$('sandbox').addEventListener('change', e => selectSandbox(e.target.value));
$('reset').addEventListener('click', resetSandbox);
$('only-sandbox').addEventListener('change', e => {
  state.onlySandbox = e.target.checked;
  renderFeed();
});
$('pause').addEventListener('click', e => {
  state.paused = !state.paused;
  e.target.setAttribute('aria-pressed', String(state.paused));
  e.target.textContent = state.paused ? 'Resume' : 'Pause';
  state.unseen = 0;
  setLive('live');
  if (!state.paused) renderFeed();
});
$('clear').addEventListener('click', () => {
  state.entries = [];
  state.expanded.clear();
  renderFeed();
});
$('faults-clear').addEventListener('click', () => saveRules([]));
$('changed-only').addEventListener('change', e => {
  state.changedOnly = e.target.checked;
  state.offset = 0;
  loadRecords().catch(failed('Records'));
});
$('prev').addEventListener('click', () => {
  state.offset = Math.max(0, state.offset - PAGE_SIZE);
  loadRecords().catch(failed('Records'));
});
$('next').addEventListener('click', () => {
  state.offset += PAGE_SIZE;
  loadRecords().catch(failed('Records'));
});
setInterval(renderHealth, 30_000);

async function start() {
  try {
    const [, apis] = await Promise.all([loadHealth(), admin('GET', '/apis'), loadSandboxes()]);
    state.apis = apis.data;
    state.dataApi = state.apis[0]?.slug;
    state.dataCollection = state.apis[0]?.collections[0]?.name;
    renderExamples();
    renderFeed();
    await Promise.all([loadFaults(), loadRecords()]);
  } catch (error) {
    setLive('offline');
    failed('Cannot reach the admin API')(error);
  }
  follow();
}

start();

// ---- Clock ---------------------------------------------------------------------------------
// The selected sandbox's clock (GET /sandboxes/{sandbox}/clock), ticking here when it runs, with
// buttons that freeze, advance and resume it. What the days crossed produce arrives in the feed as
// CLOCK entries.

const clockState = { view: undefined, loadedAt: 0, busy: false };

async function loadClock() {
  clockState.view = await admin('GET', `/sandboxes/${enc(state.sandbox)}/clock`);
  clockState.loadedAt = Date.now();
  renderClock();
}

function renderClock() {
  const view = clockState.view;
  if (!view) return;
  const ticking = view.mode !== 'frozen';
  const now = new Date(Date.parse(view.now) + (ticking ? Date.now() - clockState.loadedAt : 0));
  $('clock-now').textContent = now.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  $('clock-mode').textContent = view.mode === 'real' ? 'real time' : view.mode;
  $('clock-mode').dataset.mode = view.mode;
  $('clock-freeze').hidden = view.mode === 'frozen';
  $('clock-resume').hidden = view.mode !== 'frozen';
}

async function moveClock(path, body) {
  if (clockState.busy) return;
  clockState.busy = true;
  for (const button of document.querySelectorAll('#clock-panel button')) button.disabled = true;
  try {
    const before = clockState.view?.now;
    clockState.view = await admin('POST', `/sandboxes/${enc(state.sandbox)}${path}`, body);
    clockState.loadedAt = Date.now();
    renderClock();
    if (body?.by) toast(`Sandbox “${state.sandbox}”: ${body.by} later — from ${before?.slice(0, 10)} to ${clockState.view.now.slice(0, 10)}.`);
    await loadSandboxes();
  } catch (error) {
    failed('Clock')(error);
  } finally {
    clockState.busy = false;
    for (const button of document.querySelectorAll('#clock-panel button')) button.disabled = false;
  }
}

for (const button of document.querySelectorAll('#clock-panel [data-advance]')) {
  button.addEventListener('click', () => moveClock('/clock/advance', { by: button.dataset.advance }));
}
$('clock-freeze').addEventListener('click', () => moveClock('/clock/freeze', {}));
$('clock-resume').addEventListener('click', () => moveClock('/clock/resume'));
$('sandbox').addEventListener('change', () => loadClock().catch(failed('Clock')));
$('reset').addEventListener('click', () => setTimeout(() => loadClock().catch(() => {}), 300));
setInterval(renderClock, 1000);
setInterval(() => loadClock().catch(() => {}), 10_000);
loadClock().catch(failed('Clock'));
