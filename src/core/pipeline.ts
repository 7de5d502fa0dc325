// The request pipeline for one API, generic over providers:
// route → read body → check security → validate input → handler → persist → validate output.
// Every response to a routed request — success or error — is validated against the spec.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { parse as parseQuery } from 'node:querystring';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import type { ApiModule, HttpResponse, ProblemContext, RequestContext } from './api-module.js';
import { isJsonMediaType, readBody } from './body.js';
import { JsonTexts } from './json-text.js';
import { HttpProblem, problem, type FieldProblem } from './problem.js';
import { bodyKey, checkSecurity, loadOperations, remembersBodies, routed, validateRequest, validateResponse, type Operation, type PrismRequest } from './prism.js';
import { DEFAULT_SANDBOX, SandboxLimitError, StoreUnavailableError, type ApiData, type Store } from './store.js';
import type { SandboxClocks } from './clock.js';
import { randomIds, type SandboxIds } from './ids.js';
import { specsDir } from '../paths.js';

export const SANDBOX_HEADER = 'x-sandbox-id';
export const VIOLATIONS_HEADER = 'x-sandbox-response-violations';
/** The sandbox's time, on every response of a sandbox whose clock is not the server's time. */
export const CLOCK_HEADER = 'x-sandbox-clock';
const SANDBOX_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const DEFAULT_BODY_LIMIT = 1024 * 1024;
const DEFAULT_URI_LIMIT = 8192;
/** Retry-After when --max-sandboxes is reached: idle sandboxes expire, or someone deletes one. */
const SANDBOX_LIMIT_RETRY_SECONDS = 60;
/** Retry-After when the store is unavailable (a full disk, Redis lost): it may be back any moment. */
const UNAVAILABLE_RETRY_SECONDS = 1;

/** An API with its parsed spec, ready to serve. */
export interface LoadedApi {
  module: ApiModule;
  specFile: string;
  operations: Operation[];
}

/** What the pipeline reports about each request (for logs, the journal, coverage). */
export interface RequestRecord {
  time: string;
  sandbox: string;
  api: string;
  operationId?: string;
  method: string;
  path: string;
  query: string;
  status: number;
  durationMs: number;
  requestProblems: FieldProblem[];
  responseViolations: string[];
  /** The request body as received, when there was one; `json` when its media type is JSON. */
  requestBody?: { text: string; json: boolean };
  /** The request's headers as received (the journal redacts secrets). */
  requestHeaders?: Readonly<Record<string, string | string[] | undefined>>;
  /** The response as sent: its headers, and its body as text (`json` when JSON), or `binaryBytes` for a binary body such as a PDF. */
  response?: { headers: Readonly<Record<string, string>>; body?: { text: string; json: boolean }; binaryBytes?: number };
  /** What the sandbox controls injected into this response, if anything. */
  injected?: Injected;
  /** Set on entries a sandbox's clock produced (method `CLOCK`): what happened as time passed. */
  timeline?: { kind: string; summary: string; sandboxTime: string };
}

/** A fault or delay injected into one response. */
export interface Injected {
  status?: number;
  delayMs?: number;
  /** What asked for it, e.g. `Prefer header` or `rule 2`. */
  by: string;
}

/** What a fault injector decided for one request. */
export interface Injection extends Injected {
  /** Answer with this problem (in the API's envelope) instead of calling the handler. */
  problem?: HttpProblem;
  /** Extra response headers (e.g. `Preference-Applied`). */
  headers?: Record<string, string>;
}

