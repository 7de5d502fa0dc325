// The Redis backend: a fleet of sandbox servers shares every sandbox's state in Redis (one Redis,
// a master found through Sentinel, or a Redis Cluster).
//
// Keys (prefix `P`, default `bas:`; `{S}` is the sandbox name as a hash tag, so one sandbox's keys
// live in one slot):
//   P{S}:v   the sandbox's version: the id of the last change set committed to it
//   P{S}:d   hash of its changes: field `api/collection/key` → record JSON, or `null` (a fixture
//            record deleted)
//   P{S}:u   its last use (ms since the epoch)
//   P{S}:l   its change log: the last LOG_LENGTH change sets, newest first, each the version it
//            replaced, the version it wrote and the fields it changed (a wholesale replace is
//            marked instead), so a server that is a few versions behind fetches only those fields
//   P{S}:t   whose turn it is to write the sandbox: a lease (a token naming one server's turn)
//            that expires by itself if that server dies mid-write (TURN_MS), renewed by its writes
//   P{S}:w   the tokens of servers waiting for the turn (a set)
//   P{S}:g   the generation of the index reservation it was created with; once it is dropped, a
//            tombstone (for TOMBSTONE_MS) that a create reserved before the drop cannot pass
//   Pturns   (a Pub/Sub channel) the name of a sandbox whose turn was handed to a waiting server
// Fleet-wide keys (`F` is `P` on one Redis or through Sentinel, `P{_fleet}:` on a Redis Cluster, so
// that they share one hash slot; see fleetKey):
//   Fseed    the fixture seed of the deployment
//   Fsandboxes   sorted set of the named sandboxes by last use (the fleet's count for
//            --max-sandboxes and the sandbox list; entries idle past the TTL are dropped)
//   Fsandboxes:gen, Fsandboxes:seq   per entry, the generation of its last reservation; the counter
// The keys of a named sandbox expire together after the sandbox TTL (a Redis expiry, renewed on
// every use); the default sandbox's never do.
//
// Every script touches the keys of one hash slot only, so the same scripts run on one Redis, through
// Sentinel and on a Redis Cluster. A change set is applied per sandbox, each part one script; the
// index is a step of its own: a part that may create a named sandbox first reserves its place in
// the index (refused beyond --max-sandboxes), and its script creates the sandbox only with a
// reservation newer than the sandbox's last drop; a part that drops a sandbox reads its entry's
// generation first and removes the entry after, unless a new reservation came meanwhile. So a
// sandbox never holds data without an index entry, and the limit is never exceeded; an entry may
// outlive its sandbox briefly (until the TTL drops it) when a create and a drop race.
//
// Each server keeps the sandboxes it served in the store's memory, with the version it read.
// `prepare` checks that version in one round trip (a Lua script that, when the version differs,
// returns the fields changed since the version this server holds, found by walking the change
// log, or the sandbox's whole data when the log no longer reaches that far back). `commit` sends
// a change set as Lua scripts (one per sandbox) that apply it only if the sandbox's version is still the one the handler read; otherwise the change set is
// rolled back and rejected with StoreConflictError, and the store re-runs the handler against
// fresh state. Versions are unique ids (server id + sequence), never reused, so a sandbox that
// expired and was created again can never look current to a server that cached its old state.
//
// Writes take turns (`acquire`): a server that wants to write a sandbox takes its turn in the
// same round trip that checks the version; while it holds the turn, its queued writes run back to
// back, each change set sent without waiting for the previous one's reply, and without checking the
// version first. Its last queued change set ends the turn and hands it to a waiting server (told
// through Pub/Sub), and a server that others wait for hands it on after TURN_HOLD_MS even with
// writes still queued. The version check stays the fence: a server whose turn lapsed cannot
// overwrite another's write, its change set conflicts and is re-run. Reads take no turn.
//
// Change sets of one server are sent in order on one connection (per node, with Cluster), so
// Redis applies them in that order (a change set that asks the index first holds back the later
// ones on its sandbox until it has its reply); a change set expects the version its predecessor on the same sandbox will write, and a
// failure of one makes every later one on that sandbox fail too (they are rolled back, newest first).
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { setOverlayEntry, type BackendContext } from '../store.js';
import {
  SandboxLimitError,
  StoreConflictError,
  StoreUnavailableError,
  deepFreeze,
  dict,
  forEachChange,
  oneLine,
  overlayOf,
  type ChangeSet,
  type Row,
  type SandboxChanges,
  type SandboxState,
  type StoreBackend,
} from '../store/backend.js';
import { connectOrFail, createConnection, fleetKey, InFlight, resolveTarget, sandboxKey, type RedisTarget } from './connection.js';

export interface RedisStoreOptions {
  /** `redis://…` or `rediss://…` */
  url: string;
  /** Global key prefix (default `bas:`), so several deployments can share one Redis. */
  keyPrefix?: string;
  /** Named sandboxes expire after this long without use; 0 = never. */
  sandboxTtlMs: number;
  /** The sandbox that never expires. */
  defaultSandbox: string;
  /** At most this many named sandboxes over the fleet; 0 = no limit. */
  maxSandboxes: number;
}

