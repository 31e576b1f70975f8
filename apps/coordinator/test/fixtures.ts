// Test fixtures of the Coordinator API: a status around a real key, rounds, and an app over
// deps that answer from plain values.
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { outputKey, taprootAddress } from '@peg/protocol';
import { createMetricsRegistry, EventHub, type Readiness } from '@peg/runtime';
import type {
  CoordinatorEvent,
  CoordinatorStatus,
  DkgRoundSummary,
  FederationKey,
  PegOutRequest,
  PegOutSweep,
  RoundsResponse,
  SigningRoundSummary,
} from '@peg/wire';
import type { FastifyInstance } from 'fastify';
import { buildCoordinatorApi } from '../src/api/app.ts';
import type { CoordinatorApiDeps, CoordinatorApiOptions } from '../src/api/deps.ts';

/** A listener's error fails the emitting test instead of vanishing. */
export const rethrow = (err: unknown): never => {
  throw err;
};
export const TOKEN = 'coordinator-operator-token-0123456789abc';
export const bearer = { authorization: `Bearer ${TOKEN}` };

export function federationKeyOf(sk: Uint8Array, dkgId = 1): FederationKey {
  const aggregateKey = bytesToHex(secp256k1.getPublicKey(sk, true));
  const output = outputKey(aggregateKey, { type: 'taproot', merkleRoot: null });
  return {
    dkgId,
    aggregateKey,
    outputKey: output,
    address: taprootAddress(output, 'regtest'),
    threshold: 7,
    totalKeyIds: 10,
  };
}

const KEY = federationKeyOf(new Uint8Array(32).fill(0x21));

export const dkgRound: DkgRoundSummary = {
  dkgId: 1,
  outcome: 'succeeded',
  detail: null,
  startedAt: 1_700_000_000_000,
  endedAt: 1_700_000_002_400,
  durationMs: 2_400,
  attempts: 2,
  participants: [1, 2, 3, 5],
  excluded: [{ partyId: 4, reason: 'silent' }],
  blamed: [],
  aggregateKey: KEY.aggregateKey,
};

export const signingRound: SigningRoundSummary = {
  signId: 3,
  dkgId: 1,
  outcome: 'failed',
  detail: 'insufficient-signers',
  startedAt: 1_700_000_010_000,
  endedAt: 1_700_000_040_000,
  durationMs: 30_000,
  attempts: 3,
  participants: [1, 2],
  excluded: [
    { partyId: 3, reason: 'silent-after-nonce' },
    { partyId: 5, reason: 'bad-share' },
  ],
  blamed: [{ partyId: 5, reason: 'bad-share' }],
  messages: 1,
  withdrawalRequestIds: [11],
};

export function statusOf(opts: { active: number | null; partyId?: number }): CoordinatorStatus {
  const partyId = opts.partyId ?? 1;
  return {
    version: '0.1.0',
    partyId,
    messagingKey: bytesToHex(schnorr.getPublicKey(new Uint8Array(32).fill(partyId))),
    coordinator: { active: opts.active, self: opts.active === partyId },
    key: KEY,
    parties: 5,
    currentRound: null,
    relay: { url: 'http://127.0.0.1:7400/', connected: true, lastOkAt: 1_700_000_000_000 },
    bitcoin: {
      url: 'http://127.0.0.1:18443/',
      connected: true,
      tip: { height: 101, hash: '0f'.repeat(32) },
      lastOkAt: 1_700_000_000_000,
    },
    stacks: {
      url: 'http://127.0.0.1:3999/',
      connected: true,
      tip: { height: 40, hash: '1e'.repeat(32) },
      lastOkAt: 1_700_000_000_000,
    },
    lastRounds: { dkg: dkgRound, signing: signingRound },
  };
}

export type FakeProcess = {
  status: CoordinatorStatus;
  rounds: RoundsResponse;
  readiness: Readiness;
  hub: EventHub<CoordinatorEvent>;
  roundQueries: { limit: number }[];
  /** Every probe request the API passed on. */
  probes: { data?: string }[];
  queue: PegOutRequest[];
  sweeps: PegOutSweep[];
};

export async function coordinatorApi(
  opts: CoordinatorApiOptions & { deps?: Partial<CoordinatorApiDeps> } = {},
): Promise<{ app: FastifyInstance; proc: FakeProcess }> {
  const proc: FakeProcess = {
    status: statusOf({ active: 1 }),
    rounds: { dkg: [dkgRound], signing: [signingRound] },
    readiness: { ready: true },
    hub: new EventHub<CoordinatorEvent>(rethrow),
    roundQueries: [],
    probes: [],
    queue: [
      {
        id: '2',
        amount: '100000',
        maxFee: '5000',
        sender: 'ST1SJ3DTE5DN7X54YDH5D64R3BCB6A2AG2ZQ8YPD5',
        recipient: `4:${'ab'.repeat(20)}`,
        burnHeight: 120,
        state: 'confirmed',
        sweepTxid: null,
        detail: null,
        at: { seen: 1_000, confirmed: 2_000 },
      },
      {
        id: '1',
        amount: '250000',
        maxFee: '5000',
        sender: 'ST1SJ3DTE5DN7X54YDH5D64R3BCB6A2AG2ZQ8YPD5',
        recipient: `6:${'cd'.repeat(32)}`,
        burnHeight: 110,
        state: 'completed',
        sweepTxid: 'ee'.repeat(32),
        detail: null,
        at: { seen: 500, confirmed: 600, broadcast: 700, mined: 800, completed: 900 },
      },
    ],
    sweeps: [
      {
        txid: 'ee'.repeat(32),
        ids: ['1'],
        fee: '1234',
        feeRate: 2,
        vsize: 617,
        state: 'completed',
        createdAt: 650,
        updatedAt: 900,
        broadcastAt: 700,
        minedHeight: 112,
        completionTxid: `0x${'ff'.repeat(32)}`,
        detail: null,
      },
    ],
  };
  const deps: CoordinatorApiDeps = {
    status: () => proc.status,
    rounds: (q) => {
      proc.roundQueries.push(q);
      return proc.rounds;
    },
    queue: (q) => ({
      requests: proc.queue
        .filter((r) => q.state === undefined || r.state === q.state)
        .slice(0, q.limit),
      counts: { completed: 1, confirmed: 1 },
      pipeline: null,
    }),
    sweeps: (q) => ({ sweeps: proc.sweeps.slice(0, q.limit) }),
    probe: async (request) => {
      proc.probes.push(request);
      return {
        signId: 7,
        preimage: '00',
        messages: ['11'.repeat(32)],
        signatures: ['22'.repeat(64)],
        outputKey: proc.status.key?.outputKey ?? '33'.repeat(32),
        attempts: 1,
        excluded: [],
        durationMs: 5,
      };
    },
    events: proc.hub,
    metrics: createMetricsRegistry(),
    operatorToken: TOKEN,
    ready: () => proc.readiness,
    version: '0.1.0',
    ...opts.deps,
  };
  const { deps: _ignored, ...apiOpts } = opts;
  const app = await buildCoordinatorApi(deps, apiOpts);
  return { app, proc };
}
