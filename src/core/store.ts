// The sandbox store: immutable fixture data shared by every sandbox, plus per-sandbox changes
// (copy-on-write) kept in one lowdb document that is written atomically to the data file.
//
// Memory grows with what sandboxes change, not with their number: a sandbox holds only the
// records it wrote (or a `null` tombstone for a fixture record it deleted).
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Low, Memory, type Adapter } from 'lowdb';
import { JSONFile } from 'lowdb/node';

export type Row = Readonly<Record<string, unknown>>;
/** collection → key → record */
export type ApiDataset = Record<string, Record<string, Row>>;
/** api slug → collection → key → record */
export type Dataset = Record<string, ApiDataset>;
/** api slug → collection → key → record, or null where a fixture record was deleted */
export type SandboxChanges = Record<string, Record<string, Record<string, Row | null>>>;

export interface StoreDocument {
  format: 1;
  seed: number;
  sandboxes: Record<string, SandboxChanges>;
}

export const DEFAULT_SANDBOX = 'default';

/** The data file cannot be used; `message` is one line naming the file. */
export class DataFileError extends Error {
  override name = 'DataFileError';
}

/** A write could not be made durable; the change was rolled back. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
/** Maps keyed by user-supplied ids are null-prototype objects, so `__proto__` is just a key. */
const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
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

interface WriteBatch {
  undo: Array<() => void>;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

function newBatch(): WriteBatch {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(() => undefined); // a batch nobody waits for must not be an unhandled rejection
  return { undo: [], done, resolve, reject };
}

export interface StoreOptions {
  /** Data file path; ignored when `inMemory`. */
  file?: string;
  inMemory?: boolean;
  /** Fixture seed; defaults to the data file's seed, or `defaultSeed` for a new file. */
  seed?: number;
  defaultSeed: number;
  /** Loads the fixture dataset for a seed. */
  loadFixtures(seed: number): Promise<Dataset> | Dataset;
}

export class Store {
  private readonly sandboxes = new Map<string, Sandbox>();
  private collecting: WriteBatch | null = null;
  private writing: WriteBatch | null = null;
  private changes = 0;
  private handling = 0;
  private lastChange: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: Low<StoreDocument>,
    readonly base: BaseData,
    readonly file: string | undefined,
  ) {}

  static async open(options: StoreOptions): Promise<Store> {
    let db: Low<StoreDocument>;
    let fresh = false;
    if (options.inMemory || !options.file) {
      db = new Low<StoreDocument>(new Memory(), emptyDocument(options.seed ?? options.defaultSeed));
    } else {
      const file = options.file;
      db = new Low<StoreDocument>(new DataFileAdapter(file), emptyDocument(options.seed ?? options.defaultSeed));
      let stored: unknown;
      try {
        stored = await new JSONFile<unknown>(file).read();
      } catch (error) {
        throw new DataFileError(`cannot read data file ${file}: ${describeReadError(error)}`);
      }
      if (stored === null) {
        fresh = true;
      } else {
        db.data = checkDocument(stored, file);
        if (options.seed !== undefined && options.seed !== db.data.seed) {
          throw new DataFileError(
            `data file ${file} was created with seed ${db.data.seed}, not ${options.seed}: ` +
              `pass --seed ${db.data.seed} or use another --data file`,
          );
        }
      }
    }
    const base = new BaseData(await options.loadFixtures(db.data.seed));
    const store = new Store(db, base, options.inMemory ? undefined : options.file);
    if (fresh && options.file) {
      try {
        await mkdir(dirname(options.file), { recursive: true });
        await db.write();
      } catch (error) {
        throw new DataFileError(`cannot create data file ${options.file}: ${oneLine(error)}`);
      }
    }
    return store;
  }

  get seed(): number {
    return this.db.data.seed;
  }

  /**
   * The sandbox of that name; a new name starts as the fixtures, and is persisted once it changes.
   * Only sandboxes holding changes are kept: a client reading with a fresh `X-Sandbox-Id` per run
   * must not make the server grow. (Views of one sandbox are interchangeable: its state, indexes
   * included, lives with its changes.)
   */
  sandbox(name: string = DEFAULT_SANDBOX): Sandbox {
    let sandbox = this.sandboxes.get(name);
    if (!sandbox) {
      sandbox = new Sandbox(name, this);
      if (name === DEFAULT_SANDBOX || hasOwn(this.db.data.sandboxes, name)) this.sandboxes.set(name, sandbox);
    }
    return sandbox;
  }

