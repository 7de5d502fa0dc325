// The embedded store's compaction runs in a worker thread when the store uses Node's file system
// (src/compact-worker.ts, core/store/log.ts). A worker thread runs JavaScript, not the TypeScript
// sources jest runs: these tests use the built worker (dist/compact-worker.js, `npm run build`),
// and the built command, where the worker is the default.
import { readdirSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, type Dataset, type StoreOptions } from '../src/core/store.js';
import type { LogBackend, LogOptions } from '../src/core/store/log.js';
import { packageRoot } from '../src/paths.js';
import { startServer, stop } from './process.js';

const builtWorker = join(packageRoot, 'dist', 'compact-worker.js');
const fixtures: Dataset = { demo: { things: { a: { id: 'a', n: 1 }, b: { id: 'b', n: 2 } } } };
const open = (file: string, options: Partial<StoreOptions> = {}) => Store.open({ file, defaultSeed: 1, loadFixtures: () => structuredClone(fixtures), ...options });
const logOf = (store: Store) => store.storage as LogBackend;
const contents = (store: Store) => Object.fromEntries(store.sandboxNames().map(name => [name, JSON.parse(JSON.stringify(store.changesOf(name) ?? {}))]));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-compact-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A snapshot and log segments of every kind of op (puts, removes, replaces, drops, names with escapes), nothing compacted yet. */
async function someData(file: string): Promise<void> {
  let state = 4242;
  const random = (n: number) => (state = (state * 48271) % 2147483647) % n;
  for (let life = 0; life < 3; life++) {
    const store = await open(file, { log: { compactBytes: 1e12 } });
    for (let round = 0; round < 20; round++) {
      const sandbox = [`s${random(6)}`, 'we"ird\\name', '__proto__'][random(3)];
      const things = store.sandbox(sandbox).collection('demo', 'things');
      const writes: Promise<void>[] = [];
      for (let i = random(40); i > 0; i--) {
        const key = random(6) === 0 ? ['a', 'b', '__proto__'][random(3)] : `k${random(100)}`;
        if (random(4) === 0) things.remove(key);
        else writes.push(things.put(key, { id: key, round, life, text: 'é€\u2028"\\' }));
      }
      if (random(7) === 0) writes.push(store.replaceChanges(sandbox, undefined));
      if (random(7) === 0) writes.push(store.replaceChanges(sandbox, { demo: { things: { a: null, z: { id: 'z', round } } } }));
      await Promise.all(writes);
    }
    // Folded into the snapshot once, so the next lives have a snapshot to merge with.
    if (life === 0) await logOf(store).compactNow();
    await store.close();
  }
}

test('the worker thread writes the same snapshot, byte for byte, as compaction on the main thread', async () => {
  const source = join(dir, 'source');
  await someData(join(source, 'data.json'));
  expect((await readdir(source)).filter(name => name.startsWith('data.json.log.')).length).toBeGreaterThan(1);
  const snapshots: Buffer[] = [];
  const held: Record<string, unknown>[] = [];
  for (const [name, log] of [
    ['main thread', {}], // from the sources: no worker
    ['worker thread', { compactWorker: builtWorker }],
  ] as const) {
    const copy = join(dir, name);
    await cp(source, copy, { recursive: true });
    const store = await open(join(copy, 'data.json'), { log });
    held.push(contents(store));
    await logOf(store).compactNow();
    expect([name, logOf(store).stats.compactions, logOf(store).stats.lastError]).toEqual([name, 1, undefined]);
    await store.close();
    expect((await readdir(copy)).sort()).toEqual(['data.json']);
    snapshots.push(await readFile(join(copy, 'data.json')));
    const reopened = await open(join(copy, 'data.json'));
    expect(contents(reopened)).toEqual(held[0]);
    await reopened.close();
  }
  expect(held[1]).toEqual(held[0]);
  expect(snapshots[1].equals(snapshots[0])).toBe(true);
  expect(snapshots[0].length).toBeGreaterThan(1000);
});

