import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** OpenAPI document generated from the route schemas (zod, from @peg/wire), served at /docs. */
export const docsPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'peg relay',
          description:
            'Durable authenticated queue of the peg federation. Authenticate every /v1 request ' +
            'with `Authorization: PEG-BIP340 party=..,ts=..,nonce=..,sig=..` or ' +
            '`Authorization: Bearer <token>` (see docs/relay.md).',
          version: '1.0.0',
        },
        components: {
          securitySchemes: {
            bip340: { type: 'apiKey', in: 'header', name: 'Authorization' },
            bearer: { type: 'http', scheme: 'bearer' },
          },
        },
        // Every route needs one of the two unless its schema says otherwise (health: none;
        // the token route: a signed request only).
        security: [{ bip340: [] }, { bearer: [] }],
      },
      transform: jsonSchemaTransform,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'relay-docs' },
);
