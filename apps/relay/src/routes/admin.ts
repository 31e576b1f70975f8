import { RelayError, ReloadMembersResponse } from '@peg/wire';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { RelayHttpError } from '../errors.ts';

/** POST /v1/admin/members/reload: re-read the members source (operators only). */
export const adminRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/admin/members/reload',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Reload the membership without restart (operator key required)',
        tags: ['admin'],
        response: {
          200: ReloadMembersResponse,
          400: RelayError,
          401: RelayError,
          403: RelayError,
          429: RelayError,
        },
      },
    },
    async (request) => {
      try {
        const m = await app.relay.reloadMembers();
        return { federation: m.federation, members: m.members.size };
      } catch (err) {
        request.log.warn({ err }, 'membership reload refused');
        throw new RelayHttpError(
          400,
          'invalid-request',
          'members source rejected; membership unchanged',
        );
      }
    },
  );
};
