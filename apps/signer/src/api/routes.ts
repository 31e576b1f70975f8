import { ApiHttpError, type EventStream } from '@peg/runtime';
import {
  BreakerStatus,
  DecisionsQuery,
  DecisionsResponse,
  ListWithdrawalsQuery,
  ListWithdrawalsResponse,
  RelayError,
  ReviewDecision,
  ReviewDecisionResponse,
  RotateMessagingKeyResponse,
  RoundsQuery,
  RoundsResponse,
  SignerEvent,
  SignerKeyPackage,
  SignerStatus,
  VerifyRequest,
  VerifyResponse,
} from '@peg/wire';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SignerApiDeps } from './deps.ts';
import { verifySignature } from './verify.ts';

const refused = { 401: RelayError };

/** The Signer API's /v1 routes (registered behind the operator token). */
export const signerRoutes: FastifyPluginAsyncZod<{
  deps: SignerApiDeps;
  stream: EventStream;
}> = async (app, { deps, stream }) => {
  app.get(
    '/status',
    {
      schema: {
        summary: 'Who this signer is, the key it holds a share of, what it can reach',
        tags: ['signer'],
        response: { 200: SignerStatus, ...refused },
      },
    },
    async () => deps.status(),
  );

  app.post(
    '/verify',
    {
      schema: {
        summary: 'Check a BIP340 signature against the federation key (aggregate or output)',
        tags: ['signer'],
        body: VerifyRequest,
        response: { 200: VerifyResponse, 400: RelayError, 409: RelayError, ...refused },
      },
    },
    async (request) => {
      const { key } = await deps.status();
      const result = verifySignature(request.body, key);
      if (!result) throw new ApiHttpError(409, 'conflict', 'no federation key yet (no DKG)');
      return result;
    },
  );

  app.get(
    '/rounds',
    {
      schema: {
        summary: 'The newest DKG and signing rounds this signer took part in, newest first',
        tags: ['signer'],
        querystring: RoundsQuery,
        response: { 200: RoundsResponse, 400: RelayError, ...refused },
      },
    },
    async (request) => deps.rounds(request.query),
  );

  app.get(
    '/decisions',
    {
      schema: {
        summary: 'The sweeps this signer was asked to sign: approved, or refused with the reason',
        tags: ['peg-out'],
        querystring: DecisionsQuery,
        response: { 200: DecisionsResponse, 400: RelayError, ...refused },
      },
    },
    async (request) => deps.decisions(request.query),
  );

  app.post(
    '/breaker/reset',
    {
      schema: {
        summary: "Reset the policy's circuit breaker (automatic approval resumes)",
        description:
          'A tripped breaker holds every request for review until its operator resets it; the ' +
          'reset is logged. Answers the breaker as it now is.',
        tags: ['peg-out'],
        response: { 200: BreakerStatus, ...refused },
      },
    },
    async () => deps.resetBreaker(),
  );

  app.get(
    '/withdrawals',
    {
      schema: {
        summary: 'Requests this signer reviewed or holds for review, by request id',
        description:
          'Every request the policy did not approve outright: pending ones (with the rule that ' +
          'could not decide, the sweep they would be part of and the deadline), and decided ones ' +
          '(by the policy, the operator, or the deadline). `after` pages by request id.',
        tags: ['peg-out'],
        querystring: ListWithdrawalsQuery,
        response: { 200: ListWithdrawalsResponse, 400: RelayError, ...refused },
      },
    },
    async (request) => deps.withdrawals(request.query),
  );

  app.post(
    '/withdrawals/:requestId/decision',
    {
      schema: {
        summary: 'Accept or reject a request held for review (final), with a signed receipt',
        tags: ['peg-out'],
        params: z.strictObject({
          requestId: z.coerce.number().pipe(z.int().min(1).max(Number.MAX_SAFE_INTEGER)),
        }),
        body: ReviewDecision,
        response: {
          200: ReviewDecisionResponse,
          400: RelayError,
          404: RelayError,
          409: RelayError,
          ...refused,
        },
      },
    },
    async (request) => deps.decideReview(request.params.requestId, request.body),
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
        tags: ['signer'],
        response: {
          200: {
            description: 'the event stream',
            content: { 'text/event-stream': { schema: SignerEvent } },
          },
          ...refused,
        },
      },
    },
    (request, reply) => stream.serve(request, reply),
  );

  app.get(
    '/key',
    {
      schema: {
        summary: 'The public key package of the verified federation key (for its own coordinator)',
        tags: ['signer'],
        response: { 200: SignerKeyPackage, 409: RelayError, ...refused },
      },
    },
    async () => {
      const pkg = await deps.keyPackage();
      if (pkg === null) throw new ApiHttpError(409, 'conflict', 'no verified federation key yet');
      return pkg;
    },
  );

  app.post(
    '/messaging-key/rotate',
    {
      schema: {
        summary: 'Replace the messaging key and announce it; the old key is refused afterwards',
        tags: ['signer'],
        response: { 200: RotateMessagingKeyResponse, 409: RelayError, ...refused },
      },
    },
    async () => deps.rotateMessagingKey(),
  );
};
