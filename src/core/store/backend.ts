// What a storage backend implements (see README.md in this folder). The store (../store.ts) keeps
// every sandbox the process serves in memory and hands the APIs synchronous collections; a backend
// makes each request's change set durable and, for a shared backend, keeps that memory current.

export type Row = Readonly<Record<string, unknown>>;
/** collection → key → record */
export type ApiDataset = Record<string, Record<string, Row>>;
/** api slug → collection → key → record */
export type Dataset = Record<string, ApiDataset>;
/**
 * One sandbox's changes to one collection (its overlay on the fixtures): key → record, or null
 * where a fixture record was deleted. A Map: start-up inserts every stored record into one (a
 * plain object cost ~1.5 µs per new key, a Map ~0.2 µs), and it iterates in the order keys were
 * first written (a key deleted and written again goes last), which is the order lists show.
 */
export type Overlay = Map<string, Row | null>;
/** api slug → collection → overlay: a sandbox's changes as the store keeps them in memory. */
export type SandboxChanges = Record<string, Record<string, Overlay>>;
/** api slug → collection → key → record or null: a sandbox's changes as JSON (files, Redis, the admin API). */
export type ChangesJson = Record<string, Record<string, Record<string, Row | null>>>;

/**
 * One change, as the store's memory now holds it:
 * - `put`: the sandbox's entry for a key is now `value` — a record, `null` (a fixture record
 *   deleted), or `undefined` (no entry any more: back to the fixture, or an added record removed);
 * - `replace`: the sandbox's changes are now exactly `changes` (reset: `{}`; snapshot import);
 * - `drop`: the sandbox is gone (deleted, or expired): its changes and its last use.
 */
export type Op =
  | { kind: 'put'; sandbox: string; api: string; collection: string; key: string; value: Row | null | undefined }
  | { kind: 'replace'; sandbox: string; changes: SandboxChanges }
  | { kind: 'drop'; sandbox: string };

/** The changes of one request (or one admin operation), made durable together or not at all. */
export interface ChangeSet {
  readonly ops: readonly Op[];
  /** When it was made (ms since the epoch, wall clock): the last use of every sandbox it touches. */
  readonly at: number;
  /** Takes the change set back out of the store's memory (a backend calls it before rejecting). */
  undo(): void;
  /** The last of this server's queued writes to its sandbox: a shared backend ends its turn with it (see `acquire`). */
  readonly endsTurn?: boolean;
}

/** A record by where it is kept: sandbox, API, collection, key. */
export type RecordRef = readonly [sandbox: string, api: string, collection: string, key: string];

/** A sandbox as the store keeps it in memory. */
export interface SandboxState {
  changes: SandboxChanges;
  /** Last request or change (ms since the epoch). */
  lastUsed: number;
  /**
   * How many changes it holds, those of `exceptApi` left out, when the backend can count them
   * without making `changes` (the embedded log keeps a sandbox nobody used since start-up as text);
   * undefined: count `changes`.
   */
  countChanges?(exceptApi?: string): number | undefined;
}

/** The embedded log as the health endpoint reports it (specs/admin.yaml, Health.log). */
export interface LogHealth {
  /** Bytes of the snapshot the last compaction wrote (or start-up found). */
  snapshotBytes: number;
  /** Segments not folded into the snapshot yet, the one being written included: grows while compactions fail. */
  logSegments: number;
  /** Compactions completed since start-up. */
  compactions: number;
  lastCompactionMs?: number;
  /** The first line of the last compaction's error, if it failed (the next threshold tries again). */
  lastCompactionError?: string;
}

