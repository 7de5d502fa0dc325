// `npm run bench`: the sandbox against a bare Express server and Prism's own mock server, on
// loopback, driven by autocannon. The servers compared are up at the same time and take turns in
// short rounds (rotating order), so a disturbance of a few seconds on this shared machine spoils one
// round of a ratio rather than the whole ratio. Prints requests/s, p50 and p99 per scenario (medians
// of the rounds) and the ratios (medians of the per-round ratios), and writes them as JSON
// (bench/results/<commit>.json) to compare across commits.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { benchFleet } from './fleet.js';
import { load, median, Rounds, type Contender, type Figures, type Paired } from './rounds.js';
import { ACCOUNT, CLI, createBody, randomIban, sandboxCommand, serverStarter, stop, UPVEST_HEADERS, USER, type Server } from './servers.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    out: { type: 'string' },
    'scale-records': { type: 'string', default: '100000' },
    'big-records': { type: 'string', default: '1000000' },
    'small-sandboxes': { type: 'string', default: '15000' },
    starts: { type: 'string', default: '3' },
  },
});
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
/** Each compared scenario's DURATION is split into this many rounds, taken in turn by its servers. */
const ROUNDS = Math.max(1, Math.round(Number(args.rounds)));
const ROUND_SECONDS = DURATION / ROUNDS;
const CONNECTIONS = Number(args.connections);
const SCALE_RECORDS = Number(args['scale-records']);
const BIG_RECORDS = Number(args['big-records']);
const SMALL_SANDBOXES = Number(args['small-sandboxes']);
/** Start-up at the scale size is the median of this many starts. */
const STARTS = Math.max(1, Math.round(Number(args.starts)));
/** Scale data is spread over this many sandboxes. */
const SCALE_SANDBOXES = 1000;

const PAYEX_ACCOUNT_PATH = '/payex/ledger/account/v1/501/accounts/1234567';
const PAYEX_HEADERS = { authorization: 'Bearer bench' };
const LIST_ITEMS = 100;
/**
 * When issue 14 was written, "today 1,929 creates/s" (no fsync) and 2,192 at 0 records were
 * measured while the same bench/bare-express.ts served 9,006 and 9,301 gets/s
 * (bench/results/6a78d57.json, 6de5c1f.json; Node v20.20.2, 10 s x 50 connections).
 */
const ISSUE_CREATES_PER_EXPRESS_GET = [1929 / 9006, 2192 / 9301];

