// The worker thread a compaction of the embedded store runs in (core/store/log.ts starts one per
// compaction, when the store uses Node's file system): it merges the snapshot and the folded log
// segments into a new snapshot (compact(), files only), then answers the new snapshot's size, or
// the first line of its error, and ends. Run as tsc wrote it (dist/compact-worker.js), also by the
// bundled command: it loads a handful of the store's modules, off the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { oneLine } from './core/store/backend.js';
import { realFileSystem } from './core/store/files.js';
import { compact } from './core/store/log.js';

const { file, seed, folded } = workerData as { file: string; seed: number; folded: number[] };
try {
  parentPort!.postMessage({ bytes: await compact(realFileSystem, file, seed, folded) });
} catch (error) {
  parentPort!.postMessage({ error: oneLine(error) });
}
