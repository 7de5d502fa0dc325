// The Prism adapter remembers verdicts; these tests pin down that remembering never changes one.
import { jest } from '@jest/globals';
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkSecurity, documentedResponse, loadOperations, routed, validateRequest, validateResponse, type Operation, type PrismRequest } from '../src/core/prism.js';
import { HttpProblem } from '../src/core/problem.js';
import { specsDir } from '../src/paths.js';
import { UPVEST } from './helpers.js';

let operations: Operation[];
let getAccount: Operation;
beforeAll(async () => {
  operations = await loadOperations(join(specsDir, 'upvest.yaml'));
  getAccount = operations.find(op => op.iid === 'getReferenceAccount')!;
});

const request = (path: string, headers: Record<string, string> = UPVEST.headers, method = 'get'): PrismRequest => ({
  method: method as PrismRequest['method'],
  url: { path, query: {} },
  headers,
});
const account = {
  id: UPVEST.account,
  created_at: '2020-08-24T14:15:22Z',
  updated_at: '2020-08-24T14:15:22Z',
  user_id: UPVEST.user,
  account_owner: 'Max Mustermann',
  name: "Max's Reference Account",
  iban: 'DE0210**********0402',
  bic: 'BELADEBE',
  confirmed_at: '2020-08-23T14:15:22Z',
};
const ok = (requestId: string, body: object = account) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json', 'upvest-request-id': requestId },
  body,
});

test('routing verdicts repeat exactly: operation, 404, 405 with Allow', () => {
  const path = `/payments/reference_accounts/${UPVEST.account}`;
  for (let i = 0; i < 2; i++) {
    expect(routed(operations, request(path)).operation.iid).toBe('getReferenceAccount');
    expect(() => routed(operations, request('/nowhere'))).toThrow(expect.objectContaining({ status: 404 }));
    const refused = (() => {
      try {
        routed(operations, request(path, UPVEST.headers, 'put'));
      } catch (error) {
        return error as HttpProblem;
      }
    })();
    expect(refused).toMatchObject({ status: 405, headers: { allow: 'GET, DELETE' } });
  }
});

test('security and input verdicts depend on the values that matter', () => {
  const path = `/payments/reference_accounts/${UPVEST.account}`;
  expect(checkSecurity(getAccount, request(path))).toEqual([]);
  expect(checkSecurity(getAccount, request(path, { 'upvest-client-id': UPVEST.clientId }))).toHaveLength(1);
  expect(checkSecurity(getAccount, request(path))).toEqual([]);

  expect(validateRequest(getAccount, request(path), { query: '' })).toEqual([]);
  const bad = request(path, { ...UPVEST.headers, 'upvest-client-id': 'not-a-uuid' });
  expect(validateRequest(getAccount, bad, { query: '' })).toEqual([expect.objectContaining({ field: 'header.upvest-client-id' })]);
  expect(validateRequest(getAccount, request(path), { query: '' })).toEqual([]);
});

