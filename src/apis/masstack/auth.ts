// MasStack authorization beyond "some credential is present" (which Prism checks): a bearer JWT
// that names organizations reaches only those. The sandbox verifies no signature.
import { jsonwebtoken } from '../../core/tokens.js';
import { mcusProblem } from './errors.js';

/** The organizations a bearer JWT is limited to (its `org_id` claim and its `orgs` claim, a list or one org as a string), or undefined when it names none. */
export function tokenOrganizations(authorization: string | undefined): string[] | undefined {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  const claims = token ? jsonwebtoken().decode(token, { json: true }) : null;
  if (!claims) return undefined;
  const orgs = [claims.org_id, ...(Array.isArray(claims.orgs) ? claims.orgs : [claims.orgs])].filter((o): o is string => typeof o === 'string');
  return orgs.length ? orgs : undefined;
}

/** Throws 403 when the request's bearer JWT is limited to other organizations than `orgId`. */
export function authorizeOrganization(authorization: string | undefined, orgId: string): void {
  const orgs = tokenOrganizations(authorization);
  if (orgs && !orgs.includes(orgId)) {
    throw mcusProblem('forbidden', `the token is for organization(s) ${orgs.join(', ')}, not ${orgId}`);
  }
}
