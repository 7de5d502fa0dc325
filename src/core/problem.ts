// The one error type of the sandbox: thrown by the pipeline and by API state classes,
// rendered into each provider's own envelope by that API's `renderProblem`.

/** What a problem is about, independent of any provider's wording. APIs may add their own codes. */
export type ProblemKind =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'unprocessable'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'not_acceptable'
  | 'too_many_requests'
  | 'unavailable'
  | 'bad_gateway'
  | 'gateway_timeout'
  | 'internal'
  | (string & {});

/** One offending input: `field` is a dotted path such as `body.iban` or `header.upvest-client-id`. */
export interface FieldProblem {
  field: string;
  message: string;
  /** The rule that failed, e.g. `required`, `pattern`, `maxLength`. */
  rule?: string;
}

/**
 * Problems reported per request (responses, journal, logs): the first ones, then one more, with the
 * rule `MORE_PROBLEMS_RULE`, saying how many were left out.
 */
export const MAX_PROBLEMS = 20;
export const MORE_PROBLEMS_RULE = 'more';

export interface ProblemOptions {
  fields?: FieldProblem[];
  headers?: Record<string, string>;
}

export class HttpProblem extends Error {
  readonly fields: FieldProblem[];
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly kind: ProblemKind,
    message: string,
    options: ProblemOptions = {},
  ) {
    super(message);
    this.name = 'HttpProblem';
    this.fields = options.fields ?? [];
    this.headers = options.headers ?? {};
  }
}

const defaultStatus: Record<string, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unprocessable: 422,
  too_many_requests: 429,
  internal: 500,
  bad_gateway: 502,
  unavailable: 503,
  gateway_timeout: 504,
};

/** A problem of a well-known kind with its usual HTTP status. */
export function problem(kind: ProblemKind, message: string, options?: ProblemOptions): HttpProblem {
  return new HttpProblem(defaultStatus[kind] ?? 400, kind, message, options);
}

/** A problem for an HTTP status: its well-known kind, else `internal` (5xx) or `validation` (4xx). */
export function problemFor(status: number, message: string, options?: ProblemOptions): HttpProblem {
  const kind = Object.keys(defaultStatus).find(k => defaultStatus[k] === status) ?? (status >= 500 ? 'internal' : 'validation');
  return new HttpProblem(status, kind, message, options);
}

/** A validation problem about one field. */
export function invalidField(field: string, message: string, rule?: string): HttpProblem {
  return new HttpProblem(400, 'validation', `${field} ${message}`, { fields: [{ field, message, rule }] });
}
