// Memory under hostile traffic (`npm run test:memory`): 20,000 requests with adversarial bodies up
// to each API's body limit, across every operation of every API and the admin API, from 8
// clients, against the real server (in memory, 127.0.0.1 only) in a child process. Samples the
// server's heap and RSS, and checks it answers a health probe throughout. Exits non-zero when the
// RSS passes the bound, a request fails or hangs, or a 5xx other than an injected one appears.
//
//   tsx scripts/memory.ts [--requests 20000] [--concurrency 8] [--max-rss-mb 300]
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { apis } from '../src/apis/index.js';
import { SNAPSHOT_BODY_LIMIT, ADMIN_BODY_LIMIT } from '../src/controls/admin.js';
import { exampleCall, specOperations, type Call } from './spec-traffic.js';

const MB = 1024 * 1024;
const round = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

interface Sample {
  rss: number;
  heapUsed: number;
  journalBytes: number;
  unexpectedErrors: number;
}

if (process.argv[2] === 'server') {
  const { createApp } = await import('../src/app.js');
  const { createSandboxServer } = await import('../src/server.js');
  let unexpectedErrors = 0;
  const sandbox = await createApp({ inMemory: true, onError: () => void unexpectedErrors++ });
  const server = createSandboxServer(sandbox.app);
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('message', (message: string) => {
    if (message === 'gc') global.gc?.();
    const memory = process.memoryUsage();
    const sample: Sample = { rss: memory.rss, heapUsed: memory.heapUsed, journalBytes: sandbox.controls.journal.byteSize(), unexpectedErrors };
    process.send!(sample);
  });
} else {
  await client();
}

