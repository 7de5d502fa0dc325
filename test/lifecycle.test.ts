// Sandbox lifecycle over HTTP, generic over every API: at --max-sandboxes, any operation that would
// create one more sandbox answers 503 with Retry-After in that provider's envelope (a status each
// spec documents; strict mode turns anything undocumented into a 500), and nothing changes.
import request from 'supertest';
import { testApp } from './helpers.js';
import { exampleRequest } from './spec-requests.js';

const NOW = new Date('2026-11-20T10:00:00Z');

test('at the sandbox limit, a write in a new sandbox is a documented 503 with Retry-After in every API, and changes nothing', async () => {
  const { app, store, apis, errors } = await testApp({ now: () => NOW, maxSandboxes: 1 });
  const users = store.sandbox('first').collection('upvest', 'users');
  const [key, user] = users.entries().next().value!;
  await users.put(key, { ...user });
  expect(store.sandboxNames()).toEqual(['default', 'first']);

  for (const { module, operations } of apis) {
    const refused: string[] = [];
    for (const op of operations) {
      const { path, headers, body } = exampleRequest(op);
      let req = request(app)[op.method as 'post'](`/${module.slug}${path}`).set(headers).set('x-sandbox-id', `new-${module.slug}`);
      if (body) {
        req = req.set('content-type', body.mediaType);
        req = req.send(body.mediaType.includes('json') ? JSON.stringify(body.value) : new URLSearchParams(body.value as Record<string, string>).toString());
      }
      const res = await req;
      expect(res.status).not.toBe(500);
      if (res.status === 503) {
        expect(res.headers['retry-after']).toBe('60');
        expect(res.text).toMatch(/maximum of 1 sandboxes/);
        refused.push(op.iid!);
      }
    }
    // Every API that can change anything refused it (PagoNxt only reads, and issues tokens).
    const writes = operations.filter(op => op.method !== 'get' && !/token/i.test(op.iid ?? ''));
    expect([module.slug, refused.length > 0]).toEqual([module.slug, writes.length > 0]);
  }
  expect(store.sandboxNames()).toEqual(['default', 'first']);
  expect(errors).toEqual([]);
});
