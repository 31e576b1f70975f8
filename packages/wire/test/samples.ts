// Deterministic sample messages: one valid example of every kind, built from fixed scalars.
// Used by the tests, the golden-fixture script and the benchmark.
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Kind, UnsignedEnvelope, UnsignedEnvelopeOf } from '../src/index.ts';
import { announceKey, seal, stacksTransactionId, taprootOutputKey } from '../src/index.ts';

const N = secp256k1.Point.CURVE().n;

/** 32 deterministic bytes from a label. */
export function bytes(label: string): Uint8Array {
  return sha256(utf8ToBytes(label));
}

/** A deterministic scalar in [1, n-1] as 32 bytes. */
export function scalarBytes(label: string): Uint8Array {
  const value = (BigInt(`0x${Buffer.from(bytes(label)).toString('hex')}`) % (N - 1n)) + 1n;
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'));
}

/** A deterministic valid compressed point. */
export function pointBytes(label: string): Uint8Array {
  return secp256k1.getPublicKey(scalarBytes(label), true);
}

/** A deterministic valid uncompressed (65-byte) point. */
export function uncompressedPointBytes(label: string): Uint8Array {
  return secp256k1.getPublicKey(scalarBytes(label), false);
}

/** The secret key of party `partyId` (deterministic, for tests only). */
export function secretKeyOf(partyId: number): Uint8Array {
  return scalarBytes(`party-secret-${partyId}`);
}

/** The x-only public key of party `partyId`. */
export function publicKeyOf(partyId: number): Uint8Array {
  return schnorr.getPublicKey(secretKeyOf(partyId));
}

/** The expected-keys map for parties 1..count. */
export function keyMap(count: number): Map<number, Uint8Array> {
  const map = new Map<number, Uint8Array>();
  for (let partyId = 1; partyId <= count; partyId++) map.set(partyId, publicKeyOf(partyId));
  return map;
}

/** The coordinator's party id in samples. */
export const COORDINATOR = 1;

/**
 * A real unsigned 4-of-5 order-independent multisig `rotate-keys` (devnet, deployer's registry,
 * nonce 1, fee 10,000 µSTX) and signer 2's signature of it, made once with @peg/stacks-client
 * (`rotateKeysCall`, `buildUnsignedMultisigCall`, `signMultisigCall`; signer i's Stacks key is
 * sha256("cosign-sample-signer-i"), the aggregate key's sha256("cosign-sample-aggregate")). The
 * wire does not decode Stacks transactions: this only makes the fixtures look like the real
 * thing, and @peg/runtime's tests check the pair (test/stacks-cosign-check.test.ts).
 */
export const STACKS_COSIGN_SAMPLE = {
  transaction:
    '80800000000405ed212cae8f89c40abb061efa62313896e2a6f4ed000000000000000100000000000027100000' +
    '00000004030100000000021a6d78de7b0625dfbfc16c3a8a5735f6dc3dc3f2ce0d736274632d72656769737472' +
    '790b726f746174652d6b657973000000030b00000005020000002102d7b1f0170a08b9a68af2bd0a305d9e30f0' +
    '57f6695b18dc35df5d52c69cc14b73020000002103c1e03eb66b6fdd84edc8d13b7a15fb9e780d5bb1685fe9ca' +
    'a771a1f3bbc9ee6e0200000021022af5f7143a22110783793dbabe7766fff085863e7fb44156ed1a91511012a1' +
    'b00200000021028bb5e5ff4d2e24d861c4a5d11f176e3d8ccd48da9615419c9e9f7b120dc06f14020000002102' +
    '4f985d1e3ea87a7ecb5b2f71938585cd1acb10ef797dfa85ed1e35dd47d171f9020000002103c1f62ace2af750' +
    '518b6cb02654f292cba5a79f613a41be6e27c9258e852c11590100000000000000000000000000000004',
  publicKey: '03c1e03eb66b6fdd84edc8d13b7a15fb9e780d5bb1685fe9caa771a1f3bbc9ee6e',
  signature:
    '01b157456681bd70d7bccefedd27d42b3d79e4cca3878cc6bb554cd9af967903f7' +
    '72f7d8fbbb6552feaba486d7e9ff058788666c6d696eed6d743e95411cc06719',
} as const;

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

