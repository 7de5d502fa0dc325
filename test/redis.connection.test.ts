// The store URL (redis://, rediss://, passwords) and the connection to a real Redis
// (Debian's redis-server, installed when missing and started on a loopback port).
import { connectOrFail, createConnection, parseRedisUrl, StoreUrlError } from '../src/core/redis/connection.js';
import { runCli } from './process.js';
import { freePort, RedisServer } from './redis.js';

test('redis:// and rediss:// URLs: host, port, database, user and password (percent-decoded), TLS', () => {
  expect(parseRedisUrl('redis://localhost')).toEqual({ display: 'redis://localhost', mode: 'standalone', options: { host: 'localhost', port: 6379, db: 0 } });
  expect(parseRedisUrl('redis://:s%40cret@10.0.0.5:6380/3')).toEqual({
    display: 'redis://:***@10.0.0.5:6380/3',
    mode: 'standalone',
    options: { host: '10.0.0.5', port: 6380, db: 3, password: 's@cret' },
  });
  expect(parseRedisUrl('rediss://app:pw@cache.example.com:6380/0')).toEqual({
    display: 'rediss://app:***@cache.example.com:6380/0',
    mode: 'standalone',
    options: { host: 'cache.example.com', port: 6380, db: 0, username: 'app', password: 'pw', tls: { servername: 'cache.example.com' } },
  });
  expect(parseRedisUrl('redis://[::1]:7000').options).toMatchObject({ host: '::1', port: 7000 });
});

test('redis+sentinel:// and redis+cluster:// URLs: several hosts (default ports 26379 and 6379), the master name and database, credentials, TLS', () => {
  expect(parseRedisUrl('redis+sentinel://s1,10.0.0.2:26380/mymaster')).toEqual({
    display: 'redis+sentinel://s1:26379,10.0.0.2:26380/mymaster',
    mode: 'sentinel',
    options: { sentinels: [{ host: 's1', port: 26379 }, { host: '10.0.0.2', port: 26380 }], name: 'mymaster', db: 0 },
  });
  expect(parseRedisUrl('rediss+sentinel://app:p%3Aw@[::1]:5000/my-master.1/2')).toEqual({
    display: 'rediss+sentinel://app:***@[::1]:5000/my-master.1/2',
    mode: 'sentinel',
    options: { sentinels: [{ host: '::1', port: 5000 }], name: 'my-master.1', db: 2, username: 'app', password: 'p:w', tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} },
  });
  expect(parseRedisUrl('redis+cluster://:secret@n1:7000,n2:7001,n3')).toEqual({
    display: 'redis+cluster://:***@n1:7000,n2:7001,n3:6379',
    mode: 'cluster',
    nodes: [{ host: 'n1', port: 7000 }, { host: 'n2', port: 7001 }, { host: 'n3', port: 6379 }],
    options: { password: 'secret' },
  });
  expect(parseRedisUrl('redis+sentinel://:pw@s1/mymaster?sentinelPassword=s%26cret&sentinelUsername=watcher')).toEqual({
    display: 'redis+sentinel://:***@s1:26379/mymaster?sentinelPassword=***&sentinelUsername=watcher',
    mode: 'sentinel',
    options: { sentinels: [{ host: 's1', port: 26379 }], name: 'mymaster', db: 0, password: 'pw', sentinelPassword: 's&cret', sentinelUsername: 'watcher' },
  });
  expect(parseRedisUrl('rediss+cluster://clustercfg.example.com:6379/')).toMatchObject({ mode: 'cluster', options: { tls: {} } });
  expect(parseRedisUrl('REDIS+CLUSTER://n1/0')).toMatchObject({ mode: 'cluster', nodes: [{ host: 'n1', port: 6379 }] });
});

