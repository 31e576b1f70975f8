/**
 * Round two (RFC 9591 §5.2): the signer checks the coordinator's commitment list (it must
 * contain the signer exactly once, with the signer's own commitments), computes its share and
 * consumes its nonces.
 * @module
 */
import { abytes, aobject } from '../assert.ts';
import type { Ciphersuite } from '../ciphersuite.ts';
import { InvalidSessionError, NonceReuseError } from '../errors.ts';
import { parsePublic, parseSecret } from '../keys/packages.ts';
import type {
  FrostPublic,
  FrostSecret,
  NonceCommitments,
  Nonces,
  TweakOptions,
} from '../keys/types.ts';
import { mulBaseSecret } from '../math/point.ts';
import { lagrangeCoefficient } from '../math/polynomial.ts';
import { decodeScalar, encodeScalar } from '../math/scalar.ts';
import { parseCommitmentList } from './commitments.ts';
import { computeShare, createSession, signerIndex, signingKey } from './session.ts';

/** Nonce objects already consumed (in addition to zeroing their bytes). */
const usedNonces = new WeakSet<object>();

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
  const { signers, groupKey } = parsePublic(pub);
  aobject(nonces, 'nonces');
  abytes(nonces.hiding, 'nonces.hiding', 32);
  abytes(nonces.binding, 'nonces.binding', 32);
  if (usedNonces.has(nonces) || (isZero(nonces.hiding) && isZero(nonces.binding)))
    throw new NonceReuseError();
  const d = decodeScalar(nonces.hiding, 'nonces.hiding', true);
  const e = decodeScalar(nonces.binding, 'nonces.binding', true);
  abytes(msg, 'msg');
  const list = parseCommitmentList(commitmentList, signers);
  const key = signingKey(suite, groupKey, opts.merkleRoot);
  const own = list.signers.find((c) => c.id === s.id);
  if (!own) throw new InvalidSessionError('commitment list does not contain this signer');
  // The coordinator must assign exactly the commitments of these nonces (RFC 9591 §5.2).
  if (!own.hiding.equals(mulBaseSecret(d)) || !own.binding.equals(mulBaseSecret(e)))
    throw new InvalidSessionError("commitment list does not match this signer's nonces");
  const session = createSession(suite, key, list.signers, msg);
  const index = signerIndex(session, s.id);
  const lambda = lagrangeCoefficient(
    session.signers.map((c) => c.id),
    s.id,
  );
  const z = computeShare(session, index, d, e, [{ lambda, share: s.share }]);
  // Single use: zero the caller's nonce bytes and remember the object.
  nonces.hiding.fill(0);
  nonces.binding.fill(0);
  usedNonces.add(nonces);
  return encodeScalar(z);
}

function isZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
}
