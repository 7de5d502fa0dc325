// Reproduces what the Dockerfile does, without a Docker engine: build into a clean folder,
// install production dependencies only, start with the image's CMD and environment, and run
// the image's HEALTHCHECK command against it.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    for (const entry of ['package.json', 'package-lock.json', 'specs', 'fixtures']) await cp(entry, join(app, entry), { recursive: true });
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app, stdio: 'pipe' });
    await expect(stat(join(app, 'node_modules', 'typescript'))).rejects.toThrow();
    await expect(stat(join(app, 'node_modules', 'jest'))).rejects.toThrow();

    // The image listens on 0.0.0.0:4010; the test stays on loopback with a free port.
    const server = await startServer([], { ...env, HOST: '127.0.0.1', PORT: '0', SANDBOX_DATA: join(app, 'data', 'sandbox.json') }, cmdArgs, app);
    try {
      const res = await fetch(`${server.url}/upvest/payments/reference_accounts/${UPVEST.account}`, { headers: UPVEST.headers });
      expect(res.status).toBe(200);
      const port = new URL(server.url).port;
      const check = await runCli([], { PORT: port }, checkArgs);
      expect(check.code).toBe(0);
      await stat(join(app, 'data', 'sandbox.json'));
    } finally {
      await stop(server);
    }
  } finally {
    await rm(app, { recursive: true, force: true });
  }
}, 240_000);
