#!/usr/bin/env node
// Bundles the command (dist/cli.js, as tsc wrote it) with the packages it imports into one file,
// dist/cli.cjs, so a start reads and compiles one file instead of resolving ~150 modules one by one
// (a fifth of start-up's CPU). That includes the parts of Prism every request uses (its router and
// validators, with lodash, fp-ts and Ajv: ~380 files, half a second when loaded one by one). What is
// loaded on demand stays outside: Prism's spec parser (prism.ts requires it at run time, only when
// a spec is not in the cache), faker, pdfkit, ioredis, yaml, pino-pretty. The library entry
// (dist/index.js) is not bundled. Without esbuild (a production-only install) dist/cli.js stays
// as tsc wrote it, which works the same, only starts slower.
//
// dist/cli.js then becomes a small loader (LOADER below) that compiles the bundle with V8's code
// cache: the bytecode of the functions a start runs, kept beside the spec cache
// (~/.cache/banking-api-sandbox/code, see src/core/operations-cache.ts). Compiling them again at
// every start cost about a sixth of an empty start. The bundle is CommonJS for that (Node 20 has
// no code cache for ES modules): `import.meta.url` is the bundle's URL, and the packages imported
// with `import()` (faker, pdfkit) are required (require() of an ES module works from Node 20.19).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli.js');
const bundle = join(root, 'dist', 'cli.cjs');
/** Marks the loader, which is not an input. */
const LOADER_MARK = 'banking-api-sandbox: command loader';

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('banking-api-sandbox: esbuild is not installed; dist/cli.js is left unbundled\n');
  process.exit(0);
}

/**
 * The Node/V8 flags the command runs with, on its shebang line (`env -S` splits them; npm's bin
 * links and shims run it by that line), as in package.json's "start" and the Dockerfile's CMD
 * (test/launch.test.ts checks the four agree). A young generation of up to 32 MB per semi-space
 * (V8's default is 16): under 50 connections of gets, half as many scavenges, each under twice as
 * long (what survives one is mostly what requests in flight and the journal hold, whatever the
 * size), ~20% less scavenging in all. V8 reads this flag only at launch.
 */
const NODE_FLAGS = '--max-semi-space-size=32';

/** The size of the precheck's shared progress (SharedProgress.BYTES), which the loader allocates. */
const { SharedProgress } = await import(pathToFileURL(join(root, 'dist', 'core', 'store', 'precheck.js')).href);

