import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, test } from 'vitest';
import {
  bitcoin,
  dkgRound,
  federationKey,
  relay,
  signingRound,
  stacks,
} from '../test/api-samples.ts';
import {
  ListWithdrawalsQuery,
  ListWithdrawalsResponse,
  Recipient,
  ReviewDecision,
  SignerEvent,
  SignerStatus,
  VerifyRequest,
  VerifyResponse,
  WithdrawalReview,
} from './signer-api.ts';
import { signerPolicyFile } from './signer-policy.ts';

const sk = new Uint8Array(32).fill(7);
const status: SignerStatus = {
  version: '0.1.0',
  partyId: 3,
  keyIds: [5, 6],
  messagingKey: bytesToHex(schnorr.getPublicKey(sk)),
  stacksKey: bytesToHex(secp256k1.getPublicKey(new Uint8Array(32).fill(8), true)),
  key: federationKey,
  activeCoordinator: 1,
  relay,
  bitcoin,
  stacks,
  lastRounds: { dkg: dkgRound, signing: signingRound },
  pendingReviews: 1,
};
const beforeDkg: SignerStatus = {
  ...status,
  key: null,
  activeCoordinator: null,
  lastRounds: { dkg: null, signing: null },
};
const pending: WithdrawalReview = {
  requestId: 4,
  amount: 100_000,
  maxFee: 2_000,
  recipient: { version: 4, hashbytes: '11'.repeat(20) },
  sender: 'ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM',
  blockHeight: 17,
  status: 'pending',
  decidedBy: null,
  reason: null,
  decidedAt: null,
  recipientAddress: 'bcrt1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3x2n5s8',
  confirmations: 3,
  createdAt: 1_000,
  deadline: 3_601_000,
  rules: [{ rule: 'review-above', detail: 'amount 100000 sat is above 50000 sat' }],
  sweep: {
    txid: 'aa'.repeat(32),
    inputs: [{ outpoint: `${'bb'.repeat(32)}:0`, amount: 1_000_000 }],
    outputs: [
      { kind: 'change', address: 'bcrt1p...', amount: 898_000, requestId: null },
      { kind: 'op-return', address: null, amount: 0, requestId: null },
      { kind: 'withdrawal', address: 'bcrt1q...', amount: 100_000, requestId: 4 },
    ],
    fee: 2_000,
    feeRate: 2,
    ids: [4],
  },
};

