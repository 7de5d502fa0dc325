// What one hostile request may cost in memory (issue 13): validation problems are reported and kept
// in bounded numbers, and a large body is checked up to its first problem rather than producing
// one problem per item. The memory test proper is `npm run test:memory` (scripts/memory.ts).
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import request from 'supertest';
import { EXAMPLE } from '../src/apis/payex/fixtures.js';
import { readBody } from '../src/core/body.js';
import { ALL_PROBLEMS_UP_TO_BYTES, clearVerdictCache, verdictCacheStats } from '../src/core/prism.js';
import { MAX_PROBLEMS, MORE_PROBLEMS_RULE } from '../src/core/problem.js';
import { testApp } from './helpers.js';

const CARDS = `/payex/ledger/account/v1/${EXAMPLE.ledgerNo}/accounts/${EXAMPLE.accountNo}/cards`;
const auth = { authorization: 'Bearer test', 'x-sandbox-id': 'mem' };
/** An object of `n` unknown keys: PayEx's card schema allows none, so each is one problem. */
const unknownKeys = (n: number) => `{${Array.from({ length: n }, (_, k) => `"k${k}":0`).join(',')}}`;

test('a body with a thousand problems gets the first 20 and a count, in the response, the journal and the log record', async () => {
  const { app, controls, events } = await testApp();
  const body = unknownKeys(1300);
  expect(body.length).toBeLessThanOrEqual(ALL_PROBLEMS_UP_TO_BYTES);
  const records: Array<{ requestProblems: unknown[] }> = [];
  events.on('request', record => records.push(record));
  const res = await request(app).post(CARDS).set(auth).set('content-type', 'application/json').send(body).expect(400);
  // PayEx's envelope: one { field: message } per problem
  const problems = res.body.Problems as Array<Record<string, string>>;
  expect(problems).toHaveLength(MAX_PROBLEMS + 1);
  // 1,300 unknown keys and the required properties missing, 20 of them listed
  const more = /^and ([\d,]+) more problems \(only the first 20 are listed\)$/.exec(problems.at(-1)!.body)?.[1];
  expect(Number(more?.replace(/,/g, ''))).toBeGreaterThan(1300 - MAX_PROBLEMS);
  expect(JSON.stringify(res.body).length).toBeLessThan(8 * 1024);

  expect(records[0].requestProblems).toHaveLength(MAX_PROBLEMS + 1);
  const [entry] = controls.journal.list('mem');
  expect(entry.requestProblems).toHaveLength(MAX_PROBLEMS + 1);
  expect(entry.requestProblems.at(-1)).toMatchObject({ field: 'body', rule: MORE_PROBLEMS_RULE });
  expect(JSON.stringify(entry).length).toBeLessThan(16 * 1024);
});

test('a body over 16 KiB is checked up to its first problem: 50,000 unknown keys cost one problem, not 50,000', async () => {
  const { app, controls } = await testApp();
  // 19 bytes per key, so the body is not refused as too dense before it is parsed
  const body = `{${Array.from({ length: 50_000 }, (_, k) => `"unknown_${String(k).padStart(6, '0')}":0`).join(',')}}`;
  expect(body.length).toBeGreaterThan(900_000);
  const started = performance.now();
  const res = await request(app).post(CARDS).set(auth).set('content-type', 'application/json').send(body).expect(400);
  // Checking every key took over a second and ~50 MB; one problem takes a parse and a lookup.
  expect(performance.now() - started).toBeLessThan(5000);
  expect(res.body.Problems).toEqual([
    { token: 'body token is required' },
    { body: `may have more problems: a body over ${ALL_PROBLEMS_UP_TO_BYTES / 1024} KiB is checked up to its first problem` },
  ]);
  const [entry] = controls.journal.list('mem');
  expect(entry.requestProblems).toHaveLength(2);
  expect(entry.requestBodyTruncated).toBe(true);
  expect(JSON.stringify(entry).length).toBeLessThan(16 * 1024);
});

test('a valid body over 16 KiB still passes, and its problems are still found (admin API)', async () => {
  const { app } = await testApp();
  const long = 'x'.repeat(20 * 1024);
  // A valid snapshot of 20 KiB (its `sandbox` is informative) is imported.
  await request(app).put('/__sandbox/sandboxes/mem/snapshot').send({ format: 'banking-api-sandbox/snapshot@1', sandbox: long, apis: {} }).expect(200);
  // A snapshot import of 20 KiB that is not an object: its one problem, named.
  const res = await request(app).put('/__sandbox/sandboxes/mem/snapshot').set('content-type', 'application/json').send(`["${long}"]`).expect(400);
  expect(JSON.stringify(res.body)).toContain('must be object');
  expect(JSON.stringify(res.body)).toContain('checked up to its first problem');
});

