// Who may see what: every API request carries a token; a unit's token reaches only that unit, the collector's every unit.
import type { FastifyRequest } from 'fastify';
import { PhotocheckError } from '../errors/catalogue.ts';
import type { Store, Token } from '../store/store.ts';

/** The token of the request, from `Authorization: Bearer <token>`. PC_ERR_AUTH_REQUIRED / PC_ERR_TOKEN_INVALID otherwise. */
export function authenticate(store: Store, req: FastifyRequest): Token {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) throw new PhotocheckError('PC_ERR_AUTH_REQUIRED');
  const token = store.findToken(m[1]!);
  if (!token) {
    req.log.warn({ event: 'denied', reason: 'invalid-token', url: req.url }, 'unknown or revoked token');
    throw new PhotocheckError('PC_ERR_TOKEN_INVALID');
  }
  return token;
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
