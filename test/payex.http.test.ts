import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import request from 'supertest';
import jwt from 'jsonwebtoken';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { EXAMPLE } from '../src/apis/payex/fixtures.js';
import { testApp } from './helpers.js';

const NOW = new Date('2026-11-21T10:00:00.000Z');
const TODAY = '2026-11-21';
const LEDGER = `/payex/ledger/account/v1/${EXAMPLE.ledgerNo}`;
const ACCOUNT = `${LEDGER}/accounts/${EXAMPLE.accountNo}`;
const auth = { authorization: 'Bearer test' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let app: Awaited<ReturnType<typeof testApp>>['app'];
let errors: unknown[];
beforeEach(async () => {
  ({ app, errors } = await testApp({ now: () => NOW }));
});
afterEach(() => expect(errors).toEqual([]));

const get = (path: string, headers: Record<string, string> = auth) => request(app).get(path).set(headers);
const send = (method: 'post' | 'patch' | 'delete', path: string, body?: object, headers: Record<string, string> = auth) =>
  body === undefined ? request(app)[method](path).set(headers) : request(app)[method](path).set(headers).send(body);

/** The problem's code (from `Type`) and the fields its `Problems` name. */
function expectProblem(res: request.Response, status: number, code: string, fields?: string[]) {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({ status, type: expect.stringMatching(/^application\/problem\+json/) });
  expect(res.body).toEqual({
    Type: `ledger/account/v1/problems/${code}`,
    Title: expect.any(String),
    Status: status,
    Instance: expect.stringMatching(UUID),
    Detail: expect.any(String),
    Problems: expect.any(Array),
  });
  if (fields) expect(res.body.Problems.flatMap((p: object) => Object.keys(p))).toEqual(fields);
}

const card = {
  token: '6f1c2a9e-0b7d-4e55-9a3c-2d8e4f6b1a07',
  PanTrunc: '45871*********204',
  deleted: false,
  mainCard: false,
  cardHolder: { number: '987654', name: 'Tilda Testsson', nationalConsumerIdentifier: { value: '19850312-2387', countryCode: 'SE' } },
};

describe('every operation over HTTP', () => {
  test.each([
    ['list accounts', `${LEDGER}/accounts`, 200],
    ['list accounts of a customer', `${LEDGER}/accounts?customerNo=${EXAMPLE.customerNo}`, 200],
    ['get an account', ACCOUNT, 200],
    ['list bills', `${ACCOUNT}/bills`, 200],
    ['list open bills', `${ACCOUNT}/bills?status=open`, 200],
    ['get a bill', `${ACCOUNT}/bills/bill-456`, 200],
    ['get a bill by its bare number', `${ACCOUNT}/bills/456`, 200],
    ['list cards', `${ACCOUNT}/cards?$top=2&$skip=0`, 200],
    ['get a card', `${ACCOUNT}/cards/${EXAMPLE.mainCard}`, 200],
    ['list transactions (last 30 days)', `${ACCOUNT}/transactions`, 200],
    ['list transactions of a month', `${ACCOUNT}/transactions?month=2026-10`, 200],
    ['list transactions of a range', `${ACCOUNT}/transactions?fromDate=2026-10-01&todate=2026-10-31`, 200],
    ['list transactions of a range (toDate)', `${ACCOUNT}/transactions?fromDate=2026-10-01&toDate=2026-10-31`, 200],
    ['list reservations (200, not the documented 201)', `${ACCOUNT}/reservations`, 200],
    ['get the recurring payment configuration', `${ACCOUNT}/recurring-payment-configuration`, 200],
    ['… with the documented trailing slash', `${ACCOUNT}/recurring-payment-configuration/`, 200],
    ['get the recurring payment consent', `${ACCOUNT}/recurring-payment-consent`, 200],
    ['list active payment orders, with the documented trailing slash', `${ACCOUNT}/active-payment-orders/`, 200],
  ])('GET: %s', async (_, path, status) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  test('PATCH the account: 204, and the change shows', async () => {
    const res = await send('patch', ACCOUNT, { charityDonation: false, creditLimit: 20000 }).expect(204);
    expect(res.text).toBe('');
    expect((await get(ACCOUNT)).body).toMatchObject({ charityDonation: false, creditLimit: 20000 });
  });

  test('register a PSP payment: the balance drops, a payment transaction shows, the retry pays nothing', async () => {
    const before = (await get(ACCOUNT)).body;
    const body = { Amount: 2000.0, PaymentDate: TODAY, sourcePspPaymentTransactionId: '123456789' };
    await send('post', `${ACCOUNT}/register-psp-payment`, body).expect(204);
    await send('post', `${ACCOUNT}/register-psp-payment`, body).expect(204);
    const after = (await get(ACCOUNT)).body;
    expect(after.totalBalance).toBeCloseTo(before.totalBalance - 2000, 2);
    expect(after.availableAmount).toBeCloseTo(before.availableAmount + 2000, 2);
    const { items } = (await get(`${ACCOUNT}/transactions`)).body;
    expect(items.filter((t: { type: string; amount: number }) => t.type === 'payment' && t.amount === -2000)).toEqual([
      { type: 'payment', description: 'PSP payment 123456789', amount: -2000, initiatedFromPointOfSale: false, date: TODAY },
    ]);
    expectProblem(await send('post', `${ACCOUNT}/register-psp-payment`, { ...body, Amount: 10 }), 409, 'duplicate-psp-payment');
  });

  test('request-close-account: PendingClose, then new cards and payments are forbidden', async () => {
    await send('post', `${ACCOUNT}/request-close-account`).expect(204);
    expect((await get(ACCOUNT)).body).toMatchObject({ status: 'PendingClose', maxPaymentAmount: 0 });
    expectProblem(await send('post', `${ACCOUNT}/cards`, card), 403, 'forbidden');
    expectProblem(await send('post', `${ACCOUNT}/register-psp-payment`, { Amount: 1, PaymentDate: TODAY, sourcePspPaymentTransactionId: 'x' }), 403, 'forbidden');
  });

  test('cards: add (201, Location), get, replace, delete', async () => {
    const added = await send('post', `${ACCOUNT}/cards`, card).expect(201);
    expect(added.headers.location).toBe(`/ledger/account/v1/501/accounts/1234567/cards/${card.token}`);
    expect((await get(`/payex${added.headers.location}`)).body).toEqual(added.body);
    expectProblem(await send('post', `${ACCOUNT}/cards`, card), 409, 'duplicate-card-token');

    const replacement = { ...card, token: '5823a2d9-34d2-4bc4-8b6d-1e27f4511363' };
    const replaced = await send('post', `${ACCOUNT}/cards/${card.token}/add-replacement-card`, replacement).expect(201);
    expect(replaced.body).toMatchObject({ token: replacement.token, deleted: false, cardHolder: card.cardHolder });
    expect((await get(`${ACCOUNT}/cards/${card.token}`)).body.deleted).toBe(true);

    await send('patch', `${ACCOUNT}/cards/${replacement.token}`, { deleted: true }).expect(204);
    expectProblem(await send('patch', `${ACCOUNT}/cards/${replacement.token}`, { deleted: false }), 422, 'card-update-failed');
    const list = (await get(`${ACCOUNT}/cards?$top=100`)).body;
    expect(list.items.filter((c: { token: string }) => [card.token, replacement.token].includes(c.token)).map((c: { deleted: boolean }) => c.deleted)).toEqual([true, true]);
  });

  test('recurring payment configuration: create (201), create again replaces it, PATCH, DELETE, 404', async () => {
    const path = `${LEDGER}/accounts/${EXAMPLE.accountWithoutConfiguration}/recurring-payment-configuration`;
    expectProblem(await get(path), 404, 'recurring-payment-configuration-not-found');
    const created = await send('post', path, { paymentMethod: 'autogiro', paymentScope: 'billedAmount', fixedAmount: 0.0 }).expect(201);
    expect(created.body).toMatchObject({ paymentScope: 'billedAmount', fixedAmount: null });
    expect((await send('post', path, { paymentMethod: 'autogiro', paymentScope: 'totalDebt' }).expect(201)).body).toMatchObject({ paymentScope: 'totalDebt' });
    await send('patch', path, { paymentScope: 'fixedRecurring', fixedAmount: 900 }).expect(204);
    expect((await get(path)).body).toMatchObject({ paymentScope: 'fixedRecurring', fixedAmount: 900 });
    // The provider's example sends `{}` with DELETE.
    await send('delete', path, {}).expect(204);
    expectProblem(await get(path), 404, 'recurring-payment-configuration-not-found');
  });

  test('revoking the consent clears the active payment orders; the bill no longer shows one', async () => {
    expect((await get(`${ACCOUNT}/active-payment-orders`)).body.items).toHaveLength(1);
    await send('patch', `${ACCOUNT}/recurring-payment-consent`, { status: 'revoked' }).expect(204);
    expect((await get(`${ACCOUNT}/active-payment-orders`)).body.items).toEqual([]);
    const open = (await get(`${ACCOUNT}/bills?status=open`)).body.items;
    expect(open.map((b: { activePaymentDetails: { paymentOrdersExists: boolean } }) => b.activePaymentDetails.paymentOrdersExists)).toEqual([false, false]);
  });

  test('sandboxes are isolated: X-Sandbox-Id starts from the fixtures', async () => {
    await send('patch', ACCOUNT, { charityDonation: false }, { ...auth, 'x-sandbox-id': 'demo' }).expect(204);
    expect((await get(ACCOUNT, { ...auth, 'x-sandbox-id': 'demo' })).body.charityDonation).toBe(false);
    expect((await get(ACCOUNT)).body.charityDonation).toBe(true);
  });
});

describe('the bill document', () => {
  const getBinary = (path: string) =>
    get(path)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });

  async function pdfText(data: Buffer): Promise<string> {
    const fonts = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts/');
    const pdf = await getDocument({ data: new Uint8Array(data), standardFontDataUrl: fonts, verbosity: 0 }).promise;
    const texts: string[] = [];
    for (let page = 1; page <= pdf.numPages; page++) {
      const content = await (await pdf.getPage(page)).getTextContent();
      texts.push(content.items.map(item => ('str' in item ? item.str : '')).join(' '));
    }
    return texts.join('\n');
  }

  test.each(['bill-456', 'reminder-123'])('%s is a PDF showing its number, dates and amount', async billId => {
    const bill = (await get(`${ACCOUNT}/bills/${billId}`)).body;
    const res = await getBinary(`/payex${bill.document}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`inline; filename="${billId}.pdf"`);
    const body = res.body as Buffer;
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    const again = await getBinary(`/payex${bill.document}`);
    expect(Buffer.compare(again.body as Buffer, body)).toBe(0); // the same bill renders to the same bytes
    const text = await pdfText(body);
    expect(text).toContain(`${bill.billType === 'bill' ? 'Bill' : 'Reminder 1'} no. ${bill.billNo}`);
    for (const shown of [bill.billDate, bill.dueDate, `${bill.billAmount.toFixed(2)} SEK`, bill.activePaymentDetails.paymentReference]) {
      expect(text).toContain(shown);
    }
  });

  test('an unknown bill is bill-not-found, in the problem format', async () => {
    expectProblem(await get(`${ACCOUNT}/bills/bill-1/document`), 404, 'bill-not-found');
  });
});

describe('problems', () => {
  test.each([
    ['an unknown account', 'get', `${LEDGER}/accounts/7654321`, undefined, 404, 'account-not-found', []],
    ['an account on another ledger', 'get', `/payex/ledger/account/v1/502/accounts/${EXAMPLE.accountNo}`, undefined, 404, 'account-not-found', []],
    ['an unknown customer', 'get', `${LEDGER}/accounts?customerNo=1`, undefined, 404, 'customer-not-found', []],
    ['an account of another customer', 'get', `${LEDGER}/accounts?customerNo=${EXAMPLE.customerNo}&accountNo=${EXAMPLE.accountWithoutConfiguration}`, undefined, 404, 'customer-not-found', []],
    ['an unknown card', 'get', `${ACCOUNT}/cards/5823a2d9-34d2-4bc4-8b6d-1e27f4511363`, undefined, 404, 'card-not-found', []],
    ['an unknown path', 'get', `${ACCOUNT}/statements`, undefined, 404, 'not-found', []],
    ['a ledger number that is not an id', 'get', '/payex/ledger/account/v1/X.X/accounts', undefined, 400, 'validation', ['ledgerNo']],
    ['raising the credit limit', 'patch', ACCOUNT, { creditLimit: 90000 }, 400, 'validation', ['creditLimit']],
    ['a negative credit limit', 'patch', ACCOUNT, { creditLimit: -5 }, 400, 'validation', ['creditLimit']],
    ['another property in the account PATCH', 'patch', ACCOUNT, { charityDonation: true, status: 'Closed' }, 400, 'validation', ['status']],
    ['an empty account PATCH', 'patch', ACCOUNT, {}, 400, 'validation', ['body']],
    ['a PSP payment with a bad Amount and no PaymentDate', 'post', `${ACCOUNT}/register-psp-payment`, { Amount: 'lots', sourcePspPaymentTransactionId: '1' }, 400, 'validation', ['PaymentDate', 'Amount']],
    ['a PSP payment above maxPaymentAmount', 'post', `${ACCOUNT}/register-psp-payment`, { Amount: 999999, PaymentDate: TODAY, sourcePspPaymentTransactionId: '1' }, 400, 'validation', ['Amount']],
    ['a PSP payment dated tomorrow', 'post', `${ACCOUNT}/register-psp-payment`, { Amount: 1, PaymentDate: '2026-11-22', sourcePspPaymentTransactionId: '1' }, 400, 'validation', ['PaymentDate']],
    ['a card whose holder name is too long', 'post', `${ACCOUNT}/cards`, { ...card, cardHolder: { ...card.cardHolder, name: 'x'.repeat(101) } }, 400, 'validation', ['cardHolder.name']],
    ['a card with an invalid personal identity number', 'post', `${ACCOUNT}/cards`, { ...card, cardHolder: { ...card.cardHolder, nationalConsumerIdentifier: { value: '19850312-2388', countryCode: 'SE' } } }, 400, 'invalid-reg-no', ['cardHolder.nationalConsumerIdentifier.value']],
    ['a token already on the ledger', 'post', `${ACCOUNT}/cards`, { ...card, token: EXAMPLE.extraCard }, 409, 'duplicate-card-token', []],
    ['a card PATCH of another property', 'patch', `${ACCOUNT}/cards/${EXAMPLE.extraCard}`, { mainCard: true }, 400, 'validation', ['deleted', 'mainCard']],
    ['transactions from an impossible date', 'get', `${ACCOUNT}/transactions?fromDate=2026-02-30&todate=2026-03-31`, undefined, 400, 'validation', ['fromDate']],
    ['transactions of month 13', 'get', `${ACCOUNT}/transactions?month=2026-13`, undefined, 400, 'validation', ['month']],
    ['cards with $top 0', 'get', `${ACCOUNT}/cards?$top=0`, undefined, 400, 'validation', ['$top']],
    ['fixedAmount with billedAmount', 'patch', `${ACCOUNT}/recurring-payment-configuration`, { paymentScope: 'billedAmount', fixedAmount: 10 }, 400, 'validation', ['fixedAmount']],
    ['an unknown payment method', 'post', `${LEDGER}/accounts/${EXAMPLE.accountWithoutConfiguration}/recurring-payment-configuration`, { paymentMethod: 'swish', paymentScope: 'totalDebt' }, 400, 'validation', ['paymentMethod']],
  ] as const)('%s', async (_, method, path, body, status, code, fields) => {
    const res = method === 'get' ? await get(path) : await send(method, path, body);
    expectProblem(res, status, code, [...fields]);
  });

  test('malformed JSON (such as the provider examples\' trailing commas) is a validation problem', async () => {
    const res = await request(app).post(`${ACCOUNT}/register-psp-payment`).set(auth).set('content-type', 'application/json').send('{"Amount": 1,}');
    expectProblem(res, 400, 'validation', ['body']);
  });

  test('a method the path does not have is 405 with Allow', async () => {
    const res = await request(app).put(ACCOUNT).set(auth);
    expectProblem(res, 405, 'method-not-allowed');
    expect(res.headers.allow).toBe('GET, PATCH');
  });

  test('every problem has a fresh Instance', async () => {
    const [a, b] = [await get(`${LEDGER}/accounts/7654321`), await get(`${LEDGER}/accounts/7654321`)];
    expect(a.body.Instance).not.toBe(b.body.Instance);
  });
});

describe('authentication', () => {
  const token = async (ledgerNo: string) => {
    const res = await request(app)
      .post('/payex/oauth/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: 'me', client_secret: 's3cret', ledgerNo });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ledgerNo });
    return `Bearer ${res.body.access_token}`;
  };

  test('no bearer token is 401', async () => {
    expectProblem(await get(ACCOUNT, {}), 401, 'unauthorized', ['authorization']);
    expectProblem(await get(ACCOUNT, { authorization: 'Basic dTpw' }), 401, 'unauthorized');
  });

  test('a sandbox token works on its own ledger, and is 401 on another', async () => {
    const for501 = await token('501');
    await get(ACCOUNT, { authorization: for501 }).expect(200);
    await send('patch', ACCOUNT, { charityDonation: false }, { authorization: for501 }).expect(204);
    const other = await get('/payex/ledger/account/v1/502/accounts', { authorization: for501 });
    expectProblem(other, 401, 'unauthorized');
    expect(other.body.Detail).toMatch(/issued for ledger 501, not ledger 502/);
    await get('/payex/ledger/account/v1/502/accounts', { authorization: await token('502') }).expect(200);
  });

  test('any other bearer token works on every ledger', async () => {
    await get(ACCOUNT, { authorization: 'Bearer anything' }).expect(200);
    await get('/payex/ledger/account/v1/502/accounts', { authorization: 'Bearer anything' }).expect(200);
  });

  test('expired, tampered and other-API sandbox tokens are 401', async () => {
    const key = 'banking-api-sandbox-tokens-are-not-secret';
    const expired = jwt.sign({ api: 'payex', scopes: [], ledgerNo: '501', exp: NOW.getTime() / 1000 - 10 }, key, { issuer: 'banking-api-sandbox' });
    const upvest = jwt.sign({ api: 'upvest', scopes: [] }, key, { issuer: 'banking-api-sandbox', expiresIn: 60 });
    const [header, payload, signature] = (await token('502')).slice(7).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, ledgerNo: '501' })).toString('base64url')}.${signature}`;
    for (const [t, reason] of [[expired, /expired/], [upvest, /upvest/], [tampered, /signature/]] as const) {
      const res = await get(ACCOUNT, { authorization: `Bearer ${t}` });
      expectProblem(res, 401, 'unauthorized');
      expect(res.body.Detail).toMatch(reason);
    }
  });

  test('token requests are validated', async () => {
    const res = await request(app).post('/payex/oauth/token').type('form').send({ grant_type: 'password', client_id: 'me', client_secret: 's' });
    expectProblem(res, 400, 'validation');
    expect(res.body.Problems.flatMap((p: object) => Object.keys(p)).sort()).toEqual(['grant_type', 'ledgerNo']);
  });
});