/** dist/cli.js once bundled (`BUNDLE_ID`: a hash of dist/cli.cjs, naming its cache entry). */
const LOADER = `#!/usr/bin/env -S node ${NODE_FLAGS}
// ${LOADER_MARK} (written by scripts/bundle-cli.mjs). Runs the bundle beside it, cli.cjs (src/cli.ts
// and what it imports), compiled with V8's code cache when one is kept for this very bundle: the
// bytecode of every function the start has run, written once after a start without it. Only a copy:
// V8 refuses an entry made by another V8 or with other flags (then it is compiled and rewritten),
// and a missing or read-only cache folder only costs time. SANDBOX_CACHE_DIR=off turns it off.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { Worker } from 'node:worker_threads';

// A data file this big (8 MiB, about 20,000 records; SANDBOX_PRECHECK_BYTES sets another size, for
// tests) has its snapshot's lines checked from the front by a worker thread running the bundle
// precheck.cjs (src/precheck.ts), on the second core, while this thread compiles the command and
// reads the file, then checks it from the end until they meet: their progress is in \`progress\`, a
// SharedArrayBuffer (src/core/store/precheck.ts). The file is a guess from the arguments and
// environment: the command uses the worker's progress only if it is about its data file as it
// finds it. Also on a busy machine: the main thread never waits for the worker (it checks more
// itself when the worker is slow), and two threads get more of a shared machine than one (at load 6,
// first answer 0.90x and main-thread CPU 0.68x of a start without it). Not on a single core.
const PRECHECK = 'banking-api-sandbox:precheck';
const PRECHECK_FROM_BYTES = /^\\d+$/.test(process.env.SANDBOX_PRECHECK_BYTES ?? '') ? Number(process.env.SANDBOX_PRECHECK_BYTES) : 8 << 20;
const dataFile = snapshotWorthChecking();
if (dataFile && availableParallelism() > 1) {
  try {
    const progress = new SharedArrayBuffer(${SharedProgress.BYTES});
    const worker = new Worker(fileURLToPath(new URL('./precheck.cjs', import.meta.url)), { workerData: { file: dataFile, progress } });
    // It never keeps the process alive, and its failure is no error: the command checks what it did not.
    worker.unref();
    worker.on('error', () => undefined);
    globalThis[Symbol.for(PRECHECK)] = { file: resolve(dataFile), progress };
  } catch {
    // no worker: the command checks everything itself
  }
}

const bundle = fileURLToPath(new URL('./cli.cjs', import.meta.url));
// Named also by the Node flags it runs with (the shebang's, or a node command's own): V8 refuses an
// entry made under other flags, so a start by \`node dist/cli.js\` and one by the shebang keep one each
// instead of replacing each other's.
const flags = process.execArgv.length ? \`.flags-\${createHash('sha256').update(process.execArgv.join('\\0')).digest('hex').slice(0, 8)}\` : '';
const entry = cacheFolder() && join(cacheFolder(), 'code', \`cli.BUNDLE_ID.\${process.arch}.v8-\${process.versions.v8}\${flags}.bin\`);
let cachedData;
try {
  if (entry) cachedData = readFileSync(entry);
} catch {
  // no entry yet
}
// Strict, as the ES modules it was built from.
const script = new Script(\`(function (exports, require, module, __filename, __dirname) {'use strict';\${readFileSync(bundle, 'utf8')}\\n})\`, { filename: bundle, cachedData });
const module = { exports: {} };
script.runInThisContext().call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
// Now, while the start runs its first awaits: the CLI changes V8's flags once the data is loaded,
// and V8 refuses an entry made under other flags.
if (entry && (!cachedData || script.cachedDataRejected)) remember(entry, script.createCachedData());

/** The data file the arguments and environment seem to name, when it is big enough to check on the side. */
function snapshotWorthChecking() {
  const env = process.env;
  if (env.SANDBOX_STORE || env.SANDBOX_IN_MEMORY) return undefined;
  let data = env.SANDBOX_DATA || 'data/sandbox.json';
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--in-memory' || args[i] === '--store' || args[i].startsWith('--store=')) return undefined;
    if (args[i] === '--data') data = args[i + 1] ?? data;
    else if (args[i].startsWith('--data=')) data = args[i].slice('--data='.length);
  }
  try {
    return statSync(data).size >= PRECHECK_FROM_BYTES ? data : undefined;
  } catch {
    return undefined;
  }
}

/** The cache folder, as src/core/operations-cache.ts's defaultCacheDir finds it; undefined when off. */
function cacheFolder() {
  const env = process.env;
  if (env.SANDBOX_CACHE_DIR !== undefined) return env.SANDBOX_CACHE_DIR === 'off' || env.SANDBOX_CACHE_DIR === '' ? undefined : env.SANDBOX_CACHE_DIR;
  try {
    return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'banking-api-sandbox');
  } catch {
    return undefined;
  }
}

/**
 * Writes the entry (through a temporary file). Bounded: the 4 most recently written entries are
 * kept (a few checkouts or versions on one machine do not take turns evicting each other).
 */
function remember(file, data) {
  try {
    const folder = dirname(file);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temporary = \`\${file}.\${process.pid}.tmp\`;
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
    const entries = readdirSync(folder)
      .filter(name => /^cli\\.[0-9a-f]{20}\\..*\\.bin$/.test(name))
      .map(name => {
        try {
          return { name, written: statSync(join(folder, name)).mtimeMs };
        } catch {
          return { name, written: 0 };
        }
      })
      .sort((a, b) => b.written - a.written);
    for (const { name } of entries.slice(4)) {
      try {
        unlinkSync(join(folder, name));
      } catch {
        // another process removed it
      }
    }
  } catch {
    // a read-only or missing home: the cache only saves time
  }
}
`;

/** The version of the package in `dir`. */
const versionAt = dir => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;

/**
 * `require('lodash/fp')` makes a second lodash (`runInContext` of lodash.min.js) and converts all
 * of its ~300 functions: ~30 ms of every start, for Prism's security check, which uses one of them
 * (`set`). An importer that uses it only as `name.method` gets an object of just those methods,
 * each from lodash's own per-method module (`lodash/fp/set`: the same conversion, of one function).
 * Any other use keeps the whole module.
 */
