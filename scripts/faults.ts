// Fault tests against the real server (`npm run test:faults`, `npm run test:soak`): kill -9 during a
// write storm, unusable data files at start-up, a full or read-only disk while running, and a soak
// of mixed traffic watching memory. Each scenario prints what it did and its figures, and the
// script exits non-zero if any check failed. Bounded in time; traffic goes to 127.0.0.1 only.
//
//   tsx scripts/faults.ts [kill9] [compaction] [datafile] [diskfull] [soak] [--minutes N] [--rate N] [--seed N] [--rounds N]
//
// Without scenario names it runs kill9, compaction, datafile and diskfull. Servers listen on free
// loopback ports the system picks (--port 0), so runs can share a machine.
import { execFileSync, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app.js';
import { runCli, startServer, stop, type Running } from '../test/process.js';
import type { SoakFigures } from './soak-server.js';
import {
  createOperations,
  documents,
  exampleCall,
  itemPath,
  send,
  specOperations,
  type Answer,
  type Call,
  type CreateOperation,
  type SpecOperation,
} from './spec-traffic.js';
import { seededRandom } from '../test/seeded-random.js';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '40' },
    seed: { type: 'string', default: '42' },
    rounds: { type: 'string', default: '20' },
  },
});
const scenarios = positionals.length ? positionals : ['kill9', 'compaction', 'datafile', 'diskfull'];
const known = ['kill9', 'compaction', 'datafile', 'diskfull', 'soak'];
for (const name of scenarios) if (!known.includes(name)) throw new Error(`unknown scenario ${name}; choose from ${known.join(', ')}`);

/** The built server (`npm run test:faults` builds first): it starts faster than through tsx. */
const BUILT = ['dist/cli.js'];
const failures: string[] = [];
const log = (line = '') => process.stdout.write(`${line}\n`);

function check(ok: boolean, what: string): void {
  log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

const all = await specOperations();
const creates = createOperations(all);
const work = await mkdtemp(join(tmpdir(), 'sandbox-faults-'));
const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
const idOf = (answer: Answer) => (answer.body as { id?: unknown } | undefined)?.id;
const createCall = (c: CreateOperation, sandbox: string) => exampleCall(c.create, sandbox);
const label = (o: SpecOperation) => `${o.slug}.${o.op.iid}`;

/** What a restart reads back from a data file: the rows a sandbox holds for an API (tombstones not counted). */
async function readBack(file: string) {
  const { store, close } = await createApp({ dataFile: file });
  const rows = (sandbox: string, slug: string) =>
    Object.values(store.changesOf(sandbox)?.[slug] ?? {}).flatMap(collection => Object.entries(collection).filter(([, row]) => row !== null));
  const sandboxes = store.sandboxNames().length;
  await close();
  return { rows, sandboxes };
}

/** The acknowledged creates missing from what a restart reads back. */
function missingFrom(stored: Awaited<ReturnType<typeof readBack>>, acked: Array<{ create: CreateOperation; sandbox: string; id?: string }>) {
  return acked.filter(a => {
    const rows = stored.rows(a.sandbox, a.create.create.slug);
    return rows.length === 0 || (a.id !== undefined && !rows.some(([key, row]) => key === a.id || (row as { id?: unknown }).id === a.id));
  });
}

/** kill -9 in the middle of concurrent creates; every create answered 2xx must survive. */
async function kill9(): Promise<void> {
  log('\n## kill -9 during a write storm');
  const file = join(work, 'kill9', 'sandbox.json');
  const random = seededRandom(Number(options.seed));
  const acked: Array<{ create: CreateOperation; sandbox: string; id?: string }> = [];
  let sent = 0;
  let answered = 0;
  let refused = 0;
  for (let round = 1; round <= 3; round++) {
    const server = await startServer(['--port', '0', '--data', file, '--log-level', 'silent']);
    let killed = false;
    const worker = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const create = creates[(w + i) % creates.length];
        const sandbox = `storm-${round}-${w}-${i}`;
        sent++;
        try {
          const answer = await send(server.url, createCall(create, sandbox));
          answered++;
          if (answer.status >= 200 && answer.status < 300) {
            const id = idOf(answer);
            acked.push({ create, sandbox, id: typeof id === 'string' ? id : undefined });
          } else if (!killed) {
            failures.push(`storm create ${label(create.create)} answered ${answer.status}`);
          }
        } catch {
          refused++; // the connection died with the server
        }
      }
    };
    const killAfter = 800 + Math.floor(random() * 1500);
    const workers = Array.from({ length: 16 }, (_, w) => worker(w));
    await new Promise(resolve => setTimeout(resolve, killAfter));
    killed = true;
    server.proc.kill('SIGKILL');
    await Promise.all(workers);
    log(`  round ${round}: killed after ${killAfter} ms; ${acked.length} creates acknowledged so far`);
  }
  let stored: Awaited<ReturnType<typeof readBack>>;
  try {
    stored = await readBack(file);
  } catch (error) {
    check(false, `the data file loads after kill -9 (${(error as Error).message})`);
    return;
  }
  check(true, `the data file loads after kill -9 (${stored.sandboxes} sandboxes)`);
  const missing = missingFrom(stored, acked);
  check(missing.length === 0, `every acknowledged create is in the file: ${acked.length - missing.length} of ${acked.length}`);

  const server = await startServer(['--port', '0', '--data', file, '--log-level', 'silent']);
  try {
    const readable = acked.filter(a => a.create.read && a.id);
    let found = 0;
    for (const a of readable) {
      const call = exampleCall(a.create.read!, a.sandbox);
      const answer = await send(server.url, { ...call, path: itemPath(createCall(a.create, a.sandbox), a.id!) });
      if (answer.status === 200) found++;
    }
    check(found === readable.length, `after restart, every acknowledged create that has a GET is served: ${found} of ${readable.length}`);
  } finally {
    await stop(server);
  }
  log(`  figures: ${sent} creates sent, ${answered} answered, ${acked.length} acknowledged (2xx), ${refused} cut off by the kill; ops: ${creates.map(c => label(c.create)).join(', ')}`);
}

