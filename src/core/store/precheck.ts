// The start-up check of the snapshot's lines, shared by two threads. Start-up does not parse the
// snapshot's records into memory (log.ts keeps each sandbox's lines as text until it is first used),
// but every line must be parsed and every record checked before the server listens. For a big file
// the loader of the built command (scripts/bundle-cli.mjs) starts a worker thread (src/precheck.ts)
// before the main thread has even compiled the bundle: it checks the lines from the front
// (`checkFromFront`), while the main thread, once it has read the file, checks them from the end
// (log.ts), until they meet. `SharedProgress` is how far each has got (two Int32 in a
// SharedArrayBuffer), so the two cores split the work whatever each one's speed: on a busy machine
// the main thread simply does more of it (or all of it, when there is no worker).
//
// A bad line stops both (`failed`): the check only says whether everything is fine. The error that
// names the first bad line or record is the main thread's job (log.ts loads the file again the
// eager way, in order, and names what it finds first), so it is the same whichever thread found it.
import type { RecordCheck } from '../store.js';
import type { Row } from './backend.js';
import { readLines, realFileSystem, type FileSystem } from './files.js';

const CHUNK = 1 << 20;
/** Int32 slots: the worker checked lines 1..THROUGH; the main thread checked lines LOW.. to the end (0: not begun); a bad line was found. */
const THROUGH = 0;
const LOW = 1;
const FAILED = 2;
/** Float64 slots, after the Int32 ones: the file's size and mtime as the worker found it. */
const SIZE = 2;
const MTIME = 3;

/** Progress of the shared check: a view of a SharedArrayBuffer both threads hold. */
export class SharedProgress {
  static readonly BYTES = 32;
  private readonly ints: Int32Array;
  private readonly stat: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(SharedProgress.BYTES)) {
    this.ints = new Int32Array(buffer, 0, 3);
    this.stat = new Float64Array(buffer);
  }

  /** The worker checked every line up to this one (0: none yet). */
  get through(): number {
    return Atomics.load(this.ints, THROUGH);
  }

  get failed(): boolean {
    return Atomics.load(this.ints, FAILED) !== 0;
  }

  /** Whether the worker checks the file as `stat` says the main thread found it (the worker writes its stat before any progress). */
  sameFile(stat: { size: number; mtimeMs?: number }): boolean {
    return this.stat[SIZE] === stat.size && this.stat[MTIME] === stat.mtimeMs;
  }

  /** Main thread: every line from `line` on is checked (the worker stops there). */
  checkedFrom(line: number): void {
    Atomics.store(this.ints, LOW, line);
  }

  /** Main thread: the worker stops at its next line. */
  stop(): void {
    Atomics.store(this.ints, LOW, 1);
  }

  /** Worker: the file as it found it, before it checks anything. */
  found(stat: { size: number; mtimeMs?: number }): void {
    this.stat[SIZE] = stat.size;
    this.stat[MTIME] = stat.mtimeMs ?? NaN;
  }

  /** Worker: whether line `line` is left for it to check. */
  open(line: number): boolean {
    const low = Atomics.load(this.ints, LOW);
    return low === 0 || line < low;
  }

  /** Worker: lines up to `line` are fine. */
  checked(line: number): void {
    Atomics.store(this.ints, THROUGH, line);
  }

  /** Worker: a bad line (the main thread stops and names the first problem itself). */
  fail(): void {
    Atomics.store(this.ints, FAILED, 1);
  }
}

/**
 * What is wrong with a snapshot line after the header (`["s",name,lastUsed]` or
 * `["p",sandbox,api,collection,key,record]`), as loading it and checking memory would find it;
 * undefined when it is fine. Records are checked with `check` (none: only the line's shape).
 */
export function lineProblem(text: string, check?: RecordCheck): string | undefined {
  let op: unknown;
  try {
    op = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (!Array.isArray(op)) return 'not a snapshot line';
  const [kind, sandbox, api, collection, key, row] = op as unknown[];
  if (typeof sandbox !== 'string') return 'not a change';
  if (kind === 's') return typeof api === 'number' ? undefined : 'not a sandbox line';
  if (kind !== 'p' || (op.length !== 5 && op.length !== 6) || typeof api !== 'string' || typeof collection !== 'string' || typeof key !== 'string') return 'not a change';
  if (op.length === 5 || row === null || !check) return undefined;
  return typeof row !== 'object' || Array.isArray(row) ? 'is not an object' : check(api, collection, key, row as Row);
}

/** Ends the worker's reading. */
class Stopped extends Error {}

/**
 * The worker's half: checks the lines of the format-2 snapshot `file` from the front, until it
 * reaches the lines the main thread has checked from the end, or a bad line (`fail`).
 */
export async function checkFromFront(file: string, check: RecordCheck, progress: SharedProgress, fs: FileSystem = realFileSystem): Promise<void> {
  progress.found(await fs.stat(file));
  await readLines(fs, file, CHUNK, (lines, first) => {
    for (let i = 0; i < lines.length; i++) {
      const line = first + i;
      if (!progress.open(line)) throw new Stopped();
      if (line === 1) {
        if (!lines[i].startsWith('{"format":2,')) throw new Stopped();
      } else if (lineProblem(lines[i], check) !== undefined) {
        progress.fail();
        throw new Stopped();
      }
      progress.checked(line);
    }
  }).catch((error: unknown) => {
    if (!(error instanceof Stopped)) throw error;
  });
}
