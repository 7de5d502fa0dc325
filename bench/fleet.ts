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
import { load, type Contender, type Figures, type Rounds } from './rounds.js';
import { startNginx } from '../test/fleet.js';

export type { Figures } from './rounds.js';

export interface FleetBenchOptions {
  /** Interleaved rounds (bench/rounds.ts): the three set-ups are up together and take turns. */
  rounds: Rounds;
  connections: number;
  /** Starts the sandbox (dist/cli.js, executed as users do) with these arguments; resolves with its URL. */
  start(args: string[]): Promise<{ url: string; stop(): Promise<void> }>;
  record(scenario: string, server: string, figures: Figures): void;
  headers: Record<string, string>;
  accountPath: string;
  createBody(): string;
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
    const servers = await Promise.all([0, 1, 2].map(() => options.start(['--store', redis.url])));
    stops.push(...servers.map(s => s.stop));
    const lb = await startNginx(servers.map(s => new URL(s.url).host));
    if (lb) stops.push(lb.stop);

    // One server at one connection: the latency a request gains from Redis's round trip.
    const embeddedUrl = `${embedded.url}${options.accountPath}`;
    const embeddedOne = await medianMs(1000, () => fetch(embeddedUrl, { headers: options.headers }).then(r => r.arrayBuffer()));
    const direct = servers.map(s => `${s.url}${options.accountPath}`);
    const redisOne = await medianMs(1000, () => fetch(direct[0], { headers: options.headers }).then(r => r.arrayBuffer()));

    // The same load on each set-up in turn, round after round; gets first, then creates.
    const contender = (scenario: string, server: string, target: string, urls: string[], requests?: autocannon.Request[]): Contender => ({
      scenario,
      server,
      target,
      load: seconds => load(urls.map(url => ({ url, headers: options.headers, ...(requests ? { requests } : {}) })), options.connections, seconds),
    });
    const gets = 'fleet: get-by-id upvest';
    await options.rounds.interleaved(
      [
        [
          contender(gets, '1 embedded', embedded.url, [embeddedUrl]),
          contender(gets, '3 on Redis', servers[0].url, direct),
          ...(lb ? [contender(gets, '3 + nginx', servers[0].url, [`${lb.url}${options.accountPath}`])] : []),
        ],
      ],
      options.record,
    );
    const creating = 'fleet: create upvest';
    await options.rounds.interleaved(
      [
        [
          contender(creating, '1 embedded', embedded.url, [embedded.url], creates),
          contender(creating, '3 on Redis', servers[0].url, servers.map(s => s.url), creates),
          ...(lb ? [contender(creating, '3 + nginx', servers[0].url, [lb.url], creates)] : []),
        ],
      ],
      options.record,
    );

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
