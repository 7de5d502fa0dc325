// Example: node:test. `node --test` runs each file in its own process; each file starts one
// sandbox server, and each test works in a sandbox of its own (X-Sandbox-Id), so tests can run
// concurrently and in any order.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox } from 'banking-api-sandbox';
import { MAX, NO_SUCH_ACCOUNT, ReferenceAccounts } from './app.mjs';

let server;
before(async () => {
  server = await startSandbox(); // port 0, in memory; resolves once serving
});
after(() => server.close());

describe('reference accounts', { concurrency: true }, () => {
  test('creating an account sends the IBAN once', async () => {
    const sandbox = server.sandbox('node-test-create');
    const app = new ReferenceAccounts(server.baseUrl('upvest'), sandbox.headers);

    const created = await app.create(MAX, 'DE89370400440532013000', 'Savings');

    assert.match(created.iban, /^DE89\d{2}\*+3000$/); // Upvest masks IBANs
    const [request] = await sandbox.verify({ operationId: 'createReferenceAccount', status: 200, body: { iban: 'DE89370400440532013000' } }, { count: 1 });
    assert.equal(request.requestBody.name, 'Savings');
  });

  test('deleting an account that does not exist: the app sees the 404', async () => {
    const sandbox = server.sandbox('node-test-missing-account');
    const app = new ReferenceAccounts(server.baseUrl('upvest'), sandbox.headers);

    assert.equal(await app.remove(NO_SUCH_ACCOUNT), 404);
    await sandbox.verify({ method: 'DELETE', status: 404 }, { count: 1 });
  });

  test('waitFor sees a request made in the background; snapshot and restore undo it', async () => {
    const sandbox = server.sandbox('node-test-background');
    const app = new ReferenceAccounts(server.baseUrl('upvest'), sandbox.headers);
    const before = await sandbox.snapshot();

    setTimeout(() => void app.create(MAX, 'GB82WEST12345698765432', 'Later'), 200);
    const request = await sandbox.waitFor({ operationId: 'createReferenceAccount' }, { timeoutMs: 5000 });
    assert.equal(request.status, 200);

    await sandbox.restore(before);
    assert.deepEqual((await sandbox.snapshot()).apis, before.apis);
  });

  test('verify explains what it saw when the count is wrong', async () => {
    const sandbox = server.sandbox('node-test-near-miss');
    const app = new ReferenceAccounts(server.baseUrl('upvest'), sandbox.headers);
    await app.remove(NO_SUCH_ACCOUNT);

    await assert.rejects(sandbox.verify({ method: 'DELETE', status: 204 }), error => {
      assert.match(error.message, /Expected at least 1 request matching \{ method: "DELETE", status: 204 \}/);
      assert.match(error.message, /status: expected 204, got 404/);
      return true;
    });
  });
});
