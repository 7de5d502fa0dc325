// Bearer tokens per ledger: a token the sandbox issued for one ledger number is refused on another.
import type { RequestContext } from '../../core/api-module.js';
import { problem } from '../../core/problem.js';
import { authenticate, issueToken } from '../../core/tokens.js';

const TOKEN_TTL_SECONDS = 3600;

/** A sandbox token bound to `ledgerNo`. */
export function issueLedgerToken(api: string, ledgerNo: string, clientId: string, now?: Date) {
  return issueToken(api, { scopes: [], subject: clientId, ttlSeconds: TOKEN_TTL_SECONDS, claims: { ledgerNo }, now });
}

/**
 * Throws 401 unless the request's bearer token may be used on the ledger in the path: any token the
 * sandbox did not issue is accepted; a sandbox token only on its own ledger and while valid.
 */
export function authorizeLedger(ctx: Pick<RequestContext, 'apiSlug' | 'headers' | 'now'> & { readonly params: { readonly ledgerNo: string } }): void {
  const bearer = authenticate(ctx.apiSlug, ctx.headers.authorization, ctx.now());
  if (bearer.kind === 'sandbox' && bearer.claims.ledgerNo !== ctx.params.ledgerNo) {
    throw problem('unauthorized', `the token was issued for ledger ${String(bearer.claims.ledgerNo)}, not ledger ${ctx.params.ledgerNo}`);
  }
}
