// The app factory: builds the Express app over a store and the API specs. It never listens.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { apis as allApis } from './apis/index.js';
import { firstTryCurl, type ApiModule } from './core/api-module.js';
import { DEFAULT_SEED, loadFixtures } from './core/fixtures.js';
import { apiRequestHandler, loadApi, type LoadedApi, type PipelineEnvironment, type RequestRecord } from './core/pipeline.js';
import { docsRouter, documentedApis, landingPage } from './docs/index.js';
import { DEFAULT_MAX_SANDBOXES, DEFAULT_SANDBOX, DEFAULT_SANDBOX_TTL_MS, Store } from './core/store.js';
import { redisBackend } from './core/redis/backend.js';
import { SandboxClocks, type ClockEvent } from './core/clock.js';
import { FixtureView } from './core/fixture-view.js';
import { SandboxIds } from './core/ids.js';
import { storedRecordCheck } from './controls/records.js';
import { adminPath, createControls, type ControlsOptions, type SandboxControls } from './controls/index.js';
import { requestLogger, requestTracker, type RequestTracker } from './logging.js';

export interface SandboxOptions extends ControlsOptions {
  /** Data file (default `data/sandbox.json` under the working folder). */
  dataFile?: string;
  /** Keep everything in memory; nothing is written. */
  inMemory?: boolean;
  /** A Redis URL (`redis://…` or `rediss://…`): the sandboxes live there, shared by a fleet of servers. */
  store?: string;
  /** Prefix of every Redis key (default `bas:`), so deployments can share one Redis. */
  storePrefix?: string;
  /** Named sandboxes idle for longer are deleted (ms; 0 = never; default 7 days). */
  sandboxTtlMs?: number;
  /** At most this many named sandboxes hold changes (0 = no limit; default 10,000). */
  maxSandboxes?: number;
  /** Compact the data file's log once it holds this many bytes (default: 16 MB, or the snapshot's size if larger). */
  compactBytes?: number;
  /** Fixture seed (default: the data file's, or 1). */
  seed?: number;
  /** The worker thread checking the data file's snapshot meanwhile (the built command's loader starts one: see core/store/precheck.ts). */
  precheck?: { file: string; progress: SharedArrayBuffer };
  /** Response violations become 500s. */
  strict?: boolean;
  /** The APIs to serve (default: all). */
  apis?: readonly ApiModule[];
  /** The server's time (tests pin it); each sandbox's clock follows it unless moved. */
  now?: () => Date;
  /** `--clock`: every new sandbox starts with its clock frozen at this instant. */
  clock?: Date;
  /** Logs one line per request, and unexpected errors (default: no request log, errors to stderr). */
  logger?: Logger;
  /** Where unexpected errors are reported (default: the logger, or stderr). */
  onError?: (error: unknown, where: string) => void;
}

export interface SandboxApp {
  app: Express;
  store: Store;
  apis: LoadedApi[];
  /** Emits `request` (a RequestRecord) after every API response. */
  events: EventEmitter;
  /** Journal, coverage, faults, records (also served by the admin API). */
  controls: SandboxControls;
  /** Waits for pending writes, then closes the store. */
  close(): Promise<void>;
}

export const DEFAULT_DATA_FILE = 'data/sandbox.json';

/** What a sandbox's clock produced, as a journal entry (method `CLOCK`, no operation). */
function clockRecord(event: ClockEvent): RequestRecord {
  return {
    time: new Date().toISOString(),
    sandbox: event.sandbox,
    api: event.api,
    method: 'CLOCK',
    path: event.path ?? '',
    query: '',
    status: 200,
    durationMs: 0,
    requestProblems: [],
    responseViolations: [],
    timeline: { kind: event.kind, summary: event.summary, sandboxTime: event.time },
  };
}

