// Integration tests run against a real Redis: the one at REDIS_URL (default 127.0.0.1:6379), each run under its own key prefix.
import { Redis } from 'ioredis';
import { checkRedis, defaultRedisUrl, redisOptions } from '../../src/queue/redis.ts';

export const redisUrl = process.env.REDIS_URL || defaultRedisUrl;

/** Fail fast (never skip, never hang) when Redis is not there, saying how to get one. */
export async function requireRedis(): Promise<void> {
  try {
    await checkRedis(redisUrl, 2_000);
  } catch (err) {
    throw new Error(
      `These integration tests need Redis 7 at ${redisUrl} with maxmemory-policy noeviction: ${(err as Error).message}\n` +
        `Start one (apt-get install redis-server; redis-server --daemonize yes --maxmemory-policy noeviction) or set REDIS_URL. .ci/run starts one.`,
    );
  }
}

/** A BullMQ prefix no other run uses. */
export function uniquePrefix(name: string): string {
  return `pctest-${name}-${process.pid}-${Date.now().toString(36)}`;
}

/** Delete every key under a prefix. */
export async function dropPrefix(prefix: string): Promise<void> {
  const client = new Redis({ ...redisOptions(redisUrl, 'producer'), enableOfflineQueue: true });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
