import { jest } from '@jest/globals';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFileError, Store, StoreUnavailableError, serializeDocument, type Dataset, type StoreDocument } from '../src/core/store.js';

const fixtures: Dataset = {
  demo: {
    things: {
      a: { id: 'a', owner: 'x', n: 1 },
      b: { id: 'b', owner: 'x', n: 2 },
      c: { id: 'c', owner: 'y', n: 3 },
    },
  },
};

const open = (file?: string, seed?: number) =>
  Store.open({ file, inMemory: !file, seed, defaultSeed: 1, loadFixtures: () => structuredClone(fixtures) });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-store-'));
});
afterEach(async () => {
  await chmod(dir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('collections over fixtures', () => {
  test('reads fixtures, and changes shadow them without touching other sandboxes', async () => {
    const store = await open();
    const mine = store.sandbox('mine').collection('demo', 'things');
    const theirs = store.sandbox('theirs').collection('demo', 'things');
    await mine.put('a', { id: 'a', owner: 'z', n: 10 });
    await mine.put('d', { id: 'd', owner: 'x', n: 4 });
    mine.remove('b');

    expect(mine.get('a')).toEqual({ id: 'a', owner: 'z', n: 10 });
    expect(mine.get('b')).toBeUndefined();
    expect(mine.values().map(r => r.id)).toEqual(['a', 'c', 'd']);
    expect(mine.size).toBe(3);
    expect(mine.where('owner', 'x').map(r => r.id)).toEqual(['d']);
    expect(mine.where('owner', 'z').map(r => r.id)).toEqual(['a']);

    expect(theirs.values().map(r => r.id)).toEqual(['a', 'b', 'c']);
    expect(theirs.where('owner', 'x').map(r => r.id)).toEqual(['a', 'b']);
    expect(store.sandbox().collection('demo', 'things').get('a')).toEqual(fixtures.demo.things.a);
  });

  test('indexes follow later writes and deletes', async () => {
    const store = await open();
    const things = store.sandbox().collection('demo', 'things');
    expect(things.where('owner', 'y').map(r => r.id)).toEqual(['c']);
    await things.put('c', { id: 'c', owner: 'x', n: 3 });
    await things.put('e', { id: 'e', owner: 'y', n: 5 });
    expect(things.where('owner', 'y').map(r => r.id)).toEqual(['e']);
    things.remove('e');
    expect(things.where('owner', 'y')).toEqual([]);
    expect(things.remove('nope')).toBe(false);
  });

  test('reading from a new sandbox name leaves nothing behind; views of one sandbox share its indexes', async () => {
    const store = await open();
    for (let i = 0; i < 1000; i++) expect(store.sandbox(`reader-${i}`).collection('demo', 'things').where('owner', 'x')).toHaveLength(2);
    expect(store.sandboxNames()).toEqual(['default']);

    const first = store.sandbox('ci').collection('demo', 'things');
    expect(first.where('owner', 'y').map(r => r.id)).toEqual(['c']);
    await store.sandbox('ci').collection('demo', 'things').put('e', { id: 'e', owner: 'y', n: 5 });
    store.sandbox('ci').collection('demo', 'things').remove('c');
    expect(first.where('owner', 'y').map(r => r.id)).toEqual(['e']);
    expect(store.sandboxNames()).toEqual(['default', 'ci']);
  });

  test('records are frozen, so a change cannot bypass the store', async () => {
    const store = await open();
    const things = store.sandbox().collection<{ id: string; n: number }>('demo', 'things');
    expect(() => {
      (things.get('a') as { n: number }).n = 99;
    }).toThrow(TypeError);
  });

  test('keys such as __proto__ are ordinary keys', async () => {
    const store = await open(join(dir, 'data.json'));
    const things = store.sandbox().collection('demo', 'things');
    await things.put('__proto__', { id: '__proto__', polluted: true });
    expect(things.get('__proto__')).toEqual({ id: '__proto__', polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const reopened = await open(join(dir, 'data.json'));
    expect(reopened.sandbox().collection('demo', 'things').get('__proto__')).toEqual({ id: '__proto__', polluted: true });
  });
});

describe('persistence', () => {
  test('a change is on disk when its promise resolves, and survives a reopen', async () => {
    const file = join(dir, 'nested', 'data.json');
    const store = await open(file);
    await store.sandbox().collection('demo', 'things').put('d', { id: 'd', owner: 'q', n: 4 });
    const onDisk = JSON.parse(await readFile(file, 'utf8'));
    expect(onDisk.sandboxes.default.demo.things.d).toEqual({ id: 'd', owner: 'q', n: 4 });
    store.sandbox('ci-1').collection('demo', 'things').remove('a');
    await store.flush();

    const reopened = await open(file);
    expect(reopened.sandbox().collection('demo', 'things').get('d')).toEqual({ id: 'd', owner: 'q', n: 4 });
    expect(reopened.sandbox('ci-1').collection('demo', 'things').get('a')).toBeUndefined();
    expect(reopened.sandboxNames()).toEqual(expect.arrayContaining(['default', 'ci-1']));
  });

  test('concurrent changes are grouped into few writes and none is lost', async () => {
    const file = join(dir, 'data.json');
    const store = await open(file);
    const things = store.sandbox().collection('demo', 'things');
    const writes = jest.spyOn((store as unknown as { db: { write(): Promise<void> } }).db, 'write');
    await Promise.all(Array.from({ length: 200 }, (_, i) => things.put(`k${i}`, { id: `k${i}`, owner: 'w', n: i })));
    expect(writes.mock.calls.length).toBeLessThanOrEqual(3);
    const onDisk = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(onDisk.sandboxes.default.demo.things)).toHaveLength(200);
  });

  test('a failed write rejects, rolls the change back, and later writes work again', async () => {
    const file = join(dir, 'data.json');
    const store = await open(file);
    const things = store.sandbox().collection('demo', 'things');
    await things.put('kept', { id: 'kept', owner: 'k', n: 0 });

    await chmod(dir, 0o500); // steno writes a temp file next to the data file
    const failed = things.put('lost', { id: 'lost', owner: 'l', n: 1 });
    const removal = things.remove('kept');
    expect(removal).toBe(true);
    if (process.getuid?.() === 0) {
      // root ignores directory permissions: simulate the failing disk instead
      jest.spyOn((store as unknown as { db: { write(): Promise<void> } }).db, 'write').mockRejectedValueOnce(new Error('ENOSPC: no space left on device'));
    }
    await expect(failed).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(things.get('lost')).toBeUndefined();
    expect(things.get('kept')).toEqual({ id: 'kept', owner: 'k', n: 0 });
    expect(things.where('owner', 'l')).toEqual([]);

    await chmod(dir, 0o755);
    await things.put('later', { id: 'later', owner: 'k', n: 2 });
    const onDisk = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(onDisk.sandboxes.default.demo.things).sort()).toEqual(['kept', 'later']);
  });
});

describe('replacing a sandbox\'s changes', () => {
  test('reset, replace and delete are persisted, and indexes follow', async () => {
    const file = join(dir, 'data.json');
    const store = await open(file);
    const things = store.sandbox('s').collection('demo', 'things');
    expect(things.where('owner', 'x').map(r => r.id)).toEqual(['a', 'b']);
    await things.put('d', { id: 'd', owner: 'x', n: 4 });
    expect(store.changeCount('s')).toBe(1);

    await store.replaceChanges('s', { demo: { things: { a: null, e: { id: 'e', owner: 'x', n: 5 } } } });
    expect(things.where('owner', 'x').map(r => r.id)).toEqual(['b', 'e']);
    expect(store.changeCount('s')).toBe(2);
    expect((await open(file)).sandbox('s').collection('demo', 'things').values().map(r => r.id)).toEqual(['b', 'c', 'e']);

    await store.replaceChanges('s', undefined);
    expect(things.values()).toEqual(Object.values(fixtures.demo.things));
    await store.sandbox('gone').collection('demo', 'things').put('z', { id: 'z' });
    await store.deleteSandbox('gone');
    expect(store.sandboxNames()).not.toContain('gone');
    const reopened = await open(file);
    expect(reopened.sandboxNames()).toEqual(['default']);
  });

  test('a replacement that cannot be written is rolled back', async () => {
    const file = join(dir, 'data.json');
    const store = await open(file);
    const things = store.sandbox('s').collection('demo', 'things');
    await things.put('d', { id: 'd', owner: 'x', n: 4 });
    jest.spyOn((store as unknown as { db: { write(): Promise<void> } }).db, 'write').mockRejectedValueOnce(new Error('ENOSPC: no space left on device'));
    await expect(store.replaceChanges('s', undefined)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(things.get('d')).toEqual({ id: 'd', owner: 'x', n: 4 });
    expect(things.where('owner', 'x').map(r => r.id)).toEqual(['a', 'b', 'd']);
  });
});

test('the data file text is the document, one record per line', () => {
  const doc: StoreDocument = {
    format: 1,
    seed: 3,
    sandboxes: {
      default: { demo: { things: { a: { id: 'a', n: 1, nested: { list: [1, 'two', null] } }, gone: null } } },
      'ci-1': { demo: { things: { '"quoted"\\key': { text: 'line\nbreak, ünïcödé, \u2028' } }, other: {} }, empty: {} },
      [`__proto__`]: {},
    },
  };
  const text = serializeDocument(doc).toString('utf8');
  expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(doc)));
  expect(text.split('\n').filter(line => line.startsWith('"a":') || line.startsWith('"gone":'))).toHaveLength(2);
  expect(serializeDocument(doc).toString('utf8')).toBe(text);
});

test('the data file follows every change to a large collection (chunks of text are reused only when unchanged)', async () => {
  const file = join(dir, 'data.json');
  const store = await open(file);
  const things = store.sandbox('big').collection('demo', 'things');
  const expected: Record<string, unknown> = {};
  const put = async (key: string, n: number) => {
    expected[key] = { id: key, n };
    await things.put(key, { id: key, n });
  };
  const check = async () => {
    const onDisk = JSON.parse(await readFile(file, 'utf8')).sandboxes.big.demo.things;
    expect(onDisk).toEqual(expected);
  };
  await Promise.all(Array.from({ length: 700 }, (_, i) => put(`k${i}`, i)));
  await check();
  await put('k300', -1); // a change inside a middle chunk
  await check();
  await Promise.all([put('k700', 700), put('k701', 701)]); // appended
  await check();
  await put('42', 42); // integer-like keys come first in a JavaScript object
  await check();
  things.remove('k5'); // added here: it simply goes
  delete expected.k5;
  things.remove('b'); // a fixture: a tombstone stays
  expected.b = null;
  await store.flush();
  await check();
  await put('a', 1); // fixtures 'a' replaced
  await check();
});

test('the data file matches the store after any sequence of changes (randomized, seeded)', async () => {
  const file = join(dir, 'data.json');
  const store = await open(file);
  const things = store.sandbox('random').collection('demo', 'things');
  let state = 12345;
  const random = (n: number) => ((state = (state * 1103515245 + 12345) % 2 ** 31), state % n);
  for (let round = 0; round < 40; round++) {
    // rounds mix updates and appends with, or without, removals and integer-like keys
    const removals = round % 4 === 1;
    const integers = round % 4 === 3;
    const keyOf = () => (integers && random(5) === 0 ? String(random(400)) : `k${random(300 + round * 20)}`);
    const pending: Promise<void>[] = [];
    for (let i = random(400); i > 0; i--) {
      const key = keyOf();
      if (removals && random(4) === 0) things.remove(key);
      else pending.push(things.put(key, { id: key, round, i }));
    }
    await Promise.all(pending);
    await store.flush();
    const onDisk = JSON.parse(await readFile(file, 'utf8')).sandboxes.random?.demo?.things ?? {};
    expect(onDisk).toEqual({ ...store.changesOf('random')?.demo?.things });
  }
});

describe('opening a data file', () => {
  test.each([
    ['empty', ''],
    ['truncated', '{"format":1,"seed":1,"sandb'],
    ['not JSON', 'hello'],
    ['another format', '{"users":[]}'],
    ['binary', Buffer.from([0xff, 0xfe, 0x0a, 0x00, 0x1b, 0x7b])],
  ])('refuses a %s file with one printable line naming it, and leaves it untouched', async (_, content) => {
    const file = join(dir, 'data.json');
    await writeFile(file, content);
    const error = await open(file).catch(e => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/^[\x20-\x7e]+$/);
    expect(await readFile(file)).toEqual(Buffer.from(content));
  });

  test('keeps the seed it was created with, and refuses a different one', async () => {
    const file = join(dir, 'data.json');
    await open(file, 7);
    expect((await open(file)).seed).toBe(7);
    await expect(open(file, 8)).rejects.toThrow(/created with seed 7, not 8/);
  });
});
