// `npm run bench`: the sandbox against a bare Express server and Prism's own mock server, on
// loopback, one after another, driven by autocannon. Prints requests/s, p50 and p99 per scenario
// and the ratios, and writes them as JSON (bench/results/<commit>.json) to compare across commits.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { benchFleet, type Figures } from './fleet.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    out: { type: 'string' },
    'scale-records': { type: 'string', default: '100000' },
    'big-records': { type: 'string', default: '1000000' },
    'small-sandboxes': { type: 'string', default: '15000' },
  },
});
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
const CONNECTIONS = Number(args.connections);
const SCALE_RECORDS = Number(args['scale-records']);
const BIG_RECORDS = Number(args['big-records']);
const SMALL_SANDBOXES = Number(args['small-sandboxes']);
/** Scale data is spread over this many sandboxes. */
const SCALE_SANDBOXES = 1000;

const UPVEST_HEADERS = { 'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f', authorization: 'Bearer bench' };
const USER = '83d83ec2-d2ca-49ff-bbea-b92b5c3be202';
const PAYEX_ACCOUNT_PATH = '/payex/ledger/account/v1/501/accounts/1234567';
const PAYEX_HEADERS = { authorization: 'Bearer bench' };
const ACCOUNT = 'c18f80bd-401e-4836-9776-7dc24c32d35e';
const LIST_ITEMS = 100;

interface Server {
  proc: ChildProcess;
  url: string;
  startupMs: number;
}

/** Starts a process and waits until `probe` answers 2xx; the time to that is its start-up time. */
async function start(command: string[], probe: string, env: Record<string, string> = {}, probeHeaders: Record<string, string> = UPVEST_HEADERS): Promise<Server> {
  const started = performance.now();
  const proc = spawn(command[0], command.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', d => {
    if (output.length < 10_000) output += d;
  });
  proc.stderr!.on('data', d => {
    if (output.length < 10_000) output += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command.join(' ')} did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      } else if (proc.exitCode !== null) {
        clearTimeout(timer);
        reject(new Error(`${command.join(' ')} exited:\n${output}`));
      } else setTimeout(check, 5);
    };
    check();
  });
  for (;;) {
    const ok = await fetch(`${url}${probe}`, { headers: probeHeaders }).then(r => r.ok, () => false);
    if (ok) break;
    await new Promise(r => setTimeout(r, 5));
  }
  // keep draining output (logs) so the child never blocks on a full pipe
  proc.stdout!.resume();
  proc.stderr!.resume();
  return { proc, url, startupMs: Math.round(performance.now() - started) };
}

async function stop(server: Server): Promise<void> {
  if (server.proc.exitCode !== null) return;
  const exited = new Promise(r => server.proc.once('exit', r));
  server.proc.kill('SIGTERM');
  await exited;
}

