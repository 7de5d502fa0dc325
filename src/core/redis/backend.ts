// The Redis backend: a fleet of sandbox servers shares every sandbox's state in one Redis.
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
//   Psandboxes   sorted set of the named sandboxes by last use (the fleet's count for
//            --max-sandboxes; entries idle past the TTL are dropped before counting)
// The three keys of a named sandbox expire together after the sandbox TTL (a Redis expiry,
// renewed on every use); the default sandbox's never do.
//
// Each server keeps the sandboxes it served in the store's memory, with the version it read.
// `prepare` checks that version in one round trip (a Lua script that, when the version differs,
// returns the fields changed since the version this server holds, found by walking the change
// log, or the sandbox's whole data when the log no longer reaches that far back). `commit` sends a change set as one Lua script that applies it
// only if the sandbox's version is still the one the handler read; otherwise the change set is
// rolled back and rejected with StoreConflictError, and the store re-runs the handler against
// fresh state. Versions are unique ids (server id + sequence), never reused, so a sandbox that
// expired and was created again can never look current to a server that cached its old state.
//
// Change sets of one server are sent in order on one connection, so Redis applies them in that
// order; a change set expects the version its predecessor on the same sandbox will write, and a
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
  hasOwn,
  oneLine,
  type ChangeSet,
  type Row,
  type SandboxChanges,
  type SandboxState,
  type StoreBackend,
} from '../store/backend.js';
import { connectOrFail, createConnection, DEFAULT_KEY_PREFIX, parseRedisUrl, type RedisTarget } from './connection.js';

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
 * Applies a change set if every sandbox it checks is still at the expected version, and if it
 * creates no sandbox beyond the limit; logs it in each sandbox's change log. KEYS: the index, then
 * per sandbox its v, d, u, l keys. ARGV: new version, now, limit (0: none), TTL of named
 * sandboxes, the default sandbox's name, then per sandbox: name, expected
 * version, check ('1'/'0'), its TTL (0: never expires), mode ('p' put, 'r' replace, 'x' drop),
 * field count, fields and values ('' deletes the field).
 * Returns {1}, {0, i} (sandbox i changed meanwhile) or {2} (one sandbox too many).
 */
