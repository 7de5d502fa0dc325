// Per-sandbox clocks: real time by default, frozen / set / advanced through the admin API, never
// backwards, `--clock` for every new sandbox, the X-Sandbox-Clock header, timestamps from the
// sandbox's clock, fixture dates placed when the sandbox is created, and the clock stored with
// the sandbox (reset, snapshots, restart).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import jwt from 'jsonwebtoken';
import { addDuration, parseInstant } from '../src/core/clock.js';
import { EXAMPLE } from '../src/apis/payex/fixtures.js';
import { testApp, UPVEST } from './helpers.js';

const SERVER_NOW = new Date('2026-11-21T10:00:00.000Z');
const ADMIN = '/__sandbox/sandboxes';
const ACCOUNT = `/payex/ledger/account/v1/${EXAMPLE.ledgerNo}/accounts/${EXAMPLE.accountNo}`;
const payex = (sandbox: string) => ({ authorization: 'Bearer test', 'x-sandbox-id': sandbox });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-clock-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('durations and instants', () => {
  test.each([
    ['P1D', '2027-01-31T10:00:00.000Z', '2027-02-01T10:00:00.000Z'],
    ['PT6H', '2027-01-31T10:00:00.000Z', '2027-01-31T16:00:00.000Z'],
    ['P1M', '2027-01-31T10:00:00.000Z', '2027-02-28T10:00:00.000Z'],
    ['P3M', '2027-01-15T00:00:00.000Z', '2027-04-15T00:00:00.000Z'],
    ['P1Y2M', '2027-01-15T00:00:00.000Z', '2028-03-15T00:00:00.000Z'],
    ['P2W', '2027-01-15T00:00:00.000Z', '2027-01-29T00:00:00.000Z'],
    ['PT90M', '2027-01-15T00:00:00.000Z', '2027-01-15T01:30:00.000Z'],
  ])('%s from %s is %s', (duration, from, to) => {
    expect(addDuration(new Date(from), duration)?.toISOString()).toBe(to);
  });

  test.each(['', '1D', 'P', 'PT', 'P-1D', 'P0D', 'P1X', 'tomorrow', 'P1D'.repeat(30)])('%j is not a forward duration', text => {
    expect(addDuration(new Date(), text)).toBeUndefined();
  });

  test('instants need a time zone; a bare date is midnight UTC', () => {
    expect(parseInstant('2027-01-15T09:00:00Z')?.toISOString()).toBe('2027-01-15T09:00:00.000Z');
    expect(parseInstant('2027-01-15T10:00:00+01:00')?.toISOString()).toBe('2027-01-15T09:00:00.000Z');
    expect(parseInstant('2027-01-15')?.toISOString()).toBe('2027-01-15T00:00:00.000Z');
    for (const bad of ['2027-01-15T09:00:00', '2027-02-30T00:00:00Z', 'yesterday', '', '0000-01-01T00:00:00Z']) expect(parseInstant(bad)).toBeUndefined();
  });
});

