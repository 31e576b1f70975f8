import { ReloadMembersResponse } from '@peg/wire';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { RelayHttpError } from '../errors.ts';
import { v1Errors } from './v1-errors.ts';

/** POST /v1/admin/members/reload: re-read the members source (operators only). */
export const adminRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/admin/members/reload',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Reload the membership without restart (operator key required)',
        tags: ['admin'],
        response: { 200: ReloadMembersResponse, ...v1Errors },
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
