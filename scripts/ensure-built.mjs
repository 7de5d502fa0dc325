#!/usr/bin/env node
// Builds dist/ with tsc only when the sources changed since the last build (a hash of src/, the
// tsconfig files and the bundling script is kept in dist/.build-hash), then bundles the command
// (bundle-cli.mjs; skipped without esbuild). Plain JavaScript with no dependencies besides
// TypeScript, so it runs from `prepare` (npm pack, git installs, npm install) and `npm start`.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stampFile = join(root, 'dist', '.build-hash');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap(entry => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
}

export function sourceHash() {
  const hash = createHash('sha256');
  for (const file of [...files(join(root, 'src')), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json'), join(root, 'scripts', 'bundle-cli.mjs')]) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Builds when needed; returns whether it built. Exits the process when tsc fails. */
export function ensureBuilt({ log = message => process.stderr.write(`${message}\n`) } = {}) {
  const hash = sourceHash();
  const current = existsSync(join(root, 'dist', 'cli.js')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash;
  if (current) return false;
  log('banking-api-sandbox: building dist/ (the sources changed since the last build) …');
  const started = Date.now();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  let result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (result.status === 0) result = spawnSync(process.execPath, [join(root, 'scripts', 'bundle-cli.mjs')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    log('banking-api-sandbox: the build failed (see above)');
    process.exit(result.status ?? 1);
  }
  writeFileSync(stampFile, hash);
  log(`banking-api-sandbox: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureBuilt();
