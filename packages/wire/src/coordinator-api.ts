import { z } from 'zod';
import {
  ApiId,
  ChainConnectivity,
  DkgRoundSummary,
  FederationKey,
  LastRounds,
  OPERATOR_EVENTS,
  RelayConnectivity,
  SigningRoundSummary,
  XOnlyKeyHex,
} from './operator-api.ts';

// The Coordinator API v1: the HTTP bodies a coordinator serves to its operator. The parts it
// shares with the Signer API (keys, connectivity, round summaries, health) are in
// operator-api.ts; GET /v1/rounds answers `RoundsResponse` from there.

/** The coordinator selection as this process sees it for the current Bitcoin tip. */
export const CoordinatorRole = z
  .strictObject({
    /** The active coordinator's party id; null when no tip or signer set is known yet. */
    active: ApiId.nullable(),
    /** This process is the active coordinator (its operator's party is `active`). */
    self: z.boolean(),
  })
  .refine((r) => !r.self || r.active !== null, {
    message: 'self cannot be active when no coordinator is',
    path: ['self'],
  });
export type CoordinatorRole = z.infer<typeof CoordinatorRole>;

/** The round this coordinator is driving now, if any. */
export const CurrentRound = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('dkg'), round: DkgRoundSummary }),
  z.strictObject({ kind: z.literal('signing'), round: SigningRoundSummary }),
]);
export type CurrentRound = z.infer<typeof CurrentRound>;

/** GET /v1/status of a coordinator. */
export const CoordinatorStatus = z
  .strictObject({
    version: z.string().max(64),
    /** The operator's party (its coordinator inbox is `<partyId>-coordinator`). */
    partyId: ApiId,
    /** The operator's messaging key (shared with its signer). */
    messagingKey: XOnlyKeyHex,
    coordinator: CoordinatorRole,
    /** The current federation key; null before the first DKG. */
    key: FederationKey.nullable(),
    /** Parties in the registry's signer set (weight > 0 and a registered key). */
    parties: z.int().min(0).max(4000),
    currentRound: CurrentRound.nullable(),
    relay: RelayConnectivity,
    bitcoin: ChainConnectivity,
    stacks: ChainConnectivity,
    lastRounds: LastRounds,
  })
  .refine((s) => !s.coordinator.self || s.coordinator.active === s.partyId, {
    message: "self is active exactly when the active coordinator is this operator's party",
    path: ['coordinator', 'self'],
  })
  .refine((s) => s.coordinator.self || s.coordinator.active !== s.partyId, {
    message: "self is active exactly when the active coordinator is this operator's party",
    path: ['coordinator', 'self'],
  });
export type CoordinatorStatus = z.infer<typeof CoordinatorStatus>;

/** GET /v1/events: what a coordinator streams (SSE `event:` = `type`, `data:` = the JSON event). */
export const CoordinatorEvent = z.discriminatedUnion('type', [...OPERATOR_EVENTS]);
export type CoordinatorEvent = z.infer<typeof CoordinatorEvent>;

/** POST /v1/probe: optional caller data (at most 64 bytes, hex) folded into the probe message. */
export const ProbeRequest = z.strictObject({
  data: z
    .string()
    .regex(/^(?:[0-9a-f]{2}){0,64}$/, 'data: lowercase hex, at most 64 bytes')
    .optional(),
});
export type ProbeRequest = z.infer<typeof ProbeRequest>;

/**
 * Answer of POST /v1/probe: the signature of a message that can never spend (the probe preimage
 * `peg/probe/v1` ‖ data, SHA-256), under the output key; check it with any BIP340 verifier.
 */
export const ProbeResponse = z.strictObject({
  signId: ApiId,
  preimage: z.string().regex(/^(?:[0-9a-f]{2})+$/),
  messages: z.array(z.string().regex(/^[0-9a-f]{64}$/)).length(1),
  signatures: z.array(z.string().regex(/^[0-9a-f]{128}$/)).length(1),
  outputKey: XOnlyKeyHex,
  attempts: z.int().min(1).max(0xffff_ffff),
  excluded: z.array(z.strictObject({ partyId: ApiId, reason: z.string().max(64) })).max(4000),
  durationMs: z.int().min(0),
});
export type ProbeResponse = z.infer<typeof ProbeResponse>;

