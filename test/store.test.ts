import { jest } from '@jest/globals';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFileError, SandboxLimitError, Store, StoreUnavailableError, type Dataset, type StoreOptions } from '../src/core/store.js';
import { compact, compactionThreshold, type LogBackend } from '../src/core/store/log.js';
import { readLines, realFileSystem } from '../src/core/store/files.js';
import { checkFromFront, SharedProgress } from '../src/core/store/precheck.js';
import { seededRandom } from './seeded-random.js';

const fixtures: Dataset = {
  demo: {
    things: {
      a: { id: 'a', owner: 'x', n: 1 },
      b: { id: 'b', owner: 'x', n: 2 },
      c: { id: 'c', owner: 'y', n: 3 },
    },
  },
};

const open = (file?: string, seed?: number, options: Partial<StoreOptions> = {}) =>
  Store.open({ file, inMemory: !file, seed, defaultSeed: 1, loadFixtures: () => structuredClone(fixtures), ...options });

const logOf = (store: Store) => store.storage as LogBackend;
/** Makes the log's next write reach the file and then fail (as its fdatasync would); the spy, to fail more. */
function failNextWrite(store: Store) {
  const handle = (logOf(store) as unknown as { handle: { write(data: Buffer, offset: number, length: number, position: number): Promise<unknown> } }).handle;
  const write = handle.write.bind(handle);
  return jest.spyOn(handle, 'write').mockImplementationOnce(async (data, offset, length, position) => {
    await write(data, offset, length, position);
    throw new Error('EIO: i/o error, write');
  });
}
/** Everything a store holds, as plain JSON (sandbox → changes). */
const contents = (store: Store) => Object.fromEntries(store.sandboxNames().map(name => [name, JSON.parse(JSON.stringify(store.changesOf(name) ?? {}))]));

let dir: string;
const opened: Store[] = [];
const track = async (store: Promise<Store>) => {
  const s = await store;
  opened.push(s);
  return s;
};
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sandbox-store-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('collections over fixtures', () => {
  test('size stays the number of records through puts, removes, re-adds, undos and a replace', async () => {
    const store = await track(open());
    const view = () => store.sandbox('sized').collection<{ id: string; n: number }>('demo', 'things');
    const check = () => {
      // a fresh view counts from scratch; the long-lived one keeps its count up to date
      expect(view().size).toBe(view().values().length);
      expect(kept.size).toBe(kept.values().length);
    };
    const kept = view();
    expect(kept.size).toBe(3);
    let seed = 7;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let i = 0; i < 300; i++) {
      const key = keys[random(keys.length)];
      if (random(3) === 0) kept.remove(key);
      else await kept.put(key, { id: key, n: i });
      check();
    }
    // a handler that throws after writing: its writes are committed all the same
    await expect(
      store.transact('sized', () => {
        void kept.put('zz', { id: 'zz', n: 0 });
        kept.remove('a');
        throw new Error('refused after writing');
      }),
    ).rejects.toThrow('refused after writing');
    check();
    await store.replaceChanges('sized', { demo: { things: { b: null, q: { id: 'q', n: 1 } } } });
    check();
    expect(kept.size).toBe(3);
  });

  test('oldestFirst() reads records in the order they were first written, lazily, through every kind of change', async () => {
    const store = await track(open());
    const things = () => store.sandbox('ordered').collection<{ id: string; n: number }>('demo', 'things');
    const order = () => [...things().oldestFirst()].map(([key]) => key);
    const kept = things();
    await kept.put('x', { id: 'x', n: 1 });
    await kept.put('y', { id: 'y', n: 2 });
    expect(order()).toEqual(['a', 'b', 'c', 'x', 'y']); // fixtures first, then as entries() has them
    expect(order()).toEqual([...kept.entries()].map(([key]) => key));
    await kept.put('z', { id: 'z', n: 3 });
    await kept.put('x', { id: 'x', n: 4 }); // written again: keeps its place
    kept.remove('b'); // a fixture record: gone from the order
    kept.remove('y');
    await kept.put('y', { id: 'y', n: 5 }); // deleted, then written again: last
    expect(order()).toEqual(['a', 'c', 'x', 'z', 'y']);
    // a rolled-back change set leaves the order as the records are
    await expect(
      store.transact('ordered', () => {
        void kept.put('w', { id: 'w', n: 6 });
        kept.remove('x');
        throw new Error('refused after writing');
      }),
    ).rejects.toThrow('refused after writing');
    expect(order()).toEqual([...kept.entries()].map(([key]) => key));
    // removing while iterating, oldest first
    for (const [key] of kept.oldestFirst()) if (key !== 'y') kept.remove(key);
    expect(order()).toEqual(['y']);

    // Lazy: with 5,000 added records, reading the oldest one lists no keys (entries() lists them all).
    for (let i = 0; i < 5000; i++) void kept.put(`k${i}`, { id: `k${i}`, n: i });
    await store.flush();
    expect(kept.oldestFirst().next().value![0]).toBe('y');
    const keys = jest.spyOn(Object, 'keys');
    try {
      for (let i = 0; i < 100; i++) {
        const [oldest] = kept.oldestFirst().next().value!;
        kept.remove(oldest);
        void kept.put(`n${i}`, { id: `n${i}`, n: i });
      }
      expect(Math.max(0, ...keys.mock.results.map(r => (Array.isArray(r.value) ? r.value.length : 0)))).toBeLessThan(100);
    } finally {
      keys.mockRestore();
    }
    expect(kept.size).toBe(5001);
    expect(order().slice(0, 2)).toEqual(['k99', 'k100']);
    expect(order().at(-1)).toBe('n99');
  });

  test('reads fixtures, and changes shadow them without touching other sandboxes', async () => {
    const store = await track(open());
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
    const store = await track(open());
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
    const store = await track(open());
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
    const store = await track(open());
    const things = store.sandbox().collection<{ id: string; n: number }>('demo', 'things');
    expect(() => {
      (things.get('a') as { n: number }).n = 99;
    }).toThrow(TypeError);
  });

  test('keys such as __proto__ are ordinary keys', async () => {
    const store = await track(open(join(dir, 'data.json')));
    const things = store.sandbox().collection('demo', 'things');
    await things.put('__proto__', { id: '__proto__', polluted: true });
    expect(things.get('__proto__')).toEqual({ id: '__proto__', polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await store.close();
    const reopened = await track(open(join(dir, 'data.json')));
    expect(reopened.sandbox().collection('demo', 'things').get('__proto__')).toEqual({ id: '__proto__', polluted: true });
  });
});

describe('transactions', () => {
  test("a handler's writes are one change set, durable before transact resolves; a throwing handler's writes are kept", async () => {
    const store = await track(open(join(dir, 'data.json')));
    const things = store.sandbox('s').collection('demo', 'things');
    const commits = jest.spyOn(store.storage, 'commit');
    const result = await store.transact('s', () => {
      void things.put('d', { id: 'd', owner: 'q', n: 4 });
      things.remove('a');
      return 'done';
    });
    expect(result).toBe('done');
    expect(commits).toHaveBeenCalledTimes(1);
    expect(commits.mock.calls[0][0].ops.map(op => op.kind)).toEqual(['put', 'put']);
    await expect(
      store.transact('s', () => {
        void things.put('e', { id: 'e', owner: 'q', n: 5 });
        throw new Error('refused after writing');
      }),
    ).rejects.toThrow('refused after writing');
    expect(things.get('e')).toBeDefined();
    await store.transact('s', () => things.get('a')); // a read commits nothing
    expect(commits).toHaveBeenCalledTimes(2);
  });

  test('writes an async handler makes after an await are durable before transact resolves too', async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file));
    const things = store.sandbox('s').collection('demo', 'things');
    let durable = false;
    await store.transact('s', async () => {
      await new Promise(resolve => setTimeout(resolve, 5));
      void things.put('late', { id: 'late' }).then(() => (durable = true));
    });
    expect(durable).toBe(true);
  });
});