/** Change sets kept in a sandbox's change log (a server further behind reloads the whole sandbox). */
const LOG_LENGTH = 64;
/** A change set with more fields is logged as a wholesale change (its reader reloads). */
const LOG_FIELDS = 256;
/**
 * How long a dropped sandbox's tombstone lasts: far longer than a change set can be on its way
 * between its reservation and Redis (commands time out after COMMAND_TIMEOUT_MS).
 */
const TOMBSTONE_MS = 60_000;
/**
 * The index drops a sandbox this long after its TTL: its last use there is renewed at most every
 * INDEX_EVERY_MS by each server, and servers' clocks differ a little. The data itself expires
 * exactly (a Redis expiry, renewed on every use).
 */
const INDEX_SLACK_MS = 10_000;
/** A server moves a sandbox's last use in the index forward at most this often. */
const INDEX_EVERY_MS = 1000;

/**
 * Hands the turn on `k` from `token` to a waiting server (told on the channel), or frees it.
 */
const HAND_ON = `
local function handOn(k, w, token, ms, channel, name)
  if redis.call('GET', k) ~= token then return end
  local nxt = redis.call('SPOP', w)
  if nxt then
    redis.call('SET', k, nxt, 'PX', ms)
    redis.call('PUBLISH', channel, name)
  else
    redis.call('DEL', k)
  end
end
`;

/**
 * Applies one sandbox's part of a change set if the sandbox is still at the expected version, and,
 * when it creates the sandbox, only with a reservation in the index made after its last drop; logs
 * it in the sandbox's change log; renews or ends this server's turn. KEYS: its v, d, u, l, t, w, g
 * keys. ARGV: new version, now, its TTL (0: never expires), turn lease (ms), turn channel, name,
 * expected version, check ('1'/'0'), mode ('p' put, 'r' replace, 'x' drop), turn ('' none, 'k'
 * keep, 'e' end), turn token, reservation ('-' none needed: the default sandbox; '' none made; else
 * its generation; for a drop, the index entry's generation read before it), field count, fields
 * and values ('' deletes the field).
 * Returns {1, wanted} (wanted: 1 when a server waits for a turn this one keeps), {0} (the sandbox
 * changed meanwhile) or {3} (it would create the sandbox without a valid reservation).
 */
const COMMIT = `${HAND_ON}
local kv, kd, ku, kl, kg = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[7]
local v = redis.call('GET', kv)
if ARGV[8] == '1' and (v or '') ~= ARGV[7] then return {0} end
local name = ARGV[6]
local ttl = tonumber(ARGV[3])
local mode = ARGV[9]
if mode == 'x' then
  -- A tombstone: a create reserved before this drop (whose index entry the drop removes) cannot
  -- bring the sandbox back; one reserved after it can.
  local stone = math.max(tonumber(redis.call('GET', kg) or '0') or 0, tonumber(ARGV[12]) or 0)
  redis.call('DEL', kv, kd, ku, kl, kg)
  if stone > 0 then redis.call('SET', kg, stone, 'PX', ${TOMBSTONE_MS}) end
else
  if not v and ARGV[12] ~= '-' then
    local reserved = tonumber(ARGV[12])
    if not reserved or reserved <= tonumber(redis.call('GET', kg) or '0') then return {3} end
    redis.call('SET', kg, reserved)
  end
  if mode == 'r' then redis.call('DEL', kd) end
  local count = tonumber(ARGV[13])
  local fields = {}
  local j = 14
  for k = 1, count do
    if ARGV[j + 1] == '' then redis.call('HDEL', kd, ARGV[j]) else redis.call('HSET', kd, ARGV[j], ARGV[j + 1]) end
    if count <= ${LOG_FIELDS} then fields[k] = ARGV[j] end
    j = j + 2
  end
  local entry
  if mode == 'r' or count > ${LOG_FIELDS} then entry = cjson.encode({p = v or '', n = ARGV[1], r = 1})
  else entry = cjson.encode({p = v or '', n = ARGV[1], f = fields}) end
  redis.call('LPUSH', kl, entry)
  redis.call('LTRIM', kl, 0, ${LOG_LENGTH - 1})
  redis.call('SET', kv, ARGV[1])
  redis.call('SET', ku, ARGV[2])
  for _, k in ipairs({kv, kd, ku, kl, kg}) do
    if ttl > 0 then redis.call('PEXPIRE', k, ttl) else redis.call('PERSIST', k) end
  end
end
local wanted = 0
local turn = ARGV[10]
if turn ~= '' then
  local kt, kw = KEYS[5], KEYS[6]
  if turn == 'e' then
    handOn(kt, kw, ARGV[11], tonumber(ARGV[4]), ARGV[5], name)
  elseif redis.call('GET', kt) == ARGV[11] then
    redis.call('PEXPIRE', kt, ARGV[4])
    if redis.call('EXISTS', kw) == 1 then wanted = 1 end
  end
end
return {1, wanted}
`;