test("input verdicts, parameters remembered apart from the body, are Prism's own, in its order", () => {
  const prismValidator = createRequire(import.meta.url)('@stoplight/prism-http/dist/validator/index.js') as {
    validateInput: (args: { resource: Operation; element: PrismRequest }) => { _tag: 'Right' } | { _tag: 'Left'; left: Array<{ code?: unknown; path?: unknown[]; severity: number }> };
  };
  const create = operations.find(op => op.iid === 'createReferenceAccount')!;
  const path = '/payments/reference_accounts';
  const valid = { user_id: UPVEST.user, account_owner: 'Max Mustermann', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', confirmed_at: '2026-11-20T09:00:00Z' };
  const keys = ['0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9', '2f6c1c0e-5b0a-4d8e-9a43-3f6d3c2b1a90', '2F6C1C0E-5B0A-4D8E-9A43-3F6D3C2B1A90', '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 'not-a-uuid', undefined];
  const bodies: Array<object | undefined> = [valid, { ...valid, iban: 'DE89 3704' }, { ...valid, extra: 1, bic: 5 }, { account_owner: 'x' }, undefined];
  const clients = [UPVEST.clientId, 'nope'];
  const cases: Array<[PrismRequest, { query: string; body?: string }]> = [];
  for (const client of clients) {
    for (const key of keys) {
      for (const body of bodies) {
        for (const contentType of ['application/json', 'text/plain']) {
          const text = body === undefined ? undefined : JSON.stringify(body);
          const headers: Record<string, string> = { ...UPVEST.headers, 'upvest-client-id': client, 'content-type': contentType };
          if (key !== undefined) headers['idempotency-key'] = key;
          if (text !== undefined) headers['content-length'] = String(Buffer.byteLength(text));
          cases.push([{ method: 'post', url: { path, query: {} }, headers, body }, { query: '', body: text }]);
        }
      }
    }
  }
  // Every case twice, the second time remembered, in an order that mixes fresh and seen parameters and bodies.
  for (const [req, raw] of [...cases, ...cases.slice().reverse()]) {
    const prism = prismValidator.validateInput({ resource: create, element: req });
    const expected = prism._tag === 'Right' ? [] : prism.left.filter(d => d.severity === 0).map(d => String(d.code ?? ''));
    expect([req.headers, raw.body, validateRequest(create, req, raw).map(p => p.rule)]).toEqual([req.headers, raw.body, expected]);
  }
  // a uuid the pattern refuses (version 7) is a problem even after valid keys were remembered
  const [v7] = cases.filter(([req, raw]) => req.headers!['idempotency-key'] === keys[3] && raw.body === JSON.stringify(valid) && req.headers!['upvest-client-id'] === UPVEST.clientId);
  expect(validateRequest(create, v7[0], v7[1])).toEqual([expect.objectContaining({ field: 'header.idempotency-key', rule: 'pattern' })]);
});

test("a create's parameters are checked once, not again with each new body and idempotency key", () => {
  const validators = createRequire(import.meta.url)('@stoplight/prism-http/dist/validator/validators/index.js') as { validateHeaders: (...args: unknown[]) => unknown };
  const create = operations.find(op => op.iid === 'createReferenceAccount')!;
  const post = (n: number): [PrismRequest, { query: string; body: string }] => {
    const body = { user_id: UPVEST.user, account_owner: `Owner ${n}`, iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', confirmed_at: '2026-11-20T09:00:00Z' };
    const text = JSON.stringify(body);
    const key = `${String(n).padStart(8, '0')}-5b0a-4d8e-9a43-3f6d3c2b1a90`;
    const headers = { ...UPVEST.headers, 'content-type': 'application/json', 'content-length': String(text.length), 'idempotency-key': key };
    return [{ method: 'post', url: { path: '/payments/reference_accounts', query: {} }, headers, body }, { query: '', body: text }];
  };
  expect(validateRequest(create, ...post(1))).toEqual([]);
  const headerChecks = jest.spyOn(validators, 'validateHeaders');
  try {
    for (let n = 2; n < 12; n++) expect(validateRequest(create, ...post(n))).toEqual([]);
    expect(headerChecks).not.toHaveBeenCalled();
  } finally {
    headerChecks.mockRestore();
  }
});

test("body checks after the first of their kind go straight to Prism's schema check, with Prism's verdict", () => {
  const require = createRequire(import.meta.url);
  const prismValidator = require('@stoplight/prism-http/dist/validator/index.js') as {
    validateInput: (args: { resource: Operation; element: PrismRequest }) => unknown;
    validateOutput: (args: { resource: Operation; element: object }) => { _tag: 'Right' } | { _tag: 'Left'; left: Array<{ message: string; severity: number }> };
  };
  const validators = require('@stoplight/prism-http/dist/validator/validators/index.js') as { validateBody: (...args: unknown[]) => unknown };
  const create = operations.find(op => op.iid === 'createReferenceAccount')!;
  const post = (n: number, body: object = { user_id: UPVEST.user, account_owner: `Owner ${n}`, iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', confirmed_at: '2026-11-20T09:00:00Z' }) => {
    const text = JSON.stringify(body);
    const key = `${String(n).padStart(8, '0')}-5b0a-4d8e-9a43-3f6d3c2b1a90`;
    const headers = { ...UPVEST.headers, 'content-type': 'application/json', 'content-length': String(text.length), 'idempotency-key': key };
    return [{ method: 'post', url: { path: '/payments/reference_accounts', query: {} }, headers, body }, { query: '', body: text }] as [PrismRequest, { query: string; body: string }];
  };
  const created = (n: number, over: object = {}, mediaType: string | undefined = 'application/json') => {
    const body = { ...account, account_owner: `Owner ${n}`, ...over };
    const headers: Record<string, string> = { 'upvest-request-id': '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9' };
    if (mediaType) headers['content-type'] = mediaType;
    return [{ statusCode: 200, headers, body }, JSON.stringify(body)] as const;
  };
  expect(validateRequest(create, ...post(100))).toEqual([]);
  expect(validateResponse(create, ...created(100))).toEqual([]);
  const inputs = jest.spyOn(prismValidator, 'validateInput');
  const bodies = jest.spyOn(validators, 'validateBody');
  try {
    for (let n = 101; n < 111; n++) {
      expect(validateRequest(create, ...post(n))).toEqual([]);
      expect(validateResponse(create, ...created(n))).toEqual([]);
    }
    expect(validateRequest(create, ...post(111, { account_owner: 5 }))).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'body.account_owner', rule: 'type' }), expect.objectContaining({ field: 'body.iban', rule: 'required' })]),
    );
    expect(inputs).not.toHaveBeenCalled();
    expect(bodies).not.toHaveBeenCalled();
  } finally {
    inputs.mockRestore();
    bodies.mockRestore();
  }
  // Requests: the direct check answers as Prism's full check of a fresh copy of the operation (nothing remembered).
  const good = { user_id: UPVEST.user, account_owner: 'O', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', confirmed_at: '2026-11-20T09:00:00Z' };
  const samples = [good, { account_owner: 5 }, { ...good, iban: 7, extra: true }, {}, { ...good, user_id: 'x', bic: null, confirmed_at: 'yesterday' }, [], [good]];
  for (const [i, body] of samples.entries()) {
    const fresh = structuredClone(create);
    expect([body, validateRequest(create, ...post(300 + i, body as object))]).toEqual([body, validateRequest(fresh, ...post(300 + i, body as object))]);
  }
  // Responses: Prism's own messages, in its order, for good and bad bodies and media types, fresh and remembered.
  const overs = [{}, { iban: 'DE02100500000054540402' }, { id: 5, extra: true }, { created_at: 'yesterday', name: null }];
  for (let round = 0; round < 2; round++) {
    for (const [i, over] of overs.entries()) {
      for (const mediaType of ['application/json', 'text/plain', undefined]) {
        const [response, text] = created(200 + i + round * 10, over, mediaType);
        const prism = prismValidator.validateOutput({ resource: create, element: response });
        const expected = prism._tag === 'Right' ? [] : prism.left.filter(d => d.severity === 0).map(d => d.message);
        expect([over, mediaType, validateResponse(create, response, text)]).toEqual([over, mediaType, expected]);
      }
    }
  }
});

