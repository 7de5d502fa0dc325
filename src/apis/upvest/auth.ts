// Upvest scopes: read for list and get, admin for everything.
import type { RequestContext } from '../../core/api-module.js';
import { requireScope } from '../../core/tokens.js';

export const READ = 'reference_accounts:read';
export const ADMIN = 'reference_accounts:admin';

/** Throws 401 for a rejected sandbox token, 403 when none of `scopes` is granted. */
export function authorize(ctx: Pick<RequestContext, 'apiSlug' | 'headers' | 'now'>, ...scopes: string[]): void {
  requireScope(ctx.apiSlug, ctx.headers.authorization, ctx.now(), ...scopes);
}
