// The read path's shortcuts behave as the slow paths they replace: the API dispatcher runs the
// request log as the app-level logger does, and a long response body encoded once (hashed as bytes
// for the verdict cache, sent as bytes) gives the same verdicts and the same bytes on the wire.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { clearVerdictCache, loadOperations, validateResponse } from '../src/core/prism.js';
import { join } from 'node:path';
import { testApp, UPVEST } from './helpers.js';
import { specsDir } from '../src/paths.js';

const listPath = `/users/${UPVEST.user}/payments/reference_accounts?limit=100`;

test('the request log of a dispatched request is the one the app-level logger writes (an Express mount)', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const { app, close } = await testApp({ logger: pino({ level: 'info' }, sink) });
  try {
    for (const prefix of ['/upvest', '/Upvest']) {
      await request(app).get(`${prefix}/payments/reference_accounts/${UPVEST.account}`).set({ ...UPVEST.headers, 'x-sandbox-id': 'log-1' }).expect(200);
      await request(app).get(`${prefix}/payments/reference_accounts/nope?token=s3cret`).set(UPVEST.headers).expect(404);
      await request(app).options(`${prefix}/payments/reference_accounts`).set({ origin: 'http://localhost:3000', 'access-control-request-method': 'POST' }).expect(204);
    }
    const shown = lines.map(({ time: _t, responseTime: _r, msg, ...rest }) => ({ ...rest, url: String(rest.url), msg: String(msg).replace(/ [\d.]+ms/, ' Tms') }));
    expect(shown).toHaveLength(6);
    const [fast, slow] = [shown.slice(0, 3), shown.slice(3)];
    expect(fast).toEqual(slow.map(line => ({ ...line, url: line.url.replace('/Upvest', '/upvest'), msg: line.msg.replace('/Upvest', '/upvest') })));
    expect(fast[0]).toMatchObject({ level: 30, status: 200, sandbox: 'log-1', api: 'upvest', operationId: 'getReferenceAccount' });
    expect(fast[1]).toMatchObject({ level: 40, status: 404, url: '/upvest/payments/reference_accounts/nope?token=[redacted]' });
  } finally {
    await close();
  }
});

describe('long response bodies, encoded once', () => {
  test('are sent byte for byte as their JSON text, with its length', async () => {
    const { app, close } = await testApp();
    try {
      const res = await request(app).get('/payex/ledger/account/v1/501/accounts/1234567').set({ authorization: 'Bearer test' }).buffer(true).parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
      const bytes = res.body as Buffer;
      expect(bytes.length).toBeGreaterThan(1024);
      expect(Number(res.headers['content-length'])).toBe(bytes.length);
      expect(bytes.toString('utf8')).toBe(JSON.stringify(JSON.parse(bytes.toString('utf8'))));
    } finally {
      await close();
    }
  });

  test('get the verdict their text gets, fresh and remembered, valid or not', async () => {
    const { app, close } = await testApp();
    const page = (await request(app).get(`/upvest${listPath}`).set(UPVEST.headers).expect(200)).body as { meta: object; data: Array<Record<string, unknown>> };
    await close();
    const operations = await loadOperations(join(specsDir, 'upvest.yaml'), null);
    const list = operations.find(op => op.iid === 'listUserReferenceAccounts')!;
    // Long enough to be encoded once, with characters beyond ASCII.
    const data = Array.from({ length: 12 }, (_, i) => ({ ...page.data[i % page.data.length], account_owner: `Max Mustermann — Ünïcödé ${i}` }));
    const valid = { ...page, data };
    const invalid = { ...page, data: data.map((a, i) => (i === 7 ? { ...a, iban: 42 } : a)) };
    for (const body of [valid, invalid]) {
      const text = JSON.stringify(body);
      expect(text.length).toBeGreaterThan(1024);
      const response = { statusCode: 200, headers: { 'content-type': 'application/json', 'upvest-request-id': 'c18f80bd-401e-4836-9776-7dc24c32d35e' }, body };
      clearVerdictCache();
      const asText = validateResponse(list, response, text);
      clearVerdictCache();
      const asBytes = validateResponse(list, response, text, Buffer.from(text));
      const rememberedFromBytes = validateResponse(list, response, text);
      const rememberedFromText = validateResponse(list, response, text, Buffer.from(text));
      expect(asBytes).toEqual(asText);
      expect(rememberedFromBytes).toEqual(asText);
      expect(rememberedFromText).toEqual(asText);
      expect({ invalid: body === invalid, asText }).toEqual({ invalid: body === invalid, asText: body === invalid ? [expect.stringContaining("iban")] : [] });
    }
  });
});
