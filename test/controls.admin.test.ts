// The admin API itself: who may use it, health and discovery, the request journal, coverage,
// validation of admin requests against specs/admin.yaml, and CORS for browser apps.
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import request from 'supertest';
import { apis } from '../src/apis/index.js';
import { isLoopbackAddress } from '../src/controls/access.js';
import { Coverage } from '../src/controls/coverage.js';
import { RequestJournal } from '../src/controls/journal.js';
import type { RequestRecord } from '../src/core/pipeline.js';
import type { LogBackend } from '../src/core/store/log.js';
import { testApp, UPVEST } from './helpers.js';

const accountPath = `/upvest/payments/reference_accounts/${UPVEST.account}`;
const listPath = `/upvest/users/${UPVEST.user}/payments/reference_accounts`;

describe('access', () => {
  test('loopback addresses are told apart from others', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(address)).toBe(true);
    for (const address of ['10.0.0.5', '192.168.1.2', '::ffff:10.0.0.5', 'fe80::1', '172.17.0.1', '', undefined, 'localhost']) {
      expect(isLoopbackAddress(address)).toBe(false);
    }
  });

  test('a non-loopback client is refused with 403, and the provider APIs still answer it', async () => {
    const seen: Array<string | undefined> = [];
    const { app } = await testApp({ isLoopback: address => (seen.push(address), false) });
    for (const path of ['/__sandbox/health', '/__sandbox/sandboxes', '/__sandbox/sandboxes/default/snapshot']) {
      const res = await request(app).get(path).expect(403);
      expect(res.body).toEqual({ error: 'forbidden', message: expect.stringContaining('loopback clients only') });
    }
    await request(app).post('/__sandbox/reset').expect(403);
    expect(seen.length).toBe(4);
    expect(isLoopbackAddress(seen[0])).toBe(true); // supertest really is loopback: the check was overridden
    await request(app).get(accountPath).set(UPVEST.headers).expect(200);
  });

  test('with an admin token, every client needs it, loopback included', async () => {
    const { app } = await testApp({ adminToken: 's3cret-admin' });
    expect((await request(app).get('/__sandbox/health').expect(403)).body.message).toMatch(/requires Authorization: Bearer/);
    expect((await request(app).get('/__sandbox/health').set('authorization', 'Bearer wrong').expect(403)).body.message).toMatch(/wrong/);
    await request(app).get('/__sandbox/health').set('authorization', 'Bearer s3cret-admin').expect(200);

    const remote = await testApp({ adminToken: 's3cret-admin', isLoopback: () => false });
    await request(remote.app).get('/__sandbox/health').set('authorization', 'Bearer s3cret-admin').expect(200);
  });
});

