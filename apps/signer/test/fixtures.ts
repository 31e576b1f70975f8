// Test fixtures of the Signer API: a real key (BIP340 signatures made with noble), a status
// around it, and an app over deps that answer from plain values.
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { outputKey, taprootAddress } from '@peg/protocol';
import { ApiHttpError, createMetricsRegistry, EventHub, type Readiness } from '@peg/runtime';
import type {
  BreakerStatus,
  DkgRoundSummary,
  FederationKey,
  RoundsResponse,
  SignerEvent,
  SignerKeyPackage,
  SignerStatus,
  SweepDecision,
  WithdrawalReview,
} from '@peg/wire';
import type { FastifyInstance } from 'fastify';
import { buildSignerApi } from '../src/api/app.ts';
import type { SignerApiDeps, SignerApiOptions } from '../src/api/deps.ts';

/** A listener's error fails the emitting test instead of vanishing. */
export const rethrow = (err: unknown): never => {
  throw err;
};
export const TOKEN = 'signer-operator-token-0123456789abcdefgh';
export const bearer = { authorization: `Bearer ${TOKEN}` };

const N = secp256k1.Point.CURVE().n;
const mod = (a: bigint) => ((a % N) + N) % N;
const toBig = (b: Uint8Array) => BigInt(`0x${bytesToHex(b)}`);
const to32 = (v: bigint) => hexToBytes(v.toString(16).padStart(64, '0'));

/** The federation key of secret `sk` as a signer's status shows it (regtest address). */
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

/** BIP340 signature under the x-only key of `sk` (noble negates for odd y). */
export const signAggregate = (sk: Uint8Array, msg: Uint8Array): Uint8Array => schnorr.sign(msg, sk);

/**
 * BIP340 signature under the BIP341 output key of `sk` (key path, no script tree), computed
 * independently of the code under test: d' = (±d + TapTweak(x(P))) mod n (BIP341 taproot_tweak_seckey).
 */
export function signOutput(sk: Uint8Array, msg: Uint8Array): Uint8Array {
  const P = secp256k1.Point.BASE.multiply(toBig(sk));
  const d = P.y % 2n === 0n ? toBig(sk) : mod(-toBig(sk));
  const x = P.toBytes(true).subarray(1);
  const t = toBig(schnorr.utils.taggedHash('TapTweak', x));
  return schnorr.sign(msg, to32(mod(d + t)));
}

export const SK = new Uint8Array(32).fill(0x42);

export const dkgRound: DkgRoundSummary = {
  dkgId: 1,
  outcome: 'succeeded',
  detail: null,
  startedAt: 1_700_000_000_000,
  endedAt: 1_700_000_000_900,
  durationMs: 900,
  attempts: 1,
  participants: [1, 2, 3, 4, 5],
  excluded: [],
  blamed: [],
  aggregateKey: federationKeyOf(SK).aggregateKey,
};

export function statusWith(key: FederationKey | null): SignerStatus {
  return {
    version: '0.1.0',
    partyId: 2,
    keyIds: [2],
    messagingKey: bytesToHex(schnorr.getPublicKey(new Uint8Array(32).fill(2))),
    stacksKey: bytesToHex(secp256k1.getPublicKey(new Uint8Array(32).fill(3), true)),
    key,
    activeCoordinator: 1,
    relay: { url: 'http://127.0.0.1:7400/', connected: true, lastOkAt: 1_700_000_000_000 },
    bitcoin: {
      url: 'http://127.0.0.1:18443/',
      connected: true,
      tip: { height: 101, hash: '0f'.repeat(32) },
      lastOkAt: 1_700_000_000_000,
    },
    stacks: { url: 'http://127.0.0.1:3999/', connected: false, tip: null, lastOkAt: null },
    lastRounds: { dkg: key ? dkgRound : null, signing: null },
    pendingReviews: 0,
  };
}