/** Rejects with `what` once `ms` have passed (the timer is cleared when `promise` settles). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s: ${what}`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * kill -9 at random points of compaction, 20 times. The data file holds 8,000 records first, so
 * each compaction rewrites a snapshot of a few MB (in 64 KB slices) and takes a while; the log is
 * compacted every 16 KB, so under a storm of creates one compaction follows another. A compaction
 * begins by moving appends to a new log segment: the script watches the data folder, and kills the
 * server at a random delay (0-1.5 s) after a new segment appears. Afterwards the folder tells where the kill
 * fell: a temporary snapshot newer than the server (writing the new snapshot), segments the snapshot
 * already holds (deleting them), or two or more segments past the snapshot (reading the log). After
 * each kill, a restart must read back every create acknowledged in every round so far. Each round
 * has its own time limit, so a hang fails with the step that hung instead of stalling the script.
 */
async function compaction(): Promise<void> {
  const rounds = Number(options.rounds);
  log(`\n## kill -9 during compaction, ${rounds} times`);
  const folder = join(work, 'compaction');
  const file = join(folder, 'sandbox.json');
  const random = seededRandom(Number(options.seed) + 1);
  const acked: Array<{ create: CreateOperation; sandbox: string; id?: string }> = [];
  const env = { SANDBOX_COMPACT_BYTES: String(16 * 1024) };
  // One sandbox per create (an example create repeated in one sandbox may be a 409 duplicate).
  const server = () =>
    startServer(['--port', '0', '--data', file, '--log-level', 'silent', '--max-sandboxes', '0'], env, BUILT, undefined, 60_000);

  // A few MB of snapshot: one create of each kind (4) in a template sandbox, copied into 2,000 sandboxes.
  await mkdir(folder, { recursive: true });
  {
    const running = await server();
    try {
      for (const create of creates) {
        const answer = await send(running.url, createCall(create, 'template'));
        if (answer.status >= 300) failures.push(`compaction set-up: ${label(create.create)} answered ${answer.status}`);
      }
    } finally {
      await stop(running);
    }
    const { store, close } = await createApp({ dataFile: file });
    const template = store.changesOf('template')!;
    await Promise.all(Array.from({ length: 2_000 }, (_, i) => store.replaceChanges(`bulk-${i}`, template)));
    await close();
  }

  const segmentsOf = async () =>
    (await readdir(folder)).flatMap(name => (/^sandbox\.json\.log\.(\d+)$/.exec(name) ? [Number(/\d+$/.exec(name)![0])] : []));
  const where = { reading: 0, writing: 0, deleting: 0, between: 0 };
  const times: number[] = [];
  let compactions = 0;
  let lastLog = -1;
  for (let round = 1; round <= rounds; round++) {
    const roundStarted = Date.now();
    let step = 'starting the server';
    let running: Running | undefined;
    let watcher: FSWatcher | undefined;
    let killed = false;
    let workers: Promise<void>[] = [];
    const attempt = async () => {
      running = await server();
      const { url, proc } = running;
      step = 'the first create';
      const first = await send(url, createCall(creates[0], `compact-${round}-first`));
      if (first.status < 300) acked.push({ create: creates[0], sandbox: `compact-${round}-first`, id: idOf(first) as string | undefined });
      // A compaction begins when appends move to a new segment: watch for one beyond those there now.
      const known = Math.max(...(await segmentsOf()));
      const begun = new Promise<void>(resolve => {
        watcher = watch(folder, (_, name) => {
          const n = /^sandbox\.json\.log\.(\d+)$/.exec(String(name ?? ''))?.[1];
          if (n !== undefined && Number(n) > known) resolve();
        });
      });
      const worker = async (w: number) => {
        for (let i = 0; !killed; i++) {
          const create = creates[(w + i) % creates.length];
          const sandbox = `compact-${round}-${w}-${i}`;
          try {
            const answer = await send(url, createCall(create, sandbox));
            if (answer.status >= 200 && answer.status < 300) {
              const id = idOf(answer);
              acked.push({ create, sandbox, id: typeof id === 'string' ? id : undefined });
            } else if (!killed) failures.push(`compaction round ${round}: ${label(create.create)} answered ${answer.status}`);
          } catch {
            // the connection died with the server
          }
        }
      };
      workers = Array.from({ length: 8 }, (_, w) => worker(w));
      step = 'waiting for a compaction to begin (a new log segment)';
      await begun;
      const delay = Math.floor(random() * 1500);
      step = `waiting ${delay} ms into the compaction`;
      await new Promise(resolve => setTimeout(resolve, delay));
      killed = true;
      proc.kill('SIGKILL');
      step = 'the storm ending after the kill';
      await Promise.all(workers);
      watcher?.close();

      step = 'reading the folder';
      const header = JSON.parse((await readFile(file, 'utf8')).split('\n', 1)[0]) as { log: number };
      const segments = await segmentsOf();
      const temporary = join(folder, '.sandbox.json.tmp');
      const fresh = existsSync(temporary) && (await stat(temporary)).mtimeMs >= roundStarted;
      const phase = segments.some(n => n < header.log)
        ? 'deleting'
        : fresh
          ? 'writing'
          : segments.filter(n => n >= header.log).length >= 2
            ? 'reading'
            : 'between';
      where[phase]++;
      if (header.log !== lastLog) compactions++;
      lastLog = header.log;

      step = 'reading the data back';
      const missing = missingFrom(await readBack(file), acked);
      check(
        missing.length === 0,
        `round ${round}: killed ${delay} ms after a compaction began (${phase === 'between' ? 'it had finished' : `${phase} ${phase === 'reading' ? 'the log' : phase === 'writing' ? 'the new snapshot' : 'folded segments'}`}; snapshot reaches segment ${header.log}): ${acked.length - missing.length} of ${acked.length} acknowledged creates read back`,
      );
    };
    try {
      await within(attempt(), 120_000, `round ${round}`);
      times.push(Date.now() - roundStarted);
    } catch (error) {
      check(false, `round ${round} failed while ${step}: ${(error as Error).message.split('\n')[0]}`);
      killed = true;
      watcher?.close();
      if (running) await stop(running, 'SIGKILL');
      return;
    }
  }
  const mid = where.reading + where.writing + where.deleting;
  log(`  where the kills fell: ${where.reading} reading the log, ${where.writing} writing the new snapshot, ${where.deleting} deleting folded segments, ${where.between} between compactions`);
  log(`  rounds: ${times.length}, median ${(median(times) / 1000).toFixed(1)} s per round (start, storm, kill, read back)`);
  check(acked.length > 0 && compactions >= rounds / 4, `${acked.length} creates acknowledged; the snapshot moved on in ${compactions} of ${rounds} rounds`);
  check(mid >= rounds / 2, `${mid} of ${rounds} kills fell inside a compaction`);
}

