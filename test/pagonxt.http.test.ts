import request from 'supertest';
import jwt from 'jsonwebtoken';
import { generateKeyPairSync } from 'node:crypto';
import { pagonxt } from '../src/apis/pagonxt/index.js';
import { ACCOUNTS, type Account, type AccountRecord } from '../src/apis/pagonxt/state.js';
import { testApp, PAGONXT } from './helpers.js';

const { customer, account, iban, bban, otherCustomer, otherAccount, headers } = PAGONXT;
const accountPath = (id: string, query = '', customerId = customer) => `/pagonxt/customers/${customerId}/accounts/${id}${query}`;
const NOW = new Date('2026-11-21T10:00:00.000Z');

let sandbox: Awaited<ReturnType<typeof testApp>>;
let app: typeof sandbox.app;
beforeEach(async () => {
  sandbox = await testApp({ now: () => NOW });
  app = sandbox.app;
});
afterEach(() => expect(sandbox.errors).toEqual([]));

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const tokenRequest = (form: Record<string, string>) => request(app).post('/pagonxt/oauth/token').type('form').send(form);
/** A client assertion valid for five minutes from the app's (pinned) clock. */
const assertion = (payload: object = { iss: PAGONXT.clientId, sub: PAGONXT.clientId }) =>
  jwt.sign({ exp: NOW.getTime() / 1000 + 300, ...payload }, privateKey, { algorithm: 'ES256' });
/** A response body with the self link's origin dropped (each supertest request has its own port). */
const portless = (body: Account) => ({ ...body, _links: { self: { href: new URL(body._links.self.href).pathname } } });

async function token(scope?: string): Promise<string> {
  const res = await tokenRequest({
    grant_type: 'client_credentials',
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion(),
    ...(scope ? { scope } : {}),
  });
  expect(res.status).toBe(200);
  return res.body.access_token;
}

type Level = 'FATAL' | 'ERROR';
const catalogue: Record<number, [string, string, Level]> = {
  400: ['BAD_REQUEST', 'Bad Request', 'FATAL'],
  401: ['UNAUTHORIZED', 'Unauthorized', 'FATAL'],
  403: ['FORBIDDEN', 'Forbidden', 'FATAL'],
  404: ['NOT_FOUND', 'Not Found', 'FATAL'],
  405: ['METHOD_NOT_ALLOWED', 'Method Not Allowed', 'FATAL'],
  406: ['NOT_ACCEPTABLE', 'Not Acceptable', 'FATAL'],
  413: ['ENTITY_TOO_LARGE', 'Request Entity Too Large', 'FATAL'],
  414: ['URI_TOO_LONG', 'URI Too Long', 'FATAL'],
  422: ['UNPROCESSABLE_ENTITY', 'Unprocessable Entity', 'FATAL'],
};

function expectErrors(res: request.Response, status: number, description: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const [code, message, level] = catalogue[status];
  expect(res.body.errors.length).toBeGreaterThanOrEqual(1);
  for (const error of res.body.errors) expect(error).toEqual({ code, message, level, description: expect.stringMatching(/^[a-zA-Z0-9. /_-]+$/) });
  expect(res.body.errors.map((e: { description: string }) => e.description).join(' | ')).toMatch(description);
}

describe('get account', () => {
  test('by uuid, IBAN and BBAN the same account, linking to itself on this server', async () => {
    const byUuid = await request(app).get(accountPath(account)).set(headers).expect(200);
    const body = byUuid.body as Account;
    expect(body.customerId).toBe(customer);
    expect(body.accountIdentifiers.map(id => id.accountId)).toEqual([account, iban, bban]);
    expect(body._links.self.href).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/pagonxt/customers/${customer}/accounts/${account}$`));
    const lookups = [
      accountPath(account, '?account_id_type=uuid'),
      accountPath(account, '?country=GB'),
      accountPath(account.toUpperCase()),
      accountPath(iban, '?account_id_type=iban'),
      accountPath('GB12%20PNXT%200999%201191%206263%2038', '?account_id_type=iban'),
      accountPath(bban, '?account_id_type=bban&country=GB'),
      new URL(body._links.self.href).pathname,
    ];
    for (const path of lookups) {
      expect({ path, body: portless((await request(app).get(path).set(headers).expect(200)).body) }).toEqual({ path, body: portless(body) });
    }
  });

  test('the self link follows the Host the client used', async () => {
    const res = await request(app).get(accountPath(account)).set({ ...headers, host: 'sandbox.example.test:8080' }).expect(200);
    expect(res.body._links.self.href).toBe(`http://sandbox.example.test:8080/pagonxt/customers/${customer}/accounts/${account}`);
  });

  test('a Spanish account by BBAN, and a virtual account with its real account', async () => {
    const es = await request(app).get(accountPath(PAGONXT.esBban, '?account_id_type=bban&country=ES')).set(headers).expect(200);
    expect(es.body.accountIdentifiers[0].accountId).toBe(PAGONXT.esAccount);
    const virtual = await request(app).get(accountPath(PAGONXT.referencedVirtual)).set(headers).expect(200);
    expect(virtual.body).toMatchObject({ supplementaryId: expect.stringMatching(/^PN/), realAccountIdentifiers: [{ realAccountId: PAGONXT.esAccount }, {}, {}] });
    expect(virtual.body.reconciliationModel).toBeUndefined();
  });

  test('the reference\'s example account, as documented (IBAN check digits corrected)', async () => {
    const res = await request(app).get(accountPath(otherAccount, '', otherCustomer)).set(headers).expect(200);
    expect(res.body).toMatchObject({ customerId: otherCustomer, supplementaryId: 'PN2345ABCD', balances: { available: { amount: { amount: 99.99, currency: 'GBP' } } } });
    expect((await request(app).get(accountPath('GB73PNXT09991100000010', '?account_id_type=iban', otherCustomer)).set(headers)).status).toBe(200);
  });

  test('a token with accounts.read is enough', async () => {
    await request(app).get(accountPath(account)).set({ ...headers, authorization: `Bearer ${await token()}` }).expect(200);
  });
});

