// Secrets are not kept (journal, logs) and the journal is bounded by bytes (issue 13).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { cut, RequestJournal, type JournalEntry } from '../src/controls/journal.js';
import fc from 'fast-check';
import { isSecretName, MAX_REMEMBERED_NAMES, REDACTED, redactHead, redactHeaders, redactText, redactValue, rememberedSecretNames } from '../src/controls/redact.js';
import type { RequestRecord } from '../src/core/pipeline.js';
import { testApp, UPVEST } from './helpers.js';

const SECRET = 's3cret-Xq9';
const ASSERTION =
  'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InNhbmRib3gtZXhhbXBsZSJ9.eyJpc3MiOiI1ZjJiMWM5ZS04YTRkLTRlM2ItOWM3YS0xZDJlM2Y0YTViNmMiLCJzdWIiOiI1ZjJiMWM5ZS04YTRkLTRlM2ItOWM3YS0xZDJlM2Y0YTViNmMiLCJhdWQiOiIvcGFnb254dC9vYXV0aC90b2tlbiIsImp0aSI6ImI4ZTZhM2YwLTJjMWQtNGU1Zi04YTliLTBjMWQyZTNmNGE1YiIsImV4cCI6NDEwMjQ0NDgwMH0.QFSVFxga-CeB0ihpvFWfQVTsx6XjO1IoMe_s5cP39KzI0MuVNqgDP8OHb5Fuk8-bpCqfgat9L29bleFZbyLtEg';
const SIGNATURE = ASSERTION.split('.')[2];

describe('redaction', () => {
  test('JSON and form-encoded text, query strings', () => {
    expect(JSON.parse(redactText(JSON.stringify({ client_id: 'me', client_secret: SECRET, nested: { password: 12345, passwordHint: 'x' } })))).toEqual({
      client_id: 'me',
      client_secret: REDACTED,
      nested: { password: REDACTED, passwordHint: 'x' },
    });
    expect(redactText(`grant_type=client_credentials&client_id=me&client_secret=${SECRET}&scope=a+b`)).toBe(
      'grant_type=client_credentials&client_id=me&client_secret=[redacted]&scope=a+b',
    );
    expect(redactText(`client_assertion_type=urn%3Ajwt-bearer&client_assertion=${ASSERTION}`)).not.toContain(ASSERTION.slice(0, 40));
    expect(redactText(`access_token=abc&refresh_token=def&token_type=Bearer`)).toBe('access_token=[redacted]&refresh_token=[redacted]&token_type=Bearer');
    // A JWT anywhere keeps its header and claims, not its signature.
    expect(redactText(`note: ${ASSERTION} end`)).toBe(`note: ${ASSERTION.slice(0, ASSERTION.lastIndexOf('.') + 1)}${REDACTED} end`);
    expect(redactText('{"name":"Basic account","iban":"DE02"}')).toBe('{"name":"Basic account","iban":"DE02"}');
  });

  test('headers and parsed values', () => {
    expect(redactHeaders({ authorization: `Bearer ${ASSERTION}`, 'proxy-authorization': 'Basic bWU6czNjcmV0', cookie: `sid=${SECRET}; theme=dark`, 'x-api-key': SECRET, accept: 'application/json' })).toEqual({
      authorization: `Bearer ${REDACTED}`,
      'proxy-authorization': `Basic ${REDACTED}`,
      cookie: `sid=${REDACTED}; theme=${REDACTED}`,
      'x-api-key': REDACTED,
      accept: 'application/json',
    });
    const value = { access_token: ASSERTION, token_type: 'Bearer', expires_in: 3600, list: [{ password: 'p' }, 'plain'] };
    expect(redactValue(value)).toEqual({ access_token: REDACTED, token_type: 'Bearer', expires_in: 3600, list: [{ password: REDACTED }, 'plain'] });
    const clean = { a: [1, { b: 'c' }] };
    expect(redactValue(clean)).toBe(clean);
  });
});

