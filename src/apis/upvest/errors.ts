// Upvest's error envelope: RFC 7807 `application/problem+json` with a `request_id`.
import type { HttpResponse, ProblemContext } from '../../core/api-module.js';
import type { HttpProblem } from '../../core/problem.js';

const TYPE_BASE = 'https://docs.upvest.co/errors/';

const slugByKind: Record<string, string> = {
  validation: 'invalid_request',
  unauthorized: 'unauthorised',
  forbidden: 'forbidden',
  not_found: 'not_found',
  method_not_allowed: 'method_not_allowed',
  conflict: 'conflict',
  unprocessable: 'unprocessable_entity',
  payload_too_large: 'payload_too_large',
  uri_too_long: 'uri_too_long',
  not_acceptable: 'not_acceptable',
  gateway_timeout: 'gateway_timeout',
  too_many_requests: 'too_many_requests',
  unavailable: 'service_unavailable',
  internal: 'internal',
};

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Missing required headers have their own documented slugs. */
function slugFor(problem: HttpProblem): string {
  const missing = problem.fields.filter(f => f.rule === 'required').map(f => f.field);
  if (missing.includes('header.upvest-client-id')) return 'missing_client_id';
  if (missing.includes('header.idempotency-key')) return 'missing_idempotency_key';
  return slugByKind[problem.kind] ?? (problem.status >= 500 ? 'internal' : 'invalid_request');
}

export function renderProblem(problem: HttpProblem, ctx: ProblemContext): HttpResponse {
  return {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json' },
    body: {
      type: `${TYPE_BASE}${slugFor(problem)}`,
      status: problem.status,
      title: titles[problem.status] ?? 'Error',
      detail: problem.message,
      instance: ctx.path,
      request_id: ctx.requestId,
    },
  };
}
