// `npm run bench`: the sandbox against a bare Express server and Prism's own mock server, on
// loopback, one after another, driven by autocannon. Prints requests/s, p50 and p99 per scenario
// and the ratios, and writes them as JSON (bench/results/<commit>.json) to compare across commits.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    out: { type: 'string' },
    'scale-records': { type: 'string', default: '100000' },
  },
});
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
const CONNECTIONS = Number(args.connections);
const SCALE_RECORDS = Number(args['scale-records']);

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

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Starts a process and waits until `probe` answers 2xx; the time to that is its start-up time. */
async function start(command: string[], probe: string, env: Record<string, string> = {}): Promise<Server> {
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
    const ok = await fetch(`${url}${probe}`, { headers: UPVEST_HEADERS }).then(r => r.ok, () => false);
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

/** A data file whose default sandbox holds `count` more reference accounts, 100 for each of count/100 new users. */
async function scaleDataFile(file: string, count: number) {
  const users: Record<string, unknown> = {};
  const accounts: Record<string, unknown> = {};
  const perUser = LIST_ITEMS;
  let deepest = '';
  let busiest = '';
  for (let u = 0; u < count / perUser; u++) {
    const id = randomUUID();
    users[id] = { id, first_name: 'Scale', last_name: `User ${u}`, created_at: '2025-01-01T00:00:00Z' };
    busiest = id;
    for (let a = 0; a < perUser; a++) {
      const accountId = randomUUID();
      const created = new Date(Date.UTC(2025, 0, 1) + (u * perUser + a) * 1000).toISOString();
      accounts[accountId] = {
        id: accountId,
        created_at: created,
        updated_at: created,
        user_id: id,
        account_owner: `Scale User ${u}`,
        iban: randomIban(),
        bic: 'COBADEFFXXX',
        confirmed_at: created,
      };
      deepest = accountId;
    }
  }
  await writeFile(file, JSON.stringify({ format: 1, seed: 1, sandboxes: { default: { upvest: { users, referenceAccounts: accounts } } } }));
  return { account: deepest, user: busiest };
}

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
    const users = ((await (await fetch(`${sandbox.url}/upvest/users/${USER}/payments/reference_accounts?limit=1`, { headers: UPVEST_HEADERS })).json()) as { data: Array<{ user_id: string }> }).data.map(a => a.user_id);
    record(
      'create upvest (on disk)',
      'sandbox',
      await cannon({
        url: sandbox.url,
        connections: CONNECTIONS,
        requests: [
          {
            method: 'POST',
            path: '/upvest/payments/reference_accounts',
            setupRequest: req => ({
              ...req,
              headers: { ...UPVEST_HEADERS, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
              body: createBody(users[0]),
            }),
          },
        ],
      }),
    );
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
    await stop(prism);
    const prismPayex = await start(
      ['node', 'node_modules/@stoplight/prism-cli/dist/index.js', 'mock', 'specs/payex.yaml', '-h', '127.0.0.1', '-p', String(prismPort + 1)],
      PAYEX_ACCOUNT_PATH.replace('/payex', ''),
    );
    record('get-by-id payex', 'prism', await get(`${prismPayex.url}${PAYEX_ACCOUNT_PATH.replace('/payex', '')}`, PAYEX_HEADERS));
    await stop(prismPayex);

    // 4. Scale: the same scenarios with SCALE_RECORDS more records in the collection.
    const scaleFile = join(dir, 'scale', 'sandbox.json');
    await mkdir(join(dir, 'scale'));
    const deep = await scaleDataFile(scaleFile, SCALE_RECORDS);
    const scaled = await start(['node', 'dist/cli.js', '--port', '0', '--data', scaleFile], `/upvest/payments/reference_accounts/${deep.account}`);
    results.scaleStartupMs = scaled.startupMs;
    record(`get-by-id upvest @${SCALE_RECORDS / 1000}k`, 'sandbox', await get(`${scaled.url}/upvest/payments/reference_accounts/${deep.account}`));
    record(`list upvest (${LIST_ITEMS}) @${SCALE_RECORDS / 1000}k`, 'sandbox', await get(`${scaled.url}/upvest/users/${deep.user}/payments/reference_accounts?limit=${LIST_ITEMS}`));
    results.scaleRssMb = rssMb(scaled.proc.pid!);
    await stop(scaled);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const s = scenarios;
  const listKey = `list upvest (${LIST_ITEMS} items)`;
  const targets = {
    'get-by-id ≥ 0.6× express': ratio(s['get-by-id upvest'].sandbox.rps, s['get-by-id upvest'].express.rps),
    'get-by-id ≥ 2× prism': ratio(s['get-by-id upvest'].sandbox.rps, s['get-by-id upvest'].prism.rps),
    'get-by-id payex ≥ 0.6× express': ratio(s['get-by-id payex'].sandbox.rps, s['get-by-id payex'].express.rps),
    'get-by-id payex ≥ 2× prism': ratio(s['get-by-id payex'].sandbox.rps, s['get-by-id payex'].prism.rps),
    'list ≥ 0.5× express': ratio(s[listKey].sandbox.rps, s[listKey].express.rps),
    'create ≥ 1500 req/s': s['create upvest (on disk)'].sandbox.rps,
    'get-by-id p99 ≤ 3× express p99': ratio(s['get-by-id upvest'].sandbox.p99, s['get-by-id upvest'].express.p99),
    'get-by-id payex p99 ≤ 3× express p99': ratio(s['get-by-id payex'].sandbox.p99, s['get-by-id payex'].express.p99),
    'start-up < 2000 ms': results.startupMs,
    'resident memory < 200 MB': results.rssIdleMb,
    [`get-by-id @scale within 1.5× (slowdown)`]: ratio(s['get-by-id upvest'].sandbox.rps, s[`get-by-id upvest @${SCALE_RECORDS / 1000}k`].sandbox.rps),
    [`list @scale within 2× (slowdown)`]: ratio(s[listKey].sandbox.rps, s[`list upvest (${LIST_ITEMS}) @${SCALE_RECORDS / 1000}k`].sandbox.rps),
  };
  results.scenarios = scenarios;
  results.targets = targets;
  console.log('\ntargets:');
  for (const [name, value] of Object.entries(targets)) console.log(`  ${name.padEnd(40)} ${value}`);

  const out = args.out ?? join('bench', 'results', `${results.commit}.json`);
  await mkdir(join(out, '..'), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

await main();
