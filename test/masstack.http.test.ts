import request from 'supertest';
import jwt from 'jsonwebtoken';
import { EXAMPLE } from '../src/apis/masstack/fixtures.js';
import { testApp } from './helpers.js';

const API_KEY = { 'x-auth-roles': 'API_KEY' };
const IBAN = 'ES7921000813610123456789';
const TOKEN = '9d4c0b5a-2e6f-4a81-9c93-a4b5c6d7e8f9';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const SEVILLA = { address_lines: ['Avenida de la Constitución 12', 'Local 4'], postal_code: '41004', city: 'Sevilla', province: 'Sevilla', country: 'ES' };
const newAccount = { modality: 'POSTPAID', payment_method: { type: 'DIRECT_DEBIT', details: { iban: IBAN } }, billing_address: SEVILLA };

const B = '/masstack/orgs';
const accountPath = (id: string, org = 'telco') => `${B}/${org}/accounts/${id}`;
const paymentMethodPath = (id: string, org = 'telco') => `${accountPath(id, org)}/payment-method`;
const customerAccounts = (customer: string, org = 'telco') => `${B}/${org}/customers/${customer}/accounts`;
const customerAccount = (customer: string, id: string, org = 'telco') => `${customerAccounts(customer, org)}/${id}`;
const availableMethods = (customer: string, id: string, org = 'telco') => `${customerAccount(customer, id, org)}/payment-methods`;

let app: Awaited<ReturnType<typeof testApp>>['app'];
let errors: unknown[];
beforeEach(async () => {
  ({ app, errors } = await testApp());
});
afterEach(() => expect(errors).toEqual([]));

type Method = 'get' | 'post' | 'patch' | 'delete';
const send = (method: Method, path: string, body?: unknown, headers: Record<string, string> = API_KEY) => {
  const req = request(app)[method](path).set(headers);
  return body === undefined ? req : req.send(body as object);
};

/** Checks the MasStack envelope and returns the codes and messages of its errors. */
function mcus(res: request.Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const errs = res.body.errors as Array<{ error: { code: string; title: string; ref: string; message: string } }>;
  expect(errs.length).toBeGreaterThan(0);
  for (const { error } of errs) {
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'ref', 'title']);
    expect(error.code).toMatch(/^MCUS\.\d{3}\.\d{3}$/);
    expect(error.ref).toBe(`https://developers.masstack.com/errors/${error.code}`);
  }
  return { codes: errs.map(e => e.error.code), messages: errs.map(e => e.error.message) };
}