test("Prism's verdict cache names long bodies by their digest: remembering a verdict costs ~100s of bytes, not the body; a write's bodies are not remembered", async () => {
  const { app } = await testApp();
  clearVerdictCache();
  // Writes: their bodies are judged every time (a create's response is new every time), so 20 long
  // request bodies leave only their few verdicts on routes, security and parameters.
  for (let i = 0; i < 20; i++) {
    const body = JSON.stringify({ token: `t${i}`, note: 'x'.repeat(8 * 1024) });
    await request(app).post(CARDS).set(auth).set('content-type', 'application/json').send(body).expect(400);
  }
  const afterWrites = verdictCacheStats().entries;
  expect(afterWrites).toBeLessThan(10);
  // Reads: 20 distinct long list bodies (up to ~8 KB) are remembered, each named by its digest.
  const upvest = { authorization: 'Bearer test', 'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f', 'x-sandbox-id': 'mem' };
  const user = '83d83ec2-d2ca-49ff-bbea-b92b5c3be202';
  for (let i = 0; i < 30; i++) {
    const account = { user_id: user, account_owner: 'Max Mustermann', iban: 'DE02100500000054540402', bic: 'BELADEBE', confirmed_at: '2020-08-23T14:15:22Z' };
    await request(app).post('/upvest/payments/reference_accounts').set(upvest).set('idempotency-key', `6f1c0a64-5a6b-4c2e-9d7a-${String(i).padStart(12, '0')}`).send(account).expect(200);
  }
  const beforeReads = verdictCacheStats().entries;
  for (let limit = 12; limit < 32; limit++) {
    const res = await request(app).get(`/upvest/users/${user}/payments/reference_accounts?limit=${limit}`).set(upvest).expect(200);
    expect(res.text.length).toBeGreaterThan(2048);
  }
  const { entries, size } = verdictCacheStats();
  expect(entries - beforeReads).toBeGreaterThanOrEqual(20);
  expect(size / entries).toBeLessThan(2048);
});

test('in a body over 16 KiB, an object or array of over 1,000 values with less than 16 bytes per value is refused before it is parsed', async () => {
  const { app } = await testApp();
  const refused = /over 1,000 values with less than 16 bytes per value/;
  // 90,000 distinct keys in 1 MiB: ~5 MB of heap once parsed; 700,000 in an 8 MiB snapshot: ~100 MB
  const keys = await request(app).post(CARDS).set(auth).type('json').send(unknownKeys(90_000)).expect(400);
  expect(JSON.stringify(keys.body)).toMatch(refused);
  const numbers = await request(app).put('/__sandbox/sandboxes/mem/snapshot').type('json').send(`[${'1,'.repeat(500_000)}1]`).expect(400);
  expect(JSON.stringify(numbers.body)).toMatch(refused);
  const nested = await request(app).put('/__sandbox/sandboxes/mem/snapshot').type('json').send(`{"apis":{"upvest":${unknownKeys(5_000)}}}`).expect(400);
  expect(JSON.stringify(nested.body)).toMatch(refused);
  // 1,000 short values are fine, and so are many values of 16 bytes or more; brackets and commas in strings count for nothing
  const fine = [
    `{"pad":"${'x'.repeat(20_000)}","k":${unknownKeys(1_000)}}`,
    `{"ids":[${Array.from({ length: 5_000 }, (_, k) => `"id-${String(k).padStart(10, '0')}"`).join(',')}]}`,
    `{"pad":"${'[1,'.repeat(20_000)}"}`,
  ];
  for (const body of fine) {
    expect(body.length).toBeGreaterThan(16 * 1024);
    const res = await request(app).post(CARDS).set(auth).type('json').send(body).expect(400);
    expect(JSON.stringify(res.body)).not.toMatch(/bytes per value|per 16 bytes|nested/);
    expect(JSON.stringify(res.body)).toContain('token is required'); // parsed and checked against the schema
  }
});

test('a body is decoded chunk by chunk: its bytes are let go as they arrive, never joined into one more copy', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const chunks: Array<WeakRef<Buffer>> = [];
  let alive = -1;
  const count = 128;
  // Chunks arrive one per turn of the event loop, as from a socket (a WeakRef keeps its target for the turn it was made in).
  async function* source() {
    for (let i = 0; i < count; i++) {
      await new Promise(resolve => setImmediate(resolve));
      if (i === count - 1) {
        gc();
        alive = chunks.filter(chunk => chunk.deref() !== undefined).length;
      }
      const chunk = Buffer.alloc(64 * 1024, 0x20); // `[`, spaces, `]`
      if (i === 0) chunk[0] = 0x5b;
      if (i === count - 1) chunk[chunk.length - 1] = 0x5d;
      chunks.push(new WeakRef(chunk));
      yield chunk;
    }
  }
  const req = Object.assign(Readable.from(source(), { objectMode: false, highWaterMark: 64 * 1024 }), {
    headers: { 'content-type': 'application/json', 'content-length': String(count * 64 * 1024) },
  });
  const body = await readBody(req as never, 16 * 1024 * 1024);
  expect(body.value).toEqual([]);
  expect(body.text).toHaveLength(count * 64 * 1024);
  // Holding every chunk until the end (and then a buffer as large as the body) would keep all 127.
  expect(alive).toBeGreaterThanOrEqual(0);
  expect(alive).toBeLessThan(8);
});
