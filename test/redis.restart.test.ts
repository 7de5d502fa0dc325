// A fleet's Redis restarted WITHOUT persistence (its stream, sequence counter and data are gone):
// the servers keep seeing each other's new requests in the journal — also when the new stream's
// ids are below the last id they read — numbered after what they showed before, so a client
// following the journal with `since` does not stop seeing entries.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { UPVEST } from './helpers.js';
import { startFleet, type Fleet } from './fleet.js';

let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet({ servers: 2, nginx: false, redis: { appendfsync: 'off' } });
}, 300_000);
afterAll(async () => {
  await fleet?.stop();
}, 60_000);

const SANDBOX = 'restart';
const get = (base: string, path: string) => fetch(`${base}${path}`, { headers: { ...UPVEST.headers, 'x-sandbox-id': SANDBOX } });
const journal = async (base: string, query = '') =>
  (await (await fetch(`${base}/__sandbox/sandboxes/${SANDBOX}/journal${query}`)).json()) as { data: Array<{ seq: number; path: string }> };

test('after Redis restarts empty, new requests on A reach B’s journal after the entries it showed before', async () => {
  const [a, b] = fleet.servers.map(s => s.url);
  for (let i = 0; i < 5; i++) expect((await get(a, `/upvest/payments/reference_accounts/${UPVEST.account}`)).status).toBe(200);
  let seen: Array<{ seq: number }> = [];
  for (const deadline = Date.now() + 10_000; Date.now() < deadline && seen.length < 5; await sleep(100)) seen = (await journal(b)).data;
  expect(seen).toHaveLength(5);
  const last = Math.max(...seen.map(e => e.seq));
  // An entry whose stream id lies an hour ahead (as a Redis whose clock ran ahead would give it):
  // the restarted Redis's ids will all be below the servers' last id.
  const client = new Redis({ host: '127.0.0.1', port: fleet.redis.port, lazyConnect: true });
  await client.connect();
  const seq = await client.incr('bas:controls:seq');
  await client.xadd('bas:controls', `${Date.now() + 3_600_000}-0`, 'q', seq, 'b', 10, 'e', JSON.stringify({ t: 'cj', s: 'elsewhere' }));
  client.disconnect();
  await sleep(500);

  await fleet.redis.stop('SIGKILL');
  await fleet.redis.launch();
  let status = 0;
  for (const deadline = Date.now() + 20_000; Date.now() < deadline && status !== 200; await sleep(200)) {
    status = (await get(a, `/upvest/payments/reference_accounts/${UPVEST.account}`)).status;
  }
  expect(status).toBe(200);
  const marker = '/payments/reference_accounts/00000000-0000-4000-8000-000000000001'; // as the journal shows it
  for (let i = 0; i < 3; i++) await get(a, `/upvest${marker}`);

  // B shows them, numbered after what it showed before (a client passing `since` sees them too).
  let after: Array<{ seq: number; path: string }> = [];
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(200)) {
    after = (await journal(b, `?since=${last}`)).data.filter(e => e.path === marker);
    if (after.length === 3) break;
  }
  expect(after).toHaveLength(3);
  for (const entry of after) expect(entry.seq).toBeGreaterThan(last);
  // A server's own journal agrees.
  expect((await journal(a, `?since=${last}`)).data.filter(e => e.path === marker)).toHaveLength(3);
}, 120_000);
