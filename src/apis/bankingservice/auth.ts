// bankingservice.ai authentication (inferred): OAuth 2 client-credentials tokens from
// POST /v1/oauth/token, sent as `Authorization: Bearer …`. The sandbox issues a token for any
// client id; it checks the form of a token request, never the credentials themselves.
import type { RequestContext } from '../../core/api-module.js';
import { HttpProblem, invalidField, problem } from '../../core/problem.js';
import { issueToken, readBearer } from '../../core/tokens.js';

/** Throws 401 without a bearer token, and for a sandbox token that expired or was altered. */
export function authorize(ctx: Pick<RequestContext, 'apiSlug' | 'headers' | 'now'>): void {
  const bearer = readBearer(ctx.apiSlug, ctx.headers.authorization, ctx.now());
  if (bearer.kind === 'missing') throw problem('unauthorized', 'an Authorization: Bearer token is required');
  if (bearer.kind === 'rejected') throw new HttpProblem(401, 'invalid_token', bearer.reason);
}

/** The parameters of a token request, from a form-encoded (text) or JSON (object) body. */
export function tokenParameters(body: unknown): Record<string, unknown> {
  if (typeof body === 'string') return Object.fromEntries(new URLSearchParams(body));
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

export interface TokenGrant {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/**
 * Issues a token for a client-credentials request. The client is named by `client_id` in the
 * body or by `Authorization: Basic` (RFC 6749 §2.3.1); a request naming two different clients,
 * another grant type, or half a JWT client assertion is refused with a 400.
 */
export function grantToken(api: string, params: Record<string, unknown>, authorization?: string, now?: Date): TokenGrant {
  const grantType = params.grant_type;
  if (grantType === undefined || grantType === '') throw invalidField('body.grant_type', 'is required', 'required');
  if (grantType !== 'client_credentials') {
    throw new HttpProblem(400, 'unsupported_grant_type', `body.grant_type "${String(grantType)}" is not supported: use client_credentials`, {
      fields: [{ field: 'body.grant_type', message: 'must be client_credentials', rule: 'grant_type' }],
    });
  }
  const basicClient = basicClientId(authorization);
  const bodyClient = typeof params.client_id === 'string' && params.client_id !== '' ? params.client_id : undefined;
  if (basicClient !== undefined && bodyClient !== undefined && basicClient !== bodyClient) {
    throw invalidField('body.client_id', 'names another client than the Authorization: Basic header', 'client');
  }
  const clientId = basicClient ?? bodyClient;
  if (clientId === undefined) throw invalidField('body.client_id', 'is required (or authenticate with Authorization: Basic)', 'required');
  if ((params.client_assertion === undefined) !== (params.client_assertion_type === undefined)) {
    const missing = params.client_assertion === undefined ? 'client_assertion' : 'client_assertion_type';
    throw invalidField(`body.${missing}`, 'is required with a JWT client assertion', 'required');
  }
  const { token, expiresIn } = issueToken(api, { scopes: [], subject: clientId, now });
  return { access_token: token, token_type: 'Bearer', expires_in: expiresIn };
}

/** The client id of an `Authorization: Basic` header, undefined without one; 400 when it is malformed. */
function basicClientId(authorization: string | undefined): string | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw invalidField('header.authorization', 'must be Basic base64(client_id:client_secret)', 'basic');
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
  } catch {
    throw invalidField('header.authorization', 'has a client id that is not form-encoded', 'basic');
  }
}