describe('a sandbox clock through the admin API', () => {
  test('real time by default, with no clock header', async () => {
    const { app } = await testApp({ now: () => SERVER_NOW });
    const res = await request(app).get(`${ADMIN}/a/clock`).expect(200);
    expect(res.body).toEqual({ sandbox: 'a', now: SERVER_NOW.toISOString(), mode: 'real', fixturesPlacedAt: '2026-11-21' });
    const api = await request(app).get(ACCOUNT).set(payex('a')).expect(200);
    expect(api.headers['x-sandbox-clock']).toBeUndefined();
  });

  test('freeze, advance by durations, set forward; never backwards (409); the header says the time', async () => {
    const { app, errors } = await testApp({ now: () => SERVER_NOW });
    const frozen = await request(app).post(`${ADMIN}/a/clock/freeze`).send({ at: '2027-01-15T09:00:00Z' }).expect(200);
    expect(frozen.body).toMatchObject({ mode: 'frozen', now: '2027-01-15T09:00:00.000Z' });
    expect((await request(app).get(ACCOUNT).set(payex('a')).expect(200)).headers['x-sandbox-clock']).toBe('2027-01-15T09:00:00.000Z');
    // Other sandboxes are untouched.
    expect((await request(app).get(ACCOUNT).set(payex('b')).expect(200)).headers['x-sandbox-clock']).toBeUndefined();

    await request(app).post(`${ADMIN}/a/clock/advance`).send({ by: 'PT6H' }).expect(200).then(res => expect(res.body.now).toBe('2027-01-15T15:00:00.000Z'));
    await request(app).post(`${ADMIN}/a/clock/advance`).send({ by: 'P1M' }).expect(200).then(res => expect(res.body.now).toBe('2027-02-15T15:00:00.000Z'));
    await request(app).post(`${ADMIN}/a/clock/advance`).send({ to: '2027-03-01T00:00:00Z' }).expect(200).then(res => expect(res.body.now).toBe('2027-03-01T00:00:00.000Z'));

    const back = await request(app).post(`${ADMIN}/a/clock/advance`).send({ to: '2027-02-01T00:00:00Z' }).expect(409);
    expect(back.body).toEqual({ error: 'conflict', message: expect.stringContaining('never moves backwards') });
    await request(app).post(`${ADMIN}/a/clock/freeze`).send({ at: '2026-01-01T00:00:00Z' }).expect(409);
    await request(app).post(`${ADMIN}/a/clock/advance`).send({ by: 'P-1D' }).expect(400);
    await request(app).post(`${ADMIN}/a/clock/advance`).send({ by: 'soon' }).expect(400);
    await request(app).post(`${ADMIN}/a/clock/advance`).send({ to: 'later' }).expect(400);
    await request(app).post(`${ADMIN}/a/clock/advance`).send({}).expect(400);
    await request(app).post(`${ADMIN}/a/clock/advance`).send({ by: 'P1D', to: '2030-01-01T00:00:00Z' }).expect(400);
    await request(app).post(`${ADMIN}/a/clock/advance`).send({ by: 'P6Y' }).expect(400);
    expect((await request(app).get(`${ADMIN}/a/clock`).expect(200)).body.now).toBe('2027-03-01T00:00:00.000Z');
    expect(errors).toEqual([]);
  });

  test('freezing a fresh sandbox creates it at that instant, even one in the past; once it has changes, never backwards', async () => {
    const { app } = await testApp({ now: () => SERVER_NOW });
    const res = await request(app).post(`${ADMIN}/old/clock/freeze`).send({ at: '2025-03-01T00:00:00Z' }).expect(200);
    expect(res.body).toEqual({ sandbox: 'old', now: '2025-03-01T00:00:00.000Z', mode: 'frozen', fixturesPlacedAt: '2025-03-01' });
    // No day passed: the journal holds no clock entries.
    expect((await request(app).get(`${ADMIN}/old/journal`)).body.data).toEqual([]);
    await request(app).post(`${ADMIN}/old/clock/freeze`).send({ at: '2025-02-01T00:00:00Z' }).expect(409);
  });

  test('a resumed clock ticks on from where it stood', async () => {
    let serverNow = SERVER_NOW;
    const { app } = await testApp({ now: () => serverNow });
    await request(app).post(`${ADMIN}/a/clock/freeze`).send({ at: '2027-01-01T00:00:00Z' }).expect(200);
    const resumed = await request(app).post(`${ADMIN}/a/clock/resume`).expect(200);
    expect(resumed.body).toMatchObject({ mode: 'running', now: '2027-01-01T00:00:00.000Z' });
    serverNow = new Date(SERVER_NOW.getTime() + 60_000);
    expect((await request(app).get(`${ADMIN}/a/clock`)).body.now).toBe('2027-01-01T00:01:00.000Z');
    expect((await request(app).get(ACCOUNT).set(payex('a'))).headers['x-sandbox-clock']).toBe('2027-01-01T00:01:00.000Z');
  });

  test('--clock starts every new sandbox frozen there; reset takes a sandbox back to it', async () => {
    const { app } = await testApp({ now: () => SERVER_NOW, clock: new Date('2030-06-01T12:00:00Z') });
    expect((await request(app).get(`${ADMIN}/fresh/clock`)).body).toMatchObject({ mode: 'frozen', now: '2030-06-01T12:00:00.000Z' });
    expect((await request(app).get(ACCOUNT).set(payex('fresh'))).headers['x-sandbox-clock']).toBe('2030-06-01T12:00:00.000Z');
    await request(app).post(`${ADMIN}/fresh/clock/advance`).send({ by: 'P1D' }).expect(200);
    await request(app).post(`${ADMIN}/fresh/reset`).expect(200);
    expect((await request(app).get(`${ADMIN}/fresh/clock`)).body.now).toBe('2030-06-01T12:00:00.000Z');
  });
});