function head(partyId: number) {
  return {
    sender: { partyId, publicKey: publicKeyOf(partyId) },
    chainTip: { height: 871_234, hash: bytes('tip') },
  };
}

const noncePair = (label: string) => ({
  hiding: pointBytes(`${label}/hiding`),
  binding: pointBytes(`${label}/binding`),
});

/** Sizes of the sample messages. */
export type SampleSize = { threshold: number; parties: number; messages: number };

export const SMALL: SampleSize = { threshold: 2, parties: 3, messages: 2 };

/** One unsigned sample of `kind` with the given sizes (the coordinator sends coordinator kinds). */
export function sample(kind: Kind, size: SampleSize = SMALL): UnsignedEnvelope {
  const dkg = { dkgId: 7 };
  const sign = { dkgId: 7, signId: 42, iteration: 1 };
  const parties = range(1, size.parties);
  const rebuild = {
    withdrawalRequestIds: [3, 5, 8],
    unsignedTransaction: Uint8Array.from(
      Buffer.from(
        '0200000001' +
          'ab'.repeat(36) +
          '00ffffffff0100e1f50500000000225120' +
          'cd'.repeat(32) +
          '00000000',
        'hex',
      ),
    ),
  };
  const messages = range(0, size.messages).map((i) => bytes(`sighash-${i}`));
  const result = {
    groupKey: pointBytes('group'),
    echoHash: bytes('echo'),
    keyIdPublicShares: [
      { keyId: 2, publicShare: pointBytes('share-2') },
      { keyId: 3, publicShare: pointBytes('share-3') },
    ],
  };
  switch (kind) {
    case 'signer-ready':
      return { kind, ...head(2), payload: { keyIds: [2, 3] } };
    case 'key-announcement':
      return {
        kind,
        ...head(2),
        payload: announceKey(2, 1, scalarBytes('messaging-2'), new Uint8Array(32)),
      };
    case 'coordinator-heartbeat':
      return { kind, ...head(COORDINATOR), payload: {} };
    case 'public-address-available': {
      const aggregateKey = pointBytes('group');
      return {
        kind,
        ...dkg,
        ...head(COORDINATOR),
        payload: {
          aggregateKey,
          outputKey: taprootOutputKey(aggregateKey) as Uint8Array,
          address: `bcrt1p${'q'.repeat(58)}`,
        },
      };
    }
    case 'dkg-begin':
      return {
        kind,
        ...dkg,
        ...head(COORDINATOR),
        payload: {
          threshold: size.threshold,
          parties: parties.map((partyId) => ({ partyId, keyIds: [partyId] })),
        },
      };
    case 'dkg-public-shares':
      return {
        kind,
        ...dkg,
        ...head(2),
        payload: {
          commitments: range(0, size.threshold).map((i) => uncompressedPointBytes(`coef-${i}`)),
          proofOfKnowledge: { R: pointBytes('pok-R'), z: scalarBytes('pok-z') },
          keyExchange: {
            publicKey: pointBytes('kex'),
            proof: { R: pointBytes('kex-R'), z: scalarBytes('kex-z') },
          },
        },
      };
    case 'dkg-private-begin':
      return {
        kind,
        ...dkg,
        ...head(COORDINATOR),
        payload: {
          partyIds: parties,
          echo: parties.map((p) => bytes(`public-shares-digest-${p}`)),
        },
      };
    case 'dkg-private-shares':
      return {
        kind,
        ...dkg,
        ...head(2),
        payload: {
          shares: parties.map((partyId) => ({
            partyId,
            keyShares: [{ keyId: partyId, ciphertext: bytes(`ct-${partyId}`).slice(0, 28) }],
          })),
        },
      };
    case 'dkg-end-begin':
      return {
        kind,
        ...dkg,
        ...head(COORDINATOR),
        payload: {
          partyIds: parties,
          echo: parties.map((p) => bytes(`private-shares-digest-${p}`)),
        },
      };
    case 'dkg-end':
      return { kind, ...dkg, ...head(2), payload: { status: { type: 'ok', ...result } } };
    case 'dkg-query':
      return { kind, ...dkg, ...head(COORDINATOR), payload: {} };
    case 'dkg-query-response':
      return { kind, ...dkg, ...head(2), payload: { result: { type: 'ok', ...result } } };
    case 'nonce-request':
      return {
        kind,
        ...sign,
        ...head(COORDINATOR),
        payload: { messages, rebuild, tweak: { type: 'taproot', merkleRoot: null } },
      };
    case 'nonce-response':
      return {
        kind,
        ...sign,
        ...head(2),
        payload: { nonces: messages.map((_, i) => noncePair(`nonce-2-${i}`)) },
      };
    case 'signature-share-request':
      return {
        kind,
        ...sign,
        ...head(COORDINATOR),
        payload: {
          commitments: parties.map((partyId) => ({
            partyId,
            keyIds: [partyId],
            nonces: messages.map((_, i) => noncePair(`nonce-${partyId}-${i}`)),
          })),
          messages,
          rebuild,
          tweak: { type: 'taproot', merkleRoot: bytes('merkle') },
        },
      };
    case 'signature-share-response':
      return {
        kind,
        ...sign,
        ...head(2),
        payload: { shares: messages.map((_, i) => scalarBytes(`z-${i}`)) },
      };
    case 'stacks-cosign-request':
      return {
        kind,
        ...head(COORDINATOR),
        payload: { transaction: hex(STACKS_COSIGN_SAMPLE.transaction) },
      };
    case 'stacks-cosign-response':
      return {
        kind,
        ...head(2),
        payload: {
          transactionId: stacksTransactionId(hex(STACKS_COSIGN_SAMPLE.transaction)),
          result: {
            type: 'signed',
            publicKey: hex(STACKS_COSIGN_SAMPLE.publicKey),
            signature: hex(STACKS_COSIGN_SAMPLE.signature),
          },
        },
      };
  }
}

