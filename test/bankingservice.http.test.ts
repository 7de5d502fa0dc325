import request from 'supertest';
import jwt from 'jsonwebtoken';
import { BUSY_PROFILE, EMPTY_PROFILE, EXAMPLE_CUSTOMER, SMALL_PROFILE, SMALL_PROFILE_CUSTOMER } from '../src/apis/bankingservice/fixtures.js';
import { testApp } from './helpers.js';

const AUTH = { authorization: 'Bearer test' };
const B = '/bankingservice/v1';
const customersOf = (profileId: string) => `${B}/profiles/${profileId}/customers`;
const customerPath = (profileId: string, customerId: string) => `${customersOf(profileId)}/${customerId}`;
const EXAMPLE = customerPath(BUSY_PROFILE.id, EXAMPLE_CUSTOMER.id);
const body = {
  company: 'Bakkerij Jansen B.V.',
  first_name: 'Piet',
  last_name: 'Jansen',
  email: 'piet@bakkerijjansen.nl',
  phone: '31201234567',
  address: { premise: 7, sub_premise: 'A', postal_code: '1012 AB', thoroughfare: 'Damrak', locality: 'Amsterdam', state: 'Noord-Holland', country: 'NL' },
};
const { profile_id: _profile, ...EXAMPLE_SHOWN } = EXAMPLE_CUSTOMER;

let app: Awaited<ReturnType<typeof testApp>>['app'];
let errors: unknown[];
beforeEach(async () => {
  ({ app, errors } = await testApp());
});
afterEach(() => expect(errors).toEqual([]));

