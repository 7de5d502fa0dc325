// A real Redis for tests and benchmarks: Debian's redis-server, installed with apt-get when it is
// missing (as test/browser.ts does for chromium), started on a free loopback port with its own
// temporary folder, stopped (or killed) on demand.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../src/core/store.js';

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
  /** More redis-server arguments (e.g. `--cluster-enabled yes`, `--replicaof …`). */
  args?: string[];
  /** Run as a sentinel watching the master on this loopback port, named `mymaster` (quorum 1). */
  sentinelOf?: number;
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
    let sentinel: string[] = [];
    if (this.options.sentinelOf !== undefined) {
      // A sentinel reads (and rewrites) its configuration file: the master it watches is named there.
      const conf = join(this.dir, 'sentinel.conf');
      if (!existsSync(conf)) {
        await writeFile(
          conf,
          [
            `sentinel monitor mymaster 127.0.0.1 ${this.options.sentinelOf} 1`,
            'sentinel down-after-milliseconds mymaster 2000',
            'sentinel failover-timeout mymaster 10000',
            '',
          ].join('\n'),
        );
      }
      sentinel = [conf, '--sentinel'];
    }
    const args = [
      ...sentinel,
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
      ...(this.options.args ?? []),
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

/** Runs redis-cli (installed with redis-server) against a loopback port; its output, trimmed. */
export function redisCli(port: number, ...args: string[]): string {
  return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { stdio: 'pipe', timeout: 30_000 }).toString().trim();
}

/** Waits until `done()` (polled every 100 ms; a throw counts as not yet), for at most `ms`. */
export async function waitUntil(done: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (done()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A node's INFO replication as fields (`role`, `master_port`, `master_repl_offset`, `slave0`, …). */
export function replicationInfo(port: number): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of redisCli(port, 'info', 'replication').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/**
 * True when every replica of the master on `port` has acknowledged everything it wrote (their
 * offsets are its own). Unlike `WAIT` from a new connection, which has written nothing to wait for.
 */
export function caughtUp(port: number): boolean {
  const info = replicationInfo(port);
  const offsets = Object.keys(info)
    .filter(key => /^slave\d+$/.test(key))
    .map(key => /offset=(\d+)/.exec(info[key])?.[1]);
  return offsets.length > 0 && Number(info.connected_slaves) === offsets.length && offsets.every(offset => offset === info.master_repl_offset);
}

/**
 * A Redis Cluster of three masters on loopback ports, without persistence; with `replicas`, each
 * master has that many replicas (`redis-cli --cluster create --cluster-replicas`).
 */
export class RedisCluster {
  private constructor(readonly nodes: RedisServer[]) {}

  static async start(options: { replicas?: number } = {}): Promise<RedisCluster> {
    const replicas = options.replicas ?? 0;
    const nodes: RedisServer[] = [];
    const cluster = new RedisCluster(nodes);
    try {
      for (let i = 0; i < 3 * (1 + replicas); i++) {
        nodes.push(await RedisServer.start({ appendfsync: 'off', args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'] }));
      }
      redisCli(nodes[0].port, '--cluster', 'create', ...nodes.map(n => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes');
      // Every node must know every slot's owner (and every replica be in sync) before clients use it.
      await waitUntil(
        () => nodes.every(n => /cluster_state:ok/.test(redisCli(n.port, 'cluster', 'info'))) && cluster.replicas().every(n => replicationInfo(n.port).master_link_status === 'up'),
        'the Redis Cluster to reach cluster_state:ok',
      );
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  /** Two of the three first nodes (masters when it started): the client discovers the others. */
  get url(): string {
    return `redis+cluster://${this.nodes
      .slice(0, 2)
      .map(n => `127.0.0.1:${n.port}`)
      .join(',')}`;
  }

  /** The running nodes that are replicas now. */
  replicas(): RedisServer[] {
    return this.nodes.filter(n => n.running && replicationInfo(n.port).role === 'slave');
  }

  /** The running replicas of the master on `port`. */
  replicasOf(port: number): RedisServer[] {
    return this.replicas().filter(n => Number(replicationInfo(n.port).master_port) === port);
  }

  /** The master that serves the slot of `tag` (a key's hash tag, such as a sandbox's name) now, as a running node sees it. */
  masterOf(tag: string): RedisServer {
    const asker = this.nodes.find(n => n.running)!;
    const slot = Number(redisCli(asker.port, 'cluster', 'keyslot', `{${tag}}`));
    for (const line of redisCli(asker.port, 'cluster', 'nodes').split('\n')) {
      const [, address, flags, , , , , , ...slots] = line.trim().split(' ');
      if (!flags?.split(',').includes('master') || flags.includes('fail')) continue;
      const serves = slots.some(range => {
        const [from, to = from] = range.split('-').map(Number);
        return slot >= from && slot <= to;
      });
      if (serves) return this.nodes.find(n => address.startsWith(`127.0.0.1:${n.port}@`))!;
    }
    throw new Error(`no master serves the slot of {${tag}}`);
  }

  /** True when every running master's replicas have everything it wrote. */
  replicated(): boolean {
    return this.nodes.filter(n => n.running && replicationInfo(n.port).role === 'master').every(n => caughtUp(n.port));
  }

  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map(n => n.destroy()));
  }
}

/** A master, one replica of it, and a sentinel watching them (master name `mymaster`), without persistence. */
export class RedisSentinelSet {
  private constructor(
    readonly master: RedisServer,
    readonly replica: RedisServer,
    readonly sentinel: RedisServer,
  ) {}

  static async start(): Promise<RedisSentinelSet> {
    const started: RedisServer[] = [];
    try {
      const master = await RedisServer.start({ appendfsync: 'off' });
      started.push(master);
      const replica = await RedisServer.start({ appendfsync: 'off', args: ['--replicaof', '127.0.0.1', String(master.port)] });
      started.push(replica);
      const sentinel = await RedisServer.start({ appendfsync: 'off', sentinelOf: master.port });
      started.push(sentinel);
      const set = new RedisSentinelSet(master, replica, sentinel);
      await waitUntil(() => /master_link_status:up/.test(redisCli(replica.port, 'info', 'replication')), 'the replica to sync');
      await waitUntil(() => {
        const fields = redisCli(sentinel.port, 'sentinel', 'master', 'mymaster').split('\n');
        return fields[fields.indexOf('num-slaves') + 1] === '1';
      }, 'the sentinel to see the replica');
      return set;
    } catch (error) {
      await Promise.all(started.map(s => s.destroy()));
      throw error;
    }
  }

  get url(): string {
    return `redis+sentinel://127.0.0.1:${this.sentinel.port}/mymaster`;
  }

  /** The port of the master the sentinel names now. */
  masterPort(): number {
    return Number(redisCli(this.sentinel.port, 'sentinel', 'get-master-addr-by-name', 'mymaster').split('\n')[1]);
  }

  async destroy(): Promise<void> {
    await Promise.all([this.sentinel, this.replica, this.master].map(s => s.destroy()));
  }
}

/** A write that reads the sandbox's counter and stores it plus one (a lost update would show). */
export function increment(store: Store, sandbox: string): Promise<number> {
  return store.transact(sandbox, () => {
    const counter = store.sandbox(sandbox).collection<{ n: number }>('t', 'counter');
    const n = (counter.get('c')?.n ?? 0) + 1;
    void counter.put('c', { n });
    return n;
  });
}