/** Unusable data files at start-up: one line on stderr, a non-zero exit, the file untouched. */
async function datafile(): Promise<void> {
  log('\n## unusable data files at start-up');
  await mkdir(join(work, 'datafile'), { recursive: true });
  const good = JSON.stringify({ format: 1, seed: 1, sandboxes: { ci: { upvest: { reference_accounts: { a: { id: 'a' } } } } } }, null, 2);
  const cases: Array<[string, string | Buffer]> = [
    ['truncated', good.slice(0, Math.floor(good.length / 2))],
    ['empty', ''],
    ['not JSON', 'this is not JSON\n'],
    ['binary', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b])],
    ['another format', '{"users":[]}'],
  ];
  for (const [name, content] of cases) {
    const file = join(work, 'datafile', `${name.replace(/ /g, '-')}.json`);
    await writeFile(file, content);
    const started = Date.now();
    const { code, stderr } = await runCli(['--data', file, '--port', '0']);
    const lines = stderr.trim().split('\n').filter(l => !/ExperimentalWarning|--trace-warnings/.test(l));
    const untouched = sha(await readFile(file)) === sha(content);
    check(
      code !== 0 && code !== null && lines.length === 1 && lines[0].includes(file) && untouched,
      `${name}: exit ${code} in ${Date.now() - started} ms, file untouched: ${untouched}, stderr: ${lines.join(' | ')}`,
    );
  }
}

