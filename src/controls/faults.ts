// Fault and latency injection: the `Prefer` header (Prism's convention: `code=503`, `delay=250`) and
// per-sandbox rules set through the admin API (a probability of a status, a latency range, a rate
// limit). The random draws are seeded so that the same run gives the same faults: the requests of a
// sandbox that need a draw are numbered (0, 1, 2, … since its rules were set; a fleet numbers them in
// Redis), and request n draws from a generator seeded with the sandbox's seed and n. So one seed
// gives one sequence per sandbox, on one server or over a fleet.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { mersenne } from 'pure-rand/generator/mersenne';
import type { FaultInjector, Injection, InjectionRequest, LoadedApi } from '../core/pipeline.js';
import type { Operation } from '../core/prism.js';
import { HttpProblem, invalidField, problem, problemFor } from '../core/problem.js';
import { documentedStatuses, documents } from './statuses.js';

/** The longest delay the `Prefer` header or a rule may ask for. */
export const MAX_DELAY_MS = 30_000;
/** Sandboxes that may have fault rules at once (each has at most 100 rules, and a rate-limit window per rule). */
export const MAX_SANDBOXES_WITH_RULES = 1000;

/** One rule of a sandbox, for a whole API or one of its operations. */
export interface FaultRule {
  api: string;
  operationId?: string;
  /** Answer with this documented status instead of calling the handler… */
  status?: number;
  /** …with this probability (default 1). */
  probability?: number;
  /** Delay every matching response by a whole number of milliseconds drawn from this range. */
  latency?: { minMs: number; maxMs: number };
  /** Allow at most `requests` per window of `perSeconds`; beyond that answer 429 with Retry-After. */
  rateLimit?: { requests: number; perSeconds: number };
}

/** The fault settings of one sandbox. */
export interface FaultSettings {
  /** Seed of the generator behind probabilities and latencies (default 1). */
  seed: number;
  rules: FaultRule[];
}

interface SandboxFaults {
  settings: FaultSettings;
  /** The number of the next request that needs a random draw (counted on this server). */
  draws: number;
  /** rule index → the current rate-limit window (counted on this server) */
  windows: Map<number, { start: number; count: number }>;
}

/** One rate limit a request is counted against: the rule's index, and its window. */
export interface WindowAsk {
  index: number;
  requests: number;
  lengthMs: number;
}

/**
 * Rate-limit windows and draw numbers shared by a fleet (src/core/redis/feed.ts): counts a request
 * in each window (a window starts with its first request and lasts `lengthMs`); per window, the
 * seconds to wait when it was full already, or undefined when the request was counted; and when
 * `draw` is set, the request's draw number (the sandbox's next). A new rule set for a sandbox
 * starts its windows and its draw numbers afresh.
 */
export interface SharedWindows {
  count(sandbox: string, asks: readonly WindowAsk[], now: number, draw: boolean): Promise<Counted>;
}

/** What a fleet counted for one request. */
export interface Counted {
  waits: Array<number | undefined>;
  draw?: number;
}

export class Faults implements FaultInjector {
  private readonly sandboxesWithRules = new Map<string, SandboxFaults>();
  /** A fleet's windows; when unreachable (Redis away), each server counts on its own meanwhile. */
  private shared?: SharedWindows;

  constructor(
    private readonly apis: readonly LoadedApi[],
    private readonly clock: () => number = Date.now,
  ) {}

  settings(sandbox: string): FaultSettings {
    return this.sandboxesWithRules.get(sandbox)?.settings ?? { seed: 1, rules: [] };
  }

  /** Replaces a sandbox's rules (and restarts its draws); throws a 400 HttpProblem naming what is wrong. */
  configure(sandbox: string, settings: FaultSettings): void {
    this.check(sandbox, settings);
    this.set(sandbox, settings);
  }

