// Power cuts, simulated honestly: the store runs on test/powercut-fs.ts, which at a random
// operation stops the "machine" and keeps only what fsync/fdatasync made durable (file bytes through
// the file's own fsync, names through an fsync of their folder; half the cuts also keep a random
// part of the unsynced appends and of the unsynced creates, renames and unlinks). The next life boots on that disk and must start, and must hold
// exactly the state after some prefix of the writes issued, at least every write acknowledged.
// Lives follow one another on the same disk, so cuts also fall in start-up and in compactions.
import { Store, type Dataset } from '../src/core/store.js';
import type { LogBackend } from '../src/core/store/log.js';
import { PowerCutFs } from './powercut-fs.js';
import { seededRandom } from './seeded-random.js';

const fixtures: Dataset = {
  demo: {
    things: {
      a: { id: 'a', n: 1 },
      b: { id: 'b', n: 2 },
      c: { id: 'c', n: 3 },
    },
  },
};
const FOLDER = '/disk/data';
const FILE = `${FOLDER}/sandbox.json`;
const LIVES = 120;
/** A cut falls on one of the first this many file operations of a life (start-up included). */
const MAX_OPERATIONS = 400;
const SANDBOXES = ['default', 's1', 's2', 's3'];
/** The steps of a compaction that come once per compaction (cuts aimed at them, as random ones seldom hit them). */
const RARE_STEPS = [
  { op: 'fsync', path: /\.tmp$/ },
  { op: 'rename', path: /\.tmp -> / },
  { op: 'unlink', path: /\.log\.\d+$/ },
  { op: 'open w', path: /\.tmp$/ },
  { op: 'write', path: /\.tmp$/ },
];

const open = (fs: PowerCutFs, prefillBytes?: number) =>
  Store.open({ file: FILE, defaultSeed: 1, loadFixtures: () => structuredClone(fixtures), sandboxTtlMs: 0, log: { compactBytes: 1024, fs, prefillBytes } });

/** Everything the store holds, one sorted line per entry (a record, or null for a deleted fixture). */
function stateOf(store: Store): string {
  const lines: string[] = [];
  for (const name of store.sandboxNames()) {
    for (const [api, collections] of Object.entries(store.changesOf(name) ?? {})) {
      for (const [collection, rows] of Object.entries(collections)) {
        for (const [key, row] of Object.entries(rows)) lines.push(`${name} ${api} ${collection} ${key} ${JSON.stringify(row)}`);
      }
    }
  }
  return lines.sort().join('\n');
}

/** What the cut interrupted, for the coverage figures. */
function whereCut(fs: PowerCutFs, store: Store | undefined): string {
  const { op, path } = fs.cutOn!;
  const what = path.includes('.tmp') ? 'temporary snapshot' : /\.log\.\d+$/.test(path) ? 'segment' : path === FOLDER ? 'folder' : 'snapshot';
  const phase = !store ? 'start-up' : (store.storage as LogBackend).compacting ? 'compacting' : 'running';
  return `${phase}: ${op.replace(/^open \w+/, 'open')} ${what}`;
}

