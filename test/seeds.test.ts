// Every example request of each provider's documentation page (the seeds in ../shared/seeds/) is sent
// verbatim to a fresh sandbox and answered with a 2xx, and every example response of the page has
// the shape of the sandbox's answer: field name for field name, JSON type for JSON type, at every level.
//
// Each example runs in a sandbox of its own (a new X-Sandbox-Id: only the fixtures), after the POST
// examples that precede it on the page on the same resource (one path below the other), which it may
// build on: PayEx's "get a card" reads the card its "add card" example added. Only headers that are
// the provider's host or a byte count are not sent.
import request from 'supertest';
import { EXAMPLE as MASSTACK } from '../src/apis/masstack/fixtures.js';
import { PAGONXT, testApp } from './helpers.js';
import { bankingserviceExamples, payexExamples, pagonxtResponses, readShared, seed, shapeDifferences, upvestExamples, type ExampleRequest, type ShapeExceptions } from './seeds.js';

let app: Awaited<ReturnType<typeof testApp>>['app'];
let errors: unknown[];
beforeAll(async () => {
  ({ app, errors } = await testApp());
});
afterAll(() => expect(errors).toEqual([]));

let sandboxes = 0;
const NOT_SENT = new Set(['host', 'content-length']);

/** Sends one example as printed (below the API's prefix), in `sandbox`, with `extra` headers the page leaves out. */
function send(prefix: string, example: ExampleRequest, sandbox: string, extra: Record<string, string> = {}) {
  let call = request(app)[example.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](`${prefix}${example.path}`);
  call = call.set('x-sandbox-id', sandbox).set(extra);
  for (const [name, value] of Object.entries(example.headers)) if (!NOT_SENT.has(name.toLowerCase())) call = call.set(name, value);
  if (example.body !== undefined) call = call.set('content-type', example.headers['Content-Type'] ?? 'application/json').send(example.body);
  return call;
}

const pathOf = (e: ExampleRequest) => e.path.split('?')[0].replace(/\/+$/, '');
const related = (a: ExampleRequest, b: ExampleRequest) => pathOf(a).startsWith(pathOf(b)) || pathOf(b).startsWith(pathOf(a));

/** Runs example `index` in a fresh sandbox after the POST examples before it on its resource; checks 2xx and the documented response's shape. */
async function runExample(
  prefix: string,
  examples: ExampleRequest[],
  index: number,
  extra: (e: ExampleRequest) => Record<string, string> = () => ({}),
  exceptions: ShapeExceptions = {},
) {
  const sandbox = `seed-${++sandboxes}`;
  const example = examples[index];
  for (const earlier of examples.slice(0, index).filter(e => e.method === 'POST' && related(e, example))) {
    const res = await send(prefix, earlier, sandbox, extra(earlier));
    expect({ example: `${earlier.method} ${earlier.path}`, status: res.status, body: res.body }).toMatchObject({ status: expect.any(Number) });
    expect(res.status).toBeLessThan(300);
  }
  const res = await send(prefix, example, sandbox, extra(example));
  const outcome = { status: res.status, violations: res.headers['x-sandbox-response-violations'], body: res.status >= 300 ? res.body : undefined };
  expect(outcome).toEqual({ status: expect.any(Number), violations: undefined, body: undefined });
  expect(res.status).toBeGreaterThanOrEqual(200);
  expect(res.status).toBeLessThan(300);
  if (example.response?.body !== undefined) expect(shapeDifferences(example.response.body, res.body, exceptions)).toEqual([]);
  return res;
}

const label = (examples: ExampleRequest[]) => examples.map((e, i) => [`${i + 1}. ${e.method} ${e.path}${e.response?.body !== undefined ? ' (with its response)' : ''}`, i] as const);

describe('PayEx (seed 001): every request of the page, verbatim', () => {
  const examples = payexExamples(seed('001_30e1974468c85cf4.txt'));

  test('the page has the examples this test expects', () => {
    expect(examples).toHaveLength(20);
    expect(examples.filter(e => e.response?.body !== undefined)).toHaveLength(10);
  });

  const exceptions: ShapeExceptions = {
    extra: {
      '$.recurringPaymentConsent': "in the page's account property table, not in its example",
      '$.items[].recurringPaymentConsent': "in the page's account property table, not in its example",
    },
    optional: {
      // The examples' own `view.@id` says `$top=2`: they show a page of a longer list than their request asks for.
      '$.view.next': 'only when there is a next page; the example is of a request with $top=2',
    },
  };

  test.each(label(examples))('%s', async (_, index) => {
    await runExample('/payex', examples, index, undefined, exceptions);
  });
});

describe('bankingservice.ai (seed 002): every request of the page, verbatim', () => {
  // The page prints path templates, not ids: the fixture profile and customer stand in for them.
  const ids: Record<string, string> = { '{profileId}': 'profile_5c2e9a71d04b8f36a1e7c9d2', '{customerId}': 'customer_3a9f5e1c7b2d4086f1e8a5c3' };
  const examples = bankingserviceExamples(seed('002_5647c22b04db0b3a.txt')).map(e => ({ ...e, path: e.path.replace(/\{\w+\}/g, m => ids[m] ?? m) }));

  test('the page has the examples this test expects', () => {
    expect(examples.map(e => e.method)).toEqual(['GET', 'DELETE', 'GET', 'POST', 'PUT']);
  });

  test.each(label(examples))('%s', async (_, index) => {
    await runExample('/bankingservice', examples, index);
  });
});

