import { bytesToHex } from '@noble/hashes/utils.js';
import { AnnouncementsResponse } from '@peg/wire';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { RelayHttpError } from '../errors.ts';
import { v1Errors } from './v1-errors.ts';

/** GET /v1/announcements: every party's current key announcement (chain-membership mode). */
export const announcementRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/announcements',
    {
      config: { auth: 'member' },
      schema: {
        summary:
          "Every party's current key-announcement envelope (exact bytes, hex); re-verify with open",
        tags: ['v1'],
        response: { 200: AnnouncementsResponse, ...v1Errors },
      },
    },
    async () => {
      const chain = app.relay.chain;
      if (!chain) {
        throw new RelayHttpError(
          404,
          'not-found',
          'announcements are kept only with membership from the chain (--members-from-chain)',
        );
      }
      return {
        announcements: chain.announcements().map((a) => ({
          party: String(a.party),
          sequence: a.sequence,
          envelope: bytesToHex(a.envelope),
        })),
      };
    },
  );
};
