import type { EventStream } from '@peg/runtime';
import {
  CoordinatorEvent,
  CoordinatorStatus,
  PegOutQueueQuery,
  PegOutQueueResponse,
  ProbeRequest,
  ProbeResponse,
  RelayError,
  RoundsQuery,
  RoundsResponse,
  SweepsQuery,
  SweepsResponse,
} from '@peg/wire';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CoordinatorApiDeps } from './deps.ts';

const refused = { 401: RelayError };

/** The Coordinator API's /v1 routes (registered behind the operator token). */
export const coordinatorRoutes: FastifyPluginAsyncZod<{
  deps: CoordinatorApiDeps;
  stream: EventStream;
}> = async (app, { deps, stream }) => {
  app.get(
    '/status',
    {
      schema: {
        summary: 'The active coordinator (and whether it is this one), key, round, connectivity',
        tags: ['coordinator'],
        response: { 200: CoordinatorStatus, ...refused },
      },
    },
    async () => deps.status(),
  );

  app.get(
    '/rounds',
    {
      schema: {
        summary: 'The newest DKG and signing rounds: duration, participants, excluded, blamed',
        tags: ['coordinator'],
        querystring: RoundsQuery,
        response: { 200: RoundsResponse, 400: RelayError, ...refused },
      },
    },
    async (request) => deps.rounds(request.query),
  );

  app.get(
    '/queue',
    {
      schema: {
        summary: 'The peg-out queue: each withdrawal request with its state and timestamps',
        tags: ['peg-out'],
        querystring: PegOutQueueQuery,
        response: { 200: PegOutQueueResponse, 400: RelayError, ...refused },
      },
    },
    async (request) => deps.queue(request.query),
  );

  app.get(
    '/sweeps',
    {
      schema: {
        summary: 'The newest sweeps: txid, requests, fee, state, completion on Stacks',
        tags: ['peg-out'],
        querystring: SweepsQuery,
        response: { 200: SweepsResponse, 400: RelayError, ...refused },
      },
    },
    async (request) => deps.sweeps(request.query),
  );

  app.get(
    '/events',
    {
      schema: {
        summary: 'Live events (text/event-stream; `Last-Event-ID` resumes)',
        description:
          'Server-sent events: `event:` is the type, `data:` the JSON event, `id:` its id. ' +
          'A resuming client that missed events gets `event: gap` first and should re-read ' +
          '/v1/status.',
        tags: ['coordinator'],
        response: {
          200: {
            description: 'the event stream',
            content: { 'text/event-stream': { schema: CoordinatorEvent } },
          },
          ...refused,
        },
      },
    },
    (request, reply) => stream.serve(request, reply),
  );

  app.post(
    '/probe',
    {
      schema: {
        summary: 'Sign a probe message (spends nothing): a liveness check of the federation',
        description:
          'Only the active coordinator signs (others answer 409 naming it). The answer is the ' +
          'BIP340 signature under the output key, to check with any verifier.',
        tags: ['coordinator'],
        body: ProbeRequest,
        response: {
          200: ProbeResponse,
          400: RelayError,
          409: RelayError,
          504: RelayError,
          ...refused,
        },
      },
    },
    async (request) => deps.probe(request.body),
  );
};
