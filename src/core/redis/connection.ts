// Where the Redis backend connects, parsed into ioredis options:
//   redis://[user:password@]host[:port][/db]                 one Redis (rediss://: TLS)
//   redis+sentinel://[user:password@]host[:port][,host[:port]…]/master-name[/db]
//                                                            Sentinel: the sentinels (default port
//                                                            26379) and the name of the master they
//                                                            watch; the credentials are the master's
//                                                            (?sentinelUsername=…&sentinelPassword=…
//                                                            for sentinels that require their own)
//   redis+cluster://[user:password@]host[:port][,host[:port]…]
//                                                            Redis Cluster: some of its nodes (default
//                                                            port 6379); the others are discovered
// and rediss+sentinel:// / rediss+cluster:// with TLS. A connection fails fast while Redis is away
// (so requests get a 503 instead of waiting) and reconnects by itself; with Sentinel it follows a
// failover to the new master, with Cluster a change of slots.
import { isIP } from 'node:net';
import { createRequire } from 'node:module';
import type { ClusterOptions, Redis, RedisOptions } from 'ioredis';

// ioredis (~60 modules) is loaded with the first connection: a server on the embedded store never needs it.
const loadIoredis = () => createRequire(import.meta.url)('ioredis') as typeof import('ioredis');

/** The store URL cannot be used; `message` is one line. */
export class StoreUrlError extends Error {
  override name = 'StoreUrlError';
}

export interface RedisTarget {
  /** The URL with any password replaced by `***`, for logs and the admin API. */
  display: string;
  /** One Redis, a master found through Sentinel, or a Redis Cluster. */
  mode: 'standalone' | 'sentinel' | 'cluster';
  /** ioredis options: of the connection, or with Cluster of each node's. */
  options: RedisOptions;
  /** With Cluster, the nodes to start from. */
  nodes?: Array<{ host: string; port: number }>;
}

/** Default global key prefix: two deployments sharing one Redis give different ones. */
export const DEFAULT_KEY_PREFIX = 'bas:';

/**
 * The name of a fleet-wide key (not one sandbox's): `P<name>` on one Redis or through Sentinel (as
 * before Cluster was supported), `P{_fleet}:<name>` on a Redis Cluster, where the scripts that use
 * several of them need them in one hash slot (`_fleet` cannot be a sandbox's name, whose keys are
 * `P{<sandbox>}:…`).
 */
export function fleetKey(target: RedisTarget, prefix: string, name: string): string {
  return target.mode === 'cluster' ? `${prefix}{_fleet}:${name}` : `${prefix}${name}`;
}

/** The name of one sandbox's key: `P{<sandbox>}:<name>` (the hash tag keeps a sandbox's keys in one slot). */
export function sandboxKey(prefix: string, sandbox: string, name: string): string {
  return `${prefix}{${sandbox}}:${name}`;
}

/**
 * Where to connect and the key prefix to use (default DEFAULT_KEY_PREFIX); throws a StoreUrlError
 * for a URL that cannot be used, or a prefix that would break the hash tags of a Redis Cluster's keys.
 */
export function resolveTarget(url: string, keyPrefix = DEFAULT_KEY_PREFIX): { target: RedisTarget; prefix: string } {
  const target = parseRedisUrl(url);
  if (target.mode === 'cluster' && /[{}]/.test(keyPrefix)) {
    throw new StoreUrlError(`with a Redis Cluster the key prefix must not contain { or }: "${keyPrefix}" would move keys that belong together into different hash slots`);
  }
  return { target, prefix: keyPrefix };
}

const FORMS = 'redis://host:6379/0, redis+sentinel://host:26379/mymaster or redis+cluster://host:6379';