describe('the log', () => {
  test('a change is in the log when its promise resolves, and survives a reopen', async () => {
    const file = join(dir, 'nested', 'data.json');
    const store = await track(open(file));
    await store.sandbox().collection('demo', 'things').put('d', { id: 'd', owner: 'q', n: 4 });
    // The segment is filled with zeros ahead of its data (written over in place): the data ends at the first NUL.
    const log = (await readFile(`${file}.log.0`, 'utf8')).split('\0')[0];
    expect(log.trim().split('\n').map(line => JSON.parse(line).o)).toEqual([[['p', 'default', 'demo', 'things', 'd', { id: 'd', owner: 'q', n: 4 }]]]);
    store.sandbox('ci-1').collection('demo', 'things').remove('a');
    await store.close();

    const reopened = await track(open(file));
    expect(reopened.sandbox().collection('demo', 'things').get('d')).toEqual({ id: 'd', owner: 'q', n: 4 });
    expect(reopened.sandbox('ci-1').collection('demo', 'things').get('a')).toBeUndefined();
    expect(reopened.sandboxNames()).toEqual(expect.arrayContaining(['default', 'ci-1']));
  });

  test('concurrent changes are grouped into few appends and none is lost', async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file));
    const things = store.sandbox().collection('demo', 'things');
    const appends = jest.spyOn(logOf(store) as unknown as { append(b: Buffer): Promise<void> }, 'append');
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.transact('default', () => things.put(`k${i}`, { id: `k${i}`, owner: 'w', n: i }))),
    );
    expect(appends.mock.calls.length).toBeLessThanOrEqual(3);
    await store.close();
    expect(Object.keys((await track(open(file))).changesOf('default')!.demo.things)).toHaveLength(200);
  });

  test('a failed append rejects, rolls back every change not yet durable, and later writes work again', async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file));
    const things = store.sandbox().collection('demo', 'things');
    await things.put('kept', { id: 'kept', owner: 'k', n: 0 });

    // Log writes are durable writes (O_DSYNC): the bytes reach the file, then the write fails as its fdatasync would.
    failNextWrite(store);
    const failed = things.put('lost', { id: 'lost', owner: 'l', n: 1 });
    expect(things.remove('kept')).toBe(true);
    await expect(failed).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(things.get('lost')).toBeUndefined();
    expect(things.get('kept')).toEqual({ id: 'kept', owner: 'k', n: 0 });
    expect(things.where('owner', 'l')).toEqual([]);

    await things.put('later', { id: 'later', owner: 'k', n: 2 });
    await store.close();
    // The failed batch was cut off the log: only durable changes come back.
    expect(Object.keys((await track(open(file))).changesOf('default')!.demo.things).sort()).toEqual(['kept', 'later']);
  });

  test("a failed write's bytes are zeroed before anything later is written: after a crash, nothing of it is read back", async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file));
    const things = store.sandbox().collection('demo', 'things');
    await things.put('kept', { id: 'kept', owner: 'k', n: 0 });

    // The batch's bytes reach the file and its write fails; zeroing them at once fails too (the disk is still failing).
    failNextWrite(store).mockImplementationOnce(async () => {
      throw new Error('EIO: i/o error, write');
    });
    const failed = things.put('lost', { id: 'lost', owner: 'l', n: 1, pad: 'x'.repeat(300) });
    await expect(failed).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await readFile(`${file}.log.0`, 'latin1')).includes('"lost"')).toBe(true);

    // A shorter batch goes where the failed one began, once the failed one's bytes are zeros.
    await things.put('later', { id: 'later', owner: 'k', n: 2 });
    const segment = await readFile(`${file}.log.0`, 'latin1');
    expect(segment.includes('"lost"')).toBe(false);

    // A crash now (the files as they are, not closed): only durable changes come back.
    const copy = join(dir, 'copy');
    await rm(copy, { recursive: true, force: true });
    await mkdir(copy);
    await writeFile(join(copy, 'data.json'), await readFile(file));
    await writeFile(join(copy, 'data.json.log.0'), segment, 'latin1');
    const reopened = await track(open(join(copy, 'data.json')));
    expect(reopened.notes).toEqual([]);
    expect(Object.keys(reopened.changesOf('default')!.demo.things).sort()).toEqual(['kept', 'later']);
  });

  test('a write torn anywhere by a crash: the data ends at the first zero byte, and pieces of the write past it are dropped and reported', async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file));
    const things = store.sandbox('s').collection('demo', 'things');
    await things.put('d', { id: 'd', n: 4 });
    const durable = (await readFile(`${file}.log.0`, 'latin1')).split('\0')[0];
    // The next write's first sectors never reached the disk (zeros), a later one did, with a whole change set in it.
    const line = (key: string) => JSON.stringify({ t: 1, o: [['p', 's', 'demo', 'things', key, { id: key }]] });
    const torn = `${line('e').slice(0, 10)}${'\0'.repeat(600)}"}]]}\n${line('f')}\n${line('g').slice(0, 20)}`;
    await writeFile(`${file}.log.0`, `${durable}${torn}${'\0'.repeat(5000)}`, 'latin1');
    const before = await readFile(`${file}.log.0`);

    const reopened = await track(open(file));
    expect(reopened.notes).toEqual([expect.stringMatching(new RegExp(`data\\.json\\.log\\.0 line 2: dropped a change set that was being written when the server stopped \\(${torn.length} bytes; never acknowledged\\)`))]);
    expect(Object.keys(reopened.changesOf('s')!.demo.things)).toEqual(['d']);
    expect(await readFile(`${file}.log.0`)).toEqual(before);

    // Only zeros past the data (the space filled ahead of it): nothing to report.
    await writeFile(`${file}.log.0`, `${durable}${'\0'.repeat(5000)}`, 'latin1');
    await rm(`${file}.log.1`, { force: true });
    const clean = await track(open(file));
    expect(clean.notes).toEqual([]);
    expect(Object.keys(clean.changesOf('s')!.demo.things)).toEqual(['d']);
  });

  test('zeros with data more than a write after them are not a torn write: start-up stops, naming the file and line', async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file));
    await store.sandbox('s').collection('demo', 'things').put('d', { id: 'd' });
    await store.sandbox('s').collection('demo', 'things').put('e', { id: 'e' });
    await store.close();
    const lines = (await readFile(`${file}.log.0`, 'latin1')).split('\n');
    await writeFile(`${file}.log.0`, `${lines[0]}\n${'\0'.repeat(1100 << 10)}\n${lines.slice(1).join('\n')}`, 'latin1');
    const error = await open(file).catch(e => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect(error.message).toBe(`cannot read data file ${file}.log.0 line 2: zero bytes in the middle of the log, with data after them`);
  });

  test('zeros ahead of the data are filled in the background: batches are written while a fill is on its way', async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file, undefined, { log: { prefillBytes: 4096 } }));
    const things = store.sandbox('s').collection('demo', 'things');
    await things.put('first', { id: 'first' }); // opens the segment, fills its first 4 KiB
    const handle = (logOf(store) as unknown as { handle: { write(data: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }> } }).handle;
    const write = handle.write.bind(handle);
    let release!: () => void;
    const gate = new Promise<void>(resolve => (release = resolve));
    const fills: number[] = [];
    jest.spyOn(handle, 'write').mockImplementation(async (data, offset, length, position) => {
      if (length === 4096 && data.every(b => b === 0)) {
        fills.push(position);
        await gate; // the fill hangs until released
      }
      return write(data, offset, length, position);
    });
    // Past half the zeros, a fill of the next 4 KiB starts after the batch; it hangs.
    await things.put('big', { id: 'big', pad: 'x'.repeat(2200) });
    expect(fills).toEqual([4096]);
    // Later batches below the zeros already there do not wait for it.
    await things.put('small', { id: 'small' });
    await things.put('small2', { id: 'small2' });
    expect(fills).toEqual([4096]);
    release();
    // A batch beyond the first 4 KiB is written once the fill is done, over its zeros.
    await things.put('big2', { id: 'big2', pad: 'y'.repeat(2200) });
    const segment = await readFile(`${file}.log.0`);
    expect(segment.length).toBeGreaterThanOrEqual(8192);
    await store.close();
    expect(Object.keys((await track(open(file))).changesOf('s')!.demo.things).sort()).toEqual(['big', 'big2', 'first', 'small', 'small2']);
  });

  test("a segment's zeros left by a crash do not count toward the compaction threshold", async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file, undefined, { log: { prefillBytes: 64 << 10 } }));
    await store.sandbox('s').collection('demo', 'things').put('d', { id: 'd' });
    // A crash: the files as they are (the segment still holds its 64 KiB of zeros).
    const copy = join(dir, 'copy');
    await mkdir(copy);
    await writeFile(join(copy, 'data.json'), await readFile(file));
    await writeFile(join(copy, 'data.json.log.0'), await readFile(`${file}.log.0`));
    expect((await readFile(join(copy, 'data.json.log.0'))).length).toBe(64 << 10);
    const reopened = await track(open(join(copy, 'data.json'), undefined, { log: { compactBytes: 10_000 } }));
    expect(logOf(reopened).compacting).toBe(false);
    expect(reopened.sandbox('s').collection('demo', 'things').get('d')).toEqual({ id: 'd' });
  });

  test('a torn last line is dropped and reported; the file is left as it was', async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file));
    await store.sandbox('s').collection('demo', 'things').put('d', { id: 'd', n: 4 });
    await store.close();
    await appendFile(`${file}.log.0`, '{"t":1,"o":[["p","s","demo","things","e",{"id":"e"');
    const before = await readFile(`${file}.log.0`);

    const reopened = await track(open(file));
    expect(reopened.notes).toEqual([expect.stringMatching(/data\.json\.log\.0 line 2: dropped a change set that was being written/)]);
    expect(reopened.sandbox('s').collection('demo', 'things').get('d')).toEqual({ id: 'd', n: 4 });
    expect(reopened.sandbox('s').collection('demo', 'things').get('e')).toBeUndefined();
    expect(await readFile(`${file}.log.0`)).toEqual(before);
    await reopened.sandbox('s').collection('demo', 'things').put('f', { id: 'f' });
    await reopened.close();
    expect((await track(open(file))).sandbox('s').collection('demo', 'things').get('f')).toEqual({ id: 'f' });
  });

  test('any other unreadable line stops start-up with one line naming the file and line', async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file));
    await store.sandbox('s').collection('demo', 'things').put('d', { id: 'd' });
    await store.sandbox('s').collection('demo', 'things').put('e', { id: 'e' });
    await store.close();
    const lines = (await readFile(`${file}.log.0`, 'utf8')).split('\n');
    lines[0] = lines[0].slice(0, 20);
    await writeFile(`${file}.log.0`, lines.join('\n'));
    const error = await open(file).catch(e => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect(error.message).toBe(`cannot read data file ${file}.log.0 line 1: not valid JSON`);
  });
});

