// A real Redis for tests and benchmarks: Debian's redis-server, installed with apt-get when it is
// missing (as test/browser.ts does for chromium), started on a free loopback port with its own
// temporary folder, stopped (or killed) on demand.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const NGINX = '/usr/sbin/nginx';

function aptInstall(pkg: string): string | undefined {
  const apt = (...args: string[]) =>
    execFileSync('apt-get', args, { stdio: 'pipe', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 15 * 60_000 });
  try {
    try {
      apt('install', '-y', '--no-install-recommends', pkg);
    } catch {
      apt('update');
      apt('install', '-y', '--no-install-recommends', pkg);
    }
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop() ?? String(error);
    return `Debian's ${pkg} is not installed and apt-get could not install it (${detail})`;
  }
  return undefined;
}

/** Makes sure Debian's redis-server is installed; undefined when it is, or why it cannot be. */
export function ensureRedis(): string | undefined {
  if (existsSync(REDIS_SERVER)) return undefined;
  const failed = aptInstall('redis-server');
  if (failed) return failed;
  return existsSync(REDIS_SERVER) ? undefined : `apt-get installed redis-server, but ${REDIS_SERVER} is missing`;
}

/** Makes sure Debian's nginx is installed (the fleet's round-robin load balancer); undefined when it is. */
export function ensureNginx(): string | undefined {
  if (existsSync(NGINX)) return undefined;
  const failed = aptInstall('nginx-light') && aptInstall('nginx');
  if (failed) return failed;
  return existsSync(NGINX) ? undefined : `apt-get installed nginx, but ${NGINX} is missing`;
}

/** A free TCP port on loopback (the OS picks one; it is released before it is used). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface RedisOptions {
  /** `always`, `everysec` or `no` (default `everysec`); `off` turns the append-only file off. */
  appendfsync?: 'always' | 'everysec' | 'no' | 'off';
  /** A password (`requirepass`). */
  password?: string;
}

export class RedisServer {
  private proc: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly options: RedisOptions,
  ) {}

  /** Installs redis-server if needed and starts it on a free loopback port in a new temporary folder. */
  static async start(options: RedisOptions = {}): Promise<RedisServer> {
    const missing = ensureRedis();
    if (missing) throw new Error(missing);
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-redis-'));
    const server = new RedisServer(await freePort(), dir, options);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://${this.options.password ? `:${encodeURIComponent(this.options.password)}@` : ''}127.0.0.1:${this.port}/0`;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Starts (again) on the same port and folder: what was persisted comes back. */
  async launch(): Promise<void> {
    const fsync = this.options.appendfsync ?? 'everysec';
    const args = [
      '--port', String(this.port),
      '--bind', '127.0.0.1',
      '--dir', this.dir,
      '--save', '',
      '--daemonize', 'no',
      '--appendonly', fsync === 'off' ? 'no' : 'yes',
      ...(fsync === 'off' ? [] : ['--appendfsync', fsync]),
      '--protected-mode', 'yes',
      '--loglevel', 'warning',
      ...(this.options.password ? ['--requirepass', this.options.password] : []),
    ];
    const proc = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    this.output = '';
    proc.stdout!.on('data', d => (this.output += d));
    proc.stderr!.on('data', d => (this.output += d));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}: ${this.output}`);
      if (await this.accepts()) return;
      await sleep(20);
    }
    proc.kill('SIGKILL');
    throw new Error(`redis-server did not start on port ${this.port}: ${this.output}`);
  }

  /** True when something accepts a connection on the port and answers PING. */
  private async accepts(): Promise<boolean> {
    const { Socket } = await import('node:net');
    return new Promise(resolve => {
      const socket = new Socket();
      let answer = '';
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(500, () => done(false));
      socket.once('error', () => done(false));
      socket.on('data', d => {
        answer += d;
        // +PONG, or -NOAUTH when a password is set: either way it is up and loaded
        if (answer.includes('\r\n')) done(/^(\+PONG|-NOAUTH)/.test(answer));
      });
      socket.connect(this.port, '127.0.0.1', () => socket.write('PING\r\n'));
    });
  }

  /** Stops the server: SIGTERM (it writes what it must) or SIGKILL. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill(signal);
    await exited;
  }

  /** Stops the server and removes its folder. */
  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }
}
