import {
  AckRequest,
  AckResponse,
  InboxParams,
  InboxStatus,
  ReadInboxQuery,
  ReadInboxResponse,
} from '@peg/wire';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { nextAfter, readStart } from '../core/cursor.ts';
import { RelayHttpError } from '../errors.ts';
import { readWithWait } from '../long-poll.ts';
import { v1Errors } from './v1-errors.ts';

/** Only the owner reads or acknowledges an inbox. */
function ownInbox(request: FastifyRequest, party: string): void {
  if (request.principal?.id !== party) {
    throw new RelayHttpError(403, 'forbidden', 'an inbox is readable only by its owner');
  }
}

/** Reading, acknowledging and inspecting one's own inbox. */
export const inboxRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/inboxes/:party/messages',
    {
      config: { auth: 'member' },
      schema: {
        summary: 'Read own inbox after a cursor, in order; long-poll with wait (ms)',
        tags: ['v1'],
        params: InboxParams,
        querystring: ReadInboxQuery,
        response: { 200: ReadInboxResponse, ...v1Errors },
      },
      // The answer is built right here from stored, already validated data: serialize it
      // without re-checking every envelope's hex against the schema (the hot read path).
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (request, reply) => {
      const { party } = request.params;
      ownInbox(request, party);
      const { store, closing, now } = app.relay;
      const { after, limit, wait } = request.query;
      // With an explicit `after` the cursor lookup (only reported) runs beside the read.
      const cursorLookup = store.cursor(party);
      if (after !== undefined) cursorLookup.catch(() => {}); // awaited below
      const start = readStart(after, after === undefined ? await cursorLookup : 0);
      const read = () => store.read(party, start, limit);
      let batch: Awaited<ReturnType<typeof read>>;
      if (wait > 0) {
        // A client that goes away ends its long-poll.
        const gone = new AbortController();
        reply.raw.once('close', () => gone.abort());
        batch = await readWithWait(store, party, wait, [closing, gone.signal], read, now);
      } else {
        batch = await read();
      }
      const cursor = await cursorLookup;
      return {
        messages: batch.map((m) => ({
          seq: m.seq,
          id: m.id,
          from: m.from,
          receivedAt: m.receivedAt,
          envelope: Buffer.from(m.envelope).toString('hex'),
        })),
        cursor,
        next: nextAfter(start, batch),
      };
    },
  );

  app.post(
    '/v1/inboxes/:party/ack',
    {
      config: { auth: 'member' },
      schema: {
        summary: 'Acknowledge everything up to and including a cursor (never moves back)',
        tags: ['v1'],
        params: InboxParams,
        body: AckRequest,
        response: { 200: AckResponse, ...v1Errors },
      },
    },
    async (request) => {
      const { party } = request.params;
      ownInbox(request, party);
      const outcome = await app.relay.store.ack(party, request.body.cursor);
      if (outcome.kind === 'ahead') {
        throw new RelayHttpError(
          400,
          'invalid-request',
          `cursor is past the inbox's last message ${outcome.head}`,
        );
      }
      return { cursor: outcome.cursor };
    },
  );

  app.get(
    '/v1/inboxes/:party',
    {
      config: { auth: 'member' },
      schema: {
        summary: 'Cursor and depth of own inbox',
        tags: ['v1'],
        params: InboxParams,
        response: { 200: InboxStatus, ...v1Errors },
      },
    },
    async (request) => {
      const { party } = request.params;
      ownInbox(request, party);
      const { store } = app.relay;
      return { party, cursor: await store.cursor(party), depth: await store.depth(party) };
    },
  );
};
