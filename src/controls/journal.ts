// The request journal: the recent requests of each sandbox, so a CI job can assert "my client
// called X with Y". Bounded by count per sandbox and in total, and by bytes: each entry keeps at
// most `bodyBytes` of its body (as received, secrets redacted; larger bodies are cut and marked),
// and all entries together at most `totalBytes`. Bodies are kept as text and parsed when read, so
// an entry costs the bytes it keeps, whatever the shape of its JSON.
import { LRUCache } from 'lru-cache';
import { MAX_PROBLEMS as REPORTED_PROBLEMS, problem, type FieldProblem } from '../core/problem.js';
import { TEXT_KEY, type RequestRecord } from '../core/pipeline.js';
import { redactHead, redactHeader, redactText } from './redact.js';

/** What the sandbox answered, as the journal keeps it. */
export interface JournalResponse {
  status: number;
  /** As sent, secrets (`set-cookie`, secret-named headers) redacted. */
  headers: Record<string, string>;
  /** Parsed JSON, or text for other media types and when truncated; absent for no body. */
  body?: unknown;
  /** Set when the body was larger than the journal keeps (`responseBodyBytes`); `body` is then its first bytes, as text. */
  bodyTruncated?: true;
  /** The size in bytes of a truncated or binary body. */
  bodyBytes?: number;
}

/** A journal entry: the pipeline's record with a sequence number (`since` filters on it). */
export interface JournalEntry extends Omit<RequestRecord, 'requestBody' | 'requestHeaders' | 'response'> {
  seq: number;
  /** The request's headers, secrets redacted (`authorization: Bearer [redacted]`). */
  requestHeaders?: Record<string, string>;
  response?: JournalResponse;
  /** The request body with secrets redacted: parsed JSON, or text for other media types and when truncated. */
  requestBody?: unknown;
  /** Set when the body was larger than the journal keeps; `requestBody` is then its first `bodyBytes` bytes, as text. */
  requestBodyTruncated?: true;
  /** The size in bytes of a truncated body, as received. */
  requestBodyBytes?: number;
}

export interface JournalFilter {
  api?: string;
  operationId?: string;
  method?: string;
  status?: number;
  /** Path below the API prefix starts with this. */
  pathPrefix?: string;
  /** Only entries with a greater `seq`. */
  since?: number;
  /** Newest entries first, at most this many (default all). */
  limit?: number;
}

/** The longest a reader may wait for a new entry. */
export const MAX_WAIT_MS = 30_000;
/** Readers that may wait at once, per server (a dashboard tab holds one); more get a 429. */
export const MAX_WAITING = 64;

export interface JournalLimits {
  /** Entries kept per sandbox (default 1,000); older ones are dropped. */
  perSandbox: number;
  /** Entries kept over all sandboxes (default 20,000); the least recently active sandboxes lose their oldest first. */
  total: number;
  /** Bytes of each request body kept (default 4 KiB); the rest is cut off and the entry marked `requestBodyTruncated`. */
  bodyBytes: number;
  /** Bytes kept over all entries (default 16 MiB), counted as what each entry holds; the oldest go first, as for `total`. */
  totalBytes: number;
  /** Bytes of each response body kept (default 16 KiB); the rest is cut off and the response marked `bodyTruncated`. */
  responseBodyBytes: number;
}

export const DEFAULT_JOURNAL_LIMITS: JournalLimits = {
  perSandbox: 1000,
  total: 20_000,
  bodyBytes: 4 * 1024,
  totalBytes: 16 * 1024 * 1024,
  responseBodyBytes: 16 * 1024,
};

/** Request and response headers kept per entry, each value at most `HEADER_LIMIT` characters. */
const MAX_HEADERS = 50;
const HEADER_LIMIT = 1024;

/**
 * Response bodies kept lately, remembered by their text's key: a body answered again (a client
 * polling, a CI suite reading a list) is kept as it was kept before, the same string, instead of
 * being redacted and copied anew. At most this many, each at most `responseBodyBytes`.
 */
const REMEMBERED_RESPONSE_BODIES = 64;

/** Paths and query strings longer than this are cut (a 414's URI can be 64 KB). */
const TEXT_LIMIT = 2048;
/** Field problems kept per entry (as many as a response lists, and the note of how many more), and the length of each one's texts. */
const MAX_PROBLEMS = REPORTED_PROBLEMS + 1;
/** The problems and violations of the usual entry: none (one shared, frozen list). */
const NONE: never[] = Object.freeze([]) as unknown as never[];
/** What an entry costs beyond its texts: its object, numbers and short strings. */
const ENTRY_OVERHEAD = 400;

/** An entry as the journal keeps it (JSON data: a fleet sends it through Redis). */
export type KeptEntry = { readonly sandbox: string; readonly api: string; readonly operationId?: string; readonly status: number; readonly bytes: number };

