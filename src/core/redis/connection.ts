// Where the Redis backend connects: `redis://[user:password@]host[:port][/db]` or `rediss://…`
// (TLS), parsed into ioredis options, and a connection that fails fast while Redis is away
// (so requests get a 503 instead of waiting) and reconnects by itself.
import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';

// ioredis (~60 modules) is loaded with the first connection: a server on the embedded store never needs it.
const loadIoredis = () => createRequire(import.meta.url)('ioredis') as typeof import('ioredis');

/** The store URL cannot be used; `message` is one line. */
export class StoreUrlError extends Error {
  override name = 'StoreUrlError';
}

export interface RedisTarget {
  /** The URL with any password replaced by `***`, for logs and the admin API. */
  display: string;
  options: RedisOptions;
}

/** Default global key prefix: two deployments sharing one Redis give different ones. */
export const DEFAULT_KEY_PREFIX = 'bas:';

/** Parses a `redis://` or `rediss://` URL; throws a StoreUrlError naming what is wrong. */
export function parseRedisUrl(text: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new StoreUrlError(`"${redact(text)}" is not a URL such as redis://localhost:6379/0`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new StoreUrlError(`the store URL must start with redis:// or rediss://, not ${url.protocol}//`);
  }
  if (!url.hostname) throw new StoreUrlError('the store URL names no host, e.g. redis://localhost:6379/0');
  const port = url.port ? Number(url.port) : 6379;
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^(0|[1-9][0-9]{0,3})$/.test(dbText)) {
    throw new StoreUrlError(`the store URL's database must be a number such as /0, not /${dbText}`);
  }
  const options: RedisOptions = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    db: dbText === '' ? 0 : Number(dbText),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: { servername: url.hostname } } : {}),
  };
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  return { display: shown.href, options };
}

function redact(text: string): string {
  return text.replace(/:[^:/@\s]*@/g, ':***@').replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
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
 */
export function createConnection(target: RedisTarget, name: string): Redis {
  const redis = new (loadIoredis().Redis)({
    ...target.options,
    connectionName: name,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 3000,
    // Reconnect forever, backing off to at most one attempt every second.
    retryStrategy: times => Math.min(50 * times, 1000),
  });
  // Connection errors are reported through failed commands and `status`; without a listener
  // ioredis would print each one.
  redis.on('error', () => undefined);
  return redis;
}

/** Connects once, or throws an Error whose message is one line saying why. */
export async function connectOrFail(redis: Redis, target: RedisTarget): Promise<void> {
  // ioredis reports the cause (refused, wrong password, TLS) as an `error` event; the rejected
  // promise then only says the connection closed.
  let cause: Error | undefined;
  const noteCause = (error: Error) => (cause = error);
  redis.on('error', noteCause);
  try {
    await withTimeout(redis.connect(), 5000, `no answer from ${target.display} within 5 s`);
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const reason = (cause ?? (error instanceof Error ? error : new Error(String(error)))).message.split('\n')[0];
    throw new StoreUrlError(`cannot reach Redis at ${target.display}: ${reason}`);
  } finally {
    redis.off('error', noteCause);
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