test('a remembered response verdict never hides a violation', () => {
  const body = JSON.stringify(account);
  expect(validateResponse(getAccount, ok('0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9'), body)).toEqual([]);
  // another uuid shares the verdict; a malformed id or a missing header does not
  expect(validateResponse(getAccount, ok('fa0e1d2c-3b4a-4958-8776-655443322110'), body)).toEqual([]);
  expect(validateResponse(getAccount, ok('not-a-uuid'), body)).toEqual([expect.stringMatching(/upvest-request-id/)]);
  expect(validateResponse(getAccount, ok('0B1C2D3E-4F50-4617-8293-A4B5C6D7E8F9'), body)).toEqual([]);
  const missing = { statusCode: 200, headers: { 'content-type': 'application/json' }, body: account };
  expect(validateResponse(getAccount, missing, body)).toEqual([expect.stringMatching(/upvest-request-id/)]);

  const broken = { ...account, iban: 'DE02100500000054540402' };
  for (let i = 0; i < 2; i++) {
    expect(validateResponse(getAccount, ok('0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9', broken), JSON.stringify(broken))).toEqual([
      expect.stringMatching(/iban must match pattern/),
    ]);
  }
  expect(validateResponse(getAccount, { ...ok('0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9'), statusCode: 418 }, body)).toEqual([
    expect.stringMatching(/Unable to match the returned status code/),
  ]);
});

