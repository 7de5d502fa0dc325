// Hostile input on every API (generic over src/apis/index.ts): each request gets a 4xx in the
// provider's own envelope (strict mode turns a response that breaks the operation's documented
// schema into a 500, so "4xx" also means "documented"), the store is unchanged, nothing is
// polluted, and the server keeps serving.
import request from 'supertest';
import type { IHttpOperation } from '@stoplight/types';
import { apis } from '../src/apis/index.js';
import type { ApiModule } from '../src/core/api-module.js';
import { VIOLATIONS_HEADER } from '../src/core/pipeline.js';
import { HttpProblem } from '../src/core/problem.js';
import type { Store } from '../src/core/store.js';
import { testApp } from './helpers.js';
import { exampleOf, exampleRequest, type Param } from './spec-requests.js';

type Test = ReturnType<ReturnType<typeof request>['get']>;
interface Attack {
  name: string;
  send(): Test;
}

/** Every sandbox's stored changes, as text. */
export const snapshot = (store: Store) => JSON.stringify(store.sandboxNames().map(name => [name, store.changesOf(name) ?? null]));

/** The top-level keys of the provider's envelope for a status, as its own renderer writes them. */
function envelopeKeys(module: ApiModule, status: number): string[][] {
  const ctx = { requestId: '00000000-0000-4000-8000-000000000000', method: 'GET', path: '/x', operationId: 'x' };
  return [[], [{ field: 'body', message: 'is wrong', rule: 'type' }]].map(fields => {
    const rendered = module.renderProblem(new HttpProblem(status, 'validation', 'x', { fields }), ctx);
    return Object.keys((rendered.body ?? {}) as object).sort(); // some envelopes have no body (MasStack 405)
  });
}

/** The op's path with every parameter set to its example, and `param` to `raw` (sent as is). */
function pathWith(op: IHttpOperation, param: string, raw: string): string {
  let path = op.path;
  for (const p of (op.request?.path ?? []) as Param[]) {
    path = path.replace(`{${p.name}}`, p.name === param ? raw : encodeURIComponent(String(exampleOf(p))));
  }
  return path;
}

/** A JSON object of the given depth: {"a":{"a":…}}. */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** The example body with every leaf replaced. */
function mapLeaves(value: unknown, leaf: (v: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map(v => mapLeaves(v, leaf));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapLeaves(v, leaf)]));
  return leaf(value);
}

