// The request journal: the recent requests of each sandbox, bounded per sandbox and in total,
// so a CI job can assert "my client called X with Y".
import type { RequestRecord } from '../core/pipeline.js';

/** A journal entry: the pipeline's record with a sequence number (`since` filters on it). */
export interface JournalEntry extends RequestRecord {
  seq: number;
  /** Size in bytes of a request body too large to keep (then `requestBody` is absent). */
  requestBodyOmitted?: number;
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

export interface JournalLimits {
  /** Entries kept per sandbox (default 1,000); older ones are dropped. */
  perSandbox: number;
  /** Entries kept over all sandboxes (default 20,000); the least recently active sandboxes lose their oldest first. */
  total: number;
  /** Request bodies larger than this (in bytes, as JSON) are not kept (default 16 KiB). */
  bodyBytes: number;
}

export const DEFAULT_JOURNAL_LIMITS: JournalLimits = { perSandbox: 1000, total: 20_000, bodyBytes: 16 * 1024 };

export class RequestJournal {
  /** sandbox → entries, oldest first; the map is ordered from the least to the most recently active sandbox. */
  private readonly entries = new Map<string, JournalEntry[]>();
  private size = 0;
  private seq = 0;
  /** Readers waiting for the next entry (long polling). */
  private readonly waiters = new Set<() => void>();

  constructor(private readonly limits: JournalLimits = DEFAULT_JOURNAL_LIMITS) {}

  record(record: RequestRecord): void {
    const entry: JournalEntry = { seq: ++this.seq, ...record };
    if (record.requestBody !== undefined) {
      const bytes = Buffer.byteLength(typeof record.requestBody === 'string' ? record.requestBody : JSON.stringify(record.requestBody));
      if (bytes > this.limits.bodyBytes) {
        delete entry.requestBody;
        entry.requestBodyOmitted = bytes;
      }
    }
    let list = this.entries.get(record.sandbox);
    if (list) this.entries.delete(record.sandbox); // re-insert: now the most recently active
    else list = [];
    this.entries.set(record.sandbox, list);
    list.push(entry);
    this.size++;
    if (list.length > this.limits.perSandbox) {
      list.shift();
      this.size--;
    }
    for (const [sandbox, oldest] of this.entries) {
      if (this.size <= this.limits.total) break;
      const drop = Math.min(oldest.length, this.size - this.limits.total);
      oldest.splice(0, drop);
      this.size -= drop;
      if (!oldest.length) this.entries.delete(sandbox);
    }
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** Entries of a sandbox (or of every sandbox when `sandbox` is undefined), newest first. */
  list(sandbox: string | undefined, filter: JournalFilter = {}): JournalEntry[] {
    const lists = sandbox === undefined ? [...this.entries.values()] : [this.entries.get(sandbox) ?? []];
    const limit = filter.limit ?? Infinity;
    const out = lists.flatMap(list => this.matching(list, filter, limit));
    if (lists.length > 1) out.sort((a, b) => b.seq - a.seq);
    return out.length > limit ? out.slice(0, limit) : out;
  }

  /**
   * Like `list`, but when nothing matches yet, waits up to `waitMs` for a matching entry to arrive
   * (long polling: a dashboard or a CI job sees a request as soon as it is answered).
   */
  async listWhenAny(sandbox: string | undefined, filter: JournalFilter, waitMs: number): Promise<JournalEntry[]> {
    const deadline = Date.now() + Math.min(waitMs, MAX_WAIT_MS);
    let found = this.list(sandbox, filter);
    while (!found.length && Date.now() < deadline) {
      await this.next(deadline - Date.now());
      found = this.list(sandbox, filter);
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
  private matching(list: readonly JournalEntry[], filter: JournalFilter, limit: number): JournalEntry[] {
    const out: JournalEntry[] = [];
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
    const dropped = this.count(sandbox);
    this.entries.delete(sandbox);
    this.size -= dropped;
    return dropped;
  }

  /** The sandboxes that have entries. */
  sandboxes(): string[] {
    return [...this.entries.keys()];
  }
}