/** A signer process's state as the API reads it: change the fields, the API sees it. */
export type FakeProcess = {
  status: SignerStatus;
  rounds: RoundsResponse;
  readiness: Readiness;
  hub: EventHub<SignerEvent>;
  /** Every `rounds` query the API made. */
  roundQueries: { limit: number }[];
  keyPackage: SignerKeyPackage | null;
  rotations: number;
  decisions: SweepDecision[];
  reviews: WithdrawalReview[];
  breaker: BreakerStatus;
};

export async function signerApi(
  opts: SignerApiOptions & { deps?: Partial<SignerApiDeps> } = {},
): Promise<{ app: FastifyInstance; proc: FakeProcess }> {
  const proc: FakeProcess = {
    status: statusWith(federationKeyOf(SK)),
    rounds: { dkg: [dkgRound], signing: [] },
    readiness: { ready: true },
    hub: new EventHub<SignerEvent>(rethrow),
    roundQueries: [],
    keyPackage: null,
    rotations: 0,
    breaker: { tripped: true, at: 1_000, reason: 'outflow 60% > 50%', rule: 'wallet-outflow' },
    reviews: [
      {
        requestId: 4,
        amount: 300_000,
        maxFee: 5_000,
        recipient: { version: 4, hashbytes: '11'.repeat(20) },
        sender: 'ST1SJ3DTE5DN7X54YDH5D64R3BCB6A2AG2ZQ8YPD5',
        blockHeight: 120,
        status: 'pending',
        decidedBy: null,
        reason: null,
        decidedAt: null,
        recipientAddress: 'bcrt1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3x2n5s8',
        confirmations: 2,
        createdAt: 1_000,
        deadline: 3_601_000,
        rules: [{ rule: 'review-above', detail: 'amount 300000 sat is above 200000 sat' }],
        sweep: null,
      },
    ],
    decisions: [
      {
        seq: 2,
        at: 2_000,
        signId: 8,
        txid: null,
        requestIds: ['4'],
        approved: false,
        reason: 'request-already-paid',
        detail: `request 4 is paid by mined sweep ${'aa'.repeat(32)}`,
      },
      {
        seq: 1,
        at: 1_000,
        signId: 7,
        txid: 'bb'.repeat(32),
        requestIds: ['1', '2', '3'],
        approved: true,
        reason: null,
        detail: null,
      },
    ],
  };
  const deps: SignerApiDeps = {
    status: () => proc.status,
    rounds: (q) => {
      proc.roundQueries.push(q);
      return proc.rounds;
    },
    decisions: (q) => ({
      decisions: proc.decisions.slice(0, q.limit),
      breaker: proc.breaker,
    }),
    resetBreaker: () => {
      proc.breaker = { tripped: false };
      return proc.breaker;
    },
    withdrawals: (q) => {
      const items = proc.reviews
        .filter(
          (r) => (q.status === undefined || r.status === q.status) && r.requestId > (q.after ?? 0),
        )
        .slice(0, q.limit);
      return { items, next: null };
    },
    decideReview: (requestId, body) => {
      const i = proc.reviews.findIndex((r) => r.requestId === requestId);
      if (i < 0) throw new ApiHttpError(404, 'not-found', `request ${requestId} is not held here`);
      const known = proc.reviews[i]!;
      if (known.status !== 'pending')
        throw new ApiHttpError(409, 'conflict', `request ${requestId} was decided already`);
      const review: WithdrawalReview = {
        ...known,
        status: body.decision === 'accept' ? 'accepted' : 'rejected',
        decidedBy: 'operator',
        reason: body.reason ?? null,
        decidedAt: 5_000,
      };
      proc.reviews[i] = review;
      return {
        review,
        receipt: { message: '{}', publicKey: '11'.repeat(32), signature: '22'.repeat(64) },
      };
    },
    keyPackage: () => proc.keyPackage,
    rotateMessagingKey: async () => {
      proc.rotations++;
      return { messagingKey: proc.status.messagingKey };
    },
    events: proc.hub,
    metrics: createMetricsRegistry(),
    operatorToken: TOKEN,
    ready: () => proc.readiness,
    version: '0.1.0',
    ...opts.deps,
  };
  const { deps: _ignored, ...apiOpts } = opts;
  const app = await buildSignerApi(deps, apiOpts);
  return { app, proc };
}
