// MasStack's error envelope, {"errors":[{"error":{code,title,ref,message}}]}, and the sandbox's
// catalogue of MCUS codes (the provider documents only MCUS.999.998; the rest is inferred).
import type { HttpResponse } from '../../core/api-module.js';
import { HttpProblem, type FieldProblem } from '../../core/problem.js';

interface McusCode {
  code: string;
  status: number;
  title: string;
}

/**
 * Every MCUS code the sandbox answers with, keyed by problem kind (for whole-request problems) or
 * by the `rule` of a field problem (for business rules about one field).
 */
export const MCUS = {
  validation: { code: 'MCUS.999.998', status: 400, title: 'Bad request' },
  details_required: { code: 'MCUS.100.010', status: 400, title: 'Payment method details missing' },
  invalid_iban: { code: 'MCUS.100.011', status: 400, title: 'Invalid IBAN' },
  undefined_address_line: { code: 'MCUS.100.014', status: 400, title: 'Invalid billing address' },
  unauthorized: { code: 'MCUS.999.997', status: 401, title: 'Unauthorized' },
  forbidden: { code: 'MCUS.999.996', status: 403, title: 'Forbidden resource' },
  not_found: { code: 'MCUS.999.995', status: 404, title: 'Resource not found' },
  organization_not_found: { code: 'MCUS.100.001', status: 404, title: 'Organization not found' },
  customer_not_found: { code: 'MCUS.100.002', status: 404, title: 'Customer not found' },
  account_not_found: { code: 'MCUS.100.003', status: 404, title: 'Account not found' },
  duplicate_account: { code: 'MCUS.100.004', status: 409, title: 'Account already exists' },
  only_account: { code: 'MCUS.100.005', status: 409, title: 'Only account of the customer' },
  pending_charges: { code: 'MCUS.100.006', status: 409, title: 'Account has pending charges' },
  conflict: { code: 'MCUS.999.989', status: 409, title: 'Conflict' },
  payload_too_large: { code: 'MCUS.999.994', status: 413, title: 'Payload too large' },
  uri_too_long: { code: 'MCUS.999.993', status: 414, title: 'URI too long' },
  internal: { code: 'MCUS.999.999', status: 500, title: 'Internal server error' },
  unavailable: { code: 'MCUS.999.990', status: 503, title: 'Service unavailable' },
  gateway_timeout: { code: 'MCUS.999.991', status: 504, title: 'Repository timeout' },
} as const satisfies Record<string, McusCode>;

export type McusKind = keyof typeof MCUS;
/** The business rules about one field, named as the `rule` of a FieldProblem. */
export type McusFieldRule = 'details_required' | 'invalid_iban' | 'undefined_address_line';

/** Inferred: the provider's `ref` links are not public, so the sandbox points at the code's name. */
const REF_BASE = 'https://developers.masstack.com/errors/';

const isKind = (key: string | undefined): key is McusKind => key !== undefined && Object.hasOwn(MCUS, key);

/** A problem whose kind is a catalogue entry: its status comes from the catalogue. */
export function mcusProblem(kind: Exclude<McusKind, McusFieldRule>, message: string): HttpProblem {
  return new HttpProblem(MCUS[kind].status, kind, message);
}

/** A 400 listing every broken business rule, one field problem each. */
export function fieldProblems(fields: FieldProblem[]): HttpProblem {
  return new HttpProblem(400, 'validation', fields.map(f => f.message).join('; '), { fields });
}

/** The catalogue entry for a problem: by its kind, else by its status (e.g. a forced status). */
function entryFor(problem: HttpProblem): McusCode {
  if (isKind(problem.kind) && MCUS[problem.kind].status === problem.status) return MCUS[problem.kind];
  const sameStatus = Object.values(MCUS).find(entry => entry.status === problem.status && entry.code.startsWith('MCUS.999.'));
  return sameStatus ?? (problem.status >= 500 ? MCUS.internal : MCUS.validation);
}

function entry(code: McusCode, message: string) {
  return { error: { code: code.code, title: code.title, ref: `${REF_BASE}${code.code}`, message } };
}

/** Renders a problem in MasStack's envelope; a 405 has no body, as documented. */
export function renderProblem(problem: HttpProblem): HttpResponse {
  if (problem.status === 405) return { status: 405 };
  const code = entryFor(problem);
  // One entry per invalid field, each with the code of the rule it broke.
  const errors =
    problem.status === 400 && problem.fields.length
      ? problem.fields.map(f => entry(isKind(f.rule) ? MCUS[f.rule] : code, fieldMessage(f)))
      : [entry(code, problem.message)];
  return { status: problem.status, headers: { 'content-type': 'application/json' }, body: { errors } };
}

/** The message of a field problem, naming the field if the message does not already. */
function fieldMessage(field: FieldProblem): string {
  const name = field.field.replace(/^body\./, '');
  return !name || field.message.includes(name) || field.message.includes(name.replace(/\./g, ' ')) ? field.message : `${name}: ${field.message}`;
}
