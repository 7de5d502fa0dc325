import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startServer, stop } from './process.js';
import { UPVEST } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-cli-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

test('--help explains every option with its environment variable', async () => {
  const { code, stdout } = await runCli(['--help']);
  expect(code).toBe(0);
  for (const [flag, env] of [
    ['--port', 'PORT'],
    ['--host', 'HOST'],
    ['--data', 'SANDBOX_DATA'],
    ['--in-memory', 'SANDBOX_IN_MEMORY'],
    ['--seed', 'SANDBOX_SEED'],
    ['--sandbox-ttl', 'SANDBOX_TTL'],
    ['--max-sandboxes', 'SANDBOX_MAX_SANDBOXES'],
    ['--strict', 'SANDBOX_STRICT'],
    ['--log-level', 'LOG_LEVEL'],
    ['--log-format', 'LOG_FORMAT'],
    ['--admin-token', 'SANDBOX_ADMIN_TOKEN'],
    ['--cors-origins', 'SANDBOX_CORS_ORIGINS'],
    ['--journal-bytes', 'SANDBOX_JOURNAL_BYTES'],
    ['--allowed-hosts', 'SANDBOX_ALLOWED_HOSTS'],
    ['--max-connections', 'SANDBOX_MAX_CONNECTIONS'],
  ]) {
    expect(stdout).toMatch(new RegExp(`${flag}[^]*?env:\\s+${env}\\)`));
  }
});

test.each([
  ['an unknown flag', ['--colour'], {}, /unknown option '--colour'/],
  ['a bad port', ['--port', 'eighty'], {}, /--port.*expected an integer/],
  ['a bad boolean variable', [], { SANDBOX_IN_MEMORY: 'maybe' }, /SANDBOX_IN_MEMORY must be/],
  ['a bad log level', ['--log-level', 'loud'], {}, /--log-level.*Allowed choices are fatal, error, warn, info, debug, trace, silent/],
  ['a bad sandbox TTL', ['--sandbox-ttl', '7 days'], {}, /--sandbox-ttl.*expected 0 or a duration/],
  ['a bad CORS origin', ['--cors-origins', 'localhost:3000'], {}, /--cors-origins.*not an origin/],
])('%s is a one-line error and a non-zero exit', async (_, args, env, message) => {
  const { code, stderr, stdout } = await runCli([...args, '--data', join(dir, 'd.json')], env);
  expect(code).not.toBe(0);
  expect(stdout).toBe('');
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(message);
});

test('--version prints the package version', async () => {
  const { code, stdout } = await runCli(['--version']);
  expect(code).toBe(0);
  expect(stdout.trim()).toBe(JSON.parse(await readFile('package.json', 'utf8')).version);
});

test('with --log-format json, start-up is one JSON line with the port actually chosen', async () => {
  const server = await startServer(['--in-memory', '--port', '0', '--log-format', 'json']);
  try {
    const line = JSON.parse(server.stdout.split('\n')[0]) as { event: string; url: string; port: number; apis: Array<{ slug: string; url: string }> };
    expect(line).toMatchObject({ event: 'listening', url: server.url, storage: 'memory' });
    expect(server.url).toBe(`http://127.0.0.1:${line.port}`);
    expect(line.port).toBeGreaterThan(0);
    expect(line.apis).toContainEqual(expect.objectContaining({ slug: 'upvest', url: `${server.url}/upvest` }));
    const res = await fetch(`${line.apis.find(a => a.slug === 'upvest')!.url}/payments/reference_accounts/${UPVEST.account}`, { headers: UPVEST.headers });
    expect(res.status).toBe(200);
  } finally {
    await stop(server);
  }
});

test('an unreadable data file is a one-line error naming it, and is left untouched', async () => {
  const file = join(dir, 'broken.json');
  await writeFile(file, '{"format":1,"seed":1,"sandboxes":{');
  const { code, stderr } = await runCli(['--data', file, '--port', '0']);
  expect(code).toBe(1);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toContain(file);
  expect(await readFile(file, 'utf8')).toBe('{"format":1,"seed":1,"sandboxes":{');
});

test('a stored record that breaks its schema is a one-line error naming sandbox, API, collection and key; the files are untouched', async () => {
  const file = join(dir, 'data.json');
  const snapshot = [
    '{"format":2,"seed":1,"log":0}',
    '["s","ci-3",1764000000000]',
    `["p","ci-3","upvest","referenceAccounts","${UPVEST.account}",{"id":"${UPVEST.account}","iban":42}]`,
    '',
  ].join('\n');
  await writeFile(file, snapshot);
  const { code, stderr } = await runCli(['--data', file, '--port', '0']);
  expect(code).toBe(1);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toContain(`data file ${file}: sandbox "ci-3", API upvest, collection referenceAccounts, key "${UPVEST.account}": does not follow schema`);
  expect(await readFile(file, 'utf8')).toBe(snapshot);
});

test('a port already in use is a one-line error', async () => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await new Promise(r => blocker.once('listening', r));
  const port = (blocker.address() as { port: number }).port;
  const { code, stderr } = await runCli(['--in-memory', '--port', String(port)]);
  blocker.close();
  expect(code).toBe(1);
  expect(stderr.trim()).toBe(`banking-api-sandbox: port ${port} on 127.0.0.1 is already in use; choose another with --port`);
});

