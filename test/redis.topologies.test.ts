// The Redis backend on each topology it supports: one Redis (redis://), a master found through
// Sentinel (redis+sentinel://, a master, a replica and a sentinel) and a Redis Cluster
// (redis+cluster://, three masters). Real redis-server processes on loopback ports (Debian's,
// installed when missing), killed in afterAll whatever happened. On each: servers see each other's
// writes, racing writes lose no update, the --max-sandboxes limit holds under racing creates and
// drops, an idle sandbox expires, and over HTTP (three app instances round-robin) idempotency keys,
// the journal and reset act fleet-wide. With Sentinel, a failover keeps every write acknowledged
// and replicated before it, and the servers follow the new master by themselves.
import request from 'supertest';
import { setTimeout as sleep } from 'node:timers/promises';
import { redisBackend, TURN_MS, type RedisBackend } from '../src/core/redis/backend.js';
import { SandboxLimitError, Store } from '../src/core/store.js';
import { closeFleetApps, enableFleetMode, testApp, UPVEST } from './helpers.js';
import { caughtUp, increment, redisCli, RedisCluster, RedisSentinelSet, RedisServer, waitUntil } from './redis.js';

interface Target {
  url: string;
  destroy(): Promise<void>;
}

const topologies: Array<[string, () => Promise<Target>]> = [
  ['one Redis', () => RedisServer.start({ appendfsync: 'off' })],
  ['Sentinel', () => RedisSentinelSet.start()],
  ['Cluster', () => RedisCluster.start()],
];

const opened: Store[] = [];
/** Each store's backend (to hold a turn by hand). */
const backends = new Map<Store, RedisBackend>();
let prefixes = 0;

afterEach(async () => {
  await closeFleetApps();
  await Promise.all(opened.splice(0).map(store => store.close().catch(() => undefined)));
  backends.clear();
});

/** `count` stores (servers) on `url` sharing a fresh key prefix. */
async function servers(url: string, count: number, options: { maxSandboxes?: number; sandboxTtlMs?: number } = {}): Promise<Store[]> {
  const keyPrefix = `topo:${process.pid}:${++prefixes}:`;
  const stores = await Promise.all(
    Array.from({ length: count }, () => {
      let backend: RedisBackend | undefined;
      const factory = redisBackend({ url, keyPrefix, sandboxTtlMs: options.sandboxTtlMs ?? 0, defaultSandbox: 'default', maxSandboxes: options.maxSandboxes ?? 0 });
      return Store.open({
        backend: async context => {
          const opened = await factory(context);
          backend = opened.backend;
          return opened;
        },
        defaultSeed: 1,
        loadFixtures: () => ({}),
      }).then(store => {
        backends.set(store, backend!);
        return store;
      });
    }),
  );
  opened.push(...stores);
  return stores;
}

/** What `store` reads of a sandbox's counter, made current first. */
async function read(store: Store, sandbox: string): Promise<number | undefined> {
  return store.transact(sandbox, () => store.sandbox(sandbox).collection<{ n: number }>('t', 'counter').get('c')?.n, false);
}

/** `attempt()`, again every 200 ms while it fails, for at most 20 s. */
async function retrying<T>(attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}

