// The ceiling: a bare Express 5 server serving the benchmark's records from an in-memory Map,
// with no validation, no persistence, no logging. Usage: tsx bench/bare-express.ts <records.json>
// A POST to any path is the minimal create: express.json() reads the body, it goes into a Map under
// a fresh id, and the answer is 201 with it.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express from 'express';

interface Records {
  /** path → JSON body, for get-by-id */
  byPath: Record<string, unknown>;
  /** path → items, for paged lists (`limit` query) */
  lists: Record<string, { meta: Record<string, number>; data: unknown[] }>;
}

const records = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Records;
const byPath = new Map(Object.entries(records.byPath));
const lists = new Map(Object.entries(records.lists));

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/{*rest}', (req, res) => {
  const one = byPath.get(req.path);
  if (one) return res.json(one);
  const list = lists.get(req.path);
  if (list) {
    const limit = Number(req.query.limit ?? 100);
    const data = list.data.slice(0, limit);
    return res.json({ meta: { ...list.meta, limit, count: data.length }, data });
  }
  res.status(404).json({ error: 'not_found' });
});
const created = new Map<string, unknown>();
app.post('/{*rest}', express.json(), (req, res) => {
  const id = randomUUID();
  const record = { ...(req.body as Record<string, unknown>), id };
  created.set(id, record);
  res.status(201).json(record);
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
});
