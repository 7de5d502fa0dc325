// Which documented response of an operation a status falls under: exact (`503`), range (`5XX`) or `default`.
import type { Operation } from '../core/prism.js';

/** The documented response code that covers `status`, or undefined when the operation does not document it. */
export function documentedCode(codes: readonly string[], status: number): string | undefined {
  return codes.find(c => c === String(status)) ??
    codes.find(c => c.toUpperCase() === `${Math.floor(status / 100)}XX`) ??
    codes.find(c => c.toLowerCase() === 'default');
}

export function documentedStatuses(operation: Operation): string[] {
  return operation.responses.map(r => r.code);
}

/** True when the operation documents `status`. */
export function documents(operation: Operation, status: number): boolean {
  return documentedCode(documentedStatuses(operation), status) !== undefined;
}
