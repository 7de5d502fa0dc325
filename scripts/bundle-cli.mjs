#!/usr/bin/env node
// Bundles the command (dist/cli.js, as tsc wrote it) with the packages it imports into one file,
// in place, so a start reads and compiles one file instead of resolving ~150 modules one by one
// (a fifth of start-up's CPU). What is loaded on demand stays outside: Prism (prism.ts requires
// its parts at run time), faker, pdfkit, ioredis, yaml, pino-pretty. The library entry
// (dist/index.js) is not bundled. Without esbuild (a production-only install) dist/cli.js stays
// as tsc wrote it, which works the same, only starts slower.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli.js');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('banking-api-sandbox: esbuild is not installed; dist/cli.js is left unbundled\n');
  process.exit(0);
}

const result = await esbuild.build({
  entryPoints: [cli],
  outfile: cli,
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Packages imported with `import()` are loaded on demand: keep them out of the start.
  external: ['@faker-js/faker', 'pdfkit'],
  // The bundled CommonJS packages call `require` (for Node's own modules): give them one.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module';\nconst require = __bundleRequire(import.meta.url);" },
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
for (const file of result.outputFiles) {
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
}
