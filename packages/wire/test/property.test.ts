import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DKG_FAILURE_TYPES, open, seal, type UnsignedEnvelope } from '../src/index.ts';
import { COORDINATOR, keyMap, publicKeyOf, secretKeyOf } from './samples.ts';

// Round trips of random valid messages (not only the fixed samples): random sizes, ids, key-id
// layouts, optional members, failure-reason subsets. Seeded.

const keys = keyMap(8);
const coordinatorKey = publicKeyOf(COORDINATOR);
const N = secp256k1.Point.CURVE().n;

const pointPool = Array.from({ length: 32 }, (_, i) =>
  secp256k1.Point.BASE.multiply(BigInt(i + 2)),
);
const point = fc.constantFrom(...pointPool.map((p) => p.toBytes(true)));
const uncompressed = fc.constantFrom(...pointPool.map((p) => p.toBytes(false)));
const scalar = fc.bigInt({ min: 1n, max: N - 1n }).map((k) => {
  const hex = k.toString(16).padStart(64, '0');
  return Uint8Array.from(hex.match(/../g) as string[], (b) => Number.parseInt(b, 16));
});
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const sessionId = fc.integer({ min: 1, max: 0xffff_ffff });
const idSet = (max: number, maxLength: number) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max }), { minLength: 1, maxLength })
    .map((ids) => ids.sort((a, b) => a - b));
/** Disjoint ascending key-id sets for ascending party ids. */
const layout = fc
  .uniqueArray(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 8 })
  .chain((parties) =>
    fc
      .array(fc.integer({ min: 1, max: 4 }), {
        minLength: parties.length,
        maxLength: parties.length,
      })
      .map((weights) => {
        let next = 1;
        return parties
          .sort((a, b) => a - b)
          .map((partyId, i) => {
            const keyIds = Array.from({ length: weights[i] as number }, () => next++);
            return { partyId, keyIds };
          });
      }),
  );
const tip = fc.record({ height: fc.integer({ min: 0, max: 0xffff_ffff }), hash: bytes32 });
const head = (partyId: number) => ({ partyId, publicKey: publicKeyOf(partyId) });
const rebuild = fc.record({
  withdrawalRequestIds: fc
    .uniqueArray(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { maxLength: 6 })
    .map((ids) => ids.sort((a, b) => a - b)),
  unsignedTransaction: fc.uint8Array({ minLength: 1, maxLength: 300 }),
});
const tweak = fc.oneof(
  fc.record({
    type: fc.constant('taproot' as const),
    merkleRoot: fc.option(bytes32, { nil: null }),
  }),
  fc.constant({ type: 'none' as const }),
);
const dkgResult = fc.record({
  groupKey: point,
  echoHash: bytes32,
  keyIdPublicShares: idSet(50, 6).chain((ids) =>
    fc.tuple(...ids.map((keyId) => point.map((publicShare) => ({ keyId, publicShare })))),
  ),
});
const failure = fc.subarray([...DKG_FAILURE_TYPES], { minLength: 1 }).chain((types) =>
  fc.tuple(
    ...types.map((type) => {
      if (type === 'threshold-not-met') {
        return fc.record({
          type: fc.constant(type),
          available: fc.nat(100),
          required: fc.integer({ min: 1, max: 100 }),
        });
      }
      if (type === 'complaints') {
        return fc.record({
          type: fc.constant(type),
          complaints: idSet(8, 4).chain((accused) =>
            fc.tuple(
              ...accused.map((a) =>
                fc.record({
                  accused: fc.constant(a),
                  ecdhPoint: point,
                  proof: fc.record({ challenge: scalar, response: scalar }),
                }),
              ),
            ),
          ),
        });
      }
      if (type === 'equivocation') {
        return idSet(8, 4).chain((partyIds) =>
          fc.record({
            type: fc.constant(type),
            partyIds: fc.constant(partyIds),
            evidence: fc.array(fc.uint8Array({ minLength: 1, maxLength: 200 }), {
              minLength: partyIds.length,
              maxLength: partyIds.length,
            }),
          }),
        );
      }
      return fc.record({ type: fc.constant(type), partyIds: idSet(8, 4) });
    }),
  ),
);

