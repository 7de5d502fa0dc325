// The controls of a fleet: every server's journal entries, coverage counts, journal and coverage
// clears and fault rules go through one Redis stream (`P`controls), which every server reads into
// its own journal, coverage and rules — so each server shows the whole fleet's requests, and a rule
// set through any server applies on all of them.
//
// The stream is bounded like the journal: at most `total` entries and `totalBytes` bytes (each
// entry counted as the journal counts it; its bodies are cut to the journal's limits). A Lua
// script adds an entry with the next fleet-wide sequence number (the journal's `seq`) and trims the
// oldest. Fault rules are also kept in a hash (`P`faults), so a server that starts later gets them
// all; the journal and coverage it starts with are what the stream still holds.
//
// Fault rules' rate-limit windows are counted fleet-wide, in a hash per sandbox (`P{S}:rl`: per
// rule, its window's start and count, stamped with the server's clock; and `n`, the number of the
// sandbox's next request that draws a probability or a latency), cleared when the sandbox's rules
// change. So one seed gives one sequence of draws over the fleet, as on one server.
//
// A Redis that restarted without its data (no persistence) starts an empty stream and sequence: a
// server notices on reconnecting (the epoch key it read at start is gone or different), reads the
// new stream from its start, and new entries are numbered above every number a server has shown
// (each addition passes the highest the adding server has seen), so a client following the journal
// with `since` keeps seeing new entries.
//
// Each server reads the stream on one connection of its own, blocked in XREAD (one per server,
// whatever the number of clients waiting for the journal); a read of the controls first catches
// up with one XRANGE on the main connection, so what any server acknowledged before is seen.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { RequestRecord } from '../pipeline.js';
import type { ControlsFeed, FeedTargets } from '../../controls/feed.js';
import type { Counted, FaultSettings, SharedWindows, WindowAsk } from '../../controls/faults.js';
import type { JournalLimits, KeptEntry } from '../../controls/journal.js';
import { connectOrFail, createConnection, fleetKey, InFlight, resolveTarget, sandboxKey, type RedisTarget } from './connection.js';
import { unavailable } from './backend.js';

/**
 * Adds an event to the stream and trims it. KEYS: stream, sequence, bytes, fault rules (fleet
 * keys: one hash slot on a Redis Cluster). ARGV: event JSON, its bytes, most entries, most bytes,
 * the highest sequence number the server has seen (after a Redis that lost its data, numbers go on
 * above it), then for a fault rule change the sandbox and its settings ('' clears them). Returns
 * the event's sequence number.
 */
const ADD = `
if ARGV[6] then
  if ARGV[7] == '' then redis.call('HDEL', KEYS[4], ARGV[6]) else redis.call('HSET', KEYS[4], ARGV[6], ARGV[7]) end
end
local seq = redis.call('INCR', KEYS[2])
local floor = tonumber(ARGV[5])
if seq <= floor then
  seq = floor + 1
  redis.call('SET', KEYS[2], seq)
end
redis.call('XADD', KEYS[1], '*', 'q', seq, 'b', ARGV[2], 'e', ARGV[1])
local bytes = redis.call('INCRBY', KEYS[3], ARGV[2])
local len = redis.call('XLEN', KEYS[1])
local maxLen, maxBytes = tonumber(ARGV[3]), tonumber(ARGV[4])
while len > 1 and (len > maxLen or bytes > maxBytes) do
  local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
  local fields = oldest[2]
  local b = 0
  for i = 1, #fields, 2 do if fields[i] == 'b' then b = tonumber(fields[i + 1]) end end
  redis.call('XDEL', KEYS[1], oldest[1])
  bytes = redis.call('DECRBY', KEYS[3], b)
  len = len - 1
end
return seq
`;

/**
 * Counts a request in rate-limit windows (a window starts with its first request) and numbers its
 * draw. KEYS: the sandbox's windows. ARGV: now (ms), how long the key lives at least (ms), '1' to number a
 * draw, then per window the rule's index, its most requests and its length (ms). Per window: 0
 * when counted, else the seconds to wait; then the draw's number, when asked.
 */
