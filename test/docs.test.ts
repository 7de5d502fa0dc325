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
  expect(res.text).toContain(`url: "/specs/${slug}.json"`);
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
