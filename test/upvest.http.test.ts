import request from 'supertest';
import jwt from 'jsonwebtoken';
import { testApp, UPVEST } from './helpers.js';

const { user, account, headers } = UPVEST;
const IDEMPOTENCY = { 'idempotency-key': '2f6c1c0e-5b0a-4d8e-9a43-3f6d3c2b1a90' };
const body = {
  user_id: user,
  account_owner: 'Max Mustermann',
  name: "Max's Reference Account",
  iban: 'DE89370400440532013000',
  bic: 'COBADEFFXXX',
  confirmed_at: '2020-08-23T14:15:22Z',
};
const listPath = `/upvest/users/${user}/payments/reference_accounts`;
const accountPath = `/upvest/payments/reference_accounts/${account}`;

let app: Awaited<ReturnType<typeof testApp>>['app'];
let errors: unknown[];
beforeEach(async () => {
  ({ app, errors } = await testApp());
});
afterEach(() => expect(errors).toEqual([]));

async function token(scope: string) {
  const res = await request(app)
    .post('/upvest/auth/token')
    .set('upvest-client-id', UPVEST.clientId)
    .type('form')
    .send({ client_id: '363f3305-7ab0-4e82-a158-f9d382ad08b6', client_secret: 's3cret', grant_type: 'client_credentials', scope });
  expect(res.status).toBe(200);
  return res.body as { access_token: string; scope: string; token_type: string; expires_in: number };
}

