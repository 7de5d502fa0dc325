// A fleet as deployed: Debian's redis-server (installed when missing) on a loopback port, three
// sandbox servers on it (child processes of the CLI with --store redis://…), nginx round-robin in
// front (deploy/nginx.conf). The business rules hold under 200 racing clients spread over the
// three servers; SIGKILL of a server mid write storm loses no acknowledged write; Redis killed and
// restarted: 503 with Retry-After in each provider's envelope meanwhile, then service resumes.
// Redis runs with `appendfsync always` here, so an acknowledged write also survives Redis's SIGKILL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { VIOLATIONS_HEADER } from '../src/core/pipeline.js';
import { specsDir } from '../src/paths.js';
import { EXAMPLE } from '../src/apis/payex/fixtures.js';
import { UPVEST } from './helpers.js';
import { startFleet, type Fleet } from './fleet.js';

const CLIENTS = 200;
let fleet: Fleet;
let urls: string[];

beforeAll(async () => {
  fleet = await startFleet({ servers: 3, redis: { appendfsync: 'always' } });
  urls = fleet.servers.map(s => s.url);
}, 300_000);
afterAll(async () => {
  await fleet?.stop();
}, 60_000);

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/**
 * One request on a connection of its own (`connection: close`): a kept-alive connection could be
 * reused just as the server closes it for idleness (its 5 s keep-alive limit), which a loaded
 * machine's late timers make likely, and fetch then fails with "other side closed".
 */
async function call(base: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, connection: 'close', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** `CLIENTS` requests at once, client i on server i mod 3. */
function race(make: (i: number) => [string, string, Record<string, string>, unknown?]): Promise<Answer[]> {
  return Promise.all(Array.from({ length: CLIENTS }, (_, i) => call(urls[i % urls.length], ...make(i))));
}

const upvest = (sandbox: string) => ({ ...UPVEST.headers, 'x-sandbox-id': sandbox });
const accountBody = (iban = 'DE89370400440532013000') => ({
  user_id: UPVEST.user,
  account_owner: 'Max Mustermann',
  name: "Max's Reference Account",
  iban,
  bic: 'COBADEFFXXX',
  confirmed_at: '2020-08-23T14:15:22Z',
});
const ACCOUNTS = '/upvest/payments/reference_accounts';
const userAccounts = `/upvest/users/${UPVEST.user}/payments/reference_accounts`;

const PAYEX_ACCOUNT = `/payex/ledger/account/v1/${EXAMPLE.ledgerNo}/accounts/${EXAMPLE.accountNo}`;
const payex = (sandbox: string) => ({ authorization: 'Bearer test', 'x-sandbox-id': sandbox });
/** Yesterday (UTC): not in the future whatever the sandbox's time zone. */
const PAYMENT_DATE = new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10);