describe('signer API bodies', () => {
  test('valid bodies parse to themselves', () => {
    expect(SignerStatus.parse(status)).toEqual(status);
    expect(SignerStatus.parse(beforeDkg)).toEqual(beforeDkg);
    expect(WithdrawalReview.parse(pending)).toEqual(pending);
    const decided = {
      ...pending,
      status: 'rejected',
      decidedBy: 'operator',
      reason: 'sanctioned',
      decidedAt: 1,
    };
    expect(WithdrawalReview.parse(decided)).toEqual(decided);
    expect(ListWithdrawalsResponse.parse({ items: [pending], next: 4 }).items).toHaveLength(1);
    expect(ReviewDecision.parse({ decision: 'accept' })).toEqual({ decision: 'accept' });
  });

  test('no body accepts an extra field (a server cannot smuggle a secret key out)', () => {
    expect(SignerStatus.safeParse({ ...status, secretKey: '00'.repeat(32) }).success).toBe(false);
    const policy = { version: 1, maxAmountPerRequest: 1, reviewAbove: 0 };
    expect(signerPolicyFile.parse(policy)).toMatchObject({ version: 1 });
    expect(signerPolicyFile.safeParse({ ...policy, privateKey: 'x' }).success).toBe(false);
    expect(ReviewDecision.safeParse({ decision: 'accept', by: 'me' }).success).toBe(false);
  });

  test('keys must be on the curve', () => {
    let x = 5n;
    // find an x with no point on the curve
    const P = 2n ** 256n - 2n ** 32n - 977n;
    const isSquare = (v: bigint) => {
      let r = 1n;
      let b = v % P;
      let e = (P - 1n) / 2n;
      while (e > 0n) {
        if (e & 1n) r = (r * b) % P;
        b = (b * b) % P;
        e >>= 1n;
      }
      return r === 1n;
    };
    while (isSquare((x * x * x + 7n) % P)) x++;
    const offCurve = x.toString(16).padStart(64, '0');
    expect(SignerStatus.safeParse({ ...status, messagingKey: offCurve }).success).toBe(false);
    expect(SignerStatus.safeParse({ ...status, stacksKey: `02${offCurve}` }).success).toBe(false);
    const key = (aggregateKey: string) => ({ ...status, key: { ...federationKey, aggregateKey } });
    expect(SignerStatus.safeParse(key(`02${offCurve}`)).success).toBe(false);
    expect(SignerStatus.safeParse(key(`04${'00'.repeat(32)}`)).success).toBe(false);
  });

  test('recipients follow the withdrawal contract: versions 0-4 take 20 bytes, 5-6 take 32', () => {
    expect(Recipient.safeParse({ version: 0, hashbytes: '00'.repeat(20) }).success).toBe(true);
    expect(Recipient.safeParse({ version: 6, hashbytes: '00'.repeat(32) }).success).toBe(true);
    expect(Recipient.safeParse({ version: 4, hashbytes: '00'.repeat(32) }).success).toBe(false);
    expect(Recipient.safeParse({ version: 5, hashbytes: '00'.repeat(20) }).success).toBe(false);
    expect(Recipient.safeParse({ version: 7, hashbytes: '00'.repeat(32) }).success).toBe(false);
  });

  test('a review is pending exactly when it has no decision', () => {
    expect(WithdrawalReview.safeParse({ ...pending, decidedBy: 'policy' }).success).toBe(false);
    expect(WithdrawalReview.safeParse({ ...pending, status: 'accepted' }).success).toBe(false);
  });

  test('bad ids, amounts and pages are refused', () => {
    expect(SignerStatus.safeParse({ ...status, partyId: 0 }).success).toBe(false);
    expect(WithdrawalReview.safeParse({ ...pending, amount: -1 }).success).toBe(false);
    expect(WithdrawalReview.safeParse({ ...pending, sender: 'not-a-principal' }).success).toBe(
      false,
    );
    expect(ListWithdrawalsQuery.parse({ limit: '20' })).toEqual({ limit: 20 });
    expect(ListWithdrawalsQuery.safeParse({ limit: '0' }).success).toBe(false);
    expect(ListWithdrawalsQuery.safeParse({ status: 'maybe' }).success).toBe(false);
    expect(ReviewDecision.safeParse({ decision: 'reject', reason: 'x'.repeat(281) }).success).toBe(
      false,
    );
  });

  test('verify bodies: hex message of at most 4096 bytes, a 64-byte signature, a named key', () => {
    const req = { key: 'output', message: 'ab'.repeat(32), signature: 'cd'.repeat(64) };
    expect(VerifyRequest.parse(req)).toEqual(req);
    expect(VerifyRequest.parse({ ...req, message: '' }).message).toBe('');
    expect(VerifyRequest.safeParse({ ...req, message: 'abc' }).success).toBe(false);
    expect(VerifyRequest.safeParse({ ...req, message: 'AB' }).success).toBe(false);
    expect(VerifyRequest.safeParse({ ...req, message: '00'.repeat(4097) }).success).toBe(false);
    expect(VerifyRequest.safeParse({ ...req, signature: 'cd'.repeat(63) }).success).toBe(false);
    expect(VerifyRequest.safeParse({ ...req, key: 'stacks' }).success).toBe(false);
    expect(VerifyRequest.safeParse({ ...req, publicKey: 'ab'.repeat(32) }).success).toBe(false);
    const res = { valid: true, key: 'output', publicKey: federationKey.outputKey, dkgId: 2 };
    expect(VerifyResponse.parse(res)).toEqual(res);
  });

  test('events: the shared kinds and refusals, nothing else', () => {
    const events = [
      { type: 'dkg-round', round: dkgRound },
      { type: 'signing-round', round: signingRound },
      { type: 'key', key: federationKey },
      { type: 'coordinator', active: null },
      { type: 'connectivity', target: 'relay', connected: false },
      { type: 'refused', reason: 'nonce-already-used', signId: 9, iteration: 1, from: 2 },
    ];
    for (const e of events) expect(SignerEvent.parse(e)).toEqual(e);
    expect(SignerEvent.safeParse({ type: 'secret', key: 'x' }).success).toBe(false);
    expect(SignerEvent.safeParse({ type: 'refused', reason: 'Nope' }).success).toBe(false);
    expect(
      SignerEvent.safeParse({ type: 'connectivity', target: 'nats', connected: true }).success,
    ).toBe(false);
  });
});
