// The sandbox store: immutable fixture data shared by every sandbox, plus each sandbox's own
// changes (copy-on-write), all in memory. The APIs' state classes read and write collections
// synchronously; each request's writes form a change set that a backend makes durable before the
// response (store/README.md: the interface, the backends, what is durable when).
//
// Memory grows with what sandboxes change, not with their number: a sandbox holds only the
// records it wrote (or a `null` tombstone for a fixture record it deleted). Sandboxes idle for
// longer than the TTL are deleted, and there are at most `maxSandboxes` of them.
import {
  DataFileError,
  SandboxLimitError,
  StoreConflictError,
  StoreUnavailableError,
  changesJson,
  deepFreeze,
  dict,
  forEachChange,
  overlayOf,
  ownChanges,
  type ChangeSet,
  type ChangesJson,
  type Dataset,
  type Op,
  type Overlay,
  type RecordRef,
  type Row,
  type SandboxChanges,
  type SandboxState,
  type StoreBackend,
} from './store/backend.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { openLog, type LogOptions } from './store/log.js';
import { memoryBackend } from './store/memory.js';

export {
  DataFileError,
  SandboxLimitError,
  StoreConflictError,
  StoreUnavailableError,
  type ApiDataset,
  type ChangeSet,
  type ChangesJson,
  type Dataset,
  type Op,
  type Overlay,
  type Row,
  type SandboxChanges,
  type SandboxState,
  type StoreBackend,
} from './store/backend.js';

export const DEFAULT_SANDBOX = 'default';
/**
 * Per-sandbox metadata (its clock, id counters, …) lives in collections of this reserved API, so
 * it is stored, reset, expired, snapshotted and replicated exactly like the APIs' data.
 */
export const SANDBOX_META_API = '_sandbox';
export const DEFAULT_SANDBOX_TTL_MS = 7 * 24 * 3600 * 1000;
export const DEFAULT_MAX_SANDBOXES = 10_000;

/** Checks one stored record at start-up: a problem (one line), or undefined when it is fine. */
export type RecordCheck = (api: string, collection: string, key: string, record: Row) => string | undefined;

/** What opening a backend gets: it loads `memory`, calls `validate()`, and only then writes anything. */
export interface BackendContext {
  /** The seed asked for (`--seed`); a stored seed that differs is an error. */
  seed?: number;
  defaultSeed: number;
  memory: Map<string, SandboxState>;
  /** The check of one stored record (none: records are not checked), for a backend that checks records it has not loaded into memory. */
  checkRecord?: RecordCheck;
  /**
   * Throws a DataFileError naming the first bad record in memory; given `only`, checks just those
   * records (the backend checked the rest itself: see store/log.ts), the ones no longer in memory skipped.
   */
  validate(only?: readonly RecordRef[]): void;
}
export type BackendFactory = (context: BackendContext) => Promise<{ backend: StoreBackend; seed: number }>;

export interface StoreOptions {
  /** Data file path (the embedded log-structured backend); ignored when `inMemory` or `backend`. */
  file?: string;
  inMemory?: boolean;
  /** Another backend (e.g. Redis). */
  backend?: BackendFactory;
  /** Fixture seed; defaults to the stored seed, or `defaultSeed` for new storage. */
  seed?: number;
  defaultSeed: number;
  /** Loads the fixture dataset for a seed. */
  loadFixtures(seed: number): Promise<Dataset> | Dataset;
  /** Checks every stored record at start-up (default: none). */
  checkRecord?: RecordCheck;
  /** Named sandboxes idle for longer are deleted; 0 = never (default 7 days). */
  sandboxTtlMs?: number;
  /** At most this many named sandboxes hold changes; 0 = no limit (default 10,000). */
  maxSandboxes?: number;
  /** Wall clock for last use and expiry (tests pin it). */
  clock?: () => number;
  /** Tuning of the embedded backend (compaction threshold). */
  log?: LogOptions;
}