/** Drops the index's entries (and their generations) last used before ARGV[before] ('' none). */
const SWEEP = (index: string, gens: string, before: string) => `
if ${before} ~= '' then
  for _, n in ipairs(redis.call('ZRANGEBYSCORE', ${index}, '-inf', '(' .. ${before})) do
    redis.call('ZREM', ${index}, n)
    redis.call('HDEL', ${gens}, n)
  end
end
`;

/**
 * Reserves a named sandbox's place in the index before a change set may create it: refused when
 * that would make one sandbox too many (after dropping the entries idle past the TTL). KEYS:
 * index, generations, sequence. ARGV: name, now, limit (0: none), sweep before ('' none).
 * Returns the reservation's generation (fleet-wide increasing), or -1 (one sandbox too many).
 */
const RESERVE = `${SWEEP('KEYS[1]', 'KEYS[2]', 'ARGV[4]')}
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then
  local limit = tonumber(ARGV[3])
  if limit > 0 and redis.call('ZCARD', KEYS[1]) >= limit then return -1 end
end
if not score or tonumber(score) < tonumber(ARGV[2]) then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) end
local g = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], ARGV[1], g)
return g
`;

/** Drops idle entries from the index (KEYS: index, generations; ARGV: sweep before). */
const SWEEP_INDEX = `${SWEEP('KEYS[1]', 'KEYS[2]', 'ARGV[1]')}
return 1
`;

/**
 * After a drop: removes the sandbox's index entry unless a reservation came after the drop began
 * (its generation is no longer the one read then). KEYS: index, generations. ARGV: name, generation.
 */
const RELEASE = `
if (redis.call('HGET', KEYS[2], ARGV[1]) or '') == ARGV[2] then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return 1
`;

/** Moves an index entry's last use forward (never creates one). KEYS: index. ARGV: name, time. */
const INDEX_SEEN = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) < tonumber(ARGV[2]) then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) end
return 1
`;

/**
 * The sandbox's version; when it is not the expected one, what changed since: {v, fields, values,
 * last use} when the change log reaches back to the expected version (a value is nil for a field
 * deleted), else {v, whole data, last use}. ARGV: expected version, '1' to allow a delta.
 */
const PREPARE = `
local v = redis.call('GET', KEYS[1]) or ''
if v == ARGV[1] then return {v} end
if ARGV[2] == '1' then
  local fields, seen, found = {}, {}, false
  for _, text in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do
    local e = cjson.decode(text)
    if e.r then break end
    for _, f in ipairs(e.f) do
      if not seen[f] then seen[f] = true; fields[#fields + 1] = f end
    end
    if e.p == ARGV[1] then found = true; break end
  end
  if found then
    local values = {}
    for i, f in ipairs(fields) do values[i] = redis.call('HGET', KEYS[2], f) end
    return {v, fields, values, redis.call('GET', KEYS[3]) or '0'}
  end
end
return {v, redis.call('HGETALL', KEYS[2]), redis.call('GET', KEYS[3]) or '0'}
`;

/**
 * Takes the turn to write a sandbox, then answers as PREPARE. KEYS: v, d, u, l, t, w. ARGV:
 * expected version, delta ('1'/'0'), token, lease (ms). When another server holds the turn:
 * {-1, its remaining lease (ms)}, and this token waits in the set.
 */
const ACQUIRE = `
local holder = redis.call('GET', KEYS[5])
if holder and holder ~= ARGV[3] then
  redis.call('SADD', KEYS[6], ARGV[3])
  redis.call('PEXPIRE', KEYS[6], 4 * tonumber(ARGV[4]))
  return {-1, redis.call('PTTL', KEYS[5])}
end
redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[4])
redis.call('SREM', KEYS[6], ARGV[3])
${PREPARE}`;

/** Ends a turn (KEYS: t, w; ARGV: token, lease (ms), channel, sandbox name). */
const END_TURN = `${HAND_ON}
handOn(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4])
return 1
`;

/** Notes a use of a stored sandbox: its last use, and a new expiry. KEYS: v, d, u, l, g. ARGV: now, TTL. */
const TOUCH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[3], ARGV[1])
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  for i = 1, 5 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1
`;

type Scripted = Redis & {
  sandboxCommit(...args: Array<string | number>): Promise<[number, number?]>;
  sandboxPrepare(kv: string, kd: string, ku: string, kl: string, expected: string, delta: '0' | '1'): Promise<PrepareReply>;
  sandboxAcquire(kv: string, kd: string, ku: string, kl: string, kt: string, kw: string, expected: string, delta: '0' | '1', token: string, ms: number): Promise<PrepareReply | [-1, number]>;
  sandboxEndTurn(kt: string, kw: string, token: string, ms: number, channel: string, name: string): Promise<number>;
  sandboxTouch(kv: string, kd: string, ku: string, kl: string, kg: string, at: number, ttl: number): Promise<number>;
  indexReserve(index: string, gens: string, seq: string, name: string, at: number, limit: number, before: string): Promise<number>;
  indexSweep(index: string, gens: string, before: string): Promise<number>;
  indexRelease(index: string, gens: string, name: string, gen: string): Promise<number>;
  indexSeen(index: string, name: string, at: number): Promise<number>;
};

