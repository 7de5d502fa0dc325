// Memory under hostile traffic (`npm run test:memory`): 20,000 requests with adversarial bodies up
// to each API's body limit, across every operation of every API and the admin API, from 8
// clients, against the built server as users start it (`node dist/cli.js --in-memory` with the
// Node flags of dist/cli.js's shebang, logging JSON lines at its default level, 127.0.0.1 only)
// in a child process. The server's peak RSS is
// the kernel's high-water mark (`ru_maxrss`), so no spike between samples is missed. Checks it
// answers a health probe every 1,000 requests. Exits non-zero when the peak RSS passes the bound,
// a request is not answered (timeout, connection error), or a 5xx other than an injected one or an
// unexpected server error appears.
//
//   npm run build && tsx scripts/memory.ts [--requests 20000] [--concurrency 8] [--max-rss-mb 300]
//                                          [--heap-snapshot <file>] [--trace-gc] [--node-flags '<flags>']
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { apis } from '../src/apis/index.js';
import { SNAPSHOT_BODY_LIMIT, ADMIN_BODY_LIMIT } from '../src/controls/admin.js';
import { packageRoot } from '../src/paths.js';
import { exampleCall, specOperations, type Call } from './spec-traffic.js';

const MB = 1024 * 1024;
const round = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

interface Usage {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}
interface Sample {
  now: Usage;
  /** The largest of each figure sampled every 50 ms since start. */
  peak: Usage;
  /** The kernel's high-water mark of the resident set (ru_maxrss), in bytes. */
  maxRss: number;
}

// Loaded into the server with --import: answers the IPC messages `sample`, `gc` and `snapshot <file>`.
const SAMPLER = `
import { writeHeapSnapshot } from 'node:v8';
const fields = ['rss', 'heapUsed', 'heapTotal', 'external', 'arrayBuffers'];
const peak = Object.fromEntries(fields.map(f => [f, 0]));
const track = () => { const m = process.memoryUsage(); for (const f of fields) if (m[f] > peak[f]) peak[f] = m[f]; return m; };
setInterval(track, 50).unref();
process.on('message', message => {
  if (message === 'gc') globalThis.gc?.();
  if (typeof message === 'string' && message.startsWith('snapshot ')) writeHeapSnapshot(message.slice(9));
  const now = track();
  process.send({ now: Object.fromEntries(fields.map(f => [f, now[f]])), peak, maxRss: process.resourceUsage().maxRSS * 1024 });
});`;

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '8' },
    'max-rss-mb': { type: 'string', default: '300' },
    'heap-snapshot': { type: 'string' },
    'trace-gc': { type: 'boolean', default: false },
    /** Extra Node/V8 flags for the server, to try a setting (e.g. `--node-flags=--max-semi-space-size=8`). */
    'node-flags': { type: 'string', default: '' },
  },
});
const total = Number(values.requests);
const maxRss = Number(values['max-rss-mb']) * MB;

