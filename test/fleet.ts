// A fleet for tests and benchmarks: Redis, sandbox servers on it (child processes of the CLI, as
// deployed), and nginx round-robin in front with the configuration of deploy/nginx.conf.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, stop, type Running } from './process.js';
import { ensureNginx, freePort, NGINX, RedisServer, type RedisOptions } from './redis.js';

/**
 * deploy/nginx.conf for a test: the Compose services replaced by `servers`, listening on loopback
 * `port`, with its files under `dir` (so it runs as any user, beside any other nginx).
 */
export function nginxConfig(conf: string, servers: string[], port: number, dir: string): string {
  const upstream = servers.map(s => `    server ${s} max_fails=1 fail_timeout=5s;`).join('\n');
  return conf
    .replace(/^worker_processes .*$/m, 'worker_processes 1;')
    .replace(/(upstream sandbox \{\n)(?:\s*server .*\n)+/, `$1${upstream}\n`)
    .replace(/listen 4010;/, `listen 127.0.0.1:${port};`)
    .replace(
      /http \{\n/,
      `http {\n  access_log off;\n${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
        .map(name => `  ${name}_temp_path ${join(dir, `${name}_temp`)};`)
        .join('\n')}\n`,
    );
}

export interface LoadBalancer {
  url: string;
  stop(): Promise<void>;
}

/** nginx round-robin over `servers` (host:port), with deploy/nginx.conf; undefined when nginx is not installed. */
export async function startNginx(servers: string[]): Promise<LoadBalancer | undefined> {
  if (ensureNginx()) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-nginx-'));
  const port = await freePort();
  const file = join(dir, 'nginx.conf');
  await writeFile(file, nginxConfig(await readFile('deploy/nginx.conf', 'utf8'), servers, port, dir));
  const proc: ChildProcess = spawn(NGINX, ['-p', dir, '-c', file, '-e', join(dir, 'error.log'), '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`nginx exited with ${proc.exitCode}: ${await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')}`);
    try {
      await fetch(`${url}/`);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('nginx did not start');
      await sleep(50);
    }
  }
  return {
    url,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = once(proc, 'exit');
        proc.kill('SIGQUIT');
        await Promise.race([exited, sleep(3000).then(() => proc.kill('SIGKILL'))]);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Servers start in about a second; on a busy shared machine, much later. */
export const START_TIMEOUT_MS = 90_000;

export interface Fleet {
  redis: RedisServer;
  servers: Running[];
  /** nginx in front, when installed. */
  lb?: LoadBalancer;
  /** Where clients go: nginx, or the first server without it. */
  url: string;
  stop(): Promise<void>;
}

export interface FleetOptions {
  servers?: number;
  nginx?: boolean;
  redis?: RedisOptions;
  /** Extra CLI arguments for every server. */
  args?: string[];
  env?: Record<string, string>;
  /** How to start the CLI (default: the TypeScript sources through tsx). */
  command?: string[];
}

/** Starts Redis, `servers` sandbox servers on it (default 3) and nginx round-robin in front. */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const redis = await RedisServer.start(options.redis);
  const servers: Running[] = [];
  let lb: LoadBalancer | undefined;
  const fleet: Fleet = {
    redis,
    servers,
    url: '',
    async stop() {
      await lb?.stop();
      await Promise.all(servers.filter(s => s.proc.exitCode === null && s.proc.signalCode === null).map(s => stop(s, 'SIGKILL')));
      await redis.destroy();
    },
  };
  try {
    const started = await Promise.all(
      Array.from({ length: options.servers ?? 3 }, () =>
        startServer(['--port', '0', '--store', redis.url, ...(options.args ?? [])], options.env ?? {}, options.command, undefined, START_TIMEOUT_MS),
      ),
    );
    servers.push(...started);
    if (options.nginx !== false) lb = fleet.lb = await startNginx(servers.map(s => new URL(s.url).host));
    fleet.url = lb?.url ?? servers[0].url;
    return fleet;
  } catch (error) {
    await fleet.stop();
    throw error;
  }
}