// The second run fills a segment's zeros 600 bytes at a time, so fills run in the background beside
// nearly every batch, and a rotation often closes a segment while its zeros are on their way.
for (const prefillBytes of [undefined, 600]) test(`${LIVES} power cuts at random points of appends, compactions and start-ups: every acknowledged write survives and start-up succeeds${prefillBytes ? `; zeros filled ${prefillBytes} bytes ahead at a time` : ''}`, async () => {
  const random = seededRandom(Number(process.env.POWERCUT_SEED) || 20261129);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];

  let disk = PowerCutFs.withFolders(FOLDER);
  /** The states a restart may find: the state after each write issued, from the last acknowledged one on. */
  let acceptable = [''];
  const cuts = new Map<string, number>();
  let verified = 0;
  let acknowledged = 0;
  let counter = 0;
  const failures: string[] = [];

  let lastCut = 'none';
  const verify = (store: Store, life: number) => {
    const found = stateOf(store);
    if (!acceptable.includes(found)) {
      const missing = acceptable[0].split('\n').filter(line => line && !found.includes(line));
      throw new Error(`life ${life}: after a cut on ${lastCut} the store holds a state no prefix of the writes explains; e.g. missing: ${missing.slice(0, 3).join(' | ')}`);
    }
    verified++;
    return found;
  };

  for (let life = 1; life <= LIVES; life++) {
    const fs = disk;
    // One life in four is cut early, mostly in start-up (reading the files, deleting folded segments);
    // one in four on one of the rare steps of a compaction; the others at any operation.
    fs.cutAt = 1 + Math.floor(random() * (life % 4 === 0 ? 40 : MAX_OPERATIONS));
    if (life % 4 === 2) {
      const step = RARE_STEPS[(life >> 2) % RARE_STEPS.length];
      fs.cutOnMatch = { test: ({ op, path }) => op === step.op && step.path.test(path), skip: Math.floor(random() * 3) };
      fs.cutAt = Infinity;
    }
    const store = await Promise.race([open(fs, prefillBytes), fs.cut.then(() => undefined)]);
    if (store) {
      const states = [verify(store, life)];
      let ackedUpTo = 0;
      // Writes keep coming, without waiting for acknowledgements (group commit batches them), until the cut.
      for (let i = 1; !fs.isCut && i <= 2000; i++) {
        const sandbox = pick(SANDBOXES);
        const things = store.sandbox(sandbox).collection('demo', 'things');
        const dice = random();
        let durable: Promise<void>;
        if (dice < 0.08) {
          durable = store.replaceChanges(sandbox, { demo: { things: { a: null, [`r${counter}`]: { id: `r${counter}`, n: counter++ } } } });
        } else if (dice < 0.14 && store.changesOf(sandbox)) {
          durable = store.replaceChanges(sandbox, undefined);
        } else {
          for (let n = 1 + Math.floor(random() * 2); n > 0; n--) {
            const key = random() < 0.15 ? pick(['a', 'b', 'c']) : `k${Math.floor(random() * 30)}`;
            if (random() < 0.2) things.remove(key);
            else things.put(key, { id: key, n: counter++, pad: 'x'.repeat(Math.floor(random() * 80)) });
          }
          durable = things.put(`k${Math.floor(random() * 30)}`, { id: 'k', n: counter++ });
        }
        states.push(stateOf(store));
        // An acknowledgement says the change set is durable, and with it every one before it; a
        // change set that changed nothing is acknowledged at once and says nothing.
        const changed = states[i] !== states[i - 1];
        durable.then(
          () => {
            if (changed) ackedUpTo = Math.max(ackedUpTo, i);
            acknowledged++;
          },
          (error: Error) => failures.push(`life ${life}: write ${i} failed: ${error.message}`),
        );
        await new Promise(resolve => setImmediate(resolve));
      }
      expect(failures).toEqual([]);
      expect(fs.isCut).toBe(true);
      acceptable = states.slice(ackedUpTo);
    }
    const where = whereCut(fs, store);
    cuts.set(where, (cuts.get(where) ?? 0) + 1);
    const partial = life % 2 === 0;
    lastCut = `${where} (${fs.cutOn!.path}, ${partial ? 'partial' : 'only what was fsync\'d kept'})`;
    disk = fs.afterCut(random, partial);
  }

  // The last boot, with no cut: it holds an acceptable state, and goes on working.
  const store = await open(disk, prefillBytes);
  verify(store, LIVES + 1);
  await store.sandbox('s1').collection('demo', 'things').put('last', { id: 'last', n: 0 });
  await store.close();

  const figures = [...cuts].sort(([a], [b]) => a.localeCompare(b));
  const count = (test: (where: string) => boolean) => figures.filter(([where]) => test(where)).reduce((sum, [, n]) => sum + n, 0);
  const summary = `${verified} restarts verified, ${acknowledged} writes acknowledged; cuts:\n  ${figures.map(([w, n]) => `${n} × ${w}`).join('\n  ')}`;
  process.stdout.write(`power cuts: ${summary}\n`);
  // The cuts really fall everywhere: in start-up, in appends, and in every step of compaction.
  expect({ summary, startUp: count(w => w.startsWith('start-up')) >= 5 }).toEqual({ summary, startUp: true });
  expect({ summary, compacting: count(w => w.startsWith('compacting')) >= 25 }).toEqual({ summary, compacting: true });
  for (const step of ['read segment', 'write temporary snapshot', 'fsync temporary snapshot', 'rename', 'fsync folder', 'unlink segment']) {
    expect({ summary, step, covered: count(w => w.startsWith('compacting') && w.includes(step)) > 0 }).toEqual({ summary, step, covered: true });
  }
  expect({ summary, appends: count(w => w.includes('fdatasync segment')) >= 5 }).toEqual({ summary, appends: true });
  // Most lives get through start-up and are verified (a quarter of them are cut early, most of those in start-up).
  expect({ summary, mostVerified: verified > LIVES * 0.7 }).toEqual({ summary, mostVerified: true });
}, 60_000);

test('a power cut at any point of converting a format-1 data file loses nothing, and keeps the original', async () => {
  const original = JSON.stringify({ format: 1, seed: 1, sandboxes: { s1: { demo: { things: { a: null, x: { id: 'x', n: 1 } } } } } });
  const expected = ['s1 demo things a null', 's1 demo things x {"id":"x","n":1}'].join('\n');
  const random = seededRandom(7);
  let cuts = 0;
  for (let cutAt = 1; ; cutAt++) {
    // Only what was fsync'd, then 8 random picks of what else a disk may have written.
    for (const partial of [false, ...Array<boolean>(8).fill(true)]) {
      const fs = PowerCutFs.withFolders(FOLDER);
      fs.put(FILE, original);
      fs.cutAt = cutAt;
      const store = await Promise.race([open(fs), fs.cut.then(() => undefined)]);
      if (store) {
        // The conversion finished before the cut: the file is format 2 and the original is kept.
        expect(stateOf(store)).toBe(expected);
        expect(fs.contents(FOLDER)[`sandbox.json.format1`]).toBe(original);
        expect(cuts).toBeGreaterThan(10);
        return;
      }
      cuts++;
      const disk = fs.afterCut(random, partial);
      const files = disk.contents(FOLDER);
      if (!files['sandbox.json'].startsWith('{"format":1')) expect(files['sandbox.json.format1']).toBe(original);
      disk.cutAt = Infinity;
      const restarted = await open(disk);
      expect({ cutAt, partial, state: stateOf(restarted) }).toEqual({ cutAt, partial, state: expected });
      await restarted.close();
    }
  }
});
