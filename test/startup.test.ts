// What makes start-up fast must not change what it computes: the on-disk cache of Prism's
// operations is a copy that any change of its inputs invalidates, and the fast date-time check
// agrees with ajv-formats' on every string.
import { createRequire } from 'node:module';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import fc from 'fast-check';
import type { IHttpOperation } from '@stoplight/types';
import { cachedOperations, defaultCacheDir, operationsCacheFile } from '../src/core/operations-cache.js';
import { dateTime } from '../src/core/schemas.js';
import { specsDir } from '../src/paths.js';

const require = createRequire(import.meta.url);
const { getHttpOperationsFromSpec } = require('@stoplight/prism-http/dist/utils/operations.js') as {
  getHttpOperationsFromSpec: (spec: string) => Promise<IHttpOperation[]>;
};
const { fullFormats } = require('ajv-formats/dist/formats.js') as { fullFormats: Record<string, { validate: (s: string) => boolean }> };

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
