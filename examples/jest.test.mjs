// Example: jest (ESM: run jest with NODE_OPTIONS=--experimental-vm-modules, as the package is an
// ES module). Jest runs files in parallel workers; each file starts one sandbox server, and each
// test works in a sandbox of its own, named after the test.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startSandbox } from 'banking-api-sandbox';
import { MAX, NO_SUCH_ACCOUNT, ReferenceAccounts } from './app.mjs';

let server;
beforeAll(async () => {
  server = await startSandbox();
}, 30_000); // jest's ES module loader makes the first start slower than under node
afterAll(() => server.close());

/** A sandbox of its own for the running test. */
const sandboxForThisTest = () => server.sandbox(expect.getState().currentTestName.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 64));

test('the app creates one reference account with the IBAN it was given', async () => {
  const sandbox = sandboxForThisTest();
  const app = new ReferenceAccounts(server.baseUrl('upvest'), sandbox.headers);

  await app.create(MAX, 'NL91ABNA0417164300', 'Joint');

  const [request] = await sandbox.verify({ operationId: 'createReferenceAccount', status: 200 }, { count: 1 });
  expect(request.requestBody).toMatchObject({ iban: 'NL91ABNA0417164300', name: 'Joint' });
});

test("the app's delete of an unknown account is a 404, and verify says so", async () => {
  const sandbox = sandboxForThisTest();
  const app = new ReferenceAccounts(server.baseUrl('upvest'), sandbox.headers);

  expect(await app.remove(NO_SUCH_ACCOUNT)).toBe(404);
  await expect(sandbox.verify({ method: 'DELETE', status: 204 })).rejects.toThrow(/status: expected 204, got 404/);
});
