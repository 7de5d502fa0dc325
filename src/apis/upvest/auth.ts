// Upvest scopes: read for list and get, admin for everything.
import type { RequestContext } from '../../core/api-module.js';
import { problem } from '../../core/problem.js';
import { hasScope, readBearer } from '../../core/tokens.js';

export const READ = 'reference_accounts:read';
export const ADMIN = 'reference_accounts:admin';

/** Throws 401 for a rejected sandbox token, 403 when none of `scopes` is granted. */
export function authorize(ctx: RequestContext, ...scopes: string[]): void {
  const bearer = readBearer(ctx.apiSlug, ctx.headers.authorization);
  if (bearer.kind === 'rejected' || bearer.kind === 'missing') {
    throw problem('unauthorized', bearer.kind === 'missing' ? 'an Authorization: Bearer token is required' : bearer.reason);
  }
  if (!hasScope(bearer, ...scopes)) {
    throw problem('forbidden', `the token does not grant ${scopes.join(' or ')}`);
  }
}
