// The admin API and the dashboard in a real browser (Debian's chromium, playwright-core), as their
// owner and as a web page on another site (issue 13): the dashboard works from localhost and
// 127.0.0.1, with and without --admin-token; another site's page can neither read nor change.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { ensureChromium, launchBrowser, type Browser } from './browser.js';
import { UPVEST } from './helpers.js';
import { startServer, stop, type Running } from './process.js';

const unavailable = ensureChromium();
if (unavailable) console.warn(`Skipping the browser tests: ${unavailable}.`);
const describeInBrowser = unavailable ? describe.skip : describe;

describeInBrowser('the sandbox controls in a real browser', () => {
  let open: Running;
  let guarded: Running;
  let browser: Browser;
  beforeAll(async () => {
    [open, guarded] = await Promise.all([
      startServer(['--port', '0', '--in-memory', '--log-level', 'warn']),
      startServer(['--port', '0', '--in-memory', '--log-level', 'warn', '--admin-token', 's3cret']),
    ]);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (open) await stop(open);
    if (guarded) await stop(guarded);
  });

  const port = (running: Running) => new URL(running.url).port;
  /** Changes sandbox `demo` through the Upvest API, so a reset has something to undo. */
  async function change(running: Running, token?: string) {
    const res = await fetch(`${running.url}/upvest/payments/reference_accounts/${UPVEST.account}`, {
      method: 'DELETE',
      headers: { ...UPVEST.headers, 'x-sandbox-id': 'demo' },
    });
    expect(res.status).toBe(204);
    expect(await changes(running, token)).toBeGreaterThan(0);
  }
  async function changes(running: Running, token?: string): Promise<number> {
    const res = await fetch(`${running.url}/__sandbox/sandboxes/demo`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return ((await res.json()) as { changes: number }).changes;
  }

  test.each([
    ['localhost', false],
    ['127.0.0.1', false],
    ['localhost', true],
    ['127.0.0.1', true],
  ])('the dashboard at http://%s:PORT (admin token: %s) loads, follows the journal and resets a sandbox', async (host, withToken) => {
    const running = withToken ? guarded : open;
    const token = withToken ? 's3cret' : undefined;
    await change(running, token);
    const page = await browser.context.newPage();
    const errors: Error[] = [];
    page.on('pageerror', error => errors.push(error));
    const response = await page.goto(`http://${host}:${port(running)}/__sandbox/ui${token ? `?token=${token}` : ''}`);
    expect(response?.status()).toBe(200);
    await page.locator('body[data-ready]').waitFor();
    expect(await page.locator('#live').getAttribute('data-state')).toBe('live');
    await page.locator('#sandbox option[value="demo"]').waitFor({ state: 'attached' });
    await page.selectOption('#sandbox', 'demo');
    await page.locator('#stat-changes', { hasText: /[1-9]/ }).waitFor();
    await page.click('#reset');
    await page.locator('#toast', { hasText: 'back to its fixtures' }).waitFor();
    expect(await changes(running, token)).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  describe('a page on another site', () => {
    let evil: Server;
    let evilOrigin: string;
    beforeAll(async () => {
      evil = createServer((_req, res) => res.setHeader('content-type', 'text/html').end('<!doctype html><title>evil</title><p>hello'));
      evil.listen(0, '127.0.0.1');
      await once(evil, 'listening');
      evilOrigin = `http://localhost:${(evil.address() as { port: number }).port}`;
    });
    afterAll(() => evil.close());

    test('cannot read the admin API, nor reset a sandbox with fetch or a form post', async () => {
      await change(open);
      const target = `http://127.0.0.1:${port(open)}`;
      const page = await browser.context.newPage();
      await page.goto(evilOrigin);
      const outcome = await page.evaluate(async target => {
        const read = await fetch(`${target}/__sandbox/journal`).then(
          r => r.text(),
          () => 'blocked',
        );
        const preflighted = await fetch(`${target}/__sandbox/sandboxes/demo/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(
          () => 'sent',
          () => 'blocked',
        );
        await fetch(`${target}/__sandbox/reset`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }).catch(() => undefined);
        await fetch(`${target}/__sandbox/sandboxes/demo/reset`, { method: 'POST', mode: 'no-cors', body: '{}' }).catch(() => undefined);
        return { read, preflighted };
      }, target);
      expect(outcome).toEqual({ read: 'blocked', preflighted: 'blocked' });
      // A plain HTML form, submitted by the page: a top-level cross-site POST.
      await page.setContent(`<form method="post" action="${target}/__sandbox/reset" enctype="text/plain"><input name="a" value="1"></form>`);
      const [navigation] = await Promise.all([page.waitForNavigation(), page.locator('form').evaluate(form => (form as unknown as { submit(): void }).submit())]);
      expect(navigation?.status()).toBe(403);
      expect(await changes(open)).toBeGreaterThan(0);
      await page.close();
    });
  });
});
