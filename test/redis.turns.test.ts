// Writes to one sandbox from several servers take turns (src/core/redis/backend.ts, `acquire`):
// two stores on one real Redis (Debian's redis-server on a loopback port) write one hot sandbox
// without colliding; a server that dies holding the turn delays the others only until its lease
// lapses, and its late change set cannot overwrite what they wrote (the version check fences it).
import { redisBackend, TURN_MS, type RedisBackend } from '../src/core/redis/backend.js';
import { Store, StoreConflictError, type BackendFactory, type StoreBackend } from '../src/core/store.js';
import { increment, RedisServer } from './redis.js';

let redis: RedisServer;
const opened: Store[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
}, 120_000);
afterAll(async () => {
  for (const store of opened) await store.close().catch(() => undefined);
  await redis?.destroy();
});

/** A store on the shared Redis; `conflicts` counts the change sets Redis refused as conflicts. */
async function server(): Promise<{ store: Store; backend: RedisBackend; conflicts: () => number }> {
  let conflicts = 0;
  let backend!: RedisBackend;
  const factory = redisBackend({ url: redis.url, sandboxTtlMs: 0, defaultSandbox: 'default', maxSandboxes: 0 });
  const counting: BackendFactory = async context => {
    const opened = await factory(context);
    backend = opened.backend;
    const commit = backend.commit.bind(backend);
    (backend as StoreBackend).commit = set =>
      commit(set).catch((error: unknown) => {
        if (error instanceof StoreConflictError) conflicts++;
        throw error;
      });
    return opened;
  };
  const store = await Store.open({ backend: counting, defaultSeed: 1, loadFixtures: () => ({}) });
  opened.push(store);
  return { store, backend, conflicts: () => conflicts };
}

test('three servers writing one hot sandbox take turns: no update lost, (almost) no conflict', async () => {
  const servers = await Promise.all([server(), server(), server()]);
  const results = await Promise.all(Array.from({ length: 300 }, (_, i) => increment(servers[i % 3].store, 'hot')));
  // Every increment read the one before it: the answers are exactly 1…300.
  expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  const fresh = await server();
  await fresh.store.transact('hot', () => undefined, false);
  expect(fresh.store.sandbox('hot').collection<{ n: number }>('t', 'counter').get('c')).toEqual({ n: 300 });
  // Without turns, three servers collide on most of these (each conflict re-runs a write).
  const conflicts = servers.reduce((sum, s) => sum + s.conflicts(), 0);
  expect(conflicts).toBeLessThan(10);
}, 60_000);

test('a server that dies holding the turn: the others wait only until it lapses, and its late write is refused', async () => {
  const [dead, alive] = await Promise.all([server(), server()]);
  await increment(dead.store, 'lapse');
  // The "dead" server takes the turn and never ends it.
  const deadMemory = new Map();
  await dead.backend.acquire('lapse', deadMemory);
  const started = Date.now();
  expect(await increment(alive.store, 'lapse')).toBe(2);
  const waited = Date.now() - started;
  expect(waited).toBeGreaterThanOrEqual(TURN_MS / 2);
  expect(waited).toBeLessThan(TURN_MS * 5);
  // Its change set, computed before the other server's write, conflicts: it cannot overwrite it.
  let undone = false;
  const late = dead.backend.commit({ ops: [{ kind: 'put', sandbox: 'lapse', api: 't', collection: 'counter', key: 'c', value: { n: 2 } }], at: Date.now(), undo: () => (undone = true) });
  await expect(late).rejects.toBeInstanceOf(StoreConflictError);
  expect(undone).toBe(true);
  expect(await increment(alive.store, 'lapse')).toBe(3);
  expect(await increment(dead.store, 'lapse')).toBe(4);
}, 60_000);

test('reads take no turn: a server holding the turn does not hold up reads elsewhere', async () => {
  const [holder, reader] = await Promise.all([server(), server()]);
  await increment(holder.store, 'reads');
  await holder.backend.acquire('reads', new Map());
  const started = Date.now();
  await reader.store.transact('reads', () => reader.store.sandbox('reads').collection('t', 'counter').get('c'), false);
  expect(Date.now() - started).toBeLessThan(TURN_MS / 2);
  expect(reader.store.sandbox('reads').collection<{ n: number }>('t', 'counter').get('c')).toEqual({ n: 1 });
  holder.backend.endTurn('reads');
}, 60_000);