describe('reading a file of lines (files.ts)', () => {
  test('any chunk size gives the same lines, numbered, with the unterminated end last: lines longer than a chunk, multi-byte characters, empty lines', async () => {
    const file = join(dir, 'lines.txt');
    const long = 'x'.repeat(50);
    for (const text of ['', 'one', 'one\n', `a\n\nb€c\n${long}\n€€\n${long}é`, `${long}\n${long}\n`, '\n\n']) {
      await writeFile(file, text);
      for (const chunk of [1, 2, 3, 7, 16, 64, 1 << 20]) {
        const got: [string, number, boolean][] = [];
        const result = await readLines(realFileSystem, file, chunk, (lines, first, final) => {
          lines.forEach((line, i) => got.push([line, first + i, final]));
        });
        const expected = text.split('\n');
        const unterminated = !text.endsWith('\n') && text !== '';
        if (!unterminated) expected.pop();
        expect([chunk, got.map(([line]) => line)]).toEqual([chunk, expected]);
        expect(got.map(([, n]) => n)).toEqual(expected.map((_, i) => i + 1));
        expect(result).toEqual({ unterminated, lines: expected.length });
      }
    }
  });
});

describe('compaction', () => {
  test('folds the log into the snapshot; nothing is lost, whatever happens meanwhile', async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file, undefined, { log: { compactBytes: 4096 } }));
    const next = seededRandom(12345);
    const random = (n: number) => Math.floor(next() * n);
    const pending: Promise<void>[] = [];
    for (let round = 0; round < 30; round++) {
      const sandbox = `s${random(8)}`;
      const things = store.sandbox(sandbox).collection('demo', 'things');
      for (let i = random(60); i > 0; i--) {
        const key = random(5) === 0 ? ['a', 'b', 'c'][random(3)] : `k${random(200)}`;
        if (random(4) === 0) things.remove(key);
        else pending.push(things.put(key, { id: key, round, i }));
      }
      if (random(6) === 0) pending.push(store.replaceChanges(sandbox, undefined));
      if (random(8) === 0) pending.push(store.replaceChanges(sandbox, { demo: { things: { a: null, z: { id: 'z', round } } } }));
      if (random(3) === 0) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    await logOf(store).compacted();
    await store.flush();
    expect(logOf(store).stats.compactions).toBeGreaterThan(0);
    expect(logOf(store).stats.lastError).toBeUndefined();
    const expected = contents(store);
    await store.close();
    const reopened = await track(open(file));
    expect(contents(reopened)).toEqual(expected);
    // Only the snapshot and the segments after it are left.
    const files = (await readdir(dir)).sort();
    expect(files.filter(f => !f.startsWith('data.json.log.'))).toEqual(['data.json']);
  });

  test("reads a record line's sandbox and key from its text where it can: each key ends up once, with the log's value; other lines are copied as they are", async () => {
    const file = join(dir, 'data.json');
    const thing = (id: string, n: number) => ({ id, n });
    // Hand-written lines too: spaces, escaped names and keys, an escape JSON.stringify would not write ("k\u0041" is "kA").
    const snapshot = [
      JSON.stringify({ format: 2, seed: 7, log: 1 }),
      '["s","untouched",5]',
      '["p", "untouched", "demo", "things", "k\\u0041", {"id":"kA","n":0}]',
      JSON.stringify(['p', 'untouched', 'demo', 'things', 'q"uote', thing('q"uote', 0)]),
      '["p" ,"untouched","demo","things","odd",{"id":"odd","n":0}]',
      JSON.stringify(['s', 't"x', 5]),
      JSON.stringify(['p', 't"x', 'demo', 'things', 'plain', thing('plain', 1)]),
      JSON.stringify(['p', 't"x', 'demo', 'things', 'q"uote', thing('q"uote', 1)]),
      '["s","touched",5]',
      '["p", "touched", "demo", "things", "spaced", {"id":"spaced","n":1}]',
      '["p" ,"touched","demo","things","odd",{"id":"odd","n":1}]',
      '["p","touched","demo","things","k\\u0041",{"id":"kA","n":1}]',
      JSON.stringify(['p', 'touched', 'demo', 'things', 'back\\slash', thing('back\\slash', 1)]),
      JSON.stringify(['p', 'touched', 'demo', 'things', 'kept', thing('kept', 1)]),
      JSON.stringify(['p', 'touched', 'demo', 'things', 'gone', thing('gone', 1)]),
    ];
    await writeFile(file, `${snapshot.join('\n')}\n`);
    const puts = [
      ['t"x', 'plain'],
      ['t"x', 'q"uote'],
      ['touched', 'spaced'],
      ['touched', 'odd'],
      ['touched', 'kA'],
      ['touched', 'back\\slash'],
      ['touched', 'new'],
    ].map(([sandbox, key]) => ['p', sandbox, 'demo', 'things', key, thing(key, 2)]);
    await writeFile(`${file}.log.1`, `${JSON.stringify({ t: 9, o: [...puts, ['p', 'touched', 'demo', 'things', 'gone']] })}\n`);
    await compact(realFileSystem, file, 7, [1]);

    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe(JSON.stringify({ format: 2, seed: 7, log: 2 }));
    // The untouched sandbox's lines are copied byte for byte.
    expect(lines.slice(1, 5)).toEqual(snapshot.slice(1, 5));
    // One sandbox line each, with its last use.
    const sandboxLines = lines.slice(1).map(line => JSON.parse(line) as unknown[]).filter(op => op[0] === 's');
    expect(sandboxLines).toEqual([
      ['s', 'untouched', 5],
      ['s', 't"x', 9],
      ['s', 'touched', 9],
    ]);
    const found: Record<string, Record<string, number>> = {};
    for (const line of lines.slice(1)) {
      const op = JSON.parse(line) as [string, string, string, string, string, { n: number }];
      if (op[0] !== 'p') continue;
      expect(found[op[1]]?.[op[4]]).toBeUndefined(); // each key once
      (found[op[1]] ??= {})[op[4]] = op[5].n;
    }
    expect(found).toEqual({
      untouched: { kA: 0, 'q"uote': 0, odd: 0 },
      't"x': { plain: 2, 'q"uote': 2 },
      touched: { spaced: 2, odd: 2, kA: 2, 'back\\slash': 2, kept: 1, new: 2 },
    });
  });

  test("by default the log is compacted past the snapshot's size, but at least 16 MB and at most 64 MB", () => {
    const MB = 1 << 20;
    expect([0, 1, 16 * MB, 39 * MB, 64 * MB, 388 * MB].map(compactionThreshold)).toEqual([16 * MB, 16 * MB, 16 * MB, 39 * MB, 64 * MB, 64 * MB]);
  });

  test('a forced compaction while writes continue keeps every write', async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file));
    const things = store.sandbox('big').collection('demo', 'things');
    await Promise.all(Array.from({ length: 500 }, (_, i) => things.put(`k${i}`, { id: `k${i}`, n: i })));
    const compaction = logOf(store).compactNow();
    const during = Array.from({ length: 100 }, (_, i) => things.put(`k${i}`, { id: `k${i}`, n: -i }));
    await Promise.all([compaction, ...during]);
    const expected = contents(store);
    await store.close();
    expect(contents(await track(open(file)))).toEqual(expected);
  });
});