function attacksOn(module: ApiModule, operations: IHttpOperation[], app: Parameters<typeof request>[0]): Attack[] {
  const slug = `/${module.slug}`;
  const withBody = operations.filter(op => op.request?.body?.required && op.request.body.contents?.length);
  const bodyOp = withBody.find(op => op.request!.body!.contents!.some(c => c.mediaType.includes('json'))) ?? withBody[0];
  const getOp = operations.find(op => op.method === 'get') ?? operations[0];
  // Hostile parameters go to operations that can refuse them: one that documents no 400 or 404 (such
  // as bankingservice's list, which the provider documents with 200 only) answers them as any other.
  const canRefuse = (op: IHttpOperation) => op.responses.some(r => r.code === '400' || r.code === '404');
  const paramOp = operations.find(op => op.method === 'get' && op.request?.path?.length && canRefuse(op)) ?? operations.find(op => op.request?.path?.length && canRefuse(op));
  const queryOp = operations.find(op => canRefuse(op) && (op.request?.query ?? []).some(q => (q.schema as { type?: string } | undefined)?.type !== 'array'));
  const attacks: Attack[] = [];
  const add = (name: string, send: () => Test) => attacks.push({ name, send });

  if (bodyOp) {
    const example = exampleRequest(bodyOp);
    const url = `${slug}${example.path}`;
    const post = (contentType: string) => request(app)[bodyOp.method as 'post'](url).set(example.headers).set('content-type', contentType);
    const json = (body: string | Buffer) => post('application/json').send(body);
    const exampleBody = (example.body?.value ?? {}) as Record<string, unknown>;
    const limit = typeof module.bodyLimit === 'function' ? module.bodyLimit(bodyOp.iid ?? '') : (module.bodyLimit ?? 1024 * 1024);
    add('malformed JSON', () => json('{"a": [1, 2'));
    add('JSON with trailing garbage', () => json('{"a": 1} {"b": 2}'));
    add('a body with the wrong content type', () => post('text/plain').send('hello'));
    add('a JSON body sent as XML', () => post('application/xml').send(JSON.stringify(exampleBody)));
    add('an empty body where one is required', () => post(example.body?.mediaType ?? 'application/json'));
    add('a body over the size limit', () => json(`{"a":"${'x'.repeat(limit)}"}`));
    add('deeply nested JSON (100 levels)', () => json(nested(100)));
    add('very deeply nested JSON (100,000 levels)', () => json('['.repeat(100_000) + ']'.repeat(100_000)));
    add('huge numbers in every field', () => json(JSON.stringify(mapLeaves(exampleBody, () => 0)).replace(/\b0\b/g, '1e400')));
    add('huge integers in every field', () => json(JSON.stringify(mapLeaves(exampleBody, () => 0)).replace(/\b0\b/g, '123456789012345678901234567890')));
    add('huge strings in every field', () => json(JSON.stringify(mapLeaves(exampleBody, () => 'x'.repeat(Math.floor(limit / 8))))));
    add('invalid UTF-8', () => json(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')])));
    add('a __proto__ key', () => json(JSON.stringify(exampleBody).replace(/^\{/, '{"__proto__":{"polluted":true},')));
    add('a constructor.prototype key', () => json(JSON.stringify(exampleBody).replace(/^\{/, '{"constructor":{"prototype":{"polluted":true}},')));
    add('a prototype key', () => json(JSON.stringify({ ...exampleBody, prototype: { polluted: true } })));
    add('a __proto__ key, form-encoded', () => post('application/x-www-form-urlencoded').send('__proto__[polluted]=true&constructor[prototype][polluted]=true'));
  }

  const get = exampleRequest(getOp);
  const uriLimit = module.uriLimit ?? 8192;
  add('a URI over the limit', () => request(app).get(`${slug}${get.path}${get.path.includes('?') ? '&' : '?'}pad=${'a'.repeat(uriLimit)}`).set(get.headers));
  add('__proto__ in the query', () => request(app).get(`${slug}${get.path}${get.path.includes('?') ? '&' : '?'}__proto__[polluted]=1&constructor[prototype][polluted]=1`).set(get.headers).set('x-sandbox-id', '../x'));
  add('a sandbox id with ../', () => request(app).get(`${slug}${get.path}`).set(get.headers).set('x-sandbox-id', '../../etc/passwd'));

  if (paramOp) {
    const param = (paramOp.request!.path!.at(-1) as Param).name;
    const headers = exampleRequest(paramOp).headers;
    for (const raw of ['..%2F..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2f', 'a%2Fb', '%2F', 'a%00b', '%00', '__proto__', 'constructor', '%zz', '%C3%28', '%E0%A4%A', `${'x'.repeat(300)}`]) {
      add(`path parameter ${param} = ${raw.slice(0, 40)}`, () => request(app)[paramOp.method as 'get'](`${slug}${pathWith(paramOp, param, raw)}`).set(headers));
    }
  }

  if (queryOp) {
    const example = exampleRequest(queryOp);
    const [path] = example.path.split('?');
    const repeated = (queryOp.request!.query ?? [])
      .filter(q => (q.schema as { type?: string } | undefined)?.type !== 'array')
      .map(q => `${q.name}=${encodeURIComponent(String(exampleOf(q as Param) ?? '1'))}&${q.name}=${encodeURIComponent(String(exampleOf(q as Param) ?? '2'))}`)
      .join('&');
    add('duplicate query parameters', () => request(app)[queryOp.method as 'get'](`${slug}${path}?${repeated}`).set(example.headers));
  }

  add('an unknown path', () => request(app).get(`${slug}/definitely/not/here`).set(get.headers));
  add('an unknown path below a known one', () => request(app).get(`${slug}${get.path.split('?')[0]}/extra/segments`).set(get.headers));
  const pathOps = operations.filter(op => op.path === getOp.path).map(op => op.method);
  const unknownMethod = ['put', 'patch', 'delete', 'post'].find(m => !pathOps.includes(m));
  if (unknownMethod) add(`an undocumented method (${unknownMethod.toUpperCase()})`, () => request(app)[unknownMethod as 'put'](`${slug}${get.path}`).set(get.headers));
  add('an unusual method (PROPFIND)', () => request(app).propfind(`${slug}${get.path}`).set(get.headers));
  return attacks;
}

describe.each(apis.map(api => [api.slug, api] as const))('%s', (_slug, module) => {
  test('every hostile request: a 4xx in the provider\'s envelope, the store unchanged, nothing polluted, still serving', async () => {
    const { app, store, apis: loaded, errors } = await testApp({ apis: [module] });
    const operations = loaded[0].operations;
    const healthy = operations.filter(op => op.method === 'get').map(op => exampleRequest(op));
    const healthCheck = async () => Promise.all(healthy.map(h => request(app).get(`/${module.slug}${h.path}`).set(h.headers).then(r => r.status)));
    const statusesBefore = await healthCheck();
    const before = snapshot(store);

    const attacks = attacksOn(module, operations, app);
    expect(attacks.length).toBeGreaterThan(20);
    const outcomes = [];
    for (const attack of attacks) {
      const res = await attack.send().timeout(10_000);
      const body = res.body as Record<string, unknown>;
      const keys = typeof body === 'object' && body !== null ? Object.keys(body).sort() : [];
      outcomes.push({
        attack: attack.name,
        clientError: res.status >= 400 && res.status < 500,
        envelope: envelopeKeys(module, res.status).some(expected => JSON.stringify(expected) === JSON.stringify(keys)),
        violations: res.headers[VIOLATIONS_HEADER] ?? null,
        storeUnchanged: snapshot(store) === before,
        polluted: ({} as Record<string, unknown>).polluted ?? Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'),
        stillServing: JSON.stringify(await healthCheck()) === JSON.stringify(statusesBefore),
        ...(res.status >= 400 && res.status < 500 ? {} : { status: res.status, body: res.text.slice(0, 300) }),
      });
    }
    expect(outcomes).toEqual(
      outcomes.map(o => ({ attack: o.attack, clientError: true, envelope: true, violations: null, storeUnchanged: true, polluted: false, stillServing: true })),
    );
    expect(errors).toEqual([]);
    expect(statusesBefore.every(s => s >= 200 && s < 300)).toBe(true);
  });
});
