// Isolated sandboxes through the admin API: parallel isolation, persistence, delete, reset,
// snapshots, and data management validated against the spec schemas and the API's rules.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { upvest } from '../src/apis/upvest/index.js';
import { problem } from '../src/core/problem.js';
import { testApp, UPVEST } from './helpers.js';

const ADMIN = '/__sandbox/sandboxes';
const accountPath = (id: string) => `/upvest/payments/reference_accounts/${id}`;
const IBANS = ['DE89370400440532013000', 'GB82WEST12345698765432', 'NL91ABNA0417164300', 'FR1420041010050500013M02606', 'AT611904300234573201'];

function createAccount(app: Awaited<ReturnType<typeof testApp>>['app'], sandbox: string, iban: string) {
  return request(app)
    .post('/upvest/payments/reference_accounts')
    .set({ ...UPVEST.headers, 'x-sandbox-id': sandbox, 'idempotency-key': crypto.randomUUID() })
    .send({ user_id: UPVEST.user, account_owner: 'Max Mustermann', iban, bic: 'COBADEFFXXX', confirmed_at: '2026-11-20T09:00:00Z' });
}

const listAccounts = (app: Awaited<ReturnType<typeof testApp>>['app'], sandbox?: string) =>
  request(app)
    .get(`/upvest/users/${UPVEST.user}/payments/reference_accounts?limit=1000`)
    .set({ ...UPVEST.headers, ...(sandbox ? { 'x-sandbox-id': sandbox } : {}) })
    .expect(200)
    .then(res => (res.body.data as Array<{ id: string }>).map(a => a.id).sort());

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-controls-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('isolated sandboxes', () => {
  test('two sandboxes writing in parallel never see each other\'s data', async () => {
    const { app, errors } = await testApp();
    const fixtures = await listAccounts(app);
    const jobs = IBANS.flatMap(iban => ['job-a', 'job-b'].map(sandbox => ({ sandbox, response: createAccount(app, sandbox, iban) })));
    const results = await Promise.all(jobs.map(async ({ sandbox, response }) => ({ sandbox, res: await response })));
    expect(results.map(r => r.res.status)).toEqual(results.map(() => 200));
    const created = (sandbox: string) => results.filter(r => r.sandbox === sandbox).map(r => r.res.body.id as string).sort();

    const a = await listAccounts(app, 'job-a');
    const b = await listAccounts(app, 'job-b');
    expect(a).toEqual([...fixtures, ...created('job-a')].sort());
    expect(b).toEqual([...fixtures, ...created('job-b')].sort());
    expect(await listAccounts(app)).toEqual(fixtures);
    for (const id of created('job-a')) {
      await request(app).get(accountPath(id)).set({ ...UPVEST.headers, 'x-sandbox-id': 'job-b' }).expect(404);
    }
    expect(errors).toEqual([]);
  });

  test('named sandboxes survive a restart; a deleted one is gone after it', async () => {
    const dataFile = join(dir, 'data.json');
    const first = await testApp({ inMemory: false, dataFile });
    const kept = await createAccount(first.app, 'kept', IBANS[0]).expect(200);
    const dropped = await createAccount(first.app, 'dropped', IBANS[1]).expect(200);
    await request(first.app).delete(`${ADMIN}/dropped`).expect(204);
    await first.close();

    const second = await testApp({ inMemory: false, dataFile });
    const names = (await request(second.app).get(ADMIN).expect(200)).body.data.map((s: { name: string }) => s.name);
    expect(names).toEqual(['default', 'kept']);
    await request(second.app).get(accountPath(kept.body.id)).set({ ...UPVEST.headers, 'x-sandbox-id': 'kept' }).expect(200);
    await request(second.app).get(accountPath(dropped.body.id)).set({ ...UPVEST.headers, 'x-sandbox-id': 'dropped' }).expect(404);
  });

  test('the default sandbox cannot be deleted', async () => {
    const { app } = await testApp();
    const res = await request(app).delete(`${ADMIN}/default`).expect(409);
    expect(res.body).toEqual({ error: 'conflict', message: expect.stringContaining('reset it') });
  });

  test('listing shows each sandbox with its changes and requests', async () => {
    const { app } = await testApp();
    await createAccount(app, 'ci-7', IBANS[0]).expect(200);
    const res = await request(app).get(ADMIN).expect(200);
    const ci7 = { name: 'ci-7', changes: 2, requests: 1, faultRules: 0, lastUsed: expect.any(String), expiresAt: expect.any(String) };
    expect(res.body.data).toEqual([
      { name: 'default', changes: 0, requests: 0, faultRules: 0, lastUsed: null, expiresAt: null },
      ci7, // the account and its idempotency record
    ]);
    const { lastUsed, expiresAt } = res.body.data[1];
    expect(Date.parse(expiresAt) - Date.parse(lastUsed)).toBe(7 * 24 * 3600 * 1000); // the default TTL
    expect((await request(app).get(`${ADMIN}/ci-7`).expect(200)).body).toEqual(ci7);
  });
});

