// The read path's shortcuts behave as the slow paths they replace: the API dispatcher runs the
// request log as the app-level logger does; a long response body is named once (a text seen lately
// is recognised, not hashed again) and gives the same verdicts and the same bytes on the wire; the
// journal shares the kept headers of a request sent again; the day of the sandbox clock is kept.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { bodyKey, clearVerdictCache, loadOperations, validateResponse } from '../src/core/prism.js';
import { RequestJournal } from '../src/controls/journal.js';
import { isoDay } from '../src/core/clock.js';
import { TEXT_KEY, type RequestRecord } from '../src/core/pipeline.js';
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

describe('long response bodies, named once', () => {
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
      const remembered = validateResponse(list, response, text);
      expect(remembered).toEqual(asText);
      expect({ invalid: body === invalid, asText }).toEqual({ invalid: body === invalid, asText: body === invalid ? [expect.stringContaining("iban")] : [] });
    }
  });
});

describe('the journal keeps a response body answered again as it kept it the first time', () => {
  // The pipeline names a JSON success body by its text's key (the text, or its SHA-256); the
  // journal then reuses what it kept for that key instead of redacting and copying the text again.
  const record = (text: string, key?: string): RequestRecord => {
    const body: NonNullable<NonNullable<RequestRecord['response']>['body']> = { text, json: true };
    if (key !== undefined) (body as Record<symbol, string>)[TEXT_KEY] = key;
    return {
      time: '2026-11-29T09:00:00.000Z',
      sandbox: 'default',
      api: 'upvest',
      method: 'GET',
      path: '/x',
      query: '',
      status: 200,
      durationMs: 1,
      requestProblems: [],
      responseViolations: [],
      response: { headers: { 'content-type': 'application/json' }, body },
    };
  };
  /** About 24 KB of JSON with a client_secret whose value starts about `offset` characters in. */
  const long = (offset: number) => {
    const items: object[] = [];
    let length = 0;
    let placed = false;
    for (let i = 0; length < 24_000; i++) {
      const item = !placed && length >= offset - 60 ? { id: i, client_secret: `hunter2-${'x'.repeat(40)}` } : { id: i, name: `item number ${i} of the list` };
      if ('client_secret' in item) placed = true;
      items.push(item);
      length += JSON.stringify(item).length + 1;
    }
    return JSON.stringify({ data: items });
  };
  const texts = [
    JSON.stringify({ id: 1, password: 'p4ss' }),
    long(100), // a secret well inside the kept part
    ...[16_340, 16_370, 16_384, 16_400].map(long), // a secret cut by the 16 KiB cut
    long(20_000), // a secret past the cut
    JSON.stringify({ note: 'Ünïcödé — ' + 'é'.repeat(9000) }), // cut inside multi-byte characters
  ];

  test('entries are the same as without keys, the second time too, and as long as what was sent', () => {
    for (const limits of [{}, { responseBodyBytes: 1000 }]) {
      const keyed = new RequestJournal(limits);
      const plain = new RequestJournal(limits);
      for (const round of [1, 2]) {
        for (const text of texts) {
          keyed.record(record(text, bodyKey(text)));
          plain.record(record(text));
          expect({ round, entry: keyed.list('default', { limit: 1 })[0] }).toEqual({ round, entry: plain.list('default', { limit: 1 })[0] });
        }
      }
      const shown = JSON.stringify(keyed.list('default'));
      expect(shown).not.toContain('hunter2');
      expect(shown).not.toContain('p4ss');
      expect(keyed.byteSize()).toBe(plain.byteSize());
    }
  });

  test('a long body answered again is kept as the first time: cut, with the size that was sent', () => {
    const journal = new RequestJournal();
    const text = long(100);
    const key = bodyKey(text);
    journal.record(record(text, key));
    journal.record(record(`${text} `.trimEnd(), key)); // an equal text, another string
    const [second, first] = journal.list('default');
    expect(second.response).toEqual(first.response);
    expect(second.response?.bodyTruncated).toBe(true);
    expect(second.response?.bodyBytes).toBe(Buffer.byteLength(text));
  });
});

test('a long text seen lately gets the key a fresh SHA-256 gives it, and another text another key', () => {
  const text = JSON.stringify({ data: Array.from({ length: 40 }, (_, i) => ({ id: i, name: `item ${i} — é` })) });
  const first = bodyKey(text);
  expect(first).toMatch(/^\u0001/);
  expect(bodyKey(`${text} `.trimEnd())).toBe(first); // an equal text, another string: recognised
  const others = Array.from({ length: 12 }, (_, i) => `${text.slice(0, -2)}${i}}`.padEnd(text.length, ' '));
  const otherKeys = others.map(other => bodyKey(other));
  expect(new Set([first, ...otherKeys]).size).toBe(13); // same length, other texts: other keys
  expect(bodyKey(text)).toBe(first); // forgotten by now (12 others since), hashed again: the same key
  expect(others.map(other => bodyKey(other))).toEqual(otherKeys);
  expect(bodyKey('short')).toBe('short');
});