/** An entry as kept: texts only, the bodies as (redacted, possibly cut) text. */
interface Stored extends Omit<JournalEntry, 'requestBody' | 'requestBodyTruncated' | 'response'> {
  body?: string;
  json?: boolean;
  response?: { status: number; headers: Record<string, string>; body?: string; json?: boolean; bodyBytes?: number; truncated?: boolean };
  bytes: number;
}

/** Headers as kept: redacted, one value each (repeated ones joined), bounded in number and length. */
function keptHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    if (++n > MAX_HEADERS) break;
    const joined = Array.isArray(value) ? value.map(v => redactHeader(name, v)).join(', ') : redactHeader(name, value);
    out[kept(name, 256)] = kept(joined, HEADER_LIMIT);
  }
  return out;
}

/** `cut(text, limit).text`, without the result object for the usual short text. */
function kept(text: string, limit: number): string {
  return text.length <= limit / 3 ? text : cut(text, limit).text;
}

/**
 * A copy of at most `limit` UTF-8 bytes of `text`, never a slice of it (V8 slices keep their
 * parent string alive: a 4 KB slice of a 1 MB body would keep the megabyte).
 */
export function cut(text: string, limit: number): { text: string; cut: boolean } {
  if (text.length <= limit / 3 || (text.length <= limit && Buffer.byteLength(text) <= limit)) return { text, cut: false };
  // Encodes only the characters that fit (never part of one) into a buffer reused across calls.
  if (scratch.length < limit) scratch = Buffer.allocUnsafe(limit);
  const { written } = utf8.encodeInto(text, scratch.subarray(0, limit));
  return { text: scratch.toString('utf8', 0, written), cut: true };
}

/**
 * At most `limit` bytes of a body, secrets redacted; `cut` when that is not all of it. Only the part
 * that can be kept is redacted (a secret cut off at its end is redacted whole), not the megabytes
 * after it.
 */
function keptBody(text: string, limit: number): { text: string; cut: boolean } {
  const head = redactHead(text, limit);
  const kept = cut(head.text, limit);
  return head.partial && !kept.cut ? { text: kept.text, cut: true } : kept;
}

const utf8 = new TextEncoder();
let scratch = Buffer.allocUnsafe(0);

const short = (text: string) => kept(text, TEXT_LIMIT);

export class RequestJournal {
  /** sandbox → entries, oldest first; the map is ordered from the least to the most recently active sandbox. */
  private readonly entries = new Map<string, Stored[]>();
  private size = 0;
  private bytes = 0;
  private seq = 0;
  /** Readers waiting for the next entry (long polling), and how many requests wait. */
  private readonly waiters = new Set<() => void>();
  /** Live followers (the Server-Sent Events stream), each told of every new entry. */
  private readonly subscribers = new Set<(entry: JournalEntry) => void>();
  private waiting = 0;
  /** The kept form of recent response bodies, by text key (the REMEMBERED_RESPONSE_BODIES last used). */
  private readonly keptResponses = new LRUCache<string, { text: string; cut: boolean; bytes?: number }>({ max: REMEMBERED_RESPONSE_BODIES });

  private readonly limits: JournalLimits;
  /** The last request's headers (names and values, in order) and their kept form. */
  private lastRequestHeaders: { names: string[]; values: Array<string | string[] | undefined>; kept: Record<string, string> } | undefined;

  constructor(limits: Partial<JournalLimits> = {}) {
    this.limits = { ...DEFAULT_JOURNAL_LIMITS, ...limits };
  }

  record(record: RequestRecord): void {
    this.insert(this.keep(record), ++this.seq);
  }

  /**
   * What the journal keeps of a request (redacted, cut to the limits), as plain JSON data: a fleet
   * sends it to every server's journal (`insert`) with a fleet-wide sequence number.
   */
  keep(record: RequestRecord): KeptEntry {
    const { requestBody, requestProblems, responseViolations, requestHeaders, response, ...rest } = record;
    const entry: Stored = {
      seq: 0,
      ...rest,
      ...(requestHeaders ? { requestHeaders: this.keptRequestHeaders(requestHeaders) } : {}),
      path: short(record.path),
      query: short(redactText(record.query)),
      requestProblems: requestProblems.length ? requestProblems.slice(0, MAX_PROBLEMS).map(shortProblem) : NONE,
      responseViolations: responseViolations.length ? responseViolations.slice(0, MAX_PROBLEMS).map(short) : NONE,
      bytes: 0,
    };
    if (requestBody) {
      const kept = keptBody(requestBody.text, this.limits.bodyBytes);
      entry.body = kept.text;
      if (kept.cut) entry.requestBodyBytes = Buffer.byteLength(requestBody.text);
      else entry.json = requestBody.json;
    }
    if (response) {
      const kept: NonNullable<Stored['response']> = { status: record.status, headers: keptHeaders(response.headers) };
      if (response.body) {
        const body = this.keptResponse(response.body);
        kept.body = body.text;
        if (body.cut) {
          kept.truncated = true;
          kept.bodyBytes = body.bytes;
        } else kept.json = response.body.json;
      } else if (response.binaryBytes !== undefined) kept.bodyBytes = response.binaryBytes;
      entry.response = kept;
    }
    entry.bytes = entrySize(entry);
    return entry;
  }

