// The embedded backend: a snapshot plus a log of change sets, both JSON Lines, next to each other.
//
//   data/sandbox.json         snapshot: {"format":2,"seed":1,"log":4}, then one line per sandbox
//                             (["s",name,lastUsed]) and per changed record (["p",sandbox,api,collection,key,record])
//   data/sandbox.json.log.4   log segments from the snapshot's "log" on: one change set per line,
//   data/sandbox.json.log.5   {"t":ms,"o":[op,…]} with ops ["p",…] (put; no record: entry removed),
//                             ["r",sandbox,changes] (replace), ["d",sandbox] (drop), ["u",sandbox] (used)
//
// A change set is acknowledged once its line is written durably (group commit: one O_DSYNC write
// per batch, as a write then an fdatasync). A segment is filled with zeros ahead of its data,
// durably and PREFILL bytes at a time (in the background, while batches are written below them),
// and each batch is written over those zeros where the data ends: the file's size and blocks stay
// as they are, so the disk only has to store the bytes (an append would also commit the file
// system's journal, for the new size: several times slower here). The data ends at the first NUL
// byte (JSON text never holds one). Past a threshold the log is compacted in the background:
// appends move to a new segment, the old snapshot and the closed segments are merged line by line
// into a temporary file, fsync'd and renamed over the snapshot (then the folder is fsync'd), and
// only then are the folded segments deleted. That merge (compact()) reads files only, never memory,
// so with Node's file system it runs in a worker thread (src/compact-worker.ts): the main thread
// only starts it and awaits the new snapshot's size. Start-up streams the snapshot (keeping each
// sandbox's records as text until the sandbox is first used: StoredSandbox), checks every line, and
// replays the segments.
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { compactWorkerFile } from '../../paths.js';
import type { BackendContext, RecordCheck } from '../store.js';
import {
  DataFileError,
  StoreUnavailableError,
  changesJson,
  deepFreeze,
  dict,
  forEachChange,
  oneLine,
  overlayOf,
  ownChanges,
  type ChangeSet,
  type ChangesJson,
  type LogHealth,
  type Op,
  type RecordRef,
  type Row,
  type SandboxChanges,
  type SandboxState,
  type StoreBackend,
} from './backend.js';
import { readLines, realFileSystem, replaceFile, syncFolder, type FileHandle, type FileSystem } from './files.js';
import { lineProblem, SharedProgress } from './precheck.js';

const FORMAT = 2;
/** A read-only request writes its sandbox's last use at most this often. */
const TOUCH_EVERY_MS = 60_000;
/** Start-up reads big chunks; compaction small ones, so each slice of its work is short (when it runs on the main thread). */
const LOAD_CHUNK = 1 << 20;
const COMPACT_CHUNK = 64 << 10;
/**
 * The log is compacted once it holds more than the snapshot, so each record is rewritten about
 * once per its own size of writes; but at least 16 MB (a small store is not rewritten at every
 * write), and at most 64 MB: a compaction holds the log it folds in memory (about twice its size,
 * in the worker thread), start-up replays it, and the disk holds it beside the snapshot. Beyond
 * 64 MB of snapshot (about 160,000 records), a compaction rewrites more than it folds.
 */
export function compactionThreshold(snapshotBytes: number): number {
  return Math.min(64 << 20, Math.max(16 << 20, snapshotBytes));
}
/** A segment is filled with zeros this much ahead of its data (or as much as a bigger batch needs). */
const PREFILL = 256 << 10;
/**
 * Log writes are at most this long, one after another: a crash tears at most the one being
 * written, so past the data's end nothing but zeros lies further than this (checked at start-up).
 */
const WRITE_MAX = 1 << 20;

export interface LogOptions {
  /** Compact once the log holds more than this many bytes (default: compactionThreshold() of the snapshot's size). */
  compactBytes?: number;
  /** The file system (default: Node's; tests pass a simulation of power cuts). */
  fs?: FileSystem;
  /**
   * The module a worker thread runs each compaction in, with Node's file system (default: the
   * built dist/compact-worker.js; none when running from the TypeScript sources). Without it, or
   * with `fs`, compaction runs on the main thread, in slices.
   */
  compactWorker?: string;
  /** Bytes of zeros written ahead of the data at a time (default 256 KiB; tests make fills frequent). */
  prefillBytes?: number;
  /**
   * The worker thread checking the snapshot's lines from the front (see precheck.ts), that the
   * built command's loader started for `file` (an absolute path): start-up checks them from the end
   * until they meet. Without it, start-up checks every line itself.
   */
  precheck?: { file: string; progress: SharedArrayBuffer };
}

/** What compaction did, for tests and the benchmark. */
export interface CompactionStats {
  compactions: number;
  /** Longest stretch of the main thread's compaction work without yielding to the event loop (with a worker: starting it). */
  longestSliceMs: number;
  lastDurationMs: number;
  lastError?: string;
}

interface Queued {
  text: string;
  set?: ChangeSet;
}