test("the remembered documented response for a status is Prism's own choice, for every operation of every spec", async () => {
  const prismSpec = createRequire(import.meta.url)('@stoplight/prism-http/dist/validator/utils/spec.js') as {
    findOperationResponse: typeof documentedResponse;
  };
  const statuses = [200, 201, 204, 299, 301, 400, 401, 404, 409, 418, 422, 429, 499, 500, 503, 599];
  for (const file of readdirSync(specsDir).filter(f => f.endsWith('.yaml'))) {
    for (const op of await loadOperations(join(specsDir, file))) {
      for (let round = 0; round < 2; round++) {
        for (const status of statuses) {
          expect(documentedResponse(op.responses, status)).toEqual(prismSpec.findOperationResponse(op.responses, status));
        }
      }
    }
  }
});

test('every schema of every operation is valid against its draft\'s meta-schema (the adapter\'s Ajv instances skip that check)', async () => {
  // src/core/prism.ts compiles Prism's validators without Ajv's check of each schema against its
  // meta-schema (~60 ms of a start's first request). That is only the same as Prism's own checks
  // while every schema passes it: an invalid one would make Prism's compile throw, and Prism then
  // report nothing for it.
  const prismRequire = createRequire(createRequire(import.meta.url).resolve('@stoplight/prism-http/dist/validator/validators/utils.js'));
  type Ajv = { validateSchema(schema: object): boolean; errors?: unknown };
  const make = (module: string) => new (prismRequire(module) as { default: new (options: object) => Ajv }).default({ allErrors: true, allowUnionTypes: true, strict: false, logger: false });
  const drafts = { default: make('ajv'), '2019-09': make('ajv/dist/2019'), '2020-12': make('ajv/dist/2020') };
  let checked = 0;
  const check = (where: string, schema: unknown) => {
    if (!schema || typeof schema !== 'object') return;
    const draft = /draft\/(2019-09|2020-12)\/schema/.exec(String((schema as { $schema?: unknown }).$schema))?.[1] as '2019-09' | '2020-12' | undefined;
    const ajv = drafts[draft ?? 'default'];
    const valid = ajv.validateSchema(schema);
    expect({ where, valid, errors: valid ? null : ajv.errors }).toEqual({ where, valid: true, errors: null });
    checked++;
  };
  for (const file of readdirSync(specsDir).filter(f => f.endsWith('.yaml'))) {
    for (const op of await loadOperations(join(specsDir, file))) {
      const where = `${file} ${op.method} ${op.path}`;
      for (const kind of ['path', 'query', 'headers', 'cookie'] as const) for (const p of op.request?.[kind] ?? []) check(`${where} ${kind} ${p.name}`, p.schema);
      for (const c of op.request?.body?.contents ?? []) check(`${where} body ${c.mediaType}`, c.schema);
      for (const r of op.responses) {
        for (const c of r.contents ?? []) check(`${where} ${r.code} ${c.mediaType}`, c.schema);
        for (const h of r.headers ?? []) check(`${where} ${r.code} header ${h.name}`, h.schema);
      }
    }
  }
  expect(checked).toBeGreaterThan(100);
});

test('the adapter\'s own Ajv instances get the ajv-formats Prism gets (the same version, as prism-ajv-formats)', () => {
  const prismRequire = createRequire(createRequire(import.meta.url).resolve('@stoplight/prism-http/dist/validator/validators/utils.js'));
  const version = (require: NodeRequire, name: string) => (require(`${name}/package.json`) as { version: string }).version;
  expect(version(createRequire(import.meta.url), 'prism-ajv-formats')).toBe(version(prismRequire, 'ajv-formats'));
});
