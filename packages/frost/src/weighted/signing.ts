/**
 * Signing of the weighted layer (WSTS-style, docs/protocol/crypto.md "Signing"): a party owns a
 * set of key ids and signs m messages per round with one nonce pair per message, whatever its
 * weight. A thin adapter: a layout and a signing package become a core round (`src/sign/`),
 * the code the standard suites run with one key id per signer, so the RFC 9591 / ZF vectors
 * exercise this path byte for byte (test/weighted/vectors.test.ts).
 * @module
 */
import { SECP256K1, SECP256K1_TR } from '../ciphersuite.ts';
import { InvalidSessionError, NonceReuseError } from '../errors.ts';
import { mulBaseSecret, type Point } from '../math/point.ts';
import type { LagrangeCache } from '../math/polynomial.ts';
import { N } from '../math/scalar.ts';
import type { RNG } from '../random.ts';
import { commitNonces, type NoncePair } from '../sign/round1.ts';
import { type Round, signRound } from '../sign/round2.ts';
import { pointBytes, type SigningKey, signingKey } from '../sign/session.ts';
import { getParty, type Layout } from './layout.ts';
import type { PartyCommitments, SignatureShares, SigningPackage } from './signing-messages.ts';

/**
 * What a signature is for:
 *  - `secp256k1`: RFC 9591 FROST(secp256k1, SHA-256), 65-byte signature R ‖ z, untweaked key;
 *  - `taproot` without `merkleRoot`: plain BIP340 under the even-y group key (untweaked);
 *  - `taproot` with `merkleRoot`: BIP341, output key Q = even(P) + t·G with
 *    t = TapTweak(x(P) ‖ merkleRoot); an empty merkleRoot is the key-path-only tweak (BIP86).
 * The taproot modes use the ZF FROST(secp256k1, SHA-256)-TR suite (BIP340 challenge, 64 bytes).
 */
export type SignMode =
  | { readonly suite: 'secp256k1' }
  | { readonly suite: 'taproot'; readonly merkleRoot?: Uint8Array };

/** The signing key of a mode: suite, the key signatures verify under, and how shares map to it. */
export type SigningContext = SigningKey;

/** The signing key of `groupKey` in `mode` (cached per key and mode). */
export function signingContext(groupKey: Point, mode: SignMode): SigningContext {
  if (mode?.suite === 'secp256k1') return signingKey(SECP256K1, groupKey);
  if (mode?.suite === 'taproot') return signingKey(SECP256K1_TR, groupKey, mode.merkleRoot);
  throw new TypeError('unknown signing mode');
}

/** A party's signing key: what its DKG gave it (a `DkgResult` is one). */
export interface WeightedSigningKey {
  readonly layout: Layout;
  readonly partyId: number;
  /** The untweaked group key Y. */
  readonly groupKey: Point;
  /** x_k for every key id the party owns. Secret. */
  readonly keyIdSecrets: ReadonlyMap<number, bigint>;
}

/**
 * Secret nonces of one round: one (d, e) per message. Single use: `sign` marks them spent and
 * refuses a second call, since two shares under one nonce pair reveal the key-id secrets.
 */
export interface SigningNonces {
  readonly partyId: number;
  readonly pairs: readonly { readonly hiding: bigint; readonly binding: bigint }[];
  readonly commitments: PartyCommitments;
  spent: boolean;
}

// Checked here: noble's range error for a non-bigint or out-of-range scalar prints its value.
function isNonce(k: unknown): k is bigint {
  return typeof k === 'bigint' && k > 0n && k < N;
}

/** Builds nonces from given scalars (used to replay published vectors). */
export function noncesFrom(partyId: number, pairs: readonly NoncePair[]): SigningNonces {
  const commitments: PartyCommitments = {
    partyId,
    pairs: pairs.map((p) => {
      if (!isNonce(p?.hiding) || !isNonce(p?.binding)) throw new RangeError('nonce out of range');
      const c = { hiding: mulBaseSecret(p.hiding), binding: mulBaseSecret(p.binding) };
      pointBytes(c.hiding);
      pointBytes(c.binding);
      return c;
    }),
  };
  return { partyId, pairs: pairs.map((p) => ({ ...p })), commitments, spent: false };
}

/**
 * Round 1: one nonce pair per message to sign (whatever the party's weight). The secret mixed
 * into H3 is the party's lowest key-id secret, so a party owning only key id i generates nonces
 * exactly as a standard FROST signer with share x_i does.
 */
export function commit(
  key: WeightedSigningKey,
  mode: SignMode,
  count: number,
  random: RNG,
): SigningNonces {
  if (!Number.isInteger(count) || count < 1 || count > 10_000)
    throw new RangeError('count must be in [1, 10000]');
  const party = getParty(key.layout, key.partyId);
  const secret = key.keyIdSecrets.get(party.keyIds[0]!);
  if (secret === undefined) throw new RangeError(`missing the secret of key id ${party.keyIds[0]}`);
  const { pairs, commitments } = commitNonces(
    signingContext(key.groupKey, mode).suite,
    secret,
    count,
    random,
  );
  for (const c of commitments) {
    pointBytes(c.hiding);
    pointBytes(c.binding);
  }
  return {
    partyId: key.partyId,
    pairs,
    commitments: { partyId: key.partyId, pairs: commitments },
    spent: false,
  };
}

