import type { EventSource, EventStreamOptions, Readiness } from '@peg/runtime';
import type {
  CoordinatorEvent,
  CoordinatorStatus,
  PegOutQueueQuery,
  PegOutQueueResponse,
  ProbeRequest,
  ProbeResponse,
  RoundsQuery,
  RoundsResponse,
  SweepsQuery,
  SweepsResponse,
} from '@peg/wire';
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';

/**
 * What the Coordinator API needs from the coordinator process. Every answer is checked against
 * its @peg/wire schema on the way out: a body that does not match is a 500 (logged), never sent.
 */
export type CoordinatorApiDeps = {
  /** The coordinator's status now: selection, key, current round, connectivity. */
  status(): CoordinatorStatus | Promise<CoordinatorStatus>;
  /** The newest DKG and signing rounds it saw or drove, newest first, at most `query.limit` each. */
  rounds(query: RoundsQuery): RoundsResponse | Promise<RoundsResponse>;
  /** The peg-out queue: the newest requests with their states and times, counts, the pipeline. */
  queue(query: PegOutQueueQuery): PegOutQueueResponse | Promise<PegOutQueueResponse>;
  /** The newest sweeps: txid, ids, fee and fee rate, state, confirmations, completion. */
  sweeps(query: SweepsQuery): SweepsResponse | Promise<SweepsResponse>;
  /** Runs a probe round (POST /v1/probe); throws ApiHttpError 409 when not active. */
  probe(request: ProbeRequest): Promise<ProbeResponse>;
  /** Live events; subscribed once when the API is built, unsubscribed when it closes. */
  events: EventSource<CoordinatorEvent>;
  /** The process's metrics registry (`createMetricsRegistry`), served at /metrics. */
  metrics: Registry;
  /** The bearer token of every /v1 route, >= 32 visible ASCII characters (never logged). */
  operatorToken: string;
  /** Readiness, for GET /health. */
  ready(): Readiness | Promise<Readiness>;
  /** The version shown in the OpenAPI document. */
  version: string;
  logger?: FastifyBaseLogger;
};

/** Knobs of the API itself (defaults suit production). */
export type CoordinatorApiOptions = {
  /** Serve OpenAPI at /docs (default true). */
  docs?: boolean;
  /** Limits of the event stream (ring size, heartbeat, per-client buffer, clients). */
  events?: EventStreamOptions;
  /** Clock, unix ms (health's uptime). */
  now?: () => number;
};
