// How the server process is launched: the Node/V8 flags it runs with (a young generation of up to
// 32 MB per semi-space, which V8 reads only at launch) reach every way users start it — the built
// command's shebang (npx banking-api-sandbox, the bin, running dist/cli.js), `npm start`, the
// image's CMD — and the command run by its shebang alone serves.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UPVEST } from './helpers.js';

const root = resolve('.');
const FLAGS = ['--max-semi-space-size=32'];
const firstLine = (file: string) => readFileSync(join(root, file), 'utf8').split('\n', 1)[0];

test('the shebangs, npm start and the image CMD carry the same Node flags', () => {
  expect(firstLine('dist/cli.js')).toBe(`#!/usr/bin/env -S node ${FLAGS.join(' ')}`);
  // Without esbuild, dist/cli.js is tsc's output of src/cli.ts, shebang included.
  expect(firstLine('src/cli.ts')).toBe(firstLine('dist/cli.js'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
  expect(pkg.bin['banking-api-sandbox']).toBe('dist/cli.js');
  expect(pkg.scripts.start).toBe(`node ${FLAGS.join(' ')} dist/cli.js`);
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))![1];
  expect(JSON.parse(cmd)).toEqual(['node', ...FLAGS, 'dist/cli.js']);
});

/** Runs dist/cli.js as a program (by its shebang, as npm's bin link does) until it listens. */
async function startByShebang(args: string[], env: Record<string, string>) {
  const proc = spawn(join(root, 'dist', 'cli.js'), args, { env: { ...process.env, NODE_OPTIONS: '', ...env } });
  let stdout = '';
  let stderr = '';
  proc.stderr.on('data', d => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start: ${stdout}${stderr}`)), 20_000);
    proc.stdout.on('data', d => {
      stdout += d;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    proc.on('exit', code => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${stdout}${stderr}`));
    });
  });
  return { proc, url };
}

test('dist/cli.js run by its shebang is node with the flags, and serves', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'sandbox-launch-'));
  try {
    const { proc, url } = await startByShebang(['--in-memory', '--port', '0', '--log-level', 'silent'], { SANDBOX_CACHE_DIR: cache });
    try {
      if (existsSync(`/proc/${proc.pid}/cmdline`)) {
        // env execs node in its own place: the same process, node's command line.
        const argv = readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8').split('\0');
        expect(argv.slice(1, 2 + FLAGS.length)).toEqual([...FLAGS, join(root, 'dist', 'cli.js')]);
      }
      expect((await fetch(`${url}/upvest/payments/reference_accounts/${UPVEST.account}`, { headers: UPVEST.headers })).status).toBe(200);
    } finally {
      proc.kill('SIGTERM');
      if (proc.exitCode === null) await once(proc, 'exit');
    }
    // Its code cache entry is named by its flags, beside (not instead of) that of `node dist/cli.js`.
    expect(readdirSync(join(cache, 'code'))).toEqual([expect.stringMatching(/^cli\.[0-9a-f]{20}\..*\.flags-[0-9a-f]{8}\.bin$/)]);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}, 30_000);