/** One collection of the fixture data, frozen, with lazily built equality indexes. */
class BaseCollection {
  readonly rows: ReadonlyMap<string, Row>;
  private readonly indexes = new Map<string, Map<unknown, string[]>>();

  constructor(records: Record<string, Row> = {}) {
    this.rows = new Map(Object.entries(records).map(([k, v]) => [k, deepFreeze(v)]));
  }

  index(field: string): Map<unknown, string[]> {
    let index = this.indexes.get(field);
    if (!index) {
      index = new Map();
      for (const [key, row] of this.rows) {
        const value = row[field];
        const keys = index.get(value);
        if (keys) keys.push(key);
        else index.set(value, [key]);
      }
      this.indexes.set(field, index);
    }
    return index;
  }
}

/** The fixture data of every API, shared read-only by all sandboxes. */
export class BaseData {
  private readonly collections = new Map<string, BaseCollection>();

  constructor(readonly dataset: Dataset) {
    for (const [api, collections] of Object.entries(dataset)) {
      for (const [name, records] of Object.entries(collections)) {
        this.collections.set(`${api}/${name}`, new BaseCollection(records));
      }
    }
  }

  collection(api: string, name: string): BaseCollection {
    const key = `${api}/${name}`;
    let collection = this.collections.get(key);
    if (!collection) {
      collection = new BaseCollection();
      this.collections.set(key, collection);
    }
    return collection;
  }
}

/** The writes of one request: applied to memory at once, made durable together by the backend. */
class Transaction {
  readonly ops: Op[] = [];
  readonly undos: Array<() => void> = [];
  /** Sandboxes this transaction brought into existence. */
  createsSandbox = false;
  private settled?: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void };

  /** Settles when the transaction is durable, or rejects after it was rolled back. */
  get durable(): Promise<void> {
    if (!this.settled) {
      let resolve!: () => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      promise.catch(() => undefined); // nobody needs to wait for it
      this.settled = { promise, resolve, reject };
    }
    return this.settled.promise;
  }

  resolve(): void {
    this.settled?.resolve();
  }

  reject(error: Error): void {
    this.settled?.reject(error);
  }

  undo(): void {
    for (let i = this.undos.length - 1; i >= 0; i--) this.undos[i]();
    this.undos.length = 0;
  }
}

/** The last use and expiry of a stored sandbox. */
export interface SandboxLife {
  lastUsed: Date;
  /** null: never expires (the default sandbox, or no TTL). */
  expiresAt: Date | null;
}

export class Store {
  private readonly views = new Map<string, Sandbox>();
  /** Per sandbox, the last request holding it (shared backends only). */
  private readonly locks = new Map<string, Promise<void>>();
  /** The transaction of the handler running right now (handlers write synchronously). */
  private current: Transaction | null = null;
  /** Writes made outside a request (tests, admin sweeps) commit together at the next microtask. */
  private ambient: Transaction | null = null;
  /** Settles when the latest ambient change set is durable (or rolled back). */
  private ambientDurable: Promise<void> = Promise.resolve();
  private sweeper?: NodeJS.Timeout;
  /** Changes made so far (see changeMark). */
  private changeCounter = 0;
  readonly sandboxTtlMs: number;
  readonly maxSandboxes: number;
  private readonly clock: () => number;

  private constructor(
    private readonly memory: Map<string, SandboxState>,
    private readonly backend: StoreBackend,
    readonly base: BaseData,
    readonly seed: number,
    options: StoreOptions,
  ) {
    this.sandboxTtlMs = options.sandboxTtlMs ?? DEFAULT_SANDBOX_TTL_MS;
    this.maxSandboxes = options.maxSandboxes ?? DEFAULT_MAX_SANDBOXES;
    this.clock = options.clock ?? Date.now;
  }

