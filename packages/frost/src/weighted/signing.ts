import type { Ciphersuite } from '../ciphersuite.ts';
import { mulBaseSecret } from '../math/point.ts';
import { concat, N, type Point, type RandomBytes, scalarToBytes } from './encoding.ts';
import { WeightedError } from './errors.ts';
import { type LagrangeCache, lagrangeCoefficients } from './lagrange.ts';
import { getParty, type Layout } from './layout.ts';
import { checkPackage, messageRound } from './round-math.ts';
import { type SignMode, signingContext } from './signing-context.ts';
import {
  commitmentBytes,
  type PartyCommitments,
  type SignatureShares,
  type SigningPackage,
} from './signing-messages.ts';

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

/** RFC 9591 nonce_generate: H3(random(32) ‖ SerializeScalar(secret)). */
export function nonceGenerate(suite: Ciphersuite, random32: Uint8Array, secret: bigint): bigint {
  if (!(random32 instanceof Uint8Array) || random32.length !== 32)
    throw new WeightedError('INVALID_INPUT', 'nonce randomness must be 32 bytes');
  return suite.H3(concat(random32, scalarToBytes(secret)));
}

// Checked here: noble's range error for a non-bigint or out-of-range scalar prints its value.
function isNonce(k: unknown): k is bigint {
  return typeof k === 'bigint' && k > 0n && k < N;
}

/** Nonce objects, pair lists and pairs already used by `sign` (besides the `spent` flag). */
const consumed = new WeakSet<object>();

function consume(nonces: SigningNonces): void {
  nonces.spent = true;
  consumed.add(nonces);
  consumed.add(nonces.pairs);
  for (const p of nonces.pairs) consumed.add(p);
}

/**
 * `sign` checks the nonces itself, whoever built the object: not spent (the flag, or this object,
 * its pair list or one of its pairs already signed), every nonce a scalar in [1, n), and every
 * pair matching its commitments d·G = D, e·G = E (constant time), so a zero, out-of-range or
 * corrupted nonce never signs. A zero nonce would reveal c·λ·x, a known corruption the same.
 */
function checkNonces(nonces: SigningNonces): void {
  if (nonces === null || typeof nonces !== 'object' || !Array.isArray(nonces.pairs))
    throw new WeightedError('INVALID_INPUT', 'nonces must have pairs');
  if (
    nonces.spent !== false ||
    consumed.has(nonces) ||
    consumed.has(nonces.pairs) ||
    nonces.pairs.some((p) => consumed.has(p))
  )
    throw new WeightedError('INVALID_STATE', 'these nonces were already used');
  const commitments = nonces.commitments?.pairs;
  if (!Array.isArray(commitments) || commitments.length !== nonces.pairs.length)
    throw new WeightedError('INVALID_INPUT', 'nonces need one commitment pair per nonce pair');
  nonces.pairs.forEach((p, i) => {
    if (!isNonce(p?.hiding) || !isNonce(p?.binding))
      throw new WeightedError('MALFORMED_SCALAR', `nonce pair ${i} is not in [1, n)`);
    const c = commitments[i] as { hiding: Point; binding: Point };
    if (!mulBaseSecret(p.hiding).equals(c.hiding) || !mulBaseSecret(p.binding).equals(c.binding))
      throw new WeightedError('INVALID_INPUT', `nonce pair ${i} does not match its commitments`);
  });
}