describe('the account life cycle, as documented', () => {
  test('create → 200 with the id; then listed and readable', async () => {
    const created = await send('post', customerAccounts(EXAMPLE.customerWithoutAccounts), newAccount).expect(200);
    expect(Object.keys(created.body)).toEqual(['account_id']);
    const id = created.body.account_id as string;
    expect((await send('get', customerAccounts(EXAMPLE.customerWithoutAccounts)).expect(200)).body).toEqual({ account_ids: [id] });
    const got = await send('get', accountPath(id)).expect(200);
    expect(got.body).toEqual({
      id,
      customer_id: EXAMPLE.customerWithoutAccounts,
      modality: 'POSTPAID',
      payment_method: newAccount.payment_method,
      billing_address: SEVILLA,
      invoice: { cycle: { name: 'CYCLE_01', day: 1, type: 'ARREARS', frequency: 'MONTHLY' } },
      pending_charges: { count: 0, amount: '0.00', currency: 'EUR' },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  test('PATCH payment method → 204, and the next GET shows it', async () => {
    const res = await send('patch', paymentMethodPath(EXAMPLE.bankTransferAccount), { type: 'DIRECT_DEBIT', details: { iban: IBAN } }).expect(204);
    expect(res.text).toBe('');
    expect((await send('get', accountPath(EXAMPLE.bankTransferAccount))).body.payment_method).toEqual({ type: 'DIRECT_DEBIT', details: { iban: IBAN } });
    await send('patch', paymentMethodPath(EXAMPLE.bankTransferAccount), { type: 'CREDIT_CARD', details: { token_id: TOKEN } }).expect(204);
    expect((await send('get', accountPath(EXAMPLE.bankTransferAccount))).body.payment_method).toEqual({ type: 'CREDIT_CARD', details: { token_id: TOKEN } });
    await send('patch', paymentMethodPath(EXAMPLE.bankTransferAccount), { type: 'BANK_TRANSFER', details: null }).expect(204);
    expect((await send('get', accountPath(EXAMPLE.bankTransferAccount))).body.payment_method).toEqual({ type: 'BANK_TRANSFER' });
  });

  test('DELETE → 204, gone from the list and from GET', async () => {
    const res = await send('delete', customerAccount(EXAMPLE.customer, EXAMPLE.creditCardAccount)).expect(204);
    expect(res.text).toBe('');
    expect((await send('get', customerAccounts(EXAMPLE.customer))).body.account_ids).not.toContain(EXAMPLE.creditCardAccount);
    expect(mcus(await send('get', accountPath(EXAMPLE.creditCardAccount)), 404).codes).toEqual(['MCUS.100.003']);
    expect(mcus(await send('delete', customerAccount(EXAMPLE.customer, EXAMPLE.creditCardAccount)), 404).codes).toEqual(['MCUS.100.003']);
  });

  test('every payment method type is available, whatever the modality', async () => {
    const postpaid = await send('get', availableMethods(EXAMPLE.customer, EXAMPLE.directDebitAccount)).expect(200);
    expect(postpaid.body).toEqual({
      account_id: EXAMPLE.directDebitAccount,
      modality: 'POSTPAID',
      current: 'DIRECT_DEBIT',
      payment_methods: [
        { type: 'DIRECT_DEBIT', required_details: ['iban'] },
        { type: 'BANK_TRANSFER', required_details: [] },
        { type: 'CREDIT_CARD', required_details: ['token_id'] },
        { type: 'TECI', required_details: [] },
      ],
    });
    const prepaid = await send('get', availableMethods(EXAMPLE.customer, EXAMPLE.teciAccount)).expect(200);
    expect(prepaid.body.payment_methods.map((m: { type: string }) => m.type)).toEqual(['DIRECT_DEBIT', 'BANK_TRANSFER', 'CREDIT_CARD', 'TECI']);
  });
});

describe('business rules, each a documented status and MCUS code', () => {
  test.each<[string, Method, string, unknown, number, string[]]>([
    ['an unknown organization', 'get', accountPath(EXAMPLE.directDebitAccount, 'vodafone'), undefined, 404, ['MCUS.100.001']],
    ['an unknown customer (list)', 'get', customerAccounts(UNKNOWN), undefined, 404, ['MCUS.100.002']],
    ['an unknown customer (create)', 'post', customerAccounts(UNKNOWN), newAccount, 404, ['MCUS.100.002']],
    ['an unknown account', 'get', accountPath(UNKNOWN), undefined, 404, ['MCUS.100.003']],
    ['another customer\'s account', 'delete', customerAccount(EXAMPLE.singleAccountCustomer, EXAMPLE.creditCardAccount), undefined, 404, ['MCUS.100.003']],
    ['a duplicate account', 'post', customerAccounts(EXAMPLE.customer), { modality: 'RECURRING_PREPAID', payment_method: { type: 'TECI' } }, 409, ['MCUS.100.004']],
    ['deleting the customer\'s only account', 'delete', customerAccount(EXAMPLE.singleAccountCustomer, EXAMPLE.singleAccount), undefined, 409, ['MCUS.100.005']],
    ['deleting an account with pending charges', 'delete', customerAccount(EXAMPLE.customer, EXAMPLE.bankTransferAccount), undefined, 409, ['MCUS.100.006']],
  ])('%s', async (_, method, path, body, status, codes) => {
    expect(mcus(await send(method, path, body), status).codes).toEqual(codes);
  });

  test('creating the same account twice: 200, then 409, and only one is listed', async () => {
    const first = await send('post', customerAccounts(EXAMPLE.customer), newAccount).expect(200);
    const again = mcus(await send('post', customerAccounts(EXAMPLE.customer), newAccount), 409);
    expect(again.messages[0]).toContain(first.body.account_id);
    const ids = (await send('get', customerAccounts(EXAMPLE.customer))).body.account_ids as string[];
    expect(ids.filter(id => id === first.body.account_id)).toHaveLength(1);
    expect(ids).toHaveLength(6);
  });
});

describe('org scoping: telco data does not exist from yoigo', () => {
  test.each<[string, Method, string, unknown, string]>([
    ['get an account', 'get', accountPath(EXAMPLE.directDebitAccount, 'yoigo'), undefined, 'MCUS.100.003'],
    ['patch its payment method', 'patch', paymentMethodPath(EXAMPLE.directDebitAccount, 'yoigo'), { type: 'BANK_TRANSFER' }, 'MCUS.100.003'],
    ['list the customer\'s accounts', 'get', customerAccounts(EXAMPLE.customer, 'yoigo'), undefined, 'MCUS.100.002'],
    ['create an account for the customer', 'post', customerAccounts(EXAMPLE.customer, 'yoigo'), newAccount, 'MCUS.100.002'],
    ['delete an account', 'delete', customerAccount(EXAMPLE.customer, EXAMPLE.creditCardAccount, 'yoigo'), undefined, 'MCUS.100.002'],
    ['get available payment methods', 'get', availableMethods(EXAMPLE.customer, EXAMPLE.teciAccount, 'yoigo'), undefined, 'MCUS.100.002'],
  ])('%s → 404', async (_, method, path, body, code) => {
    expect(mcus(await send(method, path, body), 404).codes).toEqual([code]);
  });

  test('nothing changed in telco', async () => {
    await send('patch', paymentMethodPath(EXAMPLE.directDebitAccount, 'yoigo'), { type: 'BANK_TRANSFER' });
    expect((await send('get', accountPath(EXAMPLE.directDebitAccount)).expect(200)).body.payment_method.type).toBe('DIRECT_DEBIT');
  });
});

describe("the provider's own examples and what its docs do not forbid", () => {
  test("BANK_TRANSFER with details, the provider's own example, is accepted and kept", async () => {
    await send('patch', paymentMethodPath(EXAMPLE.bankTransferAccount), { type: 'BANK_TRANSFER', details: { iban: 'ES7921000813610123456789' } }).expect(204);
    const got = await send('get', accountPath(EXAMPLE.bankTransferAccount)).expect(200);
    expect(got.body.payment_method).toEqual({ type: 'BANK_TRANSFER', details: { iban: 'ES7921000813610123456789' } });
  });

  test('a prepaid account may pay by DIRECT_DEBIT or BANK_TRANSFER; a postpaid one by TECI', async () => {
    await send('patch', paymentMethodPath(EXAMPLE.teciAccount), { type: 'DIRECT_DEBIT', details: { iban: IBAN } }).expect(204);
    await send('patch', paymentMethodPath(EXAMPLE.prepaidCardAccount), { type: 'BANK_TRANSFER' }).expect(204);
    await send('patch', paymentMethodPath(EXAMPLE.bankTransferAccount), { type: 'TECI', details: { token_id: TOKEN } }).expect(204);
    await send('post', customerAccounts(EXAMPLE.customer), { modality: 'RECURRING_PREPAID', payment_method: { type: 'DIRECT_DEBIT', details: { iban: 'DE89370400440532013000' } } }).expect(200);
  });
});

describe('every violation is a 400 in the MasStack envelope naming the field', () => {
  const patch = (body: unknown, account: string = EXAMPLE.bankTransferAccount) => send('patch', paymentMethodPath(account), body);
  const post = (body: unknown) => send('post', customerAccounts(EXAMPLE.customer), body);

  test.each<[string, () => request.Test, Array<[string, RegExp]>]>([
    ['DIRECT_DEBIT without details.iban', () => patch({ type: 'DIRECT_DEBIT' }), [['MCUS.100.010', /^details\.iban is required when type is DIRECT_DEBIT$/]]],
    ['DIRECT_DEBIT with an invalid IBAN', () => patch({ type: 'DIRECT_DEBIT', details: { iban: 'ES7921000813610123456788' } }), [['MCUS.100.011', /^details\.iban has invalid check digits$/]]],
    ['DIRECT_DEBIT with an IBAN not shaped like one', () => patch({ type: 'DIRECT_DEBIT', details: { iban: 'es79 2100' } }), [['MCUS.999.998', /details\.iban must match pattern/]]],
    ['CREDIT_CARD without details.token_id', () => patch({ type: 'CREDIT_CARD', details: {} }), [['MCUS.100.010', /^details\.token_id is required when type is CREDIT_CARD$/]]],
    ['CREDIT_CARD with a token_id that is not a uuid', () => patch({ type: 'CREDIT_CARD', details: { token_id: '4111111111111111' } }), [['MCUS.999.998', /details\.token_id must match format "uuid"/]]],
    ['an unknown type', () => patch({ type: 'PAYPAL' }), [['MCUS.999.998', /type must be equal to one of the allowed values: BANK_TRANSFER, DIRECT_DEBIT, CREDIT_CARD, TECI/]]],
    ['an unknown detail', () => patch({ type: 'DIRECT_DEBIT', details: { iban: IBAN, bic: 'CAIXESBBXXX' } }), [['MCUS.999.998', /details must NOT have additional properties; found 'bic'/]]],
    ['no type', () => patch({ details: null }), [['MCUS.999.998', /type is required/]]],
    ['a create without payment_method', () => post({ modality: 'POSTPAID' }), [['MCUS.999.998', /payment_method is required/]]],
    ['a create with an unknown modality', () => post({ ...newAccount, modality: 'PREPAID' }), [['MCUS.999.998', /modality must be equal to one of the allowed values: RECURRING_PREPAID, POSTPAID/]]],
    ['a create whose method needs its details', () => post({ modality: 'POSTPAID', payment_method: { type: 'DIRECT_DEBIT' } }), [['MCUS.100.010', /^payment_method\.details\.iban is required/]]],
    ['an address line over 100 characters', () => post({ ...newAccount, billing_address: { ...SEVILLA, address_lines: ['x'.repeat(101)] } }), [['MCUS.999.998', /billing_address\.address_lines\.0 must NOT have more than 100 characters/]]],
    ['an address line "undefined"', () => post({ ...newAccount, billing_address: { ...SEVILLA, address_lines: ['Calle Mayor 1', 'undefined'] } }), [['MCUS.100.014', /^billing_address\.address_lines\.1 must not be the literal string "undefined"$/]]],
    ['several problems at once, one entry each', () => post({ modality: 'RECURRING_PREPAID', payment_method: { type: 'DIRECT_DEBIT' }, billing_address: { ...SEVILLA, address_lines: ['undefined'] } }), [
      ['MCUS.100.010', /^payment_method\.details\.iban is required/],
      ['MCUS.100.014', /^billing_address\.address_lines\.0 must not be the literal string "undefined"$/],
    ]],
    ['an account id that is not a uuid', () => send('get', accountPath('..%2F..%2Fetc')), [['MCUS.999.998', /account_id must match format "uuid"/]]],
    ['malformed JSON', () => send('patch', paymentMethodPath(EXAMPLE.bankTransferAccount)).set('content-type', 'application/json').send('{"type":'), [['MCUS.999.998', /not valid JSON/]]],
    ['a form instead of JSON', () => send('patch', paymentMethodPath(EXAMPLE.bankTransferAccount)).type('form').send('type=TECI'), [['MCUS.999.998', /content-type.*application\/json/]]],
  ])('%s', async (_, call, expected) => {
    const { codes, messages } = mcus(await call(), 400);
    expect(codes).toEqual(expected.map(([code]) => code));
    expected.forEach(([, message], i) => expect(messages[i]).toMatch(message));
  });

  test('a refused change leaves the account as it was', async () => {
    const before = (await send('get', accountPath(EXAMPLE.bankTransferAccount))).body;
    await patch({ type: 'DIRECT_DEBIT', details: { iban: 'ES7921000813610123456788' } }).expect(400);
    expect((await send('get', accountPath(EXAMPLE.bankTransferAccount))).body).toEqual(before);
  });
});

describe('authentication', () => {
  const path = accountPath(EXAMPLE.directDebitAccount);
  const orgToken = (claims: object) => `Bearer ${jwt.sign(claims, 'any-key-the-sandbox-does-not-check')}`;

  test.each<[string, Record<string, string>, number]>([
    ['x-auth-roles, as in the provider\'s examples', { 'x-auth-roles': 'API_KEY' }, 200],
    ['a bearer token', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig' }, 200],
    ['any opaque bearer token', { authorization: 'Bearer test' }, 200],
    ['a JWT for telco', { authorization: orgToken({ org_id: 'telco' }) }, 200],
    ['a JWT for several orgs including telco', { authorization: orgToken({ orgs: ['yoigo', 'telco'] }) }, 200],
    ['a JWT for yoigo only', { authorization: orgToken({ org_id: 'yoigo' }) }, 403],
    ['neither', {}, 401],
    ['a Basic authorization', { authorization: 'Basic YTpi' }, 401],
  ])('%s → %d', async (_, headers, status) => {
    const res = await send('get', path, undefined, headers);
    expect(res.status).toBe(status);
    if (status === 401) expect(mcus(res, 401).codes).toEqual(['MCUS.999.997']);
    if (status === 403) expect(mcus(res, 403)).toEqual({ codes: ['MCUS.999.996'], messages: ['the token is for organization(s) yoigo, not telco'] });
  });

  test('a 403 changes nothing', async () => {
    const res = await send('delete', customerAccount(EXAMPLE.customer, EXAMPLE.creditCardAccount), undefined, { authorization: orgToken({ org_id: 'masmovil' }) });
    expect(mcus(res, 403).codes).toEqual(['MCUS.999.996']);
    await send('get', accountPath(EXAMPLE.creditCardAccount)).expect(200);
  });
});

describe('routes and limits', () => {
  test('a wrong method is 405 with no body and an Allow header', async () => {
    for (const [method, path, allow] of [
      ['put', accountPath(EXAMPLE.directDebitAccount), 'GET'],
      ['get', paymentMethodPath(EXAMPLE.directDebitAccount), 'PATCH'],
      ['delete', customerAccounts(EXAMPLE.customer), 'GET, POST'],
    ] as const) {
      const res = await request(app)[method](path).set(API_KEY);
      expect({ status: res.status, text: res.text, type: res.headers['content-type'], allow: res.headers.allow }).toEqual({ status: 405, text: '', type: undefined, allow });
    }
  });

  test('an unknown path is a 404 in the envelope', async () => {
    expect(mcus(await send('get', '/masstack/orgs/telco/invoices'), 404).codes).toEqual(['MCUS.999.995']);
  });

  test('a body over 1 MiB is 413, a URI over 8,192 characters 414', async () => {
    const big = { ...newAccount, billing_address: { ...SEVILLA, city: 'x'.repeat(1024 * 1024) } };
    expect(mcus(await send('post', customerAccounts(EXAMPLE.customer), big), 413).codes).toEqual(['MCUS.999.994']);
    expect(mcus(await send('get', `${customerAccounts(EXAMPLE.customer)}?q=${'x'.repeat(8200)}`), 414).codes).toEqual(['MCUS.999.993']);
  });
});
