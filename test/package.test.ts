// The package as a user gets it: `npm pack` (which builds dist/ in `prepare`), installed into an
// empty project, then used three ways from there: the command through npx, the typed
// programmatic API under tsc, and the example test files (node:test and jest) in parallel workers.
// One packed install serves every case (npm's cache is warm from the repository's own install).
import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = resolve('.');
let project: string;

/** Runs a command in the project; resolves with its output, rejects with it on failure. */
async function inProject(command: string, args: string[], env: Record<string, string> = {}, timeout = 180_000) {
  try {
    return await run(command, args, { cwd: project, env: { ...process.env, NODE_OPTIONS: '', ...env }, timeout, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'sandbox-consumer-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', project], {
    cwd: repo,
    env: { ...process.env, NODE_OPTIONS: '' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 240_000,
  });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = packed.files.map(f => f.path);
  // What a user needs is in the package, and nothing of the repository's development.
  expect(files).toEqual(expect.arrayContaining(['dist/cli.js', 'dist/compact-worker.js', 'dist/index.js', 'dist/index.d.ts', 'specs/upvest.yaml', 'fixtures/upvest.json', 'dashboard/index.html']));
  expect(files.filter(f => /^(src|test|scripts|bench)\/|\.map$|\.build-hash$/.test(f))).toEqual([]);

  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'my-app', private: true, type: 'module' }));
  await inProject('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', join(project, packed.filename)], {}, 300_000);
  for (const file of await readdir(join(repo, 'examples'))) await cp(join(repo, 'examples', file), join(project, file));
}, 600_000);

afterAll(() => rm(project, { recursive: true, force: true }));

test('npx banking-api-sandbox --port 0 --log-format json prints one listening line, then serves', async () => {
  const { stdout: version } = await inProject('npx', ['banking-api-sandbox', '--version']);
  expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);

  const proc = spawn('npx', ['banking-api-sandbox', '--port', '0', '--log-format', 'json'], {
    cwd: project,
    env: { ...process.env, NODE_OPTIONS: '' },
    detached: true, // npx and node as one process group, stopped together
  });
  try {
    const first = await new Promise<string>((resolveLine, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 60_000);
      proc.stdout.on('data', d => {
        out += d;
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolveLine(out.slice(0, out.indexOf('\n')));
        }
      });
      proc.on('exit', code => reject(new Error(`exited with ${code}: ${out}`)));
    });
    const line = JSON.parse(first) as { event: string; url: string; port: number; apis: Array<{ slug: string; url: string }> };
    expect(line).toMatchObject({ event: 'listening', url: `http://127.0.0.1:${line.port}` });
    expect(line.port).toBeGreaterThan(0);
    expect(line.apis.map(a => a.slug)).toEqual(expect.arrayContaining(['upvest', 'payex', 'masstack', 'bankingservice', 'pagonxt']));
    const upvest = line.apis.find(a => a.slug === 'upvest')!;
    const res = await fetch(`${upvest.url}/payments/reference_accounts/c18f80bd-401e-4836-9776-7dc24c32d35e`, {
      headers: { 'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f', authorization: 'Bearer test' },
    });
    expect(res.status).toBe(200);
  } finally {
    const exited = new Promise(r => proc.once('exit', r));
    process.kill(-proc.pid!, 'SIGTERM');
    await exited;
  }
}, 120_000);

test('a TypeScript file importing startSandbox passes tsc against the installed package alone', async () => {
  await writeFile(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], strict: true, noEmit: true, types: [] },
      files: ['typed.ts'],
    }),
  );
  await inProject(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);

  // A wrong use is a type error: the types are real, not `any`.
  await writeFile(join(project, 'wrong.ts'), "import { startSandbox } from 'banking-api-sandbox';\nconst s = await startSandbox({ port: 'x' });\nexport const n: string = s.port;\n");
  await writeFile(join(project, 'tsconfig.wrong.json'), JSON.stringify({ extends: './tsconfig.json', files: ['wrong.ts'] }));
  await expect(inProject(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.wrong.json'])).rejects.toThrow(
    /wrong\.ts\(2,.*error TS2322[^]*wrong\.ts\(3,.*error TS2322/,
  );
}, 120_000);

test('the node:test example passes against the installed package', async () => {
  const { stdout } = await inProject(process.execPath, ['--test', '--test-reporter=tap', 'node-test.test.mjs']);
  expect(stdout).toMatch(/# pass 4\n# fail 0/);
}, 120_000);

test('the jest example passes against the installed package, in parallel workers', async () => {
  // Two copies of the file: jest gives each a worker (and each its own server).
  await cp(join(project, 'jest.test.mjs'), join(project, 'jest-copy.test.mjs'));
  const config = JSON.stringify({ rootDir: project, testEnvironment: 'node', transform: {}, testMatch: ['<rootDir>/jest*.test.mjs'] });
  const { stderr } = await inProject(
    process.execPath,
    [join(repo, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', config, '--maxWorkers=2', '--ci'],
    { NODE_OPTIONS: '--experimental-vm-modules' },
  );
  expect(stderr).toMatch(/Tests:\s+4 passed, 4 total/);
}, 180_000);
