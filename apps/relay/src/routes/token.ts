import { TokenResponse } from '@peg/wire';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { issueToken } from '../core/token.ts';
import { hmacSha256 } from '../native-hash.ts';
import { v1Errors } from './v1-errors.ts';

/** POST /v1/auth/token: trade one signed request for a short-lived bearer token. */
export const tokenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/auth/token',
    {
      config: { auth: 'signed' },
      schema: {
        summary: 'Get a bearer token (the request must be PEG-BIP340 signed)',
        security: [{ bip340: [] }],
        tags: ['v1'],
        response: { 200: TokenResponse, ...v1Errors },
      },
    },
    async (request) => {
      const ctx = app.relay;
      const principal = request.principal!;
      const expiresAt = ctx.now() + ctx.auth.tokenTtlMs;
      const token = issueToken(
        hmacSha256,
        ctx.auth.tokenSecret,
        ctx.membership(),
        principal,
        request.authKey!,
        expiresAt,
      );
      return { token, party: principal.id, expiresAt };
    },
  );
};