/** Checks the (inferred) error envelope; returns the fields it names. */
function expectError(res: request.Response, status: number, error: string): string[] {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status, type: expect.stringMatching(/^application\/json/) });
  expect(res.body).toEqual({ status, error, message: expect.any(String), errors: expect.any(Array), request_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  return res.body.errors.map((e: { field: string }) => e.field);
}

describe('customers over HTTP', () => {
  test('a profile\'s 45 customers page as 20, 20 and 5, newest first', async () => {
    const pages = [];
    for (const page of [0, 1, 2, 3]) pages.push((await request(app).get(`${customersOf(BUSY_PROFILE.id)}?page=${page}`).set(AUTH).expect(200)).body);
    expect(pages.map(({ page, pages, size, count, data }) => [page, pages, size, count, data.length])).toEqual([
      [0, 3, 20, 45, 20],
      [1, 3, 20, 45, 20],
      [2, 3, 20, 45, 5],
      [3, 3, 20, 45, 0],
    ]);
    const listed = pages.flatMap(p => p.data);
    expect(new Set(listed.map((c: { id: string }) => c.id)).size).toBe(45);
    expect(listed).toContainEqual(EXAMPLE_SHOWN);
    const created = listed.map((c: { created: string }) => c.created);
    expect(created).toEqual([...created].sort().reverse());
  });

  test.each([
    ['size=7', { page: 0, pages: 7, size: 7, count: 45 }],
    ['size=100', { page: 0, pages: 1, size: 100, count: 45 }],
    ['page=6&size=7', { page: 6, pages: 7, size: 7, count: 45 }],
    ['', { page: 0, pages: 3, size: 20, count: 45 }],
  ])('?%s', async (query, envelope) => {
    const res = await request(app).get(`${customersOf(BUSY_PROFILE.id)}?${query}`).set(AUTH).expect(200);
    expect(res.body).toMatchObject(envelope);
    expect(res.body.data).toHaveLength(Math.min(envelope.size, envelope.count - envelope.page * envelope.size));
  });

  test('an empty profile lists nothing, and so does an unknown one (the list documents only 200)', async () => {
    expect((await request(app).get(customersOf(EMPTY_PROFILE.id)).set(AUTH).expect(200)).body).toEqual({ page: 0, pages: 0, size: 20, count: 0, data: [] });
    expect((await request(app).get(customersOf('profile_unknown')).set(AUTH).expect(200)).body).toEqual({ page: 0, pages: 0, size: 20, count: 0, data: [] });
  });

  test('creating a customer in an unknown profile is a 400 not_found (the operation documents 200 and 400)', async () => {
    expectError(await request(app).post(customersOf('profile_unknown')).set(AUTH).send(body), 400, 'not_found');
  });

  test('create, get, list, replace, delete', async () => {
    const created = await request(app).post(customersOf(BUSY_PROFILE.id)).set(AUTH).send(body).expect(200);
    expect(created.body).toEqual({ id: expect.stringMatching(/^customer_[0-9a-f]{24}$/), ...body, created: expect.any(String) });
    expect(Date.now() - Date.parse(created.body.created)).toBeLessThan(60_000);
    const path = customerPath(BUSY_PROFILE.id, created.body.id);

    expect((await request(app).get(path).set(AUTH).expect(200)).body).toEqual(created.body);
    const listed = await request(app).get(`${customersOf(BUSY_PROFILE.id)}?size=1`).set(AUTH).expect(200);
    expect(listed.body).toEqual({ page: 0, pages: 46, size: 1, count: 46, data: [created.body] });

    const replacement = { last_name: 'Jansen-de Boer', email: 'piet@jansen.nl' };
    const replaced = await request(app).put(path).set(AUTH).send(replacement).expect(200);
    expect(replaced.body).toEqual({ id: created.body.id, ...replacement, created: created.body.created });
    expect((await request(app).get(path).set(AUTH).expect(200)).body).toEqual(replaced.body);

    expect((await request(app).delete(path).set(AUTH).expect(200)).body).toEqual(replaced.body);
    expectError(await request(app).get(path).set(AUTH), 404, 'not_found');
    expectError(await request(app).put(path).set(AUTH).send(replacement), 400, 'not_found');
    expectError(await request(app).delete(path).set(AUTH), 400, 'not_found');
    expect((await request(app).get(customersOf(BUSY_PROFILE.id)).set(AUTH)).body.count).toBe(45);
  });

  test('a fixture customer can be deleted, and is then gone from its list', async () => {
    expect((await request(app).delete(EXAMPLE).set(AUTH).expect(200)).body).toEqual(EXAMPLE_SHOWN);
    expectError(await request(app).get(EXAMPLE).set(AUTH), 404, 'not_found');
    const all = await request(app).get(`${customersOf(BUSY_PROFILE.id)}?size=100`).set(AUTH).expect(200);
    expect(all.body.count).toBe(44);
    expect(all.body.data.map((c: { id: string }) => c.id)).not.toContain(EXAMPLE_CUSTOMER.id);
  });

  test.each([
    ['GET', undefined, 404],
    ['PUT', body, 400],
    ['DELETE', undefined, 400],
  ])('%s of another profile\'s customer is a %s not_found (a status the operation documents) that changes nothing', async (method, send, status) => {
    const path = customerPath(SMALL_PROFILE.id, EXAMPLE_CUSTOMER.id);
    let req = request(app)[method.toLowerCase() as 'get'](path).set(AUTH);
    if (send) req = req.send(send);
    expectError(await req, status as number, 'not_found');
    expect((await request(app).get(EXAMPLE).set(AUTH).expect(200)).body).toEqual(EXAMPLE_SHOWN);
    await request(app).get(customerPath(SMALL_PROFILE.id, SMALL_PROFILE_CUSTOMER.id)).set(AUTH).expect(200);
  });

  test('sandboxes named by X-Sandbox-Id do not see each other\'s customers', async () => {
    const created = await request(app).post(customersOf(EMPTY_PROFILE.id)).set({ ...AUTH, 'x-sandbox-id': 'ci-job-1' }).send(body).expect(200);
    expect((await request(app).get(customersOf(EMPTY_PROFILE.id)).set({ ...AUTH, 'x-sandbox-id': 'ci-job-1' })).body.count).toBe(1);
    expect((await request(app).get(customersOf(EMPTY_PROFILE.id)).set({ ...AUTH, 'x-sandbox-id': 'ci-job-2' })).body.count).toBe(0);
    expectError(await request(app).get(customerPath(EMPTY_PROFILE.id, created.body.id)).set(AUTH), 404, 'not_found');
  });
});

describe('validation: a 400 naming the field', () => {
  const post = (b: unknown) => request(app).post(customersOf(BUSY_PROFILE.id)).set(AUTH).send(b as object);
  const put = (b: unknown) => request(app).put(EXAMPLE).set(AUTH).send(b as object);

  test.each([
    ['an e-mail over 254 characters', { email: `${'p'.repeat(250)}@x.nl` }, 'body.email', /more than 254/],
    ['a phone that is a number', { phone: 31201234567 }, 'body.phone', /must be string/],
    ['a phone over 32 characters', { phone: '3'.repeat(33) }, 'body.phone', /more than 32 characters/],
    ['a country over 100 characters', { address: { country: 'N'.repeat(101) } }, 'body.address.country', /more than 100 characters/],
    ['an unknown property', { nickname: 'PJ' }, 'body.nickname', /additional properties; found 'nickname'/],
    ['an unknown address property', { address: { street: 'Damrak' } }, 'body.address.street', /additional properties; found 'street'/],
    ['a read-only id', { id: 'customer_1' }, 'body.id', /additional properties; found 'id'/],
    ['a premise that is a string', { address: { premise: '58' } }, 'body.address.premise', /must be integer/],
    ['a premise with a fraction', { address: { premise: 5.5 } }, 'body.address.premise', /must be integer/],
    ['a company over 200 characters', { company: 'x'.repeat(201) }, 'body.company', /more than 200 characters/],
    ['a first name over 100 characters', { first_name: 'x'.repeat(101) }, 'body.first_name', /more than 100 characters/],
    ['a sub_premise over 20 characters', { address: { sub_premise: 'x'.repeat(21) } }, 'body.address.sub_premise', /more than 20 characters/],
    ['a postal code over 16 characters', { address: { postal_code: 'x'.repeat(17) } }, 'body.address.postal_code', /more than 16 characters/],
    ['a street over 100 characters', { address: { thoroughfare: 'x'.repeat(101) } }, 'body.address.thoroughfare', /more than 100 characters/],
  ])('%s', async (_, change, field, message) => {
    for (const send of [post, put]) {
      const res = await send({ ...body, ...change, address: { ...body.address, ...(change as { address?: object }).address } });
      expect(expectError(res, 400, 'invalid_request')).toContain(field);
      expect(res.body.message).toMatch(message);
    }
    expect((await request(app).get(customersOf(BUSY_PROFILE.id)).set(AUTH)).body.count).toBe(45);
    expect((await request(app).get(EXAMPLE).set(AUTH)).body).toEqual(EXAMPLE_SHOWN);
  });

  test('every failing field is named at once', async () => {
    const res = await post({ email: 7, phone: 31201234567, address: { premise: 'one' } });
    expect(expectError(res, 400, 'invalid_request').sort()).toEqual(['body.address.premise', 'body.email', 'body.phone']);
  });

  test.each([
    ['no field at all (every field is optional)', {}, {}],
    ['no company or name', { email: 'someone@example.nl' }, { email: 'someone@example.nl' }],
    ['an e-mail the sandbox would not call one', { email: 'piet@localhost' }, { email: 'piet@localhost' }],
    ['a phone in print format', { phone: '+31 20 123 4567' }, { phone: '+31 20 123 4567' }],
    ['an empty last name', { last_name: '' }, { last_name: '' }],
    ['a negative premise and any country', { address: { premise: -1, country: 'Netherlands' } }, { address: { premise: -1, country: 'Netherlands' } }],
  ])('what the page does not rule out is accepted: %s', async (_, sent, stored) => {
    for (const send of [post, put]) {
      const res = await send(sent);
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { id: expect.stringMatching(/^customer_/), ...stored, created: expect.any(String) } });
    }
  });

  test.each([
    ['page=-1', { page: 0, size: 20 }],
    ['page=1.5', { page: 0, size: 20 }],
    ['page=first', { page: 0, size: 20 }],
    ['size=0', { page: 0, size: 1 }],
    ['size=101', { page: 0, size: 100 }],
    ['size=ten&page=1', { page: 1, size: 20 }],
  ])('the list query %s is not refused (the list documents only 200): it counts as %j', async (query, envelope) => {
    const res = await request(app).get(`${customersOf(BUSY_PROFILE.id)}?${query}`).set(AUTH).expect(200);
    expect(res.body).toMatchObject({ ...envelope, count: 45 });
  });

  test('ids of any form are looked up, and answer with statuses their operations document', async () => {
    expectError(await request(app).get(customerPath(BUSY_PROFILE.id, 'customer%20one')).set(AUTH), 404, 'not_found');
    expectError(await request(app).delete(customerPath(BUSY_PROFILE.id, 'customer%20one')).set(AUTH), 400, 'not_found');
    expect((await request(app).get(customersOf('..%2F..%2Fetc')).set(AUTH).expect(200)).body.count).toBe(0);
    expectError(await request(app).get(`${customersOf(BUSY_PROFILE.id)}/`).set(AUTH), 404, 'not_found');
  });

  test('malformed, missing and non-JSON bodies', async () => {
    expect(expectError(await post('{"first_name":').set('content-type', 'application/json'), 400, 'invalid_request')).toEqual(['body']);
    expect(expectError(await request(app).post(customersOf(BUSY_PROFILE.id)).set(AUTH), 400, 'invalid_request')).toEqual(['body']);
    expect(expectError(await post([body]), 400, 'invalid_request')).toEqual(['body']);
    const form = await request(app).post(customersOf(BUSY_PROFILE.id)).set(AUTH).type('form').send('first_name=Piet');
    expect(expectError(form, 400, 'invalid_request')).toEqual(['header.content-type']);
    expect(expectError(await post('{"__proto__":{"x":1}}').set('content-type', 'application/json'), 400, 'invalid_request')).toEqual(['body']);
  });

  test('a body over 64 KiB is a 413; a URI over 8,192 characters a 414', async () => {
    expectError(await post({ ...body, company: 'x'.repeat(70_000) }), 413, 'payload_too_large');
    expectError(await request(app).get(`${customersOf(BUSY_PROFILE.id)}?size=20&pad=${'x'.repeat(8200)}`).set(AUTH), 414, 'uri_too_long');
  });
});