describe('business rules under 200 racing clients over three servers', () => {
  test('Upvest idempotency key: one account, every client gets the same answer', async () => {
    const sandbox = 'race-idempotency';
    const key = '7b1e0c52-4f0e-4c9b-8d8a-5a2b7e3c9f10';
    const answers = await race(() => ['POST', ACCOUNTS, { ...upvest(sandbox), 'idempotency-key': key }, accountBody()]);
    expect(answers.map(a => a.status)).toEqual(Array(CLIENTS).fill(200));
    expect(new Set(answers.map(a => a.body.id)).size).toBe(1);
    expect(answers.filter(a => a.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
    for (const base of urls) {
      const list = await call(base, 'GET', userAccounts, upvest(sandbox));
      expect(list.body.data.filter((a: { id: string }) => a.id === answers[0].body.id)).toHaveLength(1);
    }
  });

  test("Upvest: a user's last reference account is never deleted", async () => {
    const sandbox = 'race-last-account';
    // Give the user ten accounts, then let 200 clients delete them all at once.
    for (let i = 0; i < 8; i++) {
      const iban = withCheckDigits(`DE003704004405320130${10 + i}`);
      const res = await call(urls[i % 3], 'POST', ACCOUNTS, { ...upvest(sandbox), 'idempotency-key': `00000000-0000-4000-8000-00000000000${i}` }, accountBody(iban));
      expect(res.status).toBe(200);
    }
    const ids: string[] = (await call(urls[0], 'GET', userAccounts, upvest(sandbox))).body.data.map((a: { id: string }) => a.id);
    expect(ids.length).toBeGreaterThanOrEqual(8);
    const answers = await race(i => ['DELETE', `${ACCOUNTS}/${ids[i % ids.length]}`, upvest(sandbox)]);
    expect(answers.filter(a => ![204, 404, 409].includes(a.status)).map(a => [a.status, a.body])).toEqual([]);
    expect(answers.filter(a => a.status === 204)).toHaveLength(ids.length - 1);
    expect(answers.some(a => a.status === 409)).toBe(true);
    for (const base of urls) expect((await call(base, 'GET', userAccounts, upvest(sandbox))).body.data).toHaveLength(1);
  });

  test('PayEx credit limit is only ever lowered: the lowest asked for wins, no raise gets through', async () => {
    const sandbox = 'race-credit-limit';
    const before = (await call(urls[0], 'GET', PAYEX_ACCOUNT, payex(sandbox))).body;
    const start = Math.round(before.creditLimit * 100);
    expect(start).toBeGreaterThan(CLIENTS * 2);
    // Client i asks for a limit below the start, every fourth one for a raise.
    const asked = Array.from({ length: CLIENTS }, (_, i) => (i % 4 === 3 ? start + 100 * i : start - 1 - ((i * 7919) % (start - 1))) / 100);
    const answers = await race(i => ['PATCH', PAYEX_ACCOUNT, payex(sandbox), { creditLimit: asked[i] }]);
    expect(answers.filter(a => a.status !== 204 && a.status !== 400).map(a => [a.status, a.body])).toEqual([]);
    const lowest = Math.min(...asked);
    for (const base of urls) expect((await call(base, 'GET', PAYEX_ACCOUNT, payex(sandbox))).body.creditLimit).toBe(lowest);
    answers.forEach((a, i) => {
      if (asked[i] * 100 > start) expect(a.status).toBe(400);
      if (asked[i] === lowest) expect(a.status).toBe(204);
    });
  });

  test("PayEx payment ceiling: the payments accepted never exceed the account's maxPaymentAmount", async () => {
    const sandbox = 'race-payment-ceiling';
    const before = (await call(urls[0], 'GET', PAYEX_ACCOUNT, payex(sandbox))).body;
    const ceiling = Math.round(before.maxPaymentAmount * 100);
    const amount = Math.ceil(ceiling / 50); // cents: about 50 payments fit
    const fit = Math.floor(ceiling / amount);
    const answers = await race(i => [
      'POST',
      `${PAYEX_ACCOUNT}/register-psp-payment`,
      payex(sandbox),
      { Amount: amount / 100, PaymentDate: PAYMENT_DATE, sourcePspPaymentTransactionId: `race-${i}` },
    ]);
    expect(answers.filter(a => a.status !== 204 && a.status !== 400).map(a => [a.status, a.body])).toEqual([]);
    expect(answers.filter(a => a.status === 204)).toHaveLength(fit);
    const after = (await call(urls[2], 'GET', PAYEX_ACCOUNT, payex(sandbox))).body;
    expect(Math.round(after.maxPaymentAmount * 100)).toBe(ceiling - fit * amount);
    // The same PSP payment id raced from every server is registered once.
    const again = await race(() => ['POST', `${PAYEX_ACCOUNT}/register-psp-payment`, payex(sandbox), { Amount: 0.01, PaymentDate: PAYMENT_DATE, sourcePspPaymentTransactionId: 'race-once' }]);
    expect(again.map(a => a.status)).toEqual(Array(CLIENTS).fill(204));
    const transactions = (await call(urls[1], 'GET', `${PAYEX_ACCOUNT}/transactions?fromDate=${PAYMENT_DATE}&toDate=${PAYMENT_DATE}`, payex(sandbox))).body.items;
    expect(transactions.filter((t: { description: string }) => t.description === 'PSP payment race-once')).toHaveLength(1);
  });
});

test('nginx round-robin: a sandbox written through one server reads the same from every server', async () => {
  if (!fleet.lb) throw new Error('nginx is not installed');
  const sandbox = 'round-robin';
  const created = await call(fleet.url, 'POST', ACCOUNTS, { ...upvest(sandbox), 'idempotency-key': '3c0a5d7e-1b2f-4a6c-9d8e-7f6a5b4c3d2e' }, accountBody());
  expect(created.status).toBe(200);
  for (let i = 0; i < 6; i++) expect((await call(fleet.url, 'GET', `${ACCOUNTS}/${created.body.id}`, upvest(sandbox))).status).toBe(200);
  expect((await call(fleet.url, 'DELETE', `${ACCOUNTS}/${created.body.id}`, upvest(sandbox))).status).toBe(204);
  for (const base of urls) expect((await call(base, 'GET', `${ACCOUNTS}/${created.body.id}`, upvest(sandbox))).status).toBe(404);
});

/** Storms still running: stopped after each test, so a failed assertion cannot leave one looping (and jest waiting). */
const storms = new Set<{ stop(): Promise<void> }>();
afterEach(async () => {
  for (const storm of storms) await storm.stop();
});

/** Creates in fresh sandboxes from `clients` loops per server until `stop()`; the acknowledged ones. */
function writeStorm(prefix: string, servers: string[], clients: number) {
  const acknowledged: Array<{ sandbox: string; id: string }> = [];
  const statuses = new Map<string, number>();
  let running = true;
  let n = 0;
  const loops = servers.flatMap(base =>
    Array.from({ length: clients }, async () => {
      while (running) {
        const sandbox = `${prefix}-${n++}`;
        try {
          const res = await call(base, 'POST', ACCOUNTS, { ...upvest(sandbox), 'idempotency-key': '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }, accountBody());
          statuses.set(String(res.status), (statuses.get(String(res.status)) ?? 0) + 1);
          if (res.status === 200) acknowledged.push({ sandbox, id: res.body.id });
        } catch {
          statuses.set('no answer', (statuses.get('no answer') ?? 0) + 1);
          await sleep(20); // a server that is gone refuses at once
        }
      }
    }),
  );
  const storm = {
    acknowledged,
    statuses,
    async stop() {
      running = false;
      storms.delete(storm);
      await Promise.all(loops);
    },
  };
  storms.add(storm);
  return storm;
}

describe('the controls act fleet-wide, whichever server gets the request', () => {
  const admin = (_base: string, sandbox: string) => `/__sandbox/sandboxes/${sandbox}`;

  test('a request sent to A is in the journal, count, verify, waitFor and coverage read from B', async () => {
    const sandbox = 'fleet-journal';
    const [a, b, c] = urls;
    // A long poll on B that is waiting before the request arrives on A.
    const waiting = call(b, 'GET', `${admin(b, sandbox)}/journal?operationId=getReferenceAccount&wait=10`, {});
    await sleep(200);
    const got = await call(a, 'GET', `${ACCOUNTS}/${UPVEST.account}`, upvest(sandbox));
    expect(got.status).toBe(200);
    const waited = await waiting;
    expect(waited.body.data).toHaveLength(1);
    expect(waited.body.data[0]).toMatchObject({ sandbox, api: 'upvest', operationId: 'getReferenceAccount', status: 200 });
    const journal = await call(b, 'GET', `${admin(b, sandbox)}/journal`, {});
    expect(journal.body.data.map((e: { operationId: string }) => e.operationId)).toEqual(['getReferenceAccount']);
    // The sequence number is the fleet's: the same entry has the same seq on every server.
    const onC = await call(c, 'GET', `${admin(c, sandbox)}/journal`, {});
    expect(onC.body.data[0].seq).toBe(journal.body.data[0].seq);
    expect((await call(c, 'GET', `${admin(c, sandbox)}/journal/count?operationId=getReferenceAccount`, {})).body).toEqual({ count: 1 });
    const coverage = await call(b, 'GET', `/__sandbox/coverage?sandbox=${sandbox}`, {});
    const op = coverage.body.apis.find((x: { api: string }) => x.api === 'upvest').operationCoverage.find((o: { operationId: string }) => o.operationId === 'getReferenceAccount');
    expect(op).toMatchObject({ calls: 1, statuses: expect.arrayContaining([{ status: '200', calls: 1 }]) });
    // The programmatic client on B: verify and waitFor see what A and C answered.
    const { connectSandbox } = await import('../src/index.js');
    const handle = connectSandbox(b).sandbox(sandbox);
    await handle.verify({ operationId: 'getReferenceAccount' }, { count: 1 });
    const later = call(c, 'GET', `${ACCOUNTS}/${UPVEST.account}`, upvest(sandbox));
    await handle.waitFor({ operationId: 'getReferenceAccount', since: journal.body.data[0].seq }, { timeoutMs: 10_000 });
    await later;
    // Cleared on C: gone on A and B.
    expect((await call(c, 'DELETE', `${admin(c, sandbox)}/journal`, {})).status).toBe(204);
    for (const base of [a, b]) expect((await call(base, 'GET', `${admin(base, sandbox)}/journal`, {})).body.data).toEqual([]);
    expect((await call(a, 'DELETE', `/__sandbox/coverage?sandbox=${sandbox}`, {})).status).toBe(204);
    const cleared = await call(b, 'GET', `/__sandbox/coverage?sandbox=${sandbox}`, {});
    expect(cleared.body.apis.every((x: { operations: { exercised: number } }) => x.operations.exercised === 0)).toBe(true);
  });

  test('a fault rule set on A applies to requests on B and C; cleared on C, it is gone everywhere', async () => {
    const sandbox = 'fleet-faults';
    const [a, b, c] = urls;
    const rules = { seed: 7, rules: [{ api: 'upvest', operationId: 'getReferenceAccount', status: 503 }] };
    expect((await call(a, 'PUT', `${admin(a, sandbox)}/faults`, {}, rules)).status).toBe(200);
    for (const base of [b, c]) {
      const res = await call(base, 'GET', `${ACCOUNTS}/${UPVEST.account}`, upvest(sandbox));
      expect(res.status).toBe(503);
      expect(JSON.stringify(res.body)).toContain('injected by the sandbox');
      expect((await call(base, 'GET', `${admin(base, sandbox)}/faults`, {})).body).toEqual(rules);
    }
    expect((await call(c, 'DELETE', `${admin(c, sandbox)}/faults`, {})).status).toBe(204);
    for (const base of [a, b]) {
      expect((await call(base, 'GET', `${ACCOUNTS}/${UPVEST.account}`, upvest(sandbox))).status).toBe(200);
      expect((await call(base, 'GET', `${admin(base, sandbox)}/faults`, {})).body.rules).toEqual([]);
    }
  });

  test('a seeded probability and latency give the same sequence through A, B and C in turn as on A alone', async () => {
    const sandbox = 'fleet-draws';
    const [a] = urls;
    const rules = {
      seed: 11,
      rules: [
        { api: 'upvest', operationId: 'getReferenceAccount', status: 503, probability: 0.5, latency: { minMs: 0, maxMs: 40 } },
        { api: 'upvest', rateLimit: { requests: 1000, perSeconds: 1 } },
      ],
    };
    const run = async (bases: string[], pause = false) => {
      // Each PUT numbers the sandbox's draws from 0 again, on every server.
      expect((await call(a, 'PUT', `${admin(a, sandbox)}/faults`, {}, rules)).status).toBe(200);
      const statuses = [];
      for (let i = 0; i < 24; i++) {
        statuses.push((await call(bases[i % bases.length], 'GET', `${ACCOUNTS}/${UPVEST.account}`, upvest(sandbox))).status);
        if (pause && i === 11) {
          // A request that draws nothing, counted in the 1 s window, then a pause longer than the window: the numbering goes on.
          expect((await call(a, 'GET', userAccounts, upvest(sandbox))).status).toBe(200);
          await sleep(1500);
        }
      }
      const journal = await call(a, 'GET', `${admin(a, sandbox)}/journal?limit=24&operationId=getReferenceAccount`, {});
      const delays = journal.body.data.map((e: { injected?: { delayMs?: number } }) => e.injected?.delayMs).reverse();
      expect((await call(a, 'DELETE', `${admin(a, sandbox)}/journal`, {})).status).toBe(204);
      return { statuses, delays };
    };
    const alone = await run([a]);
    expect(new Set(alone.statuses)).toEqual(new Set([200, 503]));
    expect(alone.delays).toHaveLength(24);
    expect(await run(urls)).toEqual(alone);
    expect(await run([a], true)).toEqual(alone);
    expect((await call(a, 'DELETE', `${admin(a, sandbox)}/faults`, {})).status).toBe(204);
  });

  test('a rate limit set on A counts requests on A, B and C in one window: 30 racing requests get exactly its 3', async () => {
    const sandbox = 'fleet-rate';
    const [a, b, c] = urls;
    const rules = { rules: [{ api: 'upvest', operationId: 'getReferenceAccount', rateLimit: { requests: 3, perSeconds: 60 } }] };
    expect((await call(a, 'PUT', `${admin(a, sandbox)}/faults`, {}, rules)).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => call(urls[i % 3], 'GET', `${ACCOUNTS}/${UPVEST.account}`, upvest(sandbox))));
    expect(answers.filter(r => r.status === 200)).toHaveLength(3);
    const limited = answers.filter(r => r.status === 429);
    expect(limited).toHaveLength(27);
    for (const r of limited) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(55);
    // The rules set again (through C): a new window, on every server.
    expect((await call(c, 'PUT', `${admin(c, sandbox)}/faults`, {}, rules)).status).toBe(200);
    const again = [];
    for (const base of [b, a, c, b]) again.push((await call(base, 'GET', `${ACCOUNTS}/${UPVEST.account}`, upvest(sandbox))).status);
    expect(again).toEqual([200, 200, 200, 429]);
    expect((await call(b, 'DELETE', `${admin(b, sandbox)}/faults`, {})).status).toBe(204);
  });

  test("the sandbox list on B shows a sandbox created on A; reset on B resets what A serves; reset-all on C resets every server's sandboxes", async () => {
    const [a, b, c] = urls;
    const created = await call(a, 'POST', ACCOUNTS, { ...upvest('fleet-list'), 'idempotency-key': '3f0c8a52-4f0e-4c9b-8d8a-5a2b7e3c9f11' }, accountBody());
    expect(created.status).toBe(200);
    // A reads it (and keeps it in memory), B and C never served that sandbox.
    expect((await call(a, 'GET', `${ACCOUNTS}/${created.body.id}`, upvest('fleet-list'))).status).toBe(200);
    const list = await call(b, 'GET', '/__sandbox/sandboxes', {});
    const entry = list.body.data.find((s: { name: string }) => s.name === 'fleet-list');
    expect(entry).toMatchObject({ name: 'fleet-list', requests: 2 });
    expect(entry.changes).toBeGreaterThan(0);
    expect((await call(b, 'POST', `${admin(b, 'fleet-list')}/reset`, {})).body).toMatchObject({ name: 'fleet-list', changes: 0 });
    expect((await call(a, 'GET', `${ACCOUNTS}/${created.body.id}`, upvest('fleet-list'))).status).toBe(404);

    // A record written through A's admin API, a clock frozen through B: C serves both.
    const again = await call(a, 'POST', ACCOUNTS, { ...upvest('fleet-list'), 'idempotency-key': '3f0c8a52-4f0e-4c9b-8d8a-5a2b7e3c9f12' }, accountBody());
    expect(again.status).toBe(200);
    const frozen = await call(b, 'POST', `${admin(b, 'fleet-list')}/clock/freeze`, {}, { at: '2027-01-15T09:00:00Z' });
    expect(frozen.status).toBe(200);
    const fromC = await call(c, 'GET', `${ACCOUNTS}/${again.body.id}`, upvest('fleet-list'));
    expect(fromC.status).toBe(200);
    expect(fromC.headers.get('x-sandbox-clock')).toBe('2027-01-15T09:00:00.000Z');
    expect((await call(c, 'GET', `${admin(c, 'fleet-list')}/clock`, {})).body).toMatchObject({ mode: 'frozen', now: '2027-01-15T09:00:00.000Z' });
    // A snapshot taken on C, restored through A after a reset-all through C.
    const snapshot = await call(c, 'GET', `${admin(c, 'fleet-list')}/snapshot`, {});
    expect(snapshot.status).toBe(200);
    const resetAll = await call(c, 'POST', '/__sandbox/reset', {});
    expect(resetAll.body.reset).toEqual(expect.arrayContaining(['fleet-list']));
    expect((await call(a, 'GET', `${ACCOUNTS}/${again.body.id}`, upvest('fleet-list'))).status).toBe(404);
    expect((await call(a, 'PUT', `${admin(a, 'fleet-list')}/snapshot`, {}, snapshot.body)).status).toBe(200);
    expect((await call(b, 'GET', `${ACCOUNTS}/${again.body.id}`, upvest('fleet-list'))).status).toBe(200);
    // Deleted through B: gone from the list on A, with its journal.
    expect((await call(b, 'DELETE', admin(b, 'fleet-list'), {})).status).toBe(204);
    const after = await call(a, 'GET', '/__sandbox/sandboxes', {});
    expect(after.body.data.map((s: { name: string }) => s.name)).not.toContain('fleet-list');
  });
});

test('SIGKILL of one server in the middle of a write storm: every acknowledged write is readable from the other two', async () => {
  const storm = writeStorm('storm', urls, 8);
  await sleep(1500);
  const victim = fleet.servers[0];
  const before = storm.acknowledged.length;
  victim.proc.kill('SIGKILL');
  await sleep(1500);
  await storm.stop();
  expect(before).toBeGreaterThan(10);
  expect(storm.acknowledged.length).toBeGreaterThan(before);
  const survivors = urls.slice(1);
  const missing: unknown[] = [];
  for (const [i, { sandbox, id }] of storm.acknowledged.entries()) {
    const res = await call(survivors[i % 2], 'GET', `${ACCOUNTS}/${id}`, upvest(sandbox));
    if (res.status !== 200) missing.push({ sandbox, id, status: res.status });
  }
  expect(missing).toEqual([]);
  expect([...storm.statuses.keys()].filter(s => s !== '200' && s !== 'no answer')).toEqual([]);
}, 120_000);

test('Redis killed and restarted: 503 with Retry-After in each envelope meanwhile, then the servers recover by themselves; nothing acknowledged is lost', async () => {
  const servers = urls.slice(1); // the first one was killed above
  const storm = writeStorm('redis-crash', servers, 4);
  await sleep(1000);
  await fleet.redis.stop('SIGKILL');
  await sleep(500);
  // While Redis is away: a clear 503 in the provider's own format, with Retry-After, and quickly.
  const started = Date.now();
  const upvestDown = await call(servers[0], 'GET', `${ACCOUNTS}/${UPVEST.account}`, upvest('default'));
  const payexDown = await call(servers[1], 'PATCH', PAYEX_ACCOUNT, payex('redis-down'), { creditLimit: 1 });
  expect(Date.now() - started).toBeLessThan(5000);
  expect(upvestDown.status).toBe(503);
  expect(upvestDown.headers.get('retry-after')).toBe('1');
  expect(upvestDown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(upvestDown.body).toMatchObject({ status: 503, type: expect.stringContaining('upvest') });
  expect(payexDown.status).toBe(503);
  expect(payexDown.headers.get('retry-after')).toBe('1');
  expect(payexDown.body).toMatchObject({ Status: 503, Detail: expect.stringContaining('Redis') });
  // The health endpoint still answers, and says so.
  const health = await call(servers[0], 'GET', '/__sandbox/health', {});
  expect(health.body).toMatchObject({ status: 'ok', storage: 'redis', storeConnected: false });
  // Every other admin operation answers a 503 its spec documents (no response violation); checked
  // once Redis is back, so a failure cannot leave the storm running.
  const spec = parse(readFileSync(join(specsDir, 'admin.yaml'), 'utf8')) as { paths: Record<string, Record<string, { operationId: string }>> };
  const reads = Object.entries(spec.paths).flatMap(([path, item]) => (item.get && item.get.operationId !== 'getHealth' ? [path] : []));
  const adminDown: unknown[] = [];
  const adminBodies: unknown[] = [];
  for (const path of reads) {
    const concrete = path.replace('{sandbox}', 'redis-down').replace('{api}', 'upvest').replace('{collection}', 'reference_accounts').replace('{key}', UPVEST.account);
    const res = await call(servers[0], 'GET', `/__sandbox${concrete}`, {});
    adminDown.push(['GET', path, res.status, res.headers.get('retry-after'), res.headers.get(VIOLATIONS_HEADER)]);
    adminBodies.push(res.body);
  }
  for (const [method, path, body] of [
    ['PUT', '/sandboxes/redis-down/faults', { rules: [] }],
    ['DELETE', '/sandboxes/redis-down/faults'],
    ['DELETE', '/sandboxes/redis-down/journal'],
    ['DELETE', '/coverage'],
  ] as const) {
    const res = await call(servers[1], method, `/__sandbox${path}`, {}, body);
    adminDown.push([method, path, res.status, res.headers.get('retry-after'), res.headers.get(VIOLATIONS_HEADER)]);
  }

  await fleet.redis.launch();
  // Service resumes without restarting anything.
  const deadline = Date.now() + 20_000;
  let back: Answer | undefined;
  while (Date.now() < deadline) {
    back = await call(servers[0], 'GET', `${ACCOUNTS}/${UPVEST.account}`, upvest('default'));
    if (back.status === 200) break;
    await sleep(200);
  }
  expect(back?.status).toBe(200);
  expect((await call(servers[0], 'GET', '/__sandbox/health', {})).body).toMatchObject({ storage: 'redis', storeConnected: true, store: expect.stringMatching(/^redis:\/\/127\.0\.0\.1:\d+\/0 \(key prefix bas:\)$/) });
  await sleep(1000);
  await storm.stop();
  expect(storm.statuses.get('503')).toBeGreaterThan(0);
  const missing: unknown[] = [];
  for (const [i, { sandbox, id }] of storm.acknowledged.entries()) {
    const res = await call(servers[i % 2], 'GET', `${ACCOUNTS}/${id}`, upvest(sandbox));
    if (res.status !== 200) missing.push({ sandbox, id, status: res.status });
  }
  expect(missing).toEqual([]);
  expect(storm.acknowledged.length).toBeGreaterThan(10);
  expect(reads.length).toBeGreaterThan(10);
  expect(adminDown).toEqual(adminDown.map(([method, path]: any) => [method, path, 503, '1', null]));
  for (const body of adminBodies) expect(body).toMatchObject({ error: 'unavailable', message: expect.stringContaining('Redis') });
}, 120_000);

/** A German IBAN with valid check digits for its BBAN (ISO 7064 mod 97-10). */
function withCheckDigits(iban: string): string {
  const bban = iban.slice(4);
  const digits = `${bban}DE00`.replace(/[A-Z]/g, c => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return `DE${String(98 - rest).padStart(2, '0')}${bban}`;
}
