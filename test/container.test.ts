// Reproduces what the Dockerfile does, without a Docker engine: build into a clean folder,
// install production dependencies only, start with the image's CMD and environment, and run
// the image's HEALTHCHECK command against it. The README's compose file is checked with dclint.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DCLinter } from 'dclint';
import { parse } from 'yaml';
import { apis } from '../src/apis/index.js';
import { runCli, startServer, stop } from './process.js';
import { UPVEST } from './helpers.js';

const jsonArray = (line: string) => JSON.parse(line.slice(line.indexOf('['))) as string[];

test('the image builds, installs production dependencies only, starts and passes its health check', async () => {
  const dockerfile = await readFile('Dockerfile', 'utf8');
  const lines = dockerfile.replace(/\\\n\s*/g, ' ').split('\n');
  const env = Object.fromEntries([...dockerfile.matchAll(/^\s*(?:ENV\s+)?([A-Z_]+)=(\S+)/gm)].map(m => [m[1], m[2]]));
  const [cmdNode, ...cmdArgs] = jsonArray(lines.find(l => l.startsWith('CMD '))!);
  const [checkNode, ...checkArgs] = jsonArray(lines.find(l => l.startsWith('HEALTHCHECK '))!.replace(/^.*?CMD /, 'CMD '));
  expect({ cmdNode, checkNode, host: env.HOST, user: /^USER node$/m.test(dockerfile), volume: /^VOLUME \["\/data"\]$/m.test(dockerfile) }).toEqual({
    cmdNode: 'node',
    checkNode: 'node',
    host: '0.0.0.0',
    user: true,
    volume: true,
  });

  const app = await mkdtemp(join(tmpdir(), 'sandbox-image-'));
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(app, 'dist')], { stdio: 'pipe' });
    // What the final stage copies from the build context (the compiled dist comes from tsc above).
    const finalStage = lines.slice(lines.findLastIndex(l => l.startsWith('FROM ')));
    const copied = finalStage.filter(l => /^COPY (?!--from)/.test(l)).flatMap(l => l.split(/\s+/).slice(1, -1));
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'specs', 'fixtures', 'dashboard']));
    for (const entry of copied) await cp(entry, join(app, entry), { recursive: true });
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app, stdio: 'pipe' });
    await expect(stat(join(app, 'node_modules', 'typescript'))).rejects.toThrow();
    await expect(stat(join(app, 'node_modules', 'jest'))).rejects.toThrow();

    // The image listens on 0.0.0.0:4010; the test stays on loopback with a free port.
    const server = await startServer([], { ...env, HOST: '127.0.0.1', PORT: '0', SANDBOX_DATA: join(app, 'data', 'sandbox.json') }, cmdArgs, app);
    try {
      const res = await fetch(`${server.url}/upvest/payments/reference_accounts/${UPVEST.account}`, { headers: UPVEST.headers });
      expect(res.status).toBe(200);
      expect((await fetch(`${server.url}/__sandbox/ui`)).status).toBe(200);
      const port = new URL(server.url).port;
      const check = await runCli([], { PORT: port }, checkArgs);
      expect(check.code).toBe(0);
      await stat(join(app, 'data', 'sandbox.json'));
    } finally {
      await stop(server);
    }

    // With an admin token (needed from other containers), the health check sends it: it asks the
    // admin API, which refuses a request without it.
    const guarded = await startServer([], { ...env, HOST: '127.0.0.1', PORT: '0', SANDBOX_ADMIN_TOKEN: 'tok', SANDBOX_IN_MEMORY: '1' }, cmdArgs, app);
    try {
      const port = new URL(guarded.url).port;
      expect((await runCli([], { PORT: port, SANDBOX_ADMIN_TOKEN: 'tok' }, checkArgs)).code).toBe(0);
      expect((await runCli([], { PORT: port, SANDBOX_ADMIN_TOKEN: '' }, checkArgs)).code).toBe(1);
      expect((await runCli([], { PORT: port, SANDBOX_ADMIN_TOKEN: 'wrong' }, checkArgs)).code).toBe(1);
    } finally {
      await stop(guarded);
    }
  } finally {
    await rm(app, { recursive: true, force: true });
  }
}, 240_000);

test("the README's docker compose example is a valid Compose file that follows dclint's rules", async () => {
  const readme = await readFile('README.md', 'utf8');
  const container = readme.slice(readme.indexOf('## Container'));
  const compose = /```yaml\n([^]*?)```/.exec(container)![1];
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-compose-'));
  try {
    await writeFile(join(dir, 'compose.yaml'), compose);
    const [result] = new DCLinter({ rules: {}, quiet: false, debug: false, exclude: [] }).lintFiles([join(dir, 'compose.yaml')], false);
    expect(result.messages).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // The app reaches the sandbox by service name once it is healthy, with URLs the sandbox serves;
  // both sides share the admin token, since the app is not on the sandbox's loopback.
  const { services } = parse(compose);
  const built = /docker build -t (\S+) \./.exec(container)![1];
  expect(services.sandbox.image).toBe(built);
  expect(services.sandbox.volumes).toContain('sandbox-data:/data');
  expect(services.app.depends_on.sandbox.condition).toBe('service_healthy');
  expect(services.app.environment.SANDBOX_ADMIN_TOKEN).toBe(services.sandbox.environment.SANDBOX_ADMIN_TOKEN);
  const urls = Object.values(services.app.environment as Record<string, string>).filter(v => v.startsWith('http'));
  const served = [...apis.map(a => a.slug), '__sandbox'];
  for (const url of urls) expect(served).toContain(/^http:\/\/sandbox:4010\/([^/]+)$/.exec(url)?.[1]);
});