describe('the journal and the logs keep no secrets', () => {
  test('every kind, sent to the APIs as integrators do', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    const { app } = await testApp({ logger: pino({ level: 'debug' }, sink) });
    const form = 'application/x-www-form-urlencoded';
    // client_secret, form-encoded and as JSON; Basic credentials
    await request(app).post('/bankingservice/v1/oauth/token').type(form).send(`grant_type=client_credentials&client_id=me&client_secret=${SECRET}`).expect(200);
    await request(app).post('/bankingservice/v1/oauth/token').send({ grant_type: 'client_credentials', client_id: 'me', client_secret: SECRET }).expect(200);
    await request(app).post('/payex/oauth/token').type(form).send(`grant_type=client_credentials&client_id=me&client_secret=${SECRET}&ledgerNo=501`).expect(200);
    // client_assertion
    const pagonxt = await request(app)
      .post('/pagonxt/oauth/token')
      .type(form)
      .send(`grant_type=client_credentials&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer&client_assertion=${ASSERTION}&scope=accounts.read`)
      .expect(200);
    const issued: string = pagonxt.body.access_token;
    // bearer tokens in a query string and a password in a JSON body (refused: no body beyond the cap either way)
    await request(app).get(`/upvest/payments/reference_accounts?access_token=${issued}&client_secret=${SECRET}`).set(UPVEST.headers);
    await request(app)
      .post('/upvest/payments/reference_accounts')
      .set({ ...UPVEST.headers, 'idempotency-key': 'b3f6c7a0-0d1e-4f2a-9b3c-4d5e6f7a8b9c' })
      .send({ user_id: UPVEST.user, password: SECRET, token: issued, iban: 'DE02100100109307118603' });
    // the admin token of the dashboard's address
    await request(app).get(`/__sandbox/health?token=${SECRET}`).expect(200);

    const { body } = await request(app).get('/__sandbox/journal?limit=50').expect(200);
    const journal = JSON.stringify(body);
    const log = lines.join('\n');
    for (const [where, text] of [['journal', journal], ['log', log]]) {
      expect([where, text.includes(SECRET)]).toEqual([where, false]);
      expect([where, text.includes(SIGNATURE)]).toEqual([where, false]);
      expect([where, text.includes(issued.split('.')[2])]).toEqual([where, false]);
    }
    const entries: JournalEntry[] = body.data;
    expect(entries.find(e => e.api === 'bankingservice' && typeof e.requestBody === 'object')?.requestBody).toEqual({
      grant_type: 'client_credentials',
      client_id: 'me',
      client_secret: REDACTED,
    });
    expect(entries.find(e => e.api === 'payex')?.requestBody).toBe('grant_type=client_credentials&client_id=me&client_secret=[redacted]&ledgerNo=501');
    expect(entries.find(e => e.api === 'upvest' && e.method === 'GET')?.query).toMatch(/^access_token=\[redacted\]&client_secret=\[redacted\]$/);
    expect(log).toContain('access_token=[redacted]');
  });
});