describe.each(topologies)('%s', (_name, start) => {
  let target: Target | undefined;
  beforeAll(async () => {
    target = await start();
  }, 120_000);
  afterAll(async () => {
    await target?.destroy();
  }, 30_000);

  test('three servers: each sees the others’ writes; 150 racing increments over them lose no update', async () => {
    const [a, b, c] = await servers(target!.url, 3);
    expect(await increment(a, 'shared')).toBe(1);
    expect(await read(b, 'shared')).toBe(1);
    expect(await increment(c, 'shared')).toBe(2);
    expect(await read(a, 'shared')).toBe(2);
    const stores = [a, b, c];
    const results = await Promise.all(Array.from({ length: 150 }, (_, i) => increment(stores[i % 3], 'hot')));
    expect([...results].sort((x, y) => x - y)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    const [fresh] = await servers(target!.url, 1);
    expect(await read(fresh, 'hot')).toBeUndefined(); // another prefix: another deployment
    expect(await read(c, 'hot')).toBe(150);
  }, 60_000);

  test('a turn handed on is announced through Pub/Sub: the waiting server writes at once, not when the lease lapses', async () => {
    const [a, b] = await servers(target!.url, 2);
    await increment(a, 'handoff');
    await backends.get(a)!.acquire('handoff', new Map());
    const waiting = increment(b, 'handoff');
    await sleep(100);
    const ended = Date.now();
    backends.get(a)!.endTurn('handoff');
    expect(await waiting).toBe(2);
    expect(Date.now() - ended).toBeLessThan(TURN_MS / 2);
  }, 60_000);

  test('--max-sandboxes over the fleet: racing creates stop at the limit; a deleted sandbox frees its place, also racing a create', async () => {
    // The fourth server only lists (its memory holds no sandbox: its list is the fleet's index).
    const stores = await servers(target!.url, 4, { maxSandboxes: 3 });
    const listed = async () => (await stores[3].allSandboxNames()).filter(n => n !== 'default').sort();
    const names = Array.from({ length: 9 }, (_, i) => `cap-${i}`);
    const outcomes = await Promise.allSettled(names.map((name, i) => increment(stores[i % 3], name)));
    const created = names.filter((_, i) => outcomes[i].status === 'fulfilled');
    expect(created).toHaveLength(3);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(SandboxLimitError);
    // The default sandbox is not counted; a sandbox that exists can still be written.
    await increment(stores[1], 'default');
    expect(await increment(stores[2], created[0])).toBe(2);
    expect(await listed()).toEqual([...created].sort());

    // Deleted through one server: another server may create a new one, only one.
    await stores[0].transact(created[1], () => undefined, false);
    await stores[0].deleteSandbox(created[1]);
    const next = await Promise.allSettled(['new-a', 'new-b', 'new-c'].map((name, i) => increment(stores[i], name)));
    expect(next.filter(o => o.status === 'fulfilled')).toHaveLength(1);
    // A drop racing creates of the same name from the other servers: whatever wins, the count holds.
    const survivor = created[2];
    await stores[1].transact(survivor, () => undefined, false);
    await Promise.allSettled([stores[1].deleteSandbox(survivor), increment(stores[0], survivor), increment(stores[2], survivor)]);
    const index = await listed();
    expect(index.length).toBeLessThanOrEqual(3);
    // Every sandbox holding data is in the list (the index never misses one).
    for (const name of [...names, 'new-a', 'new-b', 'new-c']) {
      if ((await read(stores[2], name)) !== undefined) expect(index).toContain(name);
    }
  }, 60_000);

  test('a sandbox idle past its TTL expires on every server (a Redis expiry); the default sandbox never does', async () => {
    const [a, b] = await servers(target!.url, 2, { sandboxTtlMs: 1500 });
    await increment(a, 'brief');
    await increment(a, 'default');
    expect(await read(b, 'brief')).toBe(1);
    await sleep(2500);
    const [c] = await servers(target!.url, 1);
    expect(await read(b, 'brief')).toBeUndefined();
    expect(await read(c, 'brief')).toBeUndefined();
    expect(await read(b, 'default')).toBe(1);
    expect(await b.allSandboxNames(true)).toEqual(['default']);
  }, 60_000);

  test('over HTTP, three app instances round-robin: one account per idempotency key under 30 racing clients, the journal seen by every instance, reset', async () => {
    enableFleetMode(target!.url);
    const { app } = await testApp();
    const sandbox = 'topo-http';
    const headers = { ...UPVEST.headers, 'x-sandbox-id': sandbox, 'idempotency-key': '7b1e0c52-4f0e-4c9b-8d8a-5a2b7e3c9f10' };
    const body = { user_id: UPVEST.user, account_owner: 'Max Mustermann', name: 'Ref', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', confirmed_at: '2020-08-23T14:15:22Z' };
    const answers = await Promise.all(Array.from({ length: 30 }, () => request(app).post('/upvest/payments/reference_accounts').set(headers).send(body)));
    expect(answers.map(r => r.status)).toEqual(Array(30).fill(200));
    expect(new Set(answers.map(r => r.body.id)).size).toBe(1);
    const id = answers[0].body.id as string;
    // Each of these goes to the next instance.
    for (let i = 0; i < 3; i++) expect((await request(app).get(`/upvest/payments/reference_accounts/${id}`).set(UPVEST.headers).set('x-sandbox-id', sandbox)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const journal = await request(app).get(`/__sandbox/sandboxes/${sandbox}/journal?operationId=getReferenceAccount`);
      expect(journal.body.data).toHaveLength(3);
    }
    expect((await request(app).post(`/__sandbox/sandboxes/${sandbox}/reset`)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await request(app).get(`/upvest/payments/reference_accounts/${id}`).set(UPVEST.headers).set('x-sandbox-id', sandbox)).status).toBe(404);
  }, 90_000);
});

describe('Sentinel failover', () => {
  let set: RedisSentinelSet | undefined;
  beforeAll(async () => {
    set = await RedisSentinelSet.start();
  }, 120_000);
  afterAll(async () => {
    await set?.destroy();
  }, 30_000);

  test('SENTINEL FAILOVER promotes the replica: the servers follow it by themselves, and every acknowledged write is still there', async () => {
    const [a, b] = await servers(set!.url, 2);
    for (let i = 0; i < 20; i++) await increment(i % 2 ? a : b, 'failover');
    // Replication is asynchronous: a write is on the replica once it caught up.
    await waitUntil(() => caughtUp(set!.master.port), 'the replica to catch up', 20_000);
    const before = set!.masterPort();
    expect(before).toBe(set!.master.port);
    await waitUntil(() => /^OK$/.test(redisCli(set!.sentinel.port, 'sentinel', 'failover', 'mymaster')), 'SENTINEL FAILOVER to be accepted', 20_000);
    await waitUntil(() => set!.masterPort() === set!.replica.port, 'the replica to be named master', 20_000);
    // Until the sentinel has turned the old master into a replica, it still takes writes that its
    // resync then discards (Redis replication is asynchronous: the README says so); wait for that.
    await waitUntil(() => /^role:slave$[\s\S]*^master_link_status:up$/m.test(redisCli(set!.master.port, 'info', 'replication').replace(/\r/g, '')), 'the old master to follow the new one', 20_000);
    // The servers reconnect to the new master by themselves (meanwhile a write fails: a 503 to its client).
    expect(await retrying(() => increment(b, 'failover'))).toBe(21);
    expect(redisCli(set!.replica.port, 'role').split('\n')[0]).toBe('master');
    expect(await retrying(() => read(a, 'failover'))).toBe(21);
    expect(await retrying(() => increment(a, 'failover'))).toBe(22);
  }, 120_000);
});
