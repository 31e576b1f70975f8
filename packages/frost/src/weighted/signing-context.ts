import { type Ciphersuite, SECP256K1, SECP256K1_TR } from '../ciphersuite.ts';
import { mulBasePublic } from '../math/point.ts';
import { tapTweak } from '../taproot.ts';
import { hasEvenY, N, type Point } from './encoding.ts';
import { WeightedError } from './errors.ts';

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

/**
 * Everything that depends only on (group key, mode), computed once: the key signatures verify
 * under, and how a key-id secret maps to it: x_k' = scale·x_k + offset (so Σλ_k·x_k' is the
 * secret of `key` because Σλ_k = 1). Cached per (key, mode); see `keyTable` for verification.
 */
export interface SigningContext {
  readonly suite: Ciphersuite;
  readonly taproot: boolean;
  /** The key signatures verify under (even-y for taproot). */
  readonly key: Point;
  /** ±1 as a scalar mod n. */
  readonly scale: bigint;
  readonly offset: bigint;
}

const cache = new Map<string, SigningContext>();
const CACHE_MAX = 64;

function hexOf(b: Uint8Array): string {
  let s = '';
  for (const v of b) s += v.toString(16).padStart(2, '0');
  return s;
}

export function signingContext(groupKey: Point, mode: SignMode): SigningContext {
  if (groupKey.is0()) throw new WeightedError('INVALID_INPUT', 'group key is the identity');
  let id: string;
  if (mode.suite === 'secp256k1') id = 'rfc';
  else if (mode.suite === 'taproot') {
    if (
      mode.merkleRoot !== undefined &&
      (!(mode.merkleRoot instanceof Uint8Array) ||
        (mode.merkleRoot.length !== 0 && mode.merkleRoot.length !== 32))
    ) {
      throw new WeightedError('INVALID_INPUT', 'merkleRoot must be 0 or 32 bytes');
    }
    id = mode.merkleRoot === undefined ? 'bip340' : `tweak:${hexOf(mode.merkleRoot)}`;
  } else throw new WeightedError('INVALID_INPUT', 'unknown signing mode');
  const cacheKey = `${groupKey.toHex(true)}/${id}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  let ctx: SigningContext;
  if (mode.suite === 'secp256k1') {
    ctx = { suite: SECP256K1, taproot: false, key: groupKey, scale: 1n, offset: 0n };
  } else {
    const pOdd = !hasEvenY(groupKey);
    const P = pOdd ? groupKey.negate() : groupKey;
    if (mode.merkleRoot === undefined) {
      ctx = { suite: SECP256K1_TR, taproot: true, key: P, scale: pOdd ? N - 1n : 1n, offset: 0n };
    } else {
      const t = tapTweak(P, mode.merkleRoot);
      const Q = P.add(mulBasePublic(t));
      if (Q.is0()) throw new WeightedError('INVALID_INPUT', 'tweaked key is the identity');
      const qOdd = !hasEvenY(Q);
      // x_k' = ε_Q·(ε_P·x_k + t)
      const scale = (pOdd !== qOdd ? N - 1n : 1n) % N;
      ctx = {
        suite: SECP256K1_TR,
        taproot: true,
        key: qOdd ? Q.negate() : Q,
        scale,
        offset: qOdd ? N - t : t,
      };
    }
  }
  if (cache.size >= CACHE_MAX) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(cacheKey, ctx);
  return ctx;
}

const tabled = new WeakSet<Point>();

/**
 * The signing key with a precomputed window table (W = 8, ~50 ms once per key and mode), so a
 * final-signature check costs about a third of a plain verify. Built on first use by a verifier
 * (the coordinator), never by parties, which do not verify.
 */
export function keyTable(ctx: SigningContext): Point {
  if (!tabled.has(ctx.key)) {
    ctx.key.precompute(8, false);
    tabled.add(ctx.key);
  }
  return ctx.key;
}