describe('opening a data file', () => {
  test.each([
    ['empty', ''],
    ['truncated', '{"format":1,"seed":1,"sandb'],
    ['not JSON', 'hello'],
    ['another format', '{"users":[]}'],
    ['binary', Buffer.from([0xff, 0xfe, 0x0a, 0x00, 0x1b, 0x7b])],
    ['a bad snapshot line', '{"format":2,"seed":1,"log":0}\n["p","s","demo"]\n'],
  ])('refuses a %s file with one printable line naming it, and leaves it untouched', async (_, content) => {
    const file = join(dir, 'data.json');
    await writeFile(file, content);
    const error = await open(file).catch(e => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/^[\x20-\x7e]+$/);
    expect(await readFile(file)).toEqual(Buffer.from(content));
  });

  test("a sandbox's records come back from the snapshot and the log in the order they were first written (integer-like keys too); changesOf() is a JSON copy", async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file));
    const things = store.sandbox('s').collection('demo', 'things');
    for (const key of ['z', '10', '__proto__', '2']) await things.put(key, { id: key });
    things.remove('z');
    await things.put('z', { id: 'z' }); // deleted, then written again: last
    await things.put('10', { id: '10', again: true }); // written again: keeps its place
    const order = ['a', 'b', 'c', '10', '__proto__', '2', 'z'];
    expect([...things.entries()].map(([key]) => key)).toEqual(order);
    const json = store.changesOf('s')!;
    expect(Object.getPrototypeOf(json.demo.things)).toBeNull();
    expect(json.demo.things['10']).toEqual({ id: '10', again: true });
    json.demo.things['10'] = null; // a copy: the store is not changed through it
    expect(things.get('10')).toEqual({ id: '10', again: true });
    await store.close();
    // from the log
    const reopened = await track(open(file));
    expect([...reopened.sandbox('s').collection('demo', 'things').entries()].map(([key]) => key)).toEqual(order);
    // from the snapshot, once compacted (compaction folds a key deleted and written again into its first place)
    await logOf(reopened).compactNow();
    await reopened.close();
    const compacted = await track(open(file));
    expect([...compacted.sandbox('s').collection('demo', 'things').entries()].map(([key]) => key)).toEqual(['a', 'b', 'c', 'z', '10', '__proto__', '2']);
    expect(contents(compacted)).toEqual(contents(store));
  });

  test('keeps the seed it was created with, and refuses a different one', async () => {
    const file = join(dir, 'data.json');
    await (await open(file, 7)).close();
    const store = await track(open(file));
    expect(store.seed).toBe(7);
    await store.close();
    await expect(open(file, 8)).rejects.toThrow(/created with seed 7, not 8/);
  });

  test('converts a format-1 data file, keeping the original beside it', async () => {
    const file = join(dir, 'data.json');
    const original = JSON.stringify({ format: 1, seed: 3, sandboxes: { 'ci-1': { demo: { things: { a: null, d: { id: 'd', n: 4 } } } } } });
    await writeFile(file, original);
    const store = await track(open(file));
    expect(store.seed).toBe(3);
    expect(store.sandbox('ci-1').collection('demo', 'things').values().map(r => r.id)).toEqual(['b', 'c', 'd']);
    expect(store.notes).toEqual([expect.stringContaining('converted from format 1')]);
    expect(await readFile(`${file}.format1`, 'utf8')).toBe(original);
    expect((await readFile(file, 'utf8')).split('\n')[0]).toMatch(/^\{"format":2,"seed":3,/);
    await store.close();
    expect(contents(await track(open(file)))).toEqual(contents(store));
  });

  test('checks every stored record: a bad one is one line naming sandbox, API, collection and key; the files are untouched', async () => {
    const file = join(dir, 'data.json');
    const store = await track(open(file));
    await store.sandbox('ci-7').collection('demo', 'things').put('d', { id: 'd', n: 'four' });
    await store.close();
    const before = await readFile(`${file}.log.0`);
    const checkRecord = (_api: string, _collection: string, _key: string, record: Record<string, unknown>) =>
      typeof record.n === 'number' ? undefined : '/n must be number';
    const error = await open(file, undefined, { checkRecord }).catch(e => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect(error.message).toBe(`data file ${file}: sandbox "ci-7", API demo, collection things, key "d": /n must be number`);
    expect(await readFile(`${file}.log.0`)).toEqual(before);
    expect((await readdir(dir)).sort()).toEqual(['data.json', 'data.json.log.0']);
  });
});

