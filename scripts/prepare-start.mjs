#!/usr/bin/env node
// Before `npm start` (and `npm test`): install dependencies only when package-lock.json changed
// since the last install, then build only when the sources changed (`--no-build` skips that),
// saying what it does and how long it takes. No dependencies: it runs before any are installed.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stampFile = join(root, 'node_modules', '.banking-api-sandbox-lock-hash');
const log = message => process.stderr.write(`${message}\n`);
const lockHash = () => createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');

if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== lockHash()) {
  log(`banking-api-sandbox: installing dependencies (${existsSync(join(root, 'node_modules')) ? 'package-lock.json changed' : 'first start'}) …`);
  const started = Date.now();
  // npm prints its own progress on a terminal only; say that it is still busy everywhere.
  const ticker = setInterval(() => log(`banking-api-sandbox: still installing (${Math.round((Date.now() - started) / 1000)} s) …`), 10_000);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const code = await new Promise(resolve =>
    spawn(npm, ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' }).on('exit', resolve).on('error', () => resolve(1)),
  );
  clearInterval(ticker);
  if (code !== 0) {
    log('banking-api-sandbox: npm install failed (see above)');
    process.exit(typeof code === 'number' ? code : 1);
  }
  writeFileSync(stampFile, lockHash());
  log(`banking-api-sandbox: dependencies installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (!process.argv.includes('--no-build')) {
  const { ensureBuilt } = await import('./ensure-built.mjs');
  ensureBuilt({ log });
}
