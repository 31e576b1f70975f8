/**
 * Coordinator side (RFC 9591 §5.3, §5.4): share verification and aggregation with cheater
 * detection, and final signature verification.
 *
 * `aggregate` is optimistic like ZF and noble: it checks the final signature once and only on
 * failure verifies shares to name the culprits. With `verifyShares` it checks every share first
 * in one batched MSM (random linear combination), which is still much cheaper than verifying
 * shares one by one.
 * @module
 */
import { abytes, aobject } from '../assert.ts';
import type { Ciphersuite } from '../ciphersuite.ts';
import {
  FrostError,
  type Identifier,
  InvalidSessionError,
  InvalidSignatureShareError,
} from '../errors.ts';
import { parseIdentifier } from '../identifier.ts';
import { parsePublic, verifyingShareOf } from '../keys/packages.ts';
import type {
  AggregateOptions,
  FrostPublic,
  NonceCommitments,
  TweakOptions,
} from '../keys/types.ts';
import { mulPublic } from '../math/point.ts';
import { lagrangeCoefficient, lagrangeCoefficients } from '../math/polynomial.ts';
import { decodeScalar } from '../math/scalar.ts';
import { parseCommitmentList } from './commitments.ts';
import {
  aggregateShares,
  baseMul,
  checkShare,
  checkSharesBatch,
  createSession,
  invalidShares,
  type ShareEquation,
  type SigningSession,
  shareEquation,
  signingKey,
} from './session.ts';

function prepare(
  suite: Ciphersuite,
  pub: FrostPublic,
  commitmentList: readonly NonceCommitments[],
  msg: Uint8Array,
  merkleRoot: Uint8Array | undefined,
) {
  const { signers, groupKey } = parsePublic(pub);
  abytes(msg, 'msg');
  const list = parseCommitmentList(commitmentList, signers);
  const session = createSession(suite, signingKey(suite, groupKey, merkleRoot), list.signers, msg);
  return { session, idHex: list.idHex };
}

function equations(
  session: SigningSession,
  pub: FrostPublic,
  idHex: readonly Identifier[],
): ShareEquation[] {
  const lambdas = lagrangeCoefficients(session.signers.map((s) => s.id));
  return session.signers.map((_, i) =>
    shareEquation(session, i, [
      { lambda: lambdas[i]!, verifyingShare: verifyingShareOf(pub, idHex[i]!) },
    ]),
  );
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
  const { session, idHex } = prepare(suite, pub, commitmentList, msg, opts.merkleRoot);
  const index = session.signers.findIndex((s) => s.id === id);
  if (index < 0) throw new InvalidSessionError(`commitment list does not contain ${identifier}`);
  let z: bigint;
  try {
    z = decodeScalar(share, 'share');
  } catch {
    return false;
  }
  const lambda = lagrangeCoefficient(
    session.signers.map((s) => s.id),
    id,
  );
  const eq = shareEquation(session, index, [
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
  const { session, idHex } = prepare(suite, pub, commitmentList, msg, opts.merkleRoot);
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
      zs.push(0n);
    }
  }
  if (malformed.length) throw new InvalidSignatureShareError(malformed);
  if (opts.verifyShares) {
    const eqs = equations(session, pub, idHex);
    if (!checkSharesBatch(eqs, zs, session.bindingFactorInputs))
      throw new InvalidSignatureShareError(invalidShares(eqs, zs).map((i) => idHex[i]!));
  }
  const { z, valid } = aggregateShares(session, zs);
  if (!valid) {
    const eqs = equations(session, pub, idHex);
    throw new InvalidSignatureShareError(invalidShares(eqs, zs).map((i) => idHex[i]!));
  }
  return suite.encodeSignature(session.groupCommitment, z);
}

/**
 * Verifies a final signature: z·G == R + c·PK. For -TR this is BIP340 verification against the
 * x-only key (a 33-byte key is accepted and its x used). Malformed signatures or keys give false.
 */
export function verify(
  suite: Ciphersuite,
  sig: Uint8Array,
  msg: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  abytes(sig, 'sig');
  abytes(msg, 'msg');
  abytes(publicKey, 'publicKey');
  let R: ReturnType<Ciphersuite['decodeSignature']>['R'];
  let z: bigint;
  let PK: ReturnType<Ciphersuite['decodePublicKey']>;
  try {
    ({ R, z } = suite.decodeSignature(sig));
    PK = suite.decodePublicKey(publicKey);
  } catch (err) {
    if (err instanceof FrostError) return false;
    throw err;
  }
  const c = suite.challenge(R, PK, msg);
  return mulPublic(PK, c).add(R).equals(baseMul(z));
}
