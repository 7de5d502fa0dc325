// Who may use the admin API and the dashboard: their owner only.
// - Without an admin token: clients on loopback, asking for a loopback host name (`localhost`,
//   `127.0.0.1`, `[::1]`, any port) or one of `allowedHosts` — another name means DNS rebinding —
//   and not through a proxy (`X-Forwarded-For`/`Forwarded`: behind one, every client looks local).
// - With an admin token: every client that presents it as `Authorization: Bearer <token>`.
// - Either way, nothing a web page on another site can trigger: cross-site requests other than a
//   top-level navigation (Fetch Metadata), writes from another `Origin`, and writes whose body is
//   not JSON (so a plain HTML form can never be one). The admin API sends no CORS headers at all.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import ipaddr from 'ipaddr.js';
import { HttpProblem, problem } from '../core/problem.js';
import { renderAdminProblem } from './admin.js';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'loopback';
}

export interface AdminAccessOptions {
  /** When set, required from every client as `Authorization: Bearer <token>`. */
  token?: string;
  /** Decides whether the client's address is loopback (tests inject one). */
  isLoopback?: (address: string | undefined) => boolean;
  /** Host names (`demo.local`, or with a port, `demo.local:8080`) answered besides loopback names when there is no token. */
  allowedHosts?: readonly string[];
  /** Called once, the first time a request arrives through a proxy while there is no token. */
  onProxied?: (message: string) => void;
}

const digest = (text: string) => createHash('sha256').update(text).digest();
const SAFE_METHODS = new Set(['GET', 'HEAD']);
const ADMIN_MEDIA_TYPES = new Set(['application/json', 'application/merge-patch+json']);

export const PROXY_WARNING =
  'a request arrived through a proxy (X-Forwarded-For or Forwarded): behind a reverse proxy every client looks like loopback, so the admin API and dashboard refuse such requests unless the server has --admin-token (SANDBOX_ADMIN_TOKEN)';

/** `localhost`, `*.localhost` and loopback IP literals (`127.0.0.1`, `[::1]`), with any port. */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const ip = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  return ipaddr.isValid(ip) && ipaddr.process(ip).range() === 'loopback';
}

/** `host[:port]` of a Host header or an origin, normalized (default port dropped, lower case); undefined when malformed. */
function authority(hostOrOrigin: string | undefined, scheme = 'http:'): URL | undefined {
  if (!hostOrOrigin) return undefined;
  try {
    const url = new URL(hostOrOrigin.includes('://') ? hostOrOrigin : `${scheme}//${hostOrOrigin}`);
    return url.username || url.password || (url.pathname !== '/' && url.pathname !== '') ? undefined : url;
  } catch {
    return undefined;
  }
}

function hostAllowed(req: IncomingMessage, allowedHosts: readonly string[]): boolean {
  const host = authority(req.headers.host);
  if (!host) return false;
  if (isLoopbackHost(host.hostname)) return true;
  return allowedHosts.some(allowed => {
    const entry = authority(allowed.toLowerCase());
    return entry !== undefined && entry.hostname === host.hostname && (!entry.port || entry.port === host.port);
  });
}

/** Whether a browser sent this request on behalf of another site or origin's page. */
function crossSite(req: IncomingMessage): string | undefined {
  const site = req.headers['sec-fetch-site'];
  const safe = SAFE_METHODS.has(req.method ?? '');
  // A link followed from another site to the dashboard or a JSON page is fine: that page cannot read the answer.
  if ((site === 'cross-site' || site === 'same-site') && !(safe && req.headers['sec-fetch-mode'] === 'navigate')) {
    return `the admin API refuses requests from pages of other sites (Sec-Fetch-Site: ${site})`;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !safe) {
    const own = authority(req.headers.host);
    const from = origin === 'null' ? undefined : authority(origin);
    if (!own || !from || from.host !== own.host) return `the admin API refuses changes from pages of another origin (Origin: ${origin})`;
  }
  return undefined;
}

/**
 * Why a request may not use the admin API or the dashboard, as a problem, or undefined when it may.
 * `presented` is the token the client sent (by default from `Authorization: Bearer …`).
 */
export function adminRefusal(req: IncomingMessage, options: AdminAccessOptions, presented = bearerToken(req)): HttpProblem | undefined {
  const { token, isLoopback = isLoopbackAddress, allowedHosts = [] } = options;
  const crossSiteReason = crossSite(req);
  if (crossSiteReason) return problem('forbidden', crossSiteReason);
  if (token !== undefined) {
    if (!presented) return problem('forbidden', 'the admin API requires Authorization: Bearer <admin token>');
    if (!timingSafeEqual(digest(presented), digest(token))) return problem('forbidden', 'the admin token is wrong');
    return undefined;
  }
  // Without a token, Authorization is not looked at: a browser extension's Basic header changes nothing.
  if (!isLoopback(req.socket.remoteAddress)) {
    return problem(
      'forbidden',
      'the admin API answers loopback clients only; start the server with --admin-token (SANDBOX_ADMIN_TOKEN) to use it from elsewhere',
    );
  }
  if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) {
    options.onProxied?.(PROXY_WARNING);
    options.onProxied = undefined;
    return problem('forbidden', 'the admin API does not answer through a proxy without an admin token; start the server with --admin-token (SANDBOX_ADMIN_TOKEN)');
  }
  if (!hostAllowed(req, allowedHosts)) {
    return problem(
      'forbidden',
      `the admin API answers requests for localhost, 127.0.0.1 or [::1] only, not for Host ${JSON.stringify(req.headers.host ?? '')}; list other names with --allowed-hosts (SANDBOX_ALLOWED_HOSTS), or use --admin-token`,
    );
  }
  return undefined;
}

/** The credentials of `Authorization: Bearer …`; the scheme is case-insensitive (RFC 9110 §11.1). */
export function bearerToken(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() || undefined;
}

/** A write's body must be JSON: 415 for any other media type. */
function mediaTypeRefusal(req: Request): HttpProblem | undefined {
  if (SAFE_METHODS.has(req.method) || req.method === 'OPTIONS') return undefined;
  const type = req.headers['content-type'];
  const hasBody = type !== undefined || (req.headers['content-length'] ?? '0') !== '0' || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return undefined;
  const mediaType = (type ?? '').split(';')[0].trim().toLowerCase();
  if (ADMIN_MEDIA_TYPES.has(mediaType)) return undefined;
  return new HttpProblem(
    415,
    'unsupported_media_type',
    `the admin API accepts request bodies as application/json or application/merge-patch+json only, not ${type === undefined ? 'without a Content-Type' : JSON.stringify(type)}`,
  );
}

export function adminAccess(options: AdminAccessOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const refusal =
      (req.method === 'OPTIONS' && req.headers.origin !== undefined
        ? problem('forbidden', 'the admin API does not answer cross-origin requests (no CORS)')
        : undefined) ??
      adminRefusal(req, options) ??
      mediaTypeRefusal(req);
    if (!refusal) {
      // Without a token, Authorization means nothing here (Prism would judge a browser extension's Basic header).
      if (options.token === undefined) delete req.headers.authorization;
      return next();
    }
    const { status, headers, body } = renderAdminProblem(refusal);
    res.status(status).set(headers).send(JSON.stringify(body));
  };
}