describe('reset', () => {
  test('a reset restores the fixtures exactly, and leaves other sandboxes alone', async () => {
    const { app } = await testApp();
    const pristine = (await request(app).get(`${ADMIN}/mine/snapshot`).expect(200)).body.apis;
    await createAccount(app, 'mine', IBANS[0]).expect(200);
    await request(app).delete(accountPath(UPVEST.account)).set({ ...UPVEST.headers, 'x-sandbox-id': 'mine' }).expect(204);
    await request(app).patch(`${ADMIN}/mine/apis/upvest/users/${UPVEST.user}`).send({ first_name: 'Moritz' }).expect(200);
    await createAccount(app, 'other', IBANS[1]).expect(200);
    expect((await request(app).get(`${ADMIN}/mine/snapshot`)).body.apis).not.toEqual(pristine);

    const reset = await request(app).post(`${ADMIN}/mine/reset`).expect(200);
    expect(reset.body).toMatchObject({ name: 'mine', changes: 0 });
    expect((await request(app).get(`${ADMIN}/mine/snapshot`).expect(200)).body.apis).toEqual(pristine);
    expect((await request(app).get(`${ADMIN}/other`)).body.changes).toBe(2);
  });

  test('reset of all sandboxes names the ones that held changes', async () => {
    const { app } = await testApp();
    await createAccount(app, 'x1', IBANS[0]).expect(200);
    await createAccount(app, 'x2', IBANS[0]).expect(200);
    expect((await request(app).post('/__sandbox/reset').expect(200)).body).toEqual({ reset: ['x1', 'x2'] });
    const changes = (await request(app).get(ADMIN)).body.data.map((s: { changes: number }) => s.changes);
    expect(changes).toEqual([0, 0, 0]);
  });
});

describe('snapshots', () => {
  test('export, then import into another sandbox, copies it', async () => {
    const { app } = await testApp();
    const created = await createAccount(app, 'source', IBANS[2]).expect(200);
    const snapshot = (await request(app).get(`${ADMIN}/source/snapshot`).expect(200)).body;
    expect(snapshot).toMatchObject({ format: 'banking-api-sandbox/snapshot@1', sandbox: 'source', seed: 1 });
    expect(Object.keys(snapshot.apis.upvest).sort()).toEqual(['idempotencyKeys', 'referenceAccounts', 'users']);

    expect((await request(app).put(`${ADMIN}/copy/snapshot`).send(snapshot).expect(200)).body).toEqual({ sandbox: 'copy', changes: 2 });
    await request(app).get(accountPath(created.body.id)).set({ ...UPVEST.headers, 'x-sandbox-id': 'copy' }).expect(200);
    expect((await request(app).get(`${ADMIN}/copy/snapshot`)).body.apis).toEqual(snapshot.apis);
  });

  test('a snapshot leaving records out deletes them; leaving a collection out keeps its fixtures', async () => {
    const { app } = await testApp();
    const snapshot = (await request(app).get(`${ADMIN}/default/snapshot`)).body;
    const users = snapshot.apis.upvest.users;
    delete snapshot.apis.upvest.referenceAccounts;
    snapshot.apis.upvest.users = { [UPVEST.user]: users[UPVEST.user] };
    await request(app).put(`${ADMIN}/slim/snapshot`).send(snapshot).expect(200);
    const slim = (await request(app).get(`${ADMIN}/slim/snapshot`)).body.apis.upvest;
    expect(Object.keys(slim.users)).toEqual([UPVEST.user]);
    expect(slim.referenceAccounts).toEqual((await request(app).get(`${ADMIN}/default/snapshot`)).body.apis.upvest.referenceAccounts);
  });

  test.each([
    ['a record breaking its schema', (s: Snapshot) => (s.apis.upvest.referenceAccounts[UPVEST.account].iban = 'not an iban'), 'iban'],
    ['a record under another key', (s: Snapshot) => (s.apis.upvest.users['1b4e28ba-2fa1-11d2-883f-0016d3cca427'] = Object.values(s.apis.upvest.users)[0]), 'key'],
    ['an unknown API', (s: Snapshot) => (s.apis.nope = {}), 'nope'],
    ['an unknown collection', (s: Snapshot) => (s.apis.upvest.pets = {}), 'pets'],
    ['another format', (s: Snapshot) => ((s as { format: string }).format = 'something-else'), 'format'],
  ])('a bad snapshot (%s) is a 400 and changes nothing', async (_, spoil, mentioned) => {
    const { app } = await testApp();
    await createAccount(app, 'target', IBANS[0]).expect(200);
    const before = (await request(app).get(`${ADMIN}/target/snapshot`)).body.apis;
    const snapshot = (await request(app).get(`${ADMIN}/default/snapshot`)).body as Snapshot;
    delete snapshot.apis.upvest.users[UPVEST.user]; // a valid change that must not be applied either
    spoil(snapshot);
    const res = await request(app).put(`${ADMIN}/target/snapshot`).send(snapshot).expect(400);
    expect(res.body.error).toBe('validation');
    expect(res.body.message).toContain(mentioned);
    expect((await request(app).get(`${ADMIN}/target/snapshot`)).body.apis).toEqual(before);
  });
});

