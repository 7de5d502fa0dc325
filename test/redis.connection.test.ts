// The store URL (redis://, rediss://, passwords) and the connection to a real Redis
// (Debian's redis-server, installed when missing and started on a loopback port).
import { connectOrFail, createConnection, parseRedisUrl, StoreUrlError } from '../src/core/redis/connection.js';
import { runCli } from './process.js';
import { freePort, RedisServer } from './redis.js';

test('redis:// and rediss:// URLs: host, port, database, user and password (percent-decoded), TLS', () => {
  expect(parseRedisUrl('redis://localhost')).toEqual({ display: 'redis://localhost', options: { host: 'localhost', port: 6379, db: 0 } });
  expect(parseRedisUrl('redis://:s%40cret@10.0.0.5:6380/3')).toEqual({
    display: 'redis://:***@10.0.0.5:6380/3',
    options: { host: '10.0.0.5', port: 6380, db: 3, password: 's@cret' },
  });
  expect(parseRedisUrl('rediss://app:pw@cache.example.com:6380/0')).toEqual({
    display: 'rediss://app:***@cache.example.com:6380/0',
    options: { host: 'cache.example.com', port: 6380, db: 0, username: 'app', password: 'pw', tls: { servername: 'cache.example.com' } },
  });
  expect(parseRedisUrl('redis://[::1]:7000').options).toMatchObject({ host: '::1', port: 7000 });
});

test('a store URL that cannot be used is a one-line error that never shows the password', () => {
  for (const [url, message] of [
    ['localhost:6379', /must start with redis:\/\/ or rediss:\/\//],
    ['http://localhost:6379', /must start with redis:\/\/ or rediss:\/\/, not http:/],
    ['redis://localhost/abc', /database must be a number/],
    ['redis://:hunter2@', /not a URL/],
    ['not a url :hunter2@', /not a URL/],
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
  const bad = await runCli(['--port', '0'], { SANDBOX_STORE: 'http://localhost:6379' });
  expect(bad.code).toBe(1);
  expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  expect(bad.stderr).toMatch(/must start with redis:\/\/ or rediss:\/\//);
}, 120_000);
