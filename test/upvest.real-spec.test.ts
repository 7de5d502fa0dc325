// Upvest's own published OpenAPI document (v1.9.0, in ../shared/reference/) judges the sandbox:
// Prism's validation proxy (`prism proxy`, @stoplight/prism-cli) stands in front of a running
// sandbox, every reference-account operation and the token endpoint are driven through their
// success and error paths, and no response may break the real spec — apart from the two statuses
// the sandbox answers from Upvest's guides rather than its spec, named below.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { testApp, UPVEST } from './helpers.js';
import { sharedDir } from './seeds.js';

/** The two documented exceptions: statuses from Upvest's guides and error catalogue, absent from its spec. */
const EXCEPTIONS = {
  'delete a user\'s last reference account': 409, // Upvest's guides: the last reference account cannot be deleted (`conflict`)
  'reuse an idempotency key with another body': 422, // Upvest's idempotency guide (`unprocessable_entity`)
} as const;

/** The real API requires HTTP message signatures; the sandbox neither requires nor checks them. */
const SIGNATURE_HEADERS = new Set(["Request header must have required property 'signature'", "Request header must have required property 'signature-input'"]);

interface Violation {
  location: string[];
  severity: string;
  code?: string;
  message: string;
}

let sandbox: Server;
let prism: ChildProcess;
let proxy: string;

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  return port;
}

beforeAll(async () => {
  const { app } = await testApp({ strict: false });
  sandbox = app.listen(0, '127.0.0.1');
  await once(sandbox, 'listening');
  const upstream = `http://127.0.0.1:${(sandbox.address() as AddressInfo).port}/upvest`;
  const port = await freePort();
  const spec = join(sharedDir(), 'reference', 'upvest-openapi-v1.9.0.yaml');
  prism = spawn(process.execPath, [join('node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js'), 'proxy', spec, upstream, '-p', String(port), '-h', '127.0.0.1'], {
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`prism proxy did not start: ${output.slice(-2000)}`)), 170_000);
    const listen = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Prism is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    prism.stdout!.on('data', listen);
    prism.stderr!.on('data', listen);
    prism.on('exit', code => reject(new Error(`prism proxy exited (${code}): ${output.slice(-2000)}`)));
  });
  proxy = `http://127.0.0.1:${port}`;
}, 180_000);

afterAll(async () => {
  if (prism && prism.exitCode === null) {
    prism.removeAllListeners('exit');
    prism.kill('SIGTERM');
    await once(prism, 'exit');
  }
  await new Promise(resolve => sandbox?.close(resolve));
});

const headers = { ...UPVEST.headers };
const IDEMPOTENCY = 'ccb07f42-4104-44ad-8e1f-c660bb7b269c';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const listPath = `/users/${UPVEST.user}/payments/reference_accounts`;
const example = {
  user_id: UPVEST.user,
  account_owner: 'Max Mustermann',
  name: "Max's Reference Account",
  iban: 'DE02100500000054540402',
  bic: 'BELADEBE',
  confirmed_at: '2020-08-23T14:15:22Z',
};

/** Sends a request through the proxy; answers its status, body and the violations Prism found. */
async function call(method: string, path: string, init: { headers?: Record<string, string>; json?: unknown; form?: Record<string, string> } = {}) {
  const sent: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.json !== undefined) [sent['content-type'], body] = ['application/json', JSON.stringify(init.json)];
  if (init.form) [sent['content-type'], body] = ['application/x-www-form-urlencoded', new URLSearchParams(init.form).toString()];
  const res = await fetch(`${proxy}${path}`, { method, headers: sent, body });
  const text = await res.text();
  const violations = JSON.parse(res.headers.get('sl-violations') ?? '[]') as Violation[];
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    response: violations.filter(v => v.location[0] === 'response'),
    request: violations.filter(v => v.location[0] === 'request' && !SIGNATURE_HEADERS.has(v.message)),
  };
}

async function token(scope: string): Promise<string> {
  const res = await call('POST', '/auth/token', {
    headers: { 'upvest-client-id': UPVEST.clientId },
    form: { client_id: '363f3305-7ab0-4e82-a158-f9d382ad08b6', client_secret: 's3cret', grant_type: 'client_credentials', scope },
  });
  expect({ status: res.status, response: res.response, request: res.request }).toEqual({ status: 200, response: [], request: [] });
  return String(res.body!.access_token);
}

