import request from 'supertest';
import { parse } from 'yaml';
import { apis } from '../src/apis/index.js';
import { testApp } from './helpers.js';

let app: Awaited<ReturnType<typeof testApp>>['app'];
beforeAll(async () => {
  ({ app } = await testApp());
});

test('/docs lists every API with its reference page and spec', async () => {
  const res = await request(app).get('/docs').expect(200);
  expect(res.headers['content-type']).toMatch(/text\/html/);
  for (const api of apis) {
    expect(res.text).toContain(`href="/docs/${api.slug}"`);
    expect(res.text).toContain(`href="/specs/${api.slug}.yaml"`);
  }
});

test.each(apis.map(a => a.slug))('/docs/%s renders Swagger UI over its spec, with its assets served locally', async slug => {
  const res = await request(app).get(`/docs/${slug}`).expect(200);
  expect(res.text).toContain(`"spec":"/specs/${slug}.json"`);
  // the page's additions: sandbox and Prefer pickers, the Bearer test note
  expect(res.text).toContain('id="sandbox"');
  expect(res.text).toContain('id="prefer"');
  expect(res.text).toContain('Authorization: Bearer test</b> works');
  for (const asset of res.text.match(/\/docs\/assets\/[\w.-]+/g) ?? []) {
    await request(app).get(asset).expect(200);
  }
});

test.each(apis.map(a => a.slug))('/specs/%s.yaml and .json serve the spec with this sandbox as its server', async slug => {
  const yaml = await request(app).get(`/specs/${slug}.yaml`).set('host', 'sandbox.test:4010').expect(200);
  expect(yaml.headers['content-type']).toMatch(/yaml/);
  const json = await request(app).get(`/specs/${slug}.json`).set('host', 'sandbox.test:4010').expect(200);
  expect(parse(yaml.text)).toEqual(json.body);
  expect(json.body.servers).toEqual([{ url: `http://sandbox.test:4010/${slug}`, description: 'This sandbox' }]);
  expect(Object.keys(json.body.paths).length).toBeGreaterThan(0);
});

test('unknown docs and specs are JSON 404s', async () => {
  for (const path of ['/docs/nope', '/specs/nope.yaml', '/specs/upvest.xml']) {
    const res = await request(app).get(path).expect(404);
    expect(res.body.error).toBe('not_found');
  }
});

test("Try-it knows each API's idempotency-key examples (a request still carrying one gets a fresh key) and its bearer schemes", async () => {
  const res = await request(app).get('/docs/upvest').expect(200);
  const settings = JSON.parse(/const settings = (\{.*\});/.exec(res.text)![1]);
  expect(settings.idempotency['idempotency-key']).toContain('2f6c1c0e-5b0a-4d8e-9a43-3f6d3c2b1a90');
  expect(settings.bearerSchemes).toEqual(['bearerToken']);
  expect(settings.sandboxKey).toBe('banking-api-sandbox.sandbox');
});

test('/ answers a landing page to browsers and JSON to everything else', async () => {
  const html = await request(app).get('/').set('accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8').expect(200);
  expect(html.headers['content-type']).toMatch(/text\/html/);
  expect(html.headers.vary).toMatch(/accept/i);
  for (const api of apis) {
    expect(html.text).toContain(`href="/docs/${api.slug}"`);
    expect(html.text).toContain(`/${api.slug}</code>`);
  }
  expect(html.text).toContain('href="/__sandbox/ui"');
  expect(html.text).toMatch(/<pre id="try">curl /);

  for (const accept of [undefined, '*/*', 'application/json']) {
    const req = request(app).get('/');
    const json = await (accept ? req.set('accept', accept) : req).expect(200);
    expect(json.headers['content-type']).toMatch(/application\/json/);
    expect(json.body.apis.map((a: { slug: string }) => a.slug)).toEqual(apis.map(a => a.slug));
  }
});