function rssMb(pid: number): number {
  const status = execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' });
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

async function cannon(options: autocannon.Options): Promise<Figures> {
  if (WARMUP > 0) await autocannon({ ...options, duration: WARMUP });
  const result = await autocannon({ ...options, connections: CONNECTIONS, duration: DURATION });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const get = (url: string, headers: Record<string, string> = UPVEST_HEADERS) => cannon({ url, headers, connections: CONNECTIONS });

/** A valid German IBAN with random account digits. */
function randomIban(): string {
  const bban = Array.from({ length: 18 }, () => Math.floor(Math.random() * 10)).join('');
  let remainder = 0;
  for (const digit of `${bban}131400`) remainder = (remainder * 10 + Number(digit)) % 97;
  return `DE${String(98 - remainder).padStart(2, '0')}${bban}`;
}

function createBody(userId: string) {
  return JSON.stringify({
    user_id: userId,
    account_owner: 'Bench Mark',
    iban: randomIban(),
    bic: 'COBADEFFXXX',
    confirmed_at: '2026-11-20T09:00:00Z',
  });
}

async function createAccounts(url: string, userId: string, count: number) {
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${url}/upvest/payments/reference_accounts`, {
      method: 'POST',
      headers: { ...UPVEST_HEADERS, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: createBody(userId),
    });
    if (res.status !== 200) throw new Error(`setup create failed: ${res.status} ${await res.text()}`);
  }
}

/**
 * A data file (snapshot format) holding `count` more reference accounts spread over `sandboxes`
 * sandboxes, each with its own user; written line by line. Returns one account and its user, in
 * sandbox `scale-0`, and the file's size.
 */
async function scaleDataFile(file: string, count: number, sandboxes: number) {
  const out = createWriteStream(file);
  const write = (line: unknown) => (out.write(`${JSON.stringify(line)}\n`) ? undefined : once(out, 'drain'));
  await write({ format: 2, seed: 1, log: 0 });
  const perSandbox = Math.ceil(count / sandboxes);
  let deep = { account: '', user: '' };
  const now = Date.now();
  for (let s = 0, made = 0; made < count; s++) {
    const sandbox = `scale-${s}`;
    const user = randomUUID();
    await write(['s', sandbox, now]);
    await write(['p', sandbox, 'upvest', 'users', user, { id: user, first_name: 'Scale', last_name: `User ${s}`, created_at: '2025-01-01T00:00:00Z' }]);
    for (let a = 0; a < perSandbox && made < count; a++, made++) {
      const id = randomUUID();
      const created = new Date(Date.UTC(2025, 0, 1) + made * 1000).toISOString();
      const account = { id, created_at: created, updated_at: created, user_id: user, account_owner: `Scale User ${s}`, iban: randomIban(), bic: 'COBADEFFXXX', confirmed_at: created };
      await write(['p', sandbox, 'upvest', 'referenceAccounts', id, account]);
      if (s === 0) deep = { account: id, user };
    }
  }
  out.end();
  await once(out, 'finish');
  return { ...deep, sandbox: 'scale-0', bytes: (await stat(file)).size };
}

/** Median latency (ms) of `count` creates sent one after another (no concurrency). */
async function singleWriteMs(url: string, userId: string, count: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await createAccounts(url, userId, 1);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 100) / 100;
}

const createRequest = (userId: string): autocannon.Request => ({
  method: 'POST',
  path: '/upvest/payments/reference_accounts',
  setupRequest: req => ({
    ...req,
    headers: { ...UPVEST_HEADERS, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: createBody(userId),
  }),
});

const k = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1000}k`);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-bench-'));
  const results: Record<string, unknown> = {
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
    date: new Date().toISOString(),
    node: process.version,
    duration: DURATION,
    connections: CONNECTIONS,
  };
  const scenarios: Record<string, Record<string, Figures>> = {};
  const record = (scenario: string, server: string, figures: Figures) => {
    (scenarios[scenario] ??= {})[server] = figures;
    console.log(`${scenario.padEnd(28)} ${server.padEnd(8)} ${String(figures.rps).padStart(7)} req/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms${figures.non2xx || figures.errors ? `  (non-2xx ${figures.non2xx}, errors ${figures.errors})` : ''}`);
  };
  const accountPath = `/upvest/payments/reference_accounts/${ACCOUNT}`;
  const listPath = `/upvest/users/${USER}/payments/reference_accounts`;

  try {
    // 1. The sandbox: default options, data file on disk, response validation on.
    const sandbox = await start(['node', 'dist/cli.js', '--port', '0', '--data', join(dir, 'sandbox.json')], accountPath);
    results.startupMs = sandbox.startupMs;
    results.rssIdleMb = rssMb(sandbox.proc.pid!);
    console.log(`sandbox: first request served ${sandbox.startupMs} ms after start, ${results.rssIdleMb} MB resident`);
    await createAccounts(sandbox.url, USER, LIST_ITEMS - 2);
    const one = await (await fetch(`${sandbox.url}${accountPath}`, { headers: UPVEST_HEADERS })).json();
    const list = (await (await fetch(`${sandbox.url}${listPath}?limit=${LIST_ITEMS}`, { headers: UPVEST_HEADERS })).json()) as { meta: Record<string, number>; data: unknown[] };
    if (list.data.length !== LIST_ITEMS) throw new Error(`expected ${LIST_ITEMS} items, got ${list.data.length}`);

    const payexAccount = await (await fetch(`${sandbox.url}${PAYEX_ACCOUNT_PATH}`, { headers: PAYEX_HEADERS })).json();
    record('get-by-id upvest', 'sandbox', await get(`${sandbox.url}${accountPath}`));
    record('get-by-id payex', 'sandbox', await get(`${sandbox.url}${PAYEX_ACCOUNT_PATH}`, PAYEX_HEADERS));
    record(`list upvest (${LIST_ITEMS} items)`, 'sandbox', await get(`${sandbox.url}${listPath}?limit=${LIST_ITEMS}`));
    results.singleWriteEmptyMs = await singleWriteMs(sandbox.url, USER, 200);
    record('create upvest (fsync) @0', 'sandbox', await cannon({ url: sandbox.url, connections: CONNECTIONS, requests: [createRequest(USER)] }));
    results.rssAfterMb = rssMb(sandbox.proc.pid!);
    await stop(sandbox);

    // 2. Bare Express 5 over the same records.
    const recordsFile = join(dir, 'records.json');
    await writeFile(recordsFile, JSON.stringify({ byPath: { [accountPath]: one, [PAYEX_ACCOUNT_PATH]: payexAccount }, lists: { [listPath]: list } }));
    const bare = await start(['node', '--import', 'tsx', 'bench/bare-express.ts', recordsFile], accountPath);
    record('get-by-id upvest', 'express', await get(`${bare.url}${accountPath}`));
    record('get-by-id payex', 'express', await get(`${bare.url}${PAYEX_ACCOUNT_PATH}`, PAYEX_HEADERS));
    record(`list upvest (${LIST_ITEMS} items)`, 'express', await get(`${bare.url}${listPath}?limit=${LIST_ITEMS}`));
    await stop(bare);

    // 3. Prism's own mock server on the same spec (it serves the spec's examples, validating requests).
    const prismPort = 4700 + Math.floor(Math.random() * 200);
    const prism = await start(
      ['node', 'node_modules/@stoplight/prism-cli/dist/index.js', 'mock', 'specs/upvest.yaml', '-h', '127.0.0.1', '-p', String(prismPort)],
      `/payments/reference_accounts/${ACCOUNT}`,
    );
    record('get-by-id upvest', 'prism', await get(`${prism.url}/payments/reference_accounts/${ACCOUNT}`));
    record(`list upvest (${LIST_ITEMS} items)`, 'prism', await get(`${prism.url}/users/${USER}/payments/reference_accounts?limit=${LIST_ITEMS}`));
    record(
      'create upvest (fsync) @0',
      'prism',
      await cannon({ url: prism.url, connections: CONNECTIONS, requests: [{ ...createRequest(USER), path: '/payments/reference_accounts' }] }),
    );
    await stop(prism);
    const prismPayex = await start(
      ['node', 'node_modules/@stoplight/prism-cli/dist/index.js', 'mock', 'specs/payex.yaml', '-h', '127.0.0.1', '-p', String(prismPort + 1)],
      PAYEX_ACCOUNT_PATH.replace('/payex', ''),
    );
    record('get-by-id payex', 'prism', await get(`${prismPayex.url}${PAYEX_ACCOUNT_PATH.replace('/payex', '')}`, PAYEX_HEADERS));
    await stop(prismPayex);

    // 4. Scale: SCALE_RECORDS more records in 1,000 sandboxes: reads, creates, start-up, memory.
    const scaleFile = join(dir, 'scale', 'sandbox.json');
    await mkdir(join(dir, 'scale'));
    const deep = await scaleDataFile(scaleFile, SCALE_RECORDS, SCALE_SANDBOXES);
    const deepHeaders = { ...UPVEST_HEADERS, 'x-sandbox-id': deep.sandbox };
    const scaled = await start(['node', 'dist/cli.js', '--port', '0', '--data', scaleFile, '--log-level', 'silent'], `/upvest/payments/reference_accounts/${deep.account}`, {}, deepHeaders);
    results.scaleStartupMs = scaled.startupMs;
    results.scaleRssMb = rssMb(scaled.proc.pid!);
    results.scaleDataMb = Math.round(deep.bytes / 1e5) / 10;
    record(`get-by-id upvest @${k(SCALE_RECORDS)}`, 'sandbox', await get(`${scaled.url}/upvest/payments/reference_accounts/${deep.account}`, deepHeaders));
    record(`list upvest (${LIST_ITEMS}) @${k(SCALE_RECORDS)}`, 'sandbox', await get(`${scaled.url}/upvest/users/${deep.user}/payments/reference_accounts?limit=${LIST_ITEMS}`, deepHeaders));
    record(`create upvest (fsync) @${k(SCALE_RECORDS)}`, 'sandbox', await cannon({ url: scaled.url, connections: CONNECTIONS, requests: [createRequest(USER)] }));
    await stop(scaled);

    // 5. Compaction under load: the same data (a 39 MB snapshot at 100k), compacting every 64 KB of
    // log, while four writers create accounts and 50 connections read; then the compactions begun
    // meanwhile are let finish (they run in the background) and counted.
    const compacting = await start(['node', 'dist/cli.js', '--port', '0', '--data', scaleFile, '--log-level', 'silent'], `/upvest/payments/reference_accounts/${deep.account}`, { SANDBOX_COMPACT_BYTES: String(64 << 10) }, deepHeaders);
    const headerOf = async () => JSON.parse((await readFile(scaleFile, 'utf8').then(t => t.slice(0, 200))).split('\n', 1)[0]) as { log: number };
    const before = (await headerOf()).log;
    let writing = true;
    const writers = Array.from({ length: 4 }, async () => {
      while (writing) await createAccounts(compacting.url, USER, 20).catch(() => undefined);
    });
    const reads = await autocannon({ url: `${compacting.url}/upvest/payments/reference_accounts/${deep.account}`, headers: deepHeaders, connections: CONNECTIONS, duration: DURATION });
    writing = false;
    await Promise.all(writers);
    for (let waited = 0; (await headerOf()).log === before && waited < 60_000; waited += 500) await sleep(500);
    results.compactionsDuringReads = (await headerOf()).log - before;
    results.readMaxMsDuringCompaction = reads.latency.max;
    results.readP99MsDuringCompaction = reads.latency.p99;
    console.log(`compaction under load: ${results.compactionsDuringReads} log segments folded; get-by-id p99 ${reads.latency.p99} ms, max ${reads.latency.max} ms`);
    await stop(compacting);
    await rm(join(dir, 'scale'), { recursive: true, force: true });

    // 6. Start-up and memory with BIG_RECORDS records.
    if (BIG_RECORDS > 0) {
      const bigFile = join(dir, 'big', 'sandbox.json');
      await mkdir(join(dir, 'big'));
      const big = await scaleDataFile(bigFile, BIG_RECORDS, SCALE_SANDBOXES);
      const bigHeaders = { ...UPVEST_HEADERS, 'x-sandbox-id': big.sandbox };
      const server = await start(['node', 'dist/cli.js', '--port', '0', '--data', bigFile, '--log-level', 'silent'], `/upvest/payments/reference_accounts/${big.account}`, {}, bigHeaders);
      results.bigStartupMs = server.startupMs;
      results.bigRssMb = rssMb(server.proc.pid!);
      results.bigDataMb = Math.round(big.bytes / 1e5) / 10;
      console.log(`${k(BIG_RECORDS)} records (${results.bigDataMb} MB): first request served ${server.startupMs} ms after start, ${results.bigRssMb} MB resident`);
      await stop(server);
      await rm(join(dir, 'big'), { recursive: true, force: true });
    }

    // 7. SMALL_SANDBOXES sandboxes of one record each: one write, alone, against the empty store's.
    const smallFile = join(dir, 'small', 'sandbox.json');
    await mkdir(join(dir, 'small'));
    await scaleDataFile(smallFile, SMALL_SANDBOXES, SMALL_SANDBOXES);
    const small = await start(['node', 'dist/cli.js', '--port', '0', '--data', smallFile, '--log-level', 'silent'], accountPath);
    results.singleWriteSmallSandboxesMs = await singleWriteMs(small.url, USER, 200);
    console.log(`single write: ${results.singleWriteEmptyMs} ms on an empty store, ${results.singleWriteSmallSandboxesMs} ms with ${k(SMALL_SANDBOXES)} one-record sandboxes (medians of 200)`);
    await stop(small);

    // A fleet: three servers on one Redis (and nginx) against one embedded server (bench/fleet.ts).
    results.fleet = await benchFleet({
      duration: DURATION,
      warmup: WARMUP,
      connections: CONNECTIONS,
      headers: UPVEST_HEADERS,
      accountPath,
      createBody: () => createBody(USER),
      record,
      async start(extra) {
        const server = await start(['node', 'dist/cli.js', '--port', '0', ...extra], accountPath);
        return { url: server.url, stop: () => stop(server) };
      },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const s = scenarios;
  const scale = k(SCALE_RECORDS);
  const create0 = s['create upvest (fsync) @0'];
  const createScale = s[`create upvest (fsync) @${scale}`];
  const row = (target: string, value: number | string, ok: boolean) => ({ target, value, met: ok ? 'yes' : 'NO' });
  const table = [
    row(`creates @${scale} in ${SCALE_SANDBOXES} sandboxes ≥ 0.9× @0`, ratio(createScale.sandbox.rps, create0.sandbox.rps), createScale.sandbox.rps >= 0.9 * create0.sandbox.rps),
    row(`create p99 @${scale} ≤ 1.5× @0`, ratio(createScale.sandbox.p99, create0.sandbox.p99), createScale.sandbox.p99 <= 1.5 * create0.sandbox.p99),
    row('creates/s (fsync) ≥ 2,000', create0.sandbox.rps, create0.sandbox.rps >= 2000),
    row('creates ≥ 1.5× Prism mock', ratio(create0.sandbox.rps, create0.prism.rps), create0.sandbox.rps >= 1.5 * create0.prism.rps),
    row(`start-up @${scale} < 1,500 ms`, results.scaleStartupMs as number, (results.scaleStartupMs as number) < 1500),
    row(`RSS @${scale} ≤ 2× data (${results.scaleDataMb} MB) + 150 MB`, results.scaleRssMb as number, (results.scaleRssMb as number) <= 2 * (results.scaleDataMb as number) + 150),
    ...(BIG_RECORDS > 0
      ? [
          row(`start-up @${k(BIG_RECORDS)} < 10,000 ms`, results.bigStartupMs as number, (results.bigStartupMs as number) < 10_000),
          row(`RSS @${k(BIG_RECORDS)} ≤ 2× data (${results.bigDataMb} MB) + 150 MB`, results.bigRssMb as number, (results.bigRssMb as number) <= 2 * (results.bigDataMb as number) + 150),
        ]
      : []),
    row(
      `single write, ${k(SMALL_SANDBOXES)} one-record sandboxes ≤ 2× empty`,
      ratio(results.singleWriteSmallSandboxesMs as number, results.singleWriteEmptyMs as number),
      (results.singleWriteSmallSandboxesMs as number) <= 2 * (results.singleWriteEmptyMs as number),
    ),
    row('get-by-id ≥ 0.7× bare Express', ratio(s['get-by-id upvest'].sandbox.rps, s['get-by-id upvest'].express.rps), s['get-by-id upvest'].sandbox.rps >= 0.7 * s['get-by-id upvest'].express.rps),
    row(`get-by-id @${scale} flat (÷ @0 ≥ 0.9)`, ratio(s[`get-by-id upvest @${scale}`].sandbox.rps, s['get-by-id upvest'].sandbox.rps), s[`get-by-id upvest @${scale}`].sandbox.rps >= 0.9 * s['get-by-id upvest'].sandbox.rps),
    row('get-by-id ≥ 2× Prism mock', ratio(s['get-by-id upvest'].sandbox.rps, s['get-by-id upvest'].prism.rps), s['get-by-id upvest'].sandbox.rps >= 2 * s['get-by-id upvest'].prism.rps),
    row('list (100) ≥ 0.5× bare Express', ratio(s[`list upvest (${LIST_ITEMS} items)`].sandbox.rps, s[`list upvest (${LIST_ITEMS} items)`].express.rps), s[`list upvest (${LIST_ITEMS} items)`].sandbox.rps >= 0.5 * s[`list upvest (${LIST_ITEMS} items)`].express.rps),
    // A measurement rather than a target: "met" only says that compaction did run during it.
    row(
      `get-by-id max latency while compacting @${scale} (ms; p99 ${results.readP99MsDuringCompaction}; ${results.compactionsDuringReads} segments folded)`,
      results.readMaxMsDuringCompaction as number,
      (results.compactionsDuringReads as number) > 0,
    ),
  ];
  const targets = Object.fromEntries(table.map(r => [r.target, r.value]));
  results.scenarios = scenarios;
  results.targets = targets;
  console.log('\n| target | result | met |\n|---|---|---|');
  for (const r of table) console.log(`| ${r.target} | ${r.value} | ${r.met} |`);
  console.log('\nfleet (3 servers on Redis vs 1 embedded):');
  const fleetKeys = ['fleet: get-by-id upvest', 'fleet: create upvest'];
  for (const key of fleetKeys) {
    const row = s[key];
    for (const server of ['3 on Redis', '3 + nginx']) {
      if (row?.[server]) console.log(`  ${`${key.slice(7)}: ${server} ÷ 1 embedded`.padEnd(40)} ${ratio(row[server].rps, row['1 embedded'].rps)}`);
    }
  }
  for (const [name, value] of Object.entries(results.fleet as Record<string, number>)) console.log(`  ${name.padEnd(40)} ${value}`);
  console.log('\ntargets:');
  for (const [name, value] of Object.entries(targets)) console.log(`  ${name.padEnd(40)} ${value}`);

  const out = args.out ?? join('bench', 'results', `${results.commit}.json`);
  await mkdir(join(out, '..'), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

await main();