describe("start-up keeps the snapshot's records as text until a sandbox is used (log.ts), and checks every line with the worker (precheck.ts)", () => {
  const checkRecord = (_api: string, _collection: string, _key: string, record: Record<string, unknown>) =>
    typeof record.n === 'number' ? undefined : '/n must be number';
  const header = '{"format":2,"seed":1,"log":0}';
  const sandboxLine = (name: string, at = Date.now()) => JSON.stringify(['s', name, at]);
  const put = (sandbox: string, key: string, n: unknown) => JSON.stringify(['p', sandbox, 'demo', 'things', key, { id: key, n }]);
  const things = (store: Store, sandbox: string) => store.sandbox(sandbox).collection<{ id: string; n: number }>('demo', 'things');
  const weird = 'we"ird\\name';

  test('counts a stored sandbox\'s changes, those of one API left out, the same before and after its first use', async () => {
    const file = join(dir, 'data.json');
    const other = (sandbox: string, key: string) => JSON.stringify(['p', sandbox, 'other', 'things', key, { id: key, n: 1 }]);
    const snapshot = [
      header,
      sandboxLine('ci-1'),
      put('ci-1', 'a', 1),
      other('ci-1', 'b'),
      JSON.stringify(['p', 'ci-1', 'demo', 'things', 'c', null]),
      '["p", "ci-1", "other", "things", "d", {"id": "d", "n": 1}]', // written by hand, with spaces
      sandboxLine(weird),
      other(weird, 'e'),
      put(weird, 'f', 2),
      '',
    ].join('\n');
    await writeFile(file, snapshot);
    const counts = (store: Store) => [store.changeCount('ci-1'), store.changeCount('ci-1', 'other'), store.changeCount('ci-1', 'demo'), store.changeCount(weird, 'other'), store.changeCount('nobody')];
    const store = await track(open(file, undefined, { checkRecord }));
    expect(logOf(store).lazy).toBe(true);
    const before = counts(store);
    expect(before).toEqual([4, 2, 2, 1, 0]);
    things(store, 'ci-1').get('a');
    things(store, weird).get('f');
    expect(counts(store)).toEqual(before);
  });

  test('a stored sandbox is read, written, compacted and expired the same before and after its first use', async () => {
    let now = Date.parse('2026-11-20T10:00:00Z');
    const day = 24 * 3600 * 1000;
    const file = join(dir, 'data.json');
    // ci-2's records in two runs (compaction appends a sandbox's new records at the end), a name with
    // escapes, a __proto__ key, a tombstone, and a sandbox idle for longer than the TTL.
    const snapshot = [
      header,
      sandboxLine('ci-1', now),
      put('ci-1', 'd', 4),
      JSON.stringify(['p', 'ci-1', 'demo', 'things', 'a', null]),
      sandboxLine('ci-2', now),
      put('ci-2', 'e', 5),
      sandboxLine(weird, now),
      put(weird, '__proto__', 6),
      sandboxLine('old', now - 2 * day),
      put('old', 'g', 7),
      put('ci-2', 'h', 8),
      '',
    ].join('\n');
    await writeFile(file, snapshot);
    const options = { checkRecord, sandboxTtlMs: day, clock: () => now };
    const store = await track(open(file, undefined, options));
    expect(logOf(store).lazy).toBe(true);
    // Expired at start-up without being parsed; the others are there.
    expect(store.sandboxNames().sort()).toEqual(['ci-1', 'ci-2', 'default', 'old', weird].filter(n => n !== 'old').sort());
    // Compacted before any use: the sandboxes nobody used are written as they were.
    await logOf(store).compactNow();
    const compacted = (await readFile(file, 'utf8')).split('\n');
    for (const line of snapshot.split('\n').slice(1, 8)) expect(compacted).toContain(line);
    expect(compacted.some(line => line.includes('"old"'))).toBe(false);
    // First uses: a read, a write (ci-2's records of both runs, in their order), the escaped name.
    expect(things(store, 'ci-1').values().map(r => r.id)).toEqual(['b', 'c', 'd']);
    expect(things(store, 'ci-1').get('a')).toBeUndefined();
    await things(store, 'ci-2').put('i', { id: 'i', n: 9 });
    expect(things(store, 'ci-2').values().map(r => r.n)).toEqual([1, 2, 3, 5, 8, 9]);
    expect(things(store, weird).get('__proto__')).toEqual({ id: '__proto__', n: 6 });
    expect(store.changeCount('ci-2')).toBe(3);
    const expected = {
      default: {},
      'ci-1': { demo: { things: { d: { id: 'd', n: 4 }, a: null } } },
      'ci-2': { demo: { things: { e: { id: 'e', n: 5 }, h: { id: 'h', n: 8 }, i: { id: 'i', n: 9 } } } },
      [weird]: { demo: { things: { ['__proto__']: { id: '__proto__', n: 6 } } } },
    };
    expect(contents(store)).toEqual(expected);
    // Compacted after: the same; and read back lazily again.
    await logOf(store).compactNow();
    await store.close();
    const again = await track(open(file, undefined, options));
    expect(logOf(again).lazy).toBe(true);
    expect(contents(again)).toEqual(expected);
    // Expired after its first use, and before (ci-2 was used above, ci-1 not since this start).
    expect(things(again, 'ci-2').get('e')).toEqual({ id: 'e', n: 5 });
    now += 2 * day;
    expect(again.expire().sort()).toEqual(['ci-1', 'ci-2', weird].sort());
    expect(again.sandboxNames()).toEqual(['default']);
  });

  test('the log replayed on sandboxes not parsed yet: a put parses the sandbox first; a use, a drop or a replace does not need to', async () => {
    const file = join(dir, 'data.json');
    const lines = [header, sandboxLine('ci-1'), put('ci-1', 'd', 4), put('ci-1', 'e', 5), sandboxLine('ci-2'), put('ci-2', 'f', 6)];
    lines.push(sandboxLine('ci-3'), put('ci-3', 'g', 7), sandboxLine('ci-4'), put('ci-4', 'h', 8), '');
    await writeFile(file, lines.join('\n'));
    const entry = (o: unknown[][]) => `${JSON.stringify({ t: Date.now(), o })}\n`;
    await writeFile(
      `${file}.log.0`,
      entry([['p', 'ci-1', 'demo', 'things', 'k', { id: 'k', n: 10 }], ['p', 'ci-1', 'demo', 'things', 'd']]) +
        entry([['u', 'ci-2'], ['d', 'ci-3'], ['r', 'ci-4', { demo: { things: { m: { id: 'm', n: 11 } } } }]]) +
        '{"t":1,"o":[["p"',
    );
    const store = await track(open(file, undefined, { checkRecord }));
    expect(logOf(store).lazy).toBe(true);
    expect(store.notes).toEqual([expect.stringContaining(`${file}.log.0 line 3: dropped a change set`)]);
    expect(contents(store)).toEqual({
      default: {},
      'ci-1': { demo: { things: { e: { id: 'e', n: 5 }, k: { id: 'k', n: 10 } } } },
      'ci-2': { demo: { things: { f: { id: 'f', n: 6 } } } },
      'ci-4': { demo: { things: { m: { id: 'm', n: 11 } } } },
    });
  });

  // Line 3 (ci-1's "d") and line 6 (ci-2's "f") are bad records.
  const badLines = () => [header, sandboxLine('ci-1'), put('ci-1', 'd', 'four'), sandboxLine('ci-2'), put('ci-2', 'e', 5), put('ci-2', 'f', 'six'), ''].join('\n');
  /** The worker's progress as if it had checked lines 1 to `through` of the file as it is (or as it was at another time). */
  const workerAt = async (file: string, through: number, other = false) => {
    const progress = new SharedProgress();
    const { size, mtimeMs } = await stat(file);
    progress.found({ size: other ? size + 1 : size, mtimeMs });
    if (through) progress.checked(through);
    return progress;
  };
  const withWorker = (file: string, progress: SharedProgress) => ({ checkRecord, log: { precheck: { file, progress: progress.buffer } } });
  const firstBad = (file: string) => `data file ${file}: sandbox "ci-1", API demo, collection things, key "d": /n must be number`;

  test("the main thread checks the lines from the end until it meets the worker's, and trusts those", async () => {
    const file = join(dir, 'data.json');
    await writeFile(file, badLines());
    // The worker vouched for every line (wrongly, on purpose): nothing is checked again.
    const all = await workerAt(file, 6);
    await (await open(file, undefined, withWorker(file, all))).close();
    expect(all.open(2)).toBe(false); // told to stop
    await rm(`${file}.log.0`, { force: true });
    // It got to line 5: line 6 is checked here; the error names the first bad record, which the worker had passed.
    await expect(open(file, undefined, withWorker(file, await workerAt(file, 5)))).rejects.toThrow(firstBad(file));
    // It found a bad line: the same error, though the main thread had nothing left to find.
    const failed = await workerAt(file, 2);
    failed.fail();
    await writeFile(file, badLines().replace('"six"', '6'));
    await expect(open(file, undefined, withWorker(file, failed))).rejects.toThrow(firstBad(file));
    // Progress on the file as it was at another time, on another file, or none: every line is checked here.
    await expect(open(file, undefined, withWorker(file, await workerAt(file, 6, true)))).rejects.toThrow(firstBad(file));
    await expect(open(file, undefined, withWorker(join(dir, 'other.json'), await workerAt(file, 6)))).rejects.toThrow(firstBad(file));
    await expect(open(file, undefined, { checkRecord })).rejects.toThrow(firstBad(file));
    expect(await readdir(dir)).toEqual(['data.json']);
  });

  test("the worker's half: from the front, to a bad line or to the lines the main thread checked", async () => {
    const file = join(dir, 'data.json');
    await writeFile(file, badLines());
    const stopped = new SharedProgress();
    await checkFromFront(file, checkRecord, stopped);
    expect([stopped.through, stopped.failed]).toEqual([2, true]);
    await writeFile(file, badLines().replace('"four"', '4'));
    const met = new SharedProgress();
    met.checkedFrom(5);
    await checkFromFront(file, checkRecord, met);
    expect([met.through, met.failed, met.sameFile(await stat(file))]).toEqual([4, false, true]);
    // Its progress, as the main thread uses it: lines 5 and 6 are left, and line 6 is bad.
    const progress = new SharedProgress();
    await checkFromFront(file, () => undefined, progress);
    expect(progress.through).toBe(6);
    const store = await track(open(file, undefined, withWorker(file, progress)));
    expect(things(store, 'ci-2').get('f')).toEqual({ id: 'f', n: 'six' });
  });

  test('a bad line or record anywhere is named as before: the first one, by file and line, or sandbox, API, collection and key', async () => {
    const file = join(dir, 'data.json');
    const lines = [header, sandboxLine('ci-1'), put('ci-1', 'd', 4), '["p","ci-1","demo","things","e",{"id":', sandboxLine('ci-2'), '["x","ci-2"]', ''];
    await writeFile(file, lines.join('\n'));
    await expect(open(file, undefined, { checkRecord })).rejects.toThrow(`cannot read data file ${file} line 4: not valid JSON`);
    lines.splice(3, 1);
    await writeFile(file, lines.join('\n'));
    await expect(open(file, undefined, { checkRecord })).rejects.toThrow(`cannot read data file ${file} line 5: not a change`);
    // A bad snapshot record the log replaced is no error (its sandbox is loaded the eager way).
    await writeFile(file, badLines());
    const entry = (o: unknown[][]) => `${JSON.stringify({ t: Date.now(), o })}\n`;
    await writeFile(`${file}.log.0`, entry([['p', 'ci-1', 'demo', 'things', 'd', { id: 'd', n: 4 }], ['d', 'ci-2']]));
    const store = await track(open(file, undefined, { checkRecord }));
    expect(logOf(store).lazy).toBe(false);
    expect(contents(store)).toEqual({ default: {}, 'ci-1': { demo: { things: { d: { id: 'd', n: 4 } } } } });
  });
});