/** Signer 3 refuses the sample co-sign request. */
export function refusedCosignResponse(): UnsignedEnvelopeOf<'stacks-cosign-response'> {
  return {
    kind: 'stacks-cosign-response',
    ...head(3),
    payload: {
      transactionId: stacksTransactionId(hex(STACKS_COSIGN_SAMPLE.transaction)),
      result: { type: 'refused', reason: 'wrong-nonce' },
    },
  };
}

/**
 * The equivocation evidence in `failedDkgEnd`: party 2's own sealed `dkg-public-shares` (zero
 * aux randomness), a real envelope that opens under party 2's key.
 */
export function equivocationEvidence(): Uint8Array {
  return seal(sample('dkg-public-shares'), secretKeyOf(2), { auxRand: new Uint8Array(32) });
}

/** A failed DkgEnd with every failure reason and a complaint. */
export function failedDkgEnd(): UnsignedEnvelopeOf<'dkg-end'> {
  return {
    kind: 'dkg-end',
    dkgId: 7,
    ...head(3),
    payload: {
      status: {
        type: 'failed',
        reasons: [
          { type: 'threshold-not-met', available: 2, required: 3 },
          { type: 'missing-public-shares', partyIds: [4] },
          { type: 'bad-public-shares', partyIds: [1] },
          { type: 'bad-proof-of-knowledge', partyIds: [1] },
          { type: 'wrong-polynomial-length', partyIds: [2] },
          { type: 'equivocation', partyIds: [2], evidence: [equivocationEvidence()] },
          { type: 'missing-private-shares', partyIds: [4, 5] },
          {
            type: 'complaints',
            complaints: [
              {
                accused: 1,
                ecdhPoint: pointBytes('ecdh'),
                proof: { challenge: scalarBytes('dleq-c'), response: scalarBytes('dleq-s') },
              },
            ],
          },
        ],
      },
    },
  };
}