/** The Node flags users' starts carry: those of the command's shebang (`#!/usr/bin/env -S node …`). */
const launchFlags = /^#!\/usr\/bin\/env -S node (.*)$/m.exec(readFileSync(join(packageRoot, 'dist/cli.js'), 'utf8').split('\n', 1)[0])?.[1].split(' ') ?? [];
const server = spawn(
  process.execPath,
  [
    ...launchFlags,
    '--expose-gc',
    ...(values['trace-gc'] ? ['--trace-gc'] : []),
    ...values['node-flags'].split(' ').filter(Boolean),
    '--import',
    `data:text/javascript,${encodeURIComponent(SAMPLER)}`,
    join(packageRoot, 'dist/cli.js'),
    '--port',
    '0',
    '--in-memory',
    '--log-format',
    'json',
  ],
  { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
);
process.on('exit', () => server.kill());
let unexpectedErrors = 0;
let logLines = 0;
const started = new Promise<number>((resolve, reject) => {
  server.once('exit', code => reject(new Error(`the server exited (${code}) before listening`)));
  createInterface({ input: server.stdout! }).on('line', line => {
    if (line.startsWith('[')) return void process.stdout.write(`gc ${line}\n`); // --trace-gc
    if (++logLines === 1) resolve((JSON.parse(line) as { port: number }).port); // the start-up line
    if (line.includes('"level":50') && line.includes('unexpected error')) unexpectedErrors++;
  });
});
const origin = `http://127.0.0.1:${await started}`;
const sample = async (message = 'sample'): Promise<Sample> => {
  const reply = once(server, 'message') as Promise<[Sample]>;
  server.send(message);
  return (await reply)[0];
};

const limits = new Map<string, number>(apis.map(m => [m.slug, typeof m.bodyLimit === 'number' ? m.bodyLimit : MB]));
const operations = (await specOperations()).map(o => ({ ...o, limit: limits.get(o.slug) ?? MB }));
const calls: Array<(sandbox: string) => Call & { limit: number }> = operations.map(o => sandbox => ({ ...exampleCall(o, sandbox), limit: o.limit }));
// The admin API: every kind of write it takes a body for, and the journal.
const admin =
  (method: string, path: (s: string) => string, limit = ADMIN_BODY_LIMIT) =>
  (sandbox: string) => ({ method, path: `/__sandbox${path(sandbox)}`, headers: { 'content-type': 'application/json' }, body: '{}', limit });
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
const baseline = await sample('gc');
let slowestProbe = 0;
const t0 = performance.now();

async function one(i: number): Promise<void> {
  // One request in 20 carries a body of about its API's limit (every other one just over it), the
  // others up to 16 KB. The large ones go to each operation in turn, with each kind of body in turn.
  const large = i % 20 === 0 ? i / 20 : undefined;
  const call = calls[(large ?? i) % calls.length](`mem-${i % 500}`);
  const round = large === undefined ? 0 : Math.floor(large / calls.length);
  const kind = large === undefined ? i : large + Math.floor(round / 2);
  const withBody = call.method !== 'GET' && call.method !== 'HEAD';
  const size = large !== undefined ? Math.floor(call.limit * (round % 2 ? 1.01 : 0.98)) : 64 + ((i * 7919) % (16 * 1024));
  const form = (call.headers['content-type'] ?? '').includes('form');
  const body = withBody ? adversarialBody(kind, size, form) : undefined;
  const path = withBody ? call.path : `${call.path}${call.path.includes('?') ? '&' : '?'}client_secret=s3cret&pad=${'x'.repeat(i % 1000)}`;
  try {
    const res = await fetch(`${origin}${path}`, { method: call.method, headers: call.headers, body, signal: AbortSignal.timeout(60_000) });
    await res.arrayBuffer();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500 && res.status !== 503 && !res.headers.get('preference-applied')) failures.push(`${call.method} ${call.path}: ${res.status}`);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    failures.push(`${call.method} ${call.path} (${body?.length ?? 0} bytes): not answered (${error instanceof Error ? error.message : String(error)}${cause ? `: ${cause.code ?? cause.message}` : ''})`);
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

const mb = (bytes: number, width = 6) => `${String(round(bytes)).padStart(width)} MB`;
async function checkpoint(done: number): Promise<void> {
  const t = performance.now();
  const probe = await fetch(`${origin}/__sandbox/health`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
  const probeMs = performance.now() - t;
  slowestProbe = Math.max(slowestProbe, probeMs);
  if (probe?.status !== 200) failures.push(`health probe after ${done} requests: ${probe?.status ?? 'no answer'}`);
  const s = await sample();
  process.stdout.write(
    `${String(done).padStart(6)}  rss ${mb(s.now.rss)} (max ${mb(s.maxRss)})  heap ${mb(s.now.heapUsed)} of ${mb(s.now.heapTotal)}  external ${mb(s.now.external, 5)} (buffers ${mb(s.now.arrayBuffers, 5)})  health ${probeMs.toFixed(0)} ms\n`,
  );
}

await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
const seconds = (performance.now() - t0) / 1000;
const peak = await sample();
const end = await sample('gc');
if (values['heap-snapshot']) await sample(`snapshot ${values['heap-snapshot']}`);
server.kill();
if (unexpectedErrors) failures.push(`${unexpectedErrors} unexpected server errors`);
if (peak.maxRss > maxRss) failures.push(`peak RSS ${round(peak.maxRss)} MB is over ${round(maxRss)} MB`);

const lines = [
  '',
  `${total} requests (${round(bytesSent)} MB of bodies) in ${seconds.toFixed(0)} s (${(total / seconds).toFixed(0)} requests/s) over ${calls.length} operations, ${values.concurrency} clients`,
  `statuses: ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`,
  `peak RSS ${round(peak.maxRss)} MB (bound ${round(maxRss)} MB); ${round(baseline.now.rss)} MB at start, ${round(end.now.rss)} MB at the end`,
  `peak heap used ${round(peak.peak.heapUsed)} MB (heap total ${round(peak.peak.heapTotal)} MB), external ${round(peak.peak.external)} MB, array buffers ${round(peak.peak.arrayBuffers)} MB (sampled every 50 ms)`,
  `heap used after GC: ${round(baseline.now.heapUsed)} MB at start, ${round(end.now.heapUsed)} MB at the end`,
  `health probe: slowest ${slowestProbe.toFixed(0)} ms; ${logLines} log lines`,
  failures.length ? `FAILED:\n  ${[...new Set(failures)].slice(0, 20).join('\n  ')}` : 'ok',
];
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(failures.length ? 1 : 0);

/** Bodies that cost a parser or a validator the most for their size, or carry secrets, cycling by `i`. */
function adversarialBody(i: number, size: number, form: boolean): string {
  const fill = (unit: string, open: string, close: string) => open + unit.repeat(Math.max(0, Math.floor((size - open.length - close.length) / unit.length))) + close;
  if (form) return fill('&client_secret=s3cret&a=1', 'grant_type=client_credentials', '');
  switch (i % 7) {
    case 0:
      return `${fill('{},', '[', '')}{}]`; // ~20× its size once parsed
    case 1:
      return `${fill('1,', '[', '')}1]`; // one validation problem per 2 bytes where objects are expected
    case 2:
      return `{"client_secret":"s3cret","password":"p","s":"${'x'.repeat(Math.max(0, size - 48))}"}`;
    case 3:
      return `{${Array.from({ length: Math.max(1, Math.floor(size / 12)) }, (_, k) => `"k${k}":0`).join(',')}}`; // unknown keys
    case 4:
      return `${fill('{"a":[{"b":[1]}]},', '[', '')}{}]`;
    case 5: {
      // 60 levels deep (the limit is 64), repeated; one object per 17 bytes stays under the density rule
      const deep = `${'{"kkkkkkkkkkkk":'.repeat(60)}0${'}'.repeat(60)}`;
      return fill(`${deep},`, '[', '0]');
    }
    default:
      return `${fill('"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig",', '[', '')}""]`;
  }
}