describe('the journal is bounded by bytes', () => {
  const record = (text: string, sandbox = 's'): RequestRecord => ({
    time: new Date().toISOString(), sandbox, api: 'a', method: 'POST', path: '/x', query: '', status: 400, durationMs: 1,
    requestProblems: [], responseViolations: [], requestBody: { text, json: true },
  });

  test('a body is kept up to the per-entry cap, as text with a truncated mark', () => {
    const journal = new RequestJournal({ perSandbox: 1000, total: 20_000, bodyBytes: 4096, totalBytes: 16 * 1024 * 1024 });
    const body = JSON.stringify(Array.from({ length: 8000 }, () => ({}))); // [{},{},…] ~24 KB
    journal.record(record(body));
    const [entry] = journal.list('s');
    expect(entry.requestBodyTruncated).toBe(true);
    expect(entry.requestBodyBytes).toBe(body.length);
    expect(typeof entry.requestBody).toBe('string');
    expect(Buffer.byteLength(entry.requestBody as string)).toBeLessThanOrEqual(4096);
    // multi-byte text is cut on a character boundary and never exceeds the cap
    journal.record(record(JSON.stringify({ name: 'ä€😀'.repeat(2000) })));
    expect(Buffer.byteLength(journal.list('s')[0].requestBody as string)).toBeLessThanOrEqual(4096);
    // a small JSON body comes back parsed
    journal.record(record('{"a":[1,2]}'));
    expect(journal.list('s')[0]).toMatchObject({ requestBody: { a: [1, 2] } });
    expect(journal.list('s')[0].requestBodyTruncated).toBeUndefined();
  });

  test('only the part of a body the journal keeps is redacted, and a secret cut off at its end is redacted whole', () => {
    const journal = new RequestJournal({ perSandbox: 1000, total: 20_000, bodyBytes: 4096, totalBytes: 16 * 1024 * 1024 });
    const secret = `S3CRET${'q'.repeat(2000)}`;
    // secrets that straddle the 4 KiB cut, at several offsets, in JSON and form-encoded bodies and as a JWT
    for (const offset of [4000, 4090, 4095, 4200, 4300]) {
      const json = `{"pad":"${'x'.repeat(offset - 9)}","client_secret":"${secret}","more":"${'y'.repeat(100_000)}"}`;
      const form = `pad=${'x'.repeat(offset - 4)}&client_secret=${secret}&more=${'y'.repeat(100_000)}`;
      const jwt = `{"pad":"${'x'.repeat(offset - 9)}","t":"${ASSERTION}","more":"${'y'.repeat(100_000)}"}`;
      for (const [text, kept] of [[json, 'S3CRET'], [form, 'S3CRET'], [jwt, SIGNATURE.slice(0, 8)]]) {
        journal.record({ ...record(text), requestBody: { text, json: !text.startsWith('pad') } });
        const [entry] = journal.list('s');
        expect(entry.requestBodyTruncated).toBe(true);
        expect(entry.requestBody as string).not.toContain(kept);
      }
    }
    // The work is bounded too: a 1 MiB body is redacted as far as a cut to 4 KiB can keep, not through the megabyte.
    const long = `{"password":"p",${'"a":"b",'.repeat(130_000)}"z":1}`;
    expect(redactHead(long, 4096).text.length).toBeLessThan(5000);
    expect(redactHead(long, 4096)).toMatchObject({ partial: true, text: expect.stringContaining(`"password":"${REDACTED}"`) });
    expect(redactHead('{"password":"p"}', 4096)).toEqual({ text: `{"password":"${REDACTED}"}`, partial: false });
  });

  test('a secret cut off at the end of the kept window is found by one pass, as the pattern over the whole window found it', () => {
    // The pattern used before (it tried every quote of the window: 16% of a 100-item list's CPU).
    const cutPair = /"((?:[^"\\]|\\.){1,100})"(\s*:\s*)"(?:[^"\\]|\\.)*\\?$/;
    let cutSecrets = 0;
    const before = (head: string) => head.replace(cutPair, (pair, name: string, colon: string) => (isSecretName(name) ? `"${name}"${colon}"${REDACTED}` : pair));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('password', 'client_secret', 'name', 'iban', 'pass\\"word', 'token'), fc.oneof(fc.string(), fc.constantFrom('a\\"b\\\\', '\\\\', 'eyJx', '": "')), fc.constantFrom(':', ' : ', ':  ')), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        (pairs, at) => {
          // the window (the first limit + 256 characters) ends anywhere after a 300-character first pair
          const text = `{"pad":"${'x'.repeat(300)}",${pairs.map(([name, value, colon]) => `"${name}"${colon}${JSON.stringify(value)}`).join(',')}}`;
          const end = 310 + (at % (text.length - 311));
          const head = text.slice(0, end);
          const expected = before(redactText(head));
          if (expected !== redactText(head)) cutSecrets++;
          expect(redactHead(text, end - 256).text).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
    expect(cutSecrets).toBeGreaterThan(100);
  });

  test('all entries together stay within the byte budget, the oldest dropped first', () => {
    const journal = new RequestJournal({ perSandbox: 1000, total: 20_000, bodyBytes: 4096, totalBytes: 64 * 1024 });
    const body = JSON.stringify(Array.from({ length: 6000 }, () => ({})));
    for (let i = 0; i < 200; i++) journal.record(record(body, `s${i % 7}`));
    expect(journal.byteSize()).toBeLessThanOrEqual(64 * 1024);
    const kept = journal.list(undefined);
    expect(kept.length).toBeGreaterThan(5);
    expect(kept.length).toBeLessThan(20);
    expect(kept[0].seq).toBe(200); // the newest is kept
    for (const e of kept) journal.clear(e.sandbox);
    expect(journal.byteSize()).toBe(0);
  });

  test('long paths, query strings and many problems are cut too', () => {
    const journal = new RequestJournal({ perSandbox: 10, total: 10, bodyBytes: 4096, totalBytes: 1e9 });
    journal.record({
      ...record('{}'),
      path: `/${'p'.repeat(60_000)}`,
      query: `q=${'x'.repeat(60_000)}`,
      requestProblems: Array.from({ length: 5000 }, (_, i) => ({ field: `body.${'k'.repeat(1000)}${i}`, message: 'is not allowed' })),
    });
    const [entry] = journal.list('s');
    expect(entry.path.length).toBeLessThanOrEqual(2048);
    expect(entry.query.length).toBeLessThanOrEqual(2048);
    expect(entry.requestProblems.length).toBe(21); // as many as a response lists (20), and the note of how many more
    expect(journal.byteSize()).toBeLessThan(60_000);
  });
});

