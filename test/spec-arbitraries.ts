// fast-check arbitraries from an operation's JSON Schemas (as Prism parsed them, $refs resolved):
// requests that follow the spec, and requests broken in one known way. Covers the schema keywords
// our specs use (type, enum, const, pattern, format, length and range limits, required, items,
// oneOf/anyOf/allOf); a rule outside the schema (a business rule) may still refuse a request.
import fc from 'fast-check';
import type { IHttpOperation } from '@stoplight/types';
import { exampleOf, exampleRequest, type Param } from './spec-requests.js';

export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  examples?: unknown[];
}

const MAX_STRING = 40;

function stringOf(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Math.max(min, MAX_STRING);
  const fits = (s: string) => s.length >= min && s.length <= max;
  let base: fc.Arbitrary<string>;
  if (schema.format === 'uuid') base = fc.uuid({ version: 4 });
  else if (schema.format === 'date') base = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map(d => d.toISOString().slice(0, 10));
  else if (schema.format === 'date-time') base = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map(d => d.toISOString());
  else if (schema.format === 'email') base = fc.emailAddress();
  else if (schema.pattern) {
    try {
      base = fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      base = fc.constant(String(schema.examples?.[0] ?? ''));
    }
  } else base = fc.string({ minLength: min, maxLength: Math.min(max, MAX_STRING) });
  const example = schema.examples?.find(e => typeof e === 'string' && fits(e)) as string | undefined;
  const bounded = base.filter(fits);
  return example === undefined ? bounded : fc.oneof(fc.constant(example), bounded);
}

function numberOf(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 0.01) : -1_000_000);
  const high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 0.01) : 1_000_000);
  if (integer) return fc.integer({ min: Math.ceil(low), max: Math.floor(high) });
  // two decimals, as amounts are
  return fc.integer({ min: Math.ceil(low * 100), max: Math.floor(high * 100) }).map(n => n / 100);
}

/** Values that follow the schema (as far as the keywords above go). */
export function valueOf(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema) return fc.constant('x');
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.oneOf?.length) return fc.oneof(...schema.oneOf.map(s => valueOf(s, depth + 1)));
  if (schema.anyOf?.length) return fc.oneof(...schema.anyOf.map(s => valueOf(s, depth + 1)));
  if (schema.allOf?.length) {
    const merged: Schema = { ...schema, allOf: undefined, properties: { ...schema.properties }, required: [...(schema.required ?? [])] };
    for (const part of schema.allOf) {
      Object.assign(merged.properties!, part.properties);
      merged.required!.push(...(part.required ?? []));
      merged.type ??= part.type;
    }
    return valueOf(merged, depth);
  }
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : schema.properties ? ['object'] : ['string'];
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'string':
          return stringOf(schema);
        case 'integer':
          return numberOf(schema, true);
        case 'number':
          return numberOf(schema, false);
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array':
          return fc.array(valueOf(schema.items, depth + 1), {
            minLength: schema.minItems ?? 0,
            maxLength: Math.min(schema.maxItems ?? 3, depth > 2 ? 1 : 3),
          });
        default: {
          const properties = schema.properties ?? {};
          const required = (schema.required ?? []).filter(name => name in properties);
          return fc.record(
            Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, valueOf(s, depth + 1)])),
            { requiredKeys: required },
          );
        }
      }
    }),
  );
}

/** One generated request, below the API's prefix. */
export interface GeneratedRequest {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: { mediaType: string; value: unknown };
  /** How it was broken, for an invalid request. */
  broken?: string;
}

const paramValue = (p: Param & { schema?: Schema }) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(exampleOf(p)) }, { weight: 1, arbitrary: valueOf(p.schema) }).filter(v => v !== undefined);

/** Requests to the operation that follow its spec: parameters, headers and body. */
export function validRequest(op: IHttpOperation): fc.Arbitrary<GeneratedRequest> {
  const example = exampleRequest(op);
  const pathParams = (op.request?.path ?? []) as Array<Param & { schema?: Schema }>;
  const queryParams = (op.request?.query ?? []) as Array<Param & { schema?: Schema }>;
  const headerParams = (op.request?.headers ?? []) as Array<Param & { schema?: Schema }>;
  const content = op.request?.body?.contents?.find(c => c.mediaType.includes('json')) ?? op.request?.body?.contents?.[0];
  const exampleBody = example.body?.value;
  const body = content
    ? fc.oneof(
        ...(exampleBody !== undefined ? [fc.constant(exampleBody)] : []),
        valueOf(content.schema as Schema | undefined),
      )
    : fc.constant(undefined);
  return fc
    .record({
      path: fc.tuple(...pathParams.map(paramValue)),
      query: fc.record(Object.fromEntries(queryParams.map(p => [p.name, paramValue(p)])), {
        requiredKeys: queryParams.filter(p => p.required).map(p => p.name),
      }),
      headers: fc.record(Object.fromEntries(headerParams.map(p => [p.name.toLowerCase(), paramValue(p)])), {
        requiredKeys: headerParams.filter(p => p.required).map(p => p.name.toLowerCase()),
      }),
      body,
    })
    .map(({ path, query, headers, body }) => {
      let filled = op.path;
      pathParams.forEach((p, i) => (filled = filled.replace(`{${p.name}}`, encodeURIComponent(String(path[i])))));
      const request: GeneratedRequest = {
        path: filled,
        query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
        // security headers of the example (credentials), then the declared headers
        headers: { ...example.headers, ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])) },
      };
      if (content && (body !== undefined || op.request?.body?.required)) request.body = { mediaType: content.mediaType, value: body };
      return request;
    });
}