describe('server', () => {
  test('health says what is served', async () => {
    const { app } = await testApp();
    const res = await request(app).get('/__sandbox/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', seed: 1, storage: 'memory', apis: apis.map(a => a.slug), sandboxes: 1, uptimeSeconds: expect.any(Number) });
  });

  test("health reports the data file's log: its segments, compactions, and a failed compaction's error, by a relative path", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-health-'));
    const file = join(dir, 'sandbox.json');
    const sandbox = await testApp({ dataFile: file, inMemory: false });
    try {
      const log = async () => (await request(sandbox.app).get('/__sandbox/health').expect(200)).body.log;
      // A new data file: a snapshot of its header line alone.
      const created = (await stat(file)).size;
      expect(created).toBeGreaterThan(0);
      expect(await log()).toEqual({ snapshotBytes: created, logSegments: 1, compactions: 0 });
      await request(sandbox.app)
        .post('/upvest/payments/reference_accounts')
        .set({ ...UPVEST.headers, 'idempotency-key': 'f3b2c1d0-1111-4222-8333-944455556666' })
        .send({ user_id: UPVEST.user, account_owner: 'Health Check', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', confirmed_at: '2026-11-20T09:00:00Z' })
        .expect(200);
      const backend = sandbox.store.storage as LogBackend;
      // A directory where the compaction writes its temporary snapshot: the compaction fails, and the files stay.
      await mkdir(join(dir, '.sandbox.json.tmp'));
      await backend.compactNow();
      const failed = await log();
      expect(failed).toEqual({ snapshotBytes: created, logSegments: 2, compactions: 0, lastCompactionError: expect.stringContaining('.sandbox.json.tmp') });
      // The folder named as health names the data file.
      expect(failed.lastCompactionError).toContain(`'${join(relative(process.cwd(), dir), '.sandbox.json.tmp')}'`);
      await rm(join(dir, '.sandbox.json.tmp'), { recursive: true });
      await backend.compactNow();
      const compacted = await log();
      expect(compacted).toEqual({ snapshotBytes: (await stat(file)).size, logSegments: 1, compactions: 1, lastCompactionMs: expect.any(Number) });
      expect(compacted.snapshotBytes).toBeGreaterThan(0);
    } finally {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('apis lists collections and operations with their documented statuses', async () => {
    const { app } = await testApp();
    const described = (await request(app).get('/__sandbox/apis').expect(200)).body.data;
    expect(described.map((a: { slug: string }) => a.slug)).toEqual(apis.map(a => a.slug));
    const upvest = described.find((a: { slug: string }) => a.slug === 'upvest');
    expect(upvest.collections).toContainEqual(expect.objectContaining({ name: 'referenceAccounts', schema: 'ReferenceAccountRecord', size: 35 }));
    expect(upvest.operations).toContainEqual({
      operationId: 'deleteReferenceAccount',
      method: 'DELETE',
      path: '/payments/reference_accounts/{reference_account_id}',
      statuses: expect.arrayContaining(['204', '409', '503']),
    });
  });

  test('the admin API has its reference page and spec like the provider APIs', async () => {
    const { app } = await testApp();
    expect((await request(app).get('/docs').expect(200)).text).toContain('href="/docs/admin"');
    const spec = await request(app).get('/specs/admin.json').set('host', 'sandbox.test:4010').expect(200);
    expect(spec.body.servers).toEqual([{ url: 'http://sandbox.test:4010/__sandbox', description: 'This sandbox' }]);
  });

  test('admin requests are validated against specs/admin.yaml, with errors in the admin envelope', async () => {
    const { app } = await testApp();
    const bad = await request(app).get('/__sandbox/sandboxes/not%20a%20name/journal').expect(400);
    expect(bad.body).toMatchObject({ error: 'validation', fields: [expect.objectContaining({ field: expect.stringContaining('sandbox') })] });
    const rules = await request(app).put('/__sandbox/sandboxes/x/faults').send({ rules: [{ api: 'upvest', status: 200 }] }).expect(400);
    expect(rules.body.error).toBe('validation');
    await request(app).get('/__sandbox/nothing-here').expect(404);
    const method = await request(app).patch('/__sandbox/health').expect(405);
    expect(method.headers.allow).toBe('GET');
  });
});

describe('journal', () => {
  test('records each request of a sandbox, newest first, with what a CI test needs to assert', async () => {
    const { app } = await testApp();
    const headers = { ...UPVEST.headers, 'x-sandbox-id': 'ci-42' };
    await request(app).get(accountPath).set(headers).expect(200);
    await request(app).get(`${listPath}?limit=5`).set(headers).expect(200);
    await request(app)
      .post('/upvest/payments/reference_accounts')
      .set({ ...headers, 'idempotency-key': crypto.randomUUID() })
      .send({ user_id: UPVEST.user, account_owner: 'Max Mustermann', iban: 'DE89370400440532013000', bic: 'nope', confirmed_at: '2026-11-20T09:00:00Z' })
      .expect(400);
    await request(app).get(accountPath).set(UPVEST.headers).expect(200); // another sandbox

    const { data } = (await request(app).get('/__sandbox/sandboxes/ci-42/journal').expect(200)).body;
    expect(data.map((e: { operationId: string; status: number }) => [e.operationId, e.status])).toEqual([
      ['createReferenceAccount', 400],
      ['listUserReferenceAccounts', 200],
      ['getReferenceAccount', 200],
    ]);
    expect(data[0]).toEqual({
      seq: expect.any(Number),
      time: expect.any(String),
      sandbox: 'ci-42',
      api: 'upvest',
      operationId: 'createReferenceAccount',
      method: 'POST',
      path: '/payments/reference_accounts',
      query: '',
      status: 400,
      durationMs: expect.any(Number),
      requestProblems: [expect.objectContaining({ field: 'body.bic' })],
      responseViolations: [],
      requestBody: expect.objectContaining({ bic: 'nope' }),
      requestHeaders: expect.objectContaining({ 'upvest-client-id': UPVEST.headers['upvest-client-id'], authorization: 'Bearer [redacted]', 'x-sandbox-id': 'ci-42' }),
      // what the app got back: the provider's error, naming the field
      response: {
        status: 400,
        headers: expect.objectContaining({ 'content-type': 'application/problem+json', 'upvest-request-id': expect.any(String) }),
        body: expect.objectContaining({ status: 400, detail: expect.stringContaining('bic') }),
      },
    });
    expect(data[1].query).toBe('limit=5');
    expect(data[1].response.body).toMatchObject({ data: expect.any(Array) });
  });

  test('responses are kept with secrets redacted and bounded by bytes; binary bodies by their size', async () => {
    const { app } = await testApp({ journalLimits: { responseBodyBytes: 200 } });
    const token = await request(app)
      .post('/bankingservice/v1/oauth/token')
      .set({ 'x-sandbox-id': 'r', 'content-type': 'application/x-www-form-urlencoded' })
      .send('grant_type=client_credentials&client_id=my-shop&client_secret=s3cret');
    expect(token.status).toBe(200);
    await request(app).get(listPath).set({ ...UPVEST.headers, 'x-sandbox-id': 'r' }).expect(200);
    await request(app).get('/payex/ledger/account/v1/501/accounts/1234567/bills/bill-456/document').set({ authorization: 'Bearer test', 'x-sandbox-id': 'r' }).expect(200);
    const [pdf, list, issued] = (await request(app).get('/__sandbox/sandboxes/r/journal').expect(200)).body.data;

    const text = JSON.stringify(issued);
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain(token.body.access_token);
    expect(issued.response.body).toMatchObject({ access_token: '[redacted]' });
    expect(list.response).toMatchObject({ status: 200, bodyTruncated: true, bodyBytes: expect.any(Number) });
    expect(Buffer.byteLength(list.response.body)).toBeLessThanOrEqual(200);
    expect(list.response.bodyBytes).toBeGreaterThan(200);
    expect(pdf.response).toMatchObject({ status: 200, headers: expect.objectContaining({ 'content-type': 'application/pdf' }), bodyBytes: expect.any(Number) });
    expect(pdf.response.body).toBeUndefined();
  });

  test('filters by API, operation, method, status, path and sequence; limits; clears', async () => {
    const { app } = await testApp();
    const headers = { ...UPVEST.headers, 'x-sandbox-id': 'f' };
    await request(app).get(accountPath).set(headers).expect(200);
    await request(app).get(`/upvest/payments/reference_accounts/${crypto.randomUUID()}`).set(headers).expect(404);
    await request(app).delete(accountPath).set(headers).expect(204);
    await request(app).get('/upvest/nowhere').set(headers).expect(404);
    const journal = (query: string) =>
      request(app)
        .get(`/__sandbox/sandboxes/f/journal${query}`)
        .expect(200)
        .then(res => res.body.data.map((e: { method: string; status: number }) => `${e.method} ${e.status}`));

    expect(await journal('')).toEqual(['GET 404', 'DELETE 204', 'GET 404', 'GET 200']);
    expect(await journal('?operationId=getReferenceAccount')).toEqual(['GET 404', 'GET 200']);
    expect(await journal('?method=delete')).toEqual(['DELETE 204']);
    expect(await journal('?status=404')).toEqual(['GET 404', 'GET 404']);
    expect(await journal('?path=/payments/')).toEqual(['DELETE 204', 'GET 404', 'GET 200']);
    expect(await journal('?api=upvest&limit=1')).toEqual(['GET 404']);
    const [, second] = (await request(app).get('/__sandbox/sandboxes/f/journal')).body.data.reverse();
    expect(await journal(`?since=${second.seq}`)).toEqual(['GET 404', 'DELETE 204']);

    await request(app).delete('/__sandbox/sandboxes/f/journal').expect(204);
    expect(await journal('')).toEqual([]);
  });

  test('counts matching requests; an unknown API or operation id is a 400 naming the known ones', async () => {
    const { app } = await testApp();
    const headers = { ...UPVEST.headers, 'x-sandbox-id': 'c' };
    await request(app).get(accountPath).set(headers).expect(200);
    await request(app).get(accountPath).set(headers).expect(200);
    await request(app).delete(accountPath).set(headers).expect(204);
    const count = (query: string) => request(app).get(`/__sandbox/sandboxes/c/journal/count${query}`);
    expect((await count('').expect(200)).body).toEqual({ count: 3 });
    expect((await count('?operationId=getReferenceAccount&status=200').expect(200)).body).toEqual({ count: 2 });
    expect((await count('?api=upvest&method=DELETE').expect(200)).body).toEqual({ count: 1 });
    expect((await request(app).get('/__sandbox/sandboxes/empty/journal/count').expect(200)).body).toEqual({ count: 0 });

    const typo = (await count('?operationId=getReferenceAccounts').expect(400)).body;
    expect(typo).toMatchObject({ error: 'validation', fields: [{ field: 'query.operationId', message: expect.stringContaining('did you mean getReferenceAccount') }] });
    expect((await count('?api=upvets').expect(400)).body.fields[0]).toMatchObject({ field: 'query.api', message: expect.stringContaining('upvest') });
    // an operation of another API than the one named
    expect((await count('?api=payex&operationId=getReferenceAccount').expect(400)).body.fields[0].field).toBe('query.operationId');
    // the journal and a long poll refuse them too, rather than silently waiting for nothing
    await request(app).get('/__sandbox/sandboxes/c/journal?operationId=nope&wait=5').expect(400);
    await request(app).get('/__sandbox/journal?api=nope').expect(400);
  });

  test('is bounded per sandbox and in total, dropping the least recently active sandboxes first', () => {
    const journal = new RequestJournal({ perSandbox: 3, total: 5, bodyBytes: 10, totalBytes: 1e9 });
    const record = (sandbox: string, path: string, body?: unknown): RequestRecord => ({
      time: '', sandbox, api: 'a', method: 'GET', path, query: '', status: 200, durationMs: 1, requestProblems: [], responseViolations: [],
      ...(body !== undefined ? { requestBody: { text: JSON.stringify(body), json: true } } : {}),
    });
    for (const path of ['/1', '/2', '/3', '/4']) journal.record(record('busy', path));
    expect(journal.list('busy').map(e => e.path)).toEqual(['/4', '/3', '/2']);
    journal.record(record('quiet', '/q1'));
    journal.record(record('busy', '/5'));
    journal.record(record('new', '/n1'));
    journal.record(record('new', '/n2'));
    expect(journal.list('quiet')).toEqual([]); // least recently active: dropped first
    expect(journal.list('busy').map(e => e.path)).toEqual(['/5', '/4', '/3']);
    journal.record(record('new', '/n3', { big: 'x'.repeat(50) }));
    expect(journal.list('busy').map(e => e.path)).toEqual(['/5', '/4']);
    expect(journal.list('new')[0]).toMatchObject({ path: '/n3', requestBody: '{"big":"xx', requestBodyTruncated: true, requestBodyBytes: 60 });
  });
});

describe('coverage', () => {
  test('shows which operations and documented statuses were exercised, per sandbox and overall', async () => {
    const { app } = await testApp();
    await request(app).get(accountPath).set({ ...UPVEST.headers, 'x-sandbox-id': 'a' }).expect(200);
    await request(app).get(accountPath).set({ ...UPVEST.headers, 'x-sandbox-id': 'a' }).expect(200);
    await request(app).get(accountPath).set({ ...UPVEST.headers, 'x-sandbox-id': 'b', prefer: 'code=503' }).expect(503);
    await request(app).get(accountPath).set({ 'x-sandbox-id': 'b' }).expect(401);

    const coverage = async (query: string) => {
      const upvest = (await request(app).get(`/__sandbox/coverage${query}`).expect(200)).body.apis.find((a: { api: string }) => a.api === 'upvest');
      const get = upvest.operationCoverage.find((o: { operationId: string }) => o.operationId === 'getReferenceAccount');
      return { upvest, get, exercised: get.statuses.filter((s: { calls: number }) => s.calls).map((s: { status: string; calls: number }) => `${s.status}×${s.calls}`) };
    };
    const all = await coverage('');
    expect(all.upvest.operations).toEqual({ total: 5, exercised: 1 });
    expect(all.upvest.statuses.exercised).toBe(3);
    expect(all.get).toMatchObject({ method: 'GET', path: '/payments/reference_accounts/{reference_account_id}', calls: 4, undocumented: [] });
    expect(all.exercised).toEqual(['200×2', '401×1', '503×1']);
    expect((await coverage('?sandbox=a')).exercised).toEqual(['200×2']);

    await request(app).delete('/__sandbox/coverage?sandbox=a').expect(204);
    expect((await coverage('')).exercised).toEqual(['401×1', '503×1']);
    await request(app).delete('/__sandbox/coverage').expect(204);
    expect((await coverage('')).upvest.operations.exercised).toBe(0);
  });
});

describe('coverage of many sandboxes', () => {
  test('keeps per-sandbox counts for the most recently active sandboxes only; totals stay exact', () => {
    const coverage = new Coverage([], 3);
    const record = (sandbox: string, status = 200) =>
      coverage.record({ sandbox, api: 'upvest', operationId: 'getReferenceAccount', status } as RequestRecord);
    for (let i = 0; i < 1000; i++) record(`fresh-${i}`);
    record('fresh-998', 404);
    expect(coverage.sandboxCount()).toBe(3);
    const counts = (sandbox?: string) => countsOf(coverage, sandbox);
    expect(counts()).toEqual({ 200: 1000, 404: 1 });
    expect(counts('fresh-998')).toEqual({ 200: 1, 404: 1 });
    expect(counts('fresh-0')).toEqual({});
    coverage.clear('fresh-998');
    expect(counts()).toEqual({ 200: 999 });
  });
});

/** Calls by status of upvest.getReferenceAccount, read through the report of a Coverage over Upvest. */
function countsOf(coverage: Coverage, sandbox?: string): Record<number, number> {
  const internal = coverage as unknown as { total: Map<string, Map<string, Map<number, number>>>; counts: Map<string, Map<string, Map<string, Map<number, number>>>> };
  const apis = sandbox === undefined ? internal.total : internal.counts.get(sandbox);
  return Object.fromEntries(apis?.get('upvest')?.get('getReferenceAccount') ?? []);
}

describe('CORS', () => {
  test('a preflight from another origin succeeds for the provider and sandbox headers', async () => {
    const { app } = await testApp();
    const requested = 'upvest-client-id, x-client-id, idempotency-key, x-sandbox-id, prefer, authorization, content-type';
    const res = await request(app)
      .options('/upvest/payments/reference_accounts')
      .set({ origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': requested })
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toBe(requested);
  });

  test('responses expose the documented headers to scripts', async () => {
    const { app } = await testApp();
    const res = await request(app).get(accountPath).set({ ...UPVEST.headers, origin: 'http://localhost:5173' }).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    const exposed = res.headers['access-control-expose-headers'].split(',');
    expect(exposed).toEqual(expect.arrayContaining(['upvest-request-id', 'idempotent-replayed', 'retry-after', 'preference-applied', 'x-sandbox-response-violations']));
  });

  test('allowed origins can be restricted', async () => {
    const { app } = await testApp({ corsOrigins: ['https://demo.example'] });
    const allowed = await request(app).get(accountPath).set({ ...UPVEST.headers, origin: 'https://demo.example' });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://demo.example');
    const other = await request(app).get(accountPath).set({ ...UPVEST.headers, origin: 'https://evil.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
