import { z } from 'zod';
import {
  boundedBytes,
  bytes32,
  id,
  idSet,
  isStrictlyAscending,
  keyedList,
  point,
  scalar,
  uint32,
  uncompressedPoint,
} from './codecs.ts';
import type { Limits } from './limits.ts';

/** A Schnorr proof of knowledge (or possession) of a discrete log: commitment R and response z. */
export const schnorrProof = z.strictObject({ R: point, z: scalar });

/** A Chaum-Pedersen (DLEQ) proof: challenge and response scalars. */
export const dleqProof = z.strictObject({ challenge: scalar, response: scalar });

/** The party layout a DKG runs over: each party with the key ids it owns. */
function partyLayout(limits: Limits) {
  return keyedList(
    z.strictObject({ partyId: id, keyIds: idSet(1, limits.maxKeyIds) }),
    'partyId',
    1,
    limits.maxParties,
  ).refine(disjointKeyIds(limits.maxKeyIds), 'key ids must be unique across parties');
}

/** Key ids owned by different parties never overlap, and all of them stay within the limit. */
function disjointKeyIds(maxKeyIds: number) {
  return (parties: readonly { keyIds: readonly number[] }[]) => {
    const seen = new Set<number>();
    for (const party of parties) {
      for (const keyId of party.keyIds) {
        if (seen.has(keyId)) return false;
        seen.add(keyId);
      }
    }
    return seen.size <= maxKeyIds;
  };
}

/** The public outcome of a DKG for one party: group key, echo hash, its key ids' public shares. */
function dkgResult(limits: Limits) {
  return {
    groupKey: point,
    /** Hash of every public commitment the party used (equivocation check; @peg/frost). */
    echoHash: bytes32,
    keyIdPublicShares: keyedList(
      z.strictObject({ keyId: id, publicShare: point }),
      'keyId',
      1,
      limits.maxKeyIds,
    ),
  };
}

const partyIds = (limits: Limits) => idSet(1, limits.maxParties);

/**
 * A complaint: the recipient reveals the ECDH point with the accused party and proves it (DLEQ).
 * A @peg/frost complaint covers every key id of the complainer/accused pair, so it names no key id.
 */
function complaint() {
  return z.strictObject({ accused: id, ecdhPoint: point, proof: dleqProof });
}

/**
 * The coordinator's echo of one round: `partyIds` and, at the same index, the content digest
 * (`contentDigest`: kind, ids, sender and payload, not the chain tip or signature) of that
 * party's envelope of the round as the coordinator holds it. Each signer compares every entry
 * with the content digest of its own copy.
 */
function echoed(limits: Limits) {
  return z
    .strictObject({ partyIds: partyIds(limits), echo: z.array(bytes32).max(limits.maxParties) })
    .refine((p) => p.echo.length === p.partyIds.length, {
      message: 'echo must hold one digest per party id',
      path: ['echo'],
    });
}

/** Why a DKG failed, as one entry per reason type. Reasons appear in this order, each at most once. */
export const DKG_FAILURE_TYPES = [
  'threshold-not-met',
  'missing-public-shares',
  'bad-public-shares',
  'bad-proof-of-knowledge',
  'wrong-polynomial-length',
  'equivocation',
  'missing-private-shares',
  'complaints',
] as const;

function dkgFailure(limits: Limits) {
  const named = <T extends (typeof DKG_FAILURE_TYPES)[number]>(type: T) =>
    z.strictObject({ type: z.literal(type), partyIds: partyIds(limits) });
  return z.discriminatedUnion('type', [
    /** The key ids of the parties left are fewer than the DKG threshold. */
    z.strictObject({
      type: z.literal('threshold-not-met'),
      available: uint32,
      required: uint32.min(1),
    }),
    named('missing-public-shares'),
    named('bad-public-shares'),
    named('bad-proof-of-knowledge'),
    named('wrong-polynomial-length'),
    /**
     * Parties whose envelope differs from the one the coordinator echoed. `evidence[i]` is the
     * sealed envelope of `partyIds[i]` (its exact bytes, as received) whose digest differs from
     * the echo: signed by the accused, so the proof is its own. The receiver must `open` each
     * evidence envelope itself (sender key, kind, ids) and compare its content digest with its
     * own copy's.
     */
    z
      .strictObject({
        type: z.literal('equivocation'),
        partyIds: partyIds(limits),
        evidence: z.array(boundedBytes(1, limits.maxBytes)).max(limits.maxParties),
      })
      .refine((r) => r.evidence.length === r.partyIds.length, {
        message: 'evidence must hold one envelope per party id',
        path: ['evidence'],
      }),
    named('missing-private-shares'),
    z.strictObject({
      type: z.literal('complaints'),
      complaints: z
        .array(complaint())
        .min(1)
        .max(limits.maxParties)
        .refine(
          (list) => isStrictlyAscending(list.map((c) => c.accused)),
          'complaints must be strictly ascending by accused (no duplicates)',
        ),
    }),
  ]);
}

