// Handlers typed by the operations openapi-typescript generates from each spec (`npm run types` →
// src/generated/<slug>.ts): a handler per operationId, its request body, path and query parameters
// and its success responses all come from the spec, so a spec change the code does not follow
// fails `npm run typecheck`.
import type { Handler, RequestContext } from './api-module.js';

/** A body in each media type the spec allows: JSON as its schema's type, any other as text. */
type ContentOf<C> = { [M in keyof C]: M extends 'application/json' | 'application/problem+json' ? C[M] : string }[keyof C];
/** A request or response body (undefined when it has none). */
type Content<R> = R extends { content: infer C } ? ContentOf<C> : undefined;

/** The request body of an operation: required, optional (`| undefined`) or none. */
export type RequestBodyOf<Op> = Op extends { requestBody: infer R } ? Content<R> : Op extends { requestBody?: infer R } ? Content<NonNullable<R>> | undefined : undefined;

/** Path parameters, decoded (always strings in a URL). */
export type PathParamsOf<Op> = Op extends { parameters: { path: infer P } } ? { readonly [K in keyof P]: string } : Readonly<Record<string, never>>;

/** Query parameters as received (strings; a repeated one is an array): only the spec's names. */
export type QueryOf<Op> = Op extends { parameters: { query?: infer Q } }
  ? [NonNullable<Q>] extends [never]
    ? Readonly<Record<string, never>>
    : { readonly [K in keyof NonNullable<Q>]?: string | string[] }
  : Readonly<Record<string, never>>;

type Responses<Op> = Op extends { responses: infer R } ? R : never;
type SuccessStatus<Op> = Extract<keyof Responses<Op>, 200 | 201 | 202 | 203 | 204 | 206>;

/** A success response the spec documents: its status, and its body in that status's schema. */
export type SuccessResponseOf<Op> = {
  [S in SuccessStatus<Op>]: Content<Responses<Op>[S]> extends undefined
    ? { status: S; headers?: Record<string, string>; body?: undefined }
    : { status: S; headers?: Record<string, string>; body: Content<Responses<Op>[S]> extends string ? string | Buffer : Content<Responses<Op>[S]> };
}[SuccessStatus<Op>];

/** What a typed handler gets: the request as the spec describes it (the pipeline has validated it). */
export type TypedContext<Op> = Omit<RequestContext, 'body' | 'params' | 'query'> & {
  readonly body: RequestBodyOf<Op>;
  readonly params: PathParamsOf<Op>;
  readonly query: QueryOf<Op>;
};

/** One handler for every operation of a generated `operations` interface. */
export type TypedHandlers<Ops> = {
  [K in keyof Ops]: (ctx: TypedContext<Ops[K]>) => SuccessResponseOf<Ops[K]> | Promise<SuccessResponseOf<Ops[K]>>;
};

/**
 * The handlers as the pipeline calls them. The one widening in the code base: the pipeline routes by
 * operationId and validates parameters and body against the same spec before a handler runs, so the
 * typed view each handler has of its request holds at run time.
 */
export function typedHandlers<Ops>(handlers: TypedHandlers<Ops>): Record<string, Handler> {
  return handlers as unknown as Record<string, Handler>;
}
