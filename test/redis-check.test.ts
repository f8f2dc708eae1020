// Redis at start-up: an unreachable one is a clear error within seconds, and one that may evict keys is refused with the setting to change.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { PhotocheckError } from '../src/errors/catalogue.ts';
import { checkRedis, infoField, redactUrl } from '../src/queue/redis.ts';
import { bin, root } from './helpers/processes.ts';
import { redisUrl, requireRedis } from './helpers/redis.ts';

/** A TCP port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const started: { kill(): void }[] = [];
afterAll(() => started.forEach((p) => p.kill()));

describe('checkRedis', () => {
  it('accepts the test Redis (noeviction)', async () => {
    await requireRedis();
    expect(await checkRedis(redisUrl)).toMatchObject({ policy: 'noeviction' });
  });

  it('fails within the timeout with PC_ERR_REDIS_UNREACHABLE when nothing listens', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const err = await checkRedis(`redis://127.0.0.1:${port}`, 1_500).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PhotocheckError);
    expect((err as PhotocheckError).code).toBe('PC_ERR_REDIS_UNREACHABLE');
    expect((err as PhotocheckError).messageIn('en')).toContain('REDIS_URL');
    expect(Date.now() - t0).toBeLessThan(3_000);
  });

  it('refuses a Redis whose maxmemory-policy may evict jobs, naming the setting', async () => {
    const which = spawnSync('redis-server', ['--version']);
    if (which.error) throw new Error('redis-server is needed for this test (apt-get install redis-server)');
    const port = await freePort();
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'allkeys-lru'], {
      stdio: 'ignore',
    });
    started.push(server);
    const url = `redis://127.0.0.1:${port}`;
    let err: unknown;
    for (let i = 0; i < 50; i++) {
      err = await checkRedis(url, 1_000).catch((e: unknown) => e);
      if ((err as PhotocheckError).code !== 'PC_ERR_REDIS_UNREACHABLE') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((err as PhotocheckError).code).toBe('PC_ERR_REDIS_EVICTION');
    expect((err as PhotocheckError).messageIn('en')).toContain('maxmemory-policy noeviction');
    expect((err as PhotocheckError).messageIn('en')).toContain('allkeys-lru');
  });

  it('makes `photocheck worker` exit 1 with the reason, not hang, when Redis is unreachable', async () => {
    const port = await freePort();
    const r = spawnSync(process.execPath, [bin, 'worker', '--redis', `redis://127.0.0.1:${port}`, '--lang', 'en'], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Cannot reach Redis at redis://127.0.0.1:${port}`);
  });

  it('reads INFO fields and hides passwords', () => {
    expect(infoField('# Memory\r\nmaxmemory_policy:noeviction\r\n', 'maxmemory_policy')).toBe('noeviction');
    expect(redactUrl('redis://:secret@host:6379/0')).not.toContain('secret');
  });
});