/** {version} when current; {version, data, last use}; or {version, fields, values, last use} (a delta). */
type PrepareReply = [string, string[]?, ((string | null)[] | string)?, string?];

/** One sandbox's part of a change set, as its COMMIT script takes it. */
interface Part {
  /** Check the sandbox's version first (it puts records; a drop or a wholesale replace need not). */
  check: boolean;
  /** 'p' put fields, 'r' replace the whole data, 'x' drop the sandbox. */
  mode: 'p' | 'r' | 'x';
  /** Fields and values, flat ('' deletes the field). */
  fields: string[];
}

/** What a part does to this server's turn on its sandbox: '' none held, 'k' keep it, 'e' end it. */
type TurnMode = '' | 'k' | 'e';

/** How one sandbox's part of a change set ended. */
type PartOutcome = 'ok' | 'wanted' | 'conflict' | 'reserve' | 'limit';

const applied = (outcome: PartOutcome): boolean => outcome === 'ok' || outcome === 'wanted';

/** A part on its way: what its outcome will be noted on. */
interface SentPart {
  sandbox: string;
  known: Known;
  turn: Turn | undefined;
  turnMode: TurnMode;
  /** What the index was asked first. */
  ask: 'create' | 'drop' | undefined;
  outcome: Promise<PartOutcome>;
}

/** A change set on its way to Redis. */
interface Pending {
  set: ChangeSet;
  id: string;
  sandboxes: string[];
  /** Rolled back already (an earlier change set on one of its sandboxes failed). */
  undone: boolean;
  /** Its sandbox was reloaded from Redis while it was on its way: its writes are no longer in memory. */
  detached: boolean;
}

/** What this server knows of one sandbox. */
interface Known {
  /** The version memory reflects once every pending change set succeeds; null: unknown (reload). */
  version: string | null;
  /** Change sets on their way, oldest first. */
  pending: Pending[];
  /** Its next change set reserves its place in the index first (Redis said it would create it). */
  reserve?: boolean;
  /** Settles once the last change set that had to ask the index first has been sent: later ones wait for it, to keep their order. */
  gate?: Promise<void>;
}

/** This server's turn to write one sandbox (see `acquire`). */
interface Turn {
  /** Names this turn in Redis (unique: a lapsed turn's end cannot end a later one). */
  token: string;
  /** When it was taken, and until when it surely lasts (performance.now()). */
  since: number;
  until: number;
  /** Another server waits for it. */
  wanted: boolean;
}

/** A turn lapses this long after its holder's last write (a server that died mid-write). */
export const TURN_MS = 1000;
/** A server keeps a turn others wait for at most this long while it still has writes queued. */
const TURN_HOLD_MS = 5;

/** Marks a version that no sandbox can have: the next check reloads. */
const STALE = '\u0000stale';
/** A read-only request renews its sandbox's last use and expiry at most this often per server. */
const TOUCH_EVERY_MS = 1000;
/** How many sandboxes' last touch a server remembers (only to skip redundant touches). */
const TOUCHED_LIMIT = 10_000;

export class RedisBackend implements StoreBackend {
  readonly kind = 'redis';
  readonly notes: string[] = [];
  /** Shared by a fleet: it expires idle sandboxes (a Redis expiry) and counts them itself. */
  readonly shared = true;
  private readonly known = new Map<string, Known>();
  private readonly serverId = randomBytes(6).toString('base64url');
  private seq = 0;
  private readonly inFlight = new InFlight();
  private readonly touched = new Map<string, number>();
  /** When this server last moved each sandbox's last use forward in the index. */
  private readonly indexed = new Map<string, number>();
  /** The index of named sandboxes (sorted by last use), their reservations' generations, the generation counter. */
  private readonly index: [string, string, string];
  /** The sandboxes whose turn this server holds. */
  private readonly turns = new Map<string, Turn>();
  private turnSeq = 0;
  /** Per sandbox, this server's writes waiting for their turn: woken when it is handed on. */
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(
    private readonly redis: Scripted,
    private readonly target: RedisTarget,
    private readonly prefix: string,
    private readonly options: RedisStoreOptions,
    /** Subscribed to the turns channel (woken waits); without it, a wait lasts until the lease lapses. */
    private readonly subscriber?: Redis,
  ) {
    const key = (name: string) => fleetKey(target, prefix, name);
    this.index = [key('sandboxes'), key('sandboxes:gen'), key('sandboxes:seq')];
    subscriber?.on('message', (_channel: string, sandbox: string) => {
      for (const wake of this.waiting.get(sandbox) ?? []) wake();
    });
  }

  /** The Pub/Sub channel on which a handed-on turn is announced. */
  get turnChannel(): string {
    return `${this.prefix}turns`;
  }

  get location(): string {
    return `${this.target.display} (key prefix ${this.prefix})`;
  }

  /** True while the connection to Redis is up. */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  /** The sandbox's keys of these names (see the top of this file), in the order a script takes them. */
  private keys<Names extends string[]>(sandbox: string, ...names: Names): { [I in keyof Names]: string } {
    return names.map(name => sandboxKey(this.prefix, sandbox, name)) as { [I in keyof Names]: string };
  }

