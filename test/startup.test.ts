// What makes start-up fast must not change what it computes: the on-disk caches of Prism's
// operations and of the parsed specs are copies that any change of their inputs invalidates, and
// the fast date-time check agrees with ajv-formats' on every string.
import { createRequire } from 'node:module';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import fc from 'fast-check';
import type { IHttpOperation } from '@stoplight/types';
import { cachedOperations, cachedSpecDocument, defaultCacheDir, documentCacheFile, operationsCacheFile } from '../src/core/operations-cache.js';
import { dateTime, SpecSchemas, uuid } from '../src/core/schemas.js';
import { packageRoot, specsDir } from '../src/paths.js';
import { runCli, startServer, stop } from './process.js';

const require = createRequire(import.meta.url);
const { getHttpOperationsFromSpec } = require('@stoplight/prism-http/dist/utils/operations.js') as {
  getHttpOperationsFromSpec: (spec: string) => Promise<IHttpOperation[]>;
};
const { parse: parseYaml } = require('yaml') as { parse: (text: string) => Record<string, unknown> };
const { fullFormats } = require('ajv-formats/dist/formats.js') as { fullFormats: Record<string, { validate: (s: string) => boolean }> & { uuid: RegExp } };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'operations-cache-'));
});
afterEach(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

/** A compute function that counts its calls. */
function counting() {
  const calls: string[] = [];
  const compute = (file: string) => {
    calls.push(file);
    return getHttpOperationsFromSpec(file);
  };
  return { calls, compute };
}

describe('the operations cache', () => {
  test.each(['upvest', 'payex', 'masstack', 'bankingservice', 'pagonxt', 'admin'])('%s: what is read back equals what Prism computes, and a hit computes nothing', async slug => {
    const spec = join(specsDir, `${slug}.yaml`);
    const fresh = await getHttpOperationsFromSpec(spec);
    const { calls, compute } = counting();
    const first = await cachedOperations(spec, compute, dir);
    const second = await cachedOperations(spec, compute, dir);
    expect(calls).toHaveLength(1);
    expect(first).toStrictEqual(fresh);
    expect(second).toStrictEqual(fresh);
    expect(second).not.toBe(first);
  });

  test('a changed spec is a miss; only the entry of its latest version is kept', async () => {
    const spec = join(dir, 'upvest.yaml');
    const original = readFileSync(join(specsDir, 'upvest.yaml'), 'utf8');
    writeFileSync(spec, original);
    const cache = join(dir, 'cache');
    const { calls, compute } = counting();
    await cachedOperations(spec, compute, cache);
    const changed = original.replace('Reference account unique identifier.', 'Changed description.');
    expect(changed).not.toBe(original);
    writeFileSync(spec, changed);
    const operations = await cachedOperations(spec, compute, cache);
    expect(calls).toHaveLength(2);
    expect(JSON.stringify(operations)).toContain('Changed description.');
    expect(operations).toStrictEqual(await getHttpOperationsFromSpec(spec));
    expect(readdirSync(join(cache, 'operations'))).toEqual([operationsCacheFile(cache, spec, Buffer.from(changed)).split('/').pop()]);
    // Back to the first version: computed again (its entry was replaced), and right.
    writeFileSync(spec, original);
    expect(JSON.stringify(await cachedOperations(spec, compute, cache))).not.toContain('Changed description.');
    expect(calls).toHaveLength(3);
  });

  test('an unreadable entry is computed again and rewritten', async () => {
    const spec = join(specsDir, 'pagonxt.yaml');
    const entry = operationsCacheFile(dir, spec, readFileSync(spec));
    mkdirSync(join(dir, 'operations'));
    writeFileSync(entry, 'not a v8 serialization');
    const { calls, compute } = counting();
    const operations = await cachedOperations(spec, compute, dir);
    expect(calls).toHaveLength(1);
    expect(operations).toStrictEqual(await getHttpOperationsFromSpec(spec));
    expect(deserialize(readFileSync(entry))).toStrictEqual(operations);
  });

  test('a folder that cannot be written only costs time', async () => {
    const spec = join(specsDir, 'upvest.yaml');
    chmodSync(dir, 0o500);
    const { calls, compute } = counting();
    const blocked = join(dir, 'cache');
    expect(await cachedOperations(spec, compute, blocked)).toStrictEqual(await getHttpOperationsFromSpec(spec));
    // (root may write anyway; either way the answer is right)
    expect(calls).toHaveLength(1);
  });

  test('SANDBOX_CACHE_DIR moves or turns off the cache; by default it is the user cache folder', () => {
    expect(defaultCacheDir({ SANDBOX_CACHE_DIR: '/x/y' })).toBe('/x/y');
    expect(defaultCacheDir({ SANDBOX_CACHE_DIR: 'off' })).toBeNull();
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/banking-api-sandbox');
  });

  test('without a folder, every call computes', async () => {
    const { calls, compute } = counting();
    const spec = join(specsDir, 'upvest.yaml');
    await cachedOperations(spec, compute, null);
    await cachedOperations(spec, compute, null);
    expect(calls).toHaveLength(2);
  });
});

describe('the cache of parsed specs (the documents whose schemas check stored records)', () => {
  /** A parse function that counts its calls. */
  function countingParse() {
    const calls: string[] = [];
    const parse = (text: string) => {
      calls.push(text);
      return parseYaml(text);
    };
    return { calls, parse };
  }

  test.each(['upvest', 'payex', 'masstack', 'bankingservice', 'pagonxt', 'admin'])('%s: what is read back equals the YAML parse, and a hit parses nothing', slug => {
    const spec = join(specsDir, `${slug}.yaml`);
    const { calls, parse } = countingParse();
    const first = cachedSpecDocument(spec, parse, dir);
    const second = cachedSpecDocument(spec, parse, dir);
    expect(calls).toHaveLength(1);
    expect(first).toStrictEqual(parseYaml(readFileSync(spec, 'utf8')));
    expect(second).toStrictEqual(first);
    expect(second).not.toBe(first);
  });

  test('a changed spec is a miss, and the records are checked against the changed schema', () => {
    const spec = join(dir, 'upvest.yaml');
    const original = readFileSync(join(specsDir, 'upvest.yaml'), 'utf8');
    writeFileSync(spec, original);
    const cache = join(dir, 'cache');
    const { calls, parse } = countingParse();
    const schemas = (document: Record<string, unknown>) => (document.components as { schemas: Record<string, { required?: string[] }> }).schemas;
    expect(schemas(cachedSpecDocument(spec, parse, cache)).UserRecord.required).not.toContain('nickname');
    const changed = original.replace('required: [id, first_name, last_name, created_at]', 'required: [id, first_name, last_name, created_at, nickname]');
    expect(changed).not.toBe(original);
    writeFileSync(spec, changed);
    expect(schemas(cachedSpecDocument(spec, parse, cache)).UserRecord.required).toContain('nickname');
    expect(calls).toHaveLength(2);
    expect(readdirSync(join(cache, 'documents'))).toEqual([documentCacheFile(cache, spec, Buffer.from(changed)).split('/').pop()]);
    // The record check reads specs through the cache (SANDBOX_CACHE_DIR): it sees the change.
    const user = { id: '83d83ec2-d2ca-49ff-bbea-b92b5c3be202', first_name: 'A', last_name: 'B', created_at: '2025-01-01T00:00:00Z' };
    const before = process.env.SANDBOX_CACHE_DIR;
    process.env.SANDBOX_CACHE_DIR = cache;
    try {
      expect(SpecSchemas.of(join(specsDir, 'upvest.yaml')).validate('UserRecord', user)).toEqual([]);
      expect(SpecSchemas.of(spec).validate('UserRecord', user).join()).toContain('nickname');
    } finally {
      if (before === undefined) delete process.env.SANDBOX_CACHE_DIR;
      else process.env.SANDBOX_CACHE_DIR = before;
    }
    expect(calls).toHaveLength(2);
  });

  test('an unreadable entry is parsed again and rewritten; without a folder, every call parses', () => {
    const spec = join(specsDir, 'pagonxt.yaml');
    const entry = documentCacheFile(dir, spec, readFileSync(spec));
    mkdirSync(join(dir, 'documents'));
    writeFileSync(entry, 'not a v8 serialization');
    const { calls, parse } = countingParse();
    const document = cachedSpecDocument(spec, parse, dir);
    expect(calls).toHaveLength(1);
    expect(deserialize(readFileSync(entry))).toStrictEqual(document);
    cachedSpecDocument(spec, parse, null);
    cachedSpecDocument(spec, parse, null);
    expect(calls).toHaveLength(3);
  });
});

describe('the date-time format of stored records', () => {
  const full = fullFormats['date-time'].validate;
  const digit = fc.integer({ min: 0, max: 9 }).map(String);
  const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map(a => a.join(''));
  const pick = (...values: string[]) => fc.constantFrom(...values);
  /** Strings close to `YYYY-MM-DDTHH:MM:SS[.f]Z`, with every part sometimes off. */
  const nearDateTime = fc
    .tuple(
      digits(4),
      pick('-', '-', '/', ''),
      fc.oneof(digits(2), pick('01', '02', '12', '13', '00')),
      pick('-', '-', ' '),
      fc.oneof(digits(2), pick('28', '29', '30', '31', '32', '00')),
      pick('T', 'T', 't', ' ', 'X'),
      fc.oneof(digits(2), pick('23', '24')),
      pick(':', ':', '.'),
      fc.oneof(digits(2), pick('59', '60')),
      pick(':', ':'),
      fc.oneof(digits(2), pick('59', '60', '61')),
      fc.oneof(pick('', '.', '.0', '.123', '.1234567', '.x1'), digits(1).map(d => `.${d}`)),
      pick('Z', 'Z', 'z', '+01:00', '-23:59', '', 'ZZ'),
    )
    .map(parts => parts.join(''));

  test('agrees with ajv-formats on strings near the form records use', () => {
    fc.assert(
      fc.property(nearDateTime, text => {
        expect(dateTime(text)).toBe(full(text));
      }),
      { numRuns: 20_000, seed: 14 },
    );
  });

  test('agrees with ajv-formats on any string, and on leap days and leap seconds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), text => {
        expect(dateTime(text)).toBe(full(text));
      }),
      { numRuns: 5_000, seed: 14 },
    );
    for (const text of [
      '2024-02-29T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '2000-02-29T12:00:00.5Z',
      '1900-02-29T12:00:00Z',
      '2016-12-31T23:59:60Z',
      '2016-12-31T23:59:60.999Z',
      '2026-11-01T00:00:00.000Z',
      '2026-11-01T00:00:00.Z',
      '2026-04-31T00:00:00Z',
      '2026-11-01T24:00:00Z',
    ]) {
      expect([text, dateTime(text)]).toEqual([text, full(text)]);
    }
  });
});