export async function createApp(options: SandboxOptions = {}): Promise<SandboxApp> {
  const modules = options.apis ?? allApis;
  const apis = await Promise.all(modules.map(module => loadApi(module)));
  const now = options.now ?? (() => new Date());
  const store = await Store.open({
    file: resolve(options.dataFile ?? DEFAULT_DATA_FILE),
    inMemory: options.inMemory,
    seed: options.seed,
    defaultSeed: DEFAULT_SEED,
    loadFixtures: seed => loadFixtures(modules, seed),
    checkRecord: storedRecordCheck(apis),
    sandboxTtlMs: options.sandboxTtlMs,
    maxSandboxes: options.maxSandboxes,
    log: { compactBytes: options.compactBytes, precheck: options.precheck },
    backend: options.store
      ? redisBackend({
          url: options.store,
          keyPrefix: options.storePrefix,
          sandboxTtlMs: options.sandboxTtlMs ?? DEFAULT_SANDBOX_TTL_MS,
          maxSandboxes: options.maxSandboxes ?? DEFAULT_MAX_SANDBOXES,
          defaultSandbox: DEFAULT_SANDBOX,
        })
      : undefined,
  });
  const events = new EventEmitter();
  const { logger } = options;
  const onError =
    options.onError ??
    ((error: unknown, where: string) => (logger ? logger.error({ err: error }, `unexpected error in ${where}`) : console.error(`[${where}]`, error)));
  const fixtureView = new FixtureView(store, new Map(modules.flatMap(m => (m.fixtureDates ? [[m.slug, m.fixtureDates] as const] : []))));
  const apiData = (sandbox: string, api: string) => fixtureView.data(store.sandbox(sandbox).api(api), api, clocks.epoch(sandbox));
  const clocks: SandboxClocks = new SandboxClocks({
    store,
    serverNow: now,
    start: options.clock,
    rules: modules.flatMap(m => (m.passDay ? [{ api: m.slug, passDay: m.passDay }] : [])),
    data: apiData,
    onEvent: (event: ClockEvent) => events.emit('request', clockRecord(event)),
  });
  const ids = new SandboxIds(store);
  const env: PipelineEnvironment = { store, strict: options.strict ?? false, events, now, onError, clocks, apiData, ids };
  let controls: SandboxControls;
  try {
    controls = await createControls(apis, env, {
      ...options,
      onWarning: options.onWarning ?? (logger ? message => logger.warn(message) : undefined),
      ...(options.store ? { fleet: { url: options.store, keyPrefix: options.storePrefix } } : {}),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  env.faults = controls.faults;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // The provider APIs first: their requests are the hot path. One middleware finds the API by the
  // request's first path segment, and runs for it what the app's first layers run for every other
  // request (the request log, then CORS for a request with an Origin; the pipeline writes the
  // `Vary: Origin` of the others with its own headers): each Express layer passed costs a request
  // several microseconds. The mounts behind serve what it leaves (another letter case, an
  // absolute-form URL), exactly as Express mounts do.
  const track = logger ? requestTracker(logger) : undefined;
  const apiHandlers = new Map(apis.map(api => [`/${api.module.slug}`, apiRequestHandler(api, env)]));
  const dispatcher = apiDispatcher(apiHandlers, { track, cors: controls.cors });
  app.use(dispatcher);
  if (logger && track) app.use(requestLogger(logger, track));
  app.use(controls.cors);
  for (const [prefix, handler] of apiHandlers) app.use(prefix, handler);

  // `/`: JSON for programs, a landing page for browsers (which ask for text/html first).
  app.get('/', (req, res) => {
    const origin = `${req.protocol}://${req.get('host')}`;
    const list = apis.map(({ module }) => ({
      slug: module.slug,
      title: module.title,
      baseUrl: `${origin}/${module.slug}`,
      provider: module.providerBaseUrl,
      docs: `${origin}/docs/${module.slug}`,
      spec: `${origin}/specs/${module.slug}.yaml`,
    }));
    res.vary('accept');
    if (req.accepts(['json', 'html']) !== 'html') {
      res.json({ name: 'banking-api-sandbox', apis: list, docs: `${origin}/docs`, dashboard: `${origin}${adminPath}/ui` });
      return;
    }
    const tryCurl = (module: ApiModule) => firstTryCurl(module, store.sandbox().api(module.slug), origin);
    res.type('html').send(landingPage(origin, list.map((api, i) => ({ ...api, tryCurl: tryCurl(apis[i].module) }))));
  });
  app.use(docsRouter([...documentedApis(apis), { slug: 'admin', title: 'Sandbox admin API', specFile: controls.adminApi.specFile, prefix: adminPath }]));
  app.use(adminPath, ...controls.admin);

  app.use((req: Request, res: Response) => {
    res.status(404).json({
      error: 'not_found',
      message: `Nothing is served at ${req.path}. APIs: ${apis.map(a => `/${a.module.slug}`).join(', ')}; sandbox controls: ${adminPath}`,
    });
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    onError(error, `${req.method} ${req.path}`);
    if (!res.headersSent) res.status(500).json({ error: 'internal', message: 'The sandbox failed to handle this request.' });
  });
  serveApisFirst(app, dispatcher);

  const close = async () => {
    await controls.feed.close();
    await store.close();
  };
  return { app, store, apis, events, controls, close };
}

/** The API dispatcher: an Express middleware that also says which URLs it serves. */
export interface ApiDispatcher {
  (req: Request, res: Response, next: NextFunction): void;
  /** Whether a request for this URL goes to one of the APIs (rather than on to the next layer). */
  serves(url: string): boolean;
}

/** Set on a request by serveApisFirst when its API handler failed: the dispatcher passes the error on. */
const FAILED = Symbol('API handler failure');
type Failing = Request & { [FAILED]?: unknown };

/**
 * Dispatches `/<slug>`, `/<slug>/…` and `/<slug>?…` to that API's handler as `app.use('/<slug>')`
 * would (req.url below the prefix, req.baseUrl the prefix, both restored before a failure goes on
 * to the error handler), without Express testing every API's mount in turn. Anything else goes on.
 * `track` and `cors`, when given, run first, as they would in front of the mount: `track` (the
 * request log) for every request, `cors` for a request with an Origin header (it may answer a
 * preflight itself).
 */
export function apiDispatcher(
  handlers: ReadonlyMap<string, (req: Request, res: Response) => Promise<void>>,
  { track, cors }: { track?: RequestTracker; cors?: RequestHandler } = {},
): ApiDispatcher {
  /** The first path segment of a URL, with its slash: `/upvest` of `/upvest/…` and `/upvest?…`. */
  const prefixOf = (url: string): string | undefined => {
    if (url.charCodeAt(0) !== 47 /* / */) return undefined;
    let end = url.indexOf('/', 1);
    const query = url.indexOf('?');
    if (query !== -1 && (end === -1 || query < end)) end = query;
    return end === -1 ? url : url.slice(0, end);
  };
  const dispatch = (req: Request, res: Response, next: NextFunction, prefix: string, handler: (req: Request, res: Response) => Promise<void>, logs = false) => {
    const { url, baseUrl } = req;
    const rest = url.slice(prefix.length);
    req.url = rest.charCodeAt(0) === 47 ? rest : `/${rest}`;
    req.baseUrl = baseUrl + prefix;
    // The log line once the handler is done: it has ended the response, or it failed (then the
    // error handler answers, and the line comes when that answer is finished).
    handler(req, res).then(
      () => (logs ? track?.ended(res) : undefined),
      (error: unknown) => {
        if (logs) track?.ended(res);
        req.url = url;
        req.baseUrl = baseUrl;
        next(error ?? new Error('Rejected promise'));
      },
    );
  };
  const dispatcher = (req: Failing, res: Response, next: NextFunction): void => {
    if (req[FAILED] !== undefined) {
      const error = req[FAILED];
      req[FAILED] = undefined;
      return next(error);
    }
    const prefix = prefixOf(req.url);
    const handler = prefix === undefined ? undefined : handlers.get(prefix);
    if (!handler) return next();
    // An API's path is never one of the documentation's assets. CORS may answer a request itself
    // (a preflight): that answer is logged once finished.
    if (cors && req.headers.origin !== undefined) {
      track?.(req, res);
      void cors(req, res, (error?: unknown) => (error ? next(error) : dispatch(req, res, next, prefix!, handler)));
    } else {
      track?.start(res);
      dispatch(req, res, next, prefix!, handler, track !== undefined);
    }
  };
  return Object.assign(dispatcher, {
    serves: (url: string) => {
      const prefix = prefixOf(url);
      return prefix !== undefined && handlers.has(prefix);
    },
  });
}

type AppHandle = (req: IncomingMessage, res: ServerResponse, callback?: (error?: unknown) => void) => void;

/**
 * Hands an API request straight to the dispatcher, before Express's router (which would pass it
 * the same request after a dozen microseconds of its own: a `finalhandler`, the layer walk, URL
 * parsing). `app.handle` is what the app calls for every request, from the server or a parent
 * app. A request the dispatcher serves, arriving at the top (no parent app's callback), gets the
 * set-up that Express's `app.handle` and router give every request before their first layer
 * (Express 5: `req.res`/`res.req`, the app's request and response prototypes, `res.locals`,
 * `req.baseUrl`, `req.originalUrl`); everything else takes the router as before. A failure of the
 * API handler goes through the router after all, to the app's error handler, as a failure of the
 * dispatcher layer would.
 */
export function serveApisFirst(app: Express, dispatcher: ApiDispatcher): void {
  const withRouter = (app as unknown as { handle: AppHandle }).handle;
  (app as unknown as { handle: AppHandle }).handle = function handle(this: Express, incoming, outgoing, callback) {
    if (callback !== undefined || !dispatcher.serves(incoming.url ?? '')) return withRouter.call(this, incoming, outgoing, callback);
    const req = incoming as Failing;
    const res = outgoing as Response;
    req.res = res;
    res.req = req;
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
    if (!res.locals) res.locals = Object.create(null) as Response['locals'];
    req.baseUrl = '';
    req.originalUrl = req.originalUrl || req.url;
    dispatcher(req, res, (error?: unknown) => {
      // Only a failure comes back here (the dispatcher serves this URL): the router takes it to the error handler.
      if (error !== undefined) req[FAILED] = error;
      withRouter.call(app, req, res);
    });
  };
}
