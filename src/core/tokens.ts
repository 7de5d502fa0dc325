// Bearer tokens issued by the sandbox's token endpoints: HS256 JWTs that carry their own scopes,
// so they survive restarts and work in every sandbox. The signing key is deliberately public —
// these tokens protect nothing; they let integrators exercise scopes and token expiry.
import { createRequire } from 'node:module';
import { problem } from './problem.js';

/**
 * jsonwebtoken, loaded with the first token made or read: with its dependencies (semver builds
 * hundreds of regular expressions) it was a tenth of the modules' load time at every start.
 */
export const jsonwebtoken = () => createRequire(import.meta.url)('jsonwebtoken') as typeof import('jsonwebtoken');
/** What jsonwebtoken's decode accepts as a JWT at all (jws's own test): anything else decodes to null. */
const JWT_FORM = /^[\w-]+\.[\w-]+\.[\w-]*$/;

const SIGNING_KEY = 'banking-api-sandbox-tokens-are-not-secret';
const ISSUER = 'banking-api-sandbox';

export interface TokenClaims {
  /** The API slug the token was issued for. */
  api: string;
  scopes: string[];
  sub?: string;
  [claim: string]: unknown;
}

export type Bearer =
  /** Issued by this sandbox for this API: its scopes and claims apply. */
  | { kind: 'sandbox'; claims: TokenClaims }
  /** Any other well-formed bearer token: accepted with every scope, so `Bearer test` just works. */
  | { kind: 'external' }
  /** No `Authorization: Bearer …` header. */
  | { kind: 'missing' }
  /** A sandbox token that is expired, tampered with, or issued for another API. */
  | { kind: 'rejected'; reason: string };

export function issueToken(
  api: string,
  options: { scopes: string[]; subject?: string; ttlSeconds?: number; claims?: Record<string, unknown>; now?: Date },
): { token: string; expiresIn: number } {
  const expiresIn = options.ttlSeconds ?? 3600;
  // Issued and expiring on the sandbox's clock.
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const payload = { ...options.claims, api, scopes: options.scopes, iat };
  const token = jsonwebtoken().sign(payload, SIGNING_KEY, {
    algorithm: 'HS256',
    issuer: ISSUER,
    expiresIn,
    ...(options.subject ? { subject: options.subject } : {}),
  });
  return { token, expiresIn };
}

/** The request's bearer token, checked for expiry against `now` (the sandbox's clock). */
export function readBearer(api: string, authorization: string | undefined, now: Date = new Date()): Bearer {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return { kind: 'missing' };
  const token = match[1];
  if (!JWT_FORM.test(token)) return { kind: 'external' };
  const jwt = jsonwebtoken();
  const decoded = jwt.decode(token, { json: true });
  if (!decoded || decoded.iss !== ISSUER) return { kind: 'external' };
  try {
    const claims = jwt.verify(token, SIGNING_KEY, { algorithms: ['HS256'], issuer: ISSUER, clockTimestamp: Math.floor(now.getTime() / 1000) }) as TokenClaims;
    if (claims.api !== api) return { kind: 'rejected', reason: `the token was issued by the sandbox for the ${claims.api} API` };
    return { kind: 'sandbox', claims: { ...claims, scopes: Array.isArray(claims.scopes) ? claims.scopes : [] } };
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) return { kind: 'rejected', reason: 'the token has expired' };
    return { kind: 'rejected', reason: 'the token signature is invalid' };
  }
}

/** Whether a bearer grants a scope: external tokens grant all, sandbox tokens what they carry. */
export function hasScope(bearer: Bearer, ...anyOf: string[]): boolean {
  if (bearer.kind === 'external') return true;
  if (bearer.kind !== 'sandbox') return false;
  return anyOf.some(scope => bearer.claims.scopes.includes(scope));
}

/** The request's bearer, if accepted; 401 when there is none, or a sandbox token was refused. */
export function authenticate(api: string, authorization: string | undefined, now?: Date): Extract<Bearer, { kind: 'sandbox' | 'external' }> {
  const bearer = readBearer(api, authorization, now);
  if (bearer.kind === 'missing') throw problem('unauthorized', 'an Authorization: Bearer token is required');
  if (bearer.kind === 'rejected') throw problem('unauthorized', bearer.reason);
  return bearer;
}

/** Throws 401 for a missing or rejected bearer token, 403 when it grants none of `anyOf`. */
export function requireScope(api: string, authorization: string | undefined, now: Date, ...anyOf: string[]): void {
  const bearer = authenticate(api, authorization, now);
  if (!hasScope(bearer, ...anyOf)) {
    throw problem('forbidden', `the token does not grant ${anyOf.join(' or ')}`);
  }
}