function lodashFpMethods() {
  return {
    name: 'lodash-fp-methods',
    setup(build) {
      build.onResolve({ filter: /^lodash\/fp$/ }, args => {
        const source = readFileSync(args.importer, 'utf8');
        const binding = /(?:const|var|let) (\w+) = require\("lodash\/fp"\);/.exec(source);
        if (!binding) return undefined;
        const uses = [...source.matchAll(new RegExp(`\\b${binding[1]}\\b(?:\\.(\\w+))?`, 'g'))].slice(1);
        if (!uses.length || uses.some(use => !use[1])) return undefined;
        return { path: args.importer, namespace: 'lodash-fp-methods', pluginData: { methods: [...new Set(uses.map(use => use[1]))], resolveDir: args.resolveDir } };
      });
      build.onLoad({ filter: /.*/, namespace: 'lodash-fp-methods' }, ({ pluginData: { methods, resolveDir } }) => ({
        contents: methods.map(method => `exports.${method} = require('lodash/fp/${method}');`).join('\n'),
        resolveDir,
        loader: 'js',
      }));
    },
  };
}

/**
 * Bundles identical copies of a package once. npm nests a copy of a package under each package
 * that needs another version than the top-level one: express, body-parser and send each bring
 * their own mime-types 3.0.2 and mime-db 1.54.0 (200 KB of JSON, indexed at load) because Prism's
 * 2.x holds the top-level slot. An import that resolves into a copy of name@version is pointed at
 * one copy of it, always the same (the first of the copies' folders in sorted order).
 */
function dedupe() {
  const copies = new Map();
  /** The folder of the copy of `name`@`version` that every copy is replaced by. */
  const canonical = (name, version) => {
    const key = `${name}@${version}`;
    let chosen = copies.get(key);
    if (!chosen) {
      const top = join(root, 'node_modules');
      const candidates = [join(top, name)];
      for (const entry of readdirSync(top)) {
        const owners = entry.startsWith('@') ? readdirSync(join(top, entry)).map(n => join(top, entry, n)) : [join(top, entry)];
        for (const owner of owners) candidates.push(join(owner, 'node_modules', name));
      }
      chosen = candidates.filter(dir => existsSync(join(dir, 'package.json')) && versionAt(dir) === version).sort()[0];
      copies.set(key, chosen);
    }
    return chosen;
  };
  return {
    name: 'dedupe',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async args => {
        if (args.pluginData === 'dedupe') return undefined;
        const { importer, namespace, resolveDir, kind } = args;
        const result = await build.resolve(args.path, { importer, namespace, resolveDir, kind, pluginData: 'dedupe' });
        const match = /^(.*[/\\]node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+))[/\\](.*)$/.exec(result.path);
        if (result.errors.length || result.external || !match) return result;
        const chosen = canonical(match[2], versionAt(match[1]));
        return chosen && chosen !== match[1] ? { ...result, path: join(chosen, match[3]) } : result;
      });
    },
  };
}

if (readFileSync(cli, 'utf8').includes(LOADER_MARK)) {
  process.stderr.write('banking-api-sandbox: dist/cli.js is already the loader: run tsc first (npm run build)\n');
  process.exit(1);
}

const options = {
  write: false,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Packages imported with `import()` are loaded on demand: keep them out of the start.
  external: ['@faker-js/faker', 'pdfkit'],
  // vm.Script (the loader) has no `import()` without a flag: those become require().
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: 'linked',
  // Less text for V8 to parse at every start (2.8 MB instead of 4.1; identifiers keep their names,
  // so stack traces still read).
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [lodashFpMethods(), dedupe()],
};
const result = await esbuild.build({ ...options, entryPoints: [cli], outfile: bundle });
// The worker thread that checks a big data file's snapshot beside the start (src/precheck.ts):
// the APIs' collections and Ajv, a seventh of the command; run as it is (no code cache).
const precheck = await esbuild.build({ ...options, entryPoints: [join(root, 'dist', 'precheck.js')], outfile: join(root, 'dist', 'precheck.cjs') });
let id = '';
for (const file of [...result.outputFiles, ...precheck.outputFiles]) {
  let contents = file.contents;
  if (file.path === bundle) {
    // The loader wraps the text in a function, where a shebang line is a syntax error: keep the line, empty.
    let text = file.text;
    if (text.startsWith('#!')) text = `//${text.slice(text.indexOf('\n'))}`;
    contents = Buffer.from(text);
    id = createHash('sha256').update(contents).digest('hex').slice(0, 20);
  }
  write(file.path, contents, 0o644);
}
write(cli, LOADER.replace('BUNDLE_ID', id), 0o755);

function write(path, contents, mode) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents, { mode });
  renameSync(temporary, path);
}