test('secret names are recognised the same whether remembered or not, and only a bounded number is remembered', () => {
  const names = ['authorization', 'X-Api-Key', 'client_secret', 'Content-Type', 'refresh-token', 'user_id', 'PASSWORD', 'code_verifier'];
  const first = names.map(isSecretName);
  expect(first).toEqual([true, true, true, false, true, false, true, true]);
  expect(names.map(isSecretName)).toEqual(first);
  for (let i = 0; i < MAX_REMEMBERED_NAMES * 2; i++) expect(isSecretName(`x-custom-${i}-token`)).toBe(true);
  expect(rememberedSecretNames()).toBeLessThanOrEqual(MAX_REMEMBERED_NAMES);
  expect(isSecretName(`${'a'.repeat(100)}password`)).toBe(true);
});

test('cut keeps the longest prefix of whole characters within the byte limit', () => {
  expect(cut('short', 16)).toEqual({ text: 'short', cut: false });
  expect(cut('a'.repeat(20), 16)).toEqual({ text: 'a'.repeat(16), cut: true });
  // é is 2 bytes, € 3, 😀 4 (a surrogate pair): never split
  expect(cut('ééééééééé', 16)).toEqual({ text: 'éééééééé', cut: true });
  expect(cut('a€€€€€€', 16)).toEqual({ text: 'a€€€€€', cut: true });
  expect(cut('abc😀😀😀😀', 16)).toEqual({ text: 'abc😀😀😀', cut: true });
  expect(cut('😀😀😀😀😀', 16)).toEqual({ text: '😀😀😀😀', cut: true });
  // reusing one buffer never leaks an earlier text into a later one
  expect(cut('x'.repeat(40), 32)).toEqual({ text: 'x'.repeat(32), cut: true });
  expect(cut('yé'.repeat(20), 8)).toEqual({ text: 'yéyéy', cut: true });
});