const wrongTypeFor = (schema: Schema | undefined): unknown => {
  const types = Array.isArray(schema?.type) ? schema.type : [schema?.type];
  if (!types.includes('object') && !schema?.properties) return { unexpected: true };
  return 'not an object';
};

/** Requests broken in one way the spec forbids: a required part missing, a wrong type, a value out of bounds. */
export function invalidRequest(op: IHttpOperation): fc.Arbitrary<GeneratedRequest> | undefined {
  const breakers: Array<(r: GeneratedRequest) => GeneratedRequest | undefined> = [];
  const content = op.request?.body?.contents?.find(c => c.mediaType.includes('json'));
  const bodySchema = content?.schema as Schema | undefined;
  if (content && bodySchema?.properties) {
    for (const name of bodySchema.required ?? []) {
      breakers.push(r => {
        const value = { ...(r.body?.value as object) } as Record<string, unknown>;
        delete value[name];
        return { ...r, body: { mediaType: content.mediaType, value }, broken: `body without required ${name}` };
      });
    }
    for (const [name, schema] of Object.entries(bodySchema.properties)) {
      if (schema.const !== undefined || schema.oneOf || schema.anyOf || !schema.type || Array.isArray(schema.type)) continue;
      breakers.push(r => ({
        ...r,
        body: { mediaType: content.mediaType, value: { ...(r.body?.value as object), [name]: wrongTypeFor(schema) } },
        broken: `body.${name} of the wrong type`,
      }));
      if (schema.maxLength !== undefined && !schema.enum) {
        breakers.push(r => ({
          ...r,
          body: { mediaType: content.mediaType, value: { ...(r.body?.value as object), [name]: 'x'.repeat(schema.maxLength! + 1) } },
          broken: `body.${name} longer than ${schema.maxLength}`,
        }));
      }
    }
    if (bodySchema.additionalProperties === false) {
      breakers.push(r => ({
        ...r,
        body: { mediaType: content.mediaType, value: { ...(r.body?.value as object), unexpectedProperty: 1 } },
        broken: 'body with an undeclared property',
      }));
    }
  }
  if (content && op.request?.body?.required) {
    breakers.push(r => ({ ...r, body: { mediaType: content.mediaType, value: ['not', 'an', 'object'] }, broken: 'body of the wrong type' }));
  }
  for (const p of (op.request?.query ?? []) as Array<Param & { schema?: Schema }>) {
    const type = p.schema?.type;
    if (type === 'integer' || type === 'number') breakers.push(r => ({ ...r, query: { ...r.query, [p.name]: 'abc' }, broken: `query ${p.name} not a number` }));
    if (p.schema?.enum) breakers.push(r => ({ ...r, query: { ...r.query, [p.name]: 'not-one-of-the-enum' }, broken: `query ${p.name} outside its enum` }));
    if (p.schema?.maximum !== undefined) breakers.push(r => ({ ...r, query: { ...r.query, [p.name]: String(p.schema!.maximum! + 1) }, broken: `query ${p.name} above its maximum` }));
    if (p.required) {
      breakers.push(r => {
        const query = { ...r.query };
        delete query[p.name];
        return { ...r, query, broken: `query ${p.name} missing` };
      });
    }
  }
  for (const p of (op.request?.headers ?? []) as Array<Param & { schema?: Schema }>) {
    if (p.required) {
      breakers.push(r => {
        const headers = { ...r.headers };
        delete headers[p.name.toLowerCase()];
        return { ...r, headers, broken: `header ${p.name} missing` };
      });
    }
  }
  if (!breakers.length) return undefined;
  return fc
    .tuple(validRequest(op), fc.integer({ min: 0, max: breakers.length - 1 }))
    .map(([request, i]) => breakers[i](request))
    .filter((r): r is GeneratedRequest => r !== undefined);
}
