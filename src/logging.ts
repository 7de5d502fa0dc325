// Request logs: one line per request with sandbox, API, operation, status and time — written
// by pino, human-readable on a terminal, JSON lines otherwise.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import { pino, type Level, type Logger, type LevelWithSilent } from 'pino';
import { createRequire } from 'node:module';
import type { RequestRecord } from './core/pipeline.js';
import { adminPath } from './controls/index.js';
import { redactUrl } from './controls/redact.js';

export const LOG_LEVELS: LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export type LogFormat = 'pretty' | 'json';

export function createLogger(level: LevelWithSilent, format: LogFormat): Logger {
  if (format === 'pretty') {
    // Loaded only for a terminal.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
    return pino(
      { level, base: undefined },
      pretty({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'method,url,status,responseTime,sandbox,api,operationId,problems,violations' }),
    );
  }
  // Lines are written in batches: once 4 KB are waiting, and at least every 100 ms (and at exit).
  const destination = pino.destination({ dest: 1, sync: false, minLength: BATCH_CHARACTERS });
  const batches = new LineBatches(destination);
  const flusher = setInterval(() => {
    try {
      batches.flush();
    } catch {
      clearInterval(flusher); // the destination was closed
    }
  }, 100).unref();
  return pino({ level, base: undefined, timestamp: isoTime }, batches);
}

/** Lines are handed to the destination this many characters at a time (and it writes them once it holds as many bytes). */
const BATCH_CHARACTERS = 4096;

type Destination = ReturnType<typeof pino.destination>;

/**
 * Log lines gathered into one text per batch before they reach the destination (sonic-boom). It
 * measures the text it keeps appending to on every write (`Buffer.byteLength`, which flattens the
 * appended string: a copy of everything waiting), so lines written one by one cost it a copy of
 * the waiting batch each: more than writing the line. Handed over here, a batch is copied once.
 * Lines wait here until a batch is full, the destination is flushed (every 100 ms, by
 * `logger.flush()`), or the process exits.
 */
class LineBatches {
  private waiting = '';

  constructor(private readonly destination: Destination) {
    // Before pino's own exit hook flushes the destination (it registered first).
    process.prependListener('exit', () => this.handOver());
    process.prependListener('beforeExit', () => this.handOver());
  }

  write(line: string): boolean {
    this.waiting += line;
    if (this.waiting.length >= BATCH_CHARACTERS) this.handOver();
    return true;
  }

  flush(done?: (error?: Error) => void): void {
    this.handOver();
    this.destination.flush(done);
  }

  flushSync(): void {
    this.handOver();
    this.destination.flushSync();
  }

  private handOver(): void {
    if (this.waiting === '') return;
    const text = this.waiting;
    this.waiting = '';
    this.destination.write(text);
  }
}

let isoTimeAt = NaN;
let isoTimeText = '';
/** pino.stdTimeFunctions.isoTime, formatted once per millisecond rather than once per line. */
export function isoTime(): string {
  const now = Date.now();
  if (now !== isoTimeAt) {
    isoTimeAt = now;
    isoTimeText = `,"time":"${new Date(now).toISOString()}"`;
  }
  return isoTimeText;
}

/** The pipeline's record of an API request, attached to the response for the log line. */
export function recordOf(res: ServerResponse): RequestRecord | undefined {
  return (res as ServerResponse & { locals?: { sandboxRequest?: RequestRecord } }).locals?.sandboxRequest;
}

/**
 * Logs every request once its response is finished, except the documentation's assets. `track`:
 * the tracker to use (requestTracker), when the app also tracks requests it serves itself.
 */
export function requestLogger(logger: Logger, track = requestTracker(logger)) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/docs/assets/')) track(req, res);
    next();
  };
}

/**
 * The request log as a plain call, for code that serves a request itself (the API dispatcher):
 * `track(req, res)` when the request arrives logs it once its response is finished. Or, cheaper,
 * `track.start(res)` when it arrives and `track.ended(res)` once the code has ended the response:
 * the line is written then (its time runs to the end of `res.end()`), without a second 'finish'
 * listener beside Node's own on every response (an array of listeners to make and copy per
 * request); a response not ended yet is logged once it finishes, as by `track`.
 */
export interface RequestTracker {
  (req: Request, res: Response): void;
  start(res: Response): void;
  ended(res: Response): void;
}

export function requestTracker(logger: Logger): RequestTracker {
  // One listener for every response ('finish' comes once), its start time kept on the response:
  // no closure and no once-wrapper per request.
  function finished(this: Response & { [STARTED]?: number }) {
    logRequest(logger, this.req, this, performance.now() - this[STARTED]!);
  }
  const track = (req: Request, res: Response & { [STARTED]?: number }) => {
    res[STARTED] = performance.now();
    res.on('finish', finished);
  };
  return Object.assign(track, {
    start(res: Response & { [STARTED]?: number }) {
      res[STARTED] = performance.now();
    },
    ended(res: Response & { [STARTED]?: number }) {
      if (res.writableEnded) logRequest(logger, res.req, res, performance.now() - res[STARTED]!);
      else res.on('finish', finished);
    },
  });
}

const STARTED = Symbol('request log start');

interface LogFields {
  method?: string;
  url: string;
  status: number;
  responseTime: number;
  sandbox?: string;
  api?: string;
  operationId?: string;
  problems?: string[];
  violations?: string[];
}

function logRequest(logger: Logger, req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, ms: number): void {
  // Secrets in the query string (the dashboard's `?token=`, `access_token=`, …) never reach a log.
  const url = redactUrl(req.originalUrl ?? req.url ?? '');
  // The dashboard reads the admin API all the time (it long-polls the journal): answered reads
  // there are debug lines, so the terminal shows the API traffic being demonstrated.
  const adminRead = (req.method === 'GET' || req.method === 'HEAD') && (url === adminPath || url.startsWith(`${adminPath}/`) || url.startsWith(`${adminPath}?`));
  const level: Level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : adminRead ? 'debug' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const record = recordOf(res);
  const responseTime = Math.round(ms * 10) / 10;
  const where = record ? ` ${record.api}${record.operationId ? `.${record.operationId}` : ''} [${record.sandbox}]` : '';
  const problems = record?.requestProblems.length ? ` — ${record.requestProblems.map(p => p.field).join(', ')}` : '';
  const violations = record?.responseViolations.length ? ` — ${record.responseViolations.length} response violation(s)` : '';
  // Flat fields of plain values: pino writes those on its fast path (nested objects cost more).
  // Built in place (no spread copies), the fields in the same order.
  const fields: LogFields = { method: req.method, url, status: res.statusCode, responseTime };
  if (record) {
    fields.sandbox = record.sandbox;
    fields.api = record.api;
    fields.operationId = record.operationId;
    if (record.requestProblems.length) fields.problems = record.requestProblems.map(p => `${p.field}: ${p.message}`);
    if (record.responseViolations.length) fields.violations = record.responseViolations;
  }
  logger[level](fields, `${req.method} ${url} ${res.statusCode}${where} ${responseTime}ms${problems}${violations}`);
}