export interface StoreBackend {
  /** `file` (the embedded log), `memory` (`--in-memory`), or another backend's name. */
  readonly kind: string;
  /** Where the data lives, for the start-up line and the health endpoint. */
  readonly location?: string;
  /**
   * Shared by a fleet of servers (Redis): the store's memory is a cache of it, and the backend
   * itself expires idle sandboxes and enforces the sandbox limit over the fleet.
   */
  readonly shared?: boolean;
  /** For a backend on another server (Redis): whether it is reachable right now. */
  readonly connected?: boolean;
  /** What it recovered from at start-up (e.g. a torn last log line), one line each, to report. */
  readonly notes?: readonly string[];
  /** The embedded log's state, for the health endpoint. */
  readonly log?: LogHealth;
  /**
   * Makes the store's memory of `sandbox` current before a request reads it. The embedded backends
   * own all the data, so they return undefined (nothing to wait for); a shared one checks the
   * sandbox's version in one round trip and, if another server changed it, installs its fresh
   * state in `memory` as a whole new SandboxState (records frozen; see `ownChanges`), so indexes
   * built on the old one cannot go stale.
   */
  prepare(sandbox: string, memory: Map<string, SandboxState>): Promise<void> | undefined;
  /**
   * A shared backend: takes this server's turn to write `sandbox` across the fleet (a short lease
   * in the backend, handed from server to server), then makes memory current as `prepare` does.
   * While a server holds the turn nobody else is expected to write the sandbox, so its writes
   * run back to back without checking first (undefined: nothing to wait for); a change set still
   * commits only if the sandbox is at the version it read, so a server whose turn lapsed cannot
   * overwrite another's write. The turn ends with a change set marked `endsTurn`, or `endTurn`.
   */
  acquire?(sandbox: string, memory: Map<string, SandboxState>): Promise<void> | undefined;
  /** Ends this server's turn on `sandbox` (best effort; nothing waits for it). */
  endTurn?(sandbox: string): void;
  /**
   * Makes a change set durable; resolves once it is. Change sets are committed in the order they
   * are passed. On failure the backend calls `undo()` on the failing change set and on every later
   * one it has not made durable, newest first, then rejects each with StoreUnavailableError — or
   * StoreConflictError when another server changed a sandbox meanwhile (the request is re-run).
   */
  commit(set: ChangeSet): Promise<void>;
  /**
   * Notes a request to a stored sandbox that changed nothing (its last use). Best effort: nothing
   * waits for it, and a backend may write it lazily.
   */
  touch(sandbox: string, at: number): void;
  /** A shared backend: the names of the named sandboxes it holds (other servers' too). */
  list?(): Promise<string[]>;
  /** Settles when everything committed so far is durable (or rolled back). */
  flush(): Promise<void>;
  /** Flushes, then releases files or connections. */
  close(): Promise<void>;
}

/** The data cannot be used at start-up; `message` is one printable line naming the file (and line). */
export class DataFileError extends Error {
  override name = 'DataFileError';
}

/** A change could not be made durable; it was rolled back. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(
    message: string,
    /** What the client is told (the message is for the log). */
    readonly detail = 'The sandbox could not store the change; nothing was changed.',
  ) {
    super(message);
  }
}

/** Another server changed a sandbox this change set read; it was rolled back and may be re-run. */
export class StoreConflictError extends Error {
  override name = 'StoreConflictError';
}

/** A request would create one more sandbox than `--max-sandboxes` allows; nothing was changed. */
export class SandboxLimitError extends Error {
  override name = 'SandboxLimitError';
  constructor(readonly limit: number) {
    super(`this server holds its maximum of ${limit} sandboxes; reuse or delete one, or wait for idle ones to expire`);
  }
}

/** Maps keyed by user-supplied ids are null-prototype objects, so `__proto__` is just a key. */
export const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

export const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** The changes to one collection of a sandbox (its overlay on the fixtures), added empty when there are none yet. */
export function overlayOf(changes: SandboxChanges, api: string, collection: string): Overlay {
  const collections = hasOwn(changes, api) ? changes[api] : (changes[api] = dict());
  return hasOwn(collections, collection) ? collections[collection] : (collections[collection] = new Map());
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === Object.prototype || proto === null || proto === Array.prototype) {
      // JSON data (start-up freezes every stored record: this is its hot loop). A for-in loop
      // allocates nothing, and these prototypes have no enumerable properties to skip.
      for (const key in value) {
        const v = (value as Record<string, unknown>)[key];
        if (typeof v === 'object' && v !== null) deepFreeze(v);
      }
    } else {
      for (const v of Object.values(value)) deepFreeze(v);
    }
  }
  return value;
}

/** JSON changes as the store keeps them: null-prototype objects of overlays, frozen records. */
export function ownChanges(changes: ChangesJson): SandboxChanges {
  const copy = dict<SandboxChanges[string]>();
  for (const [api, collections] of Object.entries(changes)) {
    copy[api] = dict();
    for (const [collection, rows] of Object.entries(collections)) {
      const target: Overlay = (copy[api][collection] = new Map());
      for (const [key, row] of Object.entries(rows)) target.set(key, row === null ? null : deepFreeze(row));
    }
  }
  return copy;
}

/** The store's changes as JSON (null-prototype objects: a key may be `__proto__`). */
export function changesJson(changes: SandboxChanges): ChangesJson {
  const json = dict<ChangesJson[string]>();
  for (const api of Object.keys(changes)) {
    json[api] = dict();
    for (const collection of Object.keys(changes[api])) {
      const rows = (json[api][collection] = dict<Row | null>());
      for (const [key, row] of changes[api][collection]) rows[key] = row;
    }
  }
  return json;
}

/** Calls `fn` for every entry of a sandbox's changes, in memory or as JSON (a replace op's). */
export function forEachChange(changes: SandboxChanges | ChangesJson, fn: (api: string, collection: string, key: string, value: Row | null) => void): void {
  for (const api of Object.keys(changes)) {
    for (const collection of Object.keys(changes[api])) {
      const rows = changes[api][collection];
      for (const [key, row] of rows instanceof Map ? rows : Object.entries(rows)) fn(api, collection, key, row);
    }
  }
}

export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
