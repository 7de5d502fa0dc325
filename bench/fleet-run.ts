// `npm run bench:fleet`: only the fleet figures of `npm run bench` (bench/fleet.ts), for a quicker look.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { benchFleet } from './fleet.js';
import { Rounds } from './rounds.js';
const H = { 'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f', authorization: 'Bearer bench' };
const ACC = '/upvest/payments/reference_accounts/c18f80bd-401e-4836-9776-7dc24c32d35e';
function iban() { const b = Array.from({ length: 18 }, () => Math.floor(Math.random() * 10)).join(''); let r = 0; for (const d of `${b}131400`) r = (r * 10 + Number(d)) % 97; return `DE${String(98 - r).padStart(2, '0')}${b}`; }
const out = await benchFleet({
  rounds: new Rounds({ rounds: 5, roundSeconds: Number(process.argv[2] ?? 5) / 5, warmup: 1 }), connections: 50, headers: H, accountPath: ACC,
  createBody: () => JSON.stringify({ user_id: '83d83ec2-d2ca-49ff-bbea-b92b5c3be202', account_owner: 'Bench Mark', iban: iban(), bic: 'COBADEFFXXX', confirmed_at: '2026-11-20T09:00:00Z' }),
  record: (sc, sv, f) => console.log(sc.padEnd(28), sv.padEnd(12), f.rps, 'req/s p50', f.p50, 'p99', f.p99, f.non2xx ? `non2xx ${f.non2xx}` : '', f.errors ? `errors ${f.errors}` : ''),
  async start(extra) {
    // dist/cli.js executed through its shebang, as users start it (so the product's launch flags apply)
    const proc = spawn(resolve('dist/cli.js'), ['--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let o = '';
    const url = await new Promise<string>((res, rej) => { proc.stdout!.on('data', d => { o += d; const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(o); if (m) res(m[1]); }); proc.on('exit', c => rej(new Error(`exit ${c} ${o}`))); });
    proc.stdout!.resume(); proc.stderr!.resume();
    return { url, stop: async () => { if (proc.exitCode === null && proc.signalCode === null) { const e = new Promise(r => proc.once('exit', r)); proc.kill('SIGTERM'); await e; } } };
  },
});
console.log(out);
