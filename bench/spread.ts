// `npm run bench:spread`: how far apart identical server processes are. Starts N sandbox servers as
// users start them (dist/cli.js by its shebang, an empty data file each, output to a file), warms
// each up, then loads them in turn for ROUNDS rounds of SECONDS each, the order rotating (as
// `npm run bench` does), with creates (MODE=create, the default) or gets (MODE=get). Prints each
// server's median requests/s and main-process CPU per request (/proc, user + system), and the
// fastest ÷ the slowest of each: a ratio of two processes in `npm run bench` (say creates at 100k
// ÷ at 0) carries this spread. Environment: N (4), ROUNDS (6), SECONDS (2), MODE.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { median } from './rounds.js';

const N = Number(process.env.N ?? 4);
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const SECONDS = Number(process.env.SECONDS ?? 2);
const MODE = process.env.MODE === 'get' ? 'get' : 'create';
const HEADERS = { 'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f', authorization: 'Bearer bench' };
const USER = '83d83ec2-d2ca-49ff-bbea-b92b5c3be202';
const ACCOUNT = 'c18f80bd-401e-4836-9776-7dc24c32d35e';

function randomIban(): string {
  const bban = Array.from({ length: 18 }, () => Math.floor(Math.random() * 10)).join('');
  let remainder = 0;
  for (const digit of `${bban}131400`) remainder = (remainder * 10 + Number(digit)) % 97;
  return `DE${String(98 - remainder).padStart(2, '0')}${bban}`;
}
const createBody = () => JSON.stringify({ user_id: USER, account_owner: 'Bench Mark', iban: randomIban(), bic: 'COBADEFFXXX', confirmed_at: '2026-11-20T09:00:00Z' });

/** CPU time (µs, user + system) the process has used. */
async function cpuMicros(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100); // clock ticks of 1/100 s
}

const dir = await mkdtemp(join(tmpdir(), 'sandbox-spread-'));
const servers = await Promise.all(
  Array.from({ length: N }, async (_, i) => {
    const outputFile = join(dir, `server-${i}.log`);
    const output = await open(outputFile, 'w');
    const proc = spawn(resolve('dist/cli.js'), ['--port', '0', '--data', join(dir, `sandbox-${i}.json`)], { stdio: ['ignore', output.fd, output.fd] });
    await output.close();
    for (let waited = 0; ; waited += 20) {
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(await readFile(outputFile, 'utf8'))?.[1];
      if (url) return { proc, url };
      if (waited > 30_000 || proc.exitCode !== null) throw new Error(`server ${i} did not start: ${await readFile(outputFile, 'utf8')}`);
      await new Promise(r => setTimeout(r, 20));
    }
  }),
);
try {
  const load = (url: string, seconds: number) =>
    autocannon(
      MODE === 'create'
        ? {
            url,
            connections: 50,
            duration: seconds,
            requests: [{ method: 'POST', path: '/upvest/payments/reference_accounts', setupRequest: req => ({ ...req, headers: { ...HEADERS, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: createBody() }) }],
          }
        : { url: `${url}/upvest/payments/reference_accounts/${ACCOUNT}`, headers: HEADERS, connections: 50, duration: seconds },
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
  for (const { proc } of servers) proc.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
