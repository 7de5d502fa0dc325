// The sandbox controls, assembled: journal and coverage fed by the pipeline's `request` events,
// fault injection for the pipeline, CORS, and the admin API under /__sandbox.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import { apiRequestHandler, loadApi, type LoadedApi, type PipelineEnvironment, type RequestRecord } from '../core/pipeline.js';
import { specsDir } from '../paths.js';
import { adminAccess, type AdminAccessOptions } from './access.js';
import { ADMIN_PREFIX, adminApi } from './admin.js';
import { dashboard } from './dashboard.js';
import { journalStream } from './events.js';
import { corsMiddleware, type CorsOrigins } from './cors.js';
import { Coverage } from './coverage.js';
import { Faults } from './faults.js';
import { DEFAULT_JOURNAL_LIMITS, RequestJournal, type JournalLimits } from './journal.js';
import { SandboxRecords } from './records.js';
import { LocalFeed, type ControlsFeed } from './feed.js';
import { RedisFeed } from '../core/redis/feed.js';

export { ADMIN_PREFIX } from './admin.js';
export { DASHBOARD_PATH } from './dashboard.js';
export { isLoopbackAddress } from './access.js';
export type { CorsOrigins } from './cors.js';
export { DEFAULT_JOURNAL_LIMITS } from './journal.js';

export interface ControlsOptions {
  /** Required from every admin API client when set; without it the admin API answers loopback clients only. */
  adminToken?: string;
  /** Origins browser apps may call from (default any). */
  corsOrigins?: CorsOrigins;
  /** Decides whether a client address is loopback (tests inject one). */
  isLoopback?: (address: string | undefined) => boolean;
  /** Host names the admin API and dashboard answer besides loopback names when there is no admin token (DNS rebinding). */
  allowedHosts?: readonly string[];
  /** Warnings about the set-up (e.g. a reverse proxy without an admin token); default stderr. */
  onWarning?: (message: string) => void;
  journalLimits?: Partial<JournalLimits>;
  /** A fleet on Redis: the journal, coverage and fault rules go through its stream to every server. */
  fleet?: { url: string; keyPrefix?: string };
}

export interface SandboxControls {
  faults: Faults;
  journal: RequestJournal;
  coverage: Coverage;
  records: SandboxRecords;
  /** Where the journal, coverage and rules get their changes: this process, or a fleet's Redis stream. */
  feed: ControlsFeed;
  /** CORS for every route but the admin API and dashboard. */
  cors: RequestHandler;
  /** Mount at `/__sandbox`: the dashboard (`/ui`), the access check, then the admin API's pipeline. */
  admin: RequestHandler[];
  /** The admin API with its spec (`specs/admin.yaml`), e.g. for the API reference pages. */
  adminApi: LoadedApi;
}

/** Builds the controls over the served APIs; `env` is the provider APIs' pipeline environment. */
export async function createControls(apis: readonly LoadedApi[], env: PipelineEnvironment, options: ControlsOptions = {}): Promise<SandboxControls> {
  const limits = { ...DEFAULT_JOURNAL_LIMITS, ...options.journalLimits };
  const journal = new RequestJournal(limits);
  const coverage = new Coverage(apis);
  const faults = new Faults(apis, () => env.now().getTime());
  const targets = { journal, coverage, faults };
  const feed: ControlsFeed = options.fleet ? await RedisFeed.open({ ...options.fleet, limits }, targets) : new LocalFeed(targets);
  env.events.on('request', (record: RequestRecord) => feed.record(record));
  const access: AdminAccessOptions = {
    token: options.adminToken,
    isLoopback: options.isLoopback,
    allowedHosts: options.allowedHosts,
    onProxied: options.onWarning ?? (message => process.stderr.write(`banking-api-sandbox: warning: ${message}\n`)),
  };
  const { clocks } = env;
  const records = new SandboxRecords(
    env.store,
    apis,
    sandbox => (clocks ? clocks.now(sandbox) : env.now()),
    sandbox => clocks?.ensure(sandbox),
  );
  const module = adminApi({ store: env.store, apis, records, journal, coverage, faults, feed, clocks: env.clocks, ids: env.ids, startedAt: Date.now() });
  const admin = await loadApi(module, join(specsDir, 'admin.yaml'));
  // The admin API's own requests are neither journaled nor covered, and never get faults.
  // Its own responses carry no sandbox clock.
  const adminEnv: PipelineEnvironment = { ...env, events: new EventEmitter(), faults: undefined, clocks: undefined, apiData: undefined, ids: undefined };
  return {
    faults,
    journal,
    coverage,
    records,
    feed,
    cors: corsMiddleware(apis, options.corsOrigins, `/${ADMIN_PREFIX}`),
    adminApi: admin,
    admin: [dashboard(access), journalStream(journal, access, feed), adminAccess(access), apiRequestHandler(admin, adminEnv)],
  };
}

export const adminPath = `/${ADMIN_PREFIX}`;
