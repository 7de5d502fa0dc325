// Who may use the admin API: loopback clients, or — when the server has an admin token — every
// client that presents it (and then only those). Everyone else gets a 403.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import ipaddr from 'ipaddr.js';
import { problem } from '../core/problem.js';
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
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Why a request may not use the admin API, or undefined when it may. `presented` is the token the
 * client sent (by default from `Authorization: Bearer …`).
 */
export function adminRefusal(
  req: Request,
  { token, isLoopback = isLoopbackAddress }: AdminAccessOptions,
  presented = bearerToken(req),
): string | undefined {
  if (token !== undefined) {
    if (!presented) return 'the admin API requires Authorization: Bearer <admin token>';
    if (!timingSafeEqual(digest(presented), digest(token))) return 'the admin token is wrong';
    return undefined;
  }
  if (!isLoopback(req.socket.remoteAddress)) {
    return 'the admin API answers loopback clients only; start the server with --admin-token (SANDBOX_ADMIN_TOKEN) to use it from elsewhere';
  }
  return undefined;
}

export function bearerToken(req: Request): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() || undefined;
}

export function adminAccess(options: AdminAccessOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const refusal = adminRefusal(req, options);
    if (!refusal) return next();
    const { status, headers, body } = renderAdminProblem(problem('forbidden', refusal));
    res.status(status).set(headers).send(JSON.stringify(body));
  };
}
