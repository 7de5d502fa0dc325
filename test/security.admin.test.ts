// The admin API and the dashboard answer only their owner (issue 13): no CORS, no cross-site
// writes, JSON bodies only, no DNS rebinding, no proxy without a token; Authorization schemes are
// case-insensitive everywhere.
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { PAGONXT, testApp, UPVEST } from './helpers.js';

const EVIL = 'http://evil.example';
const accountPath = `/upvest/payments/reference_accounts/${UPVEST.account}`;

/** Makes a change in sandbox `s`, so a reset has something to undo. */
async function changed(app: Parameters<typeof request>[0]) {
  await request(app).delete(accountPath).set({ ...UPVEST.headers, 'x-sandbox-id': 's' }).expect(204);
  const { body } = await request(app).get('/__sandbox/sandboxes/s').expect(200);
  expect(body.changes).toBeGreaterThan(0);
}
const changes = async (app: Parameters<typeof request>[0]) => (await request(app).get('/__sandbox/sandboxes/s').expect(200)).body.changes;

describe('no CORS on the admin API and the dashboard', () => {
  test('a foreign origin gets no Access-Control-* headers, and its preflights are refused; the provider APIs keep CORS', async () => {
    const { app } = await testApp({ corsOrigins: '*' });
    for (const path of ['/__sandbox/journal', '/__sandbox/sandboxes', '/__sandbox/ui', '/__SANDBOX/health']) {
      const res = await request(app).get(path).set('origin', EVIL);
      expect([path, Object.keys(res.headers).filter(h => h.startsWith('access-control-'))]).toEqual([path, []]);
    }
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      const res = await request(app)
        .options('/__sandbox/sandboxes/s/faults')
        .set({ origin: EVIL, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' });
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('forbidden');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-methods']).toBeUndefined();
    }
    const api = await request(app).get(accountPath).set({ ...UPVEST.headers, origin: EVIL }).expect(200);
    expect(api.headers['access-control-allow-origin']).toBe(EVIL);
    await request(app)
      .options(accountPath)
      .set({ origin: EVIL, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization' })
      .expect(204);
  });
});

describe('cross-site writes are refused', () => {
  test('a plain form post from another site resets nothing, whatever the content type', async () => {
    const { app } = await testApp();
    await changed(app);
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', 'application/json']) {
      const res = await request(app).post('/__sandbox/reset').set({ origin: EVIL, 'content-type': type }).send(type === 'application/json' ? '{}' : 'a=1');
      expect([type, res.status, res.body.error]).toEqual([type, 403, 'forbidden']);
    }
    await request(app).post('/__sandbox/reset').set({ origin: 'null' }).expect(403);
    await request(app).post('/__sandbox/reset').set({ origin: 'http://localhost:3000' }).expect(403);
    await request(app).delete('/__sandbox/sandboxes/s').set({ 'sec-fetch-site': 'cross-site' }).expect(403);
    await request(app).post('/__sandbox/sandboxes/s/reset').set({ 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' }).expect(403);
    expect(await changes(app)).toBeGreaterThan(0);
  });

  test('cross-site reads are refused too, except following a link to a page', async () => {
    const { app } = await testApp();
    await request(app).get('/__sandbox/journal?wait=1').set({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' }).expect(403);
    await request(app).get('/__sandbox/ui').set({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' }).expect(200);
    await request(app).get('/__sandbox/health').set({ 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' }).expect(200);
  });

  test('writes only take JSON bodies (415 otherwise); the server\'s own pages and curl work', async () => {
    const { app } = await testApp();
    await changed(app);
    const form = await request(app).post('/__sandbox/reset').type('form').send('a=1').expect(415);
    expect(form.body).toMatchObject({ error: 'unsupported_media_type' });
    await request(app).put('/__sandbox/sandboxes/s/faults').set('content-type', 'text/plain').send('{"rules":[]}').expect(415);
    expect(await changes(app)).toBeGreaterThan(0);
    // the dashboard: same origin, Sec-Fetch-Site same-origin
    await request(app)
      .post('/__sandbox/sandboxes/s/reset')
      .set({ host: 'localhost:4010', origin: 'http://localhost:4010', 'sec-fetch-site': 'same-origin' })
      .expect(200);
    expect(await changes(app)).toBe(0);
    // curl: no Origin, no body
    await request(app).post('/__sandbox/reset').expect(200);
    await request(app).put('/__sandbox/sandboxes/s/faults').set('content-type', 'application/json; charset=utf-8').send('{"rules":[]}').expect(200);
    await request(app)
      .patch(`/__sandbox/sandboxes/s/apis/upvest/referenceAccounts/${UPVEST.account}`)
      .set('content-type', 'application/merge-patch+json')
      .send('{}')
      .expect(200);
  });
});

describe('DNS rebinding', () => {
  test('without an admin token, only loopback host names (any port) or --allowed-hosts are answered', async () => {
    const { app } = await testApp({ allowedHosts: ['sandbox.test', 'demo.test:8080'] });
    for (const host of ['localhost', 'localhost:4010', '127.0.0.1:1', '[::1]:4010', 'app.localhost:3000', 'sandbox.test:9999', 'demo.test:8080']) {
      const res = await request(app).get('/__sandbox/journal').set('host', host);
      expect([host, res.status]).toEqual([host, 200]);
    }
    for (const host of ['evil.example', 'evil.example:4010', 'localhost.evil.example', 'demo.test:8081', '127.0.0.1.nip.io']) {
      const res = await request(app).get('/__sandbox/journal').set('host', host);
      expect([host, res.status, res.body.error]).toEqual([host, 403, 'forbidden']);
      const page = await request(app).get('/__sandbox/ui').set('host', host);
      expect([host, page.status]).toEqual([host, 403]);
    }
    await request(app).get(accountPath).set({ ...UPVEST.headers, host: 'evil.example' }).expect(200); // provider APIs: any host
  });

  test('with an admin token, the token decides, whatever the host', async () => {
    const { app } = await testApp({ adminToken: 's3cret' });
    await request(app).get('/__sandbox/journal').set({ host: 'sandbox.example.com', authorization: 'Bearer s3cret' }).expect(200);
    await request(app).get('/__sandbox/journal').set({ host: 'sandbox.example.com' }).expect(403);
  });
});

describe('behind a reverse proxy', () => {
  test('without an admin token, proxied requests are refused and the server warns once', async () => {
    const warnings: string[] = [];
    const { app } = await testApp({ onWarning: message => warnings.push(message) });
    for (const headers of [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }, { 'x-forwarded-for': '203.0.113.10' }]) {
      const res = await request(app).get('/__sandbox/journal').set(headers).expect(403);
      expect(res.body.message).toMatch(/--admin-token/);
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/X-Forwarded-For.*--admin-token/);
    const withToken = await testApp({ adminToken: 's3cret', onWarning: message => warnings.push(message) });
    await request(withToken.app).get('/__sandbox/journal').set({ 'x-forwarded-for': '203.0.113.9', authorization: 'Bearer s3cret' }).expect(200);
    expect(warnings).toHaveLength(1);
  });
});

describe('Authorization schemes are case-insensitive', () => {
  test.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('%s on all five APIs and the admin API', async scheme => {
    const { app } = await testApp({ adminToken: 's3cret' });
    const auth = { authorization: `${scheme} test` };
    await request(app).get(accountPath).set({ ...UPVEST.headers, ...auth }).expect(200);
    await request(app).get(`/pagonxt/customers/${PAGONXT.customer}/accounts/${PAGONXT.account}`).set({ ...PAGONXT.headers, ...auth }).expect(200);
    await request(app).get('/payex/ledger/account/v1/501/accounts').set(auth).expect(200);
    await request(app).get('/bankingservice/v1/profiles/profile_5c2e9a71d04b8f36a1e7c9d2/customers').set(auth).expect(200);
    const yoigo = jwt.sign({ org_id: 'yoigo' }, 'x');
    await request(app).get('/masstack/orgs/telco/accounts/0a6e1c2b-3d4f-4a5b-8c6d-7e8f9a0b1c2d').set({ authorization: `${scheme} ${yoigo}` }).expect(403);
    await request(app).get('/masstack/orgs/yoigo/customers/b5c3a1d2-6f4e-4a8b-9c7d-1e2f3a4b5c6d/accounts').set({ authorization: `${scheme} ${yoigo}` }).expect(404);
    await request(app).get('/__sandbox/journal').set({ authorization: `${scheme} s3cret` }).expect(200);
    await request(app).get('/__sandbox/ui').set({ authorization: `${scheme} s3cret` }).expect(200);
  });

  test('without an admin token, the admin API ignores Authorization', async () => {
    const { app } = await testApp();
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer whatever', 'Negotiate abc', 'garbage']) {
      const res = await request(app).get('/__sandbox/journal').set({ authorization });
      expect([authorization, res.status]).toEqual([authorization, 200]);
      await request(app).post('/__sandbox/sandboxes/x/reset').set({ authorization }).expect(200);
    }
  });
});