/** The promise of a batch: every change set in it is acknowledged (or refused) together. */
interface Batch {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export async function openLog(file: string, context: BackendContext, options: LogOptions = {}): Promise<{ backend: LogBackend; seed: number }> {
  const fs = options.fs ?? realFileSystem;
  const exists = await fs.stat(file).then(
    s => s,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new DataFileError(`cannot read data file ${file}: ${oneLine(error)}`);
    },
  );
  let loaded: Loaded;
  try {
    loaded = await load(fs, file, context, options, exists, true);
  } catch {
    // Something is wrong somewhere (whichever thread found it): load the files again the eager
    // way, every line in order, then check every record in memory, which names the first problem
    // (or finds none: a bad snapshot record the log replaced is no error).
    context.memory.clear();
    loaded = await load(fs, file, context, options, exists, false);
  }
  const { header, migrateFrom, segments, live, notes } = loaded;
  let { logBytes } = loaded;
  let snapshotBytes = exists?.size ?? 0;
  const seed = header?.seed ?? context.seed ?? context.defaultSeed;
  const from = header?.log ?? 0;

  // Nothing was written before this point: a file that fails to load or validate is untouched.
  try {
    await fs.mkdir(dirname(file), { recursive: true });
    if (!header) {
      await replaceFile(fs, file, temporaryOf(file), out => out.line(headerLine(seed, 0)));
    } else if (migrateFrom) {
      await keepFormat1(fs, file);
      await replaceFile(fs, file, temporaryOf(file), async out => {
        await out.line(headerLine(seed, live.length ? Math.max(...live) + 1 : from));
        for (const [name, state] of context.memory) await writeSandbox(out, name, state);
      });
      notes.push(`${file}: converted from format 1 (the original is kept as ${basename(file)}.format1)`);
      live.length = 0;
      logBytes = 0;
    }
    for (const n of segments) if (n < from) await fs.unlink(segmentPath(file, n)); // already in the snapshot
    if (!header || migrateFrom) snapshotBytes = (await fs.stat(file)).size;
  } catch (error) {
    throw new DataFileError(`cannot write data file ${file}: ${oneLine(error)}`);
  }
  const next = Math.max(from, ...segments.map(n => n + 1));
  const backend = new LogBackend(fs, file, seed, next, live, logBytes, snapshotBytes, options, notes, loaded.lazy);
  return { backend, seed };
}

