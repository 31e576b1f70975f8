/**
 * Pedersen DKG with Schnorr proofs of knowledge (FROST paper Fig. 1; ZF `keys::dkg`), in the
 * split-round API of noble / ZF: round1 → broadcast, round2 → one private message per peer,
 * round3 → key package. All n participants take part; no complaint round. Channels are the
 * caller's job: round-1 packages need an authenticated broadcast channel with echo, round-2
 * messages need encryption and authentication.
 *
 * The VSS core (`vss.ts`) is the weighted DKG's, with one key id (our identifier): the proofs
 * of knowledge of round 2 are checked with ONE random-linear-combination MSM, and the received
 * shares of round 3 with one more against the summed group commitments, which also give every
 * verifying share; individual checks (a bisection for shares) run only to name culprits.
 * @module
 */
import { normalizeZ } from '@noble/curves/abstract/curve.js';
import { equalBytes } from '@noble/curves/utils.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { aarray, abytes, aobject } from '../assert.ts';
import type { Ciphersuite } from '../ciphersuite.ts';
import {
  type Identifier,
  InvalidProofOfKnowledgeError,
  InvalidSecretShareError,
  InvalidSessionError,
} from '../errors.ts';
import { identifierToHex, parseIdentifier } from '../identifier.ts';
import {
  decodePoint,
  decodeXOnly,
  encodePoint,
  encodeXOnly,
  type Point,
  Point as PointClass,
} from '../math/point.ts';
import { evaluate, evaluateInExponent } from '../math/polynomial.ts';
import { add, decodeScalar, encodeScalar } from '../math/scalar.ts';
import type { RNG } from '../random.ts';
import { taprootTweak } from '../taproot.ts';
import { generateSecretPolynomial } from './dealer.ts';
import { validateSigners } from './packages.ts';
import { tweakPoints, tweakShare } from './tweak.ts';
import type { DKG_Round1, DKG_Round2, DKG_Secret, Key, Signers } from './types.ts';
import {
  type Dealt,
  invalidProofs,
  type KnowledgeClaim,
  proveKnowledge,
  verifyDealt,
} from './vss.ts';

/** What round2 learnt and round3 needs, kept off the caller-visible secret object. */
type Received = {
  /** Canonical (sorted) round-1 transcript bytes, compared again in round3. */
  transcript: Uint8Array;
  /** Sender ids ascending, and their parsed commitments. */
  senders: { id: bigint; idHex: Identifier; commitment: Point[] }[];
  round2: Record<Identifier, DKG_Round2>;
};
const received = new WeakMap<DKG_Secret, Received>();
/** Our own commitment points from round1 (saves decoding them again in round3). */
const ownCommitment = new WeakMap<DKG_Secret, Point[]>();

/** The proof-of-knowledge challenge H_DKG(id ‖ φ_0 ‖ R) (R is even in -TR, encoded 02‖x). */
function pokChallenge(suite: Ciphersuite, id: bigint, phi0: Point, R: Point): bigint {
  const buf = new Uint8Array(32 + 33 + 33);
  buf.set(encodeScalar(id), 0);
  buf.set(encodePoint(phi0), 32);
  buf.set(encodePoint(R), 65);
  return suite.HDKG(buf);
}

function encodeProof(suite: Ciphersuite, R: Point, mu: bigint): Uint8Array {
  const r = suite.taproot ? encodeXOnly(R) : encodePoint(R);
  const out = new Uint8Array(r.length + 32);
  out.set(r, 0);
  out.set(encodeScalar(mu), r.length);
  return out;
}

function decodeProof(suite: Ciphersuite, bytes: unknown, field: string): { R: Point; mu: bigint } {
  const len = suite.taproot ? 64 : 65;
  abytes(bytes, field, len);
  const b = bytes as Uint8Array;
  const rLen = len - 32;
  const R = suite.taproot
    ? decodeXOnly(b.subarray(0, rLen), `${field}.R`)
    : decodePoint(b.subarray(0, rLen), `${field}.R`);
  return { R, mu: decodeScalar(b.subarray(rLen), `${field}.mu`) };
}