  static async open(options: StoreOptions): Promise<Store> {
    const memory = new Map<string, SandboxState>();
    const file = options.backend || options.inMemory ? undefined : options.file;
    const validate = (only?: readonly RecordRef[]) => {
      if (options.checkRecord) checkMemory(memory, options.checkRecord, file ? `data file ${file}` : 'stored data', only);
    };
    const context: BackendContext = { seed: options.seed, defaultSeed: options.defaultSeed, memory, checkRecord: options.checkRecord, validate };
    const factory = options.backend ?? (file ? (c: BackendContext) => openLog(file, c, options.log) : memoryBackend);
    const { backend, seed } = await factory(context);
    const store = new Store(memory, backend, new BaseData(await options.loadFixtures(seed)), seed, options);
    store.expire();
    if (store.sandboxTtlMs > 0 && !store.backend.shared) {
      store.sweeper = setInterval(() => store.expire(), Math.min(60_000, store.sandboxTtlMs)).unref();
    }
    return store;
  }

  /** `file`, `memory`, or another backend's name. */
  get kind(): string {
    return this.backend.kind;
  }

  /** Whether other servers share this store's data (a fleet on Redis). */
  get shared(): boolean {
    return this.backend.shared === true;
  }

  /** What the backend recovered from at start-up, one line each. */
  get notes(): readonly string[] {
    return this.backend.notes ?? [];
  }

  /** The backend itself (tests and the benchmark reach the embedded one's compaction). */
  get storage(): StoreBackend {
    return this.backend;
  }

  /** The data file, for the embedded backend. */
  get file(): string | undefined {
    return this.backend.kind === 'file' ? this.backend.location : undefined;
  }

  /**
   * The sandbox of that name; a new name starts as the fixtures, and is stored once it changes.
   * Only sandboxes holding changes are kept: a client reading with a fresh `X-Sandbox-Id` per run
   * must not make the server grow. (Views of one sandbox are interchangeable: its state, indexes
   * included, lives with its changes.)
   */
  sandbox(name: string = DEFAULT_SANDBOX): Sandbox {
    let sandbox = this.views.get(name);
    if (!sandbox) {
      sandbox = new Sandbox(name, this);
      if (name === DEFAULT_SANDBOX || this.memory.has(name)) this.views.set(name, sandbox);
    }
    return sandbox;
  }

  /** Names of the sandboxes that hold changes, plus the default one. */
  sandboxNames(): string[] {
    return [...new Set([DEFAULT_SANDBOX, ...this.memory.keys()])];
  }

  /**
   * Names of the sandboxes that hold changes, plus the default one — over the fleet for a shared
   * store; `current` also brings each one's state in memory up to date (one round trip each, sent
   * together).
   */
  async allSandboxNames(current = false): Promise<string[]> {
    if (!this.backend.list) return this.sandboxNames();
    const names = new Set([...(await this.backend.list()), ...this.memory.keys()]);
    if (!current) return [...new Set([DEFAULT_SANDBOX, ...names])];
    await Promise.all([...names].map(name => this.backend.prepare(name, this.memory)));
    return this.sandboxNames();
  }

  /** Last use and expiry of a sandbox that holds changes; undefined for one that holds none. */
  life(name: string): SandboxLife | undefined {
    const state = this.memory.get(name);
    if (!state) return undefined;
    const never = name === DEFAULT_SANDBOX || this.sandboxTtlMs <= 0;
    return { lastUsed: new Date(state.lastUsed), expiresAt: never ? null : new Date(state.lastUsed + this.sandboxTtlMs) };
  }

  /** How many records a sandbox changed (added, changed or deleted), those of `exceptApi` left out. */
  changeCount(name: string, exceptApi?: string): number {
    const state = this.memory.get(name);
    if (!state) return 0;
    const counted = state.countChanges?.(exceptApi);
    if (counted !== undefined) return counted;
    let count = 0;
    for (const [api, collections] of Object.entries(state.changes)) {
      if (api !== exceptApi) for (const rows of Object.values(collections)) count += rows.size;
    }
    return count;
  }