describe('the uuid format of stored records', () => {
  const pattern = fullFormats.uuid;
  const hex = '0123456789abcdefABCDEF';
  /** Strings near 8-4-4-4-12 hexadecimal digits: mostly well formed, sometimes with a part a character off, longer or shorter, a prefix. */
  const part = (n: number) => {
    const exact = fc.array(fc.constantFrom(...hex), { minLength: n, maxLength: n });
    const odd = fc
      .tuple(fc.array(fc.constantFrom(...hex), { minLength: n - 1, maxLength: n + 1 }), fc.constantFrom('', 'g', 'G', '-', ' ', 'z', '0', '\u0660'), fc.nat(n))
      .map(([chars, c, at]) => (chars.splice(at, c ? 1 : 0, ...(c ? [c] : [])), chars));
    return fc.oneof({ arbitrary: exact, weight: 12 }, { arbitrary: odd, weight: 1 }).map(chars => chars.join(''));
  };
  const nearUuid = fc
    .tuple(fc.constantFrom('', '', '', '', '', '', 'urn:uuid:', 'URN:UUID:', 'urn:uuid'), part(8), part(4), part(4), part(4), part(12), fc.constantFrom('-', '-', '-', '-', '-', '_', ''))
    .map(([prefix, a, b, c, d, e, dash]) => `${prefix}${a}${dash}${b}-${c}-${d}-${e}`);

  test('agrees with ajv-formats on strings near the form records use, and on any string', () => {
    fc.assert(
      fc.property(nearUuid, text => {
        expect([text, uuid(text)]).toEqual([text, pattern.test(text)]);
      }),
      { numRuns: 10_000, seed: 14 },
    );
    fc.assert(
      fc.property(fc.string({ minLength: 30, maxLength: 46 }), text => {
        expect([text, uuid(text)]).toEqual([text, pattern.test(text)]);
      }),
      { numRuns: 5_000, seed: 14 },
    );
    for (const text of ['c18f80bd-401e-4836-9776-7dc24c32d35e', 'C18F80BD-401E-4836-9776-7DC24C32D35E', 'urn:uuid:c18f80bd-401e-4836-9776-7dc24c32d35e', 'c18f80bd-401e-4836-9776-7dc24c32d35', 'c18f80bd-401e-4836-9776-7dc24c32d35g', 'c18f80bd0401e-4836-9776-7dc24c32d35e', 'c18f80bd-401e-4836-9776-7dc24c32d35e\n', '']) {
      expect([text, uuid(text)]).toEqual([text, pattern.test(text)]);
    }
  });

  test('is the uuid check the record schemas use', () => {
    const schemas = SpecSchemas.of(join(specsDir, 'upvest.yaml'));
    const user = { id: 'c18f80bd-401e-4836-9776-7dc24c32d35e', first_name: 'A', last_name: 'B', created_at: '2025-01-01T00:00:00Z' };
    expect(schemas.validate('UserRecord', user)).toEqual([]);
    expect(schemas.validate('UserRecord', { ...user, id: 'c18f80bd-401e-4836-9776-7dc24c32d35g' })).toEqual(['/id must match format "uuid"']);
  });
});

