// The contract between the generic core and one provider API folder (`src/apis/<slug>/`).
import type { PassDay } from './clock.js';
import type { IdSource } from './ids.js';
import type { HttpProblem } from './problem.js';
import type { ApiData } from './store.js';

/** A response as handlers produce it; `body` is a JSON value, a string or a Buffer. */
export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What a handler gets: the validated request and this sandbox's data for its API. */
export interface RequestContext {
  readonly apiSlug: string;
  readonly operationId: string;
  /** A fresh id per request; APIs surface it in their own way (e.g. `upvest-request-id`). */
  readonly requestId: string;
  readonly sandbox: string;
  readonly method: string;
  /** Path below the API prefix, as received (not decoded). */
  readonly path: string;
  /** Absolute URL of the API prefix on this server, e.g. `http://localhost:4010/upvest`. */
  readonly baseUrl: string;
  /** Path parameters, decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  /** Request headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON body, the raw text for other media types, or undefined when empty. */
  readonly body: unknown;
  readonly data: ApiData;
  /** The sandbox's clock: every timestamp the API produces comes from it. */
  now(): Date;
  /** The sandbox's id generator: every id the API hands out comes from it (replayable). */
  readonly ids: IdSource;
}

/**
 * Handles one operation. It may be async (e.g. to render a PDF), but should make its changes to the
 * store synchronously, in the state class: the response is held until those changes are on disk.
 */
/** The value of a query parameter that may be repeated: its first occurrence. */
export function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export type Handler = (ctx: RequestContext) => HttpResponse | Promise<HttpResponse>;

/** A provider API as the core sees it. */
export interface ApiModule {
  /** URL prefix and spec/fixture file name: `/upvest`, `specs/upvest.yaml`, `fixtures/upvest.json`. */
  slug: string;
  title: string;
  /** The real provider base URL this prefix stands in for. */
  providerBaseUrl: string;
  /**
   * Collections of this API's dataset (each a map of key → record), with the spec schema
   * (`components.schemas` name) their stored records follow.
   */
  collections: Record<string, CollectionSpec>;
  /** Deterministic fixture data for a seed (use `seededFaker`): collection → key → record. */
  generateFixtures(seed: number): Record<string, Record<string, object>>;
  /**
   * Top-level record fields, per collection, holding dates (`YYYY-MM-DD` or ISO date-times) that
   * fixtures generate relative to `FIXTURE_REFERENCE_DATE`. Each sandbox sees them moved by the whole
   * days between that date and the sandbox's creation on its clock, so data meant to be recent
   * ("the last 30 days") is recent however old the committed fixture file is, and stays put while
   * the sandbox's clock moves.
   */
  fixtureDates?: Record<string, readonly string[]>;
  /**
   * What happens in this API when a day passes on a sandbox's clock (bills fall due, reservations
   * are captured…): called for every day crossed, in order, when the clock moves.
   */
  passDay?: PassDay;
  /** One handler per `operationId` of the spec; the core refuses to start if one is missing. */
  handlers: Record<string, Handler>;
  /** Renders any problem in the provider's own error envelope. */
  renderProblem(problem: HttpProblem, ctx: ProblemContext): HttpResponse;
  /** Headers every response of this API carries (e.g. a request id). */
  responseHeaders?(ctx: ProblemContext): Record<string, string>;
  /**
   * Business rules for a record written through the admin data API rather than a provider
   * operation: returns the record to store (e.g. with `updatedAt` stamped) or throws an
   * HttpProblem. `record` is null for a delete. Without this hook, records that validate against
   * the collection's schema are stored as given.
   */
  beforeAdminWrite?(write: AdminWrite, data: ApiData): object | null;
  /**
   * The sandbox a request reads and writes, when it is not the `X-Sandbox-Id` one (the admin API
   * names it in the path): the store makes that one current before the handler runs. `null`: the
   * operation reads no sandbox (a health check), so it needs no round trip to a shared store.
   */
  sandboxOf?(ctx: RequestContext): string | null | undefined;
  /** Route `/a/b/` as `/a/b` (for providers whose documentation writes paths with a trailing slash). */
  ignoreTrailingSlash?: boolean;
  /** Answer 406 when the request's `Accept` allows none of the operation's response media types. */
  negotiateAccept?: boolean;
  /** Largest accepted request body in bytes (default 1 MiB), or per operation. */
  bodyLimit?: number | ((operationId: string) => number);
  /** Longest accepted request URI in characters (default 8,192). */
  uriLimit?: number;
  /** A few requests against fixture data, printed at start-up as `curl` commands. */
  tryIt?(data: ApiData): TryIt[];
}

/** A collection of an API's dataset. */
export interface CollectionSpec {
  /** Name in the spec's `components.schemas` of the stored record's schema. */
  schema: string;
  description?: string;
  /** The key a record is stored under (default: its `id`). */
  keyOf?(record: Record<string, unknown>): string;
}

/** A write through the admin data API. */
export interface AdminWrite {
  collection: string;
  key: string;
  /** The record to store, or null to delete. */
  record: Record<string, unknown> | null;
  previous?: Record<string, unknown>;
  now: Date;
}

/** A request an integrator can try right away; `path` is below the API prefix. */
export interface TryIt {
  method: string;
  path: string;
  headers?: Record<string, string>;
}

/** The API's first `tryIt` request against `data`, as a `curl` command for a server at `origin`. */
export function firstTryCurl(module: ApiModule, data: ApiData, origin: string): string | undefined {
  const example = module.tryIt?.(data)[0];
  if (!example) return undefined;
  const flags = Object.entries(example.headers ?? {}).map(([name, value]) => ` -H '${name}: ${value}'`).join('');
  return `curl${example.method === 'GET' ? '' : ` -X ${example.method}`}${flags} '${origin}/${module.slug}${example.path}'`;
}

/** The subset of the request context that is known even when routing failed. */
export interface ProblemContext {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly operationId?: string;
}