  /** A copy of the stored changes of a sandbox as JSON, if it has any. */
  changesOf(name: string): ChangesJson | undefined {
    const state = this.memory.get(name);
    return state && changesJson(state.changes);
  }

  /** @internal The stored changes of a sandbox to one collection, if any (read-only). */
  overlay(sandbox: string, api: string, collection: string): Overlay | undefined {
    return this.memory.get(sandbox)?.changes[api]?.[collection];
  }

  /**
   * Replaces a sandbox's changes wholesale (a snapshot import); `undefined` takes it back to the
   * fixtures (reset). Settles when that is durable, or rejects after it was rolled back.
   */
  replaceChanges(name: string, changes: ChangesJson | undefined): Promise<void> {
    if (changes === undefined) return this.drop(name);
    const tx = this.transaction();
    const previous = this.memory.get(name);
    const next = ownChanges(changes);
    this.memory.set(name, { changes: next, lastUsed: this.clock() });
    if (!previous && name !== DEFAULT_SANDBOX) tx.createsSandbox = true;
    tx.undos.push(() => this.restore(name, previous));
    tx.ops.push({ kind: 'replace', sandbox: name, changes: next });
    return tx.durable;
  }

  /** Deletes a sandbox: its changes, its last use, its name. Settles when that is durable. */
  deleteSandbox(name: string): Promise<void> {
    const done = this.drop(name);
    this.views.delete(name);
    return done;
  }

  private drop(name: string): Promise<void> {
    const previous = this.memory.get(name);
    if (!previous) return Promise.resolve();
    const tx = this.transaction();
    this.memory.delete(name);
    tx.undos.push(() => this.restore(name, previous));
    tx.ops.push({ kind: 'drop', sandbox: name });
    return tx.durable;
  }

  private restore(name: string, state: SandboxState | undefined): void {
    if (state) this.memory.set(name, state);
    else this.memory.delete(name);
  }

