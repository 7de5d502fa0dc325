// The Prism adapter: the only file that imports Prism (and sees its fp-ts results).
// It exposes Prism's pipeline as named steps — route, check security, validate input,
// validate output — so the core can run its own handler between them.
//
// Each step is a pure function of the parts of the request or response it reads, so its verdict
// is remembered (a bounded LRU) and reused for identical input: Prism judges every distinct
// request and response once; repeats (a client polling, a CI suite) cost a lookup.
import { hash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { IHttpOperation, IHttpOperationResponse } from '@stoplight/types';
import type { IHttpRequest, IHttpResponse } from '@stoplight/prism-http';
import { LRUCache } from 'lru-cache';
import prismRouterModule from '@stoplight/prism-http/dist/router/index.js';
import prismValidatorModule from '@stoplight/prism-http/dist/validator/index.js';
import prismValidatorsModule from '@stoplight/prism-http/dist/validator/validators/index.js';
import prismSpecUtilsModule from '@stoplight/prism-http/dist/validator/utils/spec.js';
import prismTypesModule from '@stoplight/prism-http/dist/validator/validators/types.js';
import prismSchemasModule from '@stoplight/prism-http/dist/validator/validators/utils.js';
import uriTemplateModule from 'uri-template-lite';
import ajvCoreModule from 'ajv/dist/core.js';
import ajvModule from 'ajv';
import ajv2019Module from 'ajv/dist/2019.js';
import ajv2020Module from 'ajv/dist/2020.js';
// ajv-formats as Prism has it (2.x, under another name: the project's is 3.x), so that Prism's
// instances and ours check formats alike.
import prismAjvFormatsModule from 'prism-ajv-formats';
import prismDateTimeModule from '@stoplight/prism-http/dist/validator/validators/dateTime.js';
import { HttpProblem, MAX_PROBLEMS, MORE_PROBLEMS_RULE, problem, type FieldProblem } from './problem.js';
import { cachedOperations, defaultCacheDir } from './operations-cache.js';

const require = createRequire(import.meta.url);
// Only the parts used here: Prism's index also loads its mocker and proxy (a second faker,
// json-schema-faker, HTTP agents), which would triple the sandbox's start-up time. Its operations
// module (the dereferencer and converters) is loaded only when a spec is not in the cache.
// The parts used on every request are imported statically, so the command's bundle (see
// scripts/bundle-cli.mjs) holds them: loaded from node_modules they are ~380 files (three
// copies of lodash, fp-ts file by file), which took Node half a second to resolve and compile.
// A default import of a CommonJS module is its `exports` object itself, which is patched below.
const prismOperations = () =>
  require('@stoplight/prism-http/dist/utils/operations.js') as {
    getHttpOperationsFromSpec: (spec: string) => Promise<IHttpOperation[]>;
  };
const prismRouter = prismRouterModule as unknown as {
  default: (args: { resources: IHttpOperation[]; input: IHttpRequest }) => Either<Error & { status?: number }, IHttpOperation>;
};
const prismValidator = prismValidatorModule as unknown as {
  validateInput: Validator<IHttpRequest>;
  validateSecurity: Validator<IHttpRequest>;
  validateMediaType: (contents: unknown[], mediaType: string | undefined) => Either<Diagnostic[], unknown>;
};
const prismValidators = prismValidatorsModule as unknown as {
  validateBody: (body: unknown, contents: unknown[], context: number, mediaType?: string, boundary?: string, bundle?: unknown) => Either<Diagnostic[], unknown>;
  validateHeaders: (headers: Record<string, unknown>, specs: unknown[], context: number, bundle?: unknown) => Either<Diagnostic[], unknown>;
};
const prismSpecUtils = prismSpecUtilsModule as unknown as {
  findOperationResponse: (responses: IHttpOperationResponse[], status: number) => { _tag: 'None' } | { _tag: 'Some'; value: IHttpOperationResponse };
};
const OUTPUT = (prismTypesModule as unknown as { ValidationContext: { Output: number } }).ValidationContext.Output;
type SchemaValidator = (value: unknown, schema: Schema, coerce: boolean, context: number, prefix?: string, bundle?: unknown) => Option<Diagnostic[]>;
const prismSchemas = prismSchemasModule as unknown as {
  validateAgainstSchema: SchemaValidator;
  convertAjvErrors: (errors: unknown[], severity: number, context: number, prefix?: string) => Diagnostic[];
};

// Prism reads path parameters by compiling the operation's path template (a RegExp and a
// Function) on every request. Templates are stateless, so keep one compiled template per path.
// (The same module Prism's validator imports: a dependency of ours too, at Prism's version range.)
const uriTemplate = uriTemplateModule;
const CompiledTemplate = uriTemplate.URI.Template;
const compiledTemplates = new Map<string, object>();
uriTemplate.URI.Template = function CachedTemplate(template: string) {
  let compiled = compiledTemplates.get(template);
  if (!compiled) {
    compiled = new CompiledTemplate(template);
    compiledTemplates.set(template, compiled);
  }
  return compiled;
} as unknown as new (template: string) => object;

// Ajv checks each schema it compiles against its draft's meta-schema, compiling that meta-schema
// first, once per Ajv instance: ~60 ms of a start's first request (Prism builds six instances and
// a request and its response use two), for schemas that are ours and never change. Every schema
// of every operation is checked against its meta-schema once, by test/prism.test.ts, so Prism's
// instances (the copy of Ajv bundled with Prism) skip the check, as src/core/schemas.ts's instance
// does (`validateSchema: false`): the same validators, compiled without it.
const AjvCore = (ajvCoreModule as unknown as { default: { prototype: Record<string, unknown> } }).default;
const addSchema = AjvCore.prototype._addSchema as (this: unknown, schema: unknown, meta?: boolean, baseId?: string, validate?: boolean, add?: boolean) => unknown;
AjvCore.prototype._addSchema = function (this: unknown, schema: unknown, meta?: boolean, baseId?: string, _validate?: boolean, add?: boolean) {
  return addSchema.call(this, schema, meta, baseId, false, add);
};

/**
 * Prism validates with Ajv's `allErrors`, so a body reports every problem it has: a 1 MiB body of
 * 90,000 unknown keys makes 90,000 problems (~50 MB and a second of CPU), an 8 MiB snapshot import
 * of them 700,000 (~420 MB and 14 s, the server deaf meanwhile). Bodies larger than this are
 * checked by Ajv instances without `allErrors`, built as Prism builds its own: they stop at the
 * first problem, which is the one reported (with a note that checking stopped there).
 */
export const ALL_PROBLEMS_UP_TO_BYTES = 16 * 1024;

type Schema = { $schema?: string } & Record<string, unknown>;
type AjvValidate = ((value: unknown) => boolean) & { errors?: unknown[] | null };
type Option<T> = { _tag: 'None' } | { _tag: 'Some'; value: T };

/** Set while validating a body larger than `ALL_PROBLEMS_UP_TO_BYTES`; Prism's validation is synchronous. */
let stopAtFirstProblem = false;
/** Set when a body check stopped at its first problem. */
let stoppedEarly = false;
const fullSchemaValidation = prismSchemas.validateAgainstSchema;
const checkSchema: SchemaValidator = (value, schema, coerce, context, prefix, bundle) => {
  if (!stopAtFirstProblem || prefix !== 'body') return fullSchemaValidation(value, schema, coerce, context, prefix, bundle);
  const validate = ajvValidator(schema, coerce, bundle, false);
  if (validate(value) || !validate.errors?.length) return { _tag: 'None' };
  stoppedEarly = true;
  return { _tag: 'Some', value: prismSchemas.convertAjvErrors(validate.errors.slice(0, 1), 0, context, prefix) };
};
prismSchemas.validateAgainstSchema = (value, schema, coerce, context, prefix, bundle) => {
  const result = checkSchema(value, schema, coerce, context, prefix, bundle);
  if (schemaCalls && prefix === 'body') schemaCalls.push({ value, schema, coerce, context, bundle, result });
  return result;
};

/** One check of a body against a schema by Prism, as seen while learning a body check (see bodyCheck). */
interface SchemaCall {
  value: unknown;
  schema: Schema;
  coerce: boolean;
  context: number;
  bundle: unknown;
  result: Option<Diagnostic[]>;
}
/** Set while Prism checks a body whose decision is being learnt. */
let schemaCalls: SchemaCall[] | undefined;
/** Per operation (or response contents) and body check key: the one schema check Prism's body check comes down to, or null. */
const bodyChecks = new WeakMap<object, Map<string, Omit<SchemaCall, 'value' | 'result'> | null>>();

/**
 * Prism's check of a body, `check()`, remembered as a decision: for JSON bodies Prism picks the
 * documented content by media type (parsing the header, matching wildcards), then checks the body
 * against that content's schema. Everything before the schema check depends only on what `key`
 * names (operation, media type, whether there is a body), so the first time Prism checks such a
 * body, the schema check it comes down to is noted; when Prism's verdict was exactly that check's
 * (no other problem, no other check), later bodies with the same key go straight to it — Prism's
 * schema check with Prism's schema, done directly (`schemaCheck`). Anything else (a refused media
 * type, a form body, a missing body) is checked by Prism in full every time.
 */
function bodyCheck(owner: object, key: string, target: unknown, check: () => Either<Diagnostic[], unknown>): Either<Diagnostic[], unknown> {
  let decisions = bodyChecks.get(owner);
  if (!decisions) bodyChecks.set(owner, (decisions = new Map()));
  const decision = decisions.get(key);
  if (decision) {
    const found = stopAtFirstProblem
      ? checkSchema(target, decision.schema, decision.coerce, decision.context, 'body', decision.bundle)
      : schemaCheck(target, decision);
    return found._tag === 'None' ? { _tag: 'Right', right: target } : { _tag: 'Left', left: found.value };
  }
  if (decision === null) return check();
  const calls: SchemaCall[] = [];
  schemaCalls = calls;
  let result: Either<Diagnostic[], unknown>;
  try {
    result = check();
  } finally {
    schemaCalls = undefined;
  }
  const [only] = calls;
  const plain =
    calls.length === 1 &&
    only.value === target &&
    (only.result._tag === 'None'
      ? result._tag === 'Right'
      : result._tag === 'Left' && result.left.length === only.result.value.length && result.left.every((d, i) => d === (only.result as { value: Diagnostic[] }).value[i]));
  // Keys are few (media types an operation is sent); a client inventing media types gets no more.
  if (decisions.size < 64) decisions.set(key, plain ? { schema: only.schema, coerce: only.coerce, context: only.context, bundle: only.bundle } : null);
  return result;
}

const NONE = { _tag: 'None' } as const;

/**
 * Prism's schema check (`validateAgainstSchema`) done directly: an Ajv validator compiled as Prism
 * compiles its own (same Ajv, options, formats), the same rules for a throwing check and for errors,
 * and Prism's messages. Prism wraps each call in fp-ts options and cache lookups: ~20 µs of a
 * create's request and response checks, against ~4 µs for the check itself.
 */
function schemaCheck(value: unknown, { schema, coerce, context, bundle }: Omit<SchemaCall, 'value' | 'result'>): Option<Diagnostic[]> {
  const validate = ajvValidator(schema, coerce, bundle, true);
  try {
    validate(value);
  } catch {
    return NONE; // as Prism: a check that throws finds nothing
  }
  return validate.errors?.length ? { _tag: 'Some', value: prismSchemas.convertAjvErrors(validate.errors, 0, context, 'body') } : NONE;
}

/**
 * Ajv instances like Prism's (same classes, options and formats: the copies Prism requires, so
 * bundled with it), reporting all problems or stopping at the first; each made on first use.
 */
const ownAjvs = new Map<string, { compile(schema: object): AjvValidate }>();
type AjvClass = new (options: object) => { compile(schema: object): AjvValidate; addFormat(name: string, format: unknown): unknown };
const AJV_DRAFTS = {
  default: (ajvModule as unknown as { default: AjvClass }).default,
  draft2019_09: (ajv2019Module as unknown as { default: AjvClass }).default,
  draft2020_12: (ajv2020Module as unknown as { default: AjvClass }).default,
};
const prismAddFormats = (prismAjvFormatsModule as unknown as { default: (ajv: unknown) => void }).default;
const prismDateTime = prismDateTimeModule as unknown as { fmtDef: (v: unknown, c: unknown) => unknown; date_time: unknown; compareDateTime: unknown };

function ownAjv(schema: Schema, coerceTypes: boolean, allErrors: boolean): { compile(schema: object): AjvValidate } {
  const draft = /^https?:\/\/json-schema.org\/draft\/2019-09\/schema#?$/.test(String(schema.$schema))
    ? 'draft2019_09'
    : /^https?:\/\/json-schema.org\/draft\/2020-12\/schema#?$/.test(String(schema.$schema))
      ? 'draft2020_12'
      : 'default';
  const key = `${draft} ${coerceTypes} ${allErrors}`;
  let ajv = ownAjvs.get(key);
  if (!ajv) {
    const made = new AJV_DRAFTS[draft]({ allErrors, allowUnionTypes: true, allowMatchingProperties: true, strict: false, logger: false, coerceTypes, validateSchema: false });
    prismAddFormats(made);
    made.addFormat('date-time', prismDateTime.fmtDef(prismDateTime.date_time, prismDateTime.compareDateTime));
    ownAjvs.set(key, (ajv = made));
  }
  return ajv;
}
const ajvValidators = new WeakMap<Schema, Map<string, AjvValidate>>();

function ajvValidator(schema: Schema, coerce: boolean, bundle: unknown, allErrors: boolean): AjvValidate {
  let compiled = ajvValidators.get(schema);
  if (!compiled) ajvValidators.set(schema, (compiled = new Map()));
  const key = `${coerce}\0${allErrors}\0${idOf((bundle as object | undefined) ?? schema)}`;
  let validate = compiled.get(key);
  if (!validate) compiled.set(key, (validate = ownAjv(schema, coerce, allErrors).compile({ ...schema, __bundled__: bundle })));
  return validate;
}

type Either<L, R> = { _tag: 'Left'; left: L } | { _tag: 'Right'; right: R };
interface Diagnostic {
  message: string;
  code?: string | number;
  path?: Array<string | number>;
  severity: number;
  tags?: string[];
}
type Validator<T> = (args: { resource: IHttpOperation; element: T }) => Either<Diagnostic[], T>;

export type Operation = IHttpOperation;
export type PrismRequest = IHttpRequest;

const specs = new Map<string, Promise<Operation[]>>();

/**
 * The operations of an OpenAPI document, with `$ref`s resolved; parsed once per process, and
 * remembered between processes (operations-cache.ts; `cacheDir: null` computes them).
 */
export function loadOperations(specFile: string, cacheDir: string | null = defaultCacheDir()): Promise<Operation[]> {
  let operations = specs.get(specFile);
  if (!operations) {
    operations = cachedOperations(specFile, file => prismOperations().getHttpOperationsFromSpec(file), cacheDir);
    specs.set(specFile, operations);
  }
  return operations;
}

/**
 * Verdicts by step and exact input; bounded in entries and in the size of the keys. An LRUCache:
 * a hand-written pair of Map generations measured 30-50 ns faster per hit in isolation (0.2 µs of
 * a get's five lookups, ~0.05% of its CPU), not worth code of our own.
 */
const verdicts = new LRUCache<string, object>({
  max: 20_000,
  maxSize: 64 * 1024 * 1024,
  // A verdict listing problems costs about as much as their texts (a body with 20,000 unknown keys has 20,000).
  sizeCalculation: (value, key) => key.length + 100 + (Array.isArray(value) ? value.length * 200 : 0),
});
/** How many verdicts are remembered, and the size the bound applies to (for soak tests and stats). */
export function verdictCacheStats(): { entries: number; size: number; maxEntries: number; maxSize: number } {
  return { entries: verdicts.size, size: verdicts.calculatedSize, maxEntries: verdicts.max, maxSize: verdicts.maxSize };
}

/** Forgets every remembered verdict (a soak test measures the heap without them). */
export function clearVerdictCache(): void {
  verdicts.clear();
}

/** Bodies larger than this are validated every time rather than remembered. */
const MAX_REMEMBERED_BODY = 256 * 1024;
/**
 * Longer bodies are named in verdict keys by their SHA-256, not by their text: the cache then keeps
 * ~100 bytes per verdict rather than up to 64 MB of request and response bodies.
 */
const LITERAL_KEY_BODY = 512;
/**
 * What names a body text exactly in a verdict key: the text itself, or the SHA-256 of a long one.
 * Undefined for a text too long to be remembered.
 */
export function bodyKey(text: string): string | undefined {
  if (text.length > MAX_REMEMBERED_BODY) return undefined;
  if (text.length <= LITERAL_KEY_BODY) return text;
  // A text named lately (a client polling a list) is compared, not hashed again: comparing equal
  // texts is a memory compare, a tenth of SHA-256's time.
  for (let i = 0; i < namedTexts.length; i++) {
    const named = namedTexts[i];
    if (named.text.length === text.length && named.text === text) {
      if (i > 0) namedTexts.copyWithin(1, 0, i)[0] = named;
      return named.key;
    }
  }
  const key = `\u0001${hash('sha256', text, 'base64')}`;
  namedTexts.unshift({ text, key });
  if (namedTexts.length > NAMED_TEXTS) namedTexts.pop();
  return key;
}

/** Long texts named lately, with their keys, most recent first (at most NAMED_TEXTS, each at most MAX_REMEMBERED_BODY). */
const namedTexts: Array<{ text: string; key: string }> = [];
const NAMED_TEXTS = 8;

/**
 * Whether verdicts on an operation's bodies are remembered: only for reads (GET, HEAD), whose
 * answers repeat. A write's response is new every time (a fresh id, a fresh time) and so, mostly,
 * is its request: remembering them cost each create two cache insertions (and evictions) that never
 * paid off. Their bodies are checked every time, as Prism would.
 */
export const remembersBodies = (method: string) => method === 'get' || method === 'head';

const identities = new WeakMap<object, number>();
let lastIdentity = 0;
/** A short id for an operation or an operation list, for verdict keys. */
function idOf(object: object): number {
  let id = identities.get(object);
  if (id === undefined) {
    id = ++lastIdentity;
    identities.set(object, id);
  }
  return id;
}

function remembered<T extends object>(key: string | undefined, judge: () => T): T {
  if (key === undefined) return judge();
  let verdict = verdicts.get(key) as T | undefined;
  if (verdict === undefined) {
    verdict = judge();
    verdicts.set(key, verdict);
  }
  return verdict;
}

/**
 * Operations grouped by the number of segments of their path. Prism only matches a path with as
 * many segments, so handing it just that group (all methods) leaves its decision unchanged.
 */
function bySegmentCount(operations: Operation[]): Map<number, Operation[]> {
  const groups = new Map<number, Operation[]>();
  for (const op of operations) {
    const count = op.path.split('/').length;
    groups.set(count, [...(groups.get(count) ?? []), op]);
  }
  return groups;
}

const groupsCache = new WeakMap<Operation[], Map<number, Operation[]>>();

type RouteVerdict = { operation: Operation; params: Readonly<Record<string, string>> } | { status: 404 } | { status: 405; allow: string };

/**
 * The operation a request addresses and its path parameters (`pathParams`, worked out once per
 * path with the route: a frozen object, shared by every request for that path), or a 404 / 405
 * problem.
 */
export function routed(operations: Operation[], request: PrismRequest): { operation: Operation; params: Readonly<Record<string, string>> } {
  const { method, url } = request;
  const verdict = remembered<RouteVerdict>(`route\0${idOf(operations)}\0${method}\0${url.path}`, () => {
    let groups = groupsCache.get(operations);
    if (!groups) {
      groups = bySegmentCount(operations);
      groupsCache.set(operations, groups);
    }
    const candidates = groups.get(url.path.split('/').length) ?? operations;
    const result = prismRouter.default({ resources: candidates, input: request });
    if (result._tag === 'Right') return { operation: result.right, params: Object.freeze(pathParams(result.right.path, url.path)) };
    if (result.left.status === 405) {
      const allowed = candidates.filter(op => matchesPath(op.path, url.path)).map(op => op.method.toUpperCase());
      return { status: 405, allow: [...new Set(allowed)].join(', ') };
    }
    return { status: 404 };
  });
  if ('operation' in verdict) return verdict;
  if (verdict.status === 405) {
    throw new HttpProblem(405, 'method_not_allowed', `${method.toUpperCase()} is not allowed on ${url.path}`, {
      headers: { allow: verdict.allow },
    });
  }
  throw problem('not_found', `No operation matches ${method.toUpperCase()} ${url.path}`);
}

/** Security requirements of the operation that the request does not meet (e.g. no Bearer token). */
export function checkSecurity(operation: Operation, request: PrismRequest): FieldProblem[] {
  const { headers = {}, url } = request;
  const read = securityInputs(operation);
  const key = `security\0${idOf(operation)}\0${read.headers.map(h => headers[h] ?? '').join('\0')}\0${read.query.map(q => String(url.query?.[q] ?? '')).join('\0')}`;
  return remembered(key, () => {
    const result = prismValidator.validateSecurity({ resource: operation, element: request });
    if (result._tag === 'Right') return [];
    const schemes = (operation.security ?? []).flat().map(scheme => describeScheme(scheme));
    return [{ field: 'header.authorization', rule: 'security', message: `requires ${[...new Set(schemes)].join(' or ')}` }];
  });
}

/**
 * Everything in the request that breaks the spec: parameters, headers, body.
 * `raw` is the query string and body text as received, which identify the input exactly.
 */
export function validateRequest(operation: Operation, request: PrismRequest, raw: { query: string; body?: string }): FieldProblem[] {
  const headers = request.headers ?? {};
  const declared = declaredInput(operation.request?.headers, headers);
  const key =
    remembersBodies(operation.method) && (raw.body === undefined || raw.body.length <= MAX_REMEMBERED_BODY)
      ? `input\0${idOf(operation)}\0${request.url.path}\0${raw.query}\0${declared}\0${headers['content-type'] ?? ''}\0${headers['content-length'] ?? ''}\0${bodyKey(raw.body ?? '')}`
      : undefined;
  return remembered(key, () => {
    stopAtFirstProblem = raw.body !== undefined && raw.body.length > ALL_PROBLEMS_UP_TO_BYTES;
    stoppedEarly = false;
    let result: Either<Diagnostic[], unknown>;
    try {
      // Prism checks the body, then headers, query and path, and lists their problems in that
      // order. Parameters without problems (the usual case, remembered apart from the body: a
      // create's body is new every time, its parameters are not) leave the body's verdict as the
      // whole verdict, so only the body is checked again.
      const parts = inputParts(operation);
      const paramsKey = `params\0${idOf(operation)}\0${request.url.path}\0${raw.query}\0${declared}`;
      const params = parts && remembered(paramsKey, () => ({ clean: withoutErrors(prismValidator.validateInput({ resource: parts.params, element: withoutBody(request) })) }));
      if (parts && params?.clean) {
        const { body } = request;
        const length = parseInt(String(headers['content-length'])) || 0;
        // A JSON object or array: Prism's decision depends on the media type only (see bodyCheck).
        result =
          typeof body === 'object' && body !== null && length > 0
            ? bodyCheck(parts.body, `${headers['content-type'] ?? ''}`, body, () => prismValidator.validateInput({ resource: parts.body, element: request }))
            : prismValidator.validateInput({ resource: parts.body, element: request });
      } else {
        result = prismValidator.validateInput({ resource: operation, element: request });
      }
    } finally {
      stopAtFirstProblem = false;
    }
    if (result._tag === 'Right') return [];
    const names = declaredParameterNames(operation);
    const errors = result.left.filter(d => d.severity === 0);
    const problems = errors.slice(0, MAX_PROBLEMS).map(d => toFieldProblem(d, names));
    if (errors.length > MAX_PROBLEMS) {
      // Named by where the rest are (`body`, `query`), when that is one place.
      const rest = new Set(errors.slice(MAX_PROBLEMS).map(d => String(d.path?.[0] ?? '')));
      const message = `and ${(errors.length - MAX_PROBLEMS).toLocaleString('en')} more problems (only the first ${MAX_PROBLEMS} are listed)`;
      problems.push({ field: rest.size === 1 ? [...rest][0] : '', message, rule: MORE_PROBLEMS_RULE });
    } else if (stoppedEarly) {
      problems.push({ field: 'body', message: `may have more problems: a body over ${ALL_PROBLEMS_UP_TO_BYTES / 1024} KiB is checked up to its first problem`, rule: MORE_PROBLEMS_RULE });
    }
    return problems;
  });
}

const inputPartsCache = new WeakMap<Operation, { body: Operation; params: Operation } | null>();

/** The operation with only its request body, and with only its parameters (null without a request spec: Prism then checks nothing). */
function inputParts(operation: Operation): { body: Operation; params: Operation } | null {
  let parts = inputPartsCache.get(operation);
  if (parts === undefined) {
    const { request } = operation;
    parts = request
      ? { body: { ...operation, request: request.body ? { body: request.body } : {} }, params: { ...operation, request: { ...request, body: undefined } } }
      : null;
    inputPartsCache.set(operation, parts);
  }
  return parts;
}

/** The request as Prism's parameter checks see it, without a body (so none is required or refused). */
function withoutBody(request: PrismRequest): PrismRequest {
  return { ...request, body: undefined, headers: { ...request.headers, 'content-length': undefined } as unknown as Record<string, string> };
}

const withoutErrors = (result: Either<Diagnostic[], unknown>) => result._tag === 'Right' || result.left.every(d => d.severity !== 0);

/**
 * Every way the response breaks the spec: an undocumented status, media type or body (remembered
 * per exact body text), and its headers (checked every time: they carry fresh ids). `textKey` is
 * `bodyKey(bodyText)`, when the caller has made it already.
 */
export function validateResponse(operation: Operation, response: IHttpResponse, bodyText?: string, textKey?: string): string[] {
  const spec = documentedResponse(operation.responses, response.statusCode);
  if (spec._tag === 'None') {
    return [`Unable to match the returned status code with those defined in the document: ${operation.responses.map(r => r.code).join(',')}`];
  }
  const headers = response.headers ?? {};
  const mediaType = headers['content-type'];
  const bundle = (operation as { __bundled__?: unknown }).__bundled__;
  const contents = spec.value.contents ?? [];
  // Error bodies carry a fresh request id in most providers' envelopes: no use remembering them.
  const key =
    bodyText !== undefined && bodyText.length <= MAX_REMEMBERED_BODY && response.statusCode < 400 && remembersBodies(operation.method)
      ? `output\0${idOf(operation)}\0${response.statusCode}\0${mediaType ?? ''}\0${textKey ?? bodyKey(bodyText)}`
      : undefined;
  const bodyViolations = remembered(key, () => {
    const violations: Diagnostic[] = [];
    if (contents.length) violations.push(...mediaTypeViolations(contents, mediaType));
    const target = response.body;
    const body = bodyCheck(contents, `${bundle === undefined ? '' : idOf(bundle as object)}\0${typeof target}\0${mediaType ?? ''}`, target, () =>
      prismValidators.validateBody(target, contents, OUTPUT, mediaType, undefined, bundle),
    );
    if (body._tag === 'Left') violations.push(...body.left);
    return listed(violations.map(d => d.message));
  });
  const declared = spec.value.headers ?? [];
  const headerKey = `headers\0${idOf(operation)}\0${response.statusCode}\0${declaredInput(spec.value.headers, headers)}`;
  const headerViolations = remembered(headerKey, () => {
    const result = prismValidators.validateHeaders(headers, declared, OUTPUT, bundle);
    return result._tag === 'Left' ? listed(result.left.map(d => d.message)) : [];
  });
  return headerViolations.length ? [...bodyViolations, ...headerViolations] : bodyViolations;
}

const mediaTypeVerdicts = new WeakMap<object, Map<string, Diagnostic[]>>();

/** Prism's verdict on a response's media type against the documented contents, remembered per contents and media type. */
function mediaTypeViolations(contents: unknown[], mediaType: string | undefined): Diagnostic[] {
  let verdicts = mediaTypeVerdicts.get(contents);
  if (!verdicts) mediaTypeVerdicts.set(contents, (verdicts = new Map()));
  const key = mediaType ?? '\u0001absent';
  let verdict = verdicts.get(key);
  if (!verdict) {
    const media = prismValidator.validateMediaType(contents, mediaType);
    verdict = media._tag === 'Left' ? media.left : [];
    if (verdicts.size < 64) verdicts.set(key, verdict);
  }
  return verdict;
}

type ResponseMatch = ReturnType<typeof prismSpecUtils.findOperationResponse>;
const responseMatches = new WeakMap<IHttpOperationResponse[], Map<number, ResponseMatch>>();

/**
 * Prism's choice of the documented response for a status (exact code, then `4XX`, then
 * `default`), remembered per operation and status: Prism builds a RegExp per documented response
 * on every call, and an operation's responses never change once loaded.
 */
export function documentedResponse(responses: IHttpOperationResponse[], status: number): ResponseMatch {
  let byStatus = responseMatches.get(responses);
  if (!byStatus) {
    byStatus = new Map();
    responseMatches.set(responses, byStatus);
  }
  let match = byStatus.get(status);
  if (!match) {
    match = prismSpecUtils.findOperationResponse(responses, status);
    // Statuses come from handlers and fault rules (a documented code, or any code of a documented range).
    if (byStatus.size < 1000) byStatus.set(status, match);
  }
  return match;
}

/** The first `MAX_PROBLEMS` violations, then how many more there are. */
function listed(violations: string[]): string[] {
  if (violations.length <= MAX_PROBLEMS) return violations;
  return [...violations.slice(0, MAX_PROBLEMS), `and ${(violations.length - MAX_PROBLEMS).toLocaleString('en')} more violations`];
}

/** Declared headers (of a request or a response spec) with their lower-cased names, listed once per spec. */
const declaredHeaders = new WeakMap<object, Array<{ spec: { schema?: object }; name: string }>>();

/** What the verdict on the declared headers depends on: `verdictInput` of each, joined by NUL. */
function declaredInput(specs: Array<{ name: string; schema?: object }> | undefined, headers: Record<string, string | string[] | undefined>): string {
  if (!specs?.length) return '';
  let list = declaredHeaders.get(specs);
  if (!list) declaredHeaders.set(specs, (list = specs.map(spec => ({ spec, name: spec.name.toLowerCase() }))));
  let out = verdictInput(list[0].spec, headers[list[0].name]);
  for (let i = 1; i < list.length; i++) out += `\0${verdictInput(list[i].spec, headers[list[i].name])}`;
  return out;
}

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What Prism's verdict on a header value depends on. For a header whose schema is only
 * `type: string, format: uuid`, perhaps with a `pattern` (a fresh request id, an idempotency key),
 * a canonical uuid that matches the pattern passes whatever its digits — so all such values share
 * one verdict. Any other value or schema depends on the exact value.
 */
function verdictInput(header: { schema?: object }, value: string | string[] | undefined): string {
  if (value === undefined) return '\u0001absent';
  if (typeof value !== 'string') return value.join('\u0002');
  const uuid = uuidSchema(header);
  return uuid && CANONICAL_UUID.test(value) && (uuid === true || uuid.test(value)) ? '\u0001uuid' : value;
}

const uuidHeaders = new WeakMap<object, RegExp | boolean>();

/**
 * Whether a header's schema is only `type: string, format: uuid` (true), or that with a `pattern`
 * (the pattern, compiled as Ajv compiles it); false otherwise. Decided once per header spec.
 */
function uuidSchema(header: { schema?: object }): RegExp | boolean {
  let uuid = uuidHeaders.get(header);
  if (uuid === undefined) {
    const schema = header.schema as Record<string, unknown> | undefined;
    uuid =
      !!schema &&
      schema.type === 'string' &&
      schema.format === 'uuid' &&
      Object.keys(schema).every(k => ['type', 'format', 'pattern', 'description', 'example', 'examples', '$schema', 'x-stoplight'].includes(k));
    if (uuid && schema!.pattern !== undefined) {
      try {
        uuid = typeof schema!.pattern === 'string' ? new RegExp(schema!.pattern, 'u') : false;
      } catch {
        uuid = false;
      }
    }
    uuidHeaders.set(header, uuid);
  }
  return uuid;
}

const securityInputCache = new WeakMap<Operation, { headers: string[]; query: string[] }>();

/** The headers and query parameters that the operation's security schemes look at. */
function securityInputs(operation: Operation): { headers: string[]; query: string[] } {
  let inputs = securityInputCache.get(operation);
  if (!inputs) {
    const schemes = (operation.security ?? []).flat() as Array<{ type: string; name?: string; in?: string }>;
    const headers = new Set(['authorization']);
    const query = new Set<string>();
    for (const scheme of schemes) {
      if (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.name) headers.add(scheme.name.toLowerCase());
      if (scheme.type === 'apiKey' && scheme.in === 'query' && scheme.name) query.add(scheme.name);
      if (scheme.type === 'apiKey' && scheme.in === 'cookie') headers.add('cookie');
    }
    inputs = { headers: [...headers], query: [...query] };
    securityInputCache.set(operation, inputs);
  }
  return inputs;
}

/**
 * Prism lower-cases parameter names, but path and query parameters are case-sensitive:
 * `path.profileid` → `path.profileId`, keyed by location and lower-cased name.
 */
function declaredParameterNames(operation: Operation): Map<string, string> {
  const names = new Map<string, string>();
  for (const location of ['path', 'query'] as const) {
    for (const { name } of operation.request?.[location] ?? []) names.set(`${location}.${name.toLowerCase()}`, name);
  }
  return names;
}

function toFieldProblem(diagnostic: Diagnostic, parameterNames: Map<string, string>): FieldProblem {
  let message = diagnostic.message.replace(/^Request /, '');
  // Prism reports a missing or unknown property on its parent ("must have required property 'x'",
  // "found 'x'"): name the property itself.
  const missing = /must have required property '([^']+)'/.exec(diagnostic.message)?.[1];
  const unknown = /must NOT have additional properties; found '([^']+)'$/.exec(diagnostic.message)?.[1];
  const path = (diagnostic.path ?? []).map(String);
  const named = missing ?? unknown;
  if (named !== undefined) path.push(named);
  const declared = path.length > 1 ? parameterNames.get(`${path[0]}.${path[1]}`) : undefined;
  if (declared) {
    message = message.replace(`parameter ${path[1]} `, `parameter ${declared} `);
    path[1] = declared;
  }
  let field = path.join('.');
  if (missing) message = `${path.join(' ')} is required`;
  if (diagnostic.code === 415) {
    field = 'header.content-type';
  } else if (!field && diagnostic.code === 'required') {
    field = 'body';
  }
  return { field, message, rule: String(diagnostic.code ?? '') };
}

