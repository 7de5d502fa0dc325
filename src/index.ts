// The package's programmatic API: start the sandbox from a test, one sandbox per test, and ask it
// what the app under test sent. `import { startSandbox } from 'banking-api-sandbox'`.
//
// The types here are self-contained (no Express, no Node types) so that a project type-checks
// against this package without installing our dev dependencies. The sandbox handles talk to the
// admin API over HTTP, so `connectSandbox(url)` works the same against a server started elsewhere.

/** Options of `startSandbox`. Everything is optional. */
export interface StartSandboxOptions {
  /** Port to listen on (default 0: a free port, see `port` on the result). */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Keep changes in this data file (default: in memory; nothing is written). */
  dataFile?: string;
  /** Fixture seed (default 1, or the data file's). */
  seed?: number;
  /** A response that breaks its spec becomes a 500 naming the violation (default false). */
  strict?: boolean;
  /** Require this bearer token on the admin API (the handles send it). */
  adminToken?: string;
  /** Origins browser apps may call from (default any). */
  corsOrigins?: '*' | string[];
}

/** Which journaled requests to look at. Every field is optional; all given must match. */
export interface RequestFilter {
  /** API slug, e.g. `upvest`. An unknown one is an error (400 from the admin API). */
  api?: string;
  /** Operation id from the API's spec, e.g. `createReferenceAccount`. An unknown one is an error. */
  operationId?: string;
  method?: string;
  /** The status the sandbox answered. */
  status?: number;
  /** The path below the API prefix starts with this. */
  path?: string;
  /** Only requests journaled after this `seq`. */
  since?: number;
  /** The request body contains these fields with these values (deep, partial match). */
  body?: unknown;
  /** The request carried these headers with these values (names case-insensitive). */
  headers?: Record<string, string>;
}

/** One request in a sandbox's journal, with what the sandbox answered. */
export interface JournalEntry {
  seq: number;
  time: string;
  sandbox: string;
  api: string;
  operationId?: string;
  method: string;
  /** Below the API prefix. */
  path: string;
  query: string;
  status: number;
  durationMs: number;
  requestProblems: Array<{ field: string; rule?: string; message: string }>;
  responseViolations: string[];
  /** The request's headers, secrets redacted (`authorization: Bearer [redacted]`). */
  requestHeaders?: Record<string, string>;
  /** Parsed JSON (secrets redacted), or text for other media types and when truncated. */
  requestBody?: unknown;
  requestBodyTruncated?: true;
  requestBodyBytes?: number;
  /** What the sandbox answered; `body` as for `requestBody`. */
  response?: { status: number; headers: Record<string, string>; body?: unknown; bodyTruncated?: true; bodyBytes?: number };
  injected?: { status?: number; delayMs?: number; by: string };
}

/** A sandbox's data as exported; `restore` makes a sandbox hold exactly this. */
export interface Snapshot {
  format: 'banking-api-sandbox/snapshot@1';
  sandbox: string;
  seed: number;
  exportedAt: string;
  apis: Record<string, Record<string, Record<string, Record<string, unknown>>>>;
}

/** One isolated sandbox: requests carrying `X-Sandbox-Id: <name>` (see `headers`) use it. */
export interface SandboxHandle {
  readonly name: string;
  /** `{ 'x-sandbox-id': name }`: send these with the app's requests. */
  readonly headers: Readonly<Record<string, string>>;
  /** Back to the fixtures (its journal stays; `clearJournal` forgets it). */
  reset(): Promise<void>;
  /** Every record of every API in the sandbox. */
  snapshot(): Promise<Snapshot>;
  /** Makes the sandbox hold exactly this snapshot (checked first; a bad one changes nothing). */
  restore(snapshot: Snapshot): Promise<void>;
  /** Its requests matching the filter, newest first. */
  journal(filter?: RequestFilter): Promise<JournalEntry[]>;
  /** Forgets the sandbox's journal. */
  clearJournal(): Promise<void>;
  /**
   * Resolves with the first request matching the filter, already journaled or still to come;
   * rejects after `timeoutMs` (default 5,000) listing the closest requests.
   */
  waitFor(filter: RequestFilter, options?: { timeoutMs?: number }): Promise<JournalEntry>;
  /**
   * Throws an assertion error, listing the closest requests and how each differs, unless exactly
   * `count` requests match (default: at least one).
   */
  verify(filter: RequestFilter, options?: { count?: number }): Promise<JournalEntry[]>;
  /** Deletes the sandbox: its data, journal, coverage and fault rules. */
  delete(): Promise<void>;
  /** The sandbox's clock: every timestamp its APIs produce comes from it; it never moves backwards. */
  readonly clock: SandboxClockHandle;
}