  /**
   * Runs one request's handler against `sandbox`: the backend first makes the sandbox current;
   * the handler's (synchronous) writes form one change set, committed after it returns — also when
   * it throws, as a handler may refuse after writing. Resolves once that change set is durable;
   * rejects with StoreUnavailableError (rolled back), or SandboxLimitError when it would create one
   * sandbox too many. A conflict with another server re-runs the handler against fresh state.
   * `writes`: whether the request is expected to write (false for reads: they never wait for a turn).
   */
  async transact<T>(sandbox: string, handler: () => T | Promise<T>, writes = true): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      // A shared backend with turns: a write (or any re-run after a conflict) waits for this
      // server's previous write to the sandbox to be sent, then for the fleet-wide turn, so the
      // servers of a fleet take turns instead of colliding. Without turns, a sandbox's handlers run
      // one at a time on this server while their change sets are on their way.
      const turn = this.backend.acquire !== undefined && (writes || attempt > 1);
      let lock: Lock | undefined;
      if (turn) {
        lock = await this.exclusive(sandbox);
        try {
          const acquiring = this.backend.acquire!(sandbox, this.memory);
          if (acquiring) await acquiring;
        } catch (error) {
          lock.release();
          throw error;
        }
      } else {
        const preparing = this.backend.prepare(sandbox, this.memory);
        if (preparing) await preparing;
        if (this.backend.shared && !this.backend.acquire) lock = await this.exclusive(sandbox);
      }
      try {
        const tx = new Transaction();
        const outer = this.current;
        this.current = tx;
        let result: T | Promise<T> | undefined;
        let failure: { error: unknown } | undefined;
        try {
          result = handler();
        } catch (error) {
          failure = { error };
        } finally {
          this.current = outer;
        }
        // Handlers write synchronously: the change set is complete once the handler returns.
        let committing: Promise<void> | undefined;
        try {
          committing = this.commit(tx, sandbox, turn && lock!.last());
          // Holding the turn, the next write may run while this change set is on its way.
          if (turn && !(result instanceof Promise)) lock!.release();
          if (result instanceof Promise) {
            try {
              result = await result;
            } catch (error) {
              failure = { error };
            }
            // Writes after the handler's first await went to an ambient change set.
            await this.ambientDurable;
          }
          if (committing) await committing;
        } catch (error) {
          if (error instanceof StoreConflictError) {
            if (attempt < MAX_ATTEMPTS) {
              lock?.release();
              // Other servers are writing the same sandbox: back off a random while before re-running
              // (with turns, the re-run waits for its turn instead).
              if (!this.backend.acquire) await sleep(Math.random() * Math.min(50, 2 ** attempt));
              continue;
            }
            throw new StoreUnavailableError(
              `${error.message}, ${MAX_ATTEMPTS} times in a row`,
              'Other requests changed this sandbox at the same time, too often for this one to complete.',
            );
          }
          throw error;
        }
        if (failure) throw failure.error;
        return result as T;
      } finally {
        lock?.release();
      }
    }
  }

  /** Waits for this server's previous request on `sandbox` that holds it. */
  private async exclusive(sandbox: string): Promise<Lock> {
    const previous = this.locks.get(sandbox);
    let release!: () => void;
    const mine = new Promise<void>(resolve => (release = resolve));
    const tail = previous ? previous.then(() => mine) : mine;
    this.locks.set(sandbox, tail);
    if (previous) await previous;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        release();
        if (this.locks.get(sandbox) === tail) this.locks.delete(sandbox);
      },
      last: () => this.locks.get(sandbox) === tail,
    };
  }

  /** Waits until every change made so far is durable (or rolled back). */
  async flush(): Promise<void> {
    await this.ambientDurable;
    await this.backend.flush();
  }

  /** Flushes, stops the expiry sweep, closes the backend. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.flush();
    await this.backend.close();
  }

  /** Deletes named sandboxes idle for longer than the TTL; returns their names. */
  expire(now = this.clock()): string[] {
    if (this.sandboxTtlMs <= 0 || this.backend.shared) return [];
    const expired: string[] = [];
    for (const [name, state] of this.memory) {
      if (name !== DEFAULT_SANDBOX && state.lastUsed + this.sandboxTtlMs <= now) expired.push(name);
    }
    for (const name of expired) void this.deleteSandbox(name);
    return expired;
  }

  /** @internal Writes one entry of a sandbox's collection (see Collection). */
  write(sandbox: string, api: string, collection: string, key: string, value: Row | null | undefined, apply: (overlay: Overlay, value: Row | null | undefined) => void): Promise<void> {
    const tx = this.transaction();
    let state = this.memory.get(sandbox);
    if (!state) {
      state = { changes: dict(), lastUsed: this.clock() };
      this.memory.set(sandbox, state);
      // The default sandbox is not counted against --max-sandboxes: it is always there.
      if (sandbox !== DEFAULT_SANDBOX) tx.createsSandbox = true;
      tx.undos.push(() => this.memory.delete(sandbox));
    }
    const overlay = overlayOf(state.changes, api, collection);
    const had = overlay.has(key);
    const previous = overlay.get(key);
    apply(overlay, value);
    tx.undos.push(() => apply(overlay, had ? previous : undefined));
    tx.ops.push({ kind: 'put', sandbox, api, collection, key, value });
    return tx.durable;
  }

  /** A count of the changes made so far: compare two marks to know whether anything changed between them. */
  changeMark(): number {
    return this.changeCounter;
  }

  /** The transaction of the running handler, or the ambient one for writes outside requests. */
  private transaction(): Transaction {
    this.changeCounter++;
    if (this.current) return this.current;
    if (!this.ambient) {
      const tx = (this.ambient = new Transaction());
      this.ambientDurable = tx.durable.catch(() => undefined);
      queueMicrotask(() => {
        this.ambient = null;
        try {
          void this.commit(tx);
        } catch {
          // rejected through tx.durable
        }
      });
    }
    return this.ambient;
  }

  private commit(tx: Transaction, used?: string, endsTurn = false): Promise<void> | undefined {
    const now = this.clock();
    if (!tx.ops.length) {
      const state = used === undefined ? undefined : this.memory.get(used);
      if (state) {
        state.lastUsed = now;
        this.backend.touch(used!, now);
      }
      if (endsTurn) this.backend.endTurn?.(used!);
      return undefined;
    }
    if (tx.createsSandbox && !this.backend.shared && this.maxSandboxes > 0 && this.namedCount() > this.maxSandboxes) {
      this.expire(now);
      if (this.namedCount() > this.maxSandboxes) {
        const error = new SandboxLimitError(this.maxSandboxes);
        tx.undo();
        tx.reject(error);
        throw error;
      }
    }
    for (const op of tx.ops) {
      const state = op.kind === 'drop' ? undefined : this.memory.get(op.sandbox);
      if (state) state.lastUsed = now;
    }
    const set: ChangeSet = { ops: tx.ops, at: now, undo: () => tx.undo(), ...(endsTurn ? { endsTurn } : {}) };
    const done = this.backend.commit(set);
    done.then(
      () => tx.resolve(),
      (error: Error) => tx.reject(error),
    );
    return done;
  }

  /** Named sandboxes holding changes. */
  private namedCount(): number {
    return this.memory.size - (this.memory.has(DEFAULT_SANDBOX) ? 1 : 0);
  }
}