test('the journal shares the kept headers of a request sent again with the same headers, and only then', () => {
  const journal = new RequestJournal();
  const entry = (headers: Record<string, string | string[] | undefined>): RequestRecord => ({
    time: '2026-11-29T09:00:00.000Z', sandbox: 'default', api: 'upvest', method: 'GET', path: '/x', query: '', status: 200, durationMs: 1,
    requestProblems: [], responseViolations: [], requestHeaders: headers,
  });
  const sent = [
    { host: 'h', authorization: 'Bearer one', accept: '*/*' },
    { host: 'h', authorization: 'Bearer one', accept: '*/*' },
    { host: 'h', authorization: 'Basic two', accept: '*/*' },
    { host: 'h', accept: '*/*', authorization: 'Basic two' },
    { host: 'h', accept: '*/*', authorization: 'Basic two', cookie: 'a=1' },
    { host: 'h', accept: '*/*', authorization: 'Basic two' },
    { host: 'h', accept: ['a', 'b'], authorization: 'Basic two' },
    { host: 'h', accept: ['a', 'b'], authorization: 'Basic two' },
    { host: 'h', accept: undefined, authorization: 'Basic two' },
  ];
  for (const headers of sent) journal.record(entry(headers));
  const kept = journal.list('default').reverse().map(e => e.requestHeaders);
  expect(kept).toEqual([
    { host: 'h', authorization: 'Bearer [redacted]', accept: '*/*' },
    { host: 'h', authorization: 'Bearer [redacted]', accept: '*/*' },
    { host: 'h', authorization: 'Basic [redacted]', accept: '*/*' },
    { host: 'h', accept: '*/*', authorization: 'Basic [redacted]' },
    { host: 'h', accept: '*/*', authorization: 'Basic [redacted]', cookie: 'a=[redacted]' },
    { host: 'h', accept: '*/*', authorization: 'Basic [redacted]' },
    { host: 'h', accept: 'a, b', authorization: 'Basic [redacted]' },
    { host: 'h', accept: 'a, b', authorization: 'Basic [redacted]' },
    { host: 'h', authorization: 'Basic [redacted]' },
  ]);
  expect(Object.keys(kept[3]!)).toEqual(['host', 'accept', 'authorization']);
});

test('the day of an instant is the ISO date, across day boundaries and back, and an invalid date still throws', () => {
  const instants = ['2026-11-29T23:59:59.999Z', '2026-11-30T00:00:00.000Z', '2026-11-29T12:00:00.000Z', '1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '2026-11-30T00:00:00.001Z'];
  for (const instant of instants) expect(isoDay(new Date(instant))).toBe(instant.slice(0, 10));
  expect(() => isoDay(new Date(NaN))).toThrow(RangeError);
});

test('the query handed to Prism and handlers is req.query, made without parsing the URL into an object', async () => {
  const seen: Array<{ url: string; query: unknown; fast: unknown }> = [];
  const express = (await import('express')).default;
  const { queryOf } = await import('../src/core/pipeline.js');
  const app = express();
  app.use((req, res) => {
    const at = req.url.indexOf('?');
    seen.push({ url: req.url, query: { ...req.query }, fast: { ...queryOf(req, at === -1 ? '' : req.url.slice(at + 1)) } });
    res.end();
  });
  const urls = ['/a', '/a?', '/a?x=1&x=2&y', '/a?x=%zz&%E2%82%AC=1&a[b]=2', '/a?x=1?y=2&z==3', '/a?x=1#frag', '/a?x=1%20#', '/a/b?q=a+b&&=&x'];
  const { createServer } = await import('node:http');
  const { connect } = await import('node:net');
  const server = createServer(app).listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    for (const url of urls) {
      // Raw requests: a client library would drop the fragment.
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(`GET ${url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
        socket.on('error', reject).on('close', () => resolve()).resume();
      });
    }
  } finally {
    server.close();
  }
  expect(seen.map(s => s.url)).toEqual(urls);
  for (const s of seen) expect({ url: s.url, query: s.fast }).toEqual({ url: s.url, query: s.query });
  expect(seen[2].fast).toEqual({ x: ['1', '2'], y: '' });
});