/** A sandbox's clock as the admin API reports it. */
export interface SandboxClock {
  sandbox: string;
  /** The sandbox's time (ISO 8601). */
  now: string;
  /** `real` follows the server's time; `frozen` stands still; `running` ticks at an offset. */
  mode: 'real' | 'frozen' | 'running';
  offsetSeconds?: number;
  /** The day the sandbox's fixture dates are placed relative to. */
  fixturesPlacedAt: string;
}

export interface SandboxClockHandle {
  get(): Promise<SandboxClock>;
  /** Stops the clock at `at` (never before the sandbox's time), or where it stands now. */
  freeze(at?: string | Date): Promise<SandboxClock>;
  /**
   * Moves the clock forward by an ISO 8601 duration (`P1D`, `PT6H`, `P1M`) or to an instant,
   * running what happens on each day crossed (bills, reminders, autogiro payments, …).
   */
  advance(by: string | { to: string | Date }): Promise<SandboxClock>;
  /** Lets a frozen clock tick again from where it stands. */
  resume(): Promise<SandboxClock>;
}

export interface RunningSandbox {
  /** e.g. `http://127.0.0.1:41234`; each API is below it (`${url}/upvest`). */
  readonly url: string;
  readonly port: number;
  /** The base URL of one API, e.g. `baseUrl('upvest')`. */
  baseUrl(api: string): string;
  /** A handle on the named sandbox (default `default`); it need not exist yet. */
  sandbox(name?: string): SandboxHandle;
  /** Stops listening, closes open connections and waits for pending writes. */
  close(): Promise<void>;
}

/** Thrown by `verify` and `waitFor`: the message lists the closest requests. */
export class SandboxAssertionError extends Error {
  override name = 'SandboxAssertionError';
  constructor(
    message: string,
    readonly matched: JournalEntry[],
    readonly closest: JournalEntry[],
  ) {
    super(message);
  }
}