describe('every error the operation can produce, in the PagoNxt envelope', () => {
  const long = 'a'.repeat(2100);
  test.each<[string, () => request.Test, number, RegExp]>([
    ['a BBAN without country', () => request(app).get(accountPath(bban, '?account_id_type=bban')).set(headers), 400, /^query.country is required with account_id_type bban$/],
    ['no x-client-id', () => request(app).get(accountPath(account)).set('authorization', 'Bearer test'), 400, /^header x-client-id is required$/],
    ['a malformed x-client-id', () => request(app).get(accountPath(account)).set({ ...headers, 'x-client-id': 'not-a-uuid' }), 400, /x-client-id must NOT have fewer than 36 characters.*x-client-id must match pattern/],
    ['an x-client-id of 37 characters', () => request(app).get(accountPath(account)).set({ ...headers, 'x-client-id': `${PAGONXT.clientId}0` }), 400, /x-client-id must NOT have more than 36 characters/],
    ['an unknown account_id_type', () => request(app).get(accountPath(account, '?account_id_type=IBAN')).set(headers), 400, /account_id_type must be equal to one of the allowed values iban bban uuid/],
    ['a lower-case country', () => request(app).get(accountPath(account, '?country=gb')).set(headers), 400, /country must match pattern/],
    ['a customer_id over 50 characters', () => request(app).get(accountPath(account, '', 'c'.repeat(51))).set(headers), 400, /customer_id must NOT have more than 50 characters/],
    ['a customer_id with other characters', () => request(app).get(accountPath(account, '', 'pagonxt.es')).set(headers), 400, /customer_id must match pattern/],
    ['an account_id in no documented format', () => request(app).get(accountPath('nope')).set(headers), 400, /^path parameter account_id must be a uuid or an IBAN or a BBAN$/],
    ['an IBAN without account_id_type iban', () => request(app).get(accountPath(iban)).set(headers), 400, /path.account_id must be a uuid when account_id_type is uuid/],
    ['no token', () => request(app).get(accountPath(account)).set('x-client-id', PAGONXT.clientId), 401, /header.authorization requires an Authorization Bearer header/],
    ['a Basic token', () => request(app).get(accountPath(account)).set({ ...headers, authorization: 'Basic YTpi' }), 401, /Authorization Bearer/],
    ['an expired sandbox token', () => request(app).get(accountPath(account)).set({ ...headers, authorization: `Bearer ${expiredToken()}` }), 401, /the token has expired/],
    ['an account of another customer', () => request(app).get(accountPath(otherAccount)).set(headers), 404, /customer pagonxt_esESB76134758 has no account with uuid 0589bd6c/],
    ['an account in another country', () => request(app).get(accountPath(account, '?country=ES')).set(headers), 404, /in ES$/],
    ['an unknown customer', () => request(app).get(accountPath(account, '', 'pagonxt_nobody')).set(headers), 404, /customer pagonxt_nobody has no account/],
    ['a path that is no operation', () => request(app).get('/pagonxt/customers').set(headers), 404, /No operation matches GET \/customers/],
    ['a method the path does not have', () => request(app).delete(accountPath(account)).set(headers), 405, /DELETE is not allowed/],
    ['an Accept without JSON', () => request(app).get(accountPath(account)).set({ ...headers, accept: 'application/xml' }), 406, /Accept application\/xml allows none of application\/json/],
    ['a body over 8 KB', () => request(app).get(accountPath(account)).set({ ...headers, 'content-type': 'text/plain' }).send('a'.repeat(8193)), 413, /request body is larger than 8192 bytes/],
    ['a URI over 2,048 characters', () => request(app).get(accountPath(account, `?pad=${long}`)).set(headers), 414, /the request URI is longer than 2048 characters/],
    ['an IBAN with wrong check digits', () => request(app).get(accountPath('GB13PNXT09991191626338', '?account_id_type=iban')).set(headers), 422, /not a valid IBAN/],
    ['a Spanish BBAN with wrong check digits', () => request(app).get(accountPath('69998246968100465395', '?account_id_type=bban&country=ES')).set(headers), 422, /not a valid BBAN for country ES/],
  ])('%s', async (_, send, status, description) => {
    expectErrors(await send(), status, description);
  });

  test('a body of exactly 8 KB is not too large (it is only refused as a GET body)', async () => {
    const res = await request(app).get(accountPath(account)).set({ ...headers, 'content-type': 'text/plain' }).send('a'.repeat(8192));
    expectErrors(res, 400, /non-empty body/);
  });

  test('Accept headers that allow JSON are fine', async () => {
    for (const accept of ['application/json', '*/*', 'application/*', 'text/html, application/json;q=0.5']) {
      await request(app).get(accountPath(account)).set({ ...headers, accept }).expect(200);
    }
  });

  test('a token without accounts.read is 403', async () => {
    const res = await request(app).get(accountPath(account)).set({ ...headers, authorization: `Bearer ${await token('payments.read')}` });
    expectErrors(res, 403, /the token does not grant accounts.read/);
  });

  test('a token issued for another API is 401', async () => {
    const upvestToken = jwt.sign({ api: 'upvest', scopes: ['accounts.read'] }, 'banking-api-sandbox-tokens-are-not-secret', { issuer: 'banking-api-sandbox', expiresIn: 60 });
    expectErrors(await request(app).get(accountPath(account)).set({ ...headers, authorization: `Bearer ${upvestToken}` }), 401, /issued by the sandbox for the upvest API/);
  });
});