test('a store URL that cannot be used is a one-line error that never shows the password', () => {
  for (const [url, message] of [
    ['localhost:6379', /must start with redis:\/\/, rediss:\/\/, redis\+sentinel:\/\/ or redis\+cluster:\/\//],
    ['http://localhost:6379', /must start with .*, not http:/],
    ['redis://localhost/abc', /database must be a number/],
    ['redis://:hunter2@', /not a URL/],
    ['not a url :hunter2@', /not a URL/],
    ['redis+sentinal://:hunter2@h/m', /must start with .*, not redis\+sentinal:/],
    ['redis+sentinel://:hunter2@h1:26379', /must name the master the sentinels watch/],
    ['redis+sentinel://:hunter2@h1:26379/mymaster/x', /database must be a number/],
    ['redis+sentinel://:hunter2@h1:26379/a/0/b', /must name the master/],
    ['redis+sentinel://:hunter2@/mymaster', /hosts must be host\[:port\] separated by commas/],
    ['redis+cluster://:hunter2@h1:7000,,h2', /hosts must be host\[:port\] separated by commas/],
    ['redis+cluster://:hunter2@h1:70000', /hosts must be/],
    ['redis+cluster://:hunter2@h1 h2', /hosts must be/],
    ['redis+cluster://:hunter2@h1:7000/1', /a Redis Cluster has only database 0/],
    ['redis+cluster://u:%E0%A4%A@h1', /not properly percent-encoded/],
    ['redis+cluster://h1?sentinelPassword=hunter2', /option "sentinelPassword" is not known: a redis\+cluster:\/\/ URL takes none/],
    ['redis+sentinel://h1/mymaster?password=hunter2', /option "password" is not known: only sentinelUsername and sentinelPassword/],
    ['redis+sentinel://h1/mymaster?sentinelPassword=hunter2&x', /option "x" is not known/],
    ['redis+sentinel://h1 h2/m?sentinelPassword=hunter2', /hosts must be/],
    ['redis+sentinel:// /m?sentinelPassword=hunter2', /hosts must be/],
  ] as const) {
    let error: unknown;
    try {
      parseRedisUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreUrlError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/hunter2|\n/);
  }
});

test('connecting to a real Redis, with and without its password; nothing listening is a one-line error', async () => {
  const redis = await RedisServer.start({ password: 'p@ss word' });
  try {
    const target = parseRedisUrl(redis.url);
    const client = createConnection(target, 'test');
    await connectOrFail(client, target);
    expect(await client.ping()).toBe('PONG');
    client.disconnect();

    const wrong = parseRedisUrl(`redis://:nope@127.0.0.1:${redis.port}/0`);
    await expect(connectOrFail(createConnection(wrong, 'test'), wrong)).rejects.toThrow(/^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: .*WRONGPASS/);
  } finally {
    await redis.destroy();
  }
  const nobody = parseRedisUrl(`redis://127.0.0.1:${await freePort()}/0`);
  const started = Date.now();
  await expect(connectOrFail(createConnection(nobody, 'test'), nobody)).rejects.toThrow(/^cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/0: .*ECONNREFUSED/);
  expect(Date.now() - started).toBeLessThan(6000);
});

test('the CLI: an unreachable Redis or a bad store URL is a one-line error and a non-zero exit', async () => {
  const port = await freePort();
  const unreachable = await runCli(['--store', `redis://:secret@127.0.0.1:${port}/0`, '--port', '0'], {}, undefined);
  expect(unreachable.code).toBe(1);
  expect(unreachable.stderr).toMatch(new RegExp(`^banking-api-sandbox: cannot start: cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}/0: .*ECONNREFUSED.*\n$`));
  // Sentinel and Cluster: nothing listening, a sentinel that wants a password (given with
  // ?sentinelPassword=, it answers), or a sentinel that watches no such master.
  const sentinel = await RedisServer.start({ appendfsync: 'off', sentinelOf: port, password: 'watch word' });
  try {
    for (const [url, shown, reason] of [
      [`redis+sentinel://:secret@127.0.0.1:${port}/mymaster`, `redis\\+sentinel://:\\*\\*\\*@127\\.0\\.0\\.1:${port}/mymaster`, 'All sentinels are unreachable'],
      [`redis+sentinel://127.0.0.1:${sentinel.port}/other`, `redis\\+sentinel://127\\.0\\.0\\.1:${sentinel.port}/other`, 'NOAUTH'],
      [`redis+sentinel://127.0.0.1:${sentinel.port}/other?sentinelPassword=watch%20word`, `redis\\+sentinel://127\\.0\\.0\\.1:${sentinel.port}/other\\?sentinelPassword=\\*\\*\\*`, 'No such master'],
      [`redis+cluster://:secret@127.0.0.1:${port},127.0.0.1:${port + 1}`, `redis\\+cluster://:\\*\\*\\*@127\\.0\\.0\\.1:${port},127\\.0\\.0\\.1:${port + 1}`, 'Failed to refresh slots cache'],
    ]) {
      const started = Date.now();
      const run = await runCli(['--store', url, '--port', '0'], {}, undefined);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^banking-api-sandbox: cannot start: cannot reach Redis at ${shown}: .*${reason}.*\n$`));
      expect(Date.now() - started).toBeLessThan(30_000);
    }
  } finally {
    await sentinel.destroy();
  }
  const bad = await runCli(['--port', '0'], { SANDBOX_STORE: 'http://localhost:6379' });
  expect(bad.code).toBe(1);
  expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  expect(bad.stderr).toMatch(/must start with redis:\/\/, rediss:\/\/, redis\+sentinel:\/\/ or redis\+cluster:\/\//);
}, 120_000);