test('environment variables configure the server; start-up prints each API with its base URL', async () => {
  const server = await startServer([], { PORT: '0', HOST: '127.0.0.1', SANDBOX_IN_MEMORY: 'true', SANDBOX_SEED: '5' });
  try {
    expect(server.stdout).toMatch(/in memory \(nothing is written\), fixture seed 5/);
    expect(server.stdout).toMatch(new RegExp(`upvest\\s+${server.url}/upvest\\s`));
    expect(server.stdout).toContain(`API reference: ${server.url}/docs`);
    expect(server.stdout).toContain(`dashboard: ${server.url}/__sandbox/ui\n`);
    // a few fixture ids to try, as curl commands that work
    const tries = [...server.stdout.matchAll(/^ {2}try: curl (.*)$/gm)].map(m => m[1]);
    expect(tries.length).toBeGreaterThanOrEqual(5);
    const upvest = /^-H 'upvest-client-id: (\S+)' -H 'authorization: (.+?)' '(\S+)'$/.exec(tries.find(t => t.includes('/upvest/'))!)!;
    expect((await fetch(upvest[3], { headers: { 'upvest-client-id': upvest[1], authorization: upvest[2] } })).status).toBe(200);
    const res = await fetch(`${server.url}/`);
    expect(((await res.json()) as { apis: Array<{ slug: string }> }).apis.map((a: { slug: string }) => a.slug)).toContain('upvest');
    // stdout is not a terminal here, so request logs are JSON lines
    let output = '';
    const logged = new Promise<string>(resolve =>
      server.proc.stdout!.on('data', d => {
        output += d;
        const line = output.split('\n').find(l => l.includes('"/docs"'));
        if (line) resolve(line);
      }),
    );
    await fetch(`${server.url}/docs`);
    expect(JSON.parse(await logged)).toMatchObject({ msg: expect.stringMatching(/^GET \/docs 200/), status: 200 });
  } finally {
    await stop(server);
  }
});

test('request log lines are written in batches, and every one of them is out when the server stops', async () => {
  const server = await startServer(['--in-memory', '--port', '0']);
  let output = '';
  server.proc.stdout!.on('data', d => (output += d));
  try {
    // 25 lines of ~450 bytes at once: a few full batches, and lines still waiting when SIGTERM comes.
    const statuses = await Promise.all(
      Array.from({ length: 25 }, (_, i) => fetch(`${server.url}/upvest/payments/reference_accounts/${UPVEST.account}?n=${i}`, { headers: UPVEST.headers }).then(r => r.status)),
    );
    expect(statuses).toEqual(Array(25).fill(200));
  } finally {
    await stop(server);
  }
  const lines = output.split('\n').filter(l => l.startsWith('{"level"'));
  const urls = lines.map(l => (JSON.parse(l) as { url: string }).url).sort();
  expect(urls).toEqual(Array.from({ length: 25 }, (_, i) => `/upvest/payments/reference_accounts/${UPVEST.account}?n=${i}`).sort());
});

test('the admin token and CORS origins come from the environment', async () => {
  const server = await startServer(['--port', '0', '--in-memory'], { SANDBOX_ADMIN_TOKEN: 'tok', SANDBOX_CORS_ORIGINS: 'http://localhost:3000' });
  try {
    expect(server.stdout).toContain(`${server.url}/__sandbox  (admin token required`);
    expect(server.stdout).toContain(`dashboard: ${server.url}/__sandbox/ui?token=<admin token>`);
    expect((await fetch(`${server.url}/__sandbox/health`)).status).toBe(403);
    expect((await fetch(`${server.url}/__sandbox/health`, { headers: { authorization: 'Bearer tok' } })).status).toBe(200);
    const cors = await fetch(`${server.url}/`, { headers: { origin: 'http://localhost:3000' } });
    expect(cors.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const other = await fetch(`${server.url}/`, { headers: { origin: 'http://localhost:4000' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  } finally {
    await stop(server);
  }
});

test('kill -9 right after a 2xx create loses nothing', async () => {
  const file = join(dir, 'data.json');
  const first = await startServer(['--port', '0', '--data', file]);
  const ids: string[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${first.url}/upvest/payments/reference_accounts`, {
        method: 'POST',
        headers: { ...UPVEST.headers, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({
          user_id: UPVEST.user,
          account_owner: 'Max Mustermann',
          iban: ['DE89370400440532013000', 'GB82WEST12345698765432', 'NL91ABNA0417164300', 'FR1420041010050500013M02606', 'AT611904300234573201'][i],
          bic: 'COBADEFFXXX',
          confirmed_at: '2026-11-20T09:00:00Z',
        }),
      });
      expect(res.status).toBe(200);
      ids.push(((await res.json()) as { id: string }).id);
    }
  } finally {
    await stop(first, 'SIGKILL');
  }
  const second = await startServer(['--port', '0', '--data', file]);
  try {
    for (const id of ids) {
      const res = await fetch(`${second.url}/upvest/payments/reference_accounts/${id}`, { headers: UPVEST.headers });
      expect(res.status).toBe(200);
    }
  } finally {
    await stop(second);
  }
}, 90_000); // two server starts: slow on a busy machine

test('a URI beyond the API\'s limit is the provider\'s 414; beyond 64 KB a JSON 431; the server keeps serving', async () => {
  const server = await startServer(['--in-memory', '--port', '0']);
  try {
    const path = `${server.url}/upvest/users/${UPVEST.user}/payments/reference_accounts?limit=1&pad=`;
    const long = await fetch(`${path}${'a'.repeat(20_000)}`, { headers: UPVEST.headers });
    expect(long.status).toBe(414);
    expect(await long.json()).toMatchObject({ status: 414, title: expect.any(String) });

    const huge = await fetch(`${path}${'a'.repeat(70 * 1024)}`, { headers: UPVEST.headers });
    expect(huge.status).toBe(431);
    expect(await huge.json()).toEqual({ error: 'request_header_fields_too_large', message: 'The request line and headers are larger than 65536 bytes.' });

    const after = await fetch(`${path}x`, { headers: UPVEST.headers });
    expect(after.status).toBe(200);
  } finally {
    await stop(server);
  }
});
