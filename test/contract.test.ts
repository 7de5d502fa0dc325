// The generic contract test: walks every operation of every API's spec, builds a valid request
// from the spec's own examples, and checks that the operation's own handler answered with a
// documented status and no response violation (strict mode turns a violation into a 500).
// A new API is covered without editing this file.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { apis } from '../src/apis/index.js';
import type { ApiModule, Handler } from '../src/core/api-module.js';
import { VIOLATIONS_HEADER, type RequestRecord } from '../src/core/pipeline.js';
import { testApp } from './helpers.js';
import { exampleRequest } from './spec-requests.js';

/** The module with each handler wrapped, to see which handler answered. */
function spied(module: ApiModule, calls: string[]): ApiModule {
  const handlers: Record<string, Handler> = {};
  for (const [operationId, handler] of Object.entries(module.handlers)) {
    handlers[operationId] = ctx => {
      calls.push(operationId);
      return handler(ctx);
    };
  }
  return { ...module, handlers };
}

test('no source file serves responses from Prism\'s mocker or spec examples', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap(name => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
  for (const file of files('src')) {
    const text = readFileSync(file, 'utf8');
    expect({ file, mocker: /prism-http\/dist\/mocker|createInstance|createAndCallPrismInstanceWithSpec/.test(text) }).toEqual({ file, mocker: false });
  }
});

describe.each(apis.map(api => [api.slug, api] as const))('%s', (_slug, module) => {
  test('every operation of the spec has its own handler, and every handler an operation', async () => {
    const { apis: loaded } = await testApp({ apis: [module] });
    const operationIds = loaded[0].operations.map(op => op.iid).sort();
    expect(Object.keys(module.handlers).sort()).toEqual(operationIds);
  });

  test('every operation answers its example request from its handler, with a documented 2xx and no violation', async () => {
    const calls: string[] = [];
    const { apis: loaded } = await testApp({ apis: [module] });
    const results: Array<Record<string, unknown>> = [];
    for (const op of loaded[0].operations) {
      const { app, events, errors } = await testApp({ apis: [spied(module, calls)] }); // fresh data per operation
      const records: RequestRecord[] = [];
      events.on('request', r => records.push(r));
      const { path, headers, body, missing } = exampleRequest(op);
      let req = request(app)[op.method as 'get'](`/${module.slug}${path}`).set(headers);
      if (body) {
        req = req.set('content-type', body.mediaType);
        req = req.send(body.mediaType.includes('json') ? (body.value as object) : new URLSearchParams(body.value as Record<string, string>).toString());
      }
      const res = await req;
      const documented2xx = op.responses.map(r => r.code).filter(c => /^2/.test(c));
      results.push({
        operation: op.iid,
        missingExamples: missing,
        status: res.status,
        documented: documented2xx.includes(String(res.status)),
        violations: res.headers[VIOLATIONS_HEADER] ?? null,
        answeredBy: calls.at(-1) === op.iid && records[0]?.operationId === op.iid,
        errors: errors.length,
        ...(res.status >= 300 ? { body: res.body } : {}),
      });
      calls.length = 0;
    }
    expect(results).toEqual(
      results.map(r => ({ operation: r.operation, missingExamples: [], status: r.status, documented: true, violations: null, answeredBy: true, errors: 0 })),
    );
  });

  test('every secured operation refuses a request without credentials with a documented status', async () => {
    const { apis: loaded, app } = await testApp({ apis: [module] });
    for (const op of loaded[0].operations.filter(o => (o.security ?? []).every(r => r.length > 0) && (o.security ?? []).length > 0)) {
      const { path, headers } = exampleRequest(op);
      delete headers.authorization;
      for (const scheme of (op.security ?? []).flat()) if (scheme.type === 'apiKey') delete headers[scheme.name.toLowerCase()];
      const res = await request(app)[op.method as 'get'](`/${module.slug}${path}`).set(headers);
      expect({ op: op.iid, status: res.status, violations: res.headers[VIOLATIONS_HEADER] ?? null }).toEqual({ op: op.iid, status: 401, violations: null });
    }
  });
});