export class LogBackend implements StoreBackend {
  readonly kind = 'file';
  readonly stats: CompactionStats = { compactions: 0, longestSliceMs: 0, lastDurationMs: 0 };
  private queue: Queued[] = [];
  /** Settles when the change sets queued now are durable: one promise per batch, not one per change set. */
  private queued: Batch | null = null;
  private draining: Promise<void> | null = null;
  private compaction: Promise<void> | null = null;
  private handle?: FileHandle;
  /** Bytes of data in the segment being written: the next batch goes there. */
  private size = 0;
  /** The segment holds zeros (durably) from `size` up to here. */
  private filled = 0;
  /** Zeros being written past `filled`, in the background (see prefill). */
  private filling: Promise<void> | null = null;
  /** PREFILL bytes of zeros, for fills (never written to). */
  private readonly zeros: Buffer;
  /** A failed write may have left bytes up to here: they are zeroed before the next batch. */
  private dirty = 0;
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly fs: FileSystem,
    readonly location: string,
    private readonly seed: number,
    /** The segment appends go to (created on the first append). */
    private segment: number,
    /** Segments not yet folded into the snapshot, the current one excluded. */
    private readonly closed: number[],
    /** Bytes in the log since the snapshot. */
    private logBytes: number,
    private snapshotBytes: number,
    private readonly options: LogOptions,
    /** What start-up recovered from (a torn last line, a conversion), to report. */
    readonly notes: string[],
    /** Whether start-up kept the snapshot's records as text (false: it loaded them again in order to name a problem, or converted format 1). */
    readonly lazy = false,
  ) {
    this.zeros = Buffer.alloc(options.prefillBytes ?? PREFILL);
    this.maybeCompact();
  }

  prepare(): undefined {
    return undefined;
  }

  commit(set: ChangeSet): Promise<void> {
    for (const op of set.ops) {
      if (op.kind === 'drop') this.touched.delete(op.sandbox);
      else this.touched.set(op.sandbox, set.at);
    }
    const batch = (this.queued ??= newBatch());
    this.enqueue({ text: JSON.stringify({ t: set.at, o: set.ops.map(encode) }), set });
    return batch.promise;
  }

  touch(sandbox: string, at: number): void {
    if (at - (this.touched.get(sandbox) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(sandbox, at);
    this.enqueue({ text: JSON.stringify({ t: at, o: [['u', sandbox]] }) });
  }

  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async close(): Promise<void> {
    await this.flush();
    while (this.compaction) await this.compaction;
    await this.filling;
    if (this.handle) await closeSegment(this.handle, this.size);
    this.handle = undefined;
  }

  /** Whether a compaction is running (tests). */
  get compacting(): boolean {
    return this.compaction !== null;
  }

  /** Waits for a running compaction (tests). */
  async compacted(): Promise<void> {
    while (this.compaction) await this.compaction;
  }

  /** For the health endpoint. */
  get log(): LogHealth {
    const { compactions, lastDurationMs, lastError } = this.stats;
    return {
      snapshotBytes: this.snapshotBytes,
      logSegments: this.closed.length + 1,
      compactions,
      ...(compactions ? { lastCompactionMs: Math.round(lastDurationMs) } : {}),
      ...(lastError ? { lastCompactionError: lastError } : {}),
    };
  }

  /** Starts a compaction now, whatever the log's size (tests, the benchmark). */
  async compactNow(): Promise<void> {
    // Not while a batch is being appended: the rotation would take its file from under it.
    await this.flush();
    this.maybeCompact(true);
    return this.compacted();
  }

  private enqueue(entry: Queued): void {
    this.queue.push(entry);
    this.kick();
  }

  /** Group commit: everything queued while a batch is being written goes in the next one. */
  private kick(): void {
    if (this.draining) return;
    this.draining = new Promise<void>(resolve => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.draining = null;
        if (this.queue.length) this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue;
      const settle = this.queued;
      this.queue = [];
      this.queued = null;
      try {
        await this.append(Buffer.from(`${batch.map(e => e.text).join('\n')}\n`));
      } catch (error) {
        // Roll back everything not durable, newest first, so memory matches the log.
        const failed = [...batch, ...this.queue];
        const refused = [settle, this.queued];
        this.queue = [];
        this.queued = null;
        const failure = new StoreUnavailableError(`cannot write data file ${segmentPath(this.location, this.segment)}: ${oneLine(error)}`);
        for (let i = failed.length - 1; i >= 0; i--) failed[i].set?.undo();
        for (const each of refused) each?.reject(failure);
        continue;
      }
      settle?.resolve();
      this.maybeCompact();
    }
  }

  private async append(bytes: Buffer): Promise<void> {
    if (!this.handle) {
      const path = segmentPath(this.location, this.segment);
      // Each write is durable when it returns (O_DSYNC): one trip to the thread pool per batch, not two.
      const handle = await this.fs.open(path, 'wd');
      try {
        await syncFolder(this.fs, path); // the new segment's name survives a power cut
      } catch (error) {
        await handle.close();
        throw error;
      }
      this.handle = handle;
      this.size = this.filled = this.dirty = 0;
    }
    await this.zeroDirty();
    // Zeros on their way may be all this batch needs.
    if (this.size + bytes.length > this.filled && this.filling) await this.filling;
    if (this.size + bytes.length > this.filled) {
      const more = Math.max(this.zeros.length, this.size + bytes.length - this.filled);
      await writeAt(this.handle, more === this.zeros.length ? this.zeros : Buffer.alloc(more), this.filled);
      this.filled += more;
    }
    try {
      await writeAt(this.handle, bytes, this.size);
    } catch (error) {
      // Whatever part of the batch reached the file is rolled back in memory: zero it now, or before the next batch.
      this.dirty = this.size + bytes.length;
      await this.zeroDirty().catch(() => undefined);
      throw error;
    }
    this.size += bytes.length;
    this.logBytes += bytes.length;
    this.prefill();
  }

  /**
   * Once less than half a PREFILL of zeros lies ahead of the data, writes the next PREFILL of them
   * in the background, past `filled` (where no data is, nor will be before they are done): batches
   * go on being written below them meanwhile, instead of one batch waiting for the fill (2–14 ms
   * here). A failed fill is left for the batch that needs those zeros: it fills them itself, and
   * reports the failure.
   */
  private prefill(): void {
    const handle = this.handle;
    const { zeros } = this;
    if (this.filling || !handle || this.filled - this.size >= zeros.length / 2) return;
    const from = this.filled;
    const filling: Promise<void> = writeAt(handle, zeros, from)
      .then(
        () => {
          if (this.handle === handle) this.filled = from + zeros.length;
        },
        () => undefined,
      )
      .finally(() => {
        if (this.filling === filling) this.filling = null;
      });
    this.filling = filling;
  }

  private async zeroDirty(): Promise<void> {
    if (this.dirty <= this.size) return;
    await writeAt(this.handle!, Buffer.alloc(this.dirty - this.size), this.size);
    this.dirty = this.size;
  }

  /** Rotates the log and compacts the closed segments in the background, past the threshold. */
  private maybeCompact(force = false): void {
    if (this.compaction) return;
    const threshold = this.options.compactBytes ?? compactionThreshold(this.snapshotBytes);
    if (!force && this.logBytes <= threshold) return;
    if (this.handle || this.size) {
      // Appends go to a new segment from here on; the current one is closed.
      const { handle, filling, size } = this;
      // Closed once its zeros in flight are written (truncated after them, not before).
      if (handle) void Promise.resolve(filling).then(() => closeSegment(handle, size)).catch(() => undefined);
      this.handle = undefined;
      this.filling = null;
      this.closed.push(this.segment);
      this.segment++;
      this.size = 0;
    }
    if (!this.closed.length) return;
    const folded = [...this.closed];
    const started = performance.now();
    const worker = this.options.fs ? undefined : (this.options.compactWorker ?? compactWorkerFile);
    this.compaction = (worker ? compactInWorker(worker, this.location, this.seed, folded, this.stats) : compact(this.fs, this.location, this.seed, folded, this.stats))
      .then(bytes => {
        this.closed.splice(0, folded.length);
        this.snapshotBytes = bytes;
        this.logBytes = this.size;
        this.stats.compactions++;
        this.stats.lastDurationMs = performance.now() - started;
        this.stats.lastError = undefined;
      })
      .catch((error: unknown) => {
        // The snapshot and the segments are as they were; the next threshold tries again.
        this.stats.lastError = oneLine(error);
        this.logBytes = 0;
      })
      .finally(() => (this.compaction = null));
  }
}

/** Writes `bytes` at `position`, WRITE_MAX at a time. */
async function writeAt(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    offset += (await handle.write(bytes, offset, Math.min(WRITE_MAX, bytes.length - offset), position + offset)).bytesWritten;
  }
}

