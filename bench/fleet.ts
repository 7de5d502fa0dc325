// The fleet in `npm run bench`: get-by-id and creates through three servers sharing one Redis
// (through nginx round-robin, and spread directly over the three) against one embedded server,
// side by side in one run; and what Redis costs per request (its round trip, and the latency a
// request gains at one connection). On a 2-core machine the point is the cost of the round trip,
// not the scaling: every process shares the same two cores.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { RedisServer } from '../test/redis.js';
import { startNginx } from '../test/fleet.js';

/** What one load run measured (shared with bench/run.ts). */
export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Interleaved scenarios: each round's figures (rps, p50, p99 above are their medians). */
  rounds?: RoundFigures[];
}

/** One round of an interleaved scenario (bench/run.ts). */
export interface RoundFigures {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

export interface FleetBenchOptions {
  duration: number;
  warmup: number;
  connections: number;
  /** Starts the sandbox (dist/cli.js, executed as users do) with these arguments; resolves with its URL. */
  start(args: string[]): Promise<{ url: string; stop(): Promise<void> }>;
  record(scenario: string, server: string, figures: Figures): void;
  headers: Record<string, string>;
  accountPath: string;
  createBody(): string;
}

async function cannon(urls: string[], options: FleetBenchOptions, requests?: autocannon.Request[], connections = options.connections): Promise<Figures> {
  const run = (duration: number, conns: number) =>
    Promise.all(
      urls.map(url =>
        autocannon({ url, headers: options.headers, connections: Math.max(1, Math.round(conns / urls.length)), duration, ...(requests ? { requests } : {}) }),
      ),
    );
  if (options.warmup > 0) await run(options.warmup, connections);
  const results = await run(options.duration, connections);
  return {
    rps: Math.round(results.reduce((sum, r) => sum + r.requests.average, 0)),
    p50: Math.max(...results.map(r => r.latency.p50)),
    p99: Math.max(...results.map(r => r.latency.p99)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
  };
}

/** Median of `count` sequential round trips of `command`, in ms. */
async function medianMs(count: number, command: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await command();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 1000) / 1000;
}

export async function benchFleet(options: FleetBenchOptions): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-bench-fleet-'));
  const redis = await RedisServer.start({ appendfsync: 'everysec' });
  const stops: Array<() => Promise<void>> = [];
  try {
    const creates: autocannon.Request[] = [
      {
        method: 'POST',
        path: '/upvest/payments/reference_accounts',
        setupRequest: req => ({
          ...req,
          headers: { ...options.headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: options.createBody(),
        }),
      },
    ];
    const embedded = await options.start(['--data', join(dir, 'sandbox.json')]);
    stops.push(embedded.stop);
    const embeddedUrl = [`${embedded.url}${options.accountPath}`];
    options.record('fleet: get-by-id upvest', '1 embedded', await cannon(embeddedUrl, options));
    const embeddedOne = await medianMs(1000, () => fetch(embeddedUrl[0], { headers: options.headers }).then(r => r.arrayBuffer()));
    options.record('fleet: create upvest', '1 embedded', await cannon([embedded.url], options, creates));
    await embedded.stop();
    stops.pop();

    const servers = await Promise.all([0, 1, 2].map(() => options.start(['--store', redis.url])));
    stops.push(...servers.map(s => s.stop));
    const lb = await startNginx(servers.map(s => new URL(s.url).host));
    if (lb) stops.push(lb.stop);
    const direct = servers.map(s => `${s.url}${options.accountPath}`);
    // One server on Redis at one connection: the latency a request gains from its round trip.
    const redisOne = await medianMs(1000, () => fetch(direct[0], { headers: options.headers }).then(r => r.arrayBuffer()));
    options.record('fleet: get-by-id upvest', '3 on Redis', await cannon(direct, options));
    if (lb) options.record('fleet: get-by-id upvest', '3 + nginx', await cannon([`${lb.url}${options.accountPath}`], options));
    options.record('fleet: create upvest', '3 on Redis', await cannon(servers.map(s => s.url), options, creates));
    if (lb) options.record('fleet: create upvest', '3 + nginx', await cannon([lb.url], options, creates));

    const client = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
    await client.connect();
    const roundTripMs = await medianMs(2000, () => client.get('bench:nothing'));
    client.disconnect();
    return {
      'Redis round trip, median (ms)': roundTripMs,
      'get-by-id, one client, median (ms): embedded': embeddedOne,
      'get-by-id, one client, median (ms): on Redis': redisOne,
      'Redis time per get-by-id (ms)': Math.round((redisOne - embeddedOne) * 1000) / 1000,
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await redis.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