/** Round 1: sample f, commit to it, prove knowledge of f(0). */
export function round1(
  suite: Ciphersuite,
  idHex: Identifier,
  signersIn: Signers,
  secret: Uint8Array | undefined,
  rng: RNG,
): { public: DKG_Round1; secret: DKG_Secret } {
  const id = parseIdentifier(idHex, 'id');
  const signers = validateSigners(signersIn);
  const poly = generateSecretPolynomial(signers, secret, rng);
  // PoK nonce: in -TR it is negated when k·G has odd y, so R is even (noble adjustScalar).
  const phi0 = poly.commitment[0]!;
  const { R, mu } = proveKnowledge(
    poly.coefficients[0]!,
    rng,
    (R) => pokChallenge(suite, id, phi0, R),
    suite.taproot,
  );
  const commitment = poly.commitment.map(encodePoint);
  const secretPackage: DKG_Secret = {
    identifier: id,
    coefficients: poly.coefficients,
    commitment,
    signers,
    step: 1,
  };
  ownCommitment.set(secretPackage, poly.commitment);
  return {
    public: {
      identifier: identifierToHex(id),
      commitment,
      proofOfKnowledge: encodeProof(suite, R, mu),
    },
    secret: secretPackage,
  };
}

function sortedRound1(packages: readonly DKG_Round1[]): { id: bigint; pkg: DKG_Round1 }[] {
  return packages
    .map((pkg, i) => {
      aobject(pkg, `round1[${i}]`);
      return { id: parseIdentifier(pkg.identifier, `round1[${i}].identifier`), pkg };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function transcriptBytes(sorted: { id: bigint; pkg: DKG_Round1 }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const { id, pkg } of sorted) {
    parts.push(encodeScalar(id), Uint8Array.of(pkg.commitment.length));
    for (const c of pkg.commitment) parts.push(c instanceof Uint8Array ? c : new Uint8Array(0));
    parts.push(
      pkg.proofOfKnowledge instanceof Uint8Array ? pkg.proofOfKnowledge : new Uint8Array(0),
    );
  }
  return concatBytes(...parts);
}

function validateSecretPackage(secret: DKG_Secret): Signers {
  aobject(secret, 'secret');
  if (typeof secret.identifier !== 'bigint')
    throw new TypeError('"secret.identifier" expected bigint');
  return validateSigners(secret.signers, 'secret.signers');
}

/**
 * Round 2: check every peer's round-1 package (encodings, counts, proofs of knowledge, in one
 * batch) and compute the share f(id_j) for each peer j.
 */
export function round2(
  suite: Ciphersuite,
  secret: DKG_Secret,
  others: readonly DKG_Round1[],
): Record<Identifier, DKG_Round2> {
  const signers = validateSecretPackage(secret);
  aarray(others, 'others');
  if (others.length !== signers.max - 1)
    throw new InvalidSessionError(
      `expected ${signers.max - 1} round1 packages, got ${others.length}`,
    );
  const sorted = sortedRound1(others);
  const transcript = transcriptBytes(sorted);
  const prior = received.get(secret);
  if (prior) {
    // Retrying round2 is allowed only with the identical transcript (same answer).
    if (secret.step !== 2 || !equalBytes(prior.transcript, transcript))
      throw new InvalidSessionError('round2 already ran with different round1 packages');
    return prior.round2;
  }
  if (secret.step !== 1 || !secret.coefficients)
    throw new InvalidSessionError('round2 called out of order');
  const myHex = identifierToHex(secret.identifier);
  const senders: Received['senders'] = [];
  const claims: KnowledgeClaim[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const { id, pkg } = sorted[i]!;
    const idHex = identifierToHex(id);
    if (id === secret.identifier)
      throw new InvalidSessionError(`round1 package from ourselves (${idHex})`);
    if (i > 0 && sorted[i - 1]!.id === id)
      throw new InvalidSessionError(`duplicate identifier ${idHex}`);
    aarray(pkg.commitment, `round1[${idHex}].commitment`);
    if (pkg.commitment.length !== signers.min)
      throw new InvalidSessionError(
        `round1[${idHex}] has ${pkg.commitment.length} commitments, expected ${signers.min}`,
      );
    const commitment = pkg.commitment.map((c, k) =>
      decodePoint(c, `round1[${idHex}].commitment[${k}]`),
    );
    const { R, mu } = decodeProof(suite, pkg.proofOfKnowledge, `round1[${idHex}].proofOfKnowledge`);
    claims.push({
      pub: commitment[0]!,
      proof: { R, mu },
      c: pokChallenge(suite, id, commitment[0]!, R),
    });
    senders.push({ id, idHex, commitment });
  }
  // Σ w_j·(R_j + c_j·φ_j0) == (Σ w_j·μ_j)·G, one MSM; on failure, check each to name culprits.
  const bad = invalidProofs(claims, [transcript]);
  if (bad.length > 0) throw new InvalidProofOfKnowledgeError(bad.map((j) => senders[j]!.idHex));
  const out: Record<Identifier, DKG_Round2> = {};
  for (const s of senders)
    out[s.idHex] = {
      identifier: myHex,
      signingShare: encodeScalar(evaluate(secret.coefficients, s.id)),
    };
  received.set(secret, { transcript, senders, round2: out });
  secret.step = 2;
  return out;
}

/**
 * Round 3: check the shares received from every peer against their commitments (batched),
 * then output the key package. The -TR suite applies the BIP341 key-path tweak with an empty
 * merkle root here, as ZF `post_dkg` and noble do.
 */
export function round3(
  suite: Ciphersuite,
  secret: DKG_Secret,
  round1In: readonly DKG_Round1[],
  round2In: readonly DKG_Round2[],
): Key {
  const signers = validateSecretPackage(secret);
  aarray(round1In, 'round1');
  aarray(round2In, 'round2');
  const state = received.get(secret);
  if (secret.step !== 2 || !state || !secret.coefficients)
    throw new InvalidSessionError('round3 called out of order');
  if (!equalBytes(state.transcript, transcriptBytes(sortedRound1(round1In))))
    throw new InvalidSessionError('round1 packages differ from those checked in round2');
  if (round2In.length !== state.senders.length)
    throw new InvalidSessionError(
      `expected ${state.senders.length} round2 packages, got ${round2In.length}`,
    );
  const shareBy = new Map<bigint, bigint>();
  round2In.forEach((r, i) => {
    aobject(r, `round2[${i}]`);
    const from = parseIdentifier(r.identifier, `round2[${i}].identifier`);
    if (shareBy.has(from))
      throw new InvalidSessionError(`duplicate round2 package from ${r.identifier}`);
    shareBy.set(from, decodeScalar(r.signingShare, `round2[${i}].signingShare`));
  });
  const me = secret.identifier;
  const mine = secret.coefficients;
  const own =
    ownCommitment.get(secret) ??
    secret.commitment.map((c, k) => decodePoint(c, `secret.commitment[${k}]`));
  // Every dealer's commitments and share for our id, ours first (the VSS core, one key id).
  const dealt: Dealt[] = [{ commitment: own, shares: [evaluate(mine, me)] }];
  for (const s of state.senders) {
    const share = shareBy.get(s.id);
    if (share === undefined)
      throw new InvalidSessionError(`missing round2 package from ${s.idHex}`);
    dealt.push({ commitment: s.commitment, shares: [share] });
  }
  // Σ_j s_j·w·G == Σ_i w·me^i·(Σ_j C_ji): one MSM over the summed commitments, whose sum is the
  // group commitment; the received shares are secret (constant-time side of the check).
  const { ok, groupCommitments, culprits } = verifyDealt(
    dealt,
    [me],
    [state.transcript, ...dealt.map((d) => encodeScalar(d.shares[0]!))],
    state.senders.map((_, j) => j + 1),
  );
  if (!ok) throw new InvalidSecretShareError(culprits.map((j) => state.senders[j - 1]!.idHex));
  let merged: Point[] = groupCommitments;
  let signingShare = 0n;
  for (const d of dealt) signingShare = add(signingShare, d.shares[0]!);
  const ids = [me, ...state.senders.map((s) => s.id)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let ys = ids.map((id) => evaluateInExponent(merged, id));
  if (suite.taproot) {
    // ZF post_dkg / noble adjustDKG: BIP341 key-path tweak (empty merkle root) of the whole
    // package, applied to the points before encoding: even(P), then Q = P + t·G, Y_i += t·G.
    if (merged[0]!.is0()) throw new InvalidSessionError('DKG produced the identity');
    const tw = taprootTweak(merged[0]!, new Uint8Array(0));
    const tweaked = tweakPoints(tw, merged, ys);
    merged = tweaked.commitments;
    ys = tweaked.verifyingShares;
    signingShare = tweakShare(tw, signingShare);
  }
  const encoded = encodePoints([...merged, ...ys]);
  const verifyingShares: Record<Identifier, Uint8Array> = {};
  ids.forEach((id, i) => {
    verifyingShares[identifierToHex(id)] = encoded[merged.length + i]!;
  });
  const key: Key = {
    public: { signers, commitments: encoded.slice(0, merged.length), verifyingShares },
    secret: { identifier: identifierToHex(me), signingShare: encodeScalar(signingShare) },
  };
  // Best-effort erasure of the polynomial (bigints cannot be wiped reliably).
  mine.fill(0n);
  delete secret.coefficients;
  received.delete(secret);
  ownCommitment.delete(secret);
  secret.step = 3;
  return key;
}

/** Compressed encodings of many points with one batched inversion (Point.normalizeZ). */
function encodePoints(points: readonly Point[]): Uint8Array[] {
  for (const p of points) if (p.is0()) throw new InvalidSessionError('DKG produced the identity');
  return normalizeZ(PointClass, [...points]).map((p) => encodePoint(p));
}