/**
 * The bytes a segment holds up to its last byte other than zero: what it adds to the log's size
 * (the zeros ahead of the data, up to PREFILL after a crash, do not count). Read from the end.
 */
async function dataBytes(fs: FileSystem, path: string): Promise<number> {
  const handle = await fs.open(path, 'r');
  try {
    const { size } = await handle.stat();
    const block = Buffer.alloc(Math.min(size, 64 << 10));
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - block.length);
      const { bytesRead } = await handle.read(block, 0, end - start, start);
      for (let i = bytesRead - 1; i >= 0; i--) if (block[i] !== 0) return start + i + 1;
      end = start;
    }
    return 0;
  } finally {
    await handle.close();
  }
}

/** Cuts the zeros past a segment's data off (best effort: they read as the log's end anyway) and closes it. */
async function closeSegment(handle: FileHandle, size: number): Promise<void> {
  await handle.truncate(size).catch(() => undefined);
  await handle.close();
}

/** One op as a log line holds it. */
function encode(op: Op): unknown[] {
  switch (op.kind) {
    case 'put':
      return op.value === undefined ? ['p', op.sandbox, op.api, op.collection, op.key] : ['p', op.sandbox, op.api, op.collection, op.key, op.value];
    case 'replace':
      return ['r', op.sandbox, changesJson(op.changes)];
    case 'drop':
      return ['d', op.sandbox];
  }
}

/**
 * compact() in a worker thread running `module` (src/compact-worker.ts, built), with Node's file
 * system: the main thread only starts it (`stats.longestSliceMs`) and awaits its answer. Settles
 * once the thread has stopped, so no worker outlives the compaction (close() waits for it). A
 * worker that fails or dies is a failed compaction, with its error's first line.
 */
function compactInWorker(module: string, file: string, seed: number, folded: number[], stats: CompactionStats): Promise<number> {
  return new Promise((resolve, reject) => {
    const starting = performance.now();
    let answer: { bytes?: number; error?: string } = {};
    const worker = new Worker(module, { workerData: { file, seed, folded } });
    stats.longestSliceMs = Math.max(stats.longestSliceMs, performance.now() - starting);
    worker.on('message', (message: typeof answer) => (answer = message));
    worker.on('error', error => (answer.error ??= oneLine(error)));
    worker.on('exit', code => {
      if (answer.bytes !== undefined) resolve(answer.bytes);
      else reject(new Error(answer.error ?? `the compaction's worker thread stopped (exit code ${code})`));
    });
  });
}

/** A sandbox's folded changes from the log, during compaction. */
interface Folded {
  /** The snapshot's lines of this sandbox no longer count (replaced or dropped). */
  replaced: boolean;
  dropped: boolean;
  lastUsed: number;
  /** Its last put per [api, collection, key]. */
  puts: Map<string, unknown[]>;
  written: boolean;
}

/**
 * Merges the snapshot and the closed segments `folded` into a new snapshot, a chunk at a time
 * (the file is never one string, and the event loop is never held for long: `stats.longestSliceMs`).
 * A snapshot line is parsed only if its sandbox is in the log and its key cannot be read from its
 * text. Returns its size. Files only, never memory: a worker thread runs it (src/compact-worker.ts).
 */
export async function compact(fs: FileSystem, file: string, seed: number, folded: number[], stats?: CompactionStats): Promise<number> {
  let slice = performance.now();
  const yielded = () => {
    const now = performance.now();
    if (stats) stats.longestSliceMs = Math.max(stats.longestSliceMs, now - slice);
    slice = now;
  };
  const changes = new Map<string, Folded>();
  const sandboxOf = (name: string, reset: boolean, at: number): Folded => {
    let entry = changes.get(name);
    if (!entry || reset) {
      entry = { replaced: reset || (entry?.replaced ?? false), dropped: false, lastUsed: at, puts: new Map(), written: false };
      changes.set(name, entry);
    }
    entry.lastUsed = Math.max(entry.lastUsed, at);
    return entry;
  };
  for (const n of folded) {
    const path = segmentPath(file, n);
    await readSegment(fs, path, COMPACT_CHUNK, entries => {
      yielded();
      for (const entry of entries) {
        for (const op of entry.o) {
          const name = op[1] as string;
          if (op[0] === 'p') {
            const folded = sandboxOf(name, false, entry.t);
            folded.dropped = false;
            folded.puts.set(JSON.stringify(op.slice(2, 5)), op);
          } else if (op[0] === 'r') {
            const folded = sandboxOf(name, true, entry.t);
            forEachChange(op[2] as ChangesJson, (api, collection, key, value) =>
              folded.puts.set(JSON.stringify([api, collection, key]), ['p', name, api, collection, key, value]),
            );
          } else if (op[0] === 'd') {
            sandboxOf(name, true, entry.t).dropped = true;
          } else if (op[0] === 'u') {
            sandboxOf(name, false, entry.t);
          }
        }
      }
      yielded();
    });
  }

  const temporary = temporaryOf(file);
  let bytes = 0;
  await replaceFile(fs, file, temporary, async out => {
    const line = (text: string) => {
      bytes += Buffer.byteLength(text) + 1;
      return out.line(text);
    };
    await line(headerLine(seed, Math.max(...folded) + 1));
    await readLines(fs, file, COMPACT_CHUNK, async (lines, first) => {
      yielded();
      for (let i = first === 1 ? 1 : 0; i < lines.length; i++) {
        const text = lines[i];
        // A record line's sandbox and key are read from its text where they can be (as start-up
        // reads them), so the records of sandboxes the log did not touch are copied unparsed.
        const record = text.startsWith('["p",') ? sandboxOfLine(text) : undefined;
        const op = record ? undefined : parseLine(text);
        const entry = changes.get(record ? record[0] : (op![1] as string));
        if (!entry) await line(text);
        else if (entry.replaced) continue;
        else if (op?.[0] === 's') {
          entry.written = true;
          await line(JSON.stringify(['s', op[1], Math.max(op[2] as number, entry.lastUsed)]));
        } else {
          const id = (record && text.startsWith(record[1]) && recordIdOfLine(text, record[1].length)) || JSON.stringify((op ?? parseLine(text)).slice(2, 5));
          const put = entry.puts.get(id);
          if (!put) await line(text);
          else {
            entry.puts.delete(id);
            if (put.length === 6) await line(JSON.stringify(put));
          }
        }
      }
      yielded();
    });
    for (const [name, entry] of changes) {
      if (entry.dropped) continue;
      const puts = [...entry.puts.values()].filter(put => put.length === 6);
      if (!puts.length && !entry.written) continue;
      if (!entry.written) await line(JSON.stringify(['s', name, entry.lastUsed]));
      for (const put of puts) await line(JSON.stringify(put));
      yielded();
    }
  });
  for (const n of folded) await fs.unlink(segmentPath(file, n));
  await syncFolder(fs, file);
  return bytes;
}

