// Everything a client can grow is bounded (issue 13): coverage, fault rules and their rate-limit
// windows, concurrent long polls, admin request bodies and snapshot imports.
import request from 'supertest';
import { SNAPSHOT_BODY_LIMIT, ADMIN_BODY_LIMIT } from '../src/controls/admin.js';
import { Coverage } from '../src/controls/coverage.js';
import { Faults, MAX_SANDBOXES_WITH_RULES } from '../src/controls/faults.js';
import { MAX_WAITING, RequestJournal } from '../src/controls/journal.js';
import { HttpProblem } from '../src/core/problem.js';
import type { RequestRecord } from '../src/core/pipeline.js';
import { testApp } from './helpers.js';

const record = (sandbox: string, status: number): RequestRecord => ({
  time: new Date().toISOString(), sandbox, api: 'pagonxt', operationId: 'getAccount', method: 'GET', path: '/x', query: '', status, durationMs: 1, requestProblems: [], responseViolations: [],
});

test('coverage keeps a bounded number of per-sandbox counts, whatever statuses are forced', async () => {
  const { apis } = await testApp();
  const coverage = new Coverage(apis, 1000, 500);
  // Prefer: code=N can force any status an operation documents as `default`: 400 statuses × 50 sandboxes
  for (let sandbox = 0; sandbox < 50; sandbox++) for (let status = 100; status < 500; status++) coverage.record(record(`s${sandbox}`, status));
  expect(coverage.countCells()).toBeLessThanOrEqual(500);
  expect(coverage.sandboxCount()).toBeLessThanOrEqual(2);
  // the overall counts stay exact
  const total = coverage.report().find(a => a.api === 'pagonxt')!.operationCoverage.reduce((sum, op) => sum + op.calls, 0);
  expect(total).toBe(50 * 400);
  coverage.clear('s49');
  coverage.clear('s48');
  expect(coverage.countCells()).toBe(0);
});

test('at most 1,000 sandboxes have fault rules (409 beyond); each has at most 100 rules', async () => {
  const { apis, app } = await testApp();
  const faults = new Faults(apis);
  const rules = [{ api: 'upvest', status: 503, probability: 0.5, rateLimit: { requests: 1, perSeconds: 60 } }];
  for (let i = 0; i < MAX_SANDBOXES_WITH_RULES; i++) faults.configure(`s${i}`, { seed: 1, rules });
  let refused: unknown;
  try {
    faults.configure('one-more', { seed: 1, rules });
  } catch (error) {
    refused = error;
  }
  expect(refused).toBeInstanceOf(HttpProblem);
  expect((refused as HttpProblem).status).toBe(409);
  faults.configure('s0', { seed: 2, rules }); // replacing a sandbox's rules is fine
  faults.clear('s1');
  faults.configure('one-more', { seed: 1, rules });
  const many = Array.from({ length: 101 }, () => rules[0]);
  await request(app).put('/__sandbox/sandboxes/x/faults').send({ rules: many }).expect(400);
});

test('concurrent long polls are capped per server: beyond it, a 429 with Retry-After', async () => {
  const { app, controls } = await testApp();
  const journal: RequestJournal = controls.journal;
  const waiting = Array.from({ length: MAX_WAITING }, () => journal.listWhenAny(undefined, { pathPrefix: '/nope' }, 30_000));
  await expect(journal.listWhenAny(undefined, { pathPrefix: '/nope' }, 1000)).rejects.toMatchObject({ status: 429 });
  const res = await request(app).get('/__sandbox/journal?path=/nope&wait=5').expect(429);
  expect(res.headers['retry-after']).toBe('1');
  expect(res.body.error).toBe('too_many_requests');
  // without wait, and when something matches, there is no waiting: no cap
  const now = await request(app).get('/__sandbox/journal?path=/nope');
  expect([now.status, now.body]).toEqual([200, { data: [] }]);
  journal.record({ ...record('s', 200), path: '/nope' });
  expect((await Promise.all(waiting)).every(found => found.length === 1)).toBe(true);
  await request(app).get('/__sandbox/journal?path=/nope&wait=5').expect(200);
});

test('admin request bodies are bounded: 1 MiB, 8 MiB for a snapshot', async () => {
  const { app } = await testApp();
  const padded = (bytes: number) => `{"pad":"${'x'.repeat(bytes)}"}`;
  await request(app).put('/__sandbox/sandboxes/x/faults').type('json').send(padded(ADMIN_BODY_LIMIT)).expect(413);
  await request(app).post('/__sandbox/sandboxes/x/apis/upvest/users').type('json').send(padded(ADMIN_BODY_LIMIT)).expect(413);
  await request(app).put('/__sandbox/sandboxes/x/snapshot').type('json').send(padded(SNAPSHOT_BODY_LIMIT)).expect(413);
  // a snapshot of a few MB is fine
  const { body: snapshot } = await request(app).get('/__sandbox/sandboxes/default/snapshot').expect(200);
  await request(app).put('/__sandbox/sandboxes/copy/snapshot').send(snapshot).expect(200);
});

test('a body denser in objects and arrays than any real request is refused before it is parsed', async () => {
  const { app } = await testApp();
  const dense = `[${'{},'.repeat(100_000)}{}]`; // 300 KB, ~6 MB once parsed
  const res = await request(app).post('/upvest/payments/reference_accounts').set({ 'upvest-client-id': 'x', authorization: 'Bearer test' }).type('json').send(dense).expect(400);
  expect(JSON.stringify(res.body)).toMatch(/one object or array per 16 bytes/);
  await request(app).put('/__sandbox/sandboxes/x/snapshot').type('json').send(`{"apis":${dense}}`).expect(400);
  // small bodies are never judged on it
  await request(app).put('/__sandbox/sandboxes/x/faults').type('json').send('{"rules":[{"api":"upvest","latency":{"minMs":1,"maxMs":2}}]}').expect(200);
});
