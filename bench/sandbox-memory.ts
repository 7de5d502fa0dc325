// Measures what 1,000 sandboxes cost in memory when each writes one record through the Upvest API
// (the whole pipeline: journal and coverage included). Run: npm run bench:memory
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';

const SANDBOXES = Number(process.env.SANDBOXES ?? 1000);
const CONCURRENCY = 8;
const USER = '83d83ec2-d2ca-49ff-bbea-b92b5c3be202';
const HEADERS = { 'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f', authorization: 'Bearer test', 'content-type': 'application/json' };

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench:memory does)');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const sandbox = await createApp({ inMemory: true, onError: error => console.error(error) });
const server = createServer(sandbox.app).listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function createAccount(name: string): Promise<void> {
  const res = await fetch(`${base}/upvest/payments/reference_accounts`, {
    method: 'POST',
    headers: { ...HEADERS, 'x-sandbox-id': name, 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ user_id: USER, account_owner: 'Max Mustermann', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', confirmed_at: '2026-11-20T09:00:00Z' }),
  });
  if (res.status !== 200) throw new Error(`${name}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

await createAccount('warm-up'); // loads specs, compiles validators, builds indexes
await fetch(`${base}/__sandbox/sandboxes/warm-up`, { method: 'DELETE' });
const before = heap();
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < SANDBOXES) await createAccount(`ci-${next++}`);
  }),
);
const after = heap();
const listed = ((await (await fetch(`${base}/__sandbox/sandboxes`)).json()) as { data: unknown[] }).data.length;
const snapshot = await (await fetch(`${base}/__sandbox/sandboxes/default/snapshot`)).text();
server.close();

const growth = after - before;
console.log(`${SANDBOXES} sandboxes (${listed} listed), each creating one Upvest reference account:`);
console.log(`  heap ${mb(before)} → ${mb(after)}: +${mb(growth)}, ${(growth / SANDBOXES / 1024).toFixed(1)} KB per sandbox`);
console.log(`  (a full copy of the fixture data is ${(Buffer.byteLength(snapshot) / 1024).toFixed(0)} KB as JSON: ${SANDBOXES} copies would be ${mb(Buffer.byteLength(snapshot) * SANDBOXES)} before any overhead)`);
