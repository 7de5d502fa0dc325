// The worker thread the built command's loader (scripts/bundle-cli.mjs) starts when the data file
// is big: it checks the snapshot's lines from the front (core/store/precheck.ts) on the second core,
// while the main thread compiles its bundle, reads the same file and then checks it from the end,
// until they meet (their progress is in the SharedArrayBuffer the loader gave both). Bundled on its
// own (dist/precheck.cjs): the APIs' collections, their schemas and Ajv, not the server.
import { join, resolve } from 'node:path';
import { workerData } from 'node:worker_threads';
import { apis } from './apis/index.js';
import { storedRecordCheck } from './controls/records.js';
import { checkFromFront, SharedProgress } from './core/store/precheck.js';
import { specsDir } from './paths.js';

const { file, progress } = workerData as { file: string; progress: SharedArrayBuffer };
// The same check as createApp's (every API, each with its spec under specs/).
const check = storedRecordCheck(apis.map(module => ({ module, specFile: join(specsDir, `${module.slug}.yaml`) })));
// Whatever goes wrong here, the main thread checks what this thread did not.
checkFromFront(resolve(file), check, new SharedProgress(progress)).catch(() => undefined);
