// Starts the real server as a child process (as a user would), for CLI and durability tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface Running {
  proc: ChildProcess;
  url: string;
  stdout: string;
}

export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

const TSX = ['--import', 'tsx', 'src/cli.ts'];

/** Runs the CLI to completion (for flags that make it exit). */
export async function runCli(args: string[], env: Record<string, string> = {}, command = TSX): Promise<Exited> {
  const proc = spawn(process.execPath, [...command, ...args], { env: { ...process.env, NODE_OPTIONS: '', ...env } });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', d => (stdout += d));
  proc.stderr.on('data', d => (stderr += d));
  const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
  const [code] = (await once(proc, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Starts the server and resolves once it prints where it listens. */
export function startServer(args: string[], env: Record<string, string> = {}, command = TSX, cwd?: string, timeoutMs = 20_000): Promise<Running> {
  const proc = spawn(process.execPath, [...command, ...args], { env: { ...process.env, NODE_OPTIONS: '', ...env }, cwd });
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not start: ${stdout}${stderr}`));
    }, timeoutMs);
    proc.stderr.on('data', d => (stderr += d));
    proc.stdout.on('data', d => {
      stdout += d;
      // The text banner, or with --log-format json the one JSON line.
      const match = /listening on (http:\/\/\S+)/.exec(stdout) ?? /^\{"event":"listening","url":"(http:\/\/[^"]+)"/.exec(stdout);
      if (match && stdout.includes('\n')) {
        clearTimeout(timer);
        resolve({ proc, url: match[1], stdout });
      }
    });
    proc.on('exit', code => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stdout}${stderr}`));
    });
  });
}

export async function stop(running: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (running.proc.exitCode !== null) return;
  const exited = once(running.proc, 'exit');
  running.proc.kill(signal);
  await exited;
}