function describeScheme(scheme: { type: string; scheme?: string; name?: string; in?: string }): string {
  if (scheme.type === 'http') return `an Authorization: ${capitalize(scheme.scheme ?? '')} header`;
  if (scheme.type === 'oauth2' || scheme.type === 'openIdConnect') return 'an Authorization: Bearer header';
  if (scheme.type === 'apiKey') return `the ${scheme.name} ${scheme.in}`;
  return scheme.type;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** True when a concrete path fits an OpenAPI path template. */
export function matchesPath(template: string, path: string): boolean {
  const t = template.split('/');
  const p = path.split('/');
  return t.length === p.length && t.every((segment, i) => /^\{.+\}$/.test(segment) || segment === p[i]);
}

const parameterPositions = new Map<string, Array<[number, string]>>();

/** Path parameters of a concrete path for an OpenAPI path template, decoded. */
export function pathParams(template: string, path: string): Record<string, string> {
  let positions = parameterPositions.get(template);
  if (!positions) {
    positions = [];
    template.split('/').forEach((segment, i) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1];
      if (name) positions!.push([i, name]);
    });
    parameterPositions.set(template, positions);
  }
  const params: Record<string, string> = Object.create(null);
  if (!positions.length) return params;
  const segments = path.split('/');
  for (const [i, name] of positions) {
    const segment = segments[i];
    if (segment === undefined) continue;
    try {
      params[name] = decodeURIComponent(segment);
    } catch {
      params[name] = segment;
    }
  }
  return params;
}