/** Parses a store URL (any of the forms above); throws a StoreUrlError naming what is wrong. */
export function parseRedisUrl(text: string): RedisTarget {
  const plus = /^(rediss?)\+([a-z]*):\/\/(.*)$/i.exec(text);
  if (plus) return parseMultiHost(plus[1].toLowerCase() === 'rediss', plus[2].toLowerCase(), plus[3], text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new StoreUrlError(`"${redact(text)}" is not a URL such as ${FORMS}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new StoreUrlError(`the store URL must start with redis://, rediss://, redis+sentinel:// or redis+cluster://, not ${url.protocol}//`);
  }
  if (!url.hostname) throw new StoreUrlError('the store URL names no host, e.g. redis://localhost:6379/0');
  const port = url.port ? Number(url.port) : 6379;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const options: RedisOptions = {
    host,
    port,
    db: database(url.pathname.replace(/^\//, '')),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    // The name the certificate must carry (SNI); an IP address is checked against the certificate's IP names instead.
    ...(url.protocol === 'rediss:' ? { tls: isIP(host) ? {} : { servername: host } } : {}),
  };
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  return { display: shown.href, mode: 'standalone', options };
}

/** `redis+sentinel://…` or `redis+cluster://…` (`rest`: what follows `//`). */
function parseMultiHost(tls: boolean, kind: string, rest: string, text: string): RedisTarget {
  const scheme = `${tls ? 'rediss' : 'redis'}+${kind}`;
  if (kind !== 'sentinel' && kind !== 'cluster') {
    throw new StoreUrlError(`the store URL must start with redis://, rediss://, redis+sentinel:// or redis+cluster://, not ${redact(scheme)}://`);
  }
  const match = /^(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/.exec(rest);
  if (!match) throw new StoreUrlError(`"${redact(text)}" is not a URL such as ${scheme}://${kind === 'sentinel' ? 'host:26379/mymaster' : 'host:6379'}`);
  const [, userinfo, hostList, path = '', queryText = ''] = match;
  // Sentinels that require a password of their own: ?sentinelUsername=…&sentinelPassword=…
  const sentinelAuth: RedisOptions = {};
  let shownQuery = '';
  if (queryText !== '') {
    let query: URLSearchParams;
    try {
      query = new URLSearchParams(queryText);
      for (const [key, value] of query) {
        if (kind !== 'sentinel' || (key !== 'sentinelUsername' && key !== 'sentinelPassword')) {
          throw new StoreUrlError(`the store URL's option "${redact(key).slice(0, 40)}" is not known${kind === 'sentinel' ? ': only sentinelUsername and sentinelPassword' : ': a redis+cluster:// URL takes none'}`);
        }
        sentinelAuth[key] = value;
      }
    } catch (error) {
      if (error instanceof StoreUrlError) throw error;
      throw new StoreUrlError("the store URL's options are not properly percent-encoded");
    }
    shownQuery = `?${[...query.keys()].map(key => `${key}=${key === 'sentinelPassword' ? '***' : encodeURIComponent(query.get(key)!)}`).join('&')}`;
  }
  const defaultPort = kind === 'sentinel' ? 26379 : 6379;
  const nodes = hostList.split(',').map(hostPort => {
    const node = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9._-]+))(?::([0-9]{1,5}))?$/.exec(hostPort);
    const port = node?.[3] === undefined ? defaultPort : Number(node[3]);
    if (!node || port < 1 || port > 65535) {
      throw new StoreUrlError(`the store URL's hosts must be host[:port] separated by commas, e.g. ${scheme}://10.0.0.1:${defaultPort},10.0.0.2:${defaultPort}${kind === 'sentinel' ? '/mymaster' : ''}`);
    }
    return { host: node[1] ?? node[2], port };
  });
  const credentials: RedisOptions = {};
  let shownUser = '';
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
    try {
      if (user) credentials.username = decodeURIComponent(user);
      if (colon !== -1 && colon < userinfo.length - 1) credentials.password = decodeURIComponent(userinfo.slice(colon + 1));
    } catch {
      throw new StoreUrlError("the store URL's user or password is not properly percent-encoded");
    }
    shownUser = `${user}${credentials.password === undefined ? '' : ':***'}@`;
  }
  const parts = path.split('/').slice(1);
  const shownHosts = nodes.map(n => `${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}`).join(',');
  const tlsOptions = tls ? { tls: {} } : {};
  if (kind === 'sentinel') {
    const [name = '', db = '', ...extra] = parts;
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(name) || extra.length) {
      throw new StoreUrlError(`the store URL must name the master the sentinels watch, e.g. ${scheme}://host:26379/mymaster or …/mymaster/0`);
    }
    return {
      display: `${scheme}://${shownUser}${shownHosts}/${name}${db === '' ? '' : `/${db}`}${shownQuery}`,
      mode: 'sentinel',
      options: {
        sentinels: nodes,
        name,
        db: database(db),
        ...credentials,
        ...sentinelAuth,
        ...tlsOptions,
        ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
      },
    };
  }
  if (parts.length > 1 || (parts[0] ?? '') !== '' && parts[0] !== '0') {
    throw new StoreUrlError('a Redis Cluster has only database 0: the store URL ends with the hosts, e.g. redis+cluster://host1:6379,host2:6379');
  }
  return { display: `${scheme}://${shownUser}${shownHosts}`, mode: 'cluster', nodes, options: { ...credentials, ...tlsOptions } };
}

function database(text: string): number {
  if (text !== '' && !/^(0|[1-9][0-9]{0,3})$/.test(text)) {
    throw new StoreUrlError(`the store URL's database must be a number such as /0, not /${redact(text)}`);
  }
  return text === '' ? 0 : Number(text);
}

