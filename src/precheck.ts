// The worker thread the built command's loader (scripts/bundle-cli.mjs) starts when the data file
// is big: it checks the snapshot's records (core/store/precheck.ts) on the second core while the
// main thread compiles its bundle and loads the same file, and posts its verdict (or null) when
// done or asked to stop. Bundled
// on its own (dist/precheck.cjs): the APIs' collections, their schemas and Ajv, not the server.
import { join, resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { apis } from './apis/index.js';
import { storedRecordCheck } from './controls/records.js';
import { checkSnapshot } from './core/store/precheck.js';
import { specsDir } from './paths.js';

// The same check as createApp's (every API, each with its spec under specs/).
const check = storedRecordCheck(apis.map(module => ({ module, specFile: join(specsDir, `${module.slug}.yaml`) })));
// 'stop' from the main thread: it has loaded the file, and takes what is checked so far.
let stopped = false;
parentPort!.on('message', message => (stopped ||= message === 'stop'));
parentPort!.unref();
checkSnapshot(resolve((workerData as { file: string }).file), check, () => stopped).then(
  verdict => parentPort!.postMessage(verdict ?? null),
  () => parentPort!.postMessage(null),
);
