// PagoNxt's error envelope: {"errors":[{code, message, level, description}]}, with the reference's
// code, message and level for each documented status.
import { STATUS_CODES } from 'node:http';
import type { HttpResponse, ProblemContext } from '../../core/api-module.js';
import type { FieldProblem, HttpProblem } from '../../core/problem.js';

export type ErrorLevel = 'ERROR' | 'FATAL' | 'INFO' | 'WARNING';

export interface PagoNxtError {
  code: string;
  message: string;
  level: ErrorLevel;
  description: string;
}

/** The reference's catalogue, verbatim (note its casing: `Internal server error`, `Gateway timeout`). */
export const ERROR_CATALOGUE: Readonly<Record<number, Omit<PagoNxtError, 'description'>>> = {
  400: { code: 'BAD_REQUEST', message: 'Bad Request', level: 'FATAL' },
  401: { code: 'UNAUTHORIZED', message: 'Unauthorized', level: 'FATAL' },
  403: { code: 'FORBIDDEN', message: 'Forbidden', level: 'FATAL' },
  404: { code: 'NOT_FOUND', message: 'Not Found', level: 'FATAL' },
  406: { code: 'NOT_ACCEPTABLE', message: 'Not Acceptable', level: 'FATAL' },
  413: { code: 'ENTITY_TOO_LARGE', message: 'Request Entity Too Large', level: 'FATAL' },
  414: { code: 'URI_TOO_LONG', message: 'URI Too Long', level: 'FATAL' },
  422: { code: 'UNPROCESSABLE_ENTITY', message: 'Unprocessable Entity', level: 'FATAL' },
  429: { code: 'TOO_MANY_REQUESTS', message: 'Too Many Requests', level: 'ERROR' },
  500: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', level: 'FATAL' },
  503: { code: 'SERVICE_UNAVAILABLE', message: 'Service unavailable', level: 'ERROR' },
  504: { code: 'GATEWAY_TIMEOUT', message: 'Gateway timeout', level: 'ERROR' },
};

/** The reference's `default` response. */
const DEFAULT_ERROR = { code: 'INTERNAL_SERVER_ERROR', message: 'Error message', level: 'FATAL' } as const;

const MAX_ERRORS = 50;
const MAX_TEXT = 255;
const MAX_CODE = 25;

/**
 * Text fit for `message` and `description`, whose pattern is `^[a-zA-Z0-9. /_-]*$`: quoted regular
 * expressions are dropped, other punctuation becomes a space, and the result is cut at 255.
 */
export function descriptionText(text: string): string {
  const cleaned = text
    .replace(/"([^"]*)"/g, (_, quoted: string) => (/^[a-zA-Z0-9. /_-]*$/.test(quoted) ? quoted : ''))
    .replace(/[^a-zA-Z0-9. /_-]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .replace(/ \./g, '.')
    .trim();
  return cleaned.slice(0, MAX_TEXT).trim();
}

/** Code, message and level for a status: the reference's, else derived from the HTTP reason phrase. */
export function catalogueEntry(status: number): Omit<PagoNxtError, 'description'> {
  const documented = ERROR_CATALOGUE[status];
  if (documented) return documented;
  const reason = STATUS_CODES[status];
  if (!reason) return DEFAULT_ERROR;
  return {
    code: reason.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, MAX_CODE),
    message: descriptionText(reason) || DEFAULT_ERROR.message,
    level: 'FATAL',
  };
}

/** How a failed `anyOf` reads, per field (Prism only says "must match a schema in anyOf"). */
const ANY_OF_WORDING: Record<string, string> = {
  'path.account_id': 'path parameter account_id must be a uuid or an IBAN or a BBAN',
};

/**
 * One error per broken rule (at most 50), or one for the whole problem. A field that failed an
 * `anyOf` gets one error, not one per rule of each alternative.
 */
export function renderProblem(problem: HttpProblem, _ctx: ProblemContext): HttpResponse {
  const entry = catalogueEntry(problem.status);
  const anyOfFields = new Set(problem.fields.filter(f => f.rule === 'anyOf').map(f => f.field));
  const fields = problem.fields.filter(f => !anyOfFields.has(f.field) || f.rule === 'anyOf');
  const descriptions = fields.length
    ? fields.map(f =>
        descriptionText(
          (f.rule === 'anyOf' && ANY_OF_WORDING[f.field]) || (namesField(f) ? f.message : `${f.field} ${f.message}`),
        ),
      )
    : [descriptionText(problem.message)];
  const errors: PagoNxtError[] = descriptions
    .slice(0, MAX_ERRORS)
    .map(description => ({ ...entry, description: description || entry.message }));
  return { status: problem.status, headers: { 'content-type': 'application/json' }, body: { errors } };
}

/** Whether a field problem's message already names its field (Prism's do: "header x-client-id is required"). */
function namesField({ field, message }: FieldProblem): boolean {
  const name = field.slice(field.lastIndexOf('.') + 1).replace(/[^a-zA-Z0-9_-]/g, '');
  return new RegExp(`(^|[^a-zA-Z0-9_-])${name}($|[^a-zA-Z0-9_-])`).test(message);
}
