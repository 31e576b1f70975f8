import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export type OpenApiOptions = { title: string; description: string; version: string };

/**
 * OpenAPI generated from the route schemas (zod, from @peg/wire): the document at /docs/json,
 * the UI at /docs. Routes need the operator's bearer token unless their schema says
 * `security: []`. Register before the routes (Fastify loading order).
 */
export const openApiPlugin = fp(
  async (app: FastifyInstance, opts: OpenApiOptions) => {
    await app.register(swagger, {
      openapi: {
        info: { title: opts.title, description: opts.description, version: opts.version },
        components: {
          securitySchemes: { operatorToken: { type: 'http', scheme: 'bearer' } },
        },
        security: [{ operatorToken: [] }],
      },
      transform: jsonSchemaTransform,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'peg-openapi' },
);