/** A full disk, then a read-only one, under a running server: 503s for writes, reads fine, nothing lost. */
async function diskfull(): Promise<void> {
  log('\n## disk full and read-only data folder while running');
  const mnt = join(work, 'mnt');
  await mkdir(mnt, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0755', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (error) {
    check(false, `mount a 1 MB tmpfs for the data folder (needs root and mount): ${(error as Error).message.split('\n')[0]}`);
    return;
  }
  log(`  data folder: a 1 MB tmpfs at ${mnt}, filled with a filler file, then remounted read-only`);
  const file = join(mnt, 'sandbox.json');
  let server: Running | undefined;
  try {
    server = await startServer(['--port', '0', '--data', file, '--strict', '--log-level', 'silent']);
    const origin = server.url;
    const reads = all.filter(o => o.op.method === 'get');
    const readStatuses = async (sandbox: string) => Promise.all(reads.map(o => send(origin, exampleCall(o, sandbox)).then(a => a.status)));
    const kept: Array<{ create: CreateOperation; sandbox: string }> = [];
    const refused: Array<{ create: CreateOperation; sandbox: string }> = [];
    let n = 0;
    const createAll = async (phase: string, expect: 'stored' | 'refused', before?: () => void) => {
      const results: string[] = [];
      for (const create of creates) {
        const sandbox = `disk-${phase}-${n++}`;
        before?.();
        const answer = await send(origin, createCall(create, sandbox));
        const stored = answer.status >= 200 && answer.status < 300;
        // On a full disk a small change may still fit in the log's last, partly used page: then it is stored (checked below).
        const ok = expect === 'stored' ? stored : (answer.status === 503 && answer.violations === null) || (phase === 'disk-full' && stored);
        (stored ? kept : refused).push({ create, sandbox });
        results.push(`${label(create.create)} ${answer.status}`);
        check(ok, `${phase}: ${label(create.create)} answers ${answer.status}${expect === 'refused' ? ` ${JSON.stringify(answer.body)}` : ''}`);
      }
      return results;
    };
    const before = await readStatuses('disk-reader');
    await createAll('healthy', 'stored');

    const filler = join(mnt, 'filler');
    fillDisk(filler);
    log(`  disk filled (${execFileSync('df', ['-k', mnt]).toString().trim().split('\n')[1].replace(/\s+/g, ' ')})`);
    // The log is filled with zeros 256 KiB ahead of its data: creates go on fitting there. Use that up
    // (kept, checked after the restart), then every create needs new space. Filled again before each.
    let fitted = 0;
    for (let i = 0; i < 2000; i++, fitted++) {
      fillDisk(filler);
      const sandbox = `disk-prefilled-${i}`;
      const answer = await send(origin, createCall(creates[0], sandbox));
      if (answer.status < 200 || answer.status >= 300) break;
      kept.push({ create: creates[0], sandbox });
    }
    check(fitted < 2000, `disk full: ${fitted} creates fitted in the log's zero-filled space, then one was refused`);
    const full = await createAll('disk-full', 'refused', () => fillDisk(filler));
    check(full.some(r => r.endsWith(' 503')), `disk full: creates that need a new page are refused (${full.join(', ')})`);
    check(JSON.stringify(await readStatuses('disk-reader')) === JSON.stringify(before), `disk full: every GET example still answers as before (${before.join(' ')})`);
    await rm(filler);
    await createAll('disk-recovered', 'stored');

    let readOnly = false;
    try {
      execFileSync('mount', ['-o', 'remount,ro', mnt], { stdio: 'pipe' });
      readOnly = true;
    } catch (error) {
      // Linux refuses to remount a file system read-only while a file on it is open for writing,
      // and the server keeps its log segment open for appending: only a file system that turns
      // read-only by itself (ext4 errors=remount-ro) does that under it, and a full disk is the test of that.
      log(`  read-only phase skipped: ${(error as Error).message.split('\n').find(l => l.includes('busy')) ?? 'remount refused'}`);
    }
    if (readOnly) {
      log('  data folder remounted read-only');
      await createAll('read-only', 'refused');
      check(JSON.stringify(await readStatuses('disk-reader')) === JSON.stringify(before), 'read-only: every GET example still answers as before');
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
      await createAll('writable-again', 'stored');
    }

    await stop(server);
    const onDisk = await readBack(file);
    const lost = kept.filter(k => onDisk.rows(k.sandbox, k.create.create.slug).length === 0);
    const leaked = refused.filter(r => onDisk.rows(r.sandbox, r.create.create.slug).length > 0);
    check(lost.length === 0, `after a restart, every create answered 2xx is on disk (${kept.length - lost.length} of ${kept.length})`);
    check(leaked.length === 0, `no create answered 503 is on disk (${leaked.length} of ${refused.length})`);
    server = await startServer(['--port', '0', '--data', file, '--strict', '--log-level', 'silent']);
    check(true, 'the server restarts on the data file');
  } finally {
    if (server) await stop(server);
    execFileSync('umount', [mnt]);
  }
}

