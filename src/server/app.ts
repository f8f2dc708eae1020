// The fastify app: multipart uploads, token on every /api request, routes from the table, errors from the catalogue.
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { PhotocheckError } from '../errors/catalogue.ts';
import type { PhotocheckService } from '../service/service.ts';
import type { Token } from '../store/store.ts';
import { authenticate } from './auth.ts';
import { openApiDocument } from './openapi.ts';
import { routes, uploadDefaults, type UploadLimits } from './routes.ts';
import { webPages } from '../web/pages.ts';

export interface ServerOptions {
  service: PhotocheckService;
  /** Logger (pino). Default: fastify's own pino on stdout. `false`: no logging. */
  logger?: Logger | false;
  /** Upload limits. Default 50 MB per photo, 500 photos per upload. */
  limits?: Partial<UploadLimits>;
}

function errorBody(err: PhotocheckError) {
  return { error: err.toJSON() };
}

export async function buildServer(o: ServerOptions): Promise<FastifyInstance> {
  const limits = { ...uploadDefaults, ...o.limits };
  const app: FastifyInstance = o.logger ? (Fastify({ loggerInstance: o.logger }) as unknown as FastifyInstance) : Fastify({ logger: o.logger !== false });
  await app.register(multipart);

  app.setErrorHandler((err, req, reply) => {
    let e: PhotocheckError;
    if (err instanceof PhotocheckError) e = err;
    else if ((err as { statusCode?: number }).statusCode === 413) e = new PhotocheckError('PC_ERR_TOO_LARGE', { reason: (err as Error).message, ...limits });
    else if ((err as { statusCode?: number }).statusCode && (err as { statusCode: number }).statusCode < 500) {
      e = new PhotocheckError('PC_ERR_BAD_REQUEST', { issues: (err as Error).message });
    } else {
      req.log.error({ err }, 'request failed');
      e = new PhotocheckError('PC_ERR_INTERNAL', { reason: `request ${req.id}` });
      return reply.code(500).send(errorBody(e));
    }
    if (e.status >= 500) req.log.error({ code: e.code, err: e.message }, 'request failed');
    return reply.code(e.status).send(errorBody(e));
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(errorBody(new PhotocheckError('PC_ERR_NOT_FOUND', { what: `${req.method} ${req.url.split('?')[0]}` })));
  });

  // Liveness for containers: says nothing about any unit.
  app.get('/healthz', async () => ({ ok: true }));

  const doc = openApiDocument(routes, o.service.campaign.version);
  const authed = (req: Parameters<typeof authenticate>[1]): Token => authenticate(o.service.store, req);
  app.get('/api/openapi.json', async (req) => {
    authed(req);
    return doc;
  });
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (req, reply) => {
        const token = authed(req);
        return route.handler(
          { req, reply, token, service: o.service, limits },
          { params: req.params as Record<string, unknown>, query: req.query as Record<string, unknown>, body: req.body },
        );
      },
    });
  }
  await app.register(webPages, { service: o.service }); // the web pages (src/web/)
  return app;
}