/** What start-up loaded, besides memory. */
interface Loaded {
  header?: { seed: number; log: number };
  /** A format-1 file, converted once loaded. */
  migrateFrom?: string;
  /** Every log segment in the folder, and those not yet folded into the snapshot. */
  segments: number[];
  live: number[];
  logBytes: number;
  notes: string[];
  lazy: boolean;
}

/**
 * Loads the snapshot and replays the log segments into `memory`, then checks every line and every
 * record. `lazy`: the snapshot's records are kept as text (StoredSandbox), and the check of its
 * lines is shared with the worker thread if there is one (checkFromEnd); any problem throws
 * something, and openLog loads again, not lazily: every line parsed in order, then every record in
 * memory checked, which names the first problem in one line.
 */
async function load(fs: FileSystem, file: string, context: BackendContext, options: LogOptions, exists: { size: number; mtimeMs?: number } | undefined, lazy: boolean): Promise<Loaded> {
  const { memory } = context;
  const notes: string[] = [];
  let header: { seed: number; log: number } | undefined;
  let migrateFrom: string | undefined;
  let runs: Run[] | undefined;
  if (exists) {
    if (await startsWith(fs, file, `{"format":${FORMAT},`)) {
      if (lazy) ({ header, runs } = await indexSnapshot(fs, file, memory));
      else header = await loadSnapshot(fs, file, memory);
    } else {
      header = await loadFormat1(fs, file, memory);
      migrateFrom = file;
    }
    if (context.seed !== undefined && context.seed !== header.seed) {
      throw new DataFileError(`data file ${file} was created with seed ${header.seed}, not ${context.seed}: pass --seed ${header.seed} or use another --data file`);
    }
  }

  const segments = await listSegments(fs, file);
  const from = header?.log ?? 0;
  const live = segments.filter(n => n >= from);
  let logBytes = 0;
  /** The records the log put after the snapshot (what the check of the snapshot's lines does not cover). */
  const logged: RecordRef[] = [];
  for (const n of live) {
    const path = segmentPath(file, n);
    const { torn } = await readSegment(fs, path, LOAD_CHUNK, (entries, first) => {
      for (let i = 0; i < entries.length; i++) {
        const problem = applyEntry(memory, entries[i]);
        if (problem) throw new DataFileError(`cannot read data file ${path} line ${first + i}: ${problem}`);
        for (const op of entries[i].o) {
          if (op[0] === 'p' && op.length === 6) logged.push(op.slice(1, 5) as unknown as RecordRef);
          else if (op[0] === 'r') forEachChange(op[2] as ChangesJson, (api, collection, key) => logged.push([op[1] as string, api, collection, key]));
        }
      }
    });
    if (torn) notes.push(`${path} line ${torn.line}: dropped a change set that was being written when the server stopped (${torn.bytes} bytes; never acknowledged)`);
    logBytes += await dataBytes(fs, path);
  }
  for (const [name, state] of memory) {
    if (state instanceof StoredSandbox ? !state.holdsChanges : !Object.keys(state.changes).length) memory.delete(name);
  }
  if (runs) {
    const worker = options.precheck?.file === file ? new SharedProgress(options.precheck.progress) : undefined;
    try {
      if (!checkFromEnd(runs, context.checkRecord, worker, exists!)) throw new DataFileError('a bad snapshot line');
    } finally {
      worker?.stop();
    }
    context.validate(logged);
  } else {
    context.validate();
  }
  return { header, migrateFrom, segments, live, logBytes, notes, lazy: runs !== undefined };
}

/**
 * A sandbox as the snapshot holds it: its last use, and its records as the snapshot's lines
 * (runs of them, as text), parsed into its changes only when they are first asked for (a request
 * to it, a log op on it at start-up); the text is dropped then. Start-up checks every line before
 * the server listens, so the parse cannot fail. Compaction never reads memory (it merges files),
 * so a sandbox nobody used stays text until the process ends.
 */
