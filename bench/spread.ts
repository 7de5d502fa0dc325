// `npm run bench:spread`: how far apart identical server processes are. Starts N sandbox servers as
// users start them (dist/cli.js by its shebang, an empty data file each, output to a file), warms
// each up, then loads them in turn for ROUNDS rounds of SECONDS each, the order rotating (as
// `npm run bench` does), with creates (MODE=create, the default) or gets (MODE=get). Prints each
// server's median requests/s and main-process CPU per request (/proc, user + system), and the
// fastest ÷ the slowest of each: a ratio of two processes in `npm run bench` (say creates at 100k
// ÷ at 0) carries this spread. Environment: N (4), ROUNDS (6), SECONDS (2), MODE.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { median } from './rounds.js';
import { ACCOUNT, createBody, sandboxCommand, serverStarter, stop, UPVEST_HEADERS, USER } from './servers.js';

const N = Number(process.env.N ?? 4);
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const SECONDS = Number(process.env.SECONDS ?? 2);
const MODE = process.env.MODE === 'get' ? 'get' : 'create';
const ACCOUNT_PATH = `/upvest/payments/reference_accounts/${ACCOUNT}`;

/** CPU time (µs, user + system) the process has used. */
async function cpuMicros(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100); // clock ticks of 1/100 s
}

const dir = await mkdtemp(join(tmpdir(), 'sandbox-spread-'));
const start = serverStarter(dir);
const servers = await Promise.all(Array.from({ length: N }, (_, i) => start(sandboxCommand('--data', join(dir, `sandbox-${i}.json`)), ACCOUNT_PATH)));
try {
  const load = (url: string, seconds: number) =>
    autocannon(
      MODE === 'create'
        ? {
            url,
            connections: 50,
            duration: seconds,
            requests: [{ method: 'POST', path: '/upvest/payments/reference_accounts', setupRequest: req => ({ ...req, headers: { ...UPVEST_HEADERS, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: createBody(USER) }) }],
          }
        : { url: `${url}${ACCOUNT_PATH}`, headers: UPVEST_HEADERS, connections: 50, duration: seconds },
    );
  for (const { url } of servers) await load(url, 3);
  const rates: number[][] = servers.map(() => []);
  const cpu: number[][] = servers.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < N; i++) {
      const k = (i + round) % N;
      const before = await cpuMicros(servers[k].proc.pid!);
      const result = await load(servers[k].url, SECONDS);
      rates[k].push(result.requests.total / result.duration);
      cpu[k].push(((await cpuMicros(servers[k].proc.pid!)) - before) / result.requests.total);
    }
  }
  const rps = rates.map(median);
  const us = cpu.map(median);
  const spread = (values: number[]) => (Math.max(...values) / Math.min(...values)).toFixed(3);
  console.log(`${N} identical servers, ${MODE}s, ${ROUNDS} rounds of ${SECONDS} s, medians per server:`);
  console.log(`  requests/s            ${rps.map(r => Math.round(r)).join(' ')}   fastest ÷ slowest ${spread(rps)}`);
  console.log(`  CPU per request (µs)  ${us.map(u => Math.round(u)).join(' ')}   highest ÷ lowest ${spread(us)}`);
} finally {
  await Promise.all(servers.map(stop));
  await rm(dir, { recursive: true, force: true });
}
