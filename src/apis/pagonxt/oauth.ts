// PagoNxt's token endpoint rules: client credentials with a private-key JWT client assertion (RFC 7523).
import { invalidField } from '../../core/problem.js';
import { issueToken, jsonwebtoken } from '../../core/tokens.js';
import type { components } from '../../generated/pagonxt.js';

export const ACCOUNTS_READ = 'accounts.read';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** What the token endpoint reads of the form (the spec's TokenRequest; the grant and assertion types are validated by Prism). */
export type TokenRequest = Pick<components['schemas']['TokenRequest'], 'client_assertion' | 'client_id' | 'scope'>;
export type IssuedToken = components['schemas']['TokenResponse'];

/**
 * Issues a token for a client that authenticated with a signed JWT. The sandbox cannot know the
 * client's public key, so any well-formed signed JWT will do: it must decode, name an `alg` other
 * than `none`, not be expired or not yet valid, and have `sub` equal to `client_id` when both are
 * given. The token carries the requested scopes (default `accounts.read`).
 */
export function issueClientCredentialsToken(api: string, request: TokenRequest, now: Date): IssuedToken {
  const decoded = jsonwebtoken().decode(request.client_assertion, { complete: true, json: true });
  if (!decoded || typeof decoded.payload !== 'object') {
    throw invalidField('body.client_assertion', 'is not a JWT with a JSON header and payload', 'format');
  }
  const { header, payload } = decoded;
  if (typeof header.alg !== 'string' || header.alg.toLowerCase() === 'none') {
    throw invalidField('body.client_assertion', 'must be signed - alg none is not accepted', 'format');
  }
  const seconds = now.getTime() / 1000;
  if (typeof payload.exp === 'number' && payload.exp <= seconds) {
    throw invalidField('body.client_assertion', 'has expired - its exp has passed', 'expired');
  }
  if (typeof payload.nbf === 'number' && payload.nbf > seconds) {
    throw invalidField('body.client_assertion', 'is not valid yet - its nbf lies in the future', 'expired');
  }
  const subject = typeof payload.sub === 'string' ? payload.sub : typeof payload.iss === 'string' ? payload.iss : request.client_id;
  if (request.client_id !== undefined && typeof payload.sub === 'string' && payload.sub !== request.client_id) {
    throw invalidField('body.client_id', 'must equal the sub of the client_assertion', 'mismatch');
  }
  const scopes = [...new Set((request.scope ?? ACCOUNTS_READ).split(' ').filter(Boolean))];
  const { token, expiresIn } = issueToken(api, { scopes, subject, now });
  return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') };
}