describe('Upvest (seed 003): every request of the page, verbatim', () => {
  const page = upvestExamples(seed('003_79da9f08f98023dc.txt'));
  // The page names its ids in its examples: the user and the reference account.
  const listed = page[0].response!.body as { data: Array<{ id: string; user_id: string }> };
  const ids: Record<string, string> = { '{user_id}': listed.data[0].user_id, '{reference_account_id}': listed.data[0].id };
  const examples = page.map(e => ({ ...e, path: e.path.replace(/\{\w+\}/g, m => ids[m] ?? m) }));
  // Headers every call needs (documented in PROVIDERS.md and the real spec; the page omits them).
  const headers = (e: ExampleRequest): Record<string, string> => ({
    'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f',
    authorization: 'Bearer test',
    ...(e.method === 'POST' ? { 'idempotency-key': '2f6c1c0e-5b0a-4d8e-9a43-3f6d3c2b1a90' } : {}),
  });

  test('the page has the examples this test expects', () => {
    expect(examples.map(e => `${e.method} ${e.body !== undefined} ${e.response !== undefined}`)).toEqual(['GET false true', 'POST true true', 'GET false true', 'DELETE false false']);
  });

  // Upvest's real spec (v1.9.0) documents `meta.sort` and `meta.order`, which the page's example leaves out.
  const exceptions: ShapeExceptions = { extra: { '$.meta.sort': 'in the real spec', '$.meta.order': 'in the real spec' } };

  test.each(label(examples))('%s', async (_, index) => {
    await runExample('/upvest', examples, index, headers, exceptions);
  });
});

describe('PagoNxt (seed 004): the documented account and every documented response', () => {
  const responses = pagonxtResponses(seed('004_0007a5fd6e36f3bd.txt'));
  const ok = responses.find(r => r.status === 200)!.body as { customerId: string; accountIdentifiers: Array<{ accountIdType: string; accountId: string; country: string }> };
  const id = (type: string) => ok.accountIdentifiers.find(i => i.accountIdType === type)!;
  const headers = { 'x-client-id': PAGONXT.clientId, authorization: 'Bearer test' };
  const get = (path: string): ExampleRequest => ({ method: 'GET', path, headers: {} });
  // The page's parameter examples, and the account its response example shows, in each id form it documents.
  const examples: ExampleRequest[] = [
    get('/customers/pagonxt_esESB76134758/accounts/2507b89c-b680-46df-9505-e0b6f78cf295'),
    { ...get(`/customers/${ok.customerId}/accounts/${id('uuid').accountId}`), response: { status: 200, body: ok } },
    // (The example's IBAN has wrong check digits, a slip the spec names: it is not a lookup the page shows.)
    { ...get(`/customers/${ok.customerId}/accounts/${id('bban').accountId}?account_id_type=bban&country=${id('bban').country}`), response: { status: 200, body: ok } },
  ];

  test('the page has the responses this test expects', () => {
    expect(responses.map(r => r.status)).toEqual([200, 400, 401, 403, 404, 406, 413, 414, 422, 429, 500, 503, 504]);
  });

  test.each(label(examples))('%s', async (_, index) => {
    await runExample('/pagonxt', examples, index, () => headers);
  });

  test.each(responses.filter(r => r.status >= 400).map(r => [r.status, r.body] as const))('the documented %s response has the shape of the sandbox\'s', async (status, body) => {
    const res = await request(app).get(examples[1].path.replace(/^/, '/pagonxt')).set({ ...headers, prefer: `code=${status}` });
    expect(res.status).toBe(status);
    expect(shapeDifferences(body, res.body)).toEqual([]);
  });
});

describe('MasStack (seed 000): its page prints no examples; PROVIDERS.md has the one the provider shows', () => {
  test('the seed\'s request examples are all empty', () => {
    const page = seed('000_c33af155c5087e3c.txt');
    const blocks = [...page.matchAll(/Request example\n([^\n]*)\n([^\n]*)\n/g)];
    expect(blocks.length).toBe(6);
    expect(blocks.every(([, a, b]) => a.trim() === '|' && b.trim() === '|')).toBe(true);
  });

  test("the provider's payment-method example body is accepted, verbatim", async () => {
    const providers = readShared('PROVIDERS.md');
    const body = /Example body: `(\{[^`]+\})`/.exec(providers)![1];
    expect(JSON.parse(body)).toEqual({ type: 'BANK_TRANSFER', details: { iban: 'ES7921000813610123456789' } });
    const example: ExampleRequest = { method: 'PATCH', path: `/orgs/telco/accounts/${MASSTACK.bankTransferAccount}/payment-method`, headers: { 'x-auth-roles': 'API_KEY' }, body };
    await runExample('/masstack', [example], 0);
  });
});
