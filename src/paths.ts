// Where the package's own files are, whether running from src/ (tsx, jest) or dist/ (built).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const packageRoot = fileURLToPath(new URL('..', import.meta.url));
export const specsDir = join(packageRoot, 'specs');
export const fixturesDir = join(packageRoot, 'fixtures');
export const dashboardDir = join(packageRoot, 'dashboard');
/**
 * The module compaction's worker thread runs (src/compact-worker.ts; see core/store/log.ts), as tsc
 * wrote it beside this file in dist/ (the bundled command, dist/cli.cjs, is in dist/ too). None
 * from the TypeScript sources (tsx, jest: a worker thread cannot load them), nor where the file is
 * missing (dist/ bundled into someone's app): then compaction runs on the main thread.
 */
const compactWorker = fileURLToPath(new URL('./compact-worker.js', import.meta.url));
export const compactWorkerFile = existsSync(compactWorker) ? compactWorker : undefined;
