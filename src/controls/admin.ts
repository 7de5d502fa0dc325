// The admin API under /__sandbox, served by the same pipeline as the provider APIs (Prism routing
// and validation against specs/admin.yaml): one thin handler per operationId over the controls.
import { dirname, relative } from 'node:path';
import { firstValue, type ApiModule, type Handler, type HttpResponse, type RequestContext } from '../core/api-module.js';
import type { LoadedApi } from '../core/pipeline.js';
import { problem, type FieldProblem, type HttpProblem } from '../core/problem.js';
import { DEFAULT_SANDBOX, type Store } from '../core/store.js';
import type { LogHealth } from '../core/store/backend.js';
import { META_API, parseInstant, type SandboxClocks } from '../core/clock.js';
import type { SandboxIds } from '../core/ids.js';
import type { Coverage } from './coverage.js';
import type { FaultSettings, Faults } from './faults.js';
import type { JournalFilter, RequestJournal } from './journal.js';
import type { ControlsFeed } from './feed.js';
import type { SandboxRecords, Snapshot } from './records.js';
import { documentedStatuses } from './statuses.js';

export const ADMIN_PREFIX = '__sandbox';
/**
 * Request bodies: snapshots of large sandboxes are big; everything else is small. Parsed JSON
 * takes up to ~20 times its size in memory (`[{},{},…]`), so these are what bounds it.
 */
export const SNAPSHOT_BODY_LIMIT = 8 * 1024 * 1024;
export const ADMIN_BODY_LIMIT = 1024 * 1024;

/** What the admin API controls. */
export interface Controls {
  store: Store;
  apis: readonly LoadedApi[];
  records: SandboxRecords;
  journal: RequestJournal;
  coverage: Coverage;
  faults: Faults;
  /** Where the journal, coverage and rules get their changes (a fleet: through Redis). */
  feed: ControlsFeed;
  clocks?: SandboxClocks;
  ids?: SandboxIds;
  startedAt: number;
}

/** The admin API's error envelope: `{ error, message, fields? }`, like the server's own 404. */
export function renderAdminProblem(p: HttpProblem): HttpResponse {
  return {
    status: p.status,
    headers: { 'content-type': 'application/json' },
    body: { error: p.kind, message: p.message, ...(p.fields.length ? { fields: p.fields } : {}) },
  };
}

const integer = (value: string | string[] | undefined) => {
  const first = firstValue(value);
  return first === undefined ? undefined : Number(first);
};
const json = (body: unknown, status = 200): HttpResponse => ({ status, body });
const noContent: HttpResponse = { status: 204 };

/** An ISO 8601 instant from the body, or a 400 naming the field. */
function instant(value: unknown, field: string): Date {
  const date = typeof value === 'string' ? parseInstant(value) : undefined;
  if (!date) {
    throw problem('validation', `${field} must be an ISO 8601 instant with a time zone (2027-01-15T09:00:00Z) or a date (2027-01-15)`, {
      fields: [{ field: `body.${field}`, message: 'must be an ISO 8601 instant with a time zone, or a date', rule: 'format' }],
    });
  }
  return date;
}