const MAX_ATTEMPTS = 12;

/** This server's hold on one sandbox (see `exclusive`). */
interface Lock {
  release(): void;
  /** No other request of this server is waiting for the sandbox. */
  last(): boolean;
}

/** Throws a DataFileError naming the first stored record that fails `check`. */
function checkMemory(memory: Map<string, SandboxState>, check: RecordCheck, where: string, only?: readonly RecordRef[]): void {
  const checkOne = (sandbox: string, api: string, collection: string, key: string, row: Row | null) => {
    if (row === null) return;
    const problem = typeof row !== 'object' || Array.isArray(row) ? 'is not an object' : check(api, collection, key, row);
    if (problem) {
      throw new DataFileError(
        `${where}: sandbox ${JSON.stringify(sandbox)}, API ${api}, collection ${collection}, key ${JSON.stringify(key)}: ${problem}`.replace(/[^\x20-\x7e]/g, '?'),
      );
    }
  };
  if (only) {
    for (const [sandbox, api, collection, key] of only) {
      // An overlay holds a record or null (a tombstone), never undefined.
      const row = memory.get(sandbox)?.changes[api]?.[collection]?.get(key);
      if (row !== undefined) checkOne(sandbox, api, collection, key, row);
    }
    return;
  }
  for (const [sandbox, { changes }] of memory) forEachChange(changes, (api, collection, key, row) => checkOne(sandbox, api, collection, key, row));
}

/** One isolated sandbox: the fixtures plus this sandbox's own changes. */
export class Sandbox {
  private readonly apis = new Map<string, ApiData>();

  constructor(
    readonly name: string,
    private readonly store: Store,
  ) {}

  collection<T extends object = Row>(api: string, name: string): Collection<T> {
    return this.api(api).collection<T>(name);
  }

  /** The data of one API in this sandbox. */
  api(slug: string): ApiData {
    let data = this.apis.get(slug);
    if (!data) {
      // Looked up on every request (a handler's collections, the clock, ids): by name, no key to build.
      const collections = new Map<string, Collection>();
      data = {
        collection: <T extends object = Row>(name: string) => {
          let collection = collections.get(name);
          if (!collection) {
            collection = new Collection(this.store, this.name, slug, name);
            collections.set(name, collection);
          }
          return collection as unknown as Collection<T>;
        },
      };
      this.apis.set(slug, data);
    }
    return data;
  }