/** DKG payloads (WSTS net.rs message set, with encrypted shares, echo hash and blame proofs). */
export function dkgPayloads(limits: Limits) {
  const failure = dkgFailure(limits);
  return {
    /** Coordinator starts a DKG over this layout; signers compare it with their own view. */
    'dkg-begin': z.strictObject({
      threshold: id.max(limits.maxKeyIds),
      parties: partyLayout(limits),
    }),
    /**
     * A party's polynomial commitment (threshold points, constant term first; 65-byte
     * uncompressed, see `uncompressedPoint`), its proof of
     * knowledge of the constant term, and its ephemeral key-exchange key with a proof of
     * possession (encryption of private shares; @peg/frost docs/protocol/crypto.md).
     */
    'dkg-public-shares': z.strictObject({
      commitments: z.array(uncompressedPoint).min(1).max(limits.maxKeyIds),
      proofOfKnowledge: schnorrProof,
      keyExchange: z.strictObject({ publicKey: point, proof: schnorrProof }),
    }),
    /**
     * Coordinator: send private shares to these parties (those whose public shares arrived).
     * `echo[i]` is the content digest (`contentDigest`) of the
     * `dkg-public-shares` envelope of `partyIds[i]` as the coordinator holds it; a signer
     * compares it with its own copy (round-1 echo).
     */
    'dkg-private-begin': echoed(limits),
    /**
     * Encrypted shares per recipient party and key id. The ciphertext format (AEAD, nonce,
     * associated data) belongs to @peg/frost, docs/protocol/crypto.md; the wire only bounds it.
     */
    'dkg-private-shares': z.strictObject({
      shares: keyedList(
        z.strictObject({
          partyId: id,
          keyShares: keyedList(
            z.strictObject({
              keyId: id,
              ciphertext: boundedBytes(1, limits.maxCiphertextBytes),
            }),
            'keyId',
            1,
            limits.maxKeyIds,
          ),
        }),
        'partyId',
        1,
        limits.maxParties,
      ).refine(
        (list) =>
          disjointKeyIds(limits.maxKeyIds)(
            list.map((p) => ({ keyIds: p.keyShares.map((s) => s.keyId) })),
          ),
        'key ids must be unique across recipients',
      ),
    }),
    /**
     * Coordinator: compute secrets from the shares of these parties. `echo[i]` is the content
     * digest of the `dkg-private-shares` envelope of `partyIds[i]` as the coordinator holds it
     * (round-2 echo), compared the same way.
     */
    'dkg-end-begin': echoed(limits),
    /** A party's DKG outcome: its result, or the typed reasons it failed (with blame proofs). */
    'dkg-end': z.strictObject({
      status: z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('ok'), ...dkgResult(limits) }),
        z.strictObject({
          type: z.literal('failed'),
          reasons: z
            .array(failure)
            .min(1)
            .max(DKG_FAILURE_TYPES.length)
            .refine(
              (list) =>
                list.every(
                  (r, i) =>
                    i === 0 ||
                    DKG_FAILURE_TYPES.indexOf(r.type) >
                      DKG_FAILURE_TYPES.indexOf(list[i - 1]!.type),
                ),
              'reasons must follow DKG_FAILURE_TYPES order, each at most once',
            ),
        }),
      ]),
    }),
    /** Coordinator asks a party for its result of this DKG (e.g. after a restart). */
    'dkg-query': z.strictObject({}),
    /** A party's answer: its result of the DKG, or none. */
    'dkg-query-response': z.strictObject({
      result: z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('none') }),
        z.strictObject({ type: z.literal('ok'), ...dkgResult(limits) }),
      ]),
    }),
  };
}
