// Where the package's own files are, whether running from src/ (tsx, jest) or dist/ (built).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const packageRoot = fileURLToPath(new URL('..', import.meta.url));
export const specsDir = join(packageRoot, 'specs');
export const fixturesDir = join(packageRoot, 'fixtures');
export const dashboardDir = join(packageRoot, 'dashboard');
/**
 * The module compaction's worker thread runs (src/compact-worker.ts; see core/store/log.ts), once
 * built: beside this file in dist/, as tsc wrote it (the bundled command, dist/cli.cjs, is in dist/
 * too). None from the TypeScript sources (tsx, jest): a worker thread cannot load them.
 */
export const compactWorkerFile = /\.c?js$/.test(import.meta.url) ? fileURLToPath(new URL('./compact-worker.js', import.meta.url)) : undefined;
