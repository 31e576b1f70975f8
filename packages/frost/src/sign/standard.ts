/**
 * The signing steps of the standard suites (RFC 9591, ZF -TR) on noble-shaped packages, as
 * the one-key-id-per-signer, one-message case of the core round (`round2.ts`, `aggregate.ts`):
 * a signer's only key id is its identifier. Parsing is strict and happens here; the math is the
 * core's, the same code the weighted layer runs.
 * @module
 */
import { abytes, aobject } from '../assert.ts';
import type { Ciphersuite } from '../ciphersuite.ts';
import {
  FrostError,
  type Identifier,
  InvalidSessionError,
  InvalidSignatureShareError,
  NonceReuseError,
} from '../errors.ts';
import { parseIdentifier } from '../identifier.ts';
import { parsePublic, parseSecret, verifyingShareOf } from '../keys/packages.ts';
import type {
  AggregateOptions,
  FrostPublic,
  FrostSecret,
  GenNonce,
  NonceCommitments,
  Nonces,
  TweakOptions,
} from '../keys/types.ts';
import { encodePoint } from '../math/point.ts';
import { lagrangeCoefficient } from '../math/polynomial.ts';
import { decodeScalar, encodeScalar } from '../math/scalar.ts';
import type { RNG } from '../random.ts';
import { aggregateRound } from './aggregate.ts';
import { parseCommitmentList } from './commitments.ts';
import { commitNonces } from './round1.ts';
import { messageSession, type Round, roundKeyIds, signRound } from './round2.ts';
import { checkShare, shareEquation, signingKey } from './session.ts';

/** Round one: single-use nonces and their commitments (RFC 9591 §5.1). */
export function commit(suite: Ciphersuite, secret: FrostSecret, rng: RNG): GenNonce {
  const s = parseSecret(secret);
  const { pairs, commitments } = commitNonces(suite, s.share, 1, rng);
  return {
    nonces: { hiding: encodeScalar(pairs[0]!.hiding), binding: encodeScalar(pairs[0]!.binding) },
    commitments: {
      identifier: s.idHex,
      hiding: encodePoint(commitments[0]!.hiding),
      binding: encodePoint(commitments[0]!.binding),
    },
  };
}

/** The one-message round of a commitment list (every signer's key id is its identifier). */
function roundOf(
  suite: Ciphersuite,
  pub: FrostPublic,
  commitmentList: readonly NonceCommitments[],
  msg: Uint8Array,
  merkleRoot: Uint8Array | undefined,
): { round: Round; idHex: Identifier[] } {
  const { signers, groupKey } = parsePublic(pub);
  abytes(msg, 'msg');
  const list = parseCommitmentList(commitmentList, signers);
  const round: Round = {
    key: signingKey(suite, groupKey, merkleRoot),
    messages: [msg],
    signers: list.signers.map((s) => ({
      id: s.id,
      keyIds: [s.id],
      pairs: [{ hiding: s.hiding, binding: s.binding }],
    })),
  };
  return { round, idHex: list.idHex };
}

/** Nonce objects already consumed (in addition to zeroing their bytes). */
const usedNonces = new WeakSet<object>();

function isZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
}

/** Round two: this signer's share. Consumes (zeroes) `nonces` (RFC 9591 §5.2). */
export function signShare(
  suite: Ciphersuite,
  secret: FrostSecret,
  pub: FrostPublic,
  nonces: Nonces,
  commitmentList: readonly NonceCommitments[],
  msg: Uint8Array,
  opts: TweakOptions = {},
): Uint8Array {
  const s = parseSecret(secret);
  parsePublic(pub);
  aobject(nonces, 'nonces');
  abytes(nonces.hiding, 'nonces.hiding', 32);
  abytes(nonces.binding, 'nonces.binding', 32);
  if (usedNonces.has(nonces) || (isZero(nonces.hiding) && isZero(nonces.binding)))
    throw new NonceReuseError();
  const d = decodeScalar(nonces.hiding, 'nonces.hiding', true);
  const e = decodeScalar(nonces.binding, 'nonces.binding', true);
  const { round } = roundOf(suite, pub, commitmentList, msg, opts.merkleRoot);
  if (!round.signers.some((c) => c.id === s.id))
    throw new InvalidSessionError('commitment list does not contain this signer');
  const [z] = signRound(round, s.id, [{ hiding: d, binding: e }], new Map([[s.id, s.share]]));
  // Single use: zero the caller's nonce bytes and remember the object.
  nonces.hiding.fill(0);
  nonces.binding.fill(0);
  usedNonces.add(nonces);
  return encodeScalar(z!);
}

/** Verifies one signature share (RFC 9591 §5.4). */
export function verifyShare(
  suite: Ciphersuite,
  pub: FrostPublic,
  commitmentList: readonly NonceCommitments[],
  msg: Uint8Array,
  identifier: Identifier,
  share: Uint8Array,
  opts: TweakOptions = {},
): boolean {
  const id = parseIdentifier(identifier, 'identifier');
  abytes(share, 'share', 32);
  const { round, idHex } = roundOf(suite, pub, commitmentList, msg, opts.merkleRoot);
  const index = round.signers.findIndex((s) => s.id === id);
  if (index < 0) throw new InvalidSessionError(`commitment list does not contain ${identifier}`);
  let z: bigint;
  try {
    z = decodeScalar(share, 'share');
  } catch {
    return false;
  }
  const lambda = lagrangeCoefficient(roundKeyIds(round), id);
  const eq = shareEquation(messageSession(round, 0), index, [
    { lambda, verifyingShare: verifyingShareOf(pub, idHex[index]!) },
  ]);
  return checkShare(eq, z);
}

/**
 * Aggregates the shares into a signature. Throws `InvalidSignatureShareError` (with every
 * culprit) if the result does not verify, and `InvalidSessionError` if the share set differs
 * from the commitment list.
 */
export function aggregate(
  suite: Ciphersuite,
  pub: FrostPublic,
  commitmentList: readonly NonceCommitments[],
  msg: Uint8Array,
  shares: Readonly<Record<Identifier, Uint8Array>>,
  opts: AggregateOptions = {},
): Uint8Array {
  aobject(shares, 'shares');
  const { round, idHex } = roundOf(suite, pub, commitmentList, msg, opts.merkleRoot);
  const keys = Object.keys(shares);
  if (keys.length !== idHex.length || !idHex.every((id) => Object.hasOwn(shares, id)))
    throw new InvalidSessionError('signature shares do not match the commitment list');
  // Every signer must be in the key package (decoded only if shares are checked).
  for (const id of idHex)
    if (!Object.hasOwn(pub.verifyingShares, id))
      throw new InvalidSessionError(`no verifying share for ${id}`);
  const zs: bigint[] = [];
  const malformed: Identifier[] = [];
  for (const id of idHex) {
    try {
      zs.push(decodeScalar(shares[id], `shares[${id}]`));
    } catch (err) {
      if (!(err instanceof FrostError)) throw err;
      malformed.push(id);
    }
  }
  if (malformed.length) throw new InvalidSignatureShareError(malformed);
  const byId = new Map(round.signers.map((s, i) => [s.id, idHex[i]!]));
  const out = aggregateRound(
    round,
    zs.map((z) => [z]),
    {
      verifyingShare: (keyId) => verifyingShareOf(pub, byId.get(keyId)!),
      verifyShares: opts.verifyShares === true,
    },
  );
  if (!out.ok) throw new InvalidSignatureShareError(out.culprits.map((i) => idHex[i]!));
  return out.signatures[0]!;
}