const COUNT = `
local now = tonumber(ARGV[1])
local out = {}
for i = 4, #ARGV, 3 do
  local s, c = ARGV[i] .. ':s', ARGV[i] .. ':c'
  local length = tonumber(ARGV[i + 2])
  local start = tonumber(redis.call('HGET', KEYS[1], s) or '')
  local count = tonumber(redis.call('HGET', KEYS[1], c) or '0')
  if not start or now - start >= length or start > now + length then
    start, count = now, 0
    redis.call('HSET', KEYS[1], s, now)
  end
  if count < tonumber(ARGV[i + 1]) then
    redis.call('HSET', KEYS[1], c, count + 1)
    out[#out + 1] = 0
  else
    out[#out + 1] = math.max(1, math.ceil((start + length - now) / 1000))
  end
end
if ARGV[3] == '1' then out[#out + 1] = redis.call('HINCRBY', KEYS[1], 'n', 1) - 1 end
-- Never shortened: a request counted in a short window must not expire the draw numbers.
local lives = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < lives then redis.call('PEXPIRE', KEYS[1], lives) end
return out
`;

type Event =
  | { t: 'r'; e: KeptEntry }
  | { t: 'cj'; s: string }
  | { t: 'cc'; s?: string }
  | { t: 'f'; s: string; f: FaultSettings };

type Scripted = Redis & {
  controlsAdd(...args: Array<string | number>): Promise<number>;
  controlsCount(key: string, ...args: Array<string | number>): Promise<number[]>;
};
type StreamEntry = [id: string, fields: string[]];

/** How long a sandbox's draw numbers are kept after its last draw (the default sandbox TTL, 7 days). */
const DRAWS_LIVE_MS = 7 * 24 * 3600 * 1000;
/** Entries read at once. */
const BATCH = 1000;
/** How long the reader blocks in one XREAD (it loops). */
const BLOCK_MS = 5000;

export interface RedisFeedOptions {
  url: string;
  keyPrefix?: string;
  limits: JournalLimits;
}

export class RedisFeed implements ControlsFeed, SharedWindows {
  readonly kind = 'redis';
  private lastId = '0-0';
  /** The highest sequence number applied (entries are numbered in stream order). */
  private lastSeq = 0;
  /** Names the Redis data this server reads: another one means Redis lost its data. */
  private epoch: string | null = null;
  private closed = false;
  private readonly inFlight = new InFlight();
  private readonly keys: string[];
  private loop: Promise<void> | undefined;

  private constructor(
    private readonly redis: Scripted,
    private readonly reader: Redis,
    private readonly prefix: string,
    private readonly limits: JournalLimits,
    private readonly targets: FeedTargets,
    target: RedisTarget,
  ) {
    this.keys = ['controls', 'controls:seq', 'controls:bytes', 'faults', 'controls:epoch'].map(name => fleetKey(target, prefix, name));
  }

  /**
   * Reads the data's epoch (the first server to ask names it). On a reconnect, another epoch means
   * Redis restarted without its data: read the new stream from its start.
   */
  private async checkEpoch(): Promise<void> {
    await this.redis.set(this.keys[4], randomUUID(), 'NX');
    const epoch = await this.redis.get(this.keys[4]);
    const lost = this.epoch !== null && epoch !== this.epoch;
    this.epoch = epoch;
    if (lost) {
      this.lastId = '0-0';
      await this.catchUp();
    }
  }

  /** Connects (twice: one connection blocks reading), loads the fault rules and the stream, starts reading. */
  static async open(options: RedisFeedOptions, targets: FeedTargets): Promise<RedisFeed> {
    const { target, prefix } = resolveTarget(options.url, options.keyPrefix);
    const redis = createConnection(target, 'banking-api-sandbox controls') as Scripted;
    redis.defineCommand('controlsAdd', { numberOfKeys: 4, lua: ADD });
    redis.defineCommand('controlsCount', { numberOfKeys: 1, lua: COUNT });
    // The reader blocks for BLOCK_MS at a time: its commands must not time out sooner.
    const reader = createConnection(target, 'banking-api-sandbox controls reader', true);
    await connectOrFail(redis, target);
    await connectOrFail(reader, target);
    const feed = new RedisFeed(redis, reader, prefix, options.limits, targets, target);
    for (const [sandbox, settings] of Object.entries(await redis.hgetall(feed.keys[3]))) {
      try {
        targets.faults.set(sandbox, JSON.parse(settings) as FaultSettings);
      } catch {
        // not ours to judge: the next change of that sandbox's rules replaces it
      }
    }
    await feed.checkEpoch();
    await feed.catchUp();
    redis.on('ready', () => void feed.checkEpoch().catch(() => undefined));
    feed.loop = feed.read();
    targets.faults.shareWindows(feed);
    return feed;
  }

