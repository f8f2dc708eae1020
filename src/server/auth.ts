// Who may see what: every API request and web page carries a token (header or sign-in cookie); a unit's token reaches only that unit, the collector's every unit.
import type { FastifyRequest } from 'fastify';
import { PhotocheckError } from '../errors/catalogue.ts';
import type { Store, Token } from '../store/store.ts';

/** The HttpOnly cookie the web pages' sign-in sets; it carries the same token as the Authorization header. */
export const tokenCookie = 'photocheck_token';

/** The value of one cookie of the request, if present. */
export function cookieValue(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The token of the request, from `Authorization: Bearer <token>` or else the sign-in cookie.
 * PC_ERR_AUTH_REQUIRED / PC_ERR_TOKEN_INVALID otherwise. A cookie is sent by the browser on its own, so a
 * state-changing request that carries only the cookie must come from this site's own pages (Origin check;
 * the cookie is also SameSite=Strict).
 */
export function authenticate(store: Store, req: FastifyRequest): Token {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  const presented = m?.[1] ?? cookieValue(req, tokenCookie);
  if (!presented) throw new PhotocheckError('PC_ERR_AUTH_REQUIRED');
  const token = store.findToken(presented);
  if (!token) {
    req.log.warn({ event: 'denied', reason: 'invalid-token', url: req.url }, 'unknown or revoked token');
    throw new PhotocheckError('PC_ERR_TOKEN_INVALID');
  }
  if (!m && req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req)) {
    req.log.warn({ event: 'denied', reason: 'cross-site', origin: req.headers.origin, url: req.url }, 'a cookie-authenticated request from another site');
    throw new PhotocheckError('PC_ERR_AUTH_REQUIRED');
  }
  return token;
}

/** Origin (or, without it, Referer) names this host; a request with neither is not from a browser page. */
function sameOrigin(req: FastifyRequest): boolean {
  const from = req.headers.origin ?? req.headers.referer;
  if (!from) return true;
  try {
    return new URL(from).host === req.headers.host;
  } catch {
    return false;
  }
}

/** A unit's token may act for its own unit only (403, logged); the collector's for any unit. */
export function requireUnit(req: FastifyRequest, token: Token, unit: string): void {
  if (token.role === 'collector' || token.unit === unit) return;
  req.log.warn({ event: 'denied', reason: 'other-unit', token: token.id, own: token.unit, unit, url: req.url }, 'a unit asked for another unit');
  throw new PhotocheckError('PC_ERR_FORBIDDEN', { own: token.unit, unit });
}

/** Only the collector may (403, logged). */
export function requireCollector(req: FastifyRequest, token: Token, collector: string, action: { zh: string; en: string }): void {
  if (token.role === 'collector') return;
  req.log.warn({ event: 'denied', reason: 'collector-only', token: token.id, own: token.unit, url: req.url }, 'a unit asked for a collector-only action');
  throw new PhotocheckError('PC_ERR_COLLECTOR_ONLY', { collector, action });
}

/**
 * A record of another unit is answered as if it did not exist (404, logged): ids are sequential, and a 403
 * would tell which ones belong to somebody else.
 */
export function hideOtherUnit(req: FastifyRequest, token: Token, unit: string, what: string): void {
  if (token.role === 'collector' || token.unit === unit) return;
  req.log.warn({ event: 'denied', reason: 'other-unit-record', token: token.id, own: token.unit, unit, url: req.url }, 'a unit asked for a record of another unit');
  throw new PhotocheckError('PC_ERR_NOT_FOUND', { what });
}