describe('authentication', () => {
  const token = (send: object | string, type: 'form' | 'json' = 'form') => request(app).post(`${B}/oauth/token`).type(type).send(send);

  test.each([
    ['GET list', 'get', customersOf(BUSY_PROFILE.id)],
    ['POST', 'post', customersOf(BUSY_PROFILE.id)],
    ['GET one', 'get', EXAMPLE],
    ['PUT', 'put', EXAMPLE],
    ['DELETE', 'delete', EXAMPLE],
  ])('%s without a bearer token is a 401 with a challenge', async (_, method, path) => {
    for (const authorization of [undefined, 'Basic dXNlcjpwYXNz', 'Bearer']) {
      let req = request(app)[method as 'get'](path);
      if (authorization) req = req.set('authorization', authorization);
      const res = await req.send(method === 'post' || method === 'put' ? body : undefined);
      expect(expectError(res, 401, 'unauthorized')).toEqual(['header.authorization']);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="bankingservice"');
    }
    expect((await request(app).get(customersOf(BUSY_PROFILE.id)).set(AUTH)).body.count).toBe(45);
  });

  test.each([
    ['form-encoded', { grant_type: 'client_credentials', client_id: 'shop-1', client_secret: 's3cret' }, 'form'],
    ['JSON', { grant_type: 'client_credentials', client_id: 'shop-1' }, 'json'],
    ['with a private-key JWT', { grant_type: 'client_credentials', client_id: 'shop-1', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJzaG9wLTEifQ.c2ln' }, 'form'],
    ['with unknown parameters, which are ignored', { grant_type: 'client_credentials', client_id: 'shop-1', audience: 'x' }, 'form'],
  ] as const)('a token request, %s, issues a token that works', async (_, send, type) => {
    const res = await token(send, type).expect(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
    expect(res.headers['cache-control']).toBe('no-store');
    await request(app).get(EXAMPLE).set('authorization', `Bearer ${res.body.access_token}`).expect(200);
  });

  test('the client may authenticate with Basic instead', async () => {
    const res = await request(app).post(`${B}/oauth/token`).auth('shop-2', 's3cret').type('form').send({ grant_type: 'client_credentials' }).expect(200);
    expect(jwt.decode(res.body.access_token)).toMatchObject({ sub: 'shop-2' });
  });

  test.each([
    ['no grant_type', { client_id: 'a' }, 'invalid_request', 'body.grant_type'],
    ['another grant type', { grant_type: 'password', client_id: 'a' }, 'unsupported_grant_type', 'body.grant_type'],
    ['no client_id', { grant_type: 'client_credentials' }, 'invalid_request', 'body.client_id'],
    ['an empty client_id', { grant_type: 'client_credentials', client_id: '' }, 'invalid_request', 'body.client_id'],
    ['a client_id over 255 characters', { grant_type: 'client_credentials', client_id: 'x'.repeat(256) }, 'invalid_request', 'body.client_id'],
    ['an assertion that is not a JWT', { grant_type: 'client_credentials', client_id: 'a', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'secret' }, 'invalid_request', 'body.client_assertion'],
    ['an unknown assertion type', { grant_type: 'client_credentials', client_id: 'a', client_assertion_type: 'saml', client_assertion: 'a.b.c' }, 'invalid_request', 'body.client_assertion_type'],
    ['an assertion without its type', { grant_type: 'client_credentials', client_id: 'a', client_assertion: 'a.b.c' }, 'invalid_request', 'body.client_assertion_type'],
  ])('a token request with %s is a 400', async (_, send, error, field) => {
    expect(expectError(await token(send), 400, error)).toEqual([field]);
  });

  test('a token request that is not a form or JSON object is a 400', async () => {
    expect(expectError(await token('{"grant_type":', 'json').set('content-type', 'application/json'), 400, 'invalid_request')).toEqual(['body']);
    expect(expectError(await request(app).post(`${B}/oauth/token`), 400, 'invalid_request')).toEqual(['body']);
    expect(expectError(await request(app).post(`${B}/oauth/token`).set('content-type', 'text/plain').send('hello'), 400, 'invalid_request')).toEqual(['header.content-type']);
  });

  test('expired, altered and other-API sandbox tokens are a 401 invalid_token', async () => {
    const { access_token } = (await token({ grant_type: 'client_credentials', client_id: 'shop-1' }).expect(200)).body;
    const sign = (payload: object, expiresIn: number) => jwt.sign(payload, 'banking-api-sandbox-tokens-are-not-secret', { issuer: 'banking-api-sandbox', expiresIn });
    for (const [bearer, reason] of [
      [`${access_token}x`, /signature/],
      [sign({ api: 'bankingservice', scopes: [] }, -10), /expired/],
      [sign({ api: 'upvest', scopes: [] }, 60), /upvest/],
    ] as const) {
      const res = await request(app).get(EXAMPLE).set('authorization', `Bearer ${bearer}`);
      expectError(res, 401, 'invalid_token');
      expect(res.body.message).toMatch(reason);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="bankingservice", error="invalid_token"');
    }
  });
});

describe('unknown routes', () => {
  test('an unknown path is a 404, a wrong method a 405 with Allow, both in the envelope', async () => {
    expectError(await request(app).get(`${B}/profiles`).set(AUTH), 404, 'not_found');
    const res = await request(app).patch(EXAMPLE).set(AUTH).send({});
    expectError(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('GET, PUT, DELETE');
  });
});
