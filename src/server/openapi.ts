// The OpenAPI 3.1 description of the API, made from the route table (zod schemas → JSON Schema), served at /api/openapi.json.
import { z } from 'zod';
import { errorCatalogue } from '../errors/catalogue.ts';
import type { Route } from './routes.ts';

const jsonSchema = (s: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

function parameters(route: Route): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema) as { properties?: Record<string, { description?: string }>; required?: string[] };
    for (const [name, prop] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), description: prop.description, schema: prop });
    }
  }
  return out;
}

export function openApiDocument(routes: readonly Route[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const errors = { 400: 'Bad request (PC_ERR_BAD_REQUEST, PC_ERR_UNKNOWN_UNIT, …)', 401: 'No or unknown token', 403: "Another unit's data, or a collector-only action", 404: 'Not found' };
    const responses = Object.fromEntries(
      Object.entries({ ...errors, ...r.responses }).map(([code, description]) => [
        code,
        Number(code) >= 400 ? { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } : { description },
      ]),
    );
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      description: r.description,
      parameters: parameters(r),
      ...(r.multipart ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: jsonSchema(r.multipart) } } } } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } } : {}),
      responses,
      security: [{ token: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'photocheck', version, description: "Campaign photo checks as a service: upload per unit and activity, progress, reports, reviewers' decisions, re-checks." },
    paths,
    components: {
      securitySchemes: { token: { type: 'http', scheme: 'bearer', description: 'A unit or collector token from `photocheck token create`' } },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: {
                code: { type: 'string', enum: Object.keys(errorCatalogue) },
                message: { type: 'object', properties: { zh: { type: 'string' }, en: { type: 'string' } } },
              },
            },
          },
        },
      },
    },
  };
}