class StoredSandbox implements SandboxState {
  private parsed?: SandboxChanges;
  private runs: string[][] = [];
  /** How its record lines start (`["p","name",`), once it has some. */
  private prefix = '';

  constructor(public lastUsed: number) {}

  /** Without parsing the records: a line per change, its API the string after the prefix (a line written otherwise, e.g. with spaces, is parsed). */
  countChanges(exceptApi?: string): number | undefined {
    if (this.parsed) return undefined;
    if (exceptApi === undefined) return this.runs.reduce((count, run) => count + run.length, 0);
    const except = `${this.prefix}${JSON.stringify(exceptApi)},`;
    let count = 0;
    for (const run of this.runs) {
      for (const line of run) {
        if (line.startsWith(this.prefix)) count += line.startsWith(except) ? 0 : 1;
        else count += (JSON.parse(line) as unknown[])[2] === exceptApi ? 0 : 1;
      }
    }
    return count;
  }

  get changes(): SandboxChanges {
    if (!this.parsed) {
      const changes: SandboxChanges = dict();
      for (const run of this.runs) for (const line of run) putRecord(changes, JSON.parse(line) as unknown[]);
      this.parsed = changes;
      this.runs = [];
    }
    return this.parsed;
  }

  set changes(changes: SandboxChanges) {
    this.parsed = changes;
    this.runs = [];
  }

  /** Start-up: more of its record lines, in the snapshot's order, each starting with `prefix`. */
  add(run: string[], prefix: string): void {
    this.runs.push(run);
    this.prefix = prefix;
  }

  /** Whether it holds any change (without parsing them). */
  get holdsChanges(): boolean {
    return this.parsed ? Object.keys(this.parsed).length > 0 : this.runs.length > 0;
  }
}

/** Consecutive lines of the snapshot holding records of one sandbox, from line number `first`. */
interface Run {
  first: number;
  lines: string[];
}

/**
 * Reads a format-2 snapshot into `memory` as an index: each sandbox's last use, and the text of its
 * record lines (StoredSandbox), found by each line's start (`["p","name",`) rather than by parsing
 * it. Returns the header and the record lines in file order. Throws at a line that is neither a
 * record nor a sandbox line (openLog then loads the file the eager way, which names it).
 */
async function indexSnapshot(fs: FileSystem, file: string, memory: Map<string, SandboxState>): Promise<{ header: { seed: number; log: number }; runs: Run[] }> {
  let header: { seed: number; log: number } | undefined;
  const runs: Run[] = [];
  const stored = (name: string) => {
    let state = memory.get(name) as StoredSandbox | undefined;
    if (!state) memory.set(name, (state = new StoredSandbox(0)));
    return state;
  };
  await readLines(fs, file, LOAD_CHUNK, (lines, first) => {
    let i = 0;
    if (first === 1) {
      header = headerOf(lines[0]);
      if (!header) throw new DataFileError('not a banking-api-sandbox snapshot header');
      i = 1;
    }
    while (i < lines.length) {
      const line = lines[i];
      if (line.startsWith('["p",')) {
        const [name, prefix] = sandboxOfLine(line);
        let end = i + 1;
        while (end < lines.length && lines[end].startsWith(prefix)) end++;
        const run = { first: first + i, lines: lines.slice(i, end) };
        runs.push(run);
        stored(name).add(run.lines, prefix);
        i = end;
      } else {
        const op = parseLine(line);
        if (op[0] !== 's' || typeof op[1] !== 'string' || typeof op[2] !== 'number') throw new DataFileError('not a sandbox line');
        const state = stored(op[1]);
        state.lastUsed = Math.max(state.lastUsed, op[2]);
        i++;
      }
    }
  });
  if (!header) throw new DataFileError('empty');
  return { header, runs };
}

/** The sandbox a record line names, and the line's start up to it (`["p","name",`): a line that starts the same is of the same sandbox. */
function sandboxOfLine(line: string): [name: string, prefix: string] {
  const end = line.indexOf('"', 6);
  if (line.startsWith('["p","') && end > 0 && line.charCodeAt(end + 1) === 44 /* , */) {
    const name = line.slice(6, end);
    if (!name.includes('\\')) return [name, line.slice(0, end + 2)];
  }
  // An escape in the name, or spaces: the slow way.
  const op = parseLine(line);
  if (typeof op[1] !== 'string') throw new DataFileError('not a change');
  return [op[1], `["p",${JSON.stringify(op[1])},`];
}

/**
 * The key of a record line as the log names it (`JSON.stringify([api, collection, key])`), read from
 * the line's text after its sandbox (`from`): undefined when any of the three is escaped or the line
 * is laid out otherwise (then it is parsed). Unescaped, a JSON string is as JSON.stringify writes it.
 */
function recordIdOfLine(line: string, from: number): string | undefined {
  let at = from;
  for (let n = 0; n < 3; n++) {
    if (line.charCodeAt(at) !== 34 /* " */) return undefined;
    const end = line.indexOf('"', at + 1);
    if (end < 0 || line.charCodeAt(end + 1) !== 44 /* , */) return undefined;
    at = end + 2;
  }
  const id = line.slice(from, at - 1);
  return id.includes('\\') ? undefined : `[${id}]`;
}