/** The request as a fault injector sees it: the operation is known, nothing else ran yet. */
export interface InjectionRequest {
  sandbox: string;
  api: string;
  operation: Operation;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Fault and latency injection (the sandbox controls); throws an HttpProblem for a bad request. A
 * promise (that never rejects) when it must ask a fleet's shared state.
 */
export interface FaultInjector {
  inject(request: InjectionRequest): Injection | undefined | Promise<Injection | undefined>;
}

export interface PipelineEnvironment {
  store: Store;
  /** Response violations become 500s instead of a header. */
  strict: boolean;
  /** Emits `request` with a RequestRecord after every response. */
  events: EventEmitter;
  /** Consulted after routing and reading the body, before security and validation. */
  faults?: FaultInjector;
  /** The server's time. */
  now(): Date;
  /**
   * Per-sandbox clocks: handlers' `now`, fixture dates placed per sandbox, day rules when days
   * pass. Without it, handlers get the server's time.
   */
  clocks?: SandboxClocks;
  /** Deterministic ids per sandbox; without it, ids are random. */
  ids?: SandboxIds;
  /** A sandbox's data for an API as handlers see it (fixture dates placed for the sandbox). */
  apiData?(sandbox: string, api: string): ApiData;
  /** Unexpected errors (bugs) go here; the client only gets a 500 in the provider's envelope. */
  onError(error: unknown, where: string): void;
}

/** Parses an API's spec (default `specs/<slug>.yaml`) and checks every operation has its handler. */
export async function loadApi(module: ApiModule, specFile = join(specsDir, `${module.slug}.yaml`)): Promise<LoadedApi> {
  const operations = await loadOperations(specFile);
  const missing = operations.filter(op => !op.iid || typeof module.handlers[op.iid] !== 'function');
  if (missing.length) {
    const names = missing.map(op => op.iid ?? `${op.method.toUpperCase()} ${op.path}`).join(', ');
    throw new Error(`${module.slug}: no handler for operation(s) ${names} in ${specFile}`);
  }
  return { module, specFile, operations };
}

export function apiRequestHandler(api: LoadedApi, env: PipelineEnvironment) {
  const { module } = api;
  const { clocks } = env;
  const bodyLimit = (operationId: string) =>
    typeof module.bodyLimit === 'function' ? module.bodyLimit(operationId) : (module.bodyLimit ?? DEFAULT_BODY_LIMIT);
  const uriLimit = module.uriLimit ?? DEFAULT_URI_LIMIT;
  const jsonTexts = new JsonTexts();

  return async function handleApiRequest(req: Request, res: Response): Promise<void> {
    const started = performance.now();
    canonicalAuthorization(req);
    const method = req.method.toLowerCase();
    const queryIndex = req.url.indexOf('?');
    const rawPath = queryIndex === -1 ? req.url : req.url.slice(0, queryIndex);
    const rawQuery = queryIndex === -1 ? '' : req.url.slice(queryIndex + 1);
    const path = module.ignoreTrailingSlash && rawPath.length > 1 ? rawPath.replace(/\/+$/, '') || '/' : rawPath;
    const problemContext: { -readonly [K in keyof ProblemContext]: ProblemContext[K] } = {
      requestId: '',
      method: req.method,
      path,
    };
    let sandbox = DEFAULT_SANDBOX;
    let operation: Operation | undefined;
    let requestProblems: FieldProblem[] = [];
    let requestBody: RequestRecord['requestBody'];
    let injection: Injection | undefined;
    /** A refusal of the sandbox's own controls (a malformed `Prefer`): outside the provider's contract. */
    let controlRefusal = false;
    let response: HttpResponse;

    try {
      if (req.originalUrl.length > uriLimit) {
        throw problem('uri_too_long', `the request URI is longer than ${uriLimit} characters`);
      }
      sandbox = sandboxName(req.headers[SANDBOX_HEADER]);
      problemContext.requestId = env.ids ? env.ids.requestId(sandbox) : randomUUID();
      const prismRequest: PrismRequest = {
        method: method as PrismRequest['method'],
        url: { path, query: queryOf(req, rawQuery) },
        headers: req.headers as Record<string, string>,
      };
      const found = routed(api.operations, prismRequest);
      operation = found.operation;
      problemContext.operationId = operation.iid;
      if (!decodablePath(path)) {
        throw inputProblem(operation, [{ field: 'path', message: 'path contains malformed percent-encoding or invalid UTF-8', rule: 'format' }]);
      }
      if (module.negotiateAccept && req.headers.accept && documents(operation, 406)) {
        const offered = [...new Set(operation.responses.flatMap(r => (r.contents ?? []).map(c => c.mediaType)))];
        if (offered.length && !req.accepts(offered)) {
          throw problem('not_acceptable', `Accept: ${req.headers.accept} allows none of ${offered.join(', ')}`);
        }
      }
      const body = await readBody(req, bodyLimit(operation.iid ?? ''));
      prismRequest.body = body.value;
      if (body.text !== undefined) requestBody = { text: body.text, json: isJsonMediaType(req.headers['content-type']) };
      let injecting: ReturnType<FaultInjector['inject']>;
      try {
        injecting = env.faults?.inject({ sandbox, api: module.slug, operation, headers: req.headers });
      } catch (error) {
        controlRefusal = true;
        throw error;
      }
      injection = injecting instanceof Promise ? await injecting : injecting;
      if (injection?.problem) throw injection.problem;

      const securityProblems = checkSecurity(operation, prismRequest);
      if (securityProblems.length) {
        requestProblems = securityProblems;
        throw problem('unauthorized', `Authentication required: ${securityProblems[0].message}`, { fields: securityProblems });
      }
      requestProblems = validateRequest(operation, prismRequest, {
        query: rawQuery,
        body: body.text,
      });
      if (requestProblems.length) throw inputProblem(operation, requestProblems);

      const context: RequestContext = {
        apiSlug: module.slug,
        operationId: operation.iid ?? '',
        requestId: problemContext.requestId,
        sandbox,
        method: req.method,
        path,
        get baseUrl() {
          return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
        },
        params: found.params,
        query: prismRequest.url.query ?? {},
        headers: req.headers as Record<string, string | undefined>,
        body: prismRequest.body,
        data: env.apiData ? env.apiData(sandbox, module.slug) : env.store.sandbox(sandbox).api(module.slug),
        now: clocks ? () => clocks.now(sandbox) : env.now,
        ids: env.ids ? env.ids.source(sandbox) : randomIds,
      };
      const handler = module.handlers[context.operationId];
      // The handler's writes (and the clock's catching up) are one change set; the response waits
      // until it is durable. A handler that names no sandbox (`null`) writes nothing.
      const target = module.sandboxOf?.(context);
      response =
        target === null
          ? await handler(context)
          : await env.store.transact(target ?? sandbox, () => {
              const mark = env.store.changeMark();
              clocks?.catchUp(sandbox);
              const result = handler(context);
              // A sandbox's first change stores its clock, so its fixture dates stay where they are.
              if (clocks && env.store.changeMark() !== mark) clocks.ensure(sandbox);
              return result;
            }, req.method !== 'GET' && req.method !== 'HEAD');
    } catch (error) {
      if (!problemContext.requestId) problemContext.requestId = randomUUID();
      response = renderError(error);
    }

    let outgoing = finalize(response);
    let violations: string[] = [];
    // A refused sandbox control is a 400 even where the operation documents none (like 413 and 414,
    // it is about the sandbox, not the provider's API), so it is not held against the spec.
    if (operation && !(controlRefusal && !documents(operation, outgoing.status))) {
      violations = validateResponse(
        operation,
        { statusCode: outgoing.status, headers: outgoing.headers, body: bodyForValidation(outgoing.body) },
        outgoing.text,
        outgoing.key,
      );
      if (violations.length) {
        if (env.strict) {
          outgoing = finalize(
            renderError(problem('internal', `The sandbox's response broke its own spec (${operation.iid}): ${violations.join('; ')}`)),
          );
        } else {
          outgoing.headers[VIOLATIONS_HEADER] = headerSafe(`${violations.length}: ${violations.join('; ')}`);
        }
      }
    }

    if (injection?.delayMs) await sleep(injection.delayMs);
    const record: RequestRecord = {
      time: isoNow(),
      sandbox,
      api: module.slug,
      operationId: operation?.iid,
      method: req.method,
      path,
      query: rawQuery,
      status: outgoing.status,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      requestProblems,
      responseViolations: violations,
      ...(requestBody ? { requestBody } : {}),
      requestHeaders: req.headers,
      response: responseRecord(outgoing),
      ...(injection ? { injected: { status: injection.status, delayMs: injection.delayMs, by: injection.by } } : {}),
    };
    res.locals.sandboxRequest = record;
    // Recorded before the answer leaves: through a fleet, the journal entry is then on its way to
    // Redis before the client can ask another server's journal for it (after, a server preempted
    // between the two, as on a loaded machine, let that read miss it). A listener's failure still
    // goes to the error handler after the answer.
    let failed: { error: unknown } | undefined;
    try {
      env.events.emit('request', record);
    } catch (error) {
      failed = { error };
    }
    send(req, res, outgoing);
    if (failed) throw failed.error;

    /** The response as sent: the API's own headers added, a JSON body serialized once. */
    function finalize(response: HttpResponse): Outgoing {
      const headers: Record<string, string> = Object.assign({}, module.responseHeaders?.(problemContext), response.headers, injection?.headers);
      if (clocks && !clocks.isRealTime(sandbox)) headers[CLOCK_HEADER] = clocks.now(sandbox).toISOString();
      const json = response.body !== undefined && typeof response.body !== 'string' && !Buffer.isBuffer(response.body);
      if (json && contentType(headers) === undefined) headers['content-type'] = 'application/json';
      // A read's JSON success may be answered again (a client polling): its text is the one made
      // last time when the body is the same, and its key is remembered. Error bodies carry fresh
      // request ids, and a write's bodies are new every time (see remembersBodies).
      const repeatable = json && response.status < 400 && remembersBodies(method);
      const text = json
        ? repeatable && operation
          ? jsonTexts.text(operation, response.body)
          : JSON.stringify(response.body)
        : typeof response.body === 'string'
          ? response.body
          : undefined;
      // A JSON text's key (made once, for the verdict cache and the journal): JSON.stringify writes
      // no lone surrogates, so texts with the same UTF-8 bytes are the same text. The text is sent
      // as a string, as Express sends one: Node writes it straight into the socket's buffer with
      // the headers (encoding it into a Buffer first cost a long text an allocation outside V8's
      // heap, and more GC).
      const key = repeatable && text !== undefined ? bodyKey(text) : undefined;
      return { status: response.status, headers, body: response.body, text, key };
    }

    function renderError(error: unknown): HttpResponse {
      let httpProblem: HttpProblem;
      if (error instanceof HttpProblem) httpProblem = error;
      else if (error instanceof SandboxLimitError) {
        httpProblem = problem('unavailable', `The sandbox could not be created, nothing was changed: ${error.message}.`, {
          headers: { 'retry-after': String(SANDBOX_LIMIT_RETRY_SECONDS) },
        });
      } else if (error instanceof StoreUnavailableError) {
        httpProblem = problem('unavailable', `${error.detail} Try again later.`, { headers: { 'retry-after': String(UNAVAILABLE_RETRY_SECONDS) } });
        env.onError(error, `${module.slug} ${req.method} ${path}`);
      } else {
        env.onError(error, `${module.slug} ${req.method} ${path}`);
        httpProblem = problem('internal', 'The sandbox failed to handle this request.');
      }
      const rendered = module.renderProblem(httpProblem, problemContext);
      return { ...rendered, headers: { ...httpProblem.headers, ...rendered.headers } };
    }
  };
}

let isoNowAt = NaN;
let isoNowText = '';
/** `new Date().toISOString()`, written once per millisecond. */
function isoNow(): string {
  const now = Date.now();
  if (now !== isoNowAt) {
    isoNowAt = now;
    isoNowText = new Date(now).toISOString();
  }
  return isoNowText;
}

/** Characters that make parseurl (behind Express's `req.query`) parse a URL with `url.parse`: a fragment, white space. */
const UNUSUAL_URL = /[\t\n\f\r #\u00a0\ufeff]/;

/**
 * `req.query`, without parsing the URL into an object first: with Express's default ("simple")
 * query parser, `req.query` is `querystring.parse` of the text after the URL's first `?`, which is
 * `rawQuery`, unless the URL holds a character parseurl hands to `url.parse`.
 */
export function queryOf(req: Request, rawQuery: string): Record<string, string | string[]> {
  if (req.app.get('query parser fn') !== parseQuery || req.url.charCodeAt(0) !== 47 /* / */ || UNUSUAL_URL.test(req.url)) {
    return req.query as Record<string, string | string[]>;
  }
  return parseQuery(rawQuery) as Record<string, string | string[]>;
}

/** Authorization schemes are case-insensitive (RFC 9110 §11.1): `bearer x` and `BEARER x` reach Prism and handlers as `Bearer x`. */
function canonicalAuthorization(req: Request): void {
  const value = req.headers.authorization;
  if (value === undefined || value.startsWith('Bearer ') || value.startsWith('Basic ')) return; // already canonical
  const scheme = value && /^(bearer|basic|digest)(?=\s)/i.exec(value)?.[1];
  if (scheme) req.headers.authorization = `${scheme[0].toUpperCase()}${scheme.slice(1).toLowerCase()}${value.slice(scheme.length)}`;
}

/** Whether the operation's spec documents this status. */
function documents(operation: Operation, status: number): boolean {
  return operation.responses.some(r => r.code === String(status));
}

/**
 * Input that breaks the spec is a 400 — unless the operation documents no 400 (Upvest's get and
 * delete by id): then a malformed path parameter names nothing that exists (404), and a malformed
 * header leaves the caller unidentified (401), so the client only meets statuses its spec knows.
 */
function inputProblem(operation: Operation, fields: FieldProblem[]): HttpProblem {
  const message = fields.map(p => p.message).join('; ');
  if (!documents(operation, 400)) {
    if (fields.every(f => f.field === 'path' || f.field.startsWith('path.')) && documents(operation, 404)) return problem('not_found', message, { fields });
    if (documents(operation, 401)) return problem('unauthorized', message, { fields });
  }
  return problem('validation', message, { fields });
}

function sandboxName(header: string | string[] | undefined): string {
  if (header === undefined || header === '') return DEFAULT_SANDBOX;
  const name = Array.isArray(header) ? header[0] : header;
  if (!SANDBOX_NAME.test(name)) {
    throw new HttpProblem(400, 'validation', `header ${SANDBOX_HEADER} must match ${SANDBOX_NAME.source}`, {
      fields: [{ field: `header.${SANDBOX_HEADER}`, message: `must match ${SANDBOX_NAME.source}`, rule: 'pattern' }],
    });
  }
  return name;
}

/** Prism decodes path parameters and throws on `%zz` or `%C3%28`: such a path is a 400, not a crash. */
function decodablePath(path: string): boolean {
  if (!path.includes('%')) return true; // only percent-escapes can be malformed
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

function bodyForValidation(body: unknown): unknown {
  return Buffer.isBuffer(body) ? body.toString('latin1') : body;
}

/** A response ready to send: `text` is the serialized body, when it is text. */
interface Outgoing {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text?: string;
  /** `text`'s key for the verdict cache and the journal (prism.ts bodyKey), for a JSON text of a success. */
  key?: string;
}

/**
 * Set on a response record's body: the text's exact name (prism.ts bodyKey), when the pipeline made
 * one. The journal keeps a text answered again as it kept it before.
 */
export const TEXT_KEY = Symbol('text key');

/** What the journal sees of a response: no copies, only references to what is sent. */
function responseRecord(response: Outgoing): RequestRecord['response'] {
  if (response.body === undefined || response.status === 204 || response.status === 304) return { headers: response.headers };
  if (response.text !== undefined) {
    const body: { text: string; json: boolean; [TEXT_KEY]?: string } = {
      text: response.text,
      json: typeof response.body !== 'string' || isJsonMediaType(contentType(response.headers)),
    };
    if (response.key !== undefined) body[TEXT_KEY] = response.key;
    return { headers: response.headers, body };
  }
  return { headers: response.headers, binaryBytes: Buffer.byteLength(response.body as Buffer) };
}

function contentType(headers: Record<string, string>): string | undefined {
  if (headers['content-type'] !== undefined) return headers['content-type'];
  for (const name in headers) if (name.toLowerCase() === 'content-type') return headers[name];
  return undefined;
}

/**
 * Writes the response: status and headers in one `writeHead` (Node then formats them straight from
 * the list, instead of storing each through `setHeader`), then the body with its Content-Length.
 * A request without Origin gets `Vary: Origin` first, as the CORS middleware gives every response
 * (controls/cors.ts): the API dispatcher leaves that header to this write. Headers set earlier (CORS
 * for a request with Origin) are kept, and these are merged into them as `setHeader` would.
 */
function send(req: Request, res: Response, response: Outgoing): void {
  const list: string[] = req.headers.origin === undefined ? ['vary', 'Origin'] : [];
  const { headers } = response;
  let lowerCase = true;
  for (const name in headers) {
    list.push(name, headers[name]);
    if (lowerCase && name !== name.toLowerCase()) lowerCase = false;
  }
  const bodyless = response.body === undefined || response.status === 204 || response.status === 304;
  // With a Content-Length, Node sends headers and body in one write instead of chunks.
  const payload = bodyless ? undefined : (response.text ?? (response.body as Buffer));
  if (payload !== undefined) list.push('content-length', String(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length));
  if (lowerCase) {
    res.writeHead(response.status, list);
  } else {
    // Names differing only in case are one header: setHeader keeps the last, as before.
    res.statusCode = response.status;
    for (let i = 0; i < list.length; i += 2) res.setHeader(list[i], list[i + 1]);
  }
  res.end(payload);
}

/** Header values must be printable ASCII and reasonably short. */
function headerSafe(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length > 1000 ? `${ascii.slice(0, 997)}...` : ascii;
}