const message: fc.Arbitrary<UnsignedEnvelope> = fc.oneof(
  fc.record({
    kind: fc.constant('signer-ready' as const),
    sender: fc.constant(head(2)),
    chainTip: tip,
    payload: fc.record({ keyIds: idSet(4096, 10) }),
  }),
  fc.record({
    kind: fc.constant('dkg-begin' as const),
    dkgId: sessionId,
    sender: fc.constant(head(COORDINATOR)),
    chainTip: tip,
    payload: layout.chain((parties) =>
      fc.record({
        threshold: fc.integer({ min: 1, max: parties.reduce((n, p) => n + p.keyIds.length, 0) }),
        parties: fc.constant(parties),
      }),
    ),
  }),
  fc.record({
    kind: fc.constant('dkg-public-shares' as const),
    dkgId: sessionId,
    sender: fc.constant(head(3)),
    chainTip: tip,
    payload: fc.record({
      commitments: fc.array(uncompressed, { minLength: 1, maxLength: 20 }),
      proofOfKnowledge: fc.record({ R: point, z: scalar }),
      keyExchange: fc.record({ publicKey: point, proof: fc.record({ R: point, z: scalar }) }),
    }),
  }),
  ...(['dkg-private-begin', 'dkg-end-begin'] as const).map((kind) =>
    fc.record({
      kind: fc.constant(kind),
      dkgId: sessionId,
      sender: fc.constant(head(COORDINATOR)),
      chainTip: tip,
      payload: idSet(256, 8).chain((partyIds) =>
        fc.record({
          partyIds: fc.constant(partyIds),
          echo: fc.array(bytes32, { minLength: partyIds.length, maxLength: partyIds.length }),
        }),
      ),
    }),
  ),
  fc.record({
    kind: fc.constant('dkg-private-shares' as const),
    dkgId: sessionId,
    sender: fc.constant(head(3)),
    chainTip: tip,
    payload: layout.chain((parties) =>
      fc.record({
        shares: fc.tuple(
          ...parties.map(({ partyId, keyIds }) =>
            fc
              .tuple(
                ...keyIds.map((keyId) =>
                  fc
                    .uint8Array({ minLength: 1, maxLength: 128 })
                    .map((ciphertext) => ({ keyId, ciphertext })),
                ),
              )
              .map((keyShares) => ({ partyId, keyShares })),
          ),
        ),
      }),
    ),
  }),
  fc.record({
    kind: fc.constant('dkg-end' as const),
    dkgId: sessionId,
    sender: fc.constant(head(4)),
    chainTip: tip,
    payload: fc.record({
      status: fc.oneof(
        dkgResult.map((r) => ({ type: 'ok' as const, ...r })),
        failure.map((reasons) => ({ type: 'failed' as const, reasons })),
      ),
    }),
  }),
  fc.record({
    kind: fc.constant('dkg-query-response' as const),
    dkgId: sessionId,
    sender: fc.constant(head(4)),
    chainTip: tip,
    payload: fc.record({
      result: fc.oneof(
        fc.constant({ type: 'none' as const }),
        dkgResult.map((r) => ({ type: 'ok' as const, ...r })),
      ),
    }),
  }),
  fc.integer({ min: 1, max: 5 }).chain((m) =>
    fc.oneof(
      fc.record({
        kind: fc.constant('nonce-request' as const),
        dkgId: sessionId,
        signId: sessionId,
        iteration: sessionId,
        sender: fc.constant(head(COORDINATOR)),
        chainTip: tip,
        payload: fc.record({
          messages: fc.array(bytes32, { minLength: m, maxLength: m }),
          rebuild,
          tweak,
        }),
      }),
      fc.record({
        kind: fc.constant('nonce-response' as const),
        dkgId: sessionId,
        signId: sessionId,
        iteration: sessionId,
        sender: fc.constant(head(5)),
        chainTip: tip,
        payload: fc.record({
          nonces: fc.array(fc.record({ hiding: point, binding: point }), {
            minLength: m,
            maxLength: m,
          }),
        }),
      }),
      fc.record({
        kind: fc.constant('signature-share-request' as const),
        dkgId: sessionId,
        signId: sessionId,
        iteration: sessionId,
        sender: fc.constant(head(COORDINATOR)),
        chainTip: tip,
        payload: fc.record({
          commitments: layout.chain((parties) =>
            fc.tuple(
              ...parties.map((p) =>
                fc
                  .array(fc.record({ hiding: point, binding: point }), {
                    minLength: m,
                    maxLength: m,
                  })
                  .map((nonces) => ({ ...p, nonces })),
              ),
            ),
          ),
          messages: fc.array(bytes32, { minLength: m, maxLength: m }),
          rebuild,
          tweak,
        }),
      }),
      fc.record({
        kind: fc.constant('signature-share-response' as const),
        dkgId: sessionId,
        signId: sessionId,
        iteration: sessionId,
        sender: fc.constant(head(6)),
        chainTip: tip,
        payload: fc.record({ shares: fc.array(scalar, { minLength: m, maxLength: m }) }),
      }),
    ),
  ),
) as fc.Arbitrary<UnsignedEnvelope>;

describe('random valid messages', { timeout: 120_000 }, () => {
  it('seal then open gives back the same value (1,000 cases)', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = seal(m, secretKeyOf(m.sender.partyId));
        const result = open(bytes, keys, { coordinatorKey });
        if (!result.ok) throw new Error(`${m.kind}: ${JSON.stringify(result.error)}`);
        const { version: _v, signature: _s, ...rest } = result.value;
        expect(rest).toEqual(m);
      }),
      { seed: 5150, numRuns: 1_000 },
    );
  });
});