  private knownOf(sandbox: string): Known {
    let known = this.known.get(sandbox);
    if (!known) {
      // Never seen here: memory holds no changes for it, which is right if Redis has none either.
      known = { version: '', pending: [] };
      this.known.set(sandbox, known);
    }
    return known;
  }

  /** The version the next change set on `sandbox` expects: that of its last pending predecessor. */
  private expected(known: Known): string {
    const last = known.pending.at(-1);
    if (last) return last.id;
    return known.version ?? STALE;
  }

  private ttlOf(sandbox: string): number {
    return sandbox === this.options.defaultSandbox ? 0 : this.options.sandboxTtlMs;
  }

  prepare(sandbox: string, memory: Map<string, SandboxState>): Promise<void> {
    return this.sync(sandbox, memory, (expected, delta) => this.redis.sandboxPrepare(...this.keys(sandbox, 'v', 'd', 'u', 'l'), expected, delta));
  }

  acquire(sandbox: string, memory: Map<string, SandboxState>): Promise<void> | undefined {
    const turn = this.turns.get(sandbox);
    // Holding the turn, memory is current unless a change set failed (then reload).
    if (turn && this.knownOf(sandbox).version !== null && performance.now() < turn.until) return undefined;
    return this.takeTurn(sandbox, memory, turn?.token ?? `${this.serverId}.t${++this.turnSeq}`);
  }

