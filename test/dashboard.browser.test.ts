// The dashboard and the API reference in a real browser (Debian's chromium, driven by
// playwright-core) against a real server process, with requests made by curl.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { ensureChromium, launchBrowser, type Browser } from './browser.js';
import { UPVEST } from './helpers.js';
import { startServer, stop, type Running } from './process.js';

const unavailable = ensureChromium();
if (unavailable) console.warn(`Skipping the browser tests: ${unavailable}.`);
const describeInBrowser = unavailable ? describe.skip : describe;

/** Runs curl; resolves with the HTTP status it got. */
async function curl(...args: string[]): Promise<number> {
  const { stdout } = await promisify(execFile)('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...args]);
  return Number(stdout);
}

const upvestHeaders = Object.entries(UPVEST.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);

/** Width and height from a PNG's header (and that it is one). */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describeInBrowser('in a real browser', () => {
  let server: Running;
  let browser: Browser;
  let shots: string;
  beforeAll(async () => {
    shots = await mkdtemp(join(tmpdir(), 'sandbox-shots-'));
    server = await startServer(['--port', '0', '--in-memory']);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (server) await stop(server);
    await rm(shots, { recursive: true, force: true });
  });

  const account = () => `${server.url}/upvest/payments/reference_accounts/${UPVEST.account}`;
  const adminGet = async (path: string, url = server.url) => (await (await fetch(`${url}/__sandbox${path}`)).json()) as Record<string, unknown>;
  /** Waits until `check` holds for what the admin API (of the server at `url`) answers. */
  async function eventually(path: string, check: (body: Record<string, unknown>) => boolean, url = server.url) {
    for (let i = 0; i < 50; i++) {
      if (check(await adminGet(path, url))) return;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(`${path} never satisfied the check: ${JSON.stringify(await adminGet(path, url))}`);
  }

  async function openDashboard(url: string): Promise<{ page: Page; errors: Error[] }> {
    const page = await browser.context.newPage();
    const errors: Error[] = [];
    page.on('pageerror', error => errors.push(error));
    await page.goto(url);
    await page.locator('body[data-ready]').waitFor();
    return { page, errors };
  }

  test('the dashboard shows curl requests as they arrive, resets a sandbox with a click, and switches faults', async () => {
    const { page, errors } = await openDashboard(`${server.url}/__sandbox/ui`);
    expect(await page.locator('#live').getAttribute('data-state')).toBe('live');
    expect(await page.locator('#examples').textContent()).toContain(`curl -H 'upvest-client-id: `);

    // A request made with curl appears, with its sandbox, operation, status and duration.
    expect(await curl('-X', 'DELETE', '-H', 'X-Sandbox-Id: demo', ...upvestHeaders, account())).toBe(204);
    const deleted = page.locator('#feed tr.entry[data-operation="deleteReferenceAccount"]');
    await deleted.waitFor();
    expect(await deleted.locator('td').allInnerTexts()).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/),
      'demo',
      `DELETE/upvest/payments/reference_accounts/${UPVEST.account.slice(0, 8)}…`, // one line: long ids shortened
      'deleteReferenceAccount',
      '204',
      expect.stringMatching(/^\d+(\.\d)? ms$/),
      '—',
    ]);
    // …and so does one with a validation problem, naming it (listing documents 400; get by id does not).
    expect(await curl('-H', 'authorization: Bearer test', `${server.url}/upvest/users/${UPVEST.user}/payments/reference_accounts`)).toBe(400);
    const invalid = page.locator('#feed tr.entry[data-status="400"]');
    await invalid.waitFor();
    expect(await invalid.locator('td.problems').innerText()).toContain('header.upvest-client-id');
    await invalid.click();
    expect(await page.locator('#feed tr.details').innerText()).toMatch(/Validation problems\s+header\.upvest-client-id/i);
    await invalid.click(); // closed again

    // A business rule's 4xx shows what the provider answered, in the list and in the details.
    const masstack = `${server.url}/masstack/orgs/telco/customers/b5c3a1d2-6f4e-4a8b-9c7d-1e2f3a4b5c6d/accounts/1b7f2d3c-4e5a-4b6c-9d7e-8f9a0b1c2d3e`;
    expect(await curl('-X', 'DELETE', '-H', 'x-auth-roles: API_KEY', masstack)).toBe(409);
    const refused = page.locator('#feed tr.entry[data-status="409"]');
    await refused.waitFor();
    const detail = await refused.locator('td.problems').innerText();
    expect(detail).toMatch(/has \d+ pending charge/);
    await refused.click();
    const exchange = await page.locator('#feed tr.details').innerText();
    expect(exchange).toMatch(/Response 409/i);
    expect(exchange).toContain(detail);
    expect(await page.locator('#feed tr.details .response-body').innerText()).toContain('MCUS.');
    expect(exchange).toMatch(/x-auth-roles: API_KEY/);
    await refused.click();

    // Pick the sandbox the request used; its data lacks the deleted account.
    await page.locator('#sandbox option[value="demo"]').waitFor({ state: 'attached' });
    await page.selectOption('#sandbox', 'demo');
    await page.locator('#stat-changes', { hasText: '1' }).waitFor();
    await page.click('#api-tabs button:text-is("upvest")');
    await page.click('#collection-tabs button[data-collection="referenceAccounts"]');
    expect(await page.locator('#collection-tabs button[data-collection="referenceAccounts"]').innerText()).toMatch(/^Reference accounts/);
    await page.locator('#records tr').first().waitFor();
    // What the sandbox changed comes first and is marked: the deleted account, struck through.
    const deletedRow = page.locator(`#records tr[data-key="${UPVEST.account}"]`);
    expect(await deletedRow.getAttribute('data-change')).toBe('deleted');
    expect(await page.locator('#records tr').first().getAttribute('data-key')).toBe(UPVEST.account);
    await page.check('#changed-only');
    await page.locator('#records-range', { hasText: '1–1 of 1' }).waitFor();
    await page.uncheck('#changed-only');
    await page.locator('#records-range', { hasText: /of [2-9]\d/ }).waitFor();
    expect(await curl('-H', 'X-Sandbox-Id: demo', ...upvestHeaders, account())).toBe(404);

    // Reset it with a click: the API serves the fixtures again.
    await page.click('#reset');
    await page.locator('#toast', { hasText: 'back to its fixtures' }).waitFor();
    expect(await curl('-H', 'X-Sandbox-Id: demo', ...upvestHeaders, account())).toBe(200);
    expect(await adminGet('/sandboxes/demo')).toMatchObject({ name: 'demo', changes: 0 });
    await page.locator('#stat-changes', { hasText: '0' }).waitFor();
    await page.locator(`#records tr[data-key="${UPVEST.account}"][data-change=""]`).waitFor();

    // Switch errors on for Upvest: a fault rule through the admin API, and requests fail with 503.
    await page.click('.fault-api[data-api="upvest"] .switch >> nth=0');
    await eventually('/sandboxes/demo/faults', body => JSON.stringify(body.rules) === JSON.stringify([{ api: 'upvest', status: 503 }]));
    expect(await curl('-H', 'X-Sandbox-Id: demo', ...upvestHeaders, account())).toBe(503);
    await page.locator('#feed tr.entry[data-status="503"] .tag.injected').waitFor();
    expect(await curl(...upvestHeaders, account())).toBe(200); // other sandboxes are untouched
    // …and off again.
    await page.click('.fault-api[data-api="upvest"] .switch >> nth=0');
    await eventually('/sandboxes/demo/faults', body => Array.isArray(body.rules) && body.rules.length === 0);
    expect(await curl('-H', 'X-Sandbox-Id: demo', ...upvestHeaders, account())).toBe(200);

    const file = join(shots, 'dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(pngSize(await readFile(file)).width).toBe(1440);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a request tried out on the API reference page arrives on the dashboard', async () => {
    const dashboard = await openDashboard(`${server.url}/__sandbox/ui`);
    await dashboard.page.click('#clear'); // earlier tests' requests leave the view
    const docs = await browser.context.newPage();
    docs.setDefaultTimeout(10_000);
    await docs.goto(`${server.url}/docs/upvest`);
    expect(await docs.locator('.information-container .title').innerText()).toContain('Upvest');

    // Bearer test is filled in: Authorize shows it as authorized, without a click.
    await docs.locator('.toolbar .hint', { hasText: 'Bearer test' }).waitFor();
    await docs.locator('.auth-wrapper button.authorize.locked').waitFor();
    const operation = docs.locator('#operations-Reference_Accounts-getReferenceAccount');
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('button.execute').click();
    expect(await operation.locator('.live-responses-table tbody td.response-col_status').first().innerText()).toBe('200');
    const file = join(shots, 'docs.png');
    await docs.screenshot({ path: file });
    expect(pngSize(await readFile(file))).toEqual({ width: 1440, height: 900 });

    const arrived = dashboard.page.locator('#feed tr.entry[data-operation="getReferenceAccount"][data-status="200"]');
    await arrived.waitFor();
    expect(await arrived.locator('td.request').getAttribute('title')).toBe(`GET /upvest/payments/reference_accounts/${UPVEST.account}`);
    expect(dashboard.errors).toEqual([]);
    await docs.close();
    await dashboard.page.close();
  });

  test('the sandbox clock: frozen from the API, advanced with a click, and what the month did shows in the feed', async () => {
    const post = (path: string, body: object) =>
      fetch(`${server.url}/__sandbox${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/sandboxes/time-demo/clock/freeze', { at: '2027-01-25T09:00:00Z' })).status).toBe(200);
    const { page, errors } = await openDashboard(`${server.url}/__sandbox/ui?sandbox=time-demo`);
    await page.locator('#clock-now', { hasText: '2027-01-25 09:00:00 UTC' }).waitFor();
    expect(await page.locator('#clock-mode').textContent()).toBe('frozen');
    // A request of that sandbox carries its time.
    const res = await fetch(`${server.url}/payex/ledger/account/v1/501/accounts/1234567`, { headers: { 'x-sandbox-id': 'time-demo', authorization: 'Bearer test' } });
    expect(res.headers.get('x-sandbox-clock')).toBe('2027-01-25T09:00:00.000Z');

    await page.locator('#clock-panel [data-advance="P1M"]').click();
    await page.locator('#clock-now', { hasText: '2027-02-25 09:00:00 UTC' }).waitFor();
    await eventually('/sandboxes/time-demo/clock', body => body.now === '2027-02-25T09:00:00.000Z');
    // The month's bills, reminders and autogiro payments arrive as CLOCK entries.
    const bill = page.locator('#feed tr.entry', { hasText: 'bill 100075' });
    await bill.waitFor();
    expect(await bill.locator('td.request').innerText()).toMatch(/^CLOCK\/payex\/ledger\/account\/v1\/501\/accounts\/1234567\/bills\/bill-100075/);
    expect(await page.locator('#feed tr.entry', { hasText: 'reminder 100089' }).count()).toBe(1);
    await page.locator('#feed tr.entry', { hasText: 'autogiro payment of 1500.00 SEK from account 1234567' }).first().waitFor();
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  test('Try-it: two creates in a row both succeed, each with its own idempotency key, in the sandbox picked', async () => {
    const docs = await browser.context.newPage();
    docs.setDefaultTimeout(10_000);
    const errors: Error[] = [];
    docs.on('pageerror', error => errors.push(error));
    await docs.goto(`${server.url}/docs/upvest`);
    await docs.fill('#sandbox', 'tryit');
    await docs.locator('#sandbox').dispatchEvent('change');
    const operation = docs.locator('#operations-Reference_Accounts-createReferenceAccount');
    await operation.locator('.opblock-summary').first().click();
    for (let i = 1; i <= 2; i++) {
      if (i === 2) {
        // Another account: the example body with another IBAN (one fixed key would make this a 422).
        const body = operation.locator('textarea.body-param__text');
        await body.fill((await body.inputValue()).replace(/"iban":\s*"[^"]*"/, '"iban": "GB82WEST12345698765432"'));
      }
      await operation.locator('button.execute').click();
      await operation.locator('.live-responses-table tbody td.response-col_status').first().waitFor();
      await eventually('/sandboxes/tryit/journal?operationId=createReferenceAccount', body => (body.data as unknown[]).length === i);
      await operation.locator('button.btn-clear').click();
    }
    const { data } = (await adminGet('/sandboxes/tryit/journal?operationId=createReferenceAccount')) as {
      data: Array<{ status: number; requestHeaders: Record<string, string>; response: { body: { id: string } } }>;
    };
    expect(data.map(e => e.status)).toEqual([200, 200]);
    const [second, first] = data.map(e => e.requestHeaders['idempotency-key']);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toMatch(/^[0-9a-f-]{36}$/);
    expect(first).not.toBe(second);
    expect(data[0].response.body.id).not.toBe(data[1].response.body.id); // two accounts, not a replay
    expect((await adminGet('/journal?sandbox=default&operationId=createReferenceAccount')).data).toEqual([]);
    // The sandbox is remembered for the dashboard (and the next reference page).
    expect(await docs.evaluate("localStorage.getItem('banking-api-sandbox.sandbox')")).toBe('tryit');
    expect(errors).toEqual([]);
    await docs.close();
  });

  test('/ is a landing page in a browser: each API with its base URL, links, and a curl that works', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/`);
    expect(await page.locator('h1').innerText()).toContain('banking-api-sandbox');
    expect(await page.locator('table').innerText()).toContain(`${server.url}/upvest`);
    await page.click('a:text-is("Dashboard")');
    await page.locator('body[data-ready]').waitFor();
    await page.goBack();
    const tryFirst = (await page.locator('#try').innerText()).split('\n').find(l => l.includes('/upvest/'))!;
    const args = [...tryFirst.matchAll(/-H '([^']+)'|'(http[^']+)'/g)].flatMap(m => (m[1] ? ['-H', m[1]] : [m[2]]));
    expect(await curl(...args)).toBe(200);
    await page.close();
  });

  test("the dashboard says when the data file's compactions fail, with the error", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-compaction-'));
    const failing = await startServer(['--port', '0', '--data', join(dir, 'sandbox.json')], { SANDBOX_COMPACT_BYTES: '1' });
    try {
      // A directory where a compaction writes its temporary snapshot: every compaction fails.
      await mkdir(join(dir, '.sandbox.json.tmp'));
      expect(await curl('-X', 'DELETE', ...upvestHeaders, `${failing.url}/upvest/payments/reference_accounts/${UPVEST.account}`)).toBe(204);
      await eventually('/health', health => (health.log as { lastCompactionError?: string }).lastCompactionError !== undefined, failing.url);
      const page = await browser.context.newPage();
      await page.goto(`${failing.url}/__sandbox/ui`);
      await page.locator('body[data-ready]').waitFor();
      const warning = page.locator('#server span', { hasText: 'compaction failing' });
      await warning.waitFor();
      expect(await warning.getAttribute('title')).toContain('EISDIR');
      await page.close();
    } finally {
      await stop(failing);
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('with an admin token, the dashboard asks for it once and keeps it for the tab', async () => {
    const guarded = await startServer(['--port', '0', '--in-memory', '--admin-token', 's3cret']);
    try {
      const page = await browser.context.newPage();
      const refused = await page.goto(`${guarded.url}/__sandbox/ui`);
      expect(refused?.status()).toBe(403);
      await page.fill('input[name="token"]', 'wrong');
      await page.click('form button');
      await page.locator('main', { hasText: 'The admin token is wrong.' }).waitFor();

      await page.fill('input[name="token"]', 's3cret');
      await page.click('form button');
      await page.locator('body[data-ready]').waitFor();
      expect(new URL(page.url()).search).toBe(''); // the token left the address bar
      expect(await page.locator('#live').getAttribute('data-state')).toBe('live');

      // A reload (without the token in the address) still gets in, with the token kept for the tab.
      await page.reload();
      await page.locator('body[data-ready]').waitFor();
      expect(new URL(page.url()).search).toBe('');
      await page.close();
    } finally {
      await stop(guarded);
    }
  });
});