async function client(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '8' }, 'max-rss-mb': { type: 'string', default: '300' } } });
  const total = Number(values.requests);
  const maxRss = Number(values['max-rss-mb']) * MB;
  const server = fork(fileURLToPath(import.meta.url), ['server'], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = (await once(server, 'message')) as [{ port: number }];
  const origin = `http://127.0.0.1:${port}`;
  const sample = async (gc = false): Promise<Sample> => {
    const reply = once(server, 'message') as Promise<[Sample]>;
    server.send(gc ? 'gc' : 'sample');
    return (await reply)[0];
  };

  const limits = new Map<string, number>(apis.map(m => [m.slug, typeof m.bodyLimit === 'number' ? m.bodyLimit : MB]));
  const operations = (await specOperations()).map(o => ({ ...o, limit: limits.get(o.slug) ?? MB }));
  const calls: Array<(sandbox: string) => Call & { limit: number }> = operations.map(o => sandbox => ({ ...exampleCall(o, sandbox), limit: o.limit }));
  // The admin API: every kind of write it takes a body for, and the journal.
  const admin = (method: string, path: (s: string) => string, limit = ADMIN_BODY_LIMIT) => (sandbox: string) => ({
    method,
    path: `/__sandbox${path(sandbox)}`,
    headers: { 'content-type': 'application/json' },
    body: '{}',
    limit,
  });
  calls.push(
    admin('PUT', s => `/sandboxes/${s}/snapshot`, SNAPSHOT_BODY_LIMIT),
    admin('PUT', s => `/sandboxes/${s}/faults`),
    admin('POST', s => `/sandboxes/${s}/apis/upvest/users`),
    admin('PATCH', s => `/sandboxes/${s}/apis/upvest/users/83d83ec2-d2ca-49ff-bbea-b92b5c3be202`),
    admin('POST', s => `/sandboxes/${s}/reset`),
    s => ({ ...admin('GET', () => `/sandboxes/${s}/journal?limit=1000`)(s), body: undefined }),
  );

  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let sent = 0;
  let bytesSent = 0;
  let peak: Sample = await sample(true);
  const baseline = peak;
  const samples: string[] = [];
  let slowestProbe = 0;
  const started = Date.now();

  async function one(i: number): Promise<void> {
    const call = calls[i % calls.length](`mem-${i % 500}`);
    const withBody = call.method !== 'GET' && call.method !== 'HEAD';
    // One request in 20 carries a body of about the API's limit (some just over it), the others up to 16 KB.
    const size = i % 20 === 0 ? Math.floor(call.limit * (i % 40 === 0 ? 1.01 : 0.98)) : 64 + ((i * 7919) % (16 * 1024));
    const form = (call.headers['content-type'] ?? '').includes('form');
    const body = withBody ? adversarialBody(i, size, form) : undefined;
    const path = withBody ? call.path : `${call.path}${call.path.includes('?') ? '&' : '?'}client_secret=s3cret&pad=${'x'.repeat(i % 1000)}`;
    try {
      const res = await fetch(`${origin}${path}`, { method: call.method, headers: call.headers, body, signal: AbortSignal.timeout(60_000) });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500 && res.status !== 503 && !res.headers.get('preference-applied')) failures.push(`${call.method} ${call.path}: ${res.status}`);
    } catch (error) {
      failures.push(`${call.method} ${call.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    bytesSent += body?.length ?? 0;
  }

  async function worker(): Promise<void> {
    while (sent < total) {
      const i = sent++;
      await one(i);
      if (i % 1000 === 999) await checkpoint(i + 1);
    }
  }

  async function checkpoint(done: number): Promise<void> {
    const t = performance.now();
    const probe = await fetch(`${origin}/__sandbox/health`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    const probeMs = performance.now() - t;
    slowestProbe = Math.max(slowestProbe, probeMs);
    if (probe?.status !== 200) failures.push(`health probe after ${done} requests: ${probe?.status ?? 'no answer'}`);
    const s = await sample();
    if (s.rss > peak.rss) peak = { ...peak, rss: s.rss };
    if (s.heapUsed > peak.heapUsed) peak = { ...peak, heapUsed: s.heapUsed };
    samples.push(`${String(done).padStart(6)}  rss ${String(round(s.rss)).padStart(6)} MB  heap ${String(round(s.heapUsed)).padStart(6)} MB  journal ${String(round(s.journalBytes)).padStart(5)} MB  health ${probeMs.toFixed(0)} ms`);
    process.stdout.write(`${samples.at(-1)}\n`);
  }

  await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
  const end = await sample(true);
  server.kill();
  if (end.unexpectedErrors) failures.push(`${end.unexpectedErrors} unexpected server errors`);
  if (peak.rss > maxRss) failures.push(`peak RSS ${round(peak.rss)} MB is over ${round(maxRss)} MB`);

  const lines = [
    '',
    `${total} requests (${round(bytesSent)} MB of bodies) in ${((Date.now() - started) / 1000).toFixed(0)} s over ${calls.length} operations, ${values.concurrency} clients`,
    `statuses: ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`,
    `RSS: ${round(baseline.rss)} MB at start, peak ${round(peak.rss)} MB, ${round(end.rss)} MB at the end (bound ${round(maxRss)} MB)`,
    `heap: ${round(baseline.heapUsed)} MB at start (after GC), peak ${round(peak.heapUsed)} MB, ${round(end.heapUsed)} MB at the end after GC; journal ${round(end.journalBytes)} MB`,
    `health probe: slowest ${slowestProbe.toFixed(0)} ms`,
    failures.length ? `FAILED:\n  ${[...new Set(failures)].slice(0, 20).join('\n  ')}` : 'ok',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(failures.length ? 1 : 0);
}

/** Bodies that cost a parser the most for their size, or carry secrets, cycling by `i`. */
function adversarialBody(i: number, size: number, form: boolean): string {
  const fill = (unit: string, open: string, close: string) => open + unit.repeat(Math.max(0, Math.floor((size - open.length - close.length) / unit.length))) + close;
  if (form) return fill('&client_secret=s3cret&a=1', 'grant_type=client_credentials', '');
  switch (i % 6) {
    case 0:
      return `${fill('{},', '[', '')}{}]`; // ~20× its size once parsed
    case 1:
      return `${fill('1,', '[', '')}1]`;
    case 2:
      return `{"client_secret":"s3cret","password":"p","s":"${'x'.repeat(Math.max(0, size - 48))}"}`;
    case 3:
      return `{${Array.from({ length: Math.max(1, Math.floor(size / 12)) }, (_, k) => `"k${k}":0`).join(',')}}`;
    case 4:
      return `${fill('{"a":[{"b":[1]}]},', '[', '')}{}]`;
    default:
      return `${fill('"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig",', '[', '')}""]`;
  }
}