  /** Throws a 400 HttpProblem naming what is wrong with the settings, or a 409 when too many sandboxes have rules. */
  check(sandbox: string, settings: FaultSettings): void {
    const problems = settings.rules.flatMap((rule, i) => this.ruleProblems(rule).map(message => ({ field: `body.rules.${i}`, message })));
    if (problems.length) {
      throw new HttpProblem(400, 'validation', problems.map(p => `${p.field} ${p.message}`).join('; '), { fields: problems });
    }
    if (settings.rules.length && !this.sandboxesWithRules.has(sandbox) && this.sandboxesWithRules.size >= MAX_SANDBOXES_WITH_RULES) {
      throw problem('conflict', `${MAX_SANDBOXES_WITH_RULES} sandboxes already have fault rules; clear some (DELETE /__sandbox/sandboxes/{sandbox}/faults) first`);
    }
  }

  /** Sets checked settings (a fleet's servers apply those another server checked); no rules clears them. */
  set(sandbox: string, settings: FaultSettings): void {
    if (!settings.rules.length) this.sandboxesWithRules.delete(sandbox);
    else this.sandboxesWithRules.set(sandbox, { settings, draws: 0, windows: new Map() });
  }

  clear(sandbox: string): void {
    this.sandboxesWithRules.delete(sandbox);
  }

  /** Counts rate limits and numbers draws fleet-wide rather than per server. */
  shareWindows(windows: SharedWindows): void {
    this.shared = windows;
  }

  /** The sandboxes that have rules. */
  sandboxes(): string[] {
    return [...this.sandboxesWithRules.keys()];
  }

  /**
   * What to inject into a request; throws a 400 HttpProblem for a bad `Prefer` header. A promise
   * when a fleet counts the request's rate limits or numbers its draw (it never rejects).
   */
  inject({ sandbox, api, operation, headers }: InjectionRequest): Injection | undefined | Promise<Injection | undefined> {
    // The usual request: no Prefer header, and its sandbox has no rules.
    if (headers.prefer === undefined && !this.sandboxesWithRules.has(sandbox)) return undefined;
    const prefer = parsePrefer(headers.prefer);
    const forced = prefer.code === undefined ? undefined : forcedStatus(operation, prefer.code);
    const use = { status: prefer.code === undefined, latency: prefer.delay === undefined };
    const faults = this.sandboxesWithRules.get(sandbox);
    const matching = faults ? this.matching(faults, api, operation) : [];
    // Every rate limit counts the request (unless the Prefer header sets the status).
    const asks: WindowAsk[] = [];
    if (use.status && documents(operation, 429)) {
      for (const { rule, index } of matching) {
        if (rule.rateLimit) asks.push({ index, requests: rule.rateLimit.requests, lengthMs: rule.rateLimit.perSeconds * 1000 });
      }
    }
    // A request draws when a latency or a probability of a status applies to it.
    const draws = matching.some(({ rule }) => (use.latency && rule.latency) || (use.status && rule.status !== undefined && rule.probability !== undefined));
    const plan: Plan = { faults, matching, operation, use, asks, prefer, forced };
    const decide = (counted: Counted) => this.decide(plan, counted);
    if (!asks.length && !draws) return decide({ waits: [] });
    const locally = () => this.countLocally(faults!, asks, draws);
    if (!this.shared) return decide(locally());
    return this.shared.count(sandbox, asks, this.clock(), draws).then(decide, () => decide(locally()));
  }

  /** What to inject, once every rate limit has counted the request and its draw is numbered. */
  private decide(plan: Plan, counted: Counted): Injection | undefined {
    const { prefer, forced } = plan;
    const fromRules = this.fromRules(plan, counted);
    const sources = new Set(fromRules.sources);
    let { status, problem, delayMs } = fromRules;
    const applied: string[] = [];
    if (forced !== undefined) {
      [status, problem] = [forced, injected(forced, `Prefer: code=${forced}`)];
      applied.push(`code=${forced}`);
    }
    if (prefer.delay !== undefined) {
      delayMs = prefer.delay;
      applied.push(`delay=${prefer.delay}`);
    }
    if (applied.length) sources.add('Prefer header');
    if (!sources.size) return undefined;
    return {
      by: [...sources].join(', '),
      ...(status !== undefined ? { status, problem } : {}),
      ...(delayMs !== undefined ? { delayMs } : {}),
      ...(applied.length ? { headers: { 'preference-applied': applied.join(', ') } } : {}),
    };
  }

