// Interleaved rounds for `npm run bench` (bench/run.ts, bench/fleet.ts). On a shared 2-core machine a
// disturbance of a few seconds moves a 10 s figure a lot, and a ratio of two figures taken one after
// the other even more. So the servers compared are up at the same time and take turns in short
// rounds, the order rotating from round to round; a ratio is taken round by round (its two figures
// are seconds apart, so the machine's drift cancels) and the median of those is reported (a disturbed
// round is set aside).
import autocannon from 'autocannon';

/** What one load run measured. */
export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Interleaved scenarios: each round's figures (rps, p50, p99 above are their medians). */
  rounds?: RoundFigures[];
}

/** One round of an interleaved scenario. */
export interface RoundFigures {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

/** One (scenario, server) of an interleaved comparison: `load` runs it for `seconds`. */
export interface Contender {
  scenario: string;
  server: string;
  /** The server process(es) it loads (e.g. the URL's origin): warmed up once at full length. */
  target: string;
  load(seconds: number): Promise<RoundFigures>;
}

export interface Paired {
  /** The median of the per-round ratios: the headline figure. */
  median: number;
  /** Each round's ratio, in round order. */
  rounds: number[];
  /** The ratio of the two medians, for comparison. */
  ofMedians: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * autocannon on one URL, or on several at once with the connections split between them (a fleet
 * spread over its servers); figures merged: requests summed, latencies the worst of them.
 */
export async function load(options: autocannon.Options[], connections: number, seconds: number): Promise<RoundFigures> {
  const results = await Promise.all(
    options.map(o => autocannon({ ...o, connections: Math.max(1, Math.round(connections / options.length)), duration: seconds })),
  );
  return {
    // requests answered over the time taken (autocannon's per-second average needs whole seconds)
    rps: Math.round(results.reduce((sum, r) => sum + r.requests.total / r.duration, 0)),
    p50: Math.max(...results.map(r => r.latency.p50)),
    p99: Math.max(...results.map(r => r.latency.p99)),
    max: Math.max(...results.map(r => r.latency.max)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
  };
}

export class Rounds {
  /** Per (scenario, server): its figures in each round. */
  private readonly figures = new Map<string, RoundFigures[]>();
  /** Server processes warmed up so far (Contender.target). */
  private readonly warmed = new Set<string>();

  constructor(
    readonly options: {
      /** Rounds per scenario. */
      rounds: number;
      /** Seconds per round and contender. */
      roundSeconds: number;
      /** Seconds of warm-up per contender before the rounds (half of it for a server already warmed up). */
      warmup: number;
    },
  ) {}

  /**
   * Runs each group's contenders in turn, `rounds` rounds of `roundSeconds` each, the order rotating
   * from round to round, after a warm-up each: `warmup` seconds for a server's first contender, half
   * of it for its later ones, in this call or a later one (its common request path is compiled by
   * then; and a slow first round is set aside by the medians like any other). All the groups' servers
   * must be up throughout. Records each contender's medians over the rounds, and keeps the rounds
   * for paired ratios.
   */
  async interleaved(groups: Contender[][], record: (scenario: string, server: string, figures: Figures) => void): Promise<void> {
    const { rounds, roundSeconds, warmup } = this.options;
    const warmed = this.warmed;
    if (warmup > 0) {
      for (const group of groups) {
        for (const c of group) {
          await c.load(warmed.has(c.target) ? warmup / 2 : warmup);
          warmed.add(c.target);
        }
      }
    }
    for (let round = 0; round < rounds; round++) {
      for (const group of groups) {
        for (let i = 0; i < group.length; i++) {
          const c = group[(i + round) % group.length];
          const key = keyOf(c.scenario, c.server);
          this.figures.set(key, [...(this.figures.get(key) ?? []), await c.load(roundSeconds)]);
        }
      }
    }
    for (const group of groups) {
      for (const c of group) {
        const each = this.figures.get(keyOf(c.scenario, c.server))!;
        record(c.scenario, c.server, {
          rps: Math.round(median(each.map(r => r.rps))),
          p50: median(each.map(r => r.p50)),
          p99: median(each.map(r => r.p99)),
          non2xx: each.reduce((sum, r) => sum + r.non2xx, 0),
          errors: each.reduce((sum, r) => sum + r.errors, 0),
          rounds: each,
        });
      }
    }
  }

  /**
   * a ÷ b, round by round (the two ran seconds apart in each round), and the median of those ratios.
   * A disturbance of a few seconds spoils the rounds it falls in; the median sets them aside. The
   * ratio of the two medians can pair figures from different moments, so it is kept only beside it.
   */
  paired(a: [scenario: string, server: string], b: [scenario: string, server: string], field: 'rps' | 'p99' = 'rps'): Paired {
    const ra = this.figures.get(keyOf(...a));
    const rb = this.figures.get(keyOf(...b));
    if (!ra || !rb) throw new Error(`no rounds for ${!ra ? a.join(' / ') : b.join(' / ')}`);
    const rounds = ra.map((r, i) => r[field] / rb[i][field]);
    return { median: median(rounds), rounds, ofMedians: median(ra.map(r => r[field])) / median(rb.map(r => r[field])) };
  }
}

const keyOf = (scenario: string, server: string) => `${scenario}\u0000${server}`;
