import { PostMessageRequest, PostMessageResponse, RelayError } from '@peg/wire';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { mayBeAnnouncement } from '../core/chain-membership.ts';
import { postDigest, resolveRecipients } from '../core/recipients.ts';
import { checkEnvelopeSender } from '../core/sender.ts';
import { RelayHttpError, StoreUnavailableError } from '../errors.ts';
import { sha256Hex } from '../native-hash.ts';
import { v1Errors } from './v1-errors.ts';

/** POST /v1/messages: store a sealed envelope for one party, several, or all. */
export const messageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/messages',
    {
      config: { auth: 'member' },
      schema: {
        summary: 'Post a sealed envelope (idempotent by sender and message id)',
        tags: ['v1'],
        body: PostMessageRequest,
        response: { 200: PostMessageResponse, ...v1Errors, 409: RelayError },
      },
    },
    async (request) => {
      const ctx = app.relay;
      const sender = request.principal!.id;
      const { id, to, envelope } = request.body;
      if (envelope.length / 2 > ctx.maxEnvelopeBytes) {
        throw new RelayHttpError(
          413,
          'payload-too-large',
          `envelope over ${ctx.maxEnvelopeBytes} bytes`,
        );
      }
      const resolved = resolveRecipients(to, sender, ctx.membership());
      if (!resolved.ok) {
        throw new RelayHttpError(
          400,
          'invalid-request',
          `unknown recipient(s): ${resolved.unknown.join(', ')}`,
        );
      }
      if (resolved.inboxes.length === 0) {
        throw new RelayHttpError(400, 'invalid-request', 'no recipient besides the sender');
      }
      const bytes = Buffer.from(envelope, 'hex');
      if (ctx.checkSender) {
        const check = checkEnvelopeSender(bytes, request.principal!.party);
        if (check === 'not-an-envelope') {
          throw new RelayHttpError(400, 'invalid-request', 'envelope is not a @peg/wire envelope');
        }
        if (check === 'mismatch') {
          throw new RelayHttpError(
            403,
            'forbidden',
            'envelope sender is not the authenticated party',
          );
        }
      }
      const outcome = await ctx.store.post({
        sender,
        id,
        digest: postDigest(to, bytes, sha256Hex),
        recipients: resolved.inboxes,
        envelope: bytes,
        receivedAt: ctx.now(),
      });
      if (outcome.kind === 'conflict') {
        throw new RelayHttpError(409, 'conflict', 'message id already used with other content');
      }
      // Chain membership: a key announcement (stored above, delivered like any message)
      // switches its party's messaging key once it verifies; a duplicate is offered again,
      // so a retry after a failed save completes it.
      if (ctx.chain && mayBeAnnouncement(bytes)) {
        let r: Awaited<ReturnType<typeof ctx.chain.offerAnnouncement>>;
        try {
          r = await ctx.chain.offerAnnouncement(bytes);
        } catch (err) {
          throw new StoreUnavailableError('saveAnnouncement', err);
        }
        if (!r.ok) request.log.debug({ refusal: r }, 'key announcement not accepted');
      }
      return { id, recipients: outcome.recipients, duplicate: outcome.kind === 'duplicate' };
    },
  );
};