function expectProblem(res: request.Response, status: number, slug: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual({
    type: `https://docs.upvest.co/errors/${slug}`,
    status,
    title: expect.any(String),
    detail: expect.any(String),
    instance: expect.stringMatching(/^\//),
    request_id: res.headers['upvest-request-id'],
  });
}

describe('reference accounts over HTTP', () => {
  test('list, create, get and delete, as documented', async () => {
    const list = await request(app).get(listPath).set(headers).expect(200);
    expect(list.body.meta).toMatchObject({ offset: 0, limit: 100, total_count: list.body.data.length });
    expect(list.body.data[0]).toEqual({
      id: account,
      created_at: '2020-08-24T14:15:22Z',
      updated_at: '2020-08-24T14:15:22Z',
      user_id: user,
      account_owner: 'Max Mustermann',
      name: "Max's Reference Account",
      iban: 'DE0210**********0402',
      bic: 'BELADEBE',
      confirmed_at: '2020-08-23T14:15:22Z',
    });

    const created = await request(app).post('/upvest/payments/reference_accounts').set({ ...headers, ...IDEMPOTENCY }).send(body).expect(200);
    expect(created.body.iban).toBe('DE8937**********3000');
    const got = await request(app).get(`/upvest/payments/reference_accounts/${created.body.id}`).set(headers).expect(200);
    expect(got.body).toEqual(created.body);
    const listed = await request(app).get(`${listPath}?sort=created_at&order=DESC&limit=1`).set(headers).expect(200);
    expect(listed.body.data.map((a: { id: string }) => a.id)).toEqual([created.body.id]);
    expect(listed.body.meta).toEqual({ offset: 0, limit: 1, count: 1, total_count: list.body.meta.total_count + 1, sort: 'created_at', order: 'DESC' });

    const deleted = await request(app).delete(`/upvest/payments/reference_accounts/${created.body.id}`).set(headers).expect(204);
    expect(deleted.text).toBe('');
    await request(app).get(`/upvest/payments/reference_accounts/${created.body.id}`).set(headers).expect(404);
  });

  test('every response carries upvest-request-id, errors included', async () => {
    for (const res of [
      await request(app).get(accountPath).set(headers),
      await request(app).get(accountPath),
      await request(app).get('/upvest/nowhere').set(headers),
    ]) {
      expect(res.headers['upvest-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  test('an idempotent retry replays the response; a changed body is refused', async () => {
    const send = (b: object) => request(app).post('/upvest/payments/reference_accounts').set({ ...headers, ...IDEMPOTENCY }).send(b);
    const first = await send(body).expect(200);
    const again = await send(body).expect(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expectProblem(await send({ ...body, name: 'changed' }), 422, 'unprocessable_entity');
    const list = await request(app).get(listPath).set(headers);
    expect(list.body.data.filter((a: { id: string }) => a.id === first.body.id)).toHaveLength(1);
  });

  test("the provider's own create example works verbatim, though a fixture holds that IBAN", async () => {
    const example = {
      user_id: '83d83ec2-d2ca-49ff-bbea-b92b5c3be202',
      account_owner: 'Max Mustermann',
      name: "Max's Reference Account",
      iban: 'DE02100500000054540402',
      bic: 'BELADEBE',
      confirmed_at: '2020-08-23T14:15:22Z',
    };
    const created = await request(app).post('/upvest/payments/reference_accounts').set({ ...headers, ...IDEMPOTENCY }).send(example).expect(200);
    expect(created.body).toMatchObject({ ...example, iban: 'DE0210**********0402' });
  });

  test('without name the account answers name ""; without user_id it is the client\'s own', async () => {
    const { name: _name, user_id: _user, ...bare } = body;
    const created = await request(app).post('/upvest/payments/reference_accounts').set({ ...headers, ...IDEMPOTENCY }).send(bare).expect(200);
    expect(created.body).toMatchObject({ name: '', user_id: UPVEST.clientId });
    expect(created.headers['x-sandbox-response-violations']).toBeUndefined();
    const got = await request(app).get(`/upvest/payments/reference_accounts/${created.body.id}`).set(headers).expect(200);
    expect(got.body.name).toBe('');
    const mine = await request(app).get(`/upvest/users/${UPVEST.clientId}/payments/reference_accounts`).set(headers).expect(200);
    expect(mine.body.data.map((a: { id: string }) => a.id)).toEqual([created.body.id]);
  });

  test('Accept is negotiated where the real spec documents 406', async () => {
    expectProblem(await request(app).get(accountPath).set({ ...headers, accept: 'text/html' }), 406, 'not_acceptable');
    await request(app).get(accountPath).set({ ...headers, accept: 'application/json' }).expect(200);
    await request(app).get(accountPath).set({ ...headers, accept: '*/*' }).expect(200);
  });

  test('signature headers are accepted, not required', async () => {
    const signed = { ...headers, signature: 'sig1=:K2qGT5srn2OGbOIDzQ6kYT+ruaycnDAAUpKv+ePFfD0=:', 'signature-input': 'sig1=("@method" "@path");keyid="k";created=1' };
    await request(app).get(accountPath).set(signed).expect(200);
    await request(app).get(accountPath).set(headers).expect(200);
  });

  test('the last reference account of a user cannot be deleted', async () => {
    const list = await request(app).get(listPath).set(headers).expect(200);
    const ids: string[] = list.body.data.map((a: { id: string }) => a.id);
    for (const id of ids.slice(1)) await request(app).delete(`/upvest/payments/reference_accounts/${id}`).set(headers).expect(204);
    expectProblem(await request(app).delete(`/upvest/payments/reference_accounts/${ids[0]}`).set(headers), 409, 'conflict');
    await request(app).get(`/upvest/payments/reference_accounts/${ids[0]}`).set(headers).expect(200);
  });
});

describe('validation names the field and rule, in the Upvest envelope', () => {
  const post = (b: unknown, extra: Record<string, string> = {}) =>
    request(app).post('/upvest/payments/reference_accounts').set({ ...headers, ...IDEMPOTENCY, ...extra }).send(b as object);

  test.each([
    ['a bad IBAN pattern', { iban: 'de02' }, /iban must match pattern/],
    ['a bad BIC', { bic: 'BELA' }, /bic must match pattern/],
    ['an owner over 140 characters', { account_owner: 'x'.repeat(141) }, /account_owner must NOT have more than 140 characters/],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, /name must NOT have more than 100 characters/],
    ['a confirmed_at that is not a date-time', { confirmed_at: 'yesterday' }, /confirmed_at must match format "date-time"/],
    ['an unknown property', { nickname: 'x' }, /additional properties; found 'nickname'/],
    ['a user_id that is not a uuid', { user_id: '42' }, /user_id must match format "uuid"/],
    ['a wrong check digit', { iban: 'DE88370400440532013000' }, /body.iban is not a valid IBAN/],
  ])('%s', async (_, change, detail) => {
    const res = await post({ ...body, ...change });
    expectProblem(res, 400, 'invalid_request');
    expect(res.body.detail).toMatch(detail);
  });

  test('a missing required property', async () => {
    const { bic: _bic, ...withoutBic } = body;
    const res = await post(withoutBic);
    expectProblem(res, 400, 'invalid_request');
    expect(res.body.detail).toMatch(/body bic is required/);
  });

  test('query parameters out of range', async () => {
    const res = await request(app).get(`${listPath}?limit=1001&offset=-1&order=UP`).set(headers);
    expectProblem(res, 400, 'invalid_request');
    expect(res.body.detail).toMatch(/limit must be <= 1000/);
    expect(res.body.detail).toMatch(/offset must be >= 0/);
    expect(res.body.detail).toMatch(/order must be equal to one of the allowed values: ASC, DESC/);
  });

  test('missing headers have their own slugs, with a status each operation documents', async () => {
    expectProblem(await request(app).get(listPath).set('authorization', 'Bearer test'), 400, 'missing_client_id');
    expectProblem(await request(app).post('/upvest/payments/reference_accounts').set(headers).send(body), 400, 'missing_idempotency_key');
    expectProblem(await request(app).get(listPath).set({ ...headers, 'upvest-client-id': 'nope' }), 400, 'invalid_request');
    // get and delete document no 400: the caller is not identified
    expectProblem(await request(app).get(accountPath).set('authorization', 'Bearer test'), 401, 'missing_client_id');
    expectProblem(await request(app).delete(accountPath).set('authorization', 'Bearer test'), 401, 'missing_client_id');
    expectProblem(await request(app).get(accountPath).set({ ...headers, 'upvest-client-id': 'nope' }), 401, 'unauthorised');
  });

  test('a path id that is not a uuid names no account (404, as get and delete document no 400)', async () => {
    expectProblem(await request(app).get('/upvest/payments/reference_accounts/..%2F..%2Fetc').set(headers), 404, 'not_found');
    expectProblem(await request(app).delete('/upvest/payments/reference_accounts/42').set(headers), 404, 'not_found');
    expectProblem(await request(app).get('/upvest/payments/reference_accounts/%zz').set(headers), 404, 'not_found');
    expectProblem(await request(app).get('/upvest/payments/reference_accounts/00000000-0000-4000-8000-000000000000').set(headers), 404, 'not_found');
  });

  test('malformed JSON and the wrong content type', async () => {
    const malformed = await post('{"user_id":').set('content-type', 'application/json');
    expectProblem(malformed, 400, 'invalid_request');
    expect(malformed.body.detail).toMatch(/not valid JSON/);
    const form = await request(app).post('/upvest/payments/reference_accounts').set({ ...headers, ...IDEMPOTENCY }).type('form').send('a=b');
    expectProblem(form, 400, 'invalid_request');
    expect(form.body.detail).toMatch(/application\/json/);
  });
});

describe('authentication and scopes', () => {
  test('no token is 401', async () => {
    expectProblem(await request(app).get(accountPath).set('upvest-client-id', UPVEST.clientId), 401, 'unauthorised');
    expectProblem(await request(app).get(accountPath).set({ 'upvest-client-id': UPVEST.clientId, authorization: 'Basic abc' }), 401, 'unauthorised');
  });

  test('a read-only token may list and get, not create or delete', async () => {
    const { access_token, scope, token_type, expires_in } = await token('reference_accounts:read');
    expect({ scope, token_type, expires_in }).toEqual({ scope: 'reference_accounts:read', token_type: 'bearer', expires_in: 3600 });
    const auth = { ...headers, authorization: `Bearer ${access_token}` };
    await request(app).get(listPath).set(auth).expect(200);
    await request(app).get(accountPath).set(auth).expect(200);
    expectProblem(await request(app).post('/upvest/payments/reference_accounts').set({ ...auth, ...IDEMPOTENCY }).send(body), 403, 'forbidden');
    expectProblem(await request(app).delete(accountPath).set(auth), 403, 'forbidden');
  });

  test('an admin token may do everything', async () => {
    const { access_token } = await token('reference_accounts:admin');
    await request(app).delete(accountPath).set({ ...headers, authorization: `Bearer ${access_token}` }).expect(204);
  });

  test('expired, tampered and other-API sandbox tokens are 401', async () => {
    const { access_token } = await token('reference_accounts:admin');
    const [h, p] = access_token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, scopes: ['x:y'] })).toString('base64url')}.${access_token.split('.')[2]}`;
    const expired = jwt.sign({ api: 'upvest', scopes: [] }, 'banking-api-sandbox-tokens-are-not-secret', { issuer: 'banking-api-sandbox', expiresIn: -10 });
    const otherApi = jwt.sign({ api: 'payex', scopes: [] }, 'banking-api-sandbox-tokens-are-not-secret', { issuer: 'banking-api-sandbox', expiresIn: 60 });
    for (const [t, reason] of [[tampered, /signature/], [expired, /expired/], [otherApi, /payex/]] as const) {
      const res = await request(app).get(accountPath).set({ ...headers, authorization: `Bearer ${t}` });
      expectProblem(res, 401, 'unauthorised');
      expect(res.body.detail).toMatch(reason);
    }
  });

  test('token requests are validated', async () => {
    const bad = await request(app).post('/upvest/auth/token').set('upvest-client-id', UPVEST.clientId).type('form').send({ client_id: 'a', grant_type: 'password', scope: 'x' });
    expectProblem(bad, 400, 'invalid_request');
    expect(bad.body.detail).toMatch(/client_secret is required/);
    expect(bad.body.detail).toMatch(/client_id must match format "uuid"/);
    expect(bad.body.detail).toMatch(/grant_type must be equal to one of the allowed values: client_credentials/);
    const scope = await request(app).post('/upvest/auth/token').set('upvest-client-id', UPVEST.clientId).type('form').send({ client_id: '363f3305-7ab0-4e82-a158-f9d382ad08b6', client_secret: 'b', grant_type: 'client_credentials', scope: 'everything' });
    expectProblem(scope, 400, 'invalid_request');
    expect(scope.body.detail).toMatch(/body.scope/);
  });
});

describe('unknown routes', () => {
  test('an unknown path below /upvest is a 404 problem; a wrong method a 405 with Allow', async () => {
    expectProblem(await request(app).get('/upvest/payments').set(headers), 404, 'not_found');
    const res = await request(app).patch(accountPath).set(headers).send({});
    expectProblem(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('GET, DELETE');
  });

  test('anything outside the APIs is a JSON 404, never HTML', async () => {
    const res = await request(app).get('/nothing/here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.error).toBe('not_found');
  });
});
