// CORS, so browser apps on another origin can call every provider API (never the admin API): preflights succeed for any request
// header (provider headers such as upvest-client-id, x-client-id, idempotency-key, X-Sandbox-Id,
// Prefer), and every response header the specs document is exposed to scripts.
import cors from 'cors';
import type { RequestHandler } from 'express';
import type { LoadedApi } from '../core/pipeline.js';
import { CLOCK_HEADER, VIOLATIONS_HEADER } from '../core/pipeline.js';

/** `*` allows every origin (the default); otherwise exact origins such as `http://localhost:3000`. */
export type CorsOrigins = '*' | string[];

/** Response headers the sandbox itself adds, exposed whatever the specs say. */
const SANDBOX_HEADERS = [VIOLATIONS_HEADER, CLOCK_HEADER, 'retry-after', 'preference-applied', 'location'];

/** `exceptUnder`: a path prefix (the admin API's) that gets no CORS headers at all, for any origin. */
export function corsMiddleware(apis: readonly LoadedApi[], origins: CorsOrigins = '*', exceptUnder?: string): RequestHandler {
  const documented = apis.flatMap(api => api.operations.flatMap(op => op.responses.flatMap(r => (r.headers ?? []).map(h => h.name.toLowerCase()))));
  const withCors = cors({
    // Reflecting the origin (rather than `*`) lets apps send cookies or credentials too.
    origin: origins === '*' ? true : origins,
    credentials: true,
    // No allowedHeaders: the preflight's Access-Control-Request-Headers are reflected, so any
    // provider header, present or future, is allowed.
    exposedHeaders: [...new Set([...documented, ...SANDBOX_HEADERS])],
    maxAge: 600,
  });
  // Browsers send Origin on every cross-origin request; other clients need no CORS headers,
  // only the Vary that keeps caches from mixing the two.
  // Express matches mount paths without regard to case, so this check does too.
  const excepted = (path: string) => {
    if (exceptUnder === undefined) return false;
    const lower = path.toLowerCase();
    return lower === exceptUnder || lower.startsWith(`${exceptUnder}/`);
  };
  return (req, res, next) => {
    if (req.headers.origin === undefined || excepted(req.path)) {
      res.setHeader('vary', 'Origin');
      next();
    } else {
      withCors(req, res, next);
    }
  };
}
