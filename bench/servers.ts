// What the benchmarks share (bench/run.ts, spread.ts, fleet-run.ts): starting and stopping the
// servers they load, and the Upvest requests they send.
import { spawn, type ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export const UPVEST_HEADERS = { 'upvest-client-id': '8c8d2e1f-3b4a-4c5d-9e6f-7a8b9c0d1e2f', authorization: 'Bearer bench' };
export const USER = '83d83ec2-d2ca-49ff-bbea-b92b5c3be202';
export const ACCOUNT = 'c18f80bd-401e-4836-9776-7dc24c32d35e';

/**
 * The sandbox is started as users start it: dist/cli.js executed through its shebang (as the npm bin
 * and `npx banking-api-sandbox` do), so whatever Node/V8 flags the product's shebang sets apply here.
 */
export const CLI = resolve('dist/cli.js');
export const sandboxCommand = (...extra: string[]) => [CLI, '--port', '0', ...extra];

/** A valid German IBAN with random account digits. */
export function randomIban(): string {
  const bban = Array.from({ length: 18 }, () => Math.floor(Math.random() * 10)).join('');
  let remainder = 0;
  for (const digit of `${bban}131400`) remainder = (remainder * 10 + Number(digit)) % 97;
  return `DE${String(98 - remainder).padStart(2, '0')}${bban}`;
}

/** The body of an Upvest reference account's create, for `userId`. */
export function createBody(userId: string) {
  return JSON.stringify({
    user_id: userId,
    account_owner: 'Bench Mark',
    iban: randomIban(),
    bic: 'COBADEFFXXX',
    confirmed_at: '2026-11-20T09:00:00Z',
  });
}

export interface Server {
  proc: ChildProcess;
  url: string;
  startupMs: number;
}

/**
 * A function that starts a process and waits until `probe` answers 2xx; the time to that is its
 * start-up time. Each process's output (the request log, at the sandbox's default level) goes to a
 * file in `outputDir`, as a server's log does when kept: not through a pipe this process would have
 * to read while autocannon, in this same process, loads the servers (that would cost a server's
 * turn the more, the more it logs).
 */
export function serverStarter(outputDir: string) {
  let started = 0;
  return async function start(command: string[], probe: string, env: Record<string, string> = {}, probeHeaders: Record<string, string> = UPVEST_HEADERS): Promise<Server> {
    const begun = performance.now();
    const outputFile = join(outputDir, `server-${++started}.log`);
    const output = await open(outputFile, 'w');
    const proc = spawn(command[0], command.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', output.fd, output.fd] });
    await output.close();
    const head = async () => {
      const file = await open(outputFile, 'r');
      try {
        const { buffer, bytesRead } = await file.read(Buffer.alloc(10_000), 0, 10_000, 0);
        return buffer.toString('utf8', 0, bytesRead);
      } finally {
        await file.close();
      }
    };
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(async () => reject(new Error(`${command.join(' ')} did not start:\n${await head()}`)), 30_000);
      const check = async () => {
        const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(await head());
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        } else if (proc.exitCode !== null) {
          clearTimeout(timer);
          reject(new Error(`${command.join(' ')} exited:\n${await head()}`));
        } else setTimeout(check, 5);
      };
      void check();
    });
    for (;;) {
      const ok = await fetch(`${url}${probe}`, { headers: probeHeaders }).then(r => r.ok, () => false);
      if (ok) break;
      await new Promise(r => setTimeout(r, 5));
    }
    return { proc, url, startupMs: Math.round(performance.now() - begun) };
  };
}

export async function stop(server: { proc: ChildProcess }): Promise<void> {
  // exited, or killed by a signal (then exitCode stays null)
  if (server.proc.exitCode !== null || server.proc.signalCode !== null) return;
  const exited = new Promise(r => server.proc.once('exit', r));
  server.proc.kill('SIGTERM');
  await exited;
}
