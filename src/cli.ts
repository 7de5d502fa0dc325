#!/usr/bin/env -S node --max-semi-space-size=32
// The `banking-api-sandbox` command: reads flags and environment variables, starts the server,
// prints where each API lives. Start-up problems are one line on stderr and a non-zero exit.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { join, relative } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_DATA_FILE, createApp } from './app.js';
import { DEFAULT_KEY_PREFIX, parseRedisUrl, StoreUrlError } from './core/redis/connection.js';
import { firstTryCurl } from './core/api-module.js';
import { DataFileError } from './core/store.js';
import { parseInstant } from './core/clock.js';
import { LOG_LEVELS, createLogger, type LogFormat } from './logging.js';
import { createSandboxServer, DEFAULT_CONNECTION_LIMITS } from './server.js';
import { adminPath, DASHBOARD_PATH, DEFAULT_JOURNAL_LIMITS, type CorsOrigins } from './controls/index.js';
import { packageRoot } from './paths.js';
import { originFor } from './server.js';

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off|)$/i;

function integer(min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

/** This package's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

export function buildCommand(): Command {
  return new Command()
    .name('banking-api-sandbox')
    .description('A stateful sandbox of five banking and payment provider APIs, validated against their OpenAPI specs.')
    .version(packageVersion(), '-v, --version', 'print the version and exit')
    .addOption(new Option('-p, --port <number>', 'port to listen on').env('PORT').default(4010).argParser(integer(0, 65535)))
    .addOption(new Option('--host <address>', 'address to listen on (0.0.0.0 for all)').env('HOST').default('127.0.0.1'))
    .addOption(new Option('--data <file>', 'data file holding every change').env('SANDBOX_DATA').default(DEFAULT_DATA_FILE))
    .addOption(new Option('--in-memory', 'keep all data in memory; write nothing').env('SANDBOX_IN_MEMORY'))
    .addOption(
      new Option('--store <url>', 'keep the sandboxes in Redis, shared by a fleet of servers: redis://[[user]:password@]host[:port][/db], redis+sentinel://[…@]host[:port][,host[:port]…]/master-name[/db][?sentinelPassword=…] (Sentinel) or redis+cluster://[…@]host[:port][,host[:port]…] (Redis Cluster); rediss… for TLS')
        .env('SANDBOX_STORE')
        .argParser(storeUrl),
    )
    .addOption(
      new Option('--store-prefix <prefix>', 'prefix of every Redis key, so several deployments can share one Redis')
        .env('SANDBOX_STORE_PREFIX')
        .default(DEFAULT_KEY_PREFIX)
        .argParser(storePrefix),
    )
    .addOption(
      new Option('--seed <number>', 'fixture seed (default: the data file\'s, or 1)').env('SANDBOX_SEED').argParser(integer(0, 2 ** 31 - 1)),
    )
    .addOption(
      new Option('--sandbox-ttl <duration>', 'delete named sandboxes idle for this long (e.g. 7d, 12h, 30m; 0 = never)')
        .env('SANDBOX_TTL')
        .default(7 * DAY, '7d')
        .argParser(duration),
    )
    .addOption(
      new Option('--max-sandboxes <number>', 'most named sandboxes holding changes (0 = no limit)')
        .env('SANDBOX_MAX_SANDBOXES')
        .default(10_000)
        .argParser(integer(0, 10_000_000)),
    )
    .addOption(new Option('--strict', 'answer 500 when a response breaks its spec').env('SANDBOX_STRICT'))
    .addOption(
      new Option('--clock <instant>', 'start every new sandbox with its clock frozen at this ISO 8601 instant (e.g. 2027-01-15T09:00:00Z)')
        .env('SANDBOX_CLOCK')
        .argParser(clockInstant),
    )
    .addOption(new Option('--log-level <level>', 'request log level').env('LOG_LEVEL').default('info').choices(LOG_LEVELS))
    .addOption(
      new Option('--log-format <format>', 'request log format (default: pretty on a terminal, json otherwise)')
        .env('LOG_FORMAT')
        .choices(['pretty', 'json']),
    )
    .addOption(
      new Option('--admin-token <token>', 'require this bearer token for the admin API (/__sandbox) from every client (default: loopback clients only)')
        .env('SANDBOX_ADMIN_TOKEN'),
    )
    .addOption(
      new Option('--cors-origins <origins>', 'comma-separated origins browser apps may call from, or * for any')
        .env('SANDBOX_CORS_ORIGINS')
        .default('*')
        .argParser(corsOrigins),
    )
    .addOption(
      new Option('--allowed-hosts <hosts>', 'comma-separated host names the admin API and dashboard answer besides localhost, 127.0.0.1 and [::1] (without --admin-token)')
        .env('SANDBOX_ALLOWED_HOSTS')
        .argParser(allowedHosts),
    )
    .addOption(
      new Option('--max-connections <number>', 'concurrent connections; more are closed at once')
        .env('SANDBOX_MAX_CONNECTIONS')
        .default(DEFAULT_CONNECTION_LIMITS.maxConnections)
        .argParser(integer(1, 1_000_000)),
    )
    .addOption(
      new Option('--journal-bytes <bytes>', 'bytes of request data the journal keeps over all sandboxes (each body up to 4 KiB)')
        .env('SANDBOX_JOURNAL_BYTES')
        .default(DEFAULT_JOURNAL_LIMITS.totalBytes)
        .argParser(integer(0, 2 ** 40)),
    )
    .showHelpAfterError(false)
    .showSuggestionAfterError(false)
    .allowExcessArguments(false);
}

/** An ISO 8601 instant with a time zone, or a date (midnight UTC). */
function clockInstant(value: string): Date {
  const instant = parseInstant(value);
  if (!instant) throw new InvalidArgumentError('expected an ISO 8601 instant with a time zone, such as 2027-01-15T09:00:00Z, or a date');
  return instant;
}

const DAY = 24 * 3600 * 1000;
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: DAY };