test('a worker that fails or dies is a failed compaction: the files stay as they were, nothing is lost, the next compaction folds it all', async () => {
  const file = join(dir, 'data.json');
  await someData(file);
  const workers = {
    throws: ["throw new Error('the disk is on fire\\nsecond line');", 'the disk is on fire'],
    answers: ["import { parentPort } from 'node:worker_threads'; parentPort.postMessage({ error: 'ENOSPC: no space left on device, write' });", 'ENOSPC: no space left on device, write'],
    // Dies half-way through writing the new snapshot (as a crash would leave it).
    dies: [
      "import { workerData } from 'node:worker_threads'; import { writeFileSync } from 'node:fs'; import { dirname, join } from 'node:path';\n" +
        "writeFileSync(join(dirname(workerData.file), '.data.json.tmp'), '{\"format\":2,\"seed\":1,\"log\":9}\\n[\"s\",\"half');\nprocess.exit(7);",
      "the compaction's worker thread stopped (exit code 7)",
    ],
    missing: ['', 'Cannot find module'],
  };
  const options: LogOptions = { compactBytes: 1e12 };
  const store = await open(file, { log: options });
  const things = store.sandbox('during').collection('demo', 'things');
  const before = await readFile(file);
  const segments = async () => (await readdir(dir)).filter(name => name.startsWith('data.json.log.')).sort();
  let failures = 0;
  for (const [name, [code, error]] of Object.entries(workers)) {
    const module = join(dir, `${name}.mjs`);
    if (code) await writeFile(module, code);
    options.compactWorker = module;
    const writes = Array.from({ length: 20 }, (_, i) => things.put(`${name}${i}`, { id: `${name}${i}`, n: i }));
    await Promise.all([logOf(store).compactNow(), ...writes]);
    expect([name, logOf(store).stats.lastError]).toEqual([name, expect.stringContaining(error)]);
    expect(logOf(store).stats.lastError).not.toContain('\n');
    expect(logOf(store).stats.compactions).toBe(0);
    expect(await readFile(file)).toEqual(before);
    failures++;
  }
  // Every segment rotated out by the failed compactions is still there, waiting.
  expect((await segments()).length).toBeGreaterThan(failures);
  const expected = contents(store);
  // The next compaction, by the real worker, folds them all.
  options.compactWorker = builtWorker;
  await logOf(store).compactNow();
  expect([logOf(store).stats.compactions, logOf(store).stats.lastError]).toEqual([1, undefined]);
  await store.close();
  expect(await segments()).toEqual([]);
  const reopened = await open(file);
  expect(contents(reopened)).toEqual(expected);
  await reopened.close();
});

test('close() waits for the compaction running in the worker; nothing is left running after it', async () => {
  const file = join(dir, 'data.json');
  await someData(file);
  const store = await open(file, { log: { compactWorker: builtWorker } });
  const expected = contents(store);
  /** The process's threads (Linux): a worker thread is one more while it runs. */
  const threads = () => (process.platform === 'linux' ? readdirSync('/proc/self/task').length : 0);
  const before = threads();
  const compaction = logOf(store).compactNow();
  await new Promise(resolve => setImmediate(resolve));
  expect(logOf(store).compacting).toBe(true);
  if (process.platform === 'linux') expect(threads()).toBeGreaterThan(before);
  await store.close();
  expect(logOf(store).compacting).toBe(false);
  await compaction;
  expect([logOf(store).stats.compactions, logOf(store).stats.lastError]).toEqual([1, undefined]);
  expect((await readdir(dir)).sort()).toEqual(['data.json']);
  expect(threads()).toBe(before);
  const reopened = await open(file);
  expect(contents(reopened)).toEqual(expected);
  await reopened.close();
});

test('the built command compacts in its worker thread (dist/compact-worker.js) while it serves creates; every create is there after a restart', async () => {
  const file = join(dir, 'data.json');
  const cli = [join(packageRoot, 'dist', 'cli.js')];
  const headers = { 'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f', authorization: 'Bearer test' };
  const user = '83d83ec2-d2ca-49ff-bbea-b92b5c3be202';
  // Node's own debug output names each worker thread's script: the proof it ran in one.
  const env = { SANDBOX_COMPACT_BYTES: String(16 << 10), NODE_DEBUG: 'worker' };
  const first = await startServer(['--port', '0', '--data', file], env, cli);
  let stderr = '';
  first.proc.stderr!.on('data', d => (stderr += d));
  const ids: string[] = [];
  try {
    for (let i = 0; i < 120; i++) {
      // A valid German IBAN for account number i.
      const bban = `37040044${String(i).padStart(10, '0')}`;
      const check = String(98 - Number(BigInt(`${bban}131400`) % 97n)).padStart(2, '0');
      const res = await fetch(`${first.url}/upvest/payments/reference_accounts`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ user_id: user, account_owner: 'Max Mustermann', iban: `DE${check}${bban}`, bic: 'COBADEFFXXX', confirmed_at: '2026-11-20T09:00:00Z' }),
      });
      expect(res.status).toBe(200);
      ids.push(((await res.json()) as { id: string }).id);
    }
  } finally {
    await stop(first); // SIGTERM: waits for a compaction running
  }
  const started = [...stderr.matchAll(/starts worker script (\S+)/g)].map(m => m[1]);
  expect(started.length).toBeGreaterThan(1);
  expect(new Set(started)).toEqual(new Set([join(packageRoot, 'dist', 'compact-worker.js')]));
  const header = JSON.parse((await readFile(file, 'utf8')).split('\n', 1)[0]) as { log: number };
  expect(header.log).toBeGreaterThan(1);
  const second = await startServer(['--port', '0', '--data', file], {}, cli);
  try {
    for (const id of ids) expect([id, (await fetch(`${second.url}/upvest/payments/reference_accounts/${id}`, { headers })).status]).toEqual([id, 200]);
  } finally {
    await stop(second);
  }
}, 90_000); // two server starts: slow on a busy machine
