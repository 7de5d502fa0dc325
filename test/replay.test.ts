// Replayable sandboxes: a fresh sandbox with a frozen clock that receives the same requests in the
// same order gives byte-identical responses — in two servers, after a reset, and after a restart
// of a server holding other sandboxes' data. The scenario is every operation's example request of
// every API (creates, updates, errors), with the clock advanced in between.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { exampleRequest } from './spec-requests.js';
import { SandboxIds } from '../src/core/ids.js';
import { testApp } from './helpers.js';

const CLOCK = new Date('2027-01-15T09:00:00Z');
/** Headers that describe the connection, not the answer. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
const SANDBOX = 'replay';
/** Links carry the server's address: the same one in every run. */
const HOST = 'localhost:4010';

type App = Awaited<ReturnType<typeof testApp>>;

/** Runs the scenario in `sandbox` and returns every response as text: status, headers, body. */
async function scenario(app: App, sandbox = SANDBOX): Promise<string[]> {
  const out: string[] = [];
  const record = (label: string, res: request.Response) => {
    const headers = Object.entries(res.headers)
      .filter(([name]) => !TRANSPORT.has(name))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `${name}: ${String(value)}`);
    const binary = !/json|text/.test(String(res.headers['content-type']));
    const body = Buffer.isBuffer(res.body) ? res.body.toString(binary ? 'base64' : 'utf8') : res.text;
    out.push(`${label} → ${res.status}\n${headers.join('\n')}\n\n${body}`);
  };
  const send = async (server: Express, slug: string, op: App['apis'][number]['operations'][number]) => {
    const { path, headers, body } = exampleRequest(op);
    let req = request(server)[op.method as 'post'](`/${slug}${path}`).set(headers).set({ 'x-sandbox-id': sandbox, host: HOST });
    if (body) {
      req = req.set('content-type', body.mediaType);
      req = req.send(body.mediaType.includes('json') ? JSON.stringify(body.value) : new URLSearchParams(body.value as Record<string, string>).toString());
    }
    return req.buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  };
  for (const round of ['P1D', 'P1M']) {
    for (const { module, operations } of app.apis) {
      for (const op of operations) {
        const res = await send(app.app, module.slug, op);
        record(`${module.slug} ${op.iid}`, res);
        // An unknown path, in the provider's envelope, carries a request id too.
        if (op === operations[0]) record(`${module.slug} 404`, await request(app.app).get(`/${module.slug}/no/such/path`).set({ 'x-sandbox-id': sandbox, host: HOST }));
      }
    }
    record(`advance ${round}`, await request(app.app).post(`/__sandbox/sandboxes/${sandbox}/clock/advance`).send({ by: round }));
  }
  return out;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-replay-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('the same requests in a fresh sandbox give byte-identical responses: two servers, a reset, a restart', async () => {
  const first = await testApp({ clock: CLOCK });
  const reference = await scenario(first);
  // Something actually happened: records were created with ids, and errors carry request ids.
  expect(reference.join('\n')).toMatch(/"id":"[0-9a-f-]{36}"/);
  expect(reference.some(r => / → 201|"created(_at)?":"2027-01-1[56]/.test(r))).toBe(true);

  const second = await testApp({ clock: CLOCK });
  expect(await scenario(second)).toEqual(reference);

  await request(first.app).post(`/__sandbox/sandboxes/${SANDBOX}/reset`).expect(200);
  expect(await scenario(first)).toEqual(reference);

  const file = join(dir, 'data.json');
  const before = await testApp({ clock: CLOCK, inMemory: false, dataFile: file });
  await scenario(before, 'someone-else');
  await before.close();
  const restarted = await testApp({ clock: CLOCK, inMemory: false, dataFile: file });
  expect(await scenario(restarted)).toEqual(reference);
  await restarted.close();

  expect(first.errors).toEqual([]);
}, 400_000);

test('ids are seeded by the fixture seed and the sandbox name', async () => {
  const { store } = await testApp();
  const ids = new SandboxIds(store);
  const a = ids.source('a').uuid();
  expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(ids.source('a').uuid()).not.toBe(a); // the counter moved on
  expect(ids.source('b').uuid()).not.toBe(a);
  const again = new SandboxIds((await testApp()).store);
  expect(again.source('a').uuid()).toBe(a);
  expect(again.source('a').hex(12)).toMatch(/^[0-9a-f]{24}$/);
});