const COMMIT = `
local index = KEYS[1]
local n = (#KEYS - 1) / 4
local now = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local pos = {}
local creates = 0
local a = 6
for i = 0, n - 1 do
  local kv = KEYS[i * 4 + 2]
  if ARGV[a + 2] == '1' then
    local v = redis.call('GET', kv) or ''
    if v ~= ARGV[a + 1] then return {0, i} end
  end
  if ARGV[a + 4] ~= 'x' and ARGV[a] ~= ARGV[5] and redis.call('EXISTS', kv) == 0 then creates = creates + 1 end
  pos[i] = a
  a = a + 6 + 2 * tonumber(ARGV[a + 5])
end
if creates > 0 and limit > 0 then
  local ttl = tonumber(ARGV[4])
  if ttl > 0 then redis.call('ZREMRANGEBYSCORE', index, '-inf', now - ttl) end
  if redis.call('ZCARD', index) + creates > limit then return {2, -1} end
end
for i = 0, n - 1 do
  local b = pos[i]
  local kv, kd, ku, kl = KEYS[i * 4 + 2], KEYS[i * 4 + 3], KEYS[i * 4 + 4], KEYS[i * 4 + 5]
  local name = ARGV[b]
  local ttl = tonumber(ARGV[b + 3])
  local mode = ARGV[b + 4]
  if mode == 'x' then
    redis.call('DEL', kv, kd, ku, kl)
    redis.call('ZREM', index, name)
  else
    if mode == 'r' then redis.call('DEL', kd) end
    local count = tonumber(ARGV[b + 5])
    local fields = {}
    local j = b + 6
    for k = 1, count do
      if ARGV[j + 1] == '' then redis.call('HDEL', kd, ARGV[j]) else redis.call('HSET', kd, ARGV[j], ARGV[j + 1]) end
      if count <= ${LOG_FIELDS} then fields[k] = ARGV[j] end
      j = j + 2
    end
    local prev = redis.call('GET', kv) or ''
    local entry
    if mode == 'r' or count > ${LOG_FIELDS} then entry = cjson.encode({p = prev, n = ARGV[1], r = 1})
    else entry = cjson.encode({p = prev, n = ARGV[1], f = fields}) end
    redis.call('LPUSH', kl, entry)
    redis.call('LTRIM', kl, 0, ${LOG_LENGTH - 1})
    redis.call('SET', kv, ARGV[1])
    redis.call('SET', ku, ARGV[2])
    if ttl > 0 then
      redis.call('PEXPIRE', kv, ttl)
      redis.call('PEXPIRE', kd, ttl)
      redis.call('PEXPIRE', ku, ttl)
      redis.call('PEXPIRE', kl, ttl)
    else
      redis.call('PERSIST', kv)
      redis.call('PERSIST', kd)
      redis.call('PERSIST', ku)
      redis.call('PERSIST', kl)
    end
    if name ~= ARGV[5] then redis.call('ZADD', index, now, name) end
  end
end
return {1, -1}
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

/** Notes a use of a stored sandbox: its last use, and a new expiry. */
const TOUCH = `
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('SET', KEYS[4], ARGV[2])
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
  redis.call('PEXPIRE', KEYS[4], ttl)
  redis.call('PEXPIRE', KEYS[5], ttl)
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
end
return 1
`;

type Scripted = Redis & {
  sandboxCommit(...args: Array<string | number>): Promise<[number, number]>;
  sandboxPrepare(kv: string, kd: string, ku: string, kl: string, expected: string, delta: '0' | '1'): Promise<PrepareReply>;
  sandboxTouch(index: string, kv: string, kd: string, ku: string, kl: string, name: string, at: number, ttl: number): Promise<number>;
};

/** {version} when current; {version, data, last use}; or {version, fields, values, last use} (a delta). */
type PrepareReply = [string, string[]?, ((string | null)[] | string)?, string?];

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
}

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
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly redis: Scripted,
    private readonly target: RedisTarget,
    private readonly prefix: string,
    private readonly options: RedisStoreOptions,
  ) {}

  get location(): string {
    return `${this.target.display} (key prefix ${this.prefix})`;
  }

  /** True while the connection to Redis is up. */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  private get indexKey(): string {
    return `${this.prefix}sandboxes`;
  }

  private keys(sandbox: string): [string, string, string, string] {
    const tag = `${this.prefix}{${sandbox}}`;
    return [`${tag}:v`, `${tag}:d`, `${tag}:u`, `${tag}:l`];
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

  async prepare(sandbox: string, memory: Map<string, SandboxState>): Promise<void> {
    let delta = true;
    for (;;) {
      const known = this.knownOf(sandbox);
      const expected = this.expected(known);
      let reply: PrepareReply;
      try {
        reply = await this.redis.sandboxPrepare(...this.keys(sandbox), expected, delta && expected !== STALE ? '1' : '0');
      } catch (error) {
        throw unavailable(error);
      }
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
    const bySandbox = new Map<string, { check: boolean; mode: 'p' | 'r' | 'x'; fields: string[] }>();
    for (const op of set.ops) {
      let entry = bySandbox.get(op.sandbox);
      if (!entry) bySandbox.set(op.sandbox, (entry = { check: false, mode: 'p', fields: [] }));
      if (op.kind === 'put') {
        entry.check = true;
        if (entry.mode === 'x') entry.mode = 'r';
        entry.fields.push(fieldOf(op.api, op.collection, op.key), op.value === undefined ? '' : JSON.stringify(op.value));
      } else if (op.kind === 'replace') {
        entry.mode = 'r';
        entry.fields = [];
        for (const [api, collections] of Object.entries(op.changes)) {
          for (const [collection, rows] of Object.entries(collections)) {
            for (const [key, row] of Object.entries(rows)) entry.fields.push(fieldOf(api, collection, key), JSON.stringify(row));
          }
        }
      } else {
        entry.mode = 'x';
        entry.fields = [];
      }
    }
    const keys: string[] = [this.indexKey];
    const args: Array<string | number> = [id, set.at, this.options.maxSandboxes, this.options.sandboxTtlMs, this.options.defaultSandbox];
    const sandboxes = [...bySandbox.keys()];
    const pending: Pending = { set, id, sandboxes, undone: false, detached: false };
    for (const [sandbox, entry] of bySandbox) {
      const known = this.knownOf(sandbox);
      keys.push(...this.keys(sandbox));
      args.push(sandbox, this.expected(known), entry.check ? '1' : '0', this.ttlOf(sandbox), entry.mode, entry.fields.length / 2, ...entry.fields);
      known.pending.push(pending);
    }
    const reply = this.redis.sandboxCommit(keys.length, ...keys, ...args);
    const done = reply.then(
      ([ok]) =>
        this.settle(
          pending,
          ok === 1 ? undefined : ok === 2 ? new SandboxLimitError(this.options.maxSandboxes) : new StoreConflictError('another server changed the sandbox'),
        ),
      (error: unknown) => this.settle(pending, unavailable(error)),
    );
    this.track(done);
    return done;
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
    const done = this.redis
      .sandboxTouch(this.indexKey, ...this.keys(sandbox), sandbox, at, this.ttlOf(sandbox))
      .catch(() => undefined);
    this.track(done);
  }

  async list(): Promise<string[]> {
    try {
      if (this.options.sandboxTtlMs > 0) await this.redis.zremrangebyscore(this.indexKey, '-inf', String(Date.now() - this.options.sandboxTtlMs));
      return await this.redis.zrange(this.indexKey, '0', '-1');
    } catch (error) {
      throw unavailable(error);
    }
  }

  private track(promise: Promise<unknown>): void {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }

  async flush(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.flush();
    this.redis.disconnect();
  }
}

/** Applies the fields another server changed (a value is null for a field it deleted) to memory in place. */
function applyDelta(memory: Map<string, SandboxState>, sandbox: string, fields: string[], values: (string | null)[], lastUsed: number): void {
  let state = memory.get(sandbox);
  if (!state) memory.set(sandbox, (state = { changes: dict(), lastUsed }));
  state.lastUsed = lastUsed;
  const { changes } = state;
  for (let i = 0; i < fields.length; i++) {
    const split = splitField(fields[i]);
    if (!split) continue;
    const [api, collection, key] = split;
    if (!hasOwn(changes, api)) changes[api] = dict();
    if (!hasOwn(changes[api], collection)) changes[api][collection] = dict();
    const value = values[i];
    const row = value === null ? undefined : (JSON.parse(value) as Row | null);
    setOverlayEntry(changes[api][collection], key, row === null || row === undefined ? row : deepFreeze(row));
  }
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
    if (!hasOwn(changes, api)) changes[api] = dict();
    if (!hasOwn(changes[api], collection)) changes[api][collection] = dict();
    const row = JSON.parse(flat[i + 1]) as Row | null;
    changes[api][collection][key] = row === null ? null : deepFreeze(row);
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
  const target = parseRedisUrl(options.url);
  return async (context: BackendContext): Promise<{ backend: RedisBackend; seed: number }> => {
    const redis = createConnection(target, 'banking-api-sandbox') as Scripted;
    redis.defineCommand('sandboxCommit', { lua: COMMIT });
    redis.defineCommand('sandboxPrepare', { numberOfKeys: 4, lua: PREPARE });
    redis.defineCommand('sandboxTouch', { numberOfKeys: 5, lua: TOUCH });
    await connectOrFail(redis, target);
    const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    // The fixture seed is the deployment's: the first server stores it, the others must match.
    const seedKey = `${prefix}seed`;
    const wanted = context.seed ?? context.defaultSeed;
    await redis.set(seedKey, String(wanted), 'NX');
    const stored = Number(await redis.get(seedKey));
    if (context.seed !== undefined && stored !== context.seed) {
      redis.disconnect();
      throw new StoreSeedError(`Redis at ${target.display} (key prefix ${prefix}) holds sandboxes of fixture seed ${stored}, not ${context.seed}: pass --seed ${stored} or another --store-prefix`);
    }
    return { backend: new RedisBackend(redis, target, prefix, options), seed: stored };
  };
}

/** The seed asked for is not the one the shared data was made with. */
export class StoreSeedError extends Error {
  override name = 'DataFileError';
}
