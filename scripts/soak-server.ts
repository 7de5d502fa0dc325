// The server of the soak test: the app the CLI serves (strict, with a data file), plus an IPC
// channel reporting memory after a forced GC, store figures and unexpected errors.
// Started by scripts/faults.ts with `--expose-gc`; not meant to be run by hand.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';
import { clearVerdictCache, verdictCacheStats } from '../src/core/prism.js';

export interface SoakFigures {
  rssMB: number;
  heapUsedMB: number;
  /** Records stored by sandboxes (changed or added; tombstones not counted). */
  records: number;
  /** Sandboxes holding changes. */
  sandboxesWithChanges: number;
  /** Sandbox objects the store keeps. */
  sandboxesKept: number;
  requestListeners: number;
  /** Journal entries (bounded at 20,000) and sandboxes with their own coverage counts (bounded at 1,000). */
  journalEntries: number;
  coverageSandboxes: number;
  verdicts: ReturnType<typeof verdictCacheStats>;
  unexpectedErrors: string[];
}

const [dataFile] = process.argv.slice(2);
const unexpectedErrors: string[] = [];
const sandbox = await createApp({
  dataFile,
  strict: true,
  onError: (error, where) => unexpectedErrors.push(`${where}: ${error instanceof Error ? error.message : String(error)}`),
});
const server = createServer({ maxHeaderSize: 64 * 1024 }, sandbox.app);
// On a free port the system picks: the parent is told which.
server.listen(0, '127.0.0.1', () => process.send!({ type: 'listening', port: (server.address() as AddressInfo).port }));

const { journal } = sandbox.controls;
const MB = 1024 * 1024;
const round = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

function figures(): SoakFigures {
  const { store } = sandbox;
  let records = 0;
  let sandboxesWithChanges = 0;
  for (const name of store.sandboxNames()) {
    const changes = store.changesOf(name);
    if (!changes) continue;
    sandboxesWithChanges++;
    for (const collections of Object.values(changes)) {
      for (const rows of Object.values(collections)) records += Object.values(rows).filter(row => row !== null).length;
    }
  }
  const memory = process.memoryUsage();
  return {
    rssMB: round(memory.rss),
    heapUsedMB: round(memory.heapUsed),
    records,
    sandboxesWithChanges,
    sandboxesKept: (store as unknown as { memory: Map<string, unknown> }).memory.size,
    requestListeners: sandbox.events.listenerCount('request'),
    journalEntries: journal.sandboxes().reduce((sum, name) => sum + journal.count(name), 0),
    coverageSandboxes: sandbox.controls.coverage.sandboxCount(),
    verdicts: verdictCacheStats(),
    unexpectedErrors: [...unexpectedErrors],
  };
}

process.on('message', (message: { type: string; id: number; clearVerdicts?: boolean }) => {
  if (message.type === 'figures') {
    // The verdict cache and the journal are bounded by design; emptying them shows what else the heap holds.
    if (message.clearVerdicts) {
      clearVerdictCache();
      for (const name of journal.sandboxes()) journal.clear(name);
    }
    for (let i = 0; i < 3; i++) global.gc?.();
    process.send!({ type: 'figures', id: message.id, figures: figures() });
  } else if (message.type === 'stop') {
    server.close();
    server.closeAllConnections();
    void sandbox.close().then(() => process.exit(0));
  }
});
