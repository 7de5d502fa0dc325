// What the dashboard stands on: the journal of every sandbox with long polling, the examples in
// GET /apis, and who is served the page (/__sandbox/ui). The page itself is tested in a browser
// (dashboard.browser.test.ts).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { testApp, UPVEST } from './helpers.js';

const accountPath = `/upvest/payments/reference_accounts/${UPVEST.account}`;

describe('journal of every sandbox', () => {
  test('merges the sandboxes newest first, with the same filters and a sandbox filter', async () => {
    const { app } = await testApp();
    await request(app).get(accountPath).set({ ...UPVEST.headers, 'x-sandbox-id': 'a' }).expect(200);
    await request(app).delete(accountPath).set({ ...UPVEST.headers, 'x-sandbox-id': 'b' }).expect(204);
    await request(app).get(accountPath).set(UPVEST.headers).expect(200);
    await request(app).get(accountPath).set({ ...UPVEST.headers, 'x-sandbox-id': 'b' }).expect(404);

    const journal = async (query = '') =>
      ((await request(app).get(`/__sandbox/journal${query}`).expect(200)).body.data as Array<{ sandbox: string; method: string; status: number; seq: number }>).map(
        e => `${e.sandbox} ${e.method} ${e.status}`,
      );
    expect(await journal()).toEqual(['b GET 404', 'default GET 200', 'b DELETE 204', 'a GET 200']);
    expect(await journal('?limit=2')).toEqual(['b GET 404', 'default GET 200']);
    expect(await journal('?sandbox=b')).toEqual(['b GET 404', 'b DELETE 204']);
    expect(await journal('?method=get&status=200')).toEqual(['default GET 200', 'a GET 200']);
    const [, , second] = (await request(app).get('/__sandbox/journal')).body.data.reverse();
    expect(await journal(`?since=${second.seq}`)).toEqual(['b GET 404']);
    await request(app).get('/__sandbox/journal?sandbox=not%20a%20name').expect(400);
    await request(app).get('/__sandbox/journal?wait=31').expect(400);
  });

  test('with wait, answers as soon as a matching request arrives', async () => {
    const { app } = await testApp();
    const started = Date.now();
    const waiting = request(app).get('/__sandbox/journal?since=0&wait=20&api=upvest');
    const pending = waiting.then(res => res); // sends the request
    await new Promise(r => setTimeout(r, 300));
    await request(app).get('/').expect(200); // not journaled
    await request(app).get(accountPath).set({ ...UPVEST.headers, 'x-sandbox-id': 'live' }).expect(200);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([expect.objectContaining({ sandbox: 'live', operationId: 'getReferenceAccount', status: 200 })]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('with wait, a request of another sandbox does not answer a sandbox journal; the wait ends empty', async () => {
    const { app } = await testApp();
    const pending = request(app).get('/__sandbox/sandboxes/mine/journal?wait=1').then(res => res);
    await new Promise(r => setTimeout(r, 100));
    await request(app).get(accountPath).set(UPVEST.headers).expect(200);
    const started = Date.now();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(Date.now() - started).toBeGreaterThan(500);
  });

  test('without wait, an empty journal answers at once', async () => {
    const { app } = await testApp();
    expect((await request(app).get('/__sandbox/journal?since=0').expect(200)).body).toEqual({ data: [] });
  });
});

test('GET /apis gives requests to try against the fixtures', async () => {
  const { app } = await testApp();
  const upvest = (await request(app).get('/__sandbox/apis').expect(200)).body.data.find((a: { slug: string }) => a.slug === 'upvest');
  expect(upvest.examples).toContainEqual({ method: 'GET', path: accountPath.replace('/upvest', ''), headers: UPVEST.headers });
  for (const example of upvest.examples) {
    await request(app)[example.method.toLowerCase() as 'get'](`/upvest${example.path}`).set(example.headers).expect(200);
  }
});

describe('the dashboard page', () => {
  test('is served to loopback clients, with a policy that lets only its own script run', async () => {
    const { app } = await testApp();
    const res = await request(app).get('/__sandbox/ui').expect(200).expect('content-type', /text\/html/);
    expect(res.text).toContain('<title>Dashboard — banking-api-sandbox</title>');
    expect(res.text).not.toContain('<!-- script -->');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; connect-src 'self'/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    await request(app).get('/__sandbox/ui/').expect(200);
    await request(app).head('/__sandbox/ui').expect(200);
    expect((await request(app).post('/__sandbox/ui').expect(405)).headers.allow).toBe('GET, HEAD');
  });

  test('is refused to other clients, like the admin API', async () => {
    const { app } = await testApp({ isLoopback: () => false });
    const res = await request(app).get('/__sandbox/ui').expect(403).expect('content-type', /text\/html/);
    expect(res.text).toContain('loopback clients only');
    expect(res.text).not.toContain('<form');
    await request(app).get('/__sandbox/ui?token=anything').expect(403);
  });

  test('with an admin token: served for the token as ?token= or a bearer header, otherwise a form asking for it', async () => {
    const { app } = await testApp({ adminToken: 's3cret', isLoopback: () => false });
    const refused = await request(app).get('/__sandbox/ui').expect(403);
    expect(refused.text).toContain('<form method="get" action="/__sandbox/ui">');
    expect(refused.text).toContain('<input type="password" name="token"');
    expect((await request(app).get('/__sandbox/ui?token=wrong').expect(403)).text).toContain('The admin token is wrong.');
    await request(app).get('/__sandbox/ui?token=s3cret').expect(200);
    await request(app).get('/__sandbox/ui').set('authorization', 'Bearer s3cret').expect(200);
    // The query token opens the page only: the admin API itself wants the header.
    await request(app).get('/__sandbox/health?token=s3cret').expect(403);
  });

  test('the admin token in the address never reaches the request log; the dashboard\'s reads are debug lines', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    const { app } = await testApp({ adminToken: 's3cret', logger: pino({ level: 'debug' }, sink) });
    await request(app).get('/__sandbox/ui?token=s3cret').expect(200);
    await request(app).get('/__sandbox/journal?since=0').set('authorization', 'Bearer s3cret').expect(200);
    await request(app).post('/__sandbox/sandboxes/x/reset').set('authorization', 'Bearer s3cret').expect(200);
    expect(JSON.stringify(lines)).not.toContain('s3cret');
    expect(lines.map(l => [l.level, l.msg.split(' ').slice(0, 3).join(' ')])).toEqual([
      [20, 'GET /__sandbox/ui?token=[redacted] 200'],
      [20, 'GET /__sandbox/journal?since=0 200'],
      [30, 'POST /__sandbox/sandboxes/x/reset 200'],
    ]);
  });
});
