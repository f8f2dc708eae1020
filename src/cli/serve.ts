// `photocheck serve`: the HTTP API on a port, backed by SQLite in the data directory and the BullMQ queue in Redis.
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { AnalysisQueue } from '../queue/producer.ts';
import { redactUrl } from '../queue/redis.ts';
import { ResultCollector } from '../queue/results.ts';
import { buildServer } from '../server/app.ts';
import { PhotocheckService } from '../service/service.ts';
import { Store } from '../store/store.ts';

export interface ServeOptions {
  port: number;
  host: string;
  data: string;
  redis: string;
  prefix: string;
  campaign?: string;
  faces?: string;
  ocr?: string;
}

/** Start the API; resolves when SIGTERM/SIGINT has closed it. */
export async function serveCommand(o: ServeOptions): Promise<void> {
  const log = pino({ base: { service: 'photocheck-api' } });
  const queue = await AnalysisQueue.open({ redisUrl: o.redis, prefix: o.prefix }); // refuses an unreachable or evicting Redis
  const store = new Store(o.data);
  const service = new PhotocheckService({ store, queue, campaignFile: o.campaign, analyser: { faces: o.faces, text: o.ocr } });
  const app = await buildServer({ service, logger: log });
  // The only writer of SQLite: stores what the workers finished (also while this API was down), then queues
  // again whatever still has no analysis, and does so again whenever Redis comes back after an outage.
  const results = await ResultCollector.start({
    queue,
    store,
    versions: [service.analysisVersion],
    logger: log,
    onReconnect: async () => log.info({ event: 'requeued', requeued: await service.requeuePending() }, 'queued again after a Redis outage'),
  });
  const requeued = await service.requeuePending();
  await app.listen({ port: o.port, host: o.host });
  log.info(
    { event: 'ready', url: `http://${o.host}:${(app.server.address() as AddressInfo).port}`, data: o.data, redis: redactUrl(o.redis), prefix: o.prefix, campaign: service.campaign.id, requeued },
    'photocheck API ready',
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  log.info({ event: 'closing' }, 'closing');
  await app.close();
  await results.close();
  await queue.close();
  store.close();
}