export function adminApi(controls: Controls): ApiModule {
  const { store, apis, records, journal, coverage, faults, feed } = controls;
  /** Brings the journal, coverage and rules up to date with every server's changes (a fleet). */
  const synced = async () => {
    await feed.sync();
  };
  const noRules = { seed: 1, rules: [] };
  const clocks = () => {
    if (!controls.clocks) throw problem('not_found', 'this server has no sandbox clocks');
    return controls.clocks;
  };

  const summary = (name: string) => {
    const life = store.life(name);
    return {
      name,
      // The sandbox's own state (clock, id counter) is not a change to its APIs' records.
      changes: store.changeCount(name, META_API),
      requests: journal.count(name),
      faultRules: faults.settings(name).rules.length,
      lastUsed: life?.lastUsed.toISOString() ?? null,
      expiresAt: life?.expiresAt?.toISOString() ?? null,
    };
  };
  /**
   * Every sandbox known to the fleet: holding changes, journaled or with rules. `current` also
   * brings each one's state up to date in memory (a fleet), for its summary.
   */
  const sandboxNames = async (current: boolean) => {
    await synced();
    const names = new Set([...(await store.allSandboxNames(current)), ...journal.sandboxes(), ...faults.sandboxes()]);
    names.delete(DEFAULT_SANDBOX);
    return [DEFAULT_SANDBOX, ...[...names].sort()];
  };
  /**
   * The journal filters of a query. An `api` or `operationId` that no served API has is a 400
   * naming the known ones: a misspelled filter would otherwise match nothing, silently.
   */
  const journalFilter = (ctx: RequestContext): JournalFilter => {
    const api = firstValue(ctx.query.api);
    const operationId = firstValue(ctx.query.operationId);
    const problems: FieldProblem[] = [];
    const served = api === undefined ? apis : apis.filter(a => a.module.slug === api);
    if (api !== undefined && !served.length) {
      problems.push({ field: 'query.api', rule: 'enum', message: `no API "${api}"; the APIs are ${apis.map(a => a.module.slug).join(', ')}` });
    } else if (operationId !== undefined && !served.some(a => a.operations.some(op => op.iid === operationId))) {
      const known = served.flatMap(a => a.operations.map(op => op.iid ?? '')).filter(Boolean);
      const near = known.filter(id => id.toLowerCase().includes(operationId.toLowerCase()) || operationId.toLowerCase().includes(id.toLowerCase()));
      const hint = near.length ? `; did you mean ${near.slice(0, 5).join(', ')}?` : api ? `; ${api} has ${known.join(', ')}` : '';
      problems.push({ field: 'query.operationId', rule: 'enum', message: `no operation "${operationId}"${api ? ` in ${api}` : ''}${hint}` });
    }
    if (problems.length) throw problem('validation', problems.map(p => p.message).join('; '), { fields: problems });
    return {
      api,
      operationId,
      method: firstValue(ctx.query.method),
      status: integer(ctx.query.status),
      pathPrefix: firstValue(ctx.query.path),
      since: integer(ctx.query.since),
    };
  };
  /** A journal page for the query's filters, waiting up to `wait` seconds for a first match. */
  const journalPage = async (sandbox: string | undefined, ctx: RequestContext) => {
    const filter = { ...journalFilter(ctx), limit: integer(ctx.query.limit) ?? 100 };
    await synced();
    return journal.listWhenAny(sandbox, filter, (integer(ctx.query.wait) ?? 0) * 1000);
  };
  const recordArgs = (ctx: RequestContext) => [ctx.params.sandbox, ctx.params.api, ctx.params.collection] as const;

  const handlers: Record<string, Handler> = {
    getHealth: async () =>
      json({
        status: 'ok',
        seed: store.seed,
        storage: store.kind,
        // Relative to the working folder: the host's folder layout is nobody's business.
        ...(store.file ? { dataFile: relative(process.cwd(), store.file) || store.file } : {}),
        ...(store.kind === 'redis' ? { store: store.storage.location, storeConnected: store.storage.connected === true } : {}),
        ...(store.storage.log ? { log: logHealth(store.storage.log, store.file) } : {}),
        apis: apis.map(a => a.module.slug),
        // A fleet without Redis: what this server knows (the health check must answer).
        sandboxes: (await sandboxNames(false).catch(() => store.sandboxNames())).length,
        uptimeSeconds: Math.round((Date.now() - controls.startedAt) / 100) / 10,
      }),

    listApis: () =>
      json({
        data: apis.map(({ module, operations }) => ({
          slug: module.slug,
          title: module.title,
          collections: Object.entries(module.collections).map(([name, spec]) => ({
            name,
            schema: spec.schema,
            ...(spec.description ? { description: spec.description } : {}),
            size: store.base.collection(module.slug, name).rows.size,
          })),
          operations: operations.map(op => ({ operationId: op.iid ?? '', method: op.method.toUpperCase(), path: op.path, statuses: documentedStatuses(op) })),
          examples: module.tryIt?.(store.sandbox(DEFAULT_SANDBOX).api(module.slug)) ?? [],
        })),
      }),

    resetAllSandboxes: async () => {
      const reset = (await sandboxNames(true)).filter(name => store.changeCount(name) > 0);
      for (const name of reset) void store.replaceChanges(name, undefined);
      controls.ids?.forget();
      return json({ reset });
    },

    listSandboxes: async () => json({ data: (await sandboxNames(true)).map(summary) }),

    getSandbox: async ctx => {
      await synced();
      return json(summary(ctx.params.sandbox));
    },

    deleteSandbox: ctx => {
      const name = ctx.params.sandbox;
      if (name === DEFAULT_SANDBOX) throw problem('conflict', 'the default sandbox cannot be deleted; reset it with POST /__sandbox/sandboxes/default/reset');
      void store.deleteSandbox(name);
      controls.ids?.forget(name);
      return Promise.all([feed.clearJournal(name), feed.clearCoverage(name), feed.setFaults(name, noRules)]).then(() => noContent);
    },

    resetSandbox: ctx => {
      void store.replaceChanges(ctx.params.sandbox, undefined);
      controls.ids?.forget(ctx.params.sandbox);
      return synced().then(() => json(summary(ctx.params.sandbox)));
    },

    exportSnapshot: ctx => json(records.exportSnapshot(ctx.params.sandbox)),

    importSnapshot: ctx => {
      const { changes } = records.importSnapshot(ctx.params.sandbox, ctx.body as Snapshot);
      controls.ids?.forget(ctx.params.sandbox);
      return json({ sandbox: ctx.params.sandbox, changes });
    },

    listRecords: ctx =>
      json(records.list(...recordArgs(ctx), integer(ctx.query.offset) ?? 0, integer(ctx.query.limit) ?? 100, firstValue(ctx.query.changes) as 'first' | 'only' | undefined)),

    createRecord: ctx => json(records.create(...recordArgs(ctx), ctx.body as Record<string, unknown>), 201),

    getRecord: ctx => json({ key: ctx.params.key, record: records.get(...recordArgs(ctx), ctx.params.key) }),

    putRecord: ctx => {
      const { created, record } = records.put(...recordArgs(ctx), ctx.params.key, ctx.body as Record<string, unknown>);
      return json({ key: ctx.params.key, record }, created ? 201 : 200);
    },

    patchRecord: ctx => json({ key: ctx.params.key, record: records.patch(...recordArgs(ctx), ctx.params.key, ctx.body as Record<string, unknown>) }),

    deleteRecord: ctx => {
      records.remove(...recordArgs(ctx), ctx.params.key);
      return noContent;
    },

    listJournal: async ctx => json({ data: await journalPage(ctx.params.sandbox, ctx) }),

    listAllJournals: async ctx => json({ data: await journalPage(firstValue(ctx.query.sandbox), ctx) }),

    countJournal: async ctx => {
      const filter = journalFilter(ctx);
      await synced();
      return json({ count: journal.list(ctx.params.sandbox, filter).length });
    },

    clearJournal: async ctx => {
      await feed.clearJournal(ctx.params.sandbox);
      return noContent;
    },

    getFaults: async ctx => {
      await synced();
      return json(faults.settings(ctx.params.sandbox));
    },

    putFaults: async ctx => {
      const body = ctx.body as FaultSettings;
      const settings = { seed: body.seed ?? 1, rules: body.rules };
      await synced();
      faults.check(ctx.params.sandbox, settings);
      await feed.setFaults(ctx.params.sandbox, settings);
      return json(faults.settings(ctx.params.sandbox));
    },

    clearFaults: async ctx => {
      await feed.setFaults(ctx.params.sandbox, noRules);
      return noContent;
    },

    getClock: ctx => json(clocks().view(ctx.params.sandbox)),

    freezeClock: ctx => {
      const at = (ctx.body as { at?: unknown } | undefined)?.at;
      return json(clocks().freeze(ctx.params.sandbox, at === undefined ? undefined : instant(at, 'at')));
    },

    advanceClock: ctx => {
      const body = ctx.body as { by?: string; to?: unknown };
      return json(body.by !== undefined ? clocks().advance(ctx.params.sandbox, body.by) : clocks().set(ctx.params.sandbox, instant(body.to, 'to')));
    },

    resumeClock: ctx => json(clocks().resume(ctx.params.sandbox)),

    getCoverage: async ctx => {
      const sandbox = firstValue(ctx.query.sandbox);
      await synced();
      return json({ ...(sandbox !== undefined ? { sandbox } : {}), apis: coverage.report(sandbox) });
    },

    clearCoverage: async ctx => {
      await feed.clearCoverage(firstValue(ctx.query.sandbox));
      return noContent;
    },
  };

  return {
    slug: ADMIN_PREFIX,
    title: 'Sandbox admin API',
    providerBaseUrl: '',
    collections: {},
    generateFixtures: () => ({}),
    handlers,
    sandboxOf: ctx => (ctx.operationId === 'getHealth' ? null : ctx.params.sandbox),
    renderProblem: renderAdminProblem,
    bodyLimit: operationId => (operationId === 'importSnapshot' ? SNAPSHOT_BODY_LIMIT : ADMIN_BODY_LIMIT),
  };
}

/** The log's health, its error naming the data folder as health names the data file: relative to the working folder. */
function logHealth(log: LogHealth, file: string | undefined): LogHealth {
  if (!log.lastCompactionError || !file) return log;
  const folder = dirname(file);
  return { ...log, lastCompactionError: log.lastCompactionError.replaceAll(folder, relative(process.cwd(), folder) || '.') };
}