  /** This sandbox's metadata collections (clock, counters, …): stored like any API's data. */
  get meta(): ApiData {
    return this.api(SANDBOX_META_API);
  }
}

/** The collections of one API in one sandbox, as handed to that API's state class. */
export interface ApiData {
  collection<T extends object = Row>(name: string): Collection<T>;
}

/**
 * Per overlay (one sandbox's changes to one collection): field → value → keys of changed records
 * having that value; built on first use, then maintained. Kept with the overlay rather than in a
 * `Collection`, so every view of the collection (and every undo) sees and maintains the same index.
 */
const overlayIndexes = new WeakMap<object, Map<string, Map<unknown, Set<string>>>>();

function indexesOf(overlay: object): Map<string, Map<unknown, Set<string>>> {
  let indexes = overlayIndexes.get(overlay);
  if (!indexes) {
    indexes = new Map();
    overlayIndexes.set(overlay, indexes);
  }
  return indexes;
}

/**
 * Per overlay, its net change of the collection's size (records added minus fixture records
 * deleted): counted on first use, then maintained like the indexes, so `size` costs no scan of
 * the sandbox's changes (Upvest checks its idempotency records' count on every create).
 */
const overlayDeltas = new WeakMap<object, number>();

const fieldOf = (row: object, field: string): unknown => (row as Record<string, unknown>)[field];

/**
 * Sets one entry of an overlay — a record, `null` (a tombstone) or `undefined` (no change) —
 * keeping the overlay's indexes current. A shared backend uses it to apply another server's
 * changes to memory in place (catching up), rather than reloading the whole sandbox.
 */
export function setOverlayEntry(
  overlay: Map<string, object | null>,
  key: string,
  next: object | null | undefined,
  sizeDelta?: (key: string, row: object | null | undefined) => number,
): void {
  const previous = overlay.get(key);
  const delta = overlayDeltas.get(overlay);
  if (delta !== undefined) {
    // Without the collection's fixtures at hand, the size is counted again when next asked.
    if (sizeDelta) overlayDeltas.set(overlay, delta - sizeDelta(key, previous) + sizeDelta(key, next));
    else overlayDeltas.delete(overlay);
  }
  for (const [field, index] of indexesOf(overlay)) {
    if (previous) index.get(fieldOf(previous, field))?.delete(key);
    if (next) {
      const keys = index.get(fieldOf(next, field));
      if (keys) keys.add(key);
      else index.set(fieldOf(next, field), new Set([key]));
    }
  }
  // A key already there keeps its place in the overlay's order; deleted and written again, it goes last.
  if (next === undefined) overlay.delete(key);
  else overlay.set(key, next);
}

/** Records of one collection in one sandbox, keyed by a string id. Records are frozen: replace, don't mutate. */
export class Collection<T extends object = Row> {
  private readonly base: BaseCollection;

  constructor(
    private readonly store: Store,
    private readonly sandbox: string,
    private readonly api: string,
    private readonly name: string,
  ) {
    this.base = store.base.collection(api, name);
  }

  private overlay(): Map<string, T | null> | undefined {
    return this.store.overlay(this.sandbox, this.api, this.name) as Map<string, T | null> | undefined;
  }