  /** The sandbox's rules for this operation: rules naming the operation come before rules for the whole API. */
  private matching(faults: SandboxFaults, api: string, operation: Operation): Matching[] {
    return faults.settings.rules
      .map((rule, index) => ({ rule, index, by: `rule ${index}` }))
      .filter(({ rule }) => rule.api === api && (rule.operationId === undefined || rule.operationId === operation.iid))
      .sort((a, b) => Number(b.rule.operationId !== undefined) - Number(a.rule.operationId !== undefined));
  }

  /**
   * What the sandbox's rules inject. The first rule with a latency sets the delay; every rate
   * limit counted the request (`waits`: per ask, the seconds to wait when its window was full),
   * and the first one that is full answers 429; otherwise the first status that fires answers.
   */
  private fromRules({ faults, matching, operation, use, asks }: Plan, { waits, draw }: Counted) {
    const result: { sources: string[]; status?: number; problem?: HttpProblem; delayMs?: number } = { sources: [] };
    if (!faults) return result;
    const random = draw === undefined ? undefined : drawsOf(faults.settings.seed, draw);
    const withLatency = use.latency ? matching.find(({ rule }) => rule.latency) : undefined;
    if (withLatency) {
      result.delayMs = uniformInt(random!, withLatency.rule.latency!.minMs, withLatency.rule.latency!.maxMs);
      result.sources.push(withLatency.by);
    }
    if (!use.status) return result;
    for (const [i, ask] of asks.entries()) {
      const retryAfter = waits[i];
      if (retryAfter === undefined || result.problem) continue;
      const { rule, by } = matching.find(m => m.index === ask.index)!;
      const limit = `at most ${rule.rateLimit!.requests} requests per ${rule.rateLimit!.perSeconds} s`;
      [result.status, result.problem] = [429, injected(429, `${by}: ${limit}`, retryAfter)];
      result.sources.push(by);
    }
    for (const { rule, by } of matching) {
      if (result.problem) break;
      if (rule.status !== undefined && documents(operation, rule.status) && (rule.probability === undefined || uniformFloat64(random!) < rule.probability)) {
        [result.status, result.problem] = [rule.status, injected(rule.status, by)];
        result.sources.push(by);
      }
    }
    return result;
  }

  /** Counts a request in each rule's window on this server (per ask, the seconds to wait when it is full) and numbers its draw. */
  private countLocally(faults: SandboxFaults, asks: readonly WindowAsk[], draw: boolean): Counted {
    const now = this.clock();
    const waits = asks.map(({ index, requests, lengthMs }) => {
      let window = faults.windows.get(index);
      if (!window || now - window.start >= lengthMs) {
        window = { start: now, count: 0 };
        faults.windows.set(index, window);
      }
      if (window.count < requests) {
        window.count++;
        return undefined;
      }
      return Math.max(1, Math.ceil((window.start + lengthMs - now) / 1000));
    });
    return draw ? { waits, draw: faults.draws++ } : { waits };
  }