function fillDisk(file: string): void {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  try {
    for (;;) writeFileSync(file, chunk, { flag: 'a' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // fill the last partial page too
  try {
    for (;;) writeFileSync(file, 'a', { flag: 'a' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}

/** Mixed traffic at a moderate rate across every API, watching memory and errors. */
async function soak(): Promise<void> {
  const minutes = Number(options.minutes);
  const rate = Number(options.rate);
  log(`\n## soak: ${minutes} min of mixed traffic at ~${rate} requests/s across ${new Set(all.map(o => o.slug)).size} APIs`);
  const dir = join(work, 'soak');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'sandbox.json');
  const server = fork(join(import.meta.dirname, 'soak-server.ts'), [file], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [listening] = (await once(server, 'message')) as [{ port: number }];
  const origin = `http://127.0.0.1:${listening.port}`;
  let nextId = 0;
  const figures = async (clearVerdicts = false): Promise<SoakFigures> => {
    const id = ++nextId;
    server.send({ type: 'figures', id, clearVerdicts });
    for (;;) {
      const [message] = (await once(server, 'message')) as [{ type: string; id: number; figures: SoakFigures }];
      if (message.id === id) return message.figures;
    }
  };

  const random = seededRandom(Number(options.seed));
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const reads = all.filter(o => o.op.method === 'get');
  const writes = all.filter(o => o.op.method !== 'get');
  const pairs = creates.filter(c => c.remove);
  const pool = Array.from({ length: 16 }, (_, i) => `soak-${i}`);
  const counts = { requests: 0, reads: 0, writes: 0, createDelete: 0, freshSandbox: 0, hostile: 0, errors: 0, byStatus: new Map<number, number>() };
  const errors: string[] = [];

  const expectDocumented = (o: SpecOperation, answer: Answer, what: string) => {
    counts.requests++;
    counts.byStatus.set(answer.status, (counts.byStatus.get(answer.status) ?? 0) + 1);
    if (answer.status >= 500 || answer.violations !== null || !documents(o.op, answer.status)) {
      counts.errors++;
      if (errors.length < 20) errors.push(`${what}: ${answer.status} ${answer.violations ?? ''} ${JSON.stringify(answer.body).slice(0, 200)}`);
    }
  };
  const hostile = (): [SpecOperation, Call] => {
    const o = pick(all);
    const call = exampleCall(o, pick(pool));
    switch (Math.floor(random() * 4)) {
      case 0:
        return [o, { ...call, path: `${call.path.split('?')[0]}?pad=${'x'.repeat(9000)}` }];
      case 1:
        return [o, { ...call, path: call.path.replace(/\/[^/?]*(\?|$)/, '/%E0%A4%A$1') }];
      case 2:
        return [o, { ...call, method: 'POST', headers: { ...call.headers, 'content-type': 'application/json' }, body: '{"broken": ' }];
      default:
        return [o, { ...call, headers: { ...call.headers, 'x-sandbox-id': '../../etc/passwd' } }];
    }
  };

  const action = async () => {
    const dice = random();
    if (dice < 0.55) {
      const o = pick(reads);
      counts.reads++;
      expectDocumented(o, await send(origin, exampleCall(o, pick(pool))), label(o));
    } else if (dice < 0.7) {
      const o = pick(writes);
      counts.writes++;
      expectDocumented(o, await send(origin, exampleCall(o, pick(pool))), label(o));
    } else if (dice < 0.8 && pairs.length) {
      const pair = pick(pairs);
      const sandbox = pick(pool);
      const call = createCall(pair, sandbox);
      const created = await send(origin, call);
      counts.createDelete++;
      expectDocumented(pair.create, created, label(pair.create));
      const id = idOf(created);
      if (created.status < 300 && typeof id === 'string') {
        const removal = exampleCall(pair.remove!, sandbox);
        expectDocumented(pair.remove!, await send(origin, { ...removal, path: itemPath(call, id) }), label(pair.remove!));
      }
    } else if (dice < 0.9) {
      const o = pick(reads);
      counts.freshSandbox++;
      expectDocumented(o, await send(origin, exampleCall(o, `fresh-${Math.floor(random() * 1e12).toString(36)}`)), `${label(o)} in a fresh sandbox`);
    } else {
      const [o, call] = hostile();
      counts.hostile++;
      const answer = await send(origin, call);
      counts.requests++;
      counts.byStatus.set(answer.status, (counts.byStatus.get(answer.status) ?? 0) + 1);
      if (answer.status < 400 || answer.status >= 500) {
        counts.errors++;
        if (errors.length < 20) errors.push(`hostile ${call.method} ${call.path.slice(0, 80)} (${label(o)}): ${answer.status}`);
      }
    }
  };

  const run = async (ms: number) => {
    const until = Date.now() + ms;
    const interval = 1000 / rate;
    let due = Date.now();
    const inFlight = new Set<Promise<void>>();
    while (Date.now() < until) {
      due += interval;
      const wait = due - Date.now();
      if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
      if (inFlight.size >= 16) await Promise.race(inFlight);
      const p = action().catch(error => {
        counts.errors++;
        if (errors.length < 20) errors.push(`network: ${(error as Error).message}`);
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await Promise.all(inFlight);
  };

  const total = minutes * 60_000;
  const warmUp = Math.max(5_000, total * 0.1);
  const started = Date.now();
  const atStart = await figures();
  await run(warmUp);
  const baseline = await figures(true);
  log(`  after ${Math.round(warmUp / 1000)} s warm-up: ${counts.requests} requests; heap ${baseline.heapUsedMB} MB (verdict cache and journal emptied), rss ${baseline.rssMB} MB`);
  const samples: Array<[number, SoakFigures]> = [];
  const sampleEvery = Math.max(10_000, (total - warmUp) / 10);
  while (Date.now() - started < total) {
    await run(Math.min(sampleEvery, total - (Date.now() - started)));
    const f = await figures();
    samples.push([Math.round((Date.now() - started) / 1000), f]);
    log(
      `  ${String(samples.at(-1)![0]).padStart(4)} s: ${counts.requests} requests, heap ${f.heapUsedMB} MB, rss ${f.rssMB} MB, ` +
        `verdicts ${f.verdicts.entries} (${Math.round(f.verdicts.size / 1024)} KB), journal ${f.journalEntries}, records ${f.records}, ` +
        `sandboxes kept ${f.sandboxesKept}, with coverage ${f.coverageSandboxes}`,
    );
  }
  const end = await figures(true);
  const elapsed = (Date.now() - started) / 1000;
  server.send({ type: 'stop' });
  await once(server, 'exit');

  const growth = Math.round((end.heapUsedMB - baseline.heapUsedMB) * 10) / 10;
  log(`  figures: ${counts.requests} requests in ${Math.round(elapsed)} s (${Math.round(counts.requests / elapsed)}/s): ` +
    `${counts.reads} reads, ${counts.writes} writes, ${counts.createDelete} create+delete pairs, ${counts.freshSandbox} reads in fresh sandboxes, ${counts.hostile} hostile`);
  log(`  statuses: ${[...counts.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`);
  log(`  memory: before traffic heap ${atStart.heapUsedMB} MB / rss ${atStart.rssMB} MB; after warm-up heap ${baseline.heapUsedMB} MB / rss ${baseline.rssMB} MB; ` +
    `at the end heap ${end.heapUsedMB} MB / rss ${end.rssMB} MB (heaps after GC, verdict cache and journal emptied)`);
  log(`  store: ${end.records} records in ${end.sandboxesWithChanges} sandboxes with changes; ${end.sandboxesKept} sandbox objects kept; ` +
    `verdict cache peaked at ${Math.max(...samples.map(([, f]) => f.verdicts.entries))} of ${end.verdicts.maxEntries} entries`);
  check(counts.errors === 0, `no errors (5xx, violations, undocumented statuses, refused hostile input): ${counts.errors}${errors.length ? `\n      ${errors.join('\n      ')}` : ''}`);
  check(end.unexpectedErrors.length === 0, `no unexpected server errors: ${end.unexpectedErrors.slice(0, 5).join('; ')}`);
  check(growth < 10, `heap after warm-up grew ${growth} MB (limit 10 MB)`);
  check(end.sandboxesKept <= end.sandboxesWithChanges + 1, `sandbox objects kept (${end.sandboxesKept}) are those holding changes (${end.sandboxesWithChanges}) plus default`);
  check(end.requestListeners === baseline.requestListeners, `request listeners stay at ${baseline.requestListeners}`);
  check(samples.every(([, f]) => f.verdicts.entries <= f.verdicts.maxEntries), 'the verdict cache stays within its bound');
  check(samples.every(([, f]) => f.journalEntries <= 20_000 && f.coverageSandboxes <= 1_000), 'the journal and per-sandbox coverage stay within their bounds');
}

const started = Date.now();
try {
  for (const name of scenarios) {
    if (name === 'kill9') await kill9();
    if (name === 'compaction') await compaction();
    if (name === 'datafile') await datafile();
    if (name === 'diskfull') await diskfull();
    if (name === 'soak') await soak();
  }
} finally {
  if (existsSync(work)) await rm(work, { recursive: true, force: true });
}
log(`\n${failures.length ? `${failures.length} check(s) FAILED:\n  ${failures.join('\n  ')}` : 'all fault checks passed'} (${Math.round((Date.now() - started) / 1000)} s)`);
process.exit(failures.length ? 1 : 0);
