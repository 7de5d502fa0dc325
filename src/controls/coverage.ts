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

export class Coverage {
  /** sandbox → api → counts */
  private readonly counts = new Map<string, Map<string, Counts>>();

  constructor(private readonly apis: readonly LoadedApi[]) {}

  record(record: RequestRecord): void {
    if (!record.operationId) return;
    let apis = this.counts.get(record.sandbox);
    if (!apis) this.counts.set(record.sandbox, (apis = new Map()));
    let operations = apis.get(record.api);
    if (!operations) apis.set(record.api, (operations = new Map()));
    let statuses = operations.get(record.operationId);
    if (!statuses) operations.set(record.operationId, (statuses = new Map()));
    statuses.set(record.status, (statuses.get(record.status) ?? 0) + 1);
  }

  clear(sandbox?: string): void {
    if (sandbox === undefined) this.counts.clear();
    else this.counts.delete(sandbox);
  }

  /** Coverage of every API, in one sandbox or (without one) over all sandboxes. */
  report(sandbox?: string): ApiCoverage[] {
    const sandboxes = sandbox === undefined ? [...this.counts.values()] : [this.counts.get(sandbox) ?? new Map<string, Counts>()];
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
