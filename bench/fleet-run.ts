// `npm run bench:fleet`: only the fleet figures of `npm run bench` (bench/fleet.ts), for a quicker look.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchFleet } from './fleet.js';
import { Rounds } from './rounds.js';
import { ACCOUNT, createBody, sandboxCommand, serverStarter, stop, UPVEST_HEADERS, USER } from './servers.js';

const accountPath = `/upvest/payments/reference_accounts/${ACCOUNT}`;
const dir = await mkdtemp(join(tmpdir(), 'sandbox-bench-fleet-'));
const start = serverStarter(dir);
try {
  const out = await benchFleet({
    rounds: new Rounds({ rounds: 5, roundSeconds: Number(process.argv[2] ?? 5) / 5, warmup: 1 }),
    connections: 50,
    headers: UPVEST_HEADERS,
    accountPath,
    createBody: () => createBody(USER),
    record: (sc, sv, f) => console.log(sc.padEnd(28), sv.padEnd(12), f.rps, 'req/s p50', f.p50, 'p99', f.p99, f.non2xx ? `non2xx ${f.non2xx}` : '', f.errors ? `errors ${f.errors}` : ''),
    async start(extra) {
      const server = await start(sandboxCommand(...extra), accountPath);
      return { url: server.url, stop: () => stop(server) };
    },
  });
  console.log(out);
} finally {
  await rm(dir, { recursive: true, force: true });
}
