#!/usr/bin/env node
// Bundles the command (dist/cli.js, as tsc wrote it) with the packages it imports into one file,
// in place, so a start reads and compiles one file instead of resolving ~150 modules one by one
// (a fifth of start-up's CPU). That includes the parts of Prism every request uses (its router and
// validators, with lodash, fp-ts and Ajv: ~380 files, half a second when loaded one by one). What is
// loaded on demand stays outside: Prism's spec parser (prism.ts requires it at run time, only when
// a spec is not in the cache), faker, pdfkit, ioredis, yaml, pino-pretty. The library entry
// (dist/index.js) is not bundled. Without esbuild (a production-only install) dist/cli.js stays
// as tsc wrote it, which works the same, only starts slower.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/** The version of the package in `dir`. */
const versionAt = dir => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;

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
  plugins: [dedupe()],
});
for (const file of result.outputFiles) {
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
}
