// The start-up check of a snapshot's records, on the second core. The loader of the built command
// (scripts/bundle-cli.mjs) starts a worker thread before the main thread has even compiled the
// bundle; the worker reads the snapshot on its own, parses every record line and runs the record
// check on it, while the main thread loads the same file into memory. The main thread then checks
// only what the worker could not vouch for: the records the worker flagged (to name the first bad
// one with its exact problem, if it is still in memory) and those the log segments put after the
// snapshot. Once its own load is done, the main thread does not wait for the worker to finish:
// it asks it to stop, and checks itself every sandbox with a record past the line the worker got
// to (on a busy machine the worker may be far behind). A verdict is only a shortcut: without one
// (no worker, another file, a file changed meanwhile, more than MAX_FLAGGED bad records), every
// record in memory is checked as before.
import type { RecordCheck } from '../store.js';
import type { Row } from './backend.js';
import { readLines, realFileSystem, type FileSystem } from './files.js';

/** A record by where it is kept: sandbox, API, collection, key. */
export type RecordRef = readonly [sandbox: string, api: string, collection: string, key: string];

/** What the worker found in a snapshot: which file (as it was while read), how far it checked, and the records that failed. */
export interface SnapshotCheck {
  file: string;
  size: number;
  /** As the file system reports it (Node's always does; a simulated one in tests may not). */
  mtimeMs?: number;
  /** Every record on lines 1 to `through` was checked (the whole file, unless stopped). */
  through: number;
  flagged: RecordRef[];
}

/** Ends a check that was asked to stop. */
class Stopped extends Error {}

/** More bad records than this and the verdict is dropped (the main thread checks everything). */
export const MAX_FLAGGED = 1000;
const CHUNK = 1 << 20;

/**
 * Checks every record line (`["p",sandbox,api,collection,key,record]`) of the format-2 snapshot
 * `file` with `check`, as the start-up check of memory would (null: a deleted fixture, fine; not
 * an object: flagged), a chunk at a time, until `stop()` says the main thread wants what there is
 * (then `through` says how far it got). Undefined when it cannot vouch for the file: not a format-2
 * snapshot, a line that is not JSON (the main thread's load names it), a file that changed while
 * read, or too many bad records.
 */
export async function checkSnapshot(file: string, check: RecordCheck, stop = () => false, fs: FileSystem = realFileSystem): Promise<SnapshotCheck | undefined> {
  const before = await fs.stat(file);
  const flagged: RecordRef[] = [];
  let usable = true;
  let through = 0;
  await readLines(fs, file, CHUNK, (lines, first) => {
    if (!usable) return;
    if (stop()) throw new Stopped();
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (first + i === 1) {
        if (!line.startsWith('{"format":2,')) usable = false;
        continue;
      }
      let op: unknown;
      try {
        op = JSON.parse(line);
      } catch {
        usable = false;
        return;
      }
      if (!Array.isArray(op) || op.length !== 6 || op[0] !== 'p') continue;
      const [, sandbox, api, collection, key, row] = op as [string, unknown, unknown, unknown, unknown, unknown];
      if (typeof sandbox !== 'string' || typeof api !== 'string' || typeof collection !== 'string' || typeof key !== 'string' || row === null) continue;
      const bad = typeof row !== 'object' || Array.isArray(row) || check(api, collection, key, row as Row) !== undefined;
      if (bad && flagged.push([sandbox, api, collection, key]) > MAX_FLAGGED) {
        usable = false;
        return;
      }
    }
    through = first + lines.length - 1;
  }).catch((error: unknown) => {
    if (!(error instanceof Stopped)) throw error;
  });
  const after = await fs.stat(file);
  if (!usable || after.size !== before.size || after.mtimeMs !== before.mtimeMs) return undefined;
  return { file, size: before.size, mtimeMs: before.mtimeMs, through, flagged };
}
