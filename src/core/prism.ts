// The Prism adapter: the only file that imports Prism (and sees its fp-ts results).
// It exposes Prism's pipeline as named steps — route, check security, validate input,
// validate output — so the core can run its own handler between them.
import { createRequire } from 'node:module';
import type { IHttpOperation } from '@stoplight/types';
import type { IHttpRequest, IHttpResponse } from '@stoplight/prism-http';
import { HttpProblem, problem, type FieldProblem } from './problem.js';

const require = createRequire(import.meta.url);
const prismHttp = require('@stoplight/prism-http') as typeof import('@stoplight/prism-http');
const prismRouter = require('@stoplight/prism-http/dist/router/index.js') as {
  default: (args: { resources: IHttpOperation[]; input: IHttpRequest }) => Either<Error & { status?: number }, IHttpOperation>;
};
const prismValidator = require('@stoplight/prism-http/dist/validator/index.js') as {
  validateInput: Validator<IHttpRequest>;
  validateOutput: Validator<IHttpResponse>;
  validateSecurity: Validator<IHttpRequest>;
};

// Prism reads path parameters by compiling the operation's path template (a RegExp and a
// Function) on every request. Templates are stateless, so keep one compiled template per path.
const uriTemplate = createRequire(require.resolve('@stoplight/prism-http'))('uri-template-lite') as {
  URI: { Template: new (template: string) => object };
};
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

const cache = new Map<string, Promise<Operation[]>>();

/** The operations of an OpenAPI document, with `$ref`s resolved; parsed once per process. */
export function loadOperations(specFile: string): Promise<Operation[]> {
  let operations = cache.get(specFile);
  if (!operations) {
    operations = prismHttp.getHttpOperationsFromSpec(specFile);
    cache.set(specFile, operations);
  }
  return operations;
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

/** The operation a request addresses, or a 404 / 405 problem. */
export function route(operations: Operation[], request: PrismRequest): Operation {
  let groups = groupsCache.get(operations);
  if (!groups) {
    groups = bySegmentCount(operations);
    groupsCache.set(operations, groups);
  }
  const candidates = groups.get(request.url.path.split('/').length) ?? operations;
  const result = prismRouter.default({ resources: candidates, input: request });
  if (result._tag === 'Right') return result.right;
  if (result.left.status === 405) {
    const allowed = candidates.filter(op => matchesPath(op.path, request.url.path)).map(op => op.method.toUpperCase());
    throw new HttpProblem(405, 'method_not_allowed', `${request.method.toUpperCase()} is not allowed on ${request.url.path}`, {
      headers: { allow: [...new Set(allowed)].join(', ') },
    });
  }
  throw problem('not_found', `No operation matches ${request.method.toUpperCase()} ${request.url.path}`);
}

/** Security requirements of the operation that the request does not meet (e.g. no Bearer token). */
export function checkSecurity(operation: Operation, request: PrismRequest): FieldProblem[] {
  const result = prismValidator.validateSecurity({ resource: operation, element: request });
  if (result._tag === 'Right') return [];
  const schemes = (operation.security ?? []).flat().map(scheme => describeScheme(scheme));
  return [{ field: 'header.authorization', rule: 'security', message: `requires ${[...new Set(schemes)].join(' or ')}` }];
}

/** Everything in the request that breaks the spec: parameters, headers, body. */
export function validateRequest(operation: Operation, request: PrismRequest): FieldProblem[] {
  const result = prismValidator.validateInput({ resource: operation, element: request });
  if (result._tag === 'Right') return [];
  const names = declaredParameterNames(operation);
  return result.left.filter(d => d.severity === 0).map(d => toFieldProblem(d, names));
}

/** Every way the response breaks the spec (undocumented status, media type, body, headers). */
export function validateResponse(operation: Operation, response: IHttpResponse): string[] {
  const result = prismValidator.validateOutput({ resource: operation, element: response });
  if (result._tag === 'Right') return [];
  return result.left.map(d => d.message);
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

/** Path parameters of a concrete path for an OpenAPI path template, decoded. */
export function pathParams(template: string, path: string): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  const t = template.split('/');
  const p = path.split('/');
  t.forEach((segment, i) => {
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name && p[i] !== undefined) {
      try {
        params[name] = decodeURIComponent(p[i]);
      } catch {
        params[name] = p[i];
      }
    }
  });
  return params;
}
