// bankingservice.ai's error envelope. The provider publishes none, so the sandbox infers one
// (schema `Error` in specs/bankingservice.yaml): {status, error, message, errors, request_id}.
import type { HttpResponse, ProblemContext } from '../../core/api-module.js';
import type { HttpProblem } from '../../core/problem.js';

/** The `error` code for each kind of problem; a kind not listed gets the code of its status. */
const codeByKind: Record<string, string> = {
  validation: 'invalid_request',
  unsupported_grant_type: 'unsupported_grant_type',
  unauthorized: 'unauthorized',
  invalid_token: 'invalid_token',
  forbidden: 'forbidden',
  not_found: 'not_found',
  method_not_allowed: 'method_not_allowed',
  not_acceptable: 'not_acceptable',
  conflict: 'conflict',
  payload_too_large: 'payload_too_large',
  uri_too_long: 'uri_too_long',
  unprocessable: 'unprocessable_entity',
  too_many_requests: 'too_many_requests',
  internal: 'internal_error',
  unavailable: 'service_unavailable',
};

const codeByStatus: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_error',
  503: 'service_unavailable',
};

export function errorCode(problem: HttpProblem): string {
  return codeByKind[problem.kind] ?? codeByStatus[problem.status] ?? (problem.status >= 500 ? 'internal_error' : 'invalid_request');
}

export function renderProblem(problem: HttpProblem, ctx: ProblemContext): HttpResponse {
  const error = errorCode(problem);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (problem.status === 401) {
    // RFC 6750 §3: a 401 for a bearer-protected resource carries the challenge.
    headers['www-authenticate'] = error === 'invalid_token' ? 'Bearer realm="bankingservice", error="invalid_token"' : 'Bearer realm="bankingservice"';
  }
  return {
    status: problem.status,
    headers,
    body: {
      status: problem.status,
      error,
      message: problem.message,
      errors: problem.fields.map(({ field, message, rule }) => (rule ? { field, message, rule } : { field, message })),
      request_id: ctx.requestId,
    },
  };
}
