// Redis for the queue: connection options from REDIS_URL, and a start-up check that fails fast and says how to fix it.
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { PhotocheckError } from '../errors/catalogue.ts';

export const defaultRedisUrl = 'redis://127.0.0.1:6379';

/** How a connection behaves when Redis goes away: producers fail fast, workers wait for it to come back. */
export type ConnectionRole = 'producer' | 'worker' | 'check';

/** Connection options for ioredis (and BullMQ) from a redis:// or rediss:// URL. */
export function redisOptions(url: string, role: ConnectionRole): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new PhotocheckError('PC_ERR_USAGE', { reason: `REDIS_URL 应形如 redis://主机:端口 / expected REDIS_URL like redis://host:port but received ${url}` });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new PhotocheckError('PC_ERR_USAGE', { reason: `REDIS_URL 应以 redis:// 开头 / expected a redis:// or rediss:// URL but received ${url}` });
  }
  const base: RedisOptions = {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    connectTimeout: 5_000,
  };
  switch (role) {
    case 'producer':
      // A request that cannot reach Redis fails within seconds instead of waiting in an offline queue.
      return { ...base, maxRetriesPerRequest: 1, enableOfflineQueue: false };
    case 'worker':
      // BullMQ's blocking commands need maxRetriesPerRequest null; reconnects keep going while Redis restarts.
      return { ...base, maxRetriesPerRequest: null };
    case 'check':
      return { ...base, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null };
  }
}

/** Hide a password in a URL before it goes into a message or a log. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** The value of `field` in INFO output (`field:value` lines). */
export function infoField(info: string, field: string): string | undefined {
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return m?.[1]?.trim();
}

/**
 * Check Redis before starting: reachable within `timeoutMs`, and `maxmemory-policy noeviction` (BullMQ's keys
 * must never be evicted). Throws PC_ERR_REDIS_UNREACHABLE or PC_ERR_REDIS_EVICTION naming the setting to change.
 */
export async function checkRedis(url: string, timeoutMs = 5_000): Promise<{ version: string; policy: string }> {
  const client = new Redis({ ...redisOptions(url, 'check'), connectTimeout: timeoutMs });
  let socketError: NodeJS.ErrnoException | undefined;
  client.on('error', (err: NodeJS.ErrnoException) => (socketError ??= err)); // the cause; connect() only says "Connection is closed"
  const shown = redactUrl(url);
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([client.connect(), timeout]);
      const info = await Promise.race([client.info(), timeout]);
      const policy = infoField(info, 'maxmemory_policy') ?? 'unknown';
      if (policy !== 'noeviction') throw new PhotocheckError('PC_ERR_REDIS_EVICTION', { url: shown, policy });
      return { version: infoField(info, 'redis_version') ?? 'unknown', policy };
    } finally {
      clearTimeout(timer);
    }
  } catch (err) {
    if (err instanceof PhotocheckError) throw err;
    const e = socketError ?? (err as NodeJS.ErrnoException);
    throw new PhotocheckError('PC_ERR_REDIS_UNREACHABLE', { url: shown, reason: (e.code ?? e.message).replace(/\.$/, '') });
  } finally {
    client.disconnect();
  }
}
