// Fault and latency injection: `Prefer: code=…` / `delay=…`, and seeded per-sandbox rules.
// The forced-503 test walks every API of src/apis/index.ts, so an API added later is covered.
import request from 'supertest';
import { apis } from '../src/apis/index.js';
import type { ApiModule, Handler } from '../src/core/api-module.js';
import { VIOLATIONS_HEADER, type RequestRecord } from '../src/core/pipeline.js';
import { problemFor } from '../src/core/problem.js';
import { parsePrefer } from '../src/controls/faults.js';
import { documentedCode } from '../src/controls/statuses.js';
import { testApp, UPVEST } from './helpers.js';

const accountPath = `/upvest/payments/reference_accounts/${UPVEST.account}`;

/** The structure of a JSON value: keys and value types, not the values themselves. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map(k => [k, shapeOf((value as Record<string, unknown>)[k])]));
  }
  return typeof value;
}

/** The error status to force on an operation: 503 where documented, else its highest documented 5xx or 4xx. */
function statusToForce(codes: string[]): number | undefined {
  const numeric = codes.filter(c => /^\d{3}$/.test(c)).map(Number);
  if (numeric.includes(503)) return 503;
  return numeric.filter(c => c >= 500).sort().at(-1) ?? numeric.filter(c => c >= 400).sort().at(-1);
}