/** The text with anything between a `:` and the last `@` (a password) replaced by `***`, printable, short. */
function redact(text: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text)?.[0] ?? '';
  return (scheme + text.slice(scheme.length).replace(/:[^@]*@/, ':***@'))
    .replace(/(sentinelPassword=)[^&#]*/gi, '$1***')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 200);
}

/**
 * How long one command may take before it fails (and its request gets a 503). A lost connection
 * fails commands at once; this catches a Redis that stopped answering, generously, since a busy
 * machine can delay a reply for seconds.
 */
export const COMMAND_TIMEOUT_MS = 10_000;

/**
 * A connection to Redis that never queues commands while disconnected: they fail at once (the
 * request answers 503 with Retry-After), and the client keeps reconnecting in the background.
 * `blocking`: for a connection that blocks in XREAD, whose commands must not time out.
 * With Cluster it is an ioredis Cluster (one connection per node, typed as a Redis: the commands
 * used here are the same), routing each command by its keys' slot.
 */
export function createConnection(target: RedisTarget, name: string, blocking = false): Redis {
  const io = loadIoredis();
  const options: RedisOptions = {
    ...target.options,
    connectionName: name,
    maxRetriesPerRequest: 0,
    ...(blocking ? {} : { commandTimeout: COMMAND_TIMEOUT_MS }),
    connectTimeout: 3000,
  };
  // Reconnect forever, backing off to at most one attempt every second.
  const retry = (times: number) => Math.min(50 * times, 1000);
  let redis: Redis;
  if (target.mode === 'cluster') {
    const clusterOptions: ClusterOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: retry,
      slotsRefreshTimeout: 3000,
      redisOptions: options,
      // With TLS, connect to the addresses the nodes announce as they are (as managed clusters need).
      ...(target.options.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    };
    redis = new io.Cluster(target.nodes!, clusterOptions) as unknown as Redis;
    redis.on('node error', () => undefined);
  } else {
    redis = new io.Redis({
      ...options,
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: retry,
      ...(target.mode === 'sentinel'
        ? {
            sentinelRetryStrategy: retry,
            // Told by the sentinels when the master changes; a write that reaches a master turned
            // replica reconnects, through the sentinels, to the new one.
            failoverDetector: true,
            reconnectOnError: (error: Error) => (error.message.startsWith('READONLY') ? 2 : false),
          }
        : {}),
    });
  }
  // Connection errors are reported through failed commands and `status`; without a listener
  // ioredis would print each one.
  redis.on('error', () => undefined);
  return redis;
}

/** Connects once, or throws an Error whose message is one line saying why. */
export async function connectOrFail(redis: Redis, target: RedisTarget): Promise<void> {
  // ioredis reports the cause (refused, wrong password, TLS, no such master) as an `error` event
  // (with Cluster, a node's as `node error`); the rejected promise then only says the connection
  // closed, and with Sentinel or Cluster it would keep retrying: the first error ends the attempt.
  let cause: Error | undefined;
  let nodeCause: Error | undefined;
  let failed: (error: Error) => void = () => undefined;
  const noteCause = (error: Error) => {
    cause = error;
    failed(error);
  };
  const noteNodeCause = (error: Error) => (nodeCause ??= error);
  redis.on('error', noteCause);
  redis.on('node error', noteNodeCause);
  try {
    const error = new Promise<never>((_, reject) => (failed = reject));
    error.catch(() => undefined);
    await withTimeout(Promise.race([redis.connect(), error]), 5000, `no answer from ${target.display} within 5 s`);
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    let reason = (cause ?? (error instanceof Error ? error : new Error(String(error)))).message.split('\n')[0];
    reason = reason.replace(/ Retrying from scratch after \d+ms\./, '');
    if (nodeCause && /slots cache/.test(reason)) reason = `${reason} (${nodeCause.message.split('\n')[0]})`;
    throw new StoreUrlError(`cannot reach Redis at ${target.display}: ${reason}`);
  } finally {
    redis.off('error', noteCause);
    redis.off('node error', noteNodeCause);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}

/** Commands sent without waiting for their reply (best effort), so that closing can wait for them. */
export class InFlight {
  private readonly settling = new Set<Promise<void>>();

  add(promise: Promise<unknown>): void {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.settling.add(settled);
    void settled.then(() => this.settling.delete(settled));
  }

  /** Settles once none is in flight (those added meanwhile too). */
  async drain(): Promise<void> {
    while (this.settling.size) await Promise.all([...this.settling]);
  }
}