  private ruleProblems(rule: FaultRule): string[] {
    const api = this.apis.find(a => a.module.slug === rule.api);
    if (!api) return [`api "${rule.api}" is not served here; APIs: ${this.apis.map(a => a.module.slug).join(', ')}`];
    const operations = rule.operationId === undefined ? api.operations : api.operations.filter(op => op.iid === rule.operationId);
    if (!operations.length) {
      return [`operationId "${rule.operationId}" is not an operation of ${rule.api}; operations: ${api.operations.map(op => op.iid).join(', ')}`];
    }
    const problems: string[] = [];
    if (rule.status === undefined && !rule.latency && !rule.rateLimit) problems.push('needs a status, a latency or a rateLimit');
    if (rule.probability !== undefined && rule.status === undefined) problems.push('has a probability but no status');
    const where = rule.operationId ?? `any operation of ${rule.api}`;
    for (const [status, what] of [
      [rule.status, 'status'],
      [rule.rateLimit ? 429 : undefined, 'rateLimit (answers 429)'],
    ] as const) {
      if (status !== undefined && !operations.some(op => documents(op, status))) {
        const documented = rule.operationId === undefined ? '' : `; documented: ${documentedStatuses(operations[0]).join(', ')}`;
        problems.push(`${what}: ${status} is not documented for ${where}${documented}`);
      }
    }
    if (rule.status !== undefined && rule.status < 400) problems.push(`status ${rule.status} is not an error status (400-599)`);
    if (rule.latency && rule.latency.minMs > rule.latency.maxMs) problems.push('latency.minMs is greater than latency.maxMs');
    return problems;
  }
}

interface Matching {
  rule: FaultRule;
  index: number;
  by: string;
}

/** What `inject` worked out for a request before its rate limits are counted. */
interface Plan {
  faults: SandboxFaults | undefined;
  matching: Matching[];
  operation: Operation;
  use: { status: boolean; latency: boolean };
  asks: readonly WindowAsk[];
  prefer: { code?: number; delay?: number };
  forced: number | undefined;
}

/** The generator of a sandbox's draw number `n`: Mersenne Twister seeded with the seed and n mixed (one 32-bit value per pair for n < 2^32). */
function drawsOf(seed: number, n: number) {
  return mersenne((Math.imul(seed | 0, 0x9e3779b1) ^ n) | 0);
}

/** The problem an injected status answers with; the API renders it in its own envelope. */
function injected(status: number, by: string, retryAfter?: number): HttpProblem {
  const headers = status === 429 ? { 'retry-after': String(retryAfter ?? 1) } : undefined;
  return problemFor(status, `This ${status} was injected by the sandbox (${by}).`, { headers });
}

/**
 * The status a `Prefer: code=N` asks for: undefined for a documented success status (the handler
 * answers as usual), a 400 for a status the operation does not document.
 */
function forcedStatus(operation: Operation, code: number): number | undefined {
  if (!documents(operation, code)) {
    throw invalidField(
      'header.prefer',
      `asks for status ${code}, which ${operation.iid} does not document; documented statuses: ${documentedStatuses(operation).join(', ')}`,
      'prefer',
    );
  }
  return code >= 400 ? code : undefined;
}

/** `code` and `delay` of RFC 7240 `Prefer` headers (`Prefer: code=503, delay=250`); other preferences are ignored. */
export function parsePrefer(header: string | string[] | undefined): { code?: number; delay?: number } {
  const out: { code?: number; delay?: number } = {};
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const preference of text.split(',')) {
    const [token] = preference.split(';');
    const match = /^\s*([A-Za-z-]+)\s*(?:=\s*"?([^"]*)"?)?\s*$/.exec(token);
    if (!match) continue;
    const name = match[1].toLowerCase();
    const value = (match[2] ?? '').trim();
    if (name === 'code') {
      if (!/^[1-5]\d\d$/.test(value)) throw invalidField('header.prefer', `code must be an HTTP status from 100 to 599, not "${value}"`, 'prefer');
      out.code = Number(value);
    } else if (name === 'delay') {
      if (!/^\d{1,6}$/.test(value) || Number(value) > MAX_DELAY_MS) {
        throw invalidField('header.prefer', `delay must be a number of milliseconds from 0 to ${MAX_DELAY_MS}, not "${value}"`, 'prefer');
      }
      out.delay = Number(value);
    }
  }
  return out;
}