describe('sandbox lifecycle', () => {
  test('named sandboxes idle past the TTL are deleted; the default one never is', async () => {
    let now = Date.parse('2026-11-20T10:00:00Z');
    const store = await track(open(join(dir, 'data.json'), undefined, { sandboxTtlMs: 1000, clock: () => now }));
    await store.sandbox('old').collection('demo', 'things').put('d', { id: 'd' });
    await store.sandbox().collection('demo', 'things').put('d', { id: 'd' });
    expect(store.life('old')).toEqual({ lastUsed: new Date(now), expiresAt: new Date(now + 1000) });
    expect(store.life('default')).toEqual({ lastUsed: new Date(now), expiresAt: null });
    now += 600;
    await store.transact('old', () => store.sandbox('old').collection('demo', 'things').get('d')); // a read is a use
    now += 600;
    expect(store.expire()).toEqual([]);
    now += 1000;
    expect(store.expire()).toEqual(['old']);
    expect(store.sandboxNames()).toEqual(['default']);
    await store.close();
    expect((await track(open(join(dir, 'data.json')))).sandboxNames()).toEqual(['default']);
  });

  test('a write that would create one sandbox too many is refused, and changes nothing', async () => {
    const store = await track(open(undefined, undefined, { maxSandboxes: 2 }));
    for (const name of ['one', 'two']) await store.transact(name, () => store.sandbox(name).collection('demo', 'things').put('d', { id: 'd' }));
    const refused = store.transact('three', () => store.sandbox('three').collection('demo', 'things').put('d', { id: 'd' }));
    await expect(refused).rejects.toBeInstanceOf(SandboxLimitError);
    expect(store.sandboxNames()).toEqual(['default', 'one', 'two']);
    expect(store.sandbox('three').collection('demo', 'things').get('d')).toBeUndefined();
    await store.transact('default', () => store.sandbox().collection('demo', 'things').put('d', { id: 'd' })); // not counted
    await store.deleteSandbox('one');
    await store.transact('three', () => store.sandbox('three').collection('demo', 'things').put('d', { id: 'd' }));
  });

  test('over the limit (a data file from a larger limit), the default sandbox still takes its first write', async () => {
    const file = join(dir, 'data.json');
    const roomy = await track(open(file));
    for (const name of ['one', 'two', 'three']) await roomy.transact(name, () => roomy.sandbox(name).collection('demo', 'things').put('d', { id: 'd' }));
    await roomy.close();
    const store = await track(open(file, undefined, { maxSandboxes: 2 }));
    await store.transact('default', () => store.sandbox().collection('demo', 'things').put('d', { id: 'd' }));
    expect(store.sandbox().collection('demo', 'things').get('d')).toEqual({ id: 'd' });
    await expect(store.transact('four', () => store.sandbox('four').collection('demo', 'things').put('d', { id: 'd' }))).rejects.toBeInstanceOf(SandboxLimitError);
  });
});