function expiredToken() {
  return jwt.sign({ api: 'pagonxt', scopes: ['accounts.read'], exp: NOW.getTime() / 1000 - 10 }, 'banking-api-sandbox-tokens-are-not-secret', { issuer: 'banking-api-sandbox' });
}

describe('POST /oauth/token', () => {
  test('issues a bearer token with the requested scopes, not to be cached', async () => {
    const res = await tokenRequest({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(), client_id: PAGONXT.clientId, scope: 'accounts.read payments.read' }).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'accounts.read payments.read' });
  });

  test.each<[string, Record<string, string | undefined>, number, RegExp]>([
    ['another grant type', { grant_type: 'password' }, 400, /grant_type must be equal to one of the allowed values client_credentials/],
    ['a client secret instead of an assertion', { client_secret: 's3cret', client_assertion: undefined, client_assertion_type: undefined }, 400, /body client_assertion_type is required \| body client_assertion is required/],
    ['another assertion type', { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }, 400, /client_assertion_type must be equal to one of the allowed values/],
    ['an assertion that is not a JWT', { client_assertion: 'not-a-jwt' }, 400, /client_assertion must match pattern/],
    ['an unsigned assertion', { client_assertion: `${jwt.sign({ sub: 'a' }, null, { algorithm: 'none' })}c2ln` }, 400, /alg none is not accepted/],
    ['an expired assertion', { client_assertion: jwt.sign({ sub: 'a', exp: 1_000_000 }, privateKey, { algorithm: 'ES256' }) }, 400, /client_assertion has expired/],
    ['a client_id that is not the assertion\'s sub', { client_id: 'someone-else' }, 400, /client_id must equal the sub/],
    ['an empty scope', { scope: '' }, 400, /scope must NOT have fewer than 1 characters/],
    ['an Accept without JSON', { accept: 'text/html' }, 406, /allows none of application\/json/],
  ])('refuses %s', async (_, change, status, description) => {
    const { accept, ...changes } = change;
    const form = { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion(), ...changes };
    const req = tokenRequest(Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined)) as Record<string, string>);
    expectErrors(await (accept ? req.set('accept', accept) : req), status, description);
  });
});

describe('changes through the admin data API', () => {
  test('a new balance shows, with updatedAt and lastChangeDateTime stamped', async () => {
    const before = (await request(app).get(accountPath(account)).set(headers).expect(200)).body as Account;
    // What the admin data API does with a write: run the module's hook, store what it returns.
    const collection = sandbox.store.sandbox().api('pagonxt').collection<AccountRecord>(ACCOUNTS);
    const previous = collection.get(account)!;
    const record = structuredClone(previous);
    record.balances.available.amount.amount = 4321.5;
    const stored = pagonxt.beforeAdminWrite!({ collection: ACCOUNTS, key: account, record: record as never, previous: previous as never, now: NOW }, sandbox.store.sandbox().api('pagonxt'));
    await collection.put(account, stored as AccountRecord);

    const after = (await request(app).get(accountPath(iban, '?account_id_type=iban')).set(headers).expect(200)).body as Account;
    expect(after.balances.available).toEqual({ amount: { amount: 4321.5, currency: 'GBP' }, lastChangeDateTime: '2026-11-21T10:00:00.000Z' });
    expect(after.updatedAt).toBe('2026-11-21T10:00:00.000Z');
    expect(after.createdAt).toBe(before.createdAt);
  });
});