/**
 * The core round of a signing package: every listed party (sorted by id, known to the layout,
 * one non-identity pair per message) with its key ids; they must hold at least the threshold.
 * Everything here is the coordinator's data: a fault is an `InvalidSessionError`.
 */
export function packageRound(
  layout: Layout,
  groupKey: Point,
  mode: SignMode,
  pkg: SigningPackage,
): Round {
  if (
    pkg === null ||
    typeof pkg !== 'object' ||
    !Array.isArray(pkg.messages) ||
    !Array.isArray(pkg.commitments)
  )
    throw new InvalidSessionError('signing package must have messages and commitments');
  const m = pkg.messages.length;
  if (m === 0) throw new InvalidSessionError('signing package has no messages');
  for (const msg of pkg.messages)
    if (!(msg instanceof Uint8Array)) throw new InvalidSessionError('messages must be bytes');
  let prev = 0;
  let keys = 0;
  const signers = pkg.commitments.map((c) => {
    const party = layout.partyById.get(c?.partyId);
    if (!party) throw new InvalidSessionError(`party ${String(c?.partyId)} is not in the layout`);
    if (c.partyId <= prev)
      throw new InvalidSessionError('commitments must be sorted by party id without duplicates');
    prev = c.partyId;
    if (!Array.isArray(c.pairs) || c.pairs.length !== m)
      throw new InvalidSessionError(
        `party ${c.partyId} must commit one nonce pair per message (${m})`,
      );
    for (const p of c.pairs)
      if (p.hiding.is0() || p.binding.is0())
        throw new InvalidSessionError(`party ${c.partyId} committed the identity`);
    keys += party.keyIds.length;
    return { id: BigInt(c.partyId), keyIds: party.keyIds.map(BigInt), pairs: c.pairs };
  });
  if (keys < layout.threshold)
    throw new InvalidSessionError(
      `the signing parties hold ${keys} key ids, the threshold is ${layout.threshold}`,
    );
  return { key: signingContext(groupKey, mode), messages: pkg.messages, signers };
}

/** Nonce objects, pair lists and pairs already used by `sign` (besides the `spent` flag). */
const consumed = new WeakSet<object>();

/**
 * Refuses spent nonces, whoever built the object: the flag, or this object, its pair list or
 * one of its pairs already signed. (Each nonce is then checked against its commitment by the
 * core round: in [1, n) and d·G = D, e·G = E.)
 */
function assertUnspent(nonces: SigningNonces): void {
  if (nonces === null || typeof nonces !== 'object' || !Array.isArray(nonces.pairs))
    throw new TypeError('nonces must have pairs');
  if (
    nonces.spent !== false ||
    consumed.has(nonces) ||
    consumed.has(nonces.pairs) ||
    nonces.pairs.some((p) => consumed.has(p))
  )
    throw new NonceReuseError();
}

function consume(nonces: SigningNonces): void {
  nonces.spent = true;
  consumed.add(nonces);
  consumed.add(nonces.pairs);
  for (const p of nonces.pairs) consumed.add(p);
}

/**
 * Round 2: z_p = ±(d_p + e_p·ρ_p) + c·Σ_{k∈K_p} λ_k·x_k' for every message, where x_k' is the
 * key-id secret mapped to the signing key (even-y, tweak) and λ_k runs over the key ids of all
 * parties in the package. `sign` checks its nonces itself: not spent, every nonce in [1, n), the
 * package carrying exactly our commitments and each nonce matching its commitment (d·G = D), so
 * a zero, out-of-range or corrupted nonce never signs.
 */
export function sign(
  key: WeightedSigningKey,
  nonces: SigningNonces,
  pkg: SigningPackage,
  mode: SignMode,
  lagrange?: LagrangeCache,
): SignatureShares {
  assertUnspent(nonces);
  if (nonces.partyId !== key.partyId) throw new RangeError('nonces belong to another party');
  const { layout, partyId } = key;
  const party = getParty(layout, partyId);
  const round = packageRound(layout, key.groupKey, mode, pkg);
  const mine = pkg.commitments.find((c) => c.partyId === partyId);
  if (!mine) throw new InvalidSessionError('our commitments are not in the signing package');
  const own = nonces.commitments?.pairs;
  if (!Array.isArray(own) || own.length !== mine.pairs.length)
    throw new InvalidSessionError('the package has a different number of messages than our nonces');
  mine.pairs.forEach((p, i) => {
    if (!p.hiding.equals(own[i]!.hiding) || !p.binding.equals(own[i]!.binding))
      throw new InvalidSessionError(`our commitment for message ${i} was altered`);
  });
  const keyShares = new Map<bigint, bigint>();
  for (const k of party.keyIds) {
    const x = key.keyIdSecrets.get(k);
    if (x !== undefined) keyShares.set(BigInt(k), x);
  }
  const shares = signRound(round, BigInt(partyId), nonces.pairs, keyShares, lagrange);
  consume(nonces);
  return { partyId, shares };
}
