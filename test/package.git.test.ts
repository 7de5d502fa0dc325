// Installed from a git URL, as the README offers: npm clones the repository, runs its `prepare`
// (which builds dist/, a folder git does not hold), and packs the result. The repository here is a
// bare clone of this one's HEAD, reached by a git+file:// URL (no network beyond the npm registry's
// cache). From the project that installed it, the command answers and the programmatic API serves.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = resolve('.');
let dir: string;
let project: string;

async function inProject(command: string, args: string[], timeout = 120_000) {
  try {
    return await run(command, args, { cwd: project, env: { ...process.env, NODE_OPTIONS: '' }, timeout, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-git-'));
  project = join(dir, 'app');
  await run('git', ['clone', '--quiet', '--bare', repo, join(dir, 'repo.git')]);
  await run('mkdir', [project]);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'my-app', private: true, type: 'module' }));
  await inProject('npm', ['install', '--save-dev', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `git+file://${join(dir, 'repo.git')}`], 480_000);
}, 600_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

test('a git install carries the built dist/ and the command', async () => {
  await stat(join(project, 'node_modules', 'banking-api-sandbox', 'dist', 'cli.js'));
  await stat(join(project, 'node_modules', 'banking-api-sandbox', 'dist', 'index.d.ts'));
  const { stdout } = await inProject('npx', ['banking-api-sandbox', '--version']);
  expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
}, 120_000);

test('startSandbox from the git install serves the documented fixtures', async () => {
  await writeFile(
    join(project, 'start.mjs'),
    [
      "import { startSandbox } from 'banking-api-sandbox';",
      'const sandbox = await startSandbox();',
      'try {',
      "  const res = await fetch(`${sandbox.url}/upvest/payments/reference_accounts/c18f80bd-401e-4836-9776-7dc24c32d35e`, {",
      "    headers: { 'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f', authorization: 'Bearer test' },",
      '  });',
      '  console.log(res.status, (await res.json()).id);',
      '} finally {',
      '  await sandbox.close();',
      '}',
    ].join('\n'),
  );
  const { stdout } = await inProject(process.execPath, ['start.mjs']);
  expect(stdout.trim()).toBe('200 c18f80bd-401e-4836-9776-7dc24c32d35e');
}, 120_000);