  get(key: string): T | undefined {
    const overlay = this.overlay();
    const row = overlay?.get(key);
    if (row !== undefined) return row ?? undefined;
    return overlay?.has(key) ? undefined : (this.base.rows.get(key) as T | undefined);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Every record, fixtures first (in fixture order), then added ones in insertion order. */
  entries(): IterableIterator<[string, T]> {
    return this.walk(overlay => [...overlay.keys()]);
  }

  /**
   * Every record, fixtures first, then added ones from the oldest write on (as `entries()`), but
   * lazily: reading the first few costs those few, not a list of every key. For collections that
   * are trimmed from their oldest end (idempotency records). Removing records while iterating is safe.
   */
  oldestFirst(): IterableIterator<[string, T]> {
    return this.walk(overlay => overlay.keys());
  }

  /** The fixtures (with their changes), then the added records in the order `added` gives their keys. */
  private *walk(added: (overlay: Map<string, T | null>) => Iterable<string>): IterableIterator<[string, T]> {
    const overlay = this.overlay();
    for (const [key, row] of this.base.rows) {
      if (overlay?.has(key)) {
        const changed = overlay.get(key);
        if (changed) yield [key, changed];
      } else {
        yield [key, row as T];
      }
    }
    if (overlay) {
      for (const key of added(overlay)) {
        const row = overlay.get(key);
        if (row && !this.base.rows.has(key)) yield [key, row];
      }
    }
  }

  values(): T[] {
    return Array.from(this.entries(), ([, row]) => row);
  }

  get size(): number {
    const overlay = this.overlay();
    return overlay ? this.base.rows.size + this.overlayDelta(overlay) : this.base.rows.size;
  }

  /** What a record in the overlay adds to the size: +1 added, -1 deleted fixture, 0 replaced or absent. */
  private readonly sizeDeltaOf = (key: string, row: object | null | undefined) => this.sizeDelta(key, row as T | null | undefined);

  private sizeDelta(key: string, row: T | null | undefined): number {
    if (row === undefined) return 0;
    const inBase = this.base.rows.has(key);
    return row === null ? (inBase ? -1 : 0) : inBase ? 0 : 1;
  }

  /** The overlay's net change of the size: counted once, then kept up to date by setOverlay. */
  private overlayDelta(overlay: Map<string, T | null>): number {
    let delta = overlayDeltas.get(overlay);
    if (delta === undefined) {
      delta = 0;
      for (const [key, row] of overlay) delta += this.sizeDelta(key, row);
      overlayDeltas.set(overlay, delta);
    }
    return delta;
  }

  /** Records whose `field` equals `value`, through an index (no full scan). */
  where(field: string, value: unknown): T[] {
    const overlay = this.overlay();
    const out: T[] = [];
    for (const key of this.base.index(field).get(value) ?? []) {
      if (!overlay?.has(key)) out.push(this.base.rows.get(key) as T);
    }
    if (overlay) {
      for (const key of this.overlayIndex(field, overlay).get(value) ?? []) {
        const row = overlay.get(key);
        if (row) out.push(row);
      }
    }
    return out;
  }

  /** Inserts or replaces a record. The returned promise settles when the change is durable. */
  put(key: string, row: T): Promise<void> {
    return this.change(key, deepFreeze(row));
  }

  /** Deletes a record; returns false when there was none. */
  remove(key: string): boolean {
    if (!this.has(key)) return false;
    void this.change(key, this.base.rows.has(key) ? null : undefined);
    return true;
  }

  /** Sets the overlay entry: a record, `null` (tombstone) or `undefined` (no change). */
  private change(key: string, next: T | null | undefined): Promise<void> {
    return this.store.write(this.sandbox, this.api, this.name, key, next as Row | null | undefined, (overlay, value) =>
      this.setOverlay(overlay as Map<string, T | null>, key, value as T | null | undefined),
    );
  }

  private setOverlay(overlay: Map<string, T | null>, key: string, next: T | null | undefined): void {
    setOverlayEntry(overlay, key, next, this.sizeDeltaOf);
  }

  private overlayIndex(field: string, overlay: Map<string, T | null>): Map<unknown, Set<string>> {
    const indexes = indexesOf(overlay);
    let index = indexes.get(field);
    if (!index) {
      index = new Map();
      for (const [key, row] of overlay) {
        if (!row) continue;
        const value = fieldOf(row, field);
        const keys = index.get(value);
        if (keys) keys.add(key);
        else index.set(value, new Set([key]));
      }
      indexes.set(field, index);
    }
    return index;
  }
}