/** `0`, or a whole number of seconds, minutes, hours or days: `90s`, `30m`, `12h`, `7d`; in ms. */
function duration(value: string): number {
  const match = /^(\d{1,9})([smhd])$/.exec(value.trim());
  if (value.trim() === '0') return 0;
  if (!match) throw new InvalidArgumentError('expected 0 or a duration such as 30m, 12h or 7d');
  return Number(match[1]) * UNITS[match[2]];
}

/** A `redis://` or `rediss://` URL (checked here; connected to at start). */
function storeUrl(value: string): string {
  try {
    parseRedisUrl(value);
  } catch (error) {
    if (error instanceof StoreUrlError) throw new InvalidArgumentError(error.message);
    throw error;
  }
  return value;
}

function storePrefix(value: string): string {
  if (!/^[\x21-\x7e]{0,64}$/.test(value)) throw new InvalidArgumentError('expected up to 64 printable characters without spaces');
  return value;
}

/** `*`, or origins such as `http://localhost:3000,https://demo.example.com`. */
function corsOrigins(value: string): CorsOrigins {
  if (value.trim() === '*') return '*';
  const origins = value.split(',').map(o => o.trim()).filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) throw new InvalidArgumentError(`"${origin}" is not an origin such as http://localhost:3000`);
  }
  if (!origins.length) throw new InvalidArgumentError('expected * or a comma-separated list of origins');
  return origins;
}

/** Host names such as `sandbox.local,demo.example.com:8080` (a port, when given, must match too). */
function allowedHosts(value: string): string[] {
  const hosts = value.split(',').map(h => h.trim().toLowerCase()).filter(Boolean);
  for (const host of hosts) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(`http://${host}`);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.host !== host.replace(/:80$/, '') || host.includes('/')) throw new InvalidArgumentError(`"${host}" is not a host name such as sandbox.local or sandbox.local:8080`);
  }
  return hosts;
}

/** Boolean options from the environment: `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`. */
function booleanOption(command: Command, name: string, envVar: string): boolean {
  const value = Boolean(command.getOptionValue(name));
  if (command.getOptionValueSource(name) !== 'env') return value;
  const raw = process.env[envVar] ?? '';
  if (TRUE.test(raw)) return true;
  if (FALSE.test(raw)) return false;
  fail(`${envVar} must be 1/true/yes/on or 0/false/no/off, not "${raw}"`);
}

function fail(message: string): never {
  process.stderr.write(`banking-api-sandbox: ${message}\n`);
  process.exit(1);
}

/**
 * V8 lets the heap grow to up to 4 times what survived the last full GC before it collects again,
 * and hostile traffic (large bodies parsed, validated and dropped) fills that room with garbage: the
 * memory test peaked at 491 MB RSS with 64 MB live. Growing by at most 25% keeps the heap near
 * what is live (312 MB peak in the same run, requests/s unchanged). Set for this process only (the
 * CLI), not for programs that embed the sandbox; `node --heap-growing-percent=N` overrides it (Node
 * refuses that flag in NODE_OPTIONS).
 * Set once the store is loaded: loading a million stored records grows the heap by ~600 MB of live
 * data, and growing 25% at a time marked it over and over (a 1M-record start took ~40% more CPU).
 */
export const HEAP_GROWING_PERCENT = 25;