describe.each(apis.map(api => [api.slug, api] as const))('%s', (_slug, module) => {
  test('a forced 503 answers in the API\'s own error envelope, valid against its spec, without calling the handler', async () => {
    const calls: string[] = [];
    const handlers: Record<string, Handler> = {};
    for (const [id, handler] of Object.entries(module.handlers)) handlers[id] = ctx => (calls.push(id), handler(ctx));
    const spied: ApiModule = { ...module, handlers };
    const { app, apis: loaded, events, errors } = await testApp({ apis: [spied] });
    const records: RequestRecord[] = [];
    events.on('request', r => records.push(r));
    const results = [];
    for (const op of loaded[0].operations) {
      const status = statusToForce(op.responses.map(r => r.code));
      if (status === undefined) continue;
      // Parameters are left as in the path template: the fault is injected before validation.
      const res = await request(app)[op.method as 'get'](`/${module.slug}${op.path}`).set('prefer', `code=${status}`);
      const rendered = module.renderProblem(problemFor(status, 'x'), { requestId: crypto.randomUUID(), method: op.method, path: op.path, operationId: op.iid });
      const contentType = Object.entries(rendered.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
      results.push({
        operation: op.iid,
        status: res.status,
        contentType: res.headers['content-type']?.split(';')[0],
        shape: shapeOf(res.body),
        violations: res.headers[VIOLATIONS_HEADER] ?? null,
        injected: records.at(-1)?.injected?.status,
        expected: { status, contentType: contentType?.split(';')[0], shape: shapeOf(rendered.body) },
      });
    }
    expect(results.length).toBeGreaterThan(0);
    expect(results).toEqual(
      results.map(r => ({ ...r, status: r.expected.status, contentType: r.expected.contentType, shape: r.expected.shape, violations: null, injected: r.expected.status })),
    );
    expect(results.filter(r => r.expected.status === 503).length).toBeGreaterThan(0);
    expect(calls).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('forcing a status the operation does not document is a 400 listing the documented ones', async () => {
    const { app, apis: loaded } = await testApp({ apis: [module] });
    // An operation with a `default` response documents every status: look for one without.
    const candidates = loaded[0].operations.flatMap(op => {
      const codes = op.responses.map(r => r.code);
      const status = [418, 402, 451, 507, 508].find(s => documentedCode(codes, s) === undefined);
      return status === undefined ? [] : [{ op, codes, status }];
    });
    for (const { op, codes, status } of candidates.slice(0, 3)) {
      const res = await request(app)[op.method as 'get'](`/${module.slug}${op.path}`).set('prefer', `code=${status}`);
      expect({ op: op.iid, status: res.status, violations: res.headers[VIOLATIONS_HEADER] }).toEqual({ op: op.iid, status: 400, violations: undefined });
      const text = JSON.stringify(res.body);
      expect(text).toContain(String(status));
      for (const code of codes) expect(text).toContain(code);
    }
    const withDefault = loaded[0].operations.find(op => op.responses.some(r => r.code === 'default'));
    if (withDefault) {
      const res = await request(app)[withDefault.method as 'get'](`/${module.slug}${withDefault.path}`).set('prefer', 'code=418');
      expect({ op: withDefault.iid, status: res.status }).toEqual({ op: withDefault.iid, status: 418 });
    }
    expect(candidates.length + (withDefault ? 1 : 0)).toBeGreaterThan(0);
  });
});

describe('Prefer header', () => {
  test('code=429 carries Retry-After; Preference-Applied says what was applied', async () => {
    const { app } = await testApp();
    const res = await request(app).get(accountPath).set({ ...UPVEST.headers, prefer: 'code=429' }).expect(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.headers['preference-applied']).toBe('code=429');
    expect(res.body.type).toBe('https://docs.upvest.co/errors/too_many_requests');
  });

  test('a documented success code lets the handler answer as usual', async () => {
    const { app } = await testApp();
    const res = await request(app).get(accountPath).set({ ...UPVEST.headers, prefer: 'code=200' }).expect(200);
    expect(res.body.id).toBe(UPVEST.account);
  });

  test('delay=N delays the response by N ms, and is journaled', async () => {
    const { app, events } = await testApp();
    const records: RequestRecord[] = [];
    events.on('request', r => records.push(r));
    const started = Date.now();
    const res = await request(app).get(accountPath).set({ ...UPVEST.headers, prefer: 'delay=250' }).expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(245);
    expect(res.headers['preference-applied']).toBe('delay=250');
    expect(records[0].injected).toEqual({ delayMs: 250, by: 'Prefer header' });
  });

  test.each([
    ['code=abc', /code must be an HTTP status/],
    ['delay=-5', /delay must be a number of milliseconds from 0 to 30000/],
    ['delay=30001', /delay must be a number of milliseconds from 0 to 30000/],
  ])('Prefer: %s is a 400 in the API\'s format', async (prefer, message) => {
    const { app } = await testApp();
    const res = await request(app).get(accountPath).set({ ...UPVEST.headers, prefer }).expect(400);
    expect(res.body.detail).toMatch(message);
  });

  test('parsing follows RFC 7240: several preferences, parameters, quotes, unknown ones ignored', () => {
    expect(parsePrefer('code=503, delay=100')).toEqual({ code: 503, delay: 100 });
    expect(parsePrefer(['respond-async', 'code="404"; foo=bar'])).toEqual({ code: 404 });
    expect(parsePrefer('return=minimal, example=x')).toEqual({});
    expect(parsePrefer(undefined)).toEqual({});
  });
});

describe('fault rules', () => {
  const faults = (sandbox: string) => `/__sandbox/sandboxes/${sandbox}/faults`;
  const get = (app: Awaited<ReturnType<typeof testApp>>['app'], sandbox: string) =>
    request(app).get(accountPath).set({ ...UPVEST.headers, 'x-sandbox-id': sandbox });

  test('a probability of a status is seeded: the same settings give the same sequence', async () => {
    const { app } = await testApp();
    const settings = { seed: 42, rules: [{ api: 'upvest', operationId: 'getReferenceAccount', status: 503, probability: 0.5 }] };
    expect((await request(app).put(faults('chaos')).send(settings).expect(200)).body).toEqual(settings);
    const run = async () => {
      const statuses = [];
      for (let i = 0; i < 20; i++) statuses.push((await get(app, 'chaos')).status);
      return statuses;
    };
    const first = await run();
    expect(new Set(first)).toEqual(new Set([200, 503]));
    await request(app).put(faults('chaos')).send(settings).expect(200); // restarts the generator
    expect(await run()).toEqual(first);
    expect((await get(app, 'calm')).status).toBe(200); // other sandboxes are not affected
  });

  test('an injected status is in the API\'s envelope, journaled with the rule that fired', async () => {
    const { app } = await testApp();
    await request(app).put(faults('down')).send({ rules: [{ api: 'upvest', status: 503 }] }).expect(200);
    const res = await get(app, 'down').expect(503);
    expect(res.body).toMatchObject({ type: 'https://docs.upvest.co/errors/service_unavailable', status: 503, request_id: res.headers['upvest-request-id'] });
    const journal = await request(app).get('/__sandbox/sandboxes/down/journal').expect(200);
    expect(journal.body.data[0].injected).toEqual({ status: 503, by: 'rule 0' });
  });

  test('a rate limit answers 429 with Retry-After once the window is full, and frees up when it passes', async () => {
    let now = new Date('2026-11-20T09:00:00Z');
    const { app } = await testApp({ now: () => now });
    await request(app).put(faults('limited')).send({ rules: [{ api: 'upvest', rateLimit: { requests: 3, perSeconds: 10 } }] }).expect(200);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(app, 'limited')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    now = new Date(now.getTime() + 4000);
    const limited = await get(app, 'limited').expect(429);
    expect(limited.headers['retry-after']).toBe('6');
    expect(limited.body.type).toBe('https://docs.upvest.co/errors/too_many_requests');
    now = new Date(now.getTime() + 6000);
    await get(app, 'limited').expect(200);
  });

  test('a latency range delays each response by a seeded amount within it', async () => {
    const { app, events } = await testApp();
    const records: RequestRecord[] = [];
    events.on('request', r => records.push(r));
    await request(app).put(faults('slow')).send({ seed: 3, rules: [{ api: 'upvest', latency: { minMs: 20, maxMs: 60 } }] }).expect(200);
    for (let i = 0; i < 5; i++) await get(app, 'slow').expect(200);
    const delays = records.map(r => r.injected?.delayMs ?? -1);
    for (const [i, delay] of delays.entries()) {
      expect(delay).toBeGreaterThanOrEqual(20);
      expect(delay).toBeLessThanOrEqual(60);
      expect(records[i].durationMs).toBeGreaterThanOrEqual(delay - 1);
    }
    await request(app).put(faults('slow')).send({ seed: 3, rules: [{ api: 'upvest', latency: { minMs: 20, maxMs: 60 } }] }).expect(200);
    records.length = 0;
    for (let i = 0; i < 5; i++) await get(app, 'slow').expect(200);
    expect(records.map(r => r.injected?.delayMs)).toEqual(delays);
  });

  test('the Prefer header takes precedence over the rules', async () => {
    const { app } = await testApp();
    await request(app).put(faults('mixed')).send({ rules: [{ api: 'upvest', status: 503 }] }).expect(200);
    await get(app, 'mixed').set('prefer', 'code=404').expect(404);
  });

  test.each([
    ['an unknown API', { api: 'nope', status: 503 }, /api "nope" is not served here/],
    ['an unknown operation', { api: 'upvest', operationId: 'nope', status: 503 }, /not an operation of upvest/],
    ['an undocumented status', { api: 'upvest', operationId: 'createToken', status: 404 }, /404 is not documented for createToken; documented: 200, 400/],
    ['a rule that does nothing', { api: 'upvest' }, /needs a status, a latency or a rateLimit/],
    ['an inverted latency range', { api: 'upvest', latency: { minMs: 50, maxMs: 10 } }, /minMs is greater than latency.maxMs/],
    ['a probability above 1', { api: 'upvest', status: 503, probability: 2 }, /probability/],
  ])('%s is a 400 and leaves the rules as they were', async (_, rule, message) => {
    const { app } = await testApp();
    const kept = { seed: 1, rules: [{ api: 'upvest', status: 500 }] };
    await request(app).put(faults('s')).send(kept).expect(200);
    const res = await request(app).put(faults('s')).send({ rules: [rule] }).expect(400);
    expect(res.body.error).toBe('validation');
    expect(res.body.message).toMatch(message);
    await request(app).get(faults('s')).expect(200, kept);
  });

  test('rules can be removed', async () => {
    const { app } = await testApp();
    await request(app).put(faults('s')).send({ rules: [{ api: 'upvest', status: 503 }] }).expect(200);
    await request(app).delete(faults('s')).expect(204);
    await request(app).get(faults('s')).expect(200, { seed: 1, rules: [] });
    await get(app, 's').expect(200);
  });
});