  /**
   * A request's headers as kept; the same object as the last request's when the headers are the same
   * names and values in the same order (a client sending the same request again): kept entries are
   * never changed, so they can share it.
   */
  private keptRequestHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
    const last = this.lastRequestHeaders;
    if (last) {
      let i = 0;
      let same = true;
      for (const name in headers) {
        if (i >= last.names.length || last.names[i] !== name || last.values[i] !== headers[name] || typeof headers[name] !== 'string') {
          same = false;
          break;
        }
        i++;
      }
      if (same && i === last.names.length) return last.kept;
    }
    const kept = keptHeaders(headers);
    const names = Object.keys(headers);
    this.lastRequestHeaders = { names, values: names.map(name => headers[name]), kept };
    return kept;
  }

  /** A response body as kept (redacted, cut to `responseBodyBytes`), with its size when cut; the same as last time for a text answered again. */
  private keptResponse(body: NonNullable<NonNullable<RequestRecord['response']>['body']>): { text: string; cut: boolean; bytes?: number } {
    const key = (body as { [TEXT_KEY]?: string })[TEXT_KEY];
    const remembered = key === undefined ? undefined : this.keptResponses.get(key);
    if (remembered) return remembered;
    const kept: { text: string; cut: boolean; bytes?: number } = keptBody(body.text, this.limits.responseBodyBytes);
    if (kept.cut) kept.bytes = Buffer.byteLength(body.text);
    if (key !== undefined) this.keptResponses.set(key, kept);
    return kept;
  }

  /** Adds a kept entry with sequence number `seq` (greater than any before). */
  insert(kept: KeptEntry, seq: number): void {
    const entry = kept as Stored;
    entry.seq = seq;
    if (seq > this.seq) this.seq = seq;
    let list = this.entries.get(entry.sandbox);
    if (list) this.entries.delete(entry.sandbox); // re-insert: now the most recently active
    else list = [];
    this.entries.set(entry.sandbox, list);
    list.push(entry);
    this.size++;
    this.bytes += entry.bytes;
    if (list.length > this.limits.perSandbox) this.drop(list, 1);
    // Within the limits, dropOldest would only look at the first list (a list is empty only when perSandbox < 1).
    if (this.size > this.limits.total || this.bytes > this.limits.totalBytes || this.limits.perSandbox < 1) this.dropOldest();
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    if (this.subscribers.size) {
      const served = toEntry(entry);
      for (const listener of this.subscribers) listener(served);
    }
  }

  /** Drops the oldest entries of the least recently active sandboxes until the journal is within its limits. */
  private dropOldest(): void {
    for (const [sandbox, oldest] of this.entries) {
      while (oldest.length && (this.size > this.limits.total || this.bytes > this.limits.totalBytes)) this.drop(oldest, 1);
      if (!oldest.length) this.entries.delete(sandbox);
      if (this.size <= this.limits.total && this.bytes <= this.limits.totalBytes) break;
    }
  }

  /** Calls `listener` with every entry recorded from now on; returns the function that stops it. */
  subscribe(listener: (entry: JournalEntry) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  /** Bytes the kept entries hold (as counted against `totalBytes`). */
  byteSize(): number {
    return this.bytes;
  }

  private drop(list: Stored[], count: number): void {
    if (count >= list.length) {
      for (const gone of list) {
        this.size--;
        this.bytes -= gone.bytes;
      }
      list.length = 0;
      return;
    }
    // shift() moves the array's start in place; splice(0, n) would copy the whole list each time.
    for (let i = 0; i < count; i++) {
      const gone = list.shift()!;
      this.size--;
      this.bytes -= gone.bytes;
    }
  }

  /** Entries of a sandbox (or of every sandbox when `sandbox` is undefined), newest first. */
  list(sandbox: string | undefined, filter: JournalFilter = {}): JournalEntry[] {
    const lists = sandbox === undefined ? [...this.entries.values()] : [this.entries.get(sandbox) ?? []];
    const limit = filter.limit ?? Infinity;
    const out = lists.flatMap(list => this.matching(list, filter, limit));
    if (lists.length > 1) out.sort((a, b) => b.seq - a.seq);
    return (out.length > limit ? out.slice(0, limit) : out).map(toEntry);
  }

  /**
   * Like `list`, but when nothing matches yet, waits up to `waitMs` for a matching entry to arrive
   * (long polling: a dashboard or a CI job sees a request as soon as it is answered).
   */
  async listWhenAny(sandbox: string | undefined, filter: JournalFilter, waitMs: number): Promise<JournalEntry[]> {
    const deadline = Date.now() + Math.min(waitMs, MAX_WAIT_MS);
    let found = this.list(sandbox, filter);
    if (found.length || waitMs <= 0) return found;
    if (this.waiting >= MAX_WAITING) {
      throw problem('too_many_requests', `${MAX_WAITING} requests are already waiting for the journal; try again shortly`, { headers: { 'retry-after': '1' } });
    }
    this.waiting++;
    try {
      while (!found.length && Date.now() < deadline) {
        await this.next(deadline - Date.now());
        found = this.list(sandbox, filter);
      }
    } finally {
      this.waiting--;
    }
    return found;
  }

  /** Resolves when the next entry is recorded, or after `timeoutMs`. */
  private next(timeoutMs: number): Promise<void> {
    return new Promise(resolve => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      // unref: a waiting reader never keeps the process alive
      const timer = setTimeout(wake, timeoutMs).unref();
      this.waiters.add(wake);
    });
  }

  /** The newest entries of one sandbox's list that pass the filter, at most `limit`. */
  private matching(list: readonly Stored[], filter: JournalFilter, limit: number): Stored[] {
    const out: Stored[] = [];
    const method = filter.method?.toUpperCase();
    for (let i = list.length - 1; i >= 0 && out.length < limit; i--) {
      const e = list[i];
      if (filter.since !== undefined && e.seq <= filter.since) break;
      if (filter.api !== undefined && e.api !== filter.api) continue;
      if (filter.operationId !== undefined && e.operationId !== filter.operationId) continue;
      if (method !== undefined && e.method.toUpperCase() !== method) continue;
      if (filter.status !== undefined && e.status !== filter.status) continue;
      if (filter.pathPrefix !== undefined && !e.path.startsWith(filter.pathPrefix)) continue;
      out.push(e);
    }
    return out;
  }

  count(sandbox: string): number {
    return this.entries.get(sandbox)?.length ?? 0;
  }

  clear(sandbox: string): number {
    const list = this.entries.get(sandbox) ?? [];
    const dropped = list.length;
    this.drop(list, dropped);
    this.entries.delete(sandbox);
    return dropped;
  }

  /** The sandboxes that have entries. */
  sandboxes(): string[] {
    return [...this.entries.keys()];
  }
}