async function main(): Promise<void> {
  const command = buildCommand();
  command.parse();
  const options = command.opts<{
    port: number;
    host: string;
    data: string;
    seed?: number;
    logLevel: string;
    logFormat?: LogFormat;
    adminToken?: string;
    corsOrigins: CorsOrigins;
    journalBytes: number;
    allowedHosts?: string[];
    clock?: Date;
    sandboxTtl: number;
    maxSandboxes: number;
    maxConnections: number;
    store?: string;
    storePrefix: string;
  }>();
  const inMemory = booleanOption(command, 'inMemory', 'SANDBOX_IN_MEMORY');
  const strict = booleanOption(command, 'strict', 'SANDBOX_STRICT');

  const logger = createLogger(options.logLevel as never, options.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json'));

  let sandbox;
  try {
    sandbox = await createApp({
      dataFile: options.data,
      precheck: (globalThis as Record<symbol, unknown>)[Symbol.for(PRECHECK)] as { file: string; progress: SharedArrayBuffer } | undefined,
      inMemory,
      store: options.store,
      storePrefix: options.storePrefix,
      seed: options.seed,
      sandboxTtlMs: options.sandboxTtl,
      maxSandboxes: options.maxSandboxes,
      // Tuning for tests and benchmarks: compact the log sooner than at 16 MB.
      compactBytes: Number(process.env.SANDBOX_COMPACT_BYTES) || undefined,
      strict,
      adminToken: options.adminToken || undefined,
      corsOrigins: options.corsOrigins,
      journalLimits: { totalBytes: options.journalBytes },
      allowedHosts: options.allowedHosts,
      clock: options.clock,
      logger,
    });
  } catch (error) {
    if (error instanceof DataFileError) fail(error.message);
    fail(`cannot start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }

  if (!/--heap-growing-percent/.test(`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`)) {
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  }
  const server = createSandboxServer(sandbox.app, { maxConnections: options.maxConnections });
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') fail(`port ${options.port} on ${options.host} is already in use; choose another with --port`);
    if (error.code === 'EACCES') fail(`not allowed to listen on ${options.host}:${options.port}`);
    if (error.code === 'EADDRNOTAVAIL') fail(`cannot listen on ${options.host}: no such local address`);
    fail(`cannot listen on ${options.host}:${options.port}: ${error.message}`);
  });
  // With --log-format json (flag or LOG_FORMAT) start-up is one JSON line for machines to read.
  const jsonStartup = options.logFormat === 'json' && command.getOptionValueSource('logFormat') !== 'default';
  server.listen(options.port, options.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const origin = originFor(options.host, port);
    const dashboard = `${origin}${adminPath}${DASHBOARD_PATH}`;
    const tries = sandbox.apis.flatMap(({ module }) => firstTryCurl(module, sandbox.store.sandbox().api(module.slug), origin) ?? []);
    if (jsonStartup) {
      const line = {
        event: 'listening',
        url: origin,
        port,
        version: packageVersion(),
        storage: sandbox.store.kind,
        ...(sandbox.store.file ? { dataFile: sandbox.store.file } : {}),
        seed: sandbox.store.seed,
        apis: sandbox.apis.map(({ module }) => ({ slug: module.slug, title: module.title, url: `${origin}/${module.slug}`, provider: module.providerBaseUrl })),
        docs: `${origin}/docs`,
        dashboard,
        admin: `${origin}${adminPath}`,
        adminAccess: options.adminToken ? 'token' : 'loopback',
        try: tries,
        ...(sandbox.store.notes.length ? { recovered: sandbox.store.notes } : {}),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
      return;
    }
    const storage =
      sandbox.store.kind === 'redis'
        ? `Redis ${sandbox.store.storage.location}`
        : inMemory
          ? 'in memory (nothing is written)'
          : `data file ${relative(process.cwd(), sandbox.store.file!) || sandbox.store.file}`;
    const lines = [`banking-api-sandbox listening on ${origin} — ${storage}, fixture seed ${sandbox.store.seed}`];
    const width = Math.max(...sandbox.apis.map(a => a.module.slug.length));
    for (const { module } of sandbox.apis) {
      lines.push(`  ${module.slug.padEnd(width)}  ${origin}/${module.slug}  ${module.title} (for ${module.providerBaseUrl})`);
    }
    lines.push(`  API reference: ${origin}/docs`);
    lines.push(`  dashboard: ${options.adminToken ? `${dashboard}?token=<admin token> (once; the tab keeps it)` : dashboard}`);
    const access = options.adminToken ? 'admin token required' : 'loopback clients only';
    lines.push(`  sandbox controls  ${origin}${adminPath}  (${access}; X-Sandbox-Id: <name> selects a sandbox)`);
    if (options.clock) lines.push(`  clock: every new sandbox starts frozen at ${options.clock.toISOString()}`);
    for (const note of sandbox.store.notes) lines.push(`  recovered: ${note}`);
    process.stdout.write(`${[...lines, ...tries.map(t => `  try: ${t}`)].join('\n')}\n`);
  });

  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    void sandbox.close().then(() => {
      logger.flush();
      process.exit(0);
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/**
 * Where the built command's loader (scripts/bundle-cli.mjs) leaves the worker thread it starts for a
 * big data file (src/precheck.ts): globalThis[Symbol.for(PRECHECK)], the file it checks and the
 * SharedArrayBuffer of its progress (src/core/store/precheck.ts).
 */
const PRECHECK = 'banking-api-sandbox:precheck';

// Not a top-level await: the built command is a CommonJS bundle (see scripts/bundle-cli.mjs). An
// unexpected rejection still ends the process with its stack, as an uncaught one would.
void main();