type Snapshot = { format: string; apis: Record<string, Record<string, Record<string, Record<string, unknown>>>> };

describe('data management', () => {
  const NEW_USER = { id: '5b0c8a4e-1d2f-4e3a-9b8c-7d6e5f4a3b2c', first_name: 'Erika', last_name: 'Musterfrau', created_at: '2026-11-20T09:00:00Z' };
  const users = `${ADMIN}/demo/apis/upvest/users`;

  test('create, read, list, patch, replace and delete records of a collection in one sandbox', async () => {
    const { app } = await testApp();
    expect((await request(app).post(users).send(NEW_USER).expect(201)).body).toEqual({ key: NEW_USER.id, record: NEW_USER });
    await request(app).post(users).send(NEW_USER).expect(409);
    await request(app).get(`${users}/${NEW_USER.id}`).expect(200, { key: NEW_USER.id, record: NEW_USER });
    await request(app).get(`${ADMIN}/default/apis/upvest/users/${NEW_USER.id}`).expect(404);
    const page = (await request(app).get(`${users}?offset=12&limit=5`).expect(200)).body;
    expect(page).toEqual({ offset: 12, limit: 5, total: 13, data: [{ key: NEW_USER.id, record: NEW_USER }] });

    const patched = await request(app).patch(`${users}/${NEW_USER.id}`).set('content-type', 'application/merge-patch+json').send({ last_name: 'Schmidt' }).expect(200);
    expect(patched.body.record).toEqual({ ...NEW_USER, last_name: 'Schmidt' });
    expect((await request(app).put(`${users}/${NEW_USER.id}`).send(NEW_USER).expect(200)).body.record).toEqual(NEW_USER);
    await request(app).put(`${users}/${UPVEST.user}`).send({ ...NEW_USER, id: UPVEST.user }).expect(200);
    await request(app).delete(`${users}/${NEW_USER.id}`).expect(204);
    await request(app).get(`${users}/${NEW_USER.id}`).expect(404);
  });

  test('lists what a sandbox changed, latest change first and marked, before the rest (changes=first) or alone (changes=only)', async () => {
    const { app } = await testApp();
    const fixtures = (await request(app).get(`${users}?limit=1000`).expect(200)).body.data as { key: string; record: Record<string, unknown> }[];
    const accounts = (await request(app).get(`${ADMIN}/demo/apis/upvest/referenceAccounts?limit=1000`).expect(200)).body.data as { record: { user_id: string } }[];
    const owners = new Set(accounts.map(a => a.record.user_id));
    const unowned = fixtures.find(u => !owners.has(u.key))!;
    const OTHER = { ...NEW_USER, id: '0d9f8e7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f' };
    await request(app).patch(`${users}/${UPVEST.user}`).set('content-type', 'application/merge-patch+json').send({ first_name: 'Moritz' }).expect(200);
    await request(app).post(users).send(NEW_USER).expect(201);
    await request(app).post(users).send(OTHER).expect(201);
    await request(app).delete(`${users}/${OTHER.id}`).expect(204); // added, then deleted: no change to list
    await request(app).delete(`${users}/${unowned.key}`).expect(204);

    const changed = [
      { key: unowned.key, record: unowned.record, change: 'deleted' },
      { key: NEW_USER.id, record: NEW_USER, change: 'added' },
      { key: UPVEST.user, record: { ...fixtures.find(u => u.key === UPVEST.user)!.record, first_name: 'Moritz' }, change: 'modified' },
    ];
    const untouched = fixtures.filter(u => u.key !== UPVEST.user && u.key !== unowned.key);
    expect((await request(app).get(`${users}?changes=only`).expect(200)).body).toEqual({ offset: 0, limit: 100, total: 3, data: changed });
    expect((await request(app).get(`${users}?changes=only&offset=1&limit=1`).expect(200)).body).toEqual({ offset: 1, limit: 1, total: 3, data: [changed[1]] });
    const first = (await request(app).get(`${users}?changes=first`).expect(200)).body;
    expect(first).toEqual({ offset: 0, limit: 100, total: 3 + untouched.length, data: [...changed, ...untouched] });
    expect((await request(app).get(`${users}?changes=first&offset=2&limit=2`).expect(200)).body.data).toEqual([changed[2], untouched[0]]);
    // Another sandbox changed nothing.
    expect((await request(app).get(`${ADMIN}/other/apis/upvest/users?changes=only`).expect(200)).body).toEqual({ offset: 0, limit: 100, total: 0, data: [] });
  });

  test('the provider API sees what the admin API wrote', async () => {
    const { app } = await testApp();
    const account = (await request(app).get(`${ADMIN}/demo/apis/upvest/referenceAccounts/${UPVEST.account}`)).body.record;
    await request(app).put(`${ADMIN}/demo/apis/upvest/referenceAccounts/${UPVEST.account}`).send({ ...account, name: 'Holiday money' }).expect(200);
    const got = await request(app).get(accountPath(UPVEST.account)).set({ ...UPVEST.headers, 'x-sandbox-id': 'demo' }).expect(200);
    expect(got.body.name).toBe('Holiday money');
  });

  test.each([
    ['breaks the schema', { ...NEW_USER, first_name: '' }, 'body.first_name'],
    ['has an unknown field', { ...NEW_USER, nickname: 'E' }, 'body'],
    ['is stored under another key', { ...NEW_USER, id: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' }, 'body'],
  ])('a record that %s is a 400 naming the field, and nothing is stored', async (_, record, field) => {
    const { app } = await testApp();
    const res = await request(app).put(`${users}/${NEW_USER.id}`).send(record).expect(400);
    expect(res.body).toMatchObject({ error: 'validation', fields: [expect.objectContaining({ field })] });
    await request(app).get(`${users}/${NEW_USER.id}`).expect(404);
  });

  test('Upvest\'s own rules hold for admin writes too', async () => {
    const { app } = await testApp();
    const refused = await request(app).delete(`${users}/${UPVEST.user}`).expect(409);
    expect(refused.body.message).toMatch(/still has reference accounts/);
    const account = (await request(app).get(`${ADMIN}/demo/apis/upvest/referenceAccounts/${UPVEST.account}`)).body.record;
    await request(app).patch(`${ADMIN}/demo/apis/upvest/referenceAccounts/${UPVEST.account}`).send({ iban: 'DE00370400440532013000' }).expect(400);
    await request(app).put(`${ADMIN}/demo/apis/upvest/referenceAccounts/${UPVEST.account}`).send({ ...account, user_id: NEW_USER.id }).expect(422);
  });

  test('unknown APIs, collections and records are 404s', async () => {
    const { app } = await testApp();
    expect((await request(app).get(`${ADMIN}/demo/apis/nope/users`).expect(404)).body.message).toContain('upvest');
    expect((await request(app).get(`${ADMIN}/demo/apis/upvest/pets`).expect(404)).body.message).toContain('referenceAccounts');
    await request(app).delete(`${users}/${NEW_USER.id}`).expect(404);
  });

  test('writes go through the API\'s beforeAdminWrite rules', async () => {
    const seen: unknown[] = [];
    const guarded = {
      ...upvest,
      beforeAdminWrite(write: Parameters<NonNullable<typeof upvest.beforeAdminWrite>>[0]) {
        seen.push({ collection: write.collection, key: write.key, had: Boolean(write.previous), deleting: write.record === null });
        if (write.record?.last_name === 'Refused') throw problem('conflict', 'that name is refused');
        return write.record && { ...write.record, first_name: String(write.record.first_name).toUpperCase() };
      },
    };
    const { app } = await testApp({ apis: [guarded] });
    const created = await request(app).post(users).send(NEW_USER).expect(201);
    expect(created.body.record.first_name).toBe('ERIKA');
    const refused = await request(app).patch(`${users}/${NEW_USER.id}`).send({ last_name: 'Refused' }).expect(409);
    expect(refused.body).toEqual({ error: 'conflict', message: 'that name is refused' });
    expect((await request(app).get(`${users}/${NEW_USER.id}`)).body.record.last_name).toBe('Musterfrau');
    await request(app).delete(`${users}/${NEW_USER.id}`).expect(204);
    expect(seen).toEqual([
      { collection: 'users', key: NEW_USER.id, had: false, deleting: false },
      { collection: 'users', key: NEW_USER.id, had: true, deleting: false },
      { collection: 'users', key: NEW_USER.id, had: true, deleting: true },
    ]);
  });
});