/** Where a withdrawal request is in the peg-out pipeline, in order (or `rejected`). */
export const PegOutState = z.enum([
  'seen',
  'confirmed',
  'signing',
  'broadcast',
  'mined',
  'completed',
  'rejected',
]);
export type PegOutState = z.infer<typeof PegOutState>;

const decimal = z.string().regex(/^(?:0|[1-9][0-9]{0,19})$/, 'a decimal integer');
const txid = z.string().regex(/^[0-9a-f]{64}$/, 'a txid: 64 lowercase hex');
const unixMs = z.int().min(0);

/** Query of GET /v1/queue: the newest `limit` requests, optionally in one state. */
export const PegOutQueueQuery = z.strictObject({
  limit: z.coerce.number().pipe(z.int().min(1).max(1_000)).default(100),
  state: PegOutState.optional(),
});
export type PegOutQueueQuery = z.infer<typeof PegOutQueueQuery>;

/** One withdrawal request as the coordinator follows it. */
export const PegOutRequest = z.strictObject({
  id: decimal,
  /** Sats paid to the recipient. */
  amount: decimal,
  maxFee: decimal,
  sender: z.string().min(1).max(200),
  /** `version:hashbytes` as the withdrawal contract stores the recipient. */
  recipient: z.string().regex(/^[0-6]:[0-9a-f]{40,64}$/, 'recipient: version:hashbytes'),
  /** Bitcoin height the request was made at. */
  burnHeight: z.int().min(0),
  state: PegOutState,
  /** The sweep that pays it (in the mempool or mined), if any. */
  sweepTxid: txid.nullable(),
  /** Why it waits (a left-out or refused request), if it does. */
  detail: z.string().max(2_000).nullable(),
  /** When it entered each state it has been in (unix ms). */
  at: z.partialRecord(PegOutState, unixMs),
});
export type PegOutRequest = z.infer<typeof PegOutRequest>;

/** What the pipeline saw and did at its last tick. */
export const PegOutPipelineStatus = z.strictObject({
  at: unixMs,
  walletAddress: z.string().nullable(),
  /** Sats in the wallet's confirmed UTXOs (those a sweep may spend). */
  walletBalance: decimal.nullable(),
  pending: z.int().min(0),
  liveSweeps: z.array(txid),
  lastAction: z.string().max(2_000),
});
export type PegOutPipelineStatus = z.infer<typeof PegOutPipelineStatus>;

/** GET /v1/queue. */
export const PegOutQueueResponse = z.strictObject({
  requests: z.array(PegOutRequest),
  counts: z.partialRecord(PegOutState, z.int().min(0)),
  pipeline: PegOutPipelineStatus.nullable(),
});
export type PegOutQueueResponse = z.infer<typeof PegOutQueueResponse>;

/** A sweep's life as the coordinator saw it. */
export const SweepState = z.enum([
  'signing',
  'signed',
  'broadcast',
  'mined',
  'completed',
  'failed',
  'dropped',
]);
export type SweepState = z.infer<typeof SweepState>;

/** One sweep transaction. */
export const PegOutSweep = z.strictObject({
  txid,
  /** The request ids its OP_RETURN names. */
  ids: z.array(decimal),
  /** Sats. */
  fee: decimal,
  /** sat/vB. */
  feeRate: z.number().min(0),
  vsize: z.int().min(0),
  state: SweepState,
  createdAt: unixMs,
  updatedAt: unixMs,
  broadcastAt: unixMs.nullable(),
  minedHeight: z.int().min(0).nullable(),
  /** The Stacks `complete-withdrawals` transaction. */
  completionTxid: z
    .string()
    .regex(/^(?:0x)?[0-9a-f]{64}$/)
    .nullable(),
  detail: z.string().max(2_000).nullable(),
});
export type PegOutSweep = z.infer<typeof PegOutSweep>;

/** Query of GET /v1/sweeps. */
export const SweepsQuery = z.strictObject({
  limit: z.coerce.number().pipe(z.int().min(1).max(500)).default(50),
});
export type SweepsQuery = z.infer<typeof SweepsQuery>;

/** GET /v1/sweeps: newest first. */
export const SweepsResponse = z.strictObject({ sweeps: z.array(PegOutSweep) });
export type SweepsResponse = z.infer<typeof SweepsResponse>;
