// Coverage: for each API, which operations and which of their documented statuses were exercised,
// counted per sandbox (so parallel CI jobs each see their own) and over all sandboxes.
import type { LoadedApi, RequestRecord } from '../core/pipeline.js';
import { documentedCode } from './statuses.js';

export interface StatusCoverage {
  /** As documented: `200`, `4XX` or `default`. */
  status: string;
  calls: number;
}

export interface OperationCoverage {
  operationId: string;
  method: string;
  path: string;
  calls: number;
  statuses: StatusCoverage[];
  /** Statuses answered that the operation does not document (a spec violation, shown in strict mode as 500). */
  undocumented: Array<{ status: number; calls: number }>;
}

export interface ApiCoverage {
  api: string;
  operations: { total: number; exercised: number };
  statuses: { total: number; exercised: number };
  operationCoverage: OperationCoverage[];
}

/** operationId → answered status → calls */
type Counts = Map<string, Map<number, number>>;

/** Per-sandbox counts are kept for this many of the most recently active sandboxes. */
export const COVERAGE_SANDBOXES = 1000;
/**
 * …and for at most this many (sandbox, operation, status) counts in all (a few MB): `Prefer:
 * code=…` can ask for any status an operation documents as `default` or `5XX`.
 */
export const COVERAGE_COUNTS = 100_000;

export class Coverage {
  /**
   * sandbox → api → counts, ordered from the least to the most recently active sandbox and bounded
   * (a client using a fresh `X-Sandbox-Id` per run must not make the server grow); `total` keeps
   * the exact counts over all sandboxes, evicted ones included.
   */
  private readonly counts = new Map<string, Map<string, Counts>>();
  private readonly total = new Map<string, Counts>();

  /** (sandbox, operation, status) counts kept in `counts`. */
  private cells = 0;

  constructor(
    private readonly apis: readonly LoadedApi[],
    private readonly maxSandboxes = COVERAGE_SANDBOXES,
    private readonly maxCounts = COVERAGE_COUNTS,
  ) {}

  record(record: Pick<RequestRecord, 'sandbox' | 'api' | 'operationId' | 'status'>): void {
    if (!record.operationId) return;
    let apis = this.counts.get(record.sandbox);
    if (apis) this.counts.delete(record.sandbox); // re-insert: now the most recently active
    else apis = new Map();
    this.counts.set(record.sandbox, apis);
    this.cells += count(apis, record, 1);
    count(this.total, record, 1);
    while (this.counts.size > this.maxSandboxes || (this.cells > this.maxCounts && this.counts.size > 1)) {
      const [oldest, counts] = this.counts.entries().next().value!;
      this.cells -= cellsOf(counts);
      this.counts.delete(oldest);
    }
  }

  /** (sandbox, operation, status) counts kept (at most `maxCounts`, unless one sandbox alone has more). */
  countCells(): number {
    return this.cells;
  }

  clear(sandbox?: string): void {
    if (sandbox === undefined) {
      this.counts.clear();
      this.total.clear();
      this.cells = 0;
      return;
    }
    this.cells -= cellsOf(this.counts.get(sandbox) ?? new Map());
    for (const [api, operations] of this.counts.get(sandbox) ?? []) {
      for (const [operationId, statuses] of operations) {
        for (const [status, calls] of statuses) count(this.total, { api, operationId, status }, -calls);
      }
    }
    this.counts.delete(sandbox);
  }

  /** Sandboxes whose own counts are kept (at most `maxSandboxes`). */
  sandboxCount(): number {
    return this.counts.size;
  }

  /** Coverage of every API, in one sandbox or (without one) over all sandboxes. */
  report(sandbox?: string): ApiCoverage[] {
    const sandboxes = [sandbox === undefined ? this.total : (this.counts.get(sandbox) ?? new Map<string, Counts>())];
    return this.apis.map(({ module, operations }) => {
      const operationCoverage = operations.map(op => {
        const answered = new Map<number, number>();
        for (const apis of sandboxes) {
          for (const [status, calls] of apis.get(module.slug)?.get(op.iid ?? '') ?? []) answered.set(status, (answered.get(status) ?? 0) + calls);
        }
        const documented = op.responses.map(r => r.code);
        const statuses = documented.map(code => ({ status: code, calls: 0 }));
        const undocumented: Array<{ status: number; calls: number }> = [];
        for (const [status, calls] of [...answered].sort(([a], [b]) => a - b)) {
          const code = documentedCode(documented, status);
          const match = statuses.find(s => s.status === code);
          if (match) match.calls += calls;
          else undocumented.push({ status, calls });
        }
        const calls = [...answered.values()].reduce((a, b) => a + b, 0);
        return { operationId: op.iid ?? '', method: op.method.toUpperCase(), path: op.path, calls, statuses, undocumented };
      });
      const allStatuses = operationCoverage.flatMap(o => o.statuses);
      return {
        api: module.slug,
        operations: { total: operationCoverage.length, exercised: operationCoverage.filter(o => o.calls > 0).length },
        statuses: { total: allStatuses.length, exercised: allStatuses.filter(s => s.calls > 0).length },
        operationCoverage,
      };
    });
  }
}

function cellsOf(apis: Map<string, Counts>): number {
  let cells = 0;
  for (const operations of apis.values()) for (const statuses of operations.values()) cells += statuses.size;
  return cells;
}

/**
 * Adds `calls` to the count of the record's api, operation and status (dropping counts that reach
 * 0); returns how many counts that added (1) or removed (-1).
 */
function count(apis: Map<string, Counts>, record: { api: string; operationId?: string; status: number }, calls: number): number {
  let operations = apis.get(record.api);
  if (!operations) apis.set(record.api, (operations = new Map()));
  let statuses = operations.get(record.operationId!);
  if (!statuses) operations.set(record.operationId!, (statuses = new Map()));
  const before = statuses.size;
  const next = (statuses.get(record.status) ?? 0) + calls;
  if (next > 0) statuses.set(record.status, next);
  else statuses.delete(record.status);
  return statuses.size - before;
}
