// The journal as Server-Sent Events (/__sandbox/journal/stream), as EventSource reads it.
import { startSandbox, type RunningSandbox } from '../src/index.js';
import { UPVEST } from './helpers.js';

let server: RunningSandbox;
beforeAll(async () => {
  server = await startSandbox({ adminToken: 'tok' });
});
afterAll(() => server.close());

/** Reads a stream until `count` request events arrived; returns them with the raw text. */
async function events(url: string, count: number, headers: Record<string, string> = {}, during?: () => Promise<unknown>) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  let text = '';
  const pending = during?.();
  const found: Array<{ id: number; data: { seq: number; sandbox: string; status: number; response?: { status: number } } }> = [];
  while (found.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString();
    found.length = 0;
    for (const m of text.matchAll(/id: (\d+)\nevent: request\ndata: (.*)\n\n/g)) found.push({ id: Number(m[1]), data: JSON.parse(m[2]) });
  }
  controller.abort();
  await pending;
  return { found, text };
}

const get = (sandbox: string) => fetch(`${server.baseUrl('upvest')}/payments/reference_accounts/${UPVEST.account}`, { headers: { ...UPVEST.headers, 'x-sandbox-id': sandbox } });

test('each request arrives as an event with its seq as the id; Last-Event-ID replays what was missed; ?sandbox= filters', async () => {
  await get('s1');
  await get('s2');
  const replay = await events(`${server.url}/__sandbox/journal/stream?token=tok`, 2, { 'last-event-id': '0' });
  expect(replay.text.startsWith('retry: ')).toBe(true);
  expect(replay.found.map(e => [e.id, e.data.sandbox, e.data.status, e.data.response?.status])).toEqual([
    [1, 's1', 200, 200],
    [2, 's2', 200, 200],
  ]);

  const live = await events(`${server.url}/__sandbox/journal/stream?sandbox=s3`, 1, { authorization: 'Bearer tok' }, async () => {
    await get('s2'); // another sandbox: not sent
    await get('s3');
  });
  expect(live.found.map(e => e.data.sandbox)).toEqual(['s3']);
});

test('the admin token is required (as ?token= too, since EventSource sends no headers); a bad sandbox name is a 400', async () => {
  expect((await fetch(`${server.url}/__sandbox/journal/stream`)).status).toBe(403);
  expect((await fetch(`${server.url}/__sandbox/journal/stream?token=wrong`)).status).toBe(403);
  expect((await fetch(`${server.url}/__sandbox/journal/stream?token=tok&sandbox=a%20b`)).status).toBe(400);
  expect((await fetch(`${server.url}/__sandbox/journal/stream?token=tok`, { method: 'POST' })).status).toBe(405);
});
