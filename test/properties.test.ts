// Property-based tests over every operation of every API (generic over src/apis/index.ts):
// requests generated from the spec's schemas succeed or fail with a documented status; requests
// broken in a way the spec forbids get a documented 4xx; never a 500 or a response violation
// (strict mode turns a violation into a 500). Seeded and bounded, so runs repeat exactly.
import fc from 'fast-check';
import request from 'supertest';
import type { IHttpOperation } from '@stoplight/types';
import { apis } from '../src/apis/index.js';
import { VIOLATIONS_HEADER } from '../src/core/pipeline.js';
import { testApp } from './helpers.js';
import { invalidRequest, validRequest, type GeneratedRequest } from './spec-arbitraries.js';

/** Override for a longer bug hunt: PROPERTY_RUNS=500 PROPERTY_SEED=7 npx jest test/properties.test.ts */
const RUNS_PER_OPERATION = Number(process.env.PROPERTY_RUNS ?? 12);
const SEED = Number(process.env.PROPERTY_SEED ?? 20261121);

const documented = (op: IHttpOperation, status: number) =>
  op.responses.some(r => r.code === String(status) || r.code.toUpperCase() === `${String(status)[0]}XX` || r.code === 'default');

function send(app: Parameters<typeof request>[0], slug: string, op: IHttpOperation, generated: GeneratedRequest, sandbox: string) {
  const query = new URLSearchParams(generated.query).toString();
  let req = request(app)[op.method as 'get'](`/${slug}${generated.path}${query ? `?${query}` : ''}`)
    .set(generated.headers)
    .set('x-sandbox-id', sandbox);
  if (generated.body) {
    const { mediaType, value } = generated.body;
    req = req.set('content-type', mediaType);
    req = req.send(mediaType.includes('json') ? JSON.stringify(value) : new URLSearchParams(value as Record<string, string>).toString());
  }
  return req;
}

describe.each(apis.map(api => [api.slug, api] as const))('%s', (slug, module) => {
  test('requests generated from the spec: a documented status, never a 500 or a violation', async () => {
    const { app, apis: loaded, errors } = await testApp({ apis: [module] });
    for (const op of loaded[0].operations) {
      await fc.assert(
        fc.asyncProperty(validRequest(op), fc.constantFrom(`${op.iid}-1`, `${op.iid}-2`, 'shared'), async (generated, sandbox) => {
          const res = await send(app, slug, op, generated, sandbox);
          if (process.env.PROPERTY_STATS) console.log(`${slug}.${op.iid} ${res.status}`);
          const outcome = { op: op.iid, status: res.status, documented: documented(op, res.status), violations: res.headers[VIOLATIONS_HEADER] ?? null };
          expect(outcome).toEqual({ ...outcome, documented: true, violations: null });
          expect(res.status).toBeLessThan(500);
        }),
        { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
    }
    expect(errors).toEqual([]);
  });

  test('requests broken in a way the spec forbids: a documented 4xx', async () => {
    const { app, apis: loaded, errors } = await testApp({ apis: [module] });
    let checked = 0;
    for (const op of loaded[0].operations) {
      const invalid = invalidRequest(op);
      if (!invalid) continue;
      checked++;
      await fc.assert(
        fc.asyncProperty(invalid, async generated => {
          const res = await send(app, slug, op, generated, 'p-broken');
          const outcome = { op: op.iid, broken: generated.broken, status: res.status, documented: documented(op, res.status), violations: res.headers[VIOLATIONS_HEADER] ?? null };
          expect(outcome).toEqual({ ...outcome, documented: true, violations: null });
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        }),
        { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
    }
    expect(checked).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