/** Starts a sandbox server in this process; resolves once it is serving. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  // Loaded on call: importing the package for its types costs nothing.
  const [{ createApp }, { createSandboxServer, originFor }] = await Promise.all([import('./app.js'), import('./server.js')]);
  const app = await createApp({
    inMemory: options.dataFile === undefined,
    ...(options.dataFile !== undefined ? { dataFile: options.dataFile } : {}),
    seed: options.seed,
    strict: options.strict ?? false,
    adminToken: options.adminToken,
    corsOrigins: options.corsOrigins,
  });
  const server = createSandboxServer(app.app);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const connected = connectSandbox(originFor(host, port), { adminToken: options.adminToken });
  let closing: Promise<void> | undefined;
  return {
    ...connected,
    port,
    close: () =>
      (closing ??= new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => app.close())),
  };
}

/** Handles on a sandbox server already running at `url` (started by the command, a container, …). */
export function connectSandbox(url: string, options: { adminToken?: string } = {}): Omit<RunningSandbox, 'port' | 'close'> {
  const origin = url.replace(/\/+$/, '');
  const admin = `${origin}/__sandbox`;
  const auth: Record<string, string> = options.adminToken ? { authorization: `Bearer ${options.adminToken}` } : {};

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${admin}${path}`, {
      method,
      headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const error = parsed as { message?: string; fields?: Array<{ field: string; message: string }> } | undefined;
      const fields = error?.fields?.map(f => `${f.field}: ${f.message}`).join('; ');
      throw new Error(`banking-api-sandbox: ${method} ${path} answered ${res.status}: ${error?.message ?? text}${fields ? ` (${fields})` : ''}`);
    }
    return parsed;
  }

  function sandbox(name = 'default'): SandboxHandle {
    const base = `/sandboxes/${encodeURIComponent(name)}`;
    /** The server's answer for the filters it knows (newest first), before the body and header filters. */
    const serverJournal = async (filter: RequestFilter = {}, wait?: number, limit = 1000) => {
      const query = new URLSearchParams();
      for (const key of ['api', 'operationId', 'method', 'status', 'path', 'since'] as const) {
        if (filter[key] !== undefined) query.set(key, String(filter[key]));
      }
      query.set('limit', String(limit));
      if (wait) query.set('wait', String(wait));
      const { data } = (await call('GET', `${base}/journal?${query}`)) as { data: JournalEntry[] };
      return data;
    };
    const journal = async (filter: RequestFilter = {}) => (await serverJournal(filter)).filter(entry => matchesLocally(entry, filter));
    /** Every request of the sandbox (for near misses), newest first. */
    const everything = () => serverJournal({});

    return {
      name,
      headers: { 'x-sandbox-id': name },
      reset: async () => void (await call('POST', `${base}/reset`)),
      snapshot: async () => (await call('GET', `${base}/snapshot`)) as Snapshot,
      restore: async snapshot => void (await call('PUT', `${base}/snapshot`, snapshot)),
      journal: filter => journal(filter),
      clearJournal: async () => void (await call('DELETE', `${base}/journal`)),
      delete: async () => void (await call('DELETE', base)),
      clock: {
        get: async () => (await call('GET', `${base}/clock`)) as SandboxClock,
        freeze: async at => (await call('POST', `${base}/clock/freeze`, at === undefined ? {} : { at: at instanceof Date ? at.toISOString() : at })) as SandboxClock,
        advance: async by =>
          (await call('POST', `${base}/clock/advance`, typeof by === 'string' ? { by } : { to: by.to instanceof Date ? by.to.toISOString() : by.to })) as SandboxClock,
        resume: async () => (await call('POST', `${base}/clock/resume`)) as SandboxClock,
      },

      async waitFor(filter, { timeoutMs = 5000 } = {}) {
        const deadline = Date.now() + timeoutMs;
        let since = filter.since;
        for (;;) {
          const remaining = deadline - Date.now();
          // Whole seconds for the server's long poll; the last fraction is a plain look.
          const wait = Math.min(30, Math.floor(remaining / 1000));
          const page = await serverJournal({ ...filter, since }, wait > 0 ? wait : undefined);
          const found = page.filter(entry => matchesLocally(entry, filter));
          if (found.length) return found[found.length - 1]; // the oldest match: the first to arrive
          if (Date.now() >= deadline) break;
          // What the server matched but the body or header filters did not is behind us now.
          if (page.length) since = Math.max(since ?? 0, ...page.map(e => e.seq));
          else if (wait <= 0) await new Promise(r => setTimeout(r, Math.min(100, Math.max(0, deadline - Date.now()))));
        }
        const all = await everything();
        throw new SandboxAssertionError(report(`No request matching ${describe(filter)} arrived in sandbox "${name}" within ${timeoutMs} ms.`, filter, all), [], closest(filter, all));
      },

      async verify(filter, { count } = {}) {
        const matched = await journal(filter);
        if (count === undefined ? matched.length > 0 : matched.length === count) return matched;
        const all = await everything();
        const expected = count === undefined ? 'at least 1 request' : `${count} request${count === 1 ? '' : 's'}`;
        const message = `Expected ${expected} matching ${describe(filter)} in sandbox "${name}", found ${matched.length}.`;
        throw new SandboxAssertionError(report(message, filter, all, matched), matched, closest(filter, all));
      },
    };
  }

  return { url: origin, baseUrl: api => `${origin}/${api}`, sandbox };
}

// --- matching and near misses (WireMock's "closest stub" report is the model) ---

type Difference = { field: string; expected: unknown; actual: unknown };

function matchesLocally(entry: JournalEntry, filter: RequestFilter): boolean {
  if (filter.body !== undefined && !contains(entry.requestBody, filter.body)) return false;
  if (filter.headers && !headersMatch(entry, filter.headers)) return false;
  return true;
}

function headersMatch(entry: JournalEntry, expected: Record<string, string>): boolean {
  const actual = Object.fromEntries(Object.entries(entry.requestHeaders ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.entries(expected).every(([k, v]) => actual[k.toLowerCase()] === v);
}

/** `actual` holds everything in `expected` (objects partially, arrays and scalars exactly). */
function contains(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => contains(actual[i], e));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  return Object.entries(expected).every(([k, v]) => contains((actual as Record<string, unknown>)[k], v));
}

function differences(entry: JournalEntry, filter: RequestFilter): Difference[] {
  const out: Difference[] = [];
  const check = (field: string, expected: unknown, actual: unknown, same: boolean) => {
    if (expected !== undefined && !same) out.push({ field, expected, actual });
  };
  check('api', filter.api, entry.api, entry.api === filter.api);
  check('operationId', filter.operationId, entry.operationId, entry.operationId === filter.operationId);
  check('method', filter.method, entry.method, entry.method.toUpperCase() === filter.method?.toUpperCase());
  check('status', filter.status, entry.status, entry.status === filter.status);
  check('path', filter.path, entry.path, filter.path !== undefined && entry.path.startsWith(filter.path));
  check('since', filter.since, entry.seq, filter.since !== undefined && entry.seq > filter.since);
  check('body', filter.body, entry.requestBody, contains(entry.requestBody, filter.body));
  if (filter.headers) {
    for (const [k, v] of Object.entries(filter.headers)) {
      const actual = Object.entries(entry.requestHeaders ?? {}).find(([name]) => name.toLowerCase() === k.toLowerCase())?.[1];
      check(`header ${k}`, v, actual, actual === v);
    }
  }
  return out;
}

function closest(filter: RequestFilter, all: JournalEntry[], n = 3): JournalEntry[] {
  return all
    .map((entry, i) => ({ entry, i, d: differences(entry, filter).length }))
    .filter(c => c.d > 0)
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, n)
    .map(c => c.entry);
}

const show = (value: unknown) => {
  const text = typeof value === 'string' ? JSON.stringify(value) : value === undefined ? '(none)' : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
};

function describe(filter: RequestFilter): string {
  const parts = Object.entries(filter)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${show(v)}`);
  return parts.length ? `{ ${parts.join(', ')} }` : 'any request';
}

const line = (e: JournalEntry) =>
  `#${e.seq} ${e.method} /${e.api}${e.path}${e.query ? `?${e.query}` : ''} → ${e.status}${e.operationId ? ` (${e.operationId})` : ''}`;

function report(headline: string, filter: RequestFilter, all: JournalEntry[], matched: JournalEntry[] = []): string {
  const lines = [headline];
  if (matched.length) lines.push('', 'Matching requests:', ...matched.slice(0, 5).map(e => `  ${line(e)}`));
  const near = closest(filter, all);
  if (!all.length) lines.push('', 'The sandbox has journaled no requests.');
  else if (near.length) {
    lines.push('', `Closest requests (of ${all.length} in the journal):`);
    for (const e of near) {
      lines.push(`  ${line(e)}`);
      for (const d of differences(e, filter)) lines.push(`      ${d.field}: expected ${show(d.expected)}, got ${show(d.actual)}`);
    }
  }
  return lines.join('\n');
}
