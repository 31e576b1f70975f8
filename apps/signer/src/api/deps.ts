import type { EventSource, EventStreamOptions, Readiness } from '@peg/runtime';
import type {
  BreakerStatus,
  DecisionsQuery,
  DecisionsResponse,
  ListWithdrawalsQuery,
  ListWithdrawalsResponse,
  ReviewDecision,
  ReviewDecisionResponse,
  RotateMessagingKeyResponse,
  RoundsQuery,
  RoundsResponse,
  SignerEvent,
  SignerKeyPackage,
  SignerStatus,
} from '@peg/wire';
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';

/**
 * What the Signer API needs from the signer process. Every answer is checked against its
 * @peg/wire schema on the way out: a body that does not match is a 500 (logged), never sent.
 */
export type SignerApiDeps = {
  /** The signer's status now (the federation key in it is what POST /v1/verify checks against). */
  status(): SignerStatus | Promise<SignerStatus>;
  /** The newest rounds this signer took part in, newest first, at most `query.limit` of each. */
  rounds(query: RoundsQuery): RoundsResponse | Promise<RoundsResponse>;
  /** The newest peg-out decisions (sweeps approved or refused, with reasons) and the breaker. */
  decisions(query: DecisionsQuery): DecisionsResponse | Promise<DecisionsResponse>;
  /** Resets the policy's circuit breaker (POST /v1/breaker/reset); the breaker as it now is. */
  resetBreaker(): BreakerStatus | Promise<BreakerStatus>;
  /** Requests held for review or decided (GET /v1/withdrawals). */
  withdrawals(
    query: ListWithdrawalsQuery,
  ): ListWithdrawalsResponse | Promise<ListWithdrawalsResponse>;
  /**
   * The operator's decision on a pending review (POST /v1/withdrawals/:id/decision); throws
   * ApiHttpError 404 for an unknown request, 409 for one already decided.
   */
  decideReview(
    requestId: number,
    decision: ReviewDecision,
  ): ReviewDecisionResponse | Promise<ReviewDecisionResponse>;
  /** The verified key's public package (GET /v1/key); null before one. */
  keyPackage(): SignerKeyPackage | null | Promise<SignerKeyPackage | null>;
  /** Rotates and announces the messaging key (POST /v1/messaging-key/rotate). */
  rotateMessagingKey(): Promise<RotateMessagingKeyResponse>;
  /** Live events; subscribed once when the API is built, unsubscribed when it closes. */
  events: EventSource<SignerEvent>;
  /** The process's metrics registry (`createMetricsRegistry`), served at /metrics. */
  metrics: Registry;
  /** The bearer token of every /v1 route, >= 32 visible ASCII characters (never logged). */
  operatorToken: string;
  /** Readiness, for GET /health (e.g. store open, relay answered lately). */
  ready(): Readiness | Promise<Readiness>;
  /** The version shown in the OpenAPI document. */
  version: string;
  logger?: FastifyBaseLogger;
};

/** Knobs of the API itself (defaults suit production). */
export type SignerApiOptions = {
  /** Serve OpenAPI at /docs (default true). */
  docs?: boolean;
  /** Limits of the event stream (ring size, heartbeat, per-client buffer, clients). */
  events?: EventStreamOptions;
  /** Clock, unix ms (health's uptime). */
  now?: () => number;
};