function parseLine(line: string): unknown[] {
  const op = JSON.parse(line) as unknown;
  if (!Array.isArray(op)) throw new DataFileError('not a snapshot line');
  return op;
}

function headerOf(line: string): { seed: number; log: number } | undefined {
  let h: { seed?: unknown; log?: unknown };
  try {
    h = JSON.parse(line) as typeof h;
  } catch {
    return undefined;
  }
  return h && Number.isInteger(h.seed) && Number.isInteger(h.log) ? { seed: h.seed as number, log: h.log as number } : undefined;
}

/**
 * The main thread's half of the start-up check of the snapshot's lines (see precheck.ts): from the
 * last record line back, until it reaches the lines the worker thread (if any) checked from the
 * front. (Sandbox lines were checked by indexSnapshot.) False at a bad line, or when the worker found one.
 */
function checkFromEnd(runs: Run[], check: RecordCheck | undefined, worker: SharedProgress | undefined, stat: { size: number; mtimeMs?: number }): boolean {
  for (let r = runs.length - 1; r >= 0; r--) {
    const { first, lines } = runs[r];
    for (let i = lines.length - 1; i >= 0; i--) {
      if (worker) {
        if (worker.failed) return false;
        if (worker.through >= first + i) {
          if (worker.sameFile(stat)) return true;
          // It read the file as it was at another time: everything is checked here.
          worker.stop();
          worker = undefined;
        }
      }
      if (lineProblem(lines[i], check) !== undefined) return false;
      worker?.checkedFrom(first + i);
    }
  }
  return true;
}

/** Loads a format-2 snapshot into `memory`, every line parsed in order; returns its header. */
async function loadSnapshot(fs: FileSystem, file: string, memory: Map<string, SandboxState>): Promise<{ seed: number; log: number }> {
  let header: { seed: number; log: number } | undefined;
  const fail = (line: number, why: string) => new DataFileError(`cannot read data file ${file} line ${line}: ${why}`);
  await readLines(fs, file, LOAD_CHUNK, (lines, first) => {
    for (let i = 0; i < lines.length; i++) {
      let value: unknown;
      try {
        value = JSON.parse(lines[i]);
      } catch {
        throw fail(first + i, 'not valid JSON');
      }
      if (first + i === 1) {
        header = headerOf(lines[i]);
        if (!header) throw fail(first + i, 'not a banking-api-sandbox snapshot header');
        continue;
      }
      const problem = Array.isArray(value) ? apply(memory, value, 0) : 'not a snapshot line';
      if (problem) throw fail(first + i, problem);
    }
  });
  if (!header) throw new DataFileError(`cannot read data file ${file}: empty`);
  return header;
}

type Entry = { t: number; o: unknown[][] };

/**
 * Reads a log segment's change sets, a chunk at a time, to where its data ends: the first NUL byte
 * (past it: the zeros not yet written over, perhaps with pieces of the write a crash interrupted),
 * or an unterminated last line (a crash while an earlier version appended). Either is dropped; its
 * line and non-zero bytes are returned as `torn` when it held anything. Any other unreadable line,
 * or data further than WRITE_MAX past the first NUL, is an error naming the file and line.
 */
async function readSegment(
  fs: FileSystem,
  path: string,
  chunkBytes: number,
  onEntries: (entries: Entry[], firstLine: number) => void,
): Promise<{ torn?: { line: number; bytes: number } }> {
  /** From the start of the line holding the first NUL: where that NUL is, how far bytes other than zeros reach, bytes read. */
  let end: { line: number; nul: number; reach: number; read: number } | undefined;
  let torn: { line: number; bytes: number } | undefined;
  await readLines(fs, path, chunkBytes, (lines, first, final) => {
    const entries: Entry[] = [];
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i];
      if (!end) {
        const entry = parseEntry(text);
        if (typeof entry !== 'string') {
          entries.push(entry);
          continue;
        }
        const nul = text.indexOf('\0');
        if (nul === -1) {
          if (final && i === lines.length - 1) torn = { line: first + i, bytes: Buffer.byteLength(text) };
          else throw new DataFileError(`cannot read data file ${path} line ${first + i}: ${entry}`);
          continue;
        }
        end = { line: first + i, nul: Buffer.byteLength(text.slice(0, nul)), reach: 0, read: 0 };
      }
      let data = text.length;
      while (data > 0 && text.charCodeAt(data - 1) === 0) data--;
      if (data) end.reach = end.read + Buffer.byteLength(text.slice(0, data));
      end.read += Buffer.byteLength(text) + 1;
      if (!(final && i === lines.length - 1)) end.reach = end.read; // its newline
      if (end.reach - end.nul > WRITE_MAX) {
        throw new DataFileError(`cannot read data file ${path} line ${end.line}: zero bytes in the middle of the log, with data after them`);
      }
    }
    onEntries(entries, first);
  });
  if (end?.reach) torn = { line: end.line, bytes: end.reach };
  return { torn };
}

/** A log line: `{t, o}`, or a problem. */
function parseEntry(text: string): Entry | string {
  let entry: { t?: unknown; o?: unknown };
  try {
    entry = JSON.parse(text) as typeof entry;
  } catch {
    return 'not valid JSON';
  }
  if (typeof entry !== 'object' || entry === null || typeof entry.t !== 'number' || !Array.isArray(entry.o) || !entry.o.every(Array.isArray)) {
    return 'not a change set';
  }
  return entry as Entry;
}

