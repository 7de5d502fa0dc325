// The ledger APIs' error envelope: `application/problem+json` with PascalCase members, `Type`
// `ledger/account/v1/problems/<code>` (the provider's problem table) and a fresh `Instance` id.
import type { HttpResponse, ProblemContext } from '../../core/api-module.js';
import type { FieldProblem, HttpProblem } from '../../core/problem.js';

const TYPE_PREFIX = 'ledger/account/v1/problems/';

/** The core's generic kinds as PayEx codes; PayEx's own codes (e.g. `card-not-found`) pass through. */
const codeByKind: Record<string, string> = {
  validation: 'validation',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not-found',
  method_not_allowed: 'method-not-allowed',
  not_acceptable: 'not-acceptable',
  conflict: 'conflict',
  unprocessable: 'unprocessable',
  payload_too_large: 'payload-too-large',
  uri_too_long: 'uri-too-long',
  too_many_requests: 'too-many-requests',
  internal: 'internal-error',
  unavailable: 'service-unavailable',
};

const titles: Record<string, string> = {
  validation: 'One or more input values are invalid',
  forbidden: 'The operation is not allowed',
  unauthorized: 'Authentication is required',
  'customer-not-found': 'Customer not found',
  'card-not-found': 'Card not found',
  'duplicate-card-token': 'The card token already exists',
  'card-update-failed': 'The card could not be updated',
  'account-not-found': 'Account not found',
  'invalid-reg-no': 'Invalid registration number',
  'bill-not-found': 'Bill not found',
  'recurring-payment-configuration-not-found': 'No recurring payment configuration',
  'recurring-payment-consent-not-found': 'No recurring payment consent',
  'duplicate-psp-payment': 'The PSP payment id was already used',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  'payload-too-large': 'Request body too large',
  'uri-too-long': 'Request URI too long',
  'internal-error': 'Internal error',
  'service-unavailable': 'Service unavailable',
};

/** `body.cardHolder.name` → `cardHolder.name`: Problems name the field as the client sent it. */
function fieldName(field: string): string {
  return field.replace(/^(body|query|path|header)\./, '');
}

const problemsOf = (fields: FieldProblem[]) => fields.map(f => ({ [fieldName(f.field) || 'body']: f.message }));

export function problemCode(problem: HttpProblem): string {
  return codeByKind[problem.kind] ?? problem.kind;
}

export function renderProblem(problem: HttpProblem, ctx: ProblemContext): HttpResponse {
  const code = problemCode(problem);
  return {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json' },
    body: {
      Type: `${TYPE_PREFIX}${code}`,
      Title: titles[code] ?? 'Error',
      Status: problem.status,
      Instance: ctx.requestId,
      Detail: problem.message,
      Problems: problemsOf(problem.fields),
    },
  };
}
