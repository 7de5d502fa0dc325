// Regenerates the README's screenshots (docs/screenshots/): a server with some demo traffic, its
// dashboard and an API reference page, in Debian's chromium. Run with `npm run screenshots`.
import { mkdir } from 'node:fs/promises';
import { ensureChromium, launchBrowser } from '../test/browser.js';
import { startServer, stop } from '../test/process.js';

const OUT = 'docs/screenshots';

const unavailable = ensureChromium();
if (unavailable) {
  console.error(`Cannot take screenshots: ${unavailable}.`);
  process.exit(1);
}
await mkdir(OUT, { recursive: true });
// On the default port when it is free, so the pictures show the URLs a user sees.
const serve = (port: string) => startServer(['--port', port, '--in-memory', '--log-level', 'silent']);
const server = await serve('4010').catch(() => serve('0'));
const browser = await launchBrowser();
try {
  const call = (path: string, headers: Record<string, string>, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, { ...init, headers: { ...headers, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  const upvest = { 'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f', authorization: 'Bearer test' };
  const demo = { ...upvest, 'x-sandbox-id': 'partner-demo' };
  const bearer = { authorization: 'Bearer test' };

  const page = await browser.context.newPage();
  const shown = server.url.replace('127.0.0.1', 'localhost');
  await page.goto(`${shown}/__sandbox/ui`);
  await page.locator('body[data-ready]').waitFor();

  await call('/upvest/users/83d83ec2-d2ca-49ff-bbea-b92b5c3be202/payments/reference_accounts?limit=5', upvest);
  await call('/payex/ledger/account/v1/501/accounts/1234567', bearer);
  await call('/masstack/orgs/telco/customers/b5c3a1d2-6f4e-4a8b-9c7d-1e2f3a4b5c6d/accounts', { 'x-auth-roles': 'API_KEY' });
  await call('/bankingservice/v1/profiles/profile_5c2e9a71d04b8f36a1e7c9d2/customers', bearer, {
    method: 'POST',
    body: JSON.stringify({ first_name: 'Jan', email: 'jan@example', phone: '+31 6 12345678' }),
  });
  await call('/upvest/payments/reference_accounts', { ...demo, 'idempotency-key': '2f6c1c0e-5b0a-4d8e-9a43-3f6d3c2b1a90' }, {
    method: 'POST',
    body: JSON.stringify({
      user_id: '83d83ec2-d2ca-49ff-bbea-b92b5c3be202',
      account_owner: 'Max Mustermann',
      name: 'Savings',
      iban: 'DE89370400440532013000',
      bic: 'COBADEFFXXX',
      confirmed_at: '2026-11-20T09:00:00Z',
    }),
  });
  await call('/upvest/payments/reference_accounts/c18f80bd-401e-4836-9776-7dc24c32d35e', demo, { method: 'DELETE' });
  await call('/upvest/payments/reference_accounts/c18f80bd-401e-4836-9776-7dc24c32d35e', bearer);

  // Switch errors on for PagoNxt in the demo sandbox, as a presenter would, and meet one.
  await page.locator('#sandbox option[value="partner-demo"]').waitFor({ state: 'attached' });
  await page.selectOption('#sandbox', 'partner-demo');
  await page.click('.fault-api[data-api="pagonxt"] .switch >> nth=0');
  await page.locator('#stat-rules', { hasText: '1' }).waitFor();
  await call('/pagonxt/customers/pagonxt_esESB76134758/accounts/2507b89c-b680-46df-9505-e0b6f78cf295', {
    'x-client-id': '5f2b1c9e-8a4d-4e3b-9c7a-1d2e3f4a5b6c',
    authorization: 'Bearer test',
    'x-sandbox-id': 'partner-demo',
  });
  await page.click('#api-tabs button:text-is("upvest")');
  await page.click('#collection-tabs button[data-collection="referenceAccounts"]');
  await page.locator('#feed tr.entry[data-status="503"]').waitFor();
  // A business rule refused: its detail in the list, the whole exchange opened.
  await call('/masstack/orgs/telco/customers/b5c3a1d2-6f4e-4a8b-9c7d-1e2f3a4b5c6d/accounts/1b7f2d3c-4e5a-4b6c-9d7e-8f9a0b1c2d3e', { 'x-auth-roles': 'API_KEY', 'x-sandbox-id': 'partner-demo' }, { method: 'DELETE' });
  await page.locator('#feed tr.entry[data-status="409"]').click();
  await page.waitForTimeout(2000); // the arrival highlight fades
  await page.screenshot({ path: `${OUT}/dashboard.png`, fullPage: true });

  await page.goto(`${shown}/docs/upvest`);
  await page.locator('.opblock-summary-path').first().waitFor();
  await page.screenshot({ path: `${OUT}/docs.png` });
  console.log(`Wrote ${OUT}/dashboard.png and ${OUT}/docs.png`);
} finally {
  await browser.close();
  await stop(server);
}