function applyEntry(memory: Map<string, SandboxState>, entry: Entry): string | undefined {
  for (const op of entry.o) {
    const problem = apply(memory, op, entry.t);
    if (problem) return problem;
  }
  return undefined;
}

/** Applies one snapshot or log op to `memory`; returns a problem for a malformed one. */
function apply(memory: Map<string, SandboxState>, op: unknown[], at: number): string | undefined {
  const name = op[1];
  if (typeof name !== 'string') return 'not a change';
  let state = memory.get(name);
  switch (op[0]) {
    case 'p': {
      const [, , api, collection, key] = op;
      if ((op.length !== 5 && op.length !== 6) || typeof api !== 'string' || typeof collection !== 'string' || typeof key !== 'string') return 'not a change';
      if (!state) memory.set(name, (state = { changes: dict(), lastUsed: at }));
      else if (at > state.lastUsed) state.lastUsed = at;
      putRecord(state.changes, op);
      return undefined;
    }
    case 'r':
      if (!isChanges(op[2])) return 'not a change';
      memory.set(name, { changes: ownChanges(op[2]), lastUsed: at });
      return undefined;
    case 'd':
      memory.delete(name);
      return undefined;
    case 'u':
      if (state && at > state.lastUsed) state.lastUsed = at;
      return undefined;
    case 's':
      if (typeof op[2] !== 'number') return 'not a sandbox line';
      if (!state) memory.set(name, (state = { changes: dict(), lastUsed: op[2] }));
      state.lastUsed = Math.max(state.lastUsed, op[2]);
      return undefined;
    default:
      return 'not a change';
  }
}

/** A record line's change (checked: `["p",sandbox,api,collection,key]` or with a record after the key). */
function putRecord(changes: SandboxChanges, op: unknown[]): void {
  const rows = overlayOf(changes, op[2] as string, op[3] as string);
  if (op.length === 5) rows.delete(op[4] as string);
  else rows.set(op[4] as string, deepFreeze(op[5] as Row | null));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isChanges(value: unknown): value is ChangesJson {
  return isObject(value) && Object.values(value).every(apis => isObject(apis) && Object.values(apis).every(isObject));
}

async function writeSandbox(out: { line(text: string): Promise<void> }, name: string, state: SandboxState): Promise<void> {
  await out.line(JSON.stringify(['s', name, state.lastUsed]));
  const puts: string[] = [];
  forEachChange(state.changes, (api, collection, key, value) => puts.push(JSON.stringify(['p', name, api, collection, key, value])));
  for (const put of puts) await out.line(put);
}

const headerLine = (seed: number, log: number) => JSON.stringify({ format: FORMAT, seed, log });
const temporaryOf = (file: string) => join(dirname(file), `.${basename(file)}.tmp`);
const segmentPath = (file: string, n: number) => `${file}.log.${n}`;

async function listSegments(fs: FileSystem, file: string): Promise<number[]> {
  const prefix = `${basename(file)}.log.`;
  const names = await fs.readdir(dirname(file)).catch(() => [] as string[]);
  return names
    .filter(name => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map(name => Number(name.slice(prefix.length)))
    .sort((a, b) => a - b);
}

async function startsWith(fs: FileSystem, file: string, prefix: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(prefix.length);
    const { bytesRead } = await handle.read(buffer, 0, prefix.length, 0);
    return buffer.toString('utf8', 0, bytesRead) === prefix;
  } finally {
    await handle.close();
  }
}

/** Keeps a format-1 file as `<file>.format1` (a hard link: the conversion then renames over `file`). */
async function keepFormat1(fs: FileSystem, file: string): Promise<void> {
  const kept = `${file}.format1`;
  await fs.unlink(kept).catch(() => undefined);
  await fs.link(file, kept).catch(() => fs.copyFile(file, kept));
  // Durable before the conversion renames over the original.
  const handle = await fs.open(kept, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncFolder(fs, kept);
}

/** Loads the whole-document format of earlier versions (one JSON object; read in one piece). */
async function loadFormat1(fs: FileSystem, file: string, memory: Map<string, SandboxState>): Promise<{ seed: number; log: number }> {
  let doc: { format?: unknown; seed?: unknown; sandboxes?: unknown };
  try {
    doc = JSON.parse(await fs.readFile(file, 'utf8')) as typeof doc;
  } catch (error) {
    throw new DataFileError(`cannot read data file ${file}: ${describeReadError(error)}`);
  }
  if (!isObject(doc) || doc.format !== 1 || typeof doc.seed !== 'number' || !isObject(doc.sandboxes)) {
    throw new DataFileError(`cannot read data file ${file}: not a banking-api-sandbox data file (format 1 or 2)`);
  }
  const now = Date.now();
  for (const [name, changes] of Object.entries(doc.sandboxes)) {
    if (!isChanges(changes)) throw new DataFileError(`cannot read data file ${file}: sandbox ${JSON.stringify(name)} is not an object of collections`);
    memory.set(name, { changes: ownChanges(changes), lastUsed: now });
  }
  return { seed: doc.seed, log: 0 };
}

/** V8 quotes the start of the text in a JSON error, which may be binary: keep one printable line. */
function describeReadError(error: unknown): string {
  if (!(error instanceof SyntaxError)) return oneLine(error);
  const reason = error.message.replace(/, ".*" is not valid JSON$/s, '').replace(/[^\x20-\x7e]/g, '?');
  return `not valid JSON (${reason})`;
}
