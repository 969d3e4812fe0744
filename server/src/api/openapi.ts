import { z } from 'zod';
import type { ApiRoute } from './Route.ts';

const toSchema = (s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
  const schema = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema['$schema'];
  return schema;
};

/**
 * OpenAPI 3.1 description generated from the contract schemas in @porchlight/protocol that
 * validate requests (and that the SDK checks answers against), so the document cannot drift.
 */
export function buildOpenApi(
  routes: readonly ApiRoute[],
  version: string,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const js = toSchema(schema, 'input') as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, prop] of Object.entries(js.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          schema: prop,
        });
      }
    }
    const security = r.auth === 'public' ? [] : [{ bearer: [] }];
    const success =
      r.status === 204
        ? { description: 'no content' }
        : r.produces !== undefined
          ? {
              description: 'success',
              content: {
                [r.produces]: { schema: { type: 'string', contentMediaType: r.produces } },
              },
            }
          : {
              description: 'success',
              content: { 'application/json': { schema: toSchema(r.response, 'output') } },
            };
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      security,
      'x-porchlight-action': typeof r.auth === 'object' ? r.auth.action : r.auth,
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content:
                r.bodyType === 'image/jpeg'
                  ? { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } }
                  : { 'application/json': { schema: toSchema(r.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [String(r.status)]: success,
        '400': { $ref: '#/components/responses/Error' },
        ...(r.auth !== 'public' ? { '401': { $ref: '#/components/responses/Error' } } : {}),
        ...(typeof r.auth === 'object' ? { '403': { $ref: '#/components/responses/Error' } } : {}),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Porchlight API', version },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'access token, device token or API key (plk_...)',
        },
      },
      responses: {
        Error: {
          description: 'error',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  error: {
                    type: 'object',
                    properties: { code: { type: 'string' }, message: { type: 'string' } },
                    required: ['code', 'message'],
                  },
                },
              },
            },
          },
        },
      },
    },
    paths,
  };
}
