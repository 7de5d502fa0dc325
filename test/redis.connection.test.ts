// The store URL (redis://, rediss://, passwords) and the connection to a real Redis
// (Debian's redis-server, installed when missing and started on a loopback port).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectOrFail, createConnection, parseRedisUrl, StoreUrlError } from '../src/core/redis/connection.js';
import { UPVEST } from './helpers.js';
import { runCli, startServer, stop, type Running } from './process.js';
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
  // An IP address is not a server name (SNI): the certificate's IP names are checked instead.
  expect(parseRedisUrl('rediss://10.0.0.5:6380').options).toMatchObject({ host: '10.0.0.5', tls: {} });
  expect(parseRedisUrl('rediss://10.0.0.5:6380').options.tls).not.toHaveProperty('servername');
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

test('rediss://: the CLI keeps its sandboxes in a Redis reached over TLS (a private CA trusted with NODE_EXTRA_CA_CERTS); an untrusted certificate is a one-line error', async () => {
  // A certificate authority and a certificate for 127.0.0.1 signed by it, made with openssl.
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-tls-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 30_000 });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=sandbox test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'redis.key', '-out', 'redis.csr', '-subj', '/CN=127.0.0.1');
  await writeFile(join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', 'redis.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'redis.crt', '-days', '2', '-extfile', 'ext');
  const tlsPort = await freePort();
  const tlsArgs = ['--tls-port', String(tlsPort), '--tls-cert-file', join(dir, 'redis.crt'), '--tls-key-file', join(dir, 'redis.key'), '--tls-ca-cert-file', join(dir, 'ca.crt'), '--tls-auth-clients', 'no'];
  const redis = await RedisServer.start({ appendfsync: 'off', password: 'tls pw', args: tlsArgs });
  const servers: Running[] = [];
  try {
    const url = `rediss://:tls%20pw@127.0.0.1:${tlsPort}/0`;
    const trusted = { NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt') };
    const overTls = await startServer(['--store', url, '--port', '0', '--log-level', 'silent'], trusted);
    servers.push(overTls);
    const created = await fetch(`${overTls.url}/upvest/payments/reference_accounts`, {
      method: 'POST',
      headers: { ...UPVEST.headers, 'x-sandbox-id': 'over-tls', 'idempotency-key': '6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b', 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: UPVEST.user, account_owner: 'Max Mustermann', name: 'TLS', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', confirmed_at: '2020-08-23T14:15:22Z' }),
    });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    // The same Redis, read without TLS by another server: the record went there.
    const plain = await startServer(['--store', redis.url, '--port', '0', '--log-level', 'silent']);
    servers.push(plain);
    const read = await fetch(`${plain.url}/upvest/payments/reference_accounts/${id}`, { headers: { ...UPVEST.headers, 'x-sandbox-id': 'over-tls' } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { name: string }).name).toBe('TLS');
    // Without the CA, the certificate is not trusted: one line, exit 1, the password not shown.
    const untrusted = await runCli(['--store', url, '--port', '0'], {}, undefined);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(new RegExp(`^banking-api-sandbox: cannot start: cannot reach Redis at rediss://:\\*\\*\\*@127\\.0\\.0\\.1:${tlsPort}/0: .*certificate.*\n$`));
  } finally {
    for (const server of servers) await stop(server);
    await redis.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
