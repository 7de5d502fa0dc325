// The journal as a live feed: `GET /__sandbox/journal/stream`, Server-Sent Events (one `request`
// event per journaled request, its `seq` as the event id). A browser's `EventSource` reconnects by
// itself and sends `Last-Event-ID`, so nothing is missed across a reconnect or a server restart's
// gap that the journal still holds. The dashboard follows it; CI keeps `GET /journal?wait=`.
//
// EventSource cannot send headers, so the admin token may come as `?token=` (as for the dashboard
// page); the request log redacts it. Bounded: at most MAX_STREAMS open at once (503 beyond), a
// client that does not read is dropped once MAX_BUFFERED bytes wait for it (it reconnects and
// catches up from the journal), and a comment every HEARTBEAT_MS keeps proxies from closing it.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpProblem } from '../core/problem.js';
import { adminRefusal, bearerToken, type AdminAccessOptions } from './access.js';
import { renderAdminProblem } from './admin.js';
import type { JournalEntry, RequestJournal } from './journal.js';
import type { ControlsFeed } from './feed.js';

export const STREAM_PATH = '/journal/stream';
export const MAX_STREAMS = 100;
const MAX_BUFFERED = 1024 * 1024;
const HEARTBEAT_MS = 15_000;
/** Entries replayed to a client that (re)connects with Last-Event-ID or ?since=. */
const MAX_REPLAY = 1000;

const SANDBOX = /^[A-Za-z0-9_.-]{1,64}$/;

export function journalStream(journal: RequestJournal, access: AdminAccessOptions, feed?: ControlsFeed): RequestHandler {
  let open = 0;
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== STREAM_PATH) return next();
    const send = (status: number, kind: string, message: string) => {
      const { body } = renderAdminProblem(new HttpProblem(status, kind, message));
      res.status(status).json(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.set('allow', 'GET, HEAD');
      return send(405, 'method_not_allowed', `${req.method} is not allowed on ${req.baseUrl}${STREAM_PATH}; use GET`);
    }
    const queryToken = typeof req.query.token === 'string' ? req.query.token : undefined;
    const refusal = adminRefusal(req, access, bearerToken(req) ?? queryToken);
    if (refusal) return send(refusal.status, refusal.kind, refusal.message);
    const sandbox = typeof req.query.sandbox === 'string' && req.query.sandbox !== '' ? req.query.sandbox : undefined;
    if (sandbox !== undefined && !SANDBOX.test(sandbox)) return send(400, 'validation', 'sandbox must be 1 to 64 letters, digits, _, . or -');
    const lastId = Number(req.get('last-event-id') ?? req.query.since ?? NaN);
    if (open >= MAX_STREAMS) {
      res.set('retry-after', '5');
      return send(503, 'unavailable', `too many open journal streams (${MAX_STREAMS}); close some, or poll GET ${req.baseUrl}/journal?wait=`);
    }

    open++;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.flushHeaders();
    if (req.method === 'HEAD') {
      open--;
      res.end();
      return;
    }
    const write = (entry: JournalEntry) => {
      if (sandbox !== undefined && entry.sandbox !== sandbox) return;
      res.write(`id: ${entry.seq}\nevent: request\ndata: ${JSON.stringify(entry)}\n\n`);
      if (res.writableLength > MAX_BUFFERED) res.destroy(); // a client that does not read: it reconnects and catches up
    };
    res.write('retry: 2000\n\n');
    let unsubscribe: (() => void) | undefined;
    let closed = false;
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS).unref();
    res.on('close', () => {
      closed = true;
      open--;
      clearInterval(heartbeat);
      unsubscribe?.();
    });
    const follow = () => {
      if (closed) return;
      if (Number.isInteger(lastId) && lastId >= 0) {
        for (const entry of journal.list(sandbox, { since: lastId, limit: MAX_REPLAY }).reverse()) write(entry);
      }
      unsubscribe = journal.subscribe(write);
    };
    // A fleet: replay what every server journaled so far (Redis away: what this server holds).
    const syncing = feed?.sync();
    if (syncing) void syncing.then(follow, follow);
    else follow();
  };
}