/** What an entry holds, in bytes (UTF-16 strings may take up to twice that in memory). */
function entrySize(entry: Stored): number {
  let bytes = ENTRY_OVERHEAD + entry.path.length + entry.query.length + (entry.body?.length ?? 0);
  for (const p of entry.requestProblems) bytes += p.field.length + p.message.length + (p.rule?.length ?? 0) + 64;
  for (const v of entry.responseViolations) bytes += v.length + 16;
  for (const headers of [entry.requestHeaders, entry.response?.headers]) {
    if (headers) for (const name in headers) bytes += name.length + headers[name].length + 32;
  }
  bytes += entry.response?.body?.length ?? 0;
  return bytes;
}

function shortProblem(p: FieldProblem): FieldProblem {
  return { ...p, field: short(p.field), message: short(p.message) };
}

/** The entry as served: a JSON body parsed again, a cut one as text with its mark. */
function toEntry(stored: Stored): JournalEntry {
  const { body, json, bytes: _bytes, response, ...rest } = stored;
  const entry: JournalEntry = response ? { ...rest, response: toResponse(response) } : rest;
  if (body === undefined) return entry;
  if (stored.requestBodyBytes !== undefined) return { ...entry, requestBody: body, requestBodyTruncated: true };
  if (!json) return { ...entry, requestBody: body };
  try {
    return { ...entry, requestBody: JSON.parse(body) };
  } catch {
    return { ...entry, requestBody: body };
  }
}

function toResponse(kept: NonNullable<Stored['response']>): JournalResponse {
  const out: JournalResponse = { status: kept.status, headers: kept.headers };
  if (kept.bodyBytes !== undefined) out.bodyBytes = kept.bodyBytes;
  if (kept.body === undefined) return out;
  if (kept.truncated) return { ...out, body: kept.body, bodyTruncated: true };
  if (!kept.json) return { ...out, body: kept.body };
  try {
    return { ...out, body: JSON.parse(kept.body) };
  } catch {
    return { ...out, body: kept.body };
  }
}
