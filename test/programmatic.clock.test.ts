// The programmatic API's clock: freeze, advance and resume a sandbox's clock from a test.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startSandbox, type RunningSandbox } from '../src/index.js';

let server: RunningSandbox;
beforeAll(async () => {
  server = await startSandbox();
});
afterAll(() => server.close());

test('a sandbox clock is frozen, advanced by a duration and to an instant, resumed, and never moves backwards', async () => {
  const sandbox = server.sandbox('programmatic-clock');
  expect((await sandbox.clock.get()).mode).toBe('real');
  const frozen = await sandbox.clock.freeze('2027-01-15T09:00:00Z');
  expect(frozen).toMatchObject({ sandbox: 'programmatic-clock', mode: 'frozen', now: '2027-01-15T09:00:00.000Z' });
  expect((await sandbox.clock.advance('P1D')).now).toBe('2027-01-16T09:00:00.000Z');
  expect((await sandbox.clock.advance({ to: new Date('2027-02-01T00:00:00Z') })).now).toBe('2027-02-01T00:00:00.000Z');
  await expect(sandbox.clock.freeze('2027-01-01T00:00:00Z')).rejects.toThrow(/409/);
  // Responses of a sandbox whose clock is not real time say its time.
  const res = await fetch(`${server.baseUrl('upvest')}/payments/reference_accounts?user_id=00000000-0000-0000-0000-000000000000`, { headers: sandbox.headers });
  expect(res.headers.get('x-sandbox-clock')).toBe('2027-02-01T00:00:00.000Z');
  expect((await sandbox.clock.resume()).mode).toBe('running');
  await sandbox.reset();
  expect((await sandbox.clock.get()).mode).toBe('real');
});