describe('the built command (dist/cli.js and its bundle dist/cli.cjs, from scripts/bundle-cli.mjs)', () => {
  const cli = [join(packageRoot, 'dist', 'cli.js')];
  /** A start-up `try: curl …` line as a URL and headers. */
  const parseTry = (line: string) => ({
    url: /'(http\S+)'$/.exec(line)![1],
    headers: Object.fromEntries([...line.matchAll(/-H '([^:]+): ([^']+)'/g)].map(m => [m[1], m[2]])),
  });

  test('is a loader and one bundle that requires no module of its own, and serves every API, the docs, the dashboard and the admin API', async () => {
    const loader = readFileSync(cli[0], 'utf8');
    expect([...loader.matchAll(/^import .* from '([^']+)';$/gm)].map(m => m[1]).filter(name => !name.startsWith('node:'))).toEqual([]);
    expect(loader).toContain("new URL('./cli.cjs', import.meta.url)");
    const bundle = readFileSync(join(packageRoot, 'dist', 'cli.cjs'), 'utf8');
    expect(bundle).not.toMatch(/require\(["']\.\.?\//);
    expect(bundle).toContain('node_modules/@stoplight/prism-http/dist/validator/index.js');
    // One copy each of the modules src/core/prism.ts patches (Prism's schema check, the URI
    // templates): with two (a build where node_modules resolves twice, e.g. through a symlink),
    // Prism would call the copy not patched, and every body would be checked in full, silently.
    const copies = (module: string) => [...bundle.matchAll(/__commonJS\(\{"([^"]+)"\(/g)].map(m => m[1]).filter(path => path.endsWith(module));
    expect(copies('@stoplight/prism-http/dist/validator/validators/utils.js')).toHaveLength(1);
    expect(copies('@stoplight/prism-http/dist/validator/index.js')).toHaveLength(1);
    expect(copies('uri-template-lite/index.js')).toHaveLength(1);
    // ... and of Ajv, whose schema check prism.ts turns off (and whose classes make its own instances).
    expect(copies('ajv/dist/core.js')).toHaveLength(1);
    // Prism's security check gets lodash/fp's `set` alone (a plugin of scripts/bundle-cli.mjs), not all of lodash/fp.
    expect(copies('lodash/fp/set.js')).toHaveLength(1);
    expect(copies('lodash/fp.js')).toHaveLength(0);
    const server = await startServer(['--in-memory', '--port', '0'], {}, cli);
    try {
      const tries = [...server.stdout.matchAll(/^ {2}try: curl (.*)$/gm)].map(m => parseTry(m[1]));
      expect(tries.map(t => new URL(t.url).pathname.split('/')[1]).sort()).toEqual(['bankingservice', 'masstack', 'pagonxt', 'payex', 'upvest']);
      for (const { url, headers } of tries) expect([url, (await fetch(url, { headers })).status]).toEqual([url, 200]);
      for (const path of ['/docs', '/docs/upvest', '/__sandbox/ui', '/__sandbox/health']) expect([path, (await fetch(`${server.url}${path}`)).status]).toEqual([path, 200]);
      // A token made, accepted, and refused once tampered with (jsonwebtoken loads on first use).
      const issued = await fetch(`${server.url}/payex/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=me&client_secret=s3cret&ledgerNo=501',
      });
      expect(issued.status).toBe(200);
      const { access_token: token } = (await issued.json()) as { access_token: string };
      const payex = tries.find(t => t.url.includes('/payex/'))!.url;
      expect((await fetch(payex, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(payex, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
      // Prism's security check, which names what a request lacks (with lodash/fp's set).
      const upvest = tries.find(t => t.url.includes('/upvest/'))!;
      const refused = await fetch(upvest.url, { headers: { 'upvest-client-id': upvest.headers['upvest-client-id'] } });
      expect([refused.status, ((await refused.json()) as { detail: string }).detail]).toEqual([401, 'Authentication required: requires an Authorization: Bearer header']);
    } finally {
      await stop(server);
    }
  });

  // Checked by the main thread, and (SANDBOX_PRECHECK_BYTES=0) by the worker thread the loader starts for a big file.
  const checkers = [
    ['the main thread', {}],
    ['a worker thread', { SANDBOX_PRECHECK_BYTES: '0' }],
  ] as const;

  test.each(checkers)('refuses a stored record that breaks its schema with the same one-line error (checked by %s)', async (_, env) => {
    const file = join(dir, 'data.json');
    const account = 'c18f80bd-401e-4836-9776-7dc24c32d35e';
    const snapshot = ['{"format":2,"seed":1,"log":0}', '["s","ci-3",1764000000000]', `["p","ci-3","upvest","referenceAccounts","${account}",{"id":"${account}","iban":42}]`, ''].join('\n');
    writeFileSync(file, snapshot);
    const { code, stderr } = await runCli(['--data', file, '--port', '0'], env, cli);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`data file ${file}: sandbox "ci-3", API upvest, collection referenceAccounts, key "${account}": does not follow schema`);
    expect(readFileSync(file, 'utf8')).toBe(snapshot);
  });

  test.each(checkers)('refuses a record that follows its schema but is stored under another key than its own, with a one-line error (checked by %s)', async (_, env) => {
    const file = join(dir, 'data.json');
    const [account, other] = ['c18f80bd-401e-4836-9776-7dc24c32d35e', '0b6a7d3e-5f41-4c2a-9d8e-1f2a3b4c5d6e'];
    const record = (id: string) => ({ id, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z', user_id: other, account_owner: 'A B', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', confirmed_at: '2025-01-01T00:00:00Z' });
    const lines = ['{"format":2,"seed":1,"log":0}', '["s","ci-4",1764000000000]', JSON.stringify(['p', 'ci-4', 'upvest', 'referenceAccounts', other, record(other)]), JSON.stringify(['p', 'ci-4', 'upvest', 'referenceAccounts', account, record(other)]), ''];
    writeFileSync(file, lines.join('\n'));
    const { code, stderr } = await runCli(['--data', file, '--port', '0'], env, cli);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `banking-api-sandbox: data file ${file}: sandbox "ci-4", API upvest, collection referenceAccounts, key "${account}": is stored under key "${account}" but its key is "${other}"`,
    );
    expect(readFileSync(file, 'utf8')).toBe(lines.join('\n'));
  });

  test('with the worker: a bad snapshot record the log replaced starts; a bad record in the log is refused; records of every API are checked', async () => {
    const file = join(dir, 'data.json');
    const [account, user] = ['c18f80bd-401e-4836-9776-7dc24c32d35e', '0b6a7d3e-5f41-4c2a-9d8e-1f2a3b4c5d6e'];
    const record = { id: account, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z', user_id: user, account_owner: 'A B', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', confirmed_at: '2025-01-01T00:00:00Z' };
    const put = (value: unknown) => ['p', 'ci-5', 'upvest', 'referenceAccounts', account, value];
    writeFileSync(file, ['{"format":2,"seed":1,"log":0}', `["s","ci-5",${Date.now()}]`, JSON.stringify(put({ ...record, iban: 42 })), ''].join('\n'));
    writeFileSync(`${file}.log.0`, `${JSON.stringify({ t: Date.now(), o: [put(record)] })}\n`);
    const env = { SANDBOX_PRECHECK_BYTES: '0' };
    const server = await startServer(['--data', file, '--port', '0', '--log-level', 'silent'], env, cli);
    try {
      const res = await fetch(`${server.url}/upvest/payments/reference_accounts/${account}`, { headers: { 'x-sandbox-id': 'ci-5', 'upvest-client-id': user, authorization: 'Bearer t' } });
      expect(res.status).toBe(200);
    } finally {
      await stop(server);
    }
    for (const name of readdirSync(dir)) if (name.startsWith('data.json.log.')) rmSync(join(dir, name));
    writeFileSync(`${file}.log.0`, `${JSON.stringify({ t: Date.now(), o: [put({ ...record, bic: 7 })] })}\n`);
    const refused = await runCli(['--data', file, '--port', '0'], env, cli);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`data file ${file}: sandbox "ci-5", API upvest, collection referenceAccounts, key "${account}": does not follow schema`);
    // A PayEx record in the snapshot (its key derived from the record): checked by the worker too.
    rmSync(`${file}.log.0`);
    writeFileSync(file, ['{"format":2,"seed":1,"log":0}', `["s","ci-6",${Date.now()}]`, JSON.stringify(['p', 'ci-6', 'payex', 'accounts', '501/1', { accountNo: 'x' }]), ''].join('\n'));
    const payex = await runCli(['--data', file, '--port', '0'], env, cli);
    expect(payex.code).toBe(1);
    expect(payex.stderr).toContain(`data file ${file}: sandbox "ci-6", API payex, collection accounts, key "501/1": does not follow schema`);
  });

  test('with the worker checking from the front and the main thread from the end: the error names the first bad record wherever each is; all good, it serves', async () => {
    const file = join(dir, 'data.json');
    const user = '0b6a7d3e-5f41-4c2a-9d8e-1f2a3b4c5d6e';
    const record = (id: string) => ({ id, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z', user_id: user, account_owner: 'A B', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', confirmed_at: '2025-01-01T00:00:00Z' });
    const ids = Array.from({ length: 3000 }, (_, i) => `c18f80bd-401e-4836-9776-${String(i).padStart(12, '0')}`);
    const lines = ['{"format":2,"seed":1,"log":0}'];
    ids.forEach((id, i) => {
      if (i % 100 === 0) lines.push(`["s","ci-${i / 100}",${Date.now()}]`);
      lines.push(JSON.stringify(['p', `ci-${Math.floor(i / 100)}`, 'upvest', 'referenceAccounts', id, record(id)]));
    });
    const write = (bad: number[]) => {
      const copy = [...lines];
      for (const n of bad) copy[n] = copy[n].replace('"DE89370400440532013000"', '42');
      writeFileSync(file, [...copy, ''].join('\n'));
    };
    const env = { SANDBOX_PRECHECK_BYTES: '0' };
    const named = (sandbox: string, id: string) => `data file ${file}: sandbox "${sandbox}", API upvest, collection referenceAccounts, key "${id}": does not follow schema`;
    // Bad records at both ends: the first one is named, whichever thread came upon which.
    write([2, lines.length - 1]);
    const both = await runCli(['--data', file, '--port', '0'], env, cli);
    expect([both.code, both.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(both.stderr).toContain(named('ci-0', ids[0]));
    write([lines.length - 1]);
    const last = await runCli(['--data', file, '--port', '0'], env, cli);
    expect(last.stderr).toContain(named('ci-29', ids[2999]));
    write([]);
    const server = await startServer(['--data', file, '--port', '0', '--log-level', 'silent'], env, cli);
    try {
      for (const [sandbox, id] of [['ci-0', ids[0]], ['ci-29', ids[2999]]]) {
        const res = await fetch(`${server.url}/upvest/payments/reference_accounts/${id}`, { headers: { 'x-sandbox-id': sandbox, 'upvest-client-id': user, authorization: 'Bearer t' } });
        expect([sandbox, res.status]).toEqual([sandbox, 200]);
      }
    } finally {
      await stop(server);
    }
  });

  test("runs through V8's code cache: written once, used as it is by the next start, rewritten when unusable, none when off", async () => {
    const cache = join(dir, 'cache');
    // The specs' cache entries, when there are some, spare this test computing them again.
    for (const kind of ['operations', 'documents']) {
      const from = join(defaultCacheDir() ?? dir, kind);
      if (existsSync(from)) cpSync(from, join(cache, kind), { recursive: true });
    }
    const serve = async (env: Record<string, string>) => {
      const server = await startServer(['--in-memory', '--port', '0'], env, cli);
      const ok = await fetch(`${server.url}/__sandbox/health`).then(r => r.ok);
      await stop(server);
      return ok;
    };
    const code = join(cache, 'code');
    expect(await serve({ SANDBOX_CACHE_DIR: cache })).toBe(true);
    const [name, ...others] = readdirSync(code);
    expect(others).toEqual([]);
    expect(name).toMatch(/^cli\.[0-9a-f]{20}\.\w+\.v8-.+\.bin$/);
    const entry = join(code, name);
    const written = readFileSync(entry);
    const { mtimeMs } = statSync(entry);

    // V8 accepted it: nothing is rewritten.
    expect(await serve({ SANDBOX_CACHE_DIR: cache })).toBe(true);
    expect(statSync(entry).mtimeMs).toBe(mtimeMs);
    expect(readFileSync(entry).equals(written)).toBe(true);

    // An entry V8 refuses costs a compile, and is replaced.
    writeFileSync(entry, 'not a code cache');
    expect(await serve({ SANDBOX_CACHE_DIR: cache })).toBe(true);
    expect(readFileSync(entry).length).toBeGreaterThan(100_000);

    // Off: nothing is written anywhere.
    rmSync(code, { recursive: true });
    expect(await serve({ SANDBOX_CACHE_DIR: 'off' })).toBe(true);
    expect(existsSync(code)).toBe(false);
  });
});