  /** Names of the sandboxes that hold changes, plus the default one. */
  sandboxNames(): string[] {
    return [...new Set([DEFAULT_SANDBOX, ...Object.keys(this.db.data.sandboxes), ...this.sandboxes.keys()])];
  }

  /** Number of records a sandbox changed (added, replaced or deleted) relative to the fixtures. */
  changeCount(name: string): number {
    let count = 0;
    for (const collections of Object.values(this.changesOf(name) ?? {})) {
      for (const rows of Object.values(collections)) count += Object.keys(rows).length;
    }
    return count;
  }

  /**
   * Replaces a sandbox's changes wholesale: `undefined` takes it back to the fixtures (reset).
   * Settles when that is on disk, or rejects after it was rolled back.
   */
  replaceChanges(name: string, changes: SandboxChanges | undefined): Promise<void> {
    const all = this.db.data.sandboxes;
    const had = hasOwn(all, name);
    const previous = all[name];
    // New change maps come with no indexes (they are kept per map), so none can be stale.
    const set = (next: SandboxChanges | undefined) => {
      if (next === undefined) delete all[name];
      else all[name] = next;
    };
    set(changes && ownChanges(changes));
    return this.recordChange(() => set(had ? previous : undefined));
  }

  /** Deletes a sandbox: its changes and its name. Settles when that is on disk. */
  deleteSandbox(name: string): Promise<void> {
    const done = this.replaceChanges(name, undefined);
    this.sandboxes.delete(name);
    return done;
  }

  /** @internal The stored changes of a sandbox, if it has any. */
  changesOf(name: string): SandboxChanges | undefined {
    return this.db.data.sandboxes[name];
  }

  /** @internal The stored changes of a sandbox, created on first write. */
  changesFor(name: string): SandboxChanges {
    const all = this.db.data.sandboxes;
    if (!hasOwn(all, name)) all[name] = dict();
    return all[name];
  }

  /**
   * Registers one change (with the way to undo it) in the next write to disk.
   * The promise settles when the change is durable, or rejects after it was rolled back.
   */
  recordChange(undo: () => void): Promise<void> {
    this.changes++;
    if (!this.file) return this.lastChange;
    if (!this.collecting) {
      this.collecting = newBatch();
      if (!this.writing) setImmediate(() => this.writeWhenQuiet());
    }
    this.collecting.undo.push(undo);
    this.lastChange = this.collecting.done;
    return this.lastChange;
  }

  /** A mark to pass to `durableSince`. */
  changeMark(): number {
    return this.changes;
  }

  /** Settles when every change made since `mark` is on disk; rejects if they were rolled back. */
  durableSince(mark: number): Promise<void> {
    return this.changes === mark ? Promise.resolve() : this.lastChange;
  }

  /** Waits until every change made so far is on disk (or rolled back). */
  async flush(): Promise<void> {
    const pending = [this.writing?.done, this.collecting?.done].filter(Boolean);
    await Promise.allSettled(pending);
  }

  /**
   * Group commit: one write covers every change made since the previous write started,
   * so under load there is one file write per batch, never one per request.
   */
  private async writeNext(): Promise<void> {
    if (this.writing || !this.collecting) return;
    const batch = (this.writing = this.collecting);
    this.collecting = null;
    try {
      await this.db.write();
    } catch (error) {
      // Roll back everything that is not durable, newest first, so memory matches the file.
      const newer = this.collecting as WriteBatch | null;
      this.collecting = null;
      this.writing = null;
      const failure = new StoreUnavailableError(`cannot write data file ${this.file}: ${oneLine(error)}`);
      for (const b of [newer, batch]) {
        if (!b) continue;
        for (let i = b.undo.length - 1; i >= 0; i--) b.undo[i]();
        b.reject(failure);
      }
      return;
    }
    this.writing = null;
    batch.resolve();
    if (this.collecting) this.writeWhenQuiet();
  }

  /**
   * Marks a request as being handled (it may be about to change something) until the returned
   * function is called.
   */
  beginHandling(): () => void {
    this.handling++;
    let ended = false;
    return () => {
      if (!ended) {
        ended = true;
        this.handling--;
      }
    };
  }

  /**
   * Group commit: a write costs about the same whatever it holds, and far more when it starts
   * while requests are being handled (each of its I/O steps then waits for the busy event
   * loop). Under load, the requests being handled are about to add their changes. So a write
   * waits until no request is being handled, for at most MAX_LINGER_MS.
   */
  private writeWhenQuiet(started = performance.now()): void {
    if (this.handling === 0 || performance.now() - started >= MAX_LINGER_MS) void this.writeNext();
    else setTimeout(() => this.writeWhenQuiet(started), 1);
  }
}

