// Where the journal, coverage and fault rules get their changes from. On one server (the default),
// straight from this process: each request is journaled and counted as it is answered, and the
// admin API's clears and fault rules apply at once. A fleet on Redis (src/core/redis/feed.ts)
// sends every change through one Redis stream that each server reads into its own journal,
// coverage and fault rules, so any server shows every server's requests and applies every rule.
import type { RequestRecord } from '../core/pipeline.js';
import type { Coverage } from './coverage.js';
import type { FaultSettings, Faults } from './faults.js';
import type { RequestJournal } from './journal.js';

export interface ControlsFeed {
  /** `local`, or `redis` for a fleet. */
  readonly kind: string;
  /** A request was answered: journal it and count it. */
  record(record: RequestRecord): void;
  /** Settles once this server's journal, coverage and rules hold every change made so far by any server. */
  sync(): Promise<void> | undefined;
  clearJournal(sandbox: string): Promise<void> | undefined;
  /** Clears one sandbox's coverage, or (undefined) all of it. */
  clearCoverage(sandbox: string | undefined): Promise<void> | undefined;
  /** Sets a sandbox's fault rules (checked already; no rules clears them). */
  setFaults(sandbox: string, settings: FaultSettings): Promise<void> | undefined;
  close(): Promise<void>;
}

/** The journal, coverage and rules parts of the controls a feed writes to. */
export interface FeedTargets {
  journal: RequestJournal;
  coverage: Coverage;
  faults: Faults;
}

/** One server: changes apply in this process, at once. */
export class LocalFeed implements ControlsFeed {
  readonly kind = 'local';

  constructor(private readonly targets: FeedTargets) {}

  record(record: RequestRecord): void {
    this.targets.journal.record(record);
    this.targets.coverage.record(record);
  }

  sync(): undefined {
    return undefined;
  }

  clearJournal(sandbox: string): undefined {
    this.targets.journal.clear(sandbox);
    return undefined;
  }

  clearCoverage(sandbox: string | undefined): undefined {
    this.targets.coverage.clear(sandbox);
    return undefined;
  }

  setFaults(sandbox: string, settings: FaultSettings): undefined {
    this.targets.faults.set(sandbox, settings);
    return undefined;
  }

  async close(): Promise<void> {}
}