function rssMb(pid: number): number {
  const status = execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' });
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

const get = (url: string, headers: Record<string, string> = UPVEST_HEADERS): autocannon.Options => ({ url, headers });

const rounds = new Rounds({ rounds: ROUNDS, roundSeconds: ROUND_SECONDS, warmup: WARMUP });
/** A contender of an interleaved comparison: `options` against one server, at CONNECTIONS. */
const contender = (scenario: string, server: string, options: autocannon.Options): Contender => ({
  scenario,
  server,
  target: new URL(options.url).origin,
  load: seconds => load([options], CONNECTIONS, seconds),
});

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
  // lines written 512 at a time (per line, the stream's own bookkeeping was a fifth of the time)
  let pending: string[] = [];
  const flush = () => {
    const text = pending.join('');
    pending = [];
    return out.write(text) ? undefined : once(out, 'drain');
  };
  const write = (line: unknown) => {
    pending.push(`${JSON.stringify(line)}\n`);
    return pending.length >= 512 ? flush() : undefined;
  };
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
  await flush();
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
  const start = serverStarter(dir);
  const results: Record<string, unknown> = {
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
    date: new Date().toISOString(),
    node: process.version,
    duration: DURATION,
    connections: CONNECTIONS,
    rounds: ROUNDS,
    roundSeconds: ROUND_SECONDS,
    warmup: WARMUP,
    // how the sandbox was launched: dist/cli.js through its shebang, as users launch it
    launch: (await readFile(CLI, 'utf8')).split('\n', 1)[0],
    loadAverageAtStart: (await readFile('/proc/loadavg', 'utf8').catch(() => '')).split(' ').slice(0, 3).join(' '),
  };
  console.log(`sandbox launched as users do: ${CLI} (${results.launch}); load average at start ${results.loadAverageAtStart}`);
  const scenarios: Record<string, Record<string, Figures>> = {};
  const record = (scenario: string, server: string, figures: Figures) => {
    (scenarios[scenario] ??= {})[server] = figures;
    const rounds = figures.rounds ? `  [rounds: ${figures.rounds.map(r => r.rps).join(' ')} req/s]` : '';
    console.log(`${scenario.padEnd(28)} ${server.padEnd(8)} ${String(figures.rps).padStart(7)} req/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms${figures.non2xx || figures.errors ? `  (non-2xx ${figures.non2xx}, errors ${figures.errors})` : ''}${rounds}`);
  };
  const scale = k(SCALE_RECORDS);
  /** Servers up, stopped at the end whatever happens. */
  const servers: Server[] = [];
  const accountPath = `/upvest/payments/reference_accounts/${ACCOUNT}`;
  const listPath = `/upvest/users/${USER}/payments/reference_accounts`;

  try {
    // 1. The servers compared, each started alone and measured as it comes up: the sandbox (default
    // options, data file on disk, response validation on), the same with SCALE_RECORDS more records
    // in 1,000 sandboxes (the same options: only the data differs, the request log included), bare
    // Express 5 over the same records, Prism's mock server on the same specs.
    const sandbox = await start(sandboxCommand('--data', join(dir, 'sandbox.json')), accountPath);
    servers.push(sandbox);
    results.startupMs = sandbox.startupMs;
    results.rssIdleMb = rssMb(sandbox.proc.pid!);
    console.log(`sandbox: first request served ${sandbox.startupMs} ms after start, ${results.rssIdleMb} MB resident`);
    await createAccounts(sandbox.url, USER, LIST_ITEMS - 2);
    const one = await (await fetch(`${sandbox.url}${accountPath}`, { headers: UPVEST_HEADERS })).json();
    const list = (await (await fetch(`${sandbox.url}${listPath}?limit=${LIST_ITEMS}`, { headers: UPVEST_HEADERS })).json()) as { meta: Record<string, number>; data: unknown[] };
    if (list.data.length !== LIST_ITEMS) throw new Error(`expected ${LIST_ITEMS} items, got ${list.data.length}`);
    const payexAccount = await (await fetch(`${sandbox.url}${PAYEX_ACCOUNT_PATH}`, { headers: PAYEX_HEADERS })).json();

    const scaleFile = join(dir, 'scale', 'sandbox.json');
    await mkdir(join(dir, 'scale'));
    const deep = await scaleDataFile(scaleFile, SCALE_RECORDS, SCALE_SANDBOXES);
    const deepHeaders = { ...UPVEST_HEADERS, 'x-sandbox-id': deep.sandbox };
    const deepAccountPath = `/upvest/payments/reference_accounts/${deep.account}`;
    // Start-up at this size is the median of STARTS starts, the last of which stays up for the rounds:
    // one start is a single short measurement, and the machine's tail moves it by 10-20%.
    const startScaled = () => start(sandboxCommand('--data', scaleFile), deepAccountPath, {}, deepHeaders);
    const scaleStartups: number[] = [];
    for (let i = 1; i < STARTS; i++) {
      const once = await startScaled();
      scaleStartups.push(once.startupMs);
      await stop(once);
    }
    const scaled = await startScaled();
    servers.push(scaled);
    scaleStartups.push(scaled.startupMs);
    results.scaleStartupsMs = scaleStartups;
    results.scaleStartupMs = median(scaleStartups);
    console.log(`${k(SCALE_RECORDS)} records: first request served ${scaleStartups.join(' / ')} ms after start (median ${results.scaleStartupMs})`);
    results.scaleRssMb = rssMb(scaled.proc.pid!);
    results.scaleDataMb = Math.round(deep.bytes / 1e5) / 10;

    const recordsFile = join(dir, 'records.json');
    await writeFile(recordsFile, JSON.stringify({ byPath: { [accountPath]: one, [PAYEX_ACCOUNT_PATH]: payexAccount }, lists: { [listPath]: list } }));
    const bare = await start(['node', '--import', 'tsx', 'bench/bare-express.ts', recordsFile], accountPath);
    servers.push(bare);
    const prismPort = 4700 + Math.floor(Math.random() * 200);
    const prism = await start(
      ['node', 'node_modules/@stoplight/prism-cli/dist/index.js', 'mock', 'specs/upvest.yaml', '-h', '127.0.0.1', '-p', String(prismPort)],
      `/payments/reference_accounts/${ACCOUNT}`,
    );
    servers.push(prism);
    const prismPayex = await start(
      ['node', 'node_modules/@stoplight/prism-cli/dist/index.js', 'mock', 'specs/payex.yaml', '-h', '127.0.0.1', '-p', String(prismPort + 1)],
      PAYEX_ACCOUNT_PATH.replace('/payex', ''),
    );
    servers.push(prismPayex);

    // 2. Reads, interleaved: in each round every server of a scenario takes its turn.
    console.log(
      `\ninterleaved: ${ROUNDS} rounds of ${ROUND_SECONDS} s per server and scenario, the order rotating, after a warm-up of ${WARMUP} s each (${WARMUP / 2} s for a server already warmed up); figures are medians of the rounds`,
    );
    const listName = `list upvest (${LIST_ITEMS} items)`;
    await rounds.interleaved(
      [
        [
          contender('get-by-id upvest', 'sandbox', get(`${sandbox.url}${accountPath}`)),
          contender(`get-by-id upvest @${scale}`, 'sandbox', get(`${scaled.url}${deepAccountPath}`, deepHeaders)),
          contender('get-by-id upvest', 'express', get(`${bare.url}${accountPath}`)),
          contender('get-by-id upvest', 'prism', get(`${prism.url}/payments/reference_accounts/${ACCOUNT}`)),
        ],
        [
          contender('get-by-id payex', 'sandbox', get(`${sandbox.url}${PAYEX_ACCOUNT_PATH}`, PAYEX_HEADERS)),
          contender('get-by-id payex', 'express', get(`${bare.url}${PAYEX_ACCOUNT_PATH}`, PAYEX_HEADERS)),
          contender('get-by-id payex', 'prism', get(`${prismPayex.url}${PAYEX_ACCOUNT_PATH.replace('/payex', '')}`, PAYEX_HEADERS)),
        ],
        [
          contender(listName, 'sandbox', get(`${sandbox.url}${listPath}?limit=${LIST_ITEMS}`)),
          contender(`list upvest (${LIST_ITEMS}) @${scale}`, 'sandbox', get(`${scaled.url}/upvest/users/${deep.user}/payments/reference_accounts?limit=${LIST_ITEMS}`, deepHeaders)),
          contender(listName, 'express', get(`${bare.url}${listPath}?limit=${LIST_ITEMS}`)),
          contender(listName, 'prism', get(`${prism.url}/users/${USER}/payments/reference_accounts?limit=${LIST_ITEMS}`)),
        ],
      ],
      record,
    );
    await stop(prismPayex);

    // 3. Creates, interleaved (after the reads, so the lists read above stay as they were): the
    // sandbox at 0 and at SCALE_RECORDS records, bare Express's minimal create, Prism's mock.
    results.singleWriteEmptyMs = await singleWriteMs(sandbox.url, USER, 200);
    await rounds.interleaved(
      [
        [
          contender('create upvest (fsync) @0', 'sandbox', { url: sandbox.url, requests: [createRequest(USER)] }),
          contender(`create upvest (fsync) @${scale}`, 'sandbox', { url: scaled.url, requests: [createRequest(USER)] }),
          contender('create upvest (fsync) @0', 'express', { url: bare.url, requests: [createRequest(USER)] }),
          contender('create upvest (fsync) @0', 'prism', { url: prism.url, requests: [{ ...createRequest(USER), path: '/payments/reference_accounts' }] }),
        ],
      ],
      record,
    );
    results.rssAfterMb = rssMb(sandbox.proc.pid!);
    for (const server of [prism, bare, scaled, sandbox]) await stop(server);

    // 4. Compaction under load: the same data (a 39 MB snapshot at 100k), compacting every 64 KB of
    // log. Once the compaction start-up begins (the log the creates above left) is over, a control
    // round: 50 connections read, nothing writes, so nothing compacts. Then the same reads while four
    // writers create accounts; then the compactions begun meanwhile are let finish (they run in the
    // background) and counted. The two maxima and p99s side by side tell a compaction pause from
    // the machine's own tail.
    const compacting = await start(sandboxCommand('--data', scaleFile), deepAccountPath, { SANDBOX_COMPACT_BYTES: String(64 << 10) }, deepHeaders);
    servers.push(compacting);
    const headerOf = async () => JSON.parse((await readFile(scaleFile, 'utf8').then(t => t.slice(0, 200))).split('\n', 1)[0]) as { log: number };
    /** No compaction running: no temporary snapshot, no log segment waiting to be folded. */
    const settle = async () => {
      for (let waited = 0; waited < 60_000; waited += 250) {
        const names = await readdir(join(dir, 'scale'));
        const { log } = await headerOf();
        const waiting = names.filter(n => n.startsWith('sandbox.json.log.') && Number(n.slice('sandbox.json.log.'.length)) < log);
        const segments = names.filter(n => n.startsWith('sandbox.json.log.'));
        if (!names.includes('.sandbox.json.tmp') && !waiting.length && segments.length <= 1) return;
        await sleep(250);
      }
    };
    await settle();
    const readOptions = { url: `${compacting.url}${deepAccountPath}`, headers: deepHeaders };
    const control = await load([readOptions], CONNECTIONS, DURATION);
    const before = (await headerOf()).log;
    let writing = true;
    const writers = Array.from({ length: 4 }, async () => {
      while (writing) await createAccounts(compacting.url, USER, 20).catch(() => undefined);
    });
    const reads = await load([readOptions], CONNECTIONS, DURATION);
    writing = false;
    await Promise.all(writers);
    await settle();
    results.compactionsDuringReads = (await headerOf()).log - before;
    results.readMaxMsDuringCompaction = reads.max;
    results.readP99MsDuringCompaction = reads.p99;
    results.readMaxMsControl = control.max;
    results.readP99MsControl = control.p99;
    results.readRpsControl = control.rps;
    results.readRpsDuringCompaction = reads.rps;
    console.log(`compaction under load: ${results.compactionsDuringReads} log segments folded; get-by-id p99 ${reads.p99} ms, max ${reads.max} ms`);
    console.log(`  control, the same reads without writers (no compaction), just before: p99 ${control.p99} ms, max ${control.max} ms`);
    await stop(compacting);
    await rm(join(dir, 'scale'), { recursive: true, force: true });

    // 5. Start-up and memory with BIG_RECORDS records.
    if (BIG_RECORDS > 0) {
      const bigFile = join(dir, 'big', 'sandbox.json');
      await mkdir(join(dir, 'big'));
      const big = await scaleDataFile(bigFile, BIG_RECORDS, SCALE_SANDBOXES);
      const bigHeaders = { ...UPVEST_HEADERS, 'x-sandbox-id': big.sandbox };
      const server = await start(sandboxCommand('--data', bigFile), `/upvest/payments/reference_accounts/${big.account}`, {}, bigHeaders);
      servers.push(server);
      results.bigStartupMs = server.startupMs;
      results.bigRssMb = rssMb(server.proc.pid!);
      results.bigDataMb = Math.round(big.bytes / 1e5) / 10;
      console.log(`${k(BIG_RECORDS)} records (${results.bigDataMb} MB): first request served ${server.startupMs} ms after start, ${results.bigRssMb} MB resident`);
      await stop(server);
      await rm(join(dir, 'big'), { recursive: true, force: true });
    }

    // 6. SMALL_SANDBOXES sandboxes of one record each: one write, alone, against the empty store's.
    const smallFile = join(dir, 'small', 'sandbox.json');
    await mkdir(join(dir, 'small'));
    await scaleDataFile(smallFile, SMALL_SANDBOXES, SMALL_SANDBOXES);
    const small = await start(sandboxCommand('--data', smallFile), accountPath);
    servers.push(small);
    results.singleWriteSmallSandboxesMs = await singleWriteMs(small.url, USER, 200);
    console.log(`single write: ${results.singleWriteEmptyMs} ms on an empty store, ${results.singleWriteSmallSandboxesMs} ms with ${k(SMALL_SANDBOXES)} one-record sandboxes (medians of 200)`);
    await stop(small);

    // A fleet: three servers on one Redis (and nginx) against one embedded server (bench/fleet.ts).
    results.fleet = await benchFleet({
      rounds,
      connections: CONNECTIONS,
      headers: UPVEST_HEADERS,
      accountPath,
      createBody: () => createBody(USER),
      record,
      async start(extra) {
        const server = await start(sandboxCommand(...extra), accountPath);
        servers.push(server);
        return { url: server.url, stop: () => stop(server) };
      },
    });
  } finally {
    for (const server of servers) await stop(server).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }

  const s = scenarios;
  const create0 = s['create upvest (fsync) @0'];
  const get0 = s['get-by-id upvest'];
  const listName = `list upvest (${LIST_ITEMS} items)`;
  // Ratios of servers compared in the same rounds: the median of the per-round ratios (see paired()).
  const ratios: Record<string, Paired> = {};
  const pair = (name: string, a: [string, string], b: [string, string], field: 'rps' | 'p99' = 'rps') => (ratios[name] = rounds.paired(a, b, field)).median;
  const getExpress = pair('get-by-id upvest: sandbox ÷ express', ['get-by-id upvest', 'sandbox'], ['get-by-id upvest', 'express']);
  const getPrism = pair('get-by-id upvest: sandbox ÷ prism', ['get-by-id upvest', 'sandbox'], ['get-by-id upvest', 'prism']);
  const getFlat = pair(`get-by-id upvest: @${scale} ÷ @0`, [`get-by-id upvest @${scale}`, 'sandbox'], ['get-by-id upvest', 'sandbox']);
  pair('get-by-id payex: sandbox ÷ express', ['get-by-id payex', 'sandbox'], ['get-by-id payex', 'express']);
  pair('get-by-id payex: sandbox ÷ prism', ['get-by-id payex', 'sandbox'], ['get-by-id payex', 'prism']);
  const listExpress = pair(`${listName}: sandbox ÷ express`, [listName, 'sandbox'], [listName, 'express']);
  pair(`${listName}: sandbox ÷ prism`, [listName, 'sandbox'], [listName, 'prism']);
  pair(`${listName}: @${scale} ÷ @0`, [`list upvest (${LIST_ITEMS}) @${scale}`, 'sandbox'], [listName, 'sandbox']);
  const createFlat = pair(`create: @${scale} ÷ @0`, [`create upvest (fsync) @${scale}`, 'sandbox'], ['create upvest (fsync) @0', 'sandbox']);
  const createP99 = pair(`create p99: @${scale} ÷ @0`, [`create upvest (fsync) @${scale}`, 'sandbox'], ['create upvest (fsync) @0', 'sandbox'], 'p99');
  const createPrism = pair('create: sandbox ÷ prism', ['create upvest (fsync) @0', 'sandbox'], ['create upvest (fsync) @0', 'prism']);
  const createExpress = pair('create: sandbox ÷ express (express.json() into a Map)', ['create upvest (fsync) @0', 'sandbox'], ['create upvest (fsync) @0', 'express']);
  console.log(`
ratios (median of the ${ROUNDS} per-round ratios; each round's figures in brackets; the ratio of the medians after it):`);
  for (const [name, p] of Object.entries(ratios)) {
    console.log(`  ${name.padEnd(44)} ${p.median.toFixed(3)}  [${p.rounds.map(r => r.toFixed(2)).join(' ')}]  of medians ${p.ofMedians.toFixed(3)}`);
  }
  // The machine's drift within this run: the same server doing the same thing, round by round.
  const drift = (label: string, figures: Figures) => {
    const each = figures.rounds!.map(r => r.rps);
    console.log(`  ${label.padEnd(44)} ${Math.min(...each)}–${Math.max(...each)} req/s over the rounds (max ÷ min ${(Math.max(...each) / Math.min(...each)).toFixed(2)})`);
  };
  console.log('\ndrift of the machine within this run (what the per-round ratios cancel):');
  drift('bare Express, get-by-id upvest', get0.express);
  drift('bare Express, create', create0.express);
  drift('Prism mock, get-by-id upvest', get0.prism);
  // Creates per bare Express get, in this run and when issue 14 was written (context for the
  // absolute 2,000 creates/s: the machine's speed has changed since).
  const createsPerExpressGet = create0.sandbox.rps / get0.express.rps;
  const [then1, then2] = ISSUE_CREATES_PER_EXPRESS_GET.map(r => r.toFixed(3));
  console.log(
    `
creates/s ÷ bare Express gets/s: ${createsPerExpressGet.toFixed(3)} now (${create0.sandbox.rps} ÷ ${get0.express.rps}); ` +
      `${then1} and ${then2} when issue 14 was written (1,929 ÷ 9,006 without fsync, 2,192 ÷ 9,301 at 0 records); 2,000/s then = ${(2000 / 9301).toFixed(3)}–${(2000 / 9006).toFixed(3)}`,
  );

  type Met = 'yes' | 'NO' | '(context)';
  const row = (target: string, value: number | string, ok: boolean | null) => ({ target, value, met: (ok === null ? '(context)' : ok ? 'yes' : 'NO') as Met });
  /** A ratio to 2 decimals, or 3 when 2 would round it onto its threshold (0.696 is not 0.70). */
  const shown = (value: number, threshold: number) => {
    const two = ratio(value, 1);
    return two === threshold && value !== threshold ? Math.round(value * 1000) / 1000 : two;
  };
  const table = [
    row(`creates @${scale} in ${SCALE_SANDBOXES} sandboxes ≥ 0.9× @0`, shown(createFlat, 0.9), createFlat >= 0.9),
    row(`create p99 @${scale} ≤ 1.5× @0`, shown(createP99, 1.5), createP99 <= 1.5),
    row('creates/s (fsync) ≥ 2,000', create0.sandbox.rps, create0.sandbox.rps >= 2000),
    row(`context, not a target: creates/s ÷ bare Express gets/s (issue written: ${then1} / ${then2})`, Math.round(createsPerExpressGet * 1000) / 1000, null),
    row('creates ≥ 1.5× Prism mock', shown(createPrism, 1.5), createPrism >= 1.5),
    row('context, not a target: creates ÷ bare Express create', ratio(createExpress, 1), null),
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
    row('get-by-id ≥ 0.7× bare Express', shown(getExpress, 0.7), getExpress >= 0.7),
    row(`get-by-id @${scale} flat (÷ @0 ≥ 0.9)`, shown(getFlat, 0.9), getFlat >= 0.9),
    row('get-by-id ≥ 2× Prism mock', shown(getPrism, 2), getPrism >= 2),
    row('list (100) ≥ 0.5× bare Express', shown(listExpress, 0.5), listExpress >= 0.5),
    // A measurement rather than a target: "met" only says that compaction did run during it.
    row(
      `get-by-id max latency while compacting @${scale} (ms; p99 ${results.readP99MsDuringCompaction}; ${results.compactionsDuringReads} segments folded)`,
      results.readMaxMsDuringCompaction as number,
      (results.compactionsDuringReads as number) > 0,
    ),
    row(`context: get-by-id max latency, the same reads without writers or compaction, just before (ms; p99 ${results.readP99MsControl})`, results.readMaxMsControl as number, null),
  ];
  const targets = Object.fromEntries(table.map(r => [r.target, r.value]));
  results.scenarios = scenarios;
  results.targets = targets;
  results.ratios = ratios;
  console.log('\n| target | result | met |\n|---|---|---|');
  for (const r of table) console.log(`| ${r.target} | ${r.value} | ${r.met} |`);
  console.log('\nfleet (3 servers on Redis vs 1 embedded; medians of the per-round ratios):');
  const fleetKeys = ['fleet: get-by-id upvest', 'fleet: create upvest'];
  for (const key of fleetKeys) {
    const row = s[key];
    for (const server of ['3 on Redis', '3 + nginx']) {
      if (!row?.[server]) continue;
      const p = (ratios[`${key.slice(7)}: ${server} ÷ 1 embedded`] = rounds.paired([key, server], [key, '1 embedded']));
      console.log(`  ${`${key.slice(7)}: ${server} ÷ 1 embedded`.padEnd(40)} ${ratio(p.median, 1)}  [${p.rounds.map(r => r.toFixed(2)).join(' ')}]`);
    }
  }
  for (const [name, value] of Object.entries(results.fleet as Record<string, number>)) console.log(`  ${name.padEnd(40)} ${value}`);
  console.log('\ntargets:');
  for (const [name, value] of Object.entries(targets)) console.log(`  ${name.padEnd(40)} ${value}`);

  // bench/results/<commit>.json, or <commit>-run2.json, -run3 ... when that commit was run before
  let out = args.out ?? join('bench', 'results', `${results.commit}.json`);
  for (let run = 2; !args.out && (await stat(out).then(() => true, () => false)); run++) out = join('bench', 'results', `${results.commit}-run${run}.json`);
  await mkdir(join(out, '..'), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

await main();