describe('timestamps come from the sandbox clock', () => {
  test('created_at, created, updated_at, transaction dates and token expiry', async () => {
    const { app, errors } = await testApp({ now: () => SERVER_NOW });
    await request(app).post(`${ADMIN}/t/clock/freeze`).send({ at: '2028-02-29T08:00:00Z' }).expect(200);
    const at = '2028-02-29T08:00:00.000Z';

    const upvest = await request(app)
      .post('/upvest/payments/reference_accounts')
      .set({ ...UPVEST.headers, 'x-sandbox-id': 't', 'idempotency-key': '3f1c0a57-2a11-4c57-9f0e-1e4b0f0c5a01' })
      .send({ user_id: UPVEST.user, account_owner: 'Max Mustermann', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', confirmed_at: '2026-11-20T09:00:00Z' })
      .expect(200);
    expect(upvest.body.created_at).toBe(at);

    const token = await request(app)
      .post('/payex/oauth/token')
      .set({ 'x-sandbox-id': 't' })
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: 'c', client_secret: 's', ledgerNo: EXAMPLE.ledgerNo })
      .expect(200);
    {
      const claims = jwt.decode(token.body.access_token) as { iat: number; exp: number };
      expect(new Date(claims.iat * 1000).toISOString()).toBe(at);
      // Valid in the sandbox that issued it; an hour later on its clock it has expired.
      await request(app).get(ACCOUNT).set({ authorization: `Bearer ${token.body.access_token}`, 'x-sandbox-id': 't' }).expect(200);
      await request(app).post(`${ADMIN}/t/clock/advance`).send({ by: 'PT2H' }).expect(200);
      await request(app).get(ACCOUNT).set({ authorization: `Bearer ${token.body.access_token}`, 'x-sandbox-id': 't' }).expect(401);
    }
    expect(errors).toEqual([]);
  });

  test('fixture dates are placed at the sandbox\'s creation and stay put as its clock moves', async () => {
    const { app } = await testApp({ now: () => SERVER_NOW, clock: new Date('2027-03-10T00:00:00Z') });
    const before = await request(app).get(`${ACCOUNT}/transactions?fromDate=2000-01-01&todate=2099-12-31`).set(payex('f')).expect(200);
    const server = await testApp({ now: () => SERVER_NOW });
    const real = await request(server.app).get(`${ACCOUNT}/transactions?fromDate=2000-01-01&todate=2099-12-31`).set(payex('f')).expect(200);
    // The same fixtures, placed 109 days later (2026-11-21 → 2027-03-10).
    expect(before.body.items.length).toBe(real.body.items.length);
    const shift = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 109 * 86_400_000).toISOString().slice(0, 10);
    expect(before.body.items.map((t: { date: string }) => t.date)).toEqual(real.body.items.map((t: { date: string }) => shift(t.date)));

    await request(app).post(`${ADMIN}/f/clock/advance`).send({ by: 'PT1H' }).expect(200);
    const after = await request(app).get(`${ACCOUNT}/transactions?fromDate=2000-01-01&todate=2099-12-31`).set(payex('f')).expect(200);
    expect(after.body.items.map((t: { date: string }) => t.date)).toEqual(before.body.items.map((t: { date: string }) => t.date));
  });
});

describe('the clock is stored with the sandbox', () => {
  test('it survives a restart, and a snapshot carries it', async () => {
    const file = join(dir, 'data.json');
    const first = await testApp({ dataFile: file, inMemory: false, now: () => SERVER_NOW });
    await request(first.app).post(`${ADMIN}/p/clock/freeze`).send({ at: '2027-05-05T05:05:05Z' }).expect(200);
    await first.close();
    const second = await testApp({ dataFile: file, inMemory: false, now: () => SERVER_NOW });
    expect((await request(second.app).get(`${ADMIN}/p/clock`)).body).toMatchObject({ mode: 'frozen', now: '2027-05-05T05:05:05.000Z' });

    const snapshot = await request(second.app).get(`${ADMIN}/p/snapshot`).expect(200);
    await request(second.app).put(`${ADMIN}/copy/snapshot`).send(snapshot.body).expect(200);
    expect((await request(second.app).get(`${ADMIN}/copy/clock`)).body).toMatchObject({ mode: 'frozen', now: '2027-05-05T05:05:05.000Z' });
    await second.close();
  });
});
