// `npm run bench:compaction`: the CPU one compaction takes (compact() of src/core/store/log.ts, on
// this thread, Node's file system): a snapshot of RECORDS records in 1,000 sandboxes plus DEFAULT in
// the default sandbox, and a log segment of LOGGED creates into the default sandbox (each a record
// and its idempotency entry), as `npm run bench` leaves them at 100,000 records. Prints the median
// CPU of RUNS compactions of the same files, and a hash of the snapshot written (the same data gives
// the same hash: compare two versions of compact()). Environment: RECORDS, DEFAULT, LOGGED, RUNS.
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compact } from '../src/core/store/log.js';
import { realFileSystem } from '../src/core/store/files.js';
import { median } from './rounds.js';

const RECORDS = Number(process.env.RECORDS ?? 100_000);
const DEFAULT = Number(process.env.DEFAULT ?? 20_000);
const LOGGED = Number(process.env.LOGGED ?? 14_000);
const RUNS = Number(process.env.RUNS ?? 7);

let made = 0;
/** Ids in a fixed order, so the files (and the snapshot written) are the same at every run. */
const nextId = () => `00000000-0000-4000-8000-${String(made++).padStart(12, '0')}`;
const account = (id: string) => ({
  id,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
  user_id: '83d83ec2-d2ca-49ff-bbea-b92b5c3be202',
  account_owner: 'Scale User',
  iban: 'DE89370400440532013000',
  bic: 'COBADEFFXXX',
  confirmed_at: '2025-01-01T00:00:00Z',
});
const put = (sandbox: string) => {
  const id = nextId();
  return ['p', sandbox, 'upvest', 'referenceAccounts', id, account(id)];
};

const dir = await mkdtemp(join(tmpdir(), 'sandbox-compaction-'));
try {
  const file = join(dir, 'sandbox.json');
  const lines = [JSON.stringify({ format: 2, seed: 1, log: 1 })];
  for (let s = 0; s < 1000; s++) {
    lines.push(JSON.stringify(['s', `scale-${s}`, 1]));
    for (let a = 0; a < RECORDS / 1000; a++) lines.push(JSON.stringify(put(`scale-${s}`)));
  }
  lines.push(JSON.stringify(['s', 'default', 1]));
  for (let a = 0; a < DEFAULT; a++) lines.push(JSON.stringify(put('default')));
  await writeFile(`${file}.orig`, `${lines.join('\n')}\n`);
  const entries = Array.from({ length: LOGGED }, (_, i) => JSON.stringify({ t: 2 + i, o: [put('default'), ['p', 'default', '_sandbox', 'idempotency', nextId(), { hash: 'x' }]] }));
  await writeFile(join(dir, 'log.orig'), `${entries.join('\n')}\n`);

  const cpuMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await copyFile(`${file}.orig`, file);
    await copyFile(join(dir, 'log.orig'), `${file}.log.1`);
    const before = process.cpuUsage();
    await compact(realFileSystem, file, 1, [1]);
    const used = process.cpuUsage(before);
    cpuMs.push((used.user + used.system) / 1000);
  }
  const hash = createHash('sha256').update(await readFile(file)).digest('hex').slice(0, 12);
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  console.log(
    `snapshot ${mb((await stat(`${file}.orig`)).size)} MB (${RECORDS + DEFAULT} records) + ${LOGGED} logged creates -> ${mb((await stat(file)).size)} MB (sha256 ${hash}): ` +
      `CPU per compaction ${Math.round(median(cpuMs))} ms, median of ${RUNS} [${cpuMs.map(Math.round).join(' ')}]`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