  private async takeTurn(sandbox: string, memory: Map<string, SandboxState>, token: string): Promise<void> {
    for (;;) {
      let woken = false;
      let wake: (() => void) | undefined;
      const waiter = () => {
        woken = true;
        wake?.();
      };
      let waiters = this.waiting.get(sandbox);
      if (!waiters) this.waiting.set(sandbox, (waiters = new Set()));
      waiters.add(waiter);
      let busyMs: number | undefined;
      const since = performance.now();
      try {
        await this.sync(sandbox, memory, async (expected, delta) => {
          const reply = await this.redis.sandboxAcquire(...this.keys(sandbox, 'v', 'd', 'u', 'l', 't', 'w'), expected, delta, token, TURN_MS);
          if (reply[0] === -1) {
            busyMs = Math.max(1, Number(reply[1]));
            return undefined;
          }
          this.turns.set(sandbox, { token, since, until: since + TURN_MS / 2, wanted: false });
          return reply as PrepareReply;
        });
        if (busyMs === undefined) return;
        // Another server's turn: wait until it is handed on (or lapses), then ask again.
        if (!woken) {
          await new Promise<void>(resolve => {
            const timer = setTimeout(resolve, busyMs! + 1);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      } finally {
        waiters.delete(waiter);
        if (!waiters.size) this.waiting.delete(sandbox);
      }
    }
  }

  endTurn(sandbox: string): void {
    const turn = this.turns.get(sandbox);
    if (!turn) return;
    this.turns.delete(sandbox);
    this.endTurnOf(sandbox, turn);
  }

  private endTurnOf(sandbox: string, turn: Turn): void {
    this.inFlight.add(this.redis.sandboxEndTurn(...this.keys(sandbox, 't', 'w'), turn.token, TURN_MS, this.turnChannel, sandbox));
  }

  /**
   * Makes memory of `sandbox` current with what `fetch` answers (PREPARE's reply for the version
   * memory expects, or undefined: nothing fetched).
   */
  private async sync(sandbox: string, memory: Map<string, SandboxState>, fetch: (expected: string, delta: '0' | '1') => Promise<PrepareReply | undefined>): Promise<void> {
    let delta = true;
    for (;;) {
      const known = this.knownOf(sandbox);
      const expected = this.expected(known);
      let reply: PrepareReply | undefined;
      try {
        reply = await fetch(expected, delta && expected !== STALE ? '1' : '0');
      } catch (error) {
        throw unavailable(error);
      }
      if (!reply) return;
      // Every change set sent before this check has had its reply by now (one connection, in order).
      const [version, fields, values, lastUsed] = reply;
      if (!fields) {
        if (known.version === version) return; // current (change sets sent since build on it)
        continue; // a change set sent before this check failed: check again, which reloads
      }
      if (reply.length === 4) {
        // What changed since `expected`. Memory holds exactly that version only if every change
        // set sent before the check succeeded and none is on its way now; otherwise reload.
        if (known.version !== expected || known.pending.length) {
          delta = false;
          continue;
        }
        applyDelta(memory, sandbox, fields, values as (string | null)[], Number(lastUsed) || Date.now());
        known.version = version;
        return;
      }
      // Another server changed it (or it expired): install what Redis holds. Change sets still on
      // their way were computed on the old state; they cannot succeed (they expect an older version).
      for (const pending of known.pending) pending.detached = true;
      known.pending = [];
      known.version = version;
      if (version === '') memory.delete(sandbox);
      else memory.set(sandbox, { changes: parseChanges(fields), lastUsed: Number(values) || Date.now() });
      return;
    }
  }

  commit(set: ChangeSet): Promise<void> {
    const id = `${this.serverId}.${++this.seq}`;
    const parts = partsOf(set);
    const pending: Pending = { set, id, sandboxes: [...parts.keys()], undone: false, detached: false };
    const now = performance.now();
    // Each sandbox's part is one script on that sandbox's keys (one hash slot, so this works on a
    // Redis Cluster too); a change set spanning several sandboxes (only writes made outside a
    // request, such as expiry) is applied sandbox by sandbox.
    const sent = [...parts].map(([sandbox, part]) => this.sendPart(set, id, sandbox, part, now));
    for (const { known } of sent) known.pending.push(pending);
    const done = Promise.allSettled(sent.map(s => s.outcome)).then(outcomes => this.settle(pending, this.conclude(set, sent, outcomes, now)));
    this.inFlight.add(done);
    return done;
  }

  /**
   * Sends one sandbox's part of a change set: asks the index first when the part may create the
   * sandbox or drops it (`reserve`), then its script (`send`), then after a drop removes the index
   * entry (`release`).
   */
  private sendPart(set: ChangeSet, id: string, sandbox: string, part: Part, now: number): SentPart {
    const known = this.knownOf(sandbox);
    const expected = this.expected(known);
    // A turn ends with the server's last queued write, or is handed on to a waiting server.
    const turn = this.turns.get(sandbox);
    let turnMode: TurnMode = '';
    if (turn) {
      if (set.endsTurn || (turn.wanted && now - turn.since >= TURN_HOLD_MS)) {
        turnMode = 'e';
        this.turns.delete(sandbox);
      } else turnMode = 'k';
    }
    // The index (of named sandboxes, for --max-sandboxes and the list) is asked first when the
    // part may create the sandbox (a reservation, refused beyond the limit) or drops it.
    const named = sandbox !== this.options.defaultSandbox;
    const ask = !named ? undefined : part.mode === 'x' ? 'drop' : expected === '' || part.mode === 'r' || known.reserve ? 'create' : undefined;
    const send = (reservation: string) => this.send(set, id, sandbox, part, expected, turnMode, turn, reservation);
    const noReservation = named ? '' : '-';
    let outcome: Promise<PartOutcome>;
    if (!ask && !known.gate) outcome = send(noReservation);
    else {
      // In order: this part waits for the reply to the last one on its sandbox that asked the
      // index first, and the later ones wait for this one's.
      const before = known.gate;
      const reservation = (async () => {
        await before;
        return ask ? this.reserve(sandbox, ask, set.at, known) : noReservation;
      })();
      outcome = reservation.then(reserved => (reserved === undefined ? 'limit' : send(reserved)));
      const gate = outcome.then(
        () => undefined,
        () => undefined,
      );
      known.gate = gate;
      void gate.then(() => {
        if (known.gate === gate) known.gate = undefined;
      });
      if (ask === 'drop') {
        outcome = outcome.then(async result => {
          if (applied(result)) await this.release(sandbox, (await reservation)!);
          return result;
        });
      }
    }
    return { sandbox, known, turn, turnMode, ask, outcome };
  }

  /**
   * Asks the index before a part that creates the sandbox (its reservation's generation, or
   * undefined: refused, one sandbox too many) or drops it (its entry's generation, '' if none).
   */
  private async reserve(sandbox: string, ask: 'create' | 'drop', at: number, known: Known): Promise<string | undefined> {
    const [index, gens, seq] = this.index;
    if (ask === 'drop') return (await this.redis.hget(gens, sandbox)) ?? '';
    const ttl = this.options.sandboxTtlMs;
    const generation = await this.redis.indexReserve(index, gens, seq, sandbox, at, this.options.maxSandboxes, ttl > 0 ? String(at - ttl - INDEX_SLACK_MS) : '');
    if (generation === -1) return undefined;
    known.reserve = false;
    return String(generation);
  }

  /** Sends one sandbox's part as the COMMIT script (at once: in order on the connection); how it ended. */
  private async send(set: ChangeSet, id: string, sandbox: string, part: Part, expected: string, turnMode: TurnMode, turn: Turn | undefined, reservation: string): Promise<PartOutcome> {
    const [ok, wanted] = await this.redis.sandboxCommit(
      ...this.keys(sandbox, 'v', 'd', 'u', 'l', 't', 'w', 'g'),
      id,
      set.at,
      this.ttlOf(sandbox),
      TURN_MS,
      this.turnChannel,
      sandbox,
      expected,
      part.check ? '1' : '0',
      part.mode,
      turnMode,
      turn?.token ?? '',
      reservation,
      part.fields.length / 2,
      ...part.fields,
    );
    return ok === 1 ? (wanted === 1 ? 'wanted' : 'ok') : ok === 3 ? 'reserve' : 'conflict';
  }

  /**
   * After a drop: the index entry goes, unless a reservation came meanwhile (best effort: an entry
   * left behind only counts against the limit until the TTL drops it).
   */
  private async release(sandbox: string, reservation: string): Promise<void> {
    await this.redis.indexRelease(this.index[0], this.index[1], sandbox, reservation).catch(() => undefined);
  }

  /** Notes how each part ended (turns kept or ended, the index's last use); the change set's failure, if any. */
  private conclude(set: ChangeSet, sent: SentPart[], outcomes: PromiseSettledResult<PartOutcome>[], now: number): Error | undefined {
    let failure: Error | undefined;
    outcomes.forEach((outcome, i) => {
      const { sandbox, known, turn, turnMode, ask } = sent[i];
      if (outcome.status === 'fulfilled' && applied(outcome.value)) {
        if (turn && turnMode === 'k') {
          turn.until = now + TURN_MS / 2;
          if (outcome.value === 'wanted') turn.wanted = true;
        }
        if (!ask && sandbox !== this.options.defaultSandbox) this.seen(sandbox, set.at);
        return;
      }
      // Not applied, so the turn was not ended: end it now.
      if (turn && turnMode === 'e' && !this.turns.has(sandbox)) this.endTurnOf(sandbox, turn);
      if (outcome.status === 'rejected') failure ??= unavailable(outcome.reason);
      else if (outcome.value === 'limit') failure ??= new SandboxLimitError(this.options.maxSandboxes);
      else {
        if (outcome.value === 'reserve') known.reserve = true;
        failure ??= new StoreConflictError('another server changed the sandbox');
      }
    });
    return failure;
  }

  /** Moves a named sandbox's last use in the index forward (at most every INDEX_EVERY_MS per server). */
  private seen(sandbox: string, at: number): void {
    const last = this.indexed.get(sandbox);
    if (last !== undefined && at - last < INDEX_EVERY_MS && at >= last) return;
    if (this.indexed.size >= TOUCHED_LIMIT) this.indexed.clear();
    this.indexed.set(sandbox, at);
    this.inFlight.add(this.redis.indexSeen(this.index[0], sandbox, at));
  }

  /** Handles the reply to a change set: resolves, or rolls it back (and what builds on it) and rejects. */
  private settle(pending: Pending, failure: Error | undefined): void {
    for (const sandbox of pending.sandboxes) {
      const known = this.knownOf(sandbox);
      const index = known.pending.indexOf(pending);
      if (index !== -1) known.pending.splice(index, 1);
    }
    if (!failure) {
      if (pending.undone || pending.detached) {
        // Applied after all (its predecessor's outcome was unknown), or memory was reloaded while
        // it was on its way: memory does not hold it, so the next check reloads.
        for (const sandbox of pending.sandboxes) this.knownOf(sandbox).version = null;
      } else {
        for (const sandbox of pending.sandboxes) {
          const known = this.knownOf(sandbox);
          if (known.version !== null) known.version = pending.id;
        }
      }
      return;
    }
    // Rolled back already with a predecessor, or its writes left memory with a reload: its own
    // reply only decides what its client is told.
    if (pending.undone || pending.detached) throw failure;
    // Every later change set on these sandboxes was computed on this one's writes: roll them back
    // too, newest first, then this one. Their own replies will reject them: after a conflict they
    // cannot succeed (they expect this one's version) and are re-run; after an unknown outcome
    // (Redis lost mid-command) they fail or, if this one was applied after all, succeed.
    const later = new Set<Pending>();
    for (const sandbox of pending.sandboxes) for (const p of this.knownOf(sandbox).pending) if (!p.undone && !p.detached) later.add(p);
    for (const p of [...later].reverse()) {
      p.undone = true;
      p.set.undo();
    }
    pending.set.undo();
    pending.undone = true;
    for (const p of [pending, ...later]) for (const sandbox of p.sandboxes) this.knownOf(sandbox).version = null;
    throw failure;
  }

  touch(sandbox: string, at: number): void {
    const last = this.touched.get(sandbox);
    if (last !== undefined && at - last < TOUCH_EVERY_MS) return;
    if (this.touched.size >= TOUCHED_LIMIT) this.touched.clear();
    this.touched.set(sandbox, at);
    const touched = this.redis.sandboxTouch(...this.keys(sandbox, 'v', 'd', 'u', 'l', 'g'), at, this.ttlOf(sandbox));
    this.inFlight.add(
      touched.then(stored => {
        if (stored === 1 && sandbox !== this.options.defaultSandbox) this.seen(sandbox, at);
      }),
    );
  }

  async list(): Promise<string[]> {
    const [index, gens] = this.index;
    try {
      const ttl = this.options.sandboxTtlMs;
      if (ttl > 0) await this.redis.indexSweep(index, gens, String(Date.now() - ttl - INDEX_SLACK_MS));
      return await this.redis.zrange(index, '0', '-1');
    } catch (error) {
      throw unavailable(error);
    }
  }

  flush(): Promise<void> {
    return this.inFlight.drain();
  }

  async close(): Promise<void> {
    await this.flush();
    this.redis.disconnect();
    this.subscriber?.disconnect();
  }
}

/** Applies the fields another server changed (a value is null for a field it deleted) to memory in place. */
function applyDelta(memory: Map<string, SandboxState>, sandbox: string, fields: string[], values: (string | null)[], lastUsed: number): void {
  let state = memory.get(sandbox);
  if (!state) memory.set(sandbox, (state = { changes: dict(), lastUsed }));
  state.lastUsed = lastUsed;
  for (let i = 0; i < fields.length; i++) {
    const split = splitField(fields[i]);
    if (!split) continue;
    const [api, collection, key] = split;
    const value = values[i];
    const row = value === null ? undefined : (JSON.parse(value) as Row | null);
    setOverlayEntry(overlayOf(state.changes, api, collection), key, row === null || row === undefined ? row : deepFreeze(row));
  }
}

/** A change set's ops grouped into one part per sandbox, in the order the sandboxes first appear. */
function partsOf(set: ChangeSet): Map<string, Part> {
  const parts = new Map<string, Part>();
  for (const op of set.ops) {
    let part = parts.get(op.sandbox);
    if (!part) parts.set(op.sandbox, (part = { check: false, mode: 'p', fields: [] }));
    if (op.kind === 'put') {
      part.check = true;
      if (part.mode === 'x') part.mode = 'r';
      part.fields.push(fieldOf(op.api, op.collection, op.key), op.value === undefined ? '' : JSON.stringify(op.value));
    } else if (op.kind === 'replace') {
      part.mode = 'r';
      part.fields = [];
      forEachChange(op.changes, (api, collection, key, row) => part.fields.push(fieldOf(api, collection, key), JSON.stringify(row)));
    } else {
      part.mode = 'x';
      part.fields = [];
    }
  }
  return parts;
}

function splitField(field: string): [string, string, string] | undefined {
  const first = field.indexOf('/');
  const second = field.indexOf('/', first + 1);
  if (first === -1 || second === -1) return undefined;
  return [field.slice(0, first), field.slice(first + 1, second), field.slice(second + 1)];
}

function fieldOf(api: string, collection: string, key: string): string {
  return `${api}/${collection}/${key}`;
}

/** The changes of a sandbox from its hash's fields and values (HGETALL as a flat list). */
export function parseChanges(flat: string[]): SandboxChanges {
  const changes = dict<SandboxChanges[string]>();
  for (let i = 0; i < flat.length; i += 2) {
    const split = splitField(flat[i]);
    if (!split) continue;
    const [api, collection, key] = split;
    const row = JSON.parse(flat[i + 1]) as Row | null;
    overlayOf(changes, api, collection).set(key, row === null ? null : deepFreeze(row));
  }
  return changes;
}

export function unavailable(error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  return new StoreUnavailableError(
    `Redis is unavailable: ${oneLine(error)}`,
    'The sandbox cannot reach its shared storage (Redis) right now, so this request was not completed.',
  );
}

/** Opens the Redis backend: connects (a one-line error when it cannot) and loads the scripts. */
export function redisBackend(options: RedisStoreOptions) {
  const { target, prefix } = resolveTarget(options.url, options.keyPrefix);
  return async (context: BackendContext): Promise<{ backend: RedisBackend; seed: number }> => {
    const redis = createConnection(target, 'banking-api-sandbox') as Scripted;
    redis.defineCommand('sandboxCommit', { numberOfKeys: 7, lua: COMMIT });
    redis.defineCommand('sandboxPrepare', { numberOfKeys: 4, lua: PREPARE });
    redis.defineCommand('sandboxTouch', { numberOfKeys: 5, lua: TOUCH });
    redis.defineCommand('sandboxAcquire', { numberOfKeys: 6, lua: ACQUIRE });
    redis.defineCommand('sandboxEndTurn', { numberOfKeys: 2, lua: END_TURN });
    redis.defineCommand('indexReserve', { numberOfKeys: 3, lua: RESERVE });
    redis.defineCommand('indexSweep', { numberOfKeys: 2, lua: SWEEP_INDEX });
    redis.defineCommand('indexRelease', { numberOfKeys: 2, lua: RELEASE });
    redis.defineCommand('indexSeen', { numberOfKeys: 1, lua: INDEX_SEEN });
    await connectOrFail(redis, target);
    // The fixture seed is the deployment's: the first server stores it, the others must match.
    const seedKey = fleetKey(target, prefix, 'seed');
    const wanted = context.seed ?? context.defaultSeed;
    await redis.set(seedKey, String(wanted), 'NX');
    const stored = Number(await redis.get(seedKey));
    if (context.seed !== undefined && stored !== context.seed) {
      redis.disconnect();
      throw new StoreSeedError(`Redis at ${target.display} (key prefix ${prefix}) holds sandboxes of fixture seed ${stored}, not ${context.seed}: pass --seed ${stored} or another --store-prefix`);
    }
    // Waits for a turn are woken through Pub/Sub, on a connection of its own (it resubscribes by
    // itself; on a Redis Cluster, PUBLISH reaches every node's subscribers).
    const subscriber = createConnection(target, 'banking-api-sandbox turns');
    try {
      await connectOrFail(subscriber, target);
      await subscriber.subscribe(`${prefix}turns`);
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    return { backend: new RedisBackend(redis, target, prefix, options, subscriber), seed: stored };
  };
}

/** The seed asked for is not the one the shared data was made with. */
export class StoreSeedError extends Error {
  override name = 'DataFileError';
}