/** Every step: what it sends, the status it expects, and no response violation. */
type Step = [string, () => Promise<Awaited<ReturnType<typeof call>>>, number];

async function expectAll(steps: Step[]) {
  const outcomes = [];
  for (const [name, send, status] of steps) {
    const res = await send();
    outcomes.push({ name, status: res.status, violations: res.response.map(v => `${v.location.join('.')}: ${v.message}`) });
  }
  expect(outcomes).toEqual(steps.map(([name, , status]) => ({ name, status, violations: [] })));
}

test('the token endpoint: issued, refused, not acceptable', async () => {
  const form = { client_id: '363f3305-7ab0-4e82-a158-f9d382ad08b6', client_secret: 's3cret', grant_type: 'client_credentials', scope: 'reference_accounts:read' };
  const h = { 'upvest-client-id': UPVEST.clientId };
  await expectAll([
    ['a token', () => call('POST', '/auth/token', { headers: h, form }), 200],
    ['another grant type', () => call('POST', '/auth/token', { headers: h, form: { ...form, grant_type: 'password' } }), 400],
    ['a scope that is not one', () => call('POST', '/auth/token', { headers: h, form: { ...form, scope: 'everything' } }), 400],
    ['Accept: text/html', () => call('POST', '/auth/token', { headers: { ...h, accept: 'text/html' }, form }), 406],
    ['an upstream timeout (injected)', () => call('POST', '/auth/token', { headers: { ...h, prefer: 'code=504' }, form }), 504],
  ]);
});

test('list reference accounts: success and every error path', async () => {
  const readOnlyOther = await token('users:read');
  await expectAll([
    ['the user\'s accounts', () => call('GET', listPath, { headers }), 200],
    ['sorted, ordered, paged', () => call('GET', `${listPath}?sort=id&order=DESC&offset=1&limit=1`, { headers }), 200],
    ['limit over 1000', () => call('GET', `${listPath}?limit=1001`, { headers }), 400],
    ['no upvest-client-id', () => call('GET', listPath, { headers: { authorization: 'Bearer test' } }), 400],
    ['no token', () => call('GET', listPath, { headers: { 'upvest-client-id': UPVEST.clientId } }), 401],
    ['a token without the scope', () => call('GET', listPath, { headers: { ...headers, authorization: `Bearer ${readOnlyOther}` } }), 403],
    ['an unknown user', () => call('GET', `/users/${UNKNOWN}/payments/reference_accounts`, { headers }), 404],
    ['Accept: text/html', () => call('GET', listPath, { headers: { ...headers, accept: 'text/html' } }), 406],
    ['rate limited (injected)', () => call('GET', listPath, { headers: { ...headers, prefer: 'code=429' } }), 429],
    ['an internal error (injected)', () => call('GET', listPath, { headers: { ...headers, prefer: 'code=500' } }), 500],
    ['unavailable (injected)', () => call('GET', listPath, { headers: { ...headers, prefer: 'code=503' } }), 503],
    ['an upstream timeout (injected)', () => call('GET', listPath, { headers: { ...headers, prefer: 'code=504' } }), 504],
  ]);
});