/** Builds nonces from given scalars (used by `commit`, and to replay published vectors). */
export function noncesFrom(
  partyId: number,
  pairs: readonly { hiding: bigint; binding: bigint }[],
): SigningNonces {
  const commitments: PartyCommitments = {
    partyId,
    pairs: pairs.map((p) => {
      if (!isNonce(p?.hiding) || !isNonce(p?.binding))
        throw new WeightedError('INVALID_INPUT', 'nonce out of range');
      const c = { hiding: mulBaseSecret(p.hiding), binding: mulBaseSecret(p.binding) };
      commitmentBytes(c.hiding);
      commitmentBytes(c.binding);
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
  random: RandomBytes,
): SigningNonces {
  if (!Number.isInteger(count) || count < 1 || count > 10_000)
    throw new WeightedError('INVALID_INPUT', 'count must be in [1, 10000]');
  const party = getParty(key.layout, key.partyId);
  const secret = key.keyIdSecrets.get(party.keyIds[0] as number);
  if (secret === undefined)
    throw new WeightedError('INVALID_INPUT', `missing the secret of key id ${party.keyIds[0]}`);
  const suite = signingContext(key.groupKey, mode).suite;
  const pairs = [];
  for (let i = 0; i < count; i++) {
    pairs.push({
      hiding: nonceGenerate(suite, random(32), secret),
      binding: nonceGenerate(suite, random(32), secret),
    });
  }
  return noncesFrom(key.partyId, pairs);
}

/**
 * Round 2: z_p = ±(d_p + e_p·ρ_p) + c·Σ_{k∈K_p} λ_k·x_k' for every message, where x_k' is the
 * key-id secret mapped to the signing key (even-y, tweak) and λ_k runs over the key ids of all
 * parties in the package. Checks the package first: our commitments must be in it unchanged.
 */
export function sign(
  key: WeightedSigningKey,
  nonces: SigningNonces,
  pkg: SigningPackage,
  mode: SignMode,
  lagrange?: LagrangeCache,
): SignatureShares {
  checkNonces(nonces);
  if (nonces.partyId !== key.partyId)
    throw new WeightedError('INVALID_INPUT', 'nonces belong to another party');
  const { layout, partyId } = key;
  const { signingKeyIds } = checkPackage(layout, pkg);
  const mine = pkg.commitments.find((c) => c.partyId === partyId);
  if (!mine)
    throw new WeightedError('INVALID_INPUT', 'our commitments are not in the signing package');
  if (mine.pairs.length !== nonces.pairs.length)
    throw new WeightedError(
      'INVALID_INPUT',
      'the package has a different number of messages than our nonces',
    );
  mine.pairs.forEach((p, i) => {
    const own = nonces.commitments.pairs[i] as { hiding: Point; binding: Point };
    if (!p.hiding.equals(own.hiding) || !p.binding.equals(own.binding)) {
      throw new WeightedError('INVALID_INPUT', `our commitment for message ${i} was altered`);
    }
  });
  const ctx = signingContext(key.groupKey, mode);
  const party = getParty(layout, partyId);
  let lambdas: bigint[];
  if (lagrange) {
    const all = lagrange.get(signingKeyIds);
    lambdas = party.keyIds.map((k) => all.get(k) as bigint);
  } else lambdas = lagrangeCoefficients(signingKeyIds, party.keyIds, layout.totalKeys);
  // Σ λ_k·x_k' = scale·Σ λ_k·x_k + offset·Σ λ_k: the same for every message.
  let sumLx = 0n;
  let sumL = 0n;
  party.keyIds.forEach((k, j) => {
    const x = key.keyIdSecrets.get(k);
    if (x === undefined)
      throw new WeightedError('INVALID_INPUT', `missing the secret of key id ${k}`);
    if (typeof x !== 'bigint' || x < 0n || x >= N)
      throw new WeightedError('MALFORMED_SCALAR', `the secret of key id ${k} is not in [0, n)`);
    sumLx += (lambdas[j] as bigint) * x;
    sumL += lambdas[j] as bigint;
  });
  const weighted = (ctx.scale * (sumLx % N) + ctx.offset * (sumL % N)) % N;
  const index = pkg.commitments.indexOf(mine);
  consume(nonces);
  const shares = pkg.messages.map((_, i) => {
    const round = messageRound(ctx, pkg, i);
    const pair = nonces.pairs[i] as { hiding: bigint; binding: bigint };
    const rho = round.rhos[index] as bigint;
    return (round.nonceSign * ((pair.hiding + pair.binding * rho) % N) + round.c * weighted) % N;
  });
  return { partyId, shares };
}
