/**
 * BIP341 tweak of whole key packages (-TR suite), as ZF `Tweak::tweak` / `post_dkg` and noble
 * `frostTweakPublic/Secret`: make the group key P even (negating every commitment, verifying
 * share and signing share if P is odd), then Q = P + t·G, Y_i += t·G, s_i += t. The tweak itself
 * is `taprootTweak` (src/taproot.ts).
 * @module
 */
import type { Identifier } from '../errors.ts';
import { decodePoint, encodePoint, mulBasePublic, type Point } from '../math/point.ts';
import { add, encodeScalar, neg } from '../math/scalar.ts';
import { type TaprootTweak, taprootTweak } from '../taproot.ts';
import { parsePublic, parseSecret } from './packages.ts';
import type { FrostPublic, FrostSecret } from './types.ts';

/** The tweaked VSS commitments and verifying shares: ±C_0 + t·G, ±C_k (k > 0), ±Y_i + t·G. */
export function tweakPoints(
  tw: TaprootTweak,
  commitments: readonly Point[],
  verifyingShares: readonly Point[],
): { commitments: Point[]; verifyingShares: Point[] } {
  const tG = mulBasePublic(tw.t);
  const sign = (p: Point) => (tw.negate ? p.negate() : p);
  return {
    commitments: commitments.map((c, k) => (k === 0 ? sign(c).add(tG) : sign(c))),
    verifyingShares: verifyingShares.map((y) => sign(y).add(tG)),
  };
}

/** The tweaked signing share ±s + t. */
export function tweakShare(tw: TaprootTweak, share: bigint): bigint {
  return add(tw.negate ? neg(share) : share, tw.t);
}

/** The tweaked public package (commitments[0] becomes Q; Q may have odd y). */
export function tweakPublic(pub: FrostPublic, merkleRoot: Uint8Array): FrostPublic {
  const { signers, groupKey } = parsePublic(pub);
  const tw = taprootTweak(groupKey, merkleRoot);
  const ids = Object.keys(pub.verifyingShares);
  const out = tweakPoints(
    tw,
    pub.commitments.map((c, i) => decodePoint(c, `pub.commitments[${i}]`)),
    ids.map((id) => decodePoint(pub.verifyingShares[id], `pub.verifyingShares[${id}]`)),
  );
  const verifyingShares: Record<Identifier, Uint8Array> = {};
  ids.forEach((id, i) => {
    verifyingShares[id] = encodePoint(out.verifyingShares[i]!);
  });
  return { signers, commitments: out.commitments.map(encodePoint), verifyingShares };
}

/** The tweaked secret package: s' = (P odd ? −s : s) + t. */
export function tweakSecret(
  secret: FrostSecret,
  pub: FrostPublic,
  merkleRoot: Uint8Array,
): FrostSecret {
  const s = parseSecret(secret);
  const { groupKey } = parsePublic(pub);
  const share = tweakShare(taprootTweak(groupKey, merkleRoot), s.share);
  return { identifier: secret.identifier, signingShare: encodeScalar(share) };
}