test('create, get and delete: success and every error path', async () => {
  const readOnly = await token('reference_accounts:read');
  const otherScope = await token('users:read');
  const create = (body: unknown, extra: Record<string, string> = {}) =>
    call('POST', '/payments/reference_accounts', { headers: { ...headers, 'idempotency-key': IDEMPOTENCY, ...extra }, json: body });
  const created = await create(example);
  expect({ status: created.status, violations: created.response }).toEqual({ status: 200, violations: [] });
  const id = String(created.body!.id);
  const { name: _n, user_id: _u, ...bare } = example;

  await expectAll([
    ['the same create again (replayed)', () => create(example), 200],
    ['without name and user_id', () => create(bare, { 'idempotency-key': '9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' }), 200],
    ['an IBAN with wrong check digits', () => create({ ...example, iban: 'DE03100500000054540402' }, { 'idempotency-key': '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e' }), 400],
    ['no idempotency-key', () => call('POST', '/payments/reference_accounts', { headers, json: example }), 400],
    ['no token', () => call('POST', '/payments/reference_accounts', { headers: { 'upvest-client-id': UPVEST.clientId, 'idempotency-key': IDEMPOTENCY }, json: example }), 401],
    ['a read-only token', () => create(example, { authorization: `Bearer ${readOnly}` }), 403],
    ['an unknown user', () => create({ ...example, user_id: UNKNOWN }, { 'idempotency-key': '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f' }), 404],
    ['Accept: text/html', () => create(example, { accept: 'text/html' }), 406],
    ['an upstream timeout (injected)', () => create(example, { prefer: 'code=504' }), 504],

    ['get it', () => call('GET', `/payments/reference_accounts/${id}`, { headers }), 200],
    ['get without upvest-client-id', () => call('GET', `/payments/reference_accounts/${id}`, { headers: { authorization: 'Bearer test' } }), 401],
    ['get without a token', () => call('GET', `/payments/reference_accounts/${id}`, { headers: { 'upvest-client-id': UPVEST.clientId } }), 401],
    ['get with a token without the scope', () => call('GET', `/payments/reference_accounts/${id}`, { headers: { ...headers, authorization: `Bearer ${otherScope}` } }), 403],
    ['get an unknown id', () => call('GET', `/payments/reference_accounts/${UNKNOWN}`, { headers }), 404],
    ['get a malformed id', () => call('GET', '/payments/reference_accounts/42', { headers }), 404],
    ['get with Accept: text/html', () => call('GET', `/payments/reference_accounts/${id}`, { headers: { ...headers, accept: 'text/html' } }), 406],
    ['get, rate limited (injected)', () => call('GET', `/payments/reference_accounts/${id}`, { headers: { ...headers, prefer: 'code=429' } }), 429],
    ['get, an upstream timeout (injected)', () => call('GET', `/payments/reference_accounts/${id}`, { headers: { ...headers, prefer: 'code=504' } }), 504],

    ['delete without upvest-client-id', () => call('DELETE', `/payments/reference_accounts/${id}`, { headers: { authorization: 'Bearer test' } }), 401],
    ['delete without a token', () => call('DELETE', `/payments/reference_accounts/${id}`, { headers: { 'upvest-client-id': UPVEST.clientId } }), 401],
    ['delete with a read-only token', () => call('DELETE', `/payments/reference_accounts/${id}`, { headers: { ...headers, authorization: `Bearer ${readOnly}` } }), 403],
    ['delete an unknown id', () => call('DELETE', `/payments/reference_accounts/${UNKNOWN}`, { headers }), 404],
    ['delete a malformed id', () => call('DELETE', '/payments/reference_accounts/42', { headers }), 404],
    ['delete, an upstream timeout (injected)', () => call('DELETE', `/payments/reference_accounts/${id}`, { headers: { ...headers, prefer: 'code=504' } }), 504],
    ['delete it', () => call('DELETE', `/payments/reference_accounts/${id}`, { headers }), 204],
  ]);
});

test('the two documented exceptions are the only statuses the real spec does not know', async () => {
  // The same idempotency key with another body (Upvest's idempotency guide).
  const key = { 'idempotency-key': '3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a' };
  const first = await call('POST', '/payments/reference_accounts', { headers: { ...headers, ...key }, json: { ...example, iban: 'DE89370400440532013000' } });
  expect(first.status).toBe(200);
  const reused = await call('POST', '/payments/reference_accounts', { headers: { ...headers, ...key }, json: { ...example, iban: 'GB82WEST12345698765432' } });

  // A user's last reference account (Upvest's guides): a fixture user's accounts, all but one deleted.
  const user = 'daa948a5-d3b4-4c6c-853c-4bb3332601ac';
  const listed = await call('GET', `/users/${user}/payments/reference_accounts`, { headers });
  const ids = (listed.body!.data as Array<{ id: string }>).map(a => a.id);
  expect(ids.length).toBeGreaterThanOrEqual(2);
  for (const id of ids.slice(1)) expect((await call('DELETE', `/payments/reference_accounts/${id}`, { headers })).status).toBe(204);
  const last = await call('DELETE', `/payments/reference_accounts/${ids[0]}`, { headers });

  const statusViolation = expect.objectContaining({ location: ['response'], message: expect.stringMatching(/Unable to match the returned status code/) });
  expect({ status: reused.status, violations: reused.response }).toEqual({ status: EXCEPTIONS['reuse an idempotency key with another body'], violations: [statusViolation] });
  expect({ status: last.status, violations: last.response }).toEqual({ status: EXCEPTIONS["delete a user's last reference account"], violations: [statusViolation] });
});