  async count(sandbox: string, asks: readonly WindowAsk[], now: number, draw: boolean): Promise<Counted> {
    const args = asks.flatMap(ask => [ask.index, ask.requests, ask.lengthMs]);
    // The windows live as long as the longest; draw numbers as long as a sandbox lives unused.
    const lives = Math.max(draw ? DRAWS_LIVE_MS : 0, ...asks.map(ask => ask.lengthMs));
    const out = await this.redis.controlsCount(this.windowsKey(sandbox), now, lives, draw ? '1' : '0', ...args);
    const waits = out.slice(0, asks.length).map(wait => (wait === 0 ? undefined : wait));
    return draw ? { waits, draw: out[asks.length] } : { waits };
  }

  private windowsKey(sandbox: string): string {
    return sandboxKey(this.prefix, sandbox, 'rl');
  }

  record(record: RequestRecord): void {
    const kept = this.targets.journal.keep(record);
    // Best effort, like the journal itself: an entry Redis cannot take (it is away) is not kept.
    this.inFlight.add(this.add({ t: 'r', e: kept }, kept.bytes));
  }

  /** Rejects with StoreUnavailableError (a 503) while Redis is away. */
  sync(): Promise<void> {
    return this.catchUp().catch(error => {
      throw unavailable(error);
    });
  }

  clearJournal(sandbox: string): Promise<void> {
    return this.addAndSync({ t: 'cj', s: sandbox });
  }

  clearCoverage(sandbox: string | undefined): Promise<void> {
    return this.addAndSync(sandbox === undefined ? { t: 'cc' } : { t: 'cc', s: sandbox });
  }

  async setFaults(sandbox: string, settings: FaultSettings): Promise<void> {
    await this.addAndSync({ t: 'f', s: sandbox, f: settings }, [sandbox, settings.rules.length ? JSON.stringify(settings) : '']);
    // New rules start new rate-limit windows (the sandbox's own key: its own hash slot on a Cluster).
    await this.redis.del(this.windowsKey(sandbox)).catch(error => {
      throw unavailable(error);
    });
  }

  async close(): Promise<void> {
    await this.inFlight.drain();
    this.closed = true;
    this.reader.disconnect();
    await this.loop;
    this.redis.disconnect();
  }

  private async addAndSync(event: Event, faults?: [string, string]): Promise<void> {
    try {
      await this.add(event, 200, faults);
      await this.catchUp();
    } catch (error) {
      throw unavailable(error);
    }
  }

  private add(event: Event, bytes: number, faults: [string, string] = ['', '']): Promise<number> {
    const extra = faults[0] === '' ? [] : faults;
    return this.redis.controlsAdd(...this.keys.slice(0, 4), JSON.stringify(event), bytes, this.limits.total, this.limits.totalBytes, this.lastSeq, ...extra);
  }

  /** Reads what the stream holds beyond what this server applied. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const entries = (await this.redis.xrange(this.keys[0], `(${this.lastId}`, '+', 'COUNT', BATCH)) as StreamEntry[];
      this.apply(entries);
      if (entries.length < BATCH) return;
    }
  }

  /** The reader: blocks in XREAD for new entries, applies them, again until closed. */
  private async read(): Promise<void> {
    while (!this.closed) {
      try {
        const reply = (await this.reader.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', this.keys[0], this.lastId)) as Array<[string, StreamEntry[]]> | null;
        if (reply) this.apply(reply[0][1]);
      } catch {
        if (this.closed) return;
        await sleep(500); // Redis is away: the connection reconnects by itself
      }
    }
  }

  private apply(entries: StreamEntry[]): void {
    const { journal, coverage, faults } = this.targets;
    for (const [id, fields] of entries) {
      if (compareIds(id, this.lastId) <= 0) continue; // the reader and a catch-up may both bring it
      this.lastId = id;
      let seq = 0;
      let event: Event | undefined;
      for (let i = 0; i < fields.length; i += 2) {
        if (fields[i] === 'q') seq = Number(fields[i + 1]);
        else if (fields[i] === 'e') {
          try {
            event = JSON.parse(fields[i + 1]) as Event;
          } catch {
            event = undefined;
          }
        }
      }
      // Applied already (read again from the start of a stream Redis restarted empty).
      if (seq <= this.lastSeq) continue;
      this.lastSeq = seq;
      if (!event) continue;
      if (event.t === 'r') {
        journal.insert(event.e, seq);
        coverage.record(event.e);
      } else if (event.t === 'cj') journal.clear(event.s);
      else if (event.t === 'cc') coverage.clear(event.s);
      else if (event.t === 'f') faults.set(event.s, event.f);
    }
  }

}

/** Orders stream ids (`ms-n`). */
function compareIds(a: string, b: string): number {
  const [am, an] = a.split('-').map(Number);
  const [bm, bn] = b.split('-').map(Number);
  return am - bm || an - bn;
}