const MAX_LINGER_MS = 10;

/** One isolated sandbox: the fixtures plus this sandbox's own changes. */
export class Sandbox {
  private readonly collections = new Map<string, Collection>();
  private readonly apis = new Map<string, ApiData>();

  constructor(
    readonly name: string,
    private readonly store: Store,
  ) {}

  collection<T extends object = Row>(api: string, name: string): Collection<T> {
    const key = `${api}/${name}`;
    let collection = this.collections.get(key);
    if (!collection) {
      collection = new Collection(this.store, this.name, api, name);
      this.collections.set(key, collection);
    }
    return collection as unknown as Collection<T>;
  }

  /** The data of one API in this sandbox. */
  api(slug: string): ApiData {
    let data = this.apis.get(slug);
    if (!data) {
      data = { collection: <T extends object = Row>(name: string) => this.collection<T>(slug, name) };
      this.apis.set(slug, data);
    }
    return data;
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

  private overlay(): Record<string, T | null> | undefined {
    return this.store.changesOf(this.sandbox)?.[this.api]?.[this.name] as Record<string, T | null> | undefined;
  }

  private overlayForWrite(): Record<string, T | null> {
    const changes = this.store.changesFor(this.sandbox);
    if (!hasOwn(changes, this.api)) changes[this.api] = dict();
    const api = changes[this.api];
    if (!hasOwn(api, this.name)) api[this.name] = dict();
    return api[this.name] as Record<string, T | null>;
  }

  get(key: string): T | undefined {
    const overlay = this.overlay();
    if (overlay && hasOwn(overlay, key)) return overlay[key] ?? undefined;
    return this.base.rows.get(key) as T | undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Every record, fixtures first (in fixture order), then added ones in insertion order. */
  *entries(): IterableIterator<[string, T]> {
    const overlay = this.overlay();
    for (const [key, row] of this.base.rows) {
      if (overlay && hasOwn(overlay, key)) {
        const changed = overlay[key];
        if (changed) yield [key, changed];
      } else {
        yield [key, row as T];
      }
    }
    if (overlay) {
      for (const key of Object.keys(overlay)) {
        const row = overlay[key];
        if (row && !this.base.rows.has(key)) yield [key, row];
      }
    }
  }

  values(): T[] {
    return Array.from(this.entries(), ([, row]) => row);
  }

  get size(): number {
    let size = this.base.rows.size;
    const overlay = this.overlay();
    if (overlay) {
      for (const key of Object.keys(overlay)) {
        const inBase = this.base.rows.has(key);
        if (overlay[key] === null) {
          if (inBase) size--;
        } else if (!inBase) size++;
      }
    }
    return size;
  }

  /** Records whose `field` equals `value`, through an index (no full scan). */
  where(field: string, value: unknown): T[] {
    const overlay = this.overlay();
    const out: T[] = [];
    for (const key of this.base.index(field).get(value) ?? []) {
      if (!overlay || !hasOwn(overlay, key)) out.push(this.base.rows.get(key) as T);
    }
    if (overlay) {
      for (const key of this.overlayIndex(field, overlay).get(value) ?? []) {
        const row = overlay[key];
        if (row) out.push(row);
      }
    }
    return out;
  }

  /** Inserts or replaces a record. The returned promise settles when the change is on disk. */
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
    const overlay = this.overlayForWrite();
    const had = hasOwn(overlay, key);
    const previous = overlay[key];
    this.setOverlay(overlay, key, next);
    return this.store.recordChange(() => this.setOverlay(this.overlayForWrite(), key, had ? previous : undefined));
  }

  private setOverlay(overlay: Record<string, T | null>, key: string, next: T | null | undefined): void {
    const previous = hasOwn(overlay, key) ? overlay[key] : undefined;
    for (const [field, index] of indexesOf(overlay)) {
      if (previous) index.get(fieldOf(previous, field))?.delete(key);
      if (next) {
        const keys = index.get(fieldOf(next, field));
        if (keys) keys.add(key);
        else index.set(fieldOf(next, field), new Set([key]));
      }
    }
    if (next === undefined) delete overlay[key];
    else overlay[key] = next;
    noteWritten(overlay, key);
  }

  private overlayIndex(field: string, overlay: Record<string, T | null>): Map<unknown, Set<string>> {
    const indexes = indexesOf(overlay);
    let index = indexes.get(field);
    if (!index) {
      index = new Map();
      for (const key of Object.keys(overlay)) {
        const row = overlay[key];
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

/** A copy of `changes` as the store keeps them: null-prototype maps, frozen records. */
function ownChanges(changes: SandboxChanges): SandboxChanges {
  const copy = dict<SandboxChanges[string]>();
  for (const [api, collections] of Object.entries(changes)) {
    copy[api] = dict();
    for (const [collection, rows] of Object.entries(collections)) {
      const target = (copy[api][collection] = dict<Row | null>());
      for (const [key, row] of Object.entries(rows)) target[key] = row === null ? null : deepFreeze(row);
    }
  }
  return copy;
}

const fieldOf = (row: object, field: string): unknown => (row as Record<string, unknown>)[field];

/** Stored records are frozen, so each one's JSON is computed once. */
const recordJson = new WeakMap<object, string>();

function jsonOf(row: Row): string {
  let json = recordJson.get(row);
  if (json === undefined) {
    json = JSON.stringify(row);
    recordJson.set(row, json);
  }
  return json;
}

/** Keys written in a collection since its text was last serialized. */
const writtenKeys = new WeakMap<object, Set<string>>();

function noteWritten(rows: object, key: string): void {
  let keys = writtenKeys.get(rows);
  if (!keys) {
    keys = new Set();
    writtenKeys.set(rows, keys);
  }
  keys.add(key);
}

/** A collection's serialized entries (UTF-8), in chunks of CHUNK keys, from the last write. */
interface CollectionText {
  keys: string[];
  positions: Map<string, number>;
  chunks: Buffer[];
}
const CHUNK = 256;
const collectionTexts = new WeakMap<object, CollectionText>();
/** Keys JavaScript orders first, numerically, whatever their insertion order. */
const INDEX_LIKE = /^(?:0|[1-9][0-9]{0,8})$/;

/**
 * The entries of one collection as JSON text, in chunks. A chunk is reused from the last write
 * while none of its keys was written since; when the written keys are all new, they follow the
 * old ones, so adding records to a large collection costs its last chunk only.
 */
function collectionText(rows: Record<string, Row | null>): Buffer[] {
  const previous = collectionTexts.get(rows);
  const written = writtenKeys.get(rows);
  writtenKeys.delete(rows);
  if (previous && !written) return previous.chunks;

  let keys: string[] | undefined;
  const stale = new Set<number>();
  if (previous) {
    const appended: string[] = [];
    for (const key of written!) {
      const position = previous.positions.get(key);
      const present = hasOwn(rows, key);
      if (position !== undefined && present) stale.add(Math.floor(position / CHUNK));
      else if (position === undefined && present && !INDEX_LIKE.test(key)) appended.push(key);
      else if (position !== undefined || present) {
        stale.clear();
        appended.length = 0;
        keys = undefined;
        break; // a key went away, or was placed by number: recompute the order
      }
      keys = previous.keys;
    }
    if (keys) {
      for (const key of appended) {
        stale.add(Math.floor(keys.length / CHUNK));
        previous.positions.set(key, keys.length);
        keys.push(key);
      }
    }
  }
  let positions = previous?.positions;
  if (!keys) {
    keys = Object.keys(rows);
    positions = new Map(keys.map((key, i) => [key, i]));
    stale.clear();
  }
  const chunks: Buffer[] = [];
  for (let start = 0, c = 0; start < keys.length; start += CHUNK, c++) {
    const reuse = previous && keys === previous.keys ? !stale.has(c) && previous.chunks[c] : reusableChunk(previous, keys, start, written);
    if (reuse) {
      chunks.push(reuse);
      continue;
    }
    const entries: string[] = [];
    for (let i = start; i < Math.min(start + CHUNK, keys.length); i++) {
      const row = rows[keys[i]];
      entries.push(`\n${JSON.stringify(keys[i])}:${row === null ? 'null' : jsonOf(row)}`);
    }
    chunks.push(Buffer.from(entries.join(',')));
  }
  collectionTexts.set(rows, { keys, positions: positions!, chunks });
  return chunks;
}

/** The previous chunk at `start`, if it holds exactly the same keys and none was written since. */
function reusableChunk(previous: CollectionText | undefined, keys: string[], start: number, written: Set<string> | undefined): Buffer | undefined {
  if (!previous) return undefined;
  const c = start / CHUNK;
  const end = Math.min(start + CHUNK, keys.length);
  if (c >= previous.chunks.length || Math.min(start + CHUNK, previous.keys.length) !== end) return undefined;
  for (let i = start; i < end; i++) if (previous.keys[i] !== keys[i] || written?.has(keys[i])) return undefined;
  return previous.chunks[c];
}

/**
 * The data file's bytes: compact JSON with one record per line (readable with grep and diff),
 * assembled from bytes remembered per record chunk, so a write costs little more than copying
 * the file, however many records the sandboxes hold.
 */
export function serializeDocument(doc: StoreDocument): Buffer {
  return Buffer.concat(documentParts(doc));
}

/** The data file's bytes as a list of parts (see serializeDocument). */
function documentParts(doc: StoreDocument): Buffer[] {
  const parts: Buffer[] = [Buffer.from(`{"format":${doc.format},"seed":${doc.seed},"sandboxes":{`)];
  const text = (s: string) => parts.push(Buffer.from(s));
  Object.entries(doc.sandboxes).forEach(([name, apis], i) => {
    text(`${i ? ',' : ''}\n${JSON.stringify(name)}:{`);
    Object.entries(apis).forEach(([api, collections], j) => {
      text(`${j ? ',' : ''}${JSON.stringify(api)}:{`);
      Object.entries(collections).forEach(([collection, rows], k) => {
        text(`${k ? ',' : ''}${JSON.stringify(collection)}:{`);
        collectionText(rows).forEach((chunk, c) => {
          if (c) text(',');
          parts.push(chunk);
        });
        text('}');
      });
      text('}');
    });
    text('}');
  });
  text('}}\n');
  return parts;
}

/** Parts per writev call, under the usual IOV_MAX of 1024. */
const PARTS_PER_WRITE = 1000;

/**
 * lowdb's adapter for the data file: written atomically as lowdb's steno does — a temporary file
 * next to it, then a rename. The document's parts go to the kernel as they are (writev), without
 * joining them first; fs/promises.writeFile would write 512 KB pieces, each waiting for the busy
 * event loop.
 */
class DataFileAdapter implements Adapter<StoreDocument> {
  private readonly temporary: string;

  constructor(private readonly file: string) {
    this.temporary = join(dirname(file), `.${basename(file)}.tmp`);
  }

  async read(): Promise<StoreDocument | null> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as StoreDocument;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async write(doc: StoreDocument): Promise<void> {
    const parts = documentParts(doc);
    const handle = await open(this.temporary, 'w');
    try {
      for (let i = 0; i < parts.length; i += PARTS_PER_WRITE) {
        const slice = parts.slice(i, i + PARTS_PER_WRITE);
        const length = slice.reduce((sum, part) => sum + part.length, 0);
        const { bytesWritten } = await handle.writev(slice);
        if (bytesWritten !== length) await handle.write(Buffer.concat(slice).subarray(bytesWritten));
      }
    } finally {
      await handle.close();
    }
    await rename(this.temporary, this.file);
  }
}

function emptyDocument(seed: number): StoreDocument {
  return { format: 1, seed, sandboxes: dict() };
}

/** Checks a parsed data file and rebuilds its maps as null-prototype objects. */
function checkDocument(value: unknown, file: string): StoreDocument {
  const doc = value as Partial<StoreDocument> | null;
  if (!doc || typeof doc !== 'object' || doc.format !== 1 || typeof doc.seed !== 'number' || !isObject(doc.sandboxes)) {
    throw new DataFileError(`cannot read data file ${file}: not a banking-api-sandbox data file (format 1)`);
  }
  const sandboxes = dict<SandboxChanges>();
  for (const [name, apis] of Object.entries(doc.sandboxes)) {
    if (!isObject(apis)) throw new DataFileError(`cannot read data file ${file}: sandbox ${name} is not an object`);
    for (const [api, collections] of Object.entries(apis)) {
      if (!isObject(collections)) throw new DataFileError(`cannot read data file ${file}: ${name}.${api} is not an object`);
      for (const [collection, rows] of Object.entries(collections)) {
        if (!isObject(rows)) throw new DataFileError(`cannot read data file ${file}: ${name}.${api}.${collection} is not an object`);
      }
    }
    sandboxes[name] = ownChanges(apis as SandboxChanges);
  }
  return { format: 1, seed: doc.seed, sandboxes };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** V8 quotes the start of the text in a JSON error, which may be binary: keep one printable line. */
function describeReadError(error: unknown): string {
  if (!(error instanceof SyntaxError)) return oneLine(error);
  const reason = error.message.replace(/, ".*" is not valid JSON$/s, '').replace(/[^\x20-\x7e]/g, '?');
  return `not valid JSON (${reason})`;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
