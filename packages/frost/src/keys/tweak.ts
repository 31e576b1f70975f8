/**
 * BIP341 tweak of whole key packages (-TR suite), as ZF `Tweak::tweak` and noble
 * `frostTweakPublic/Secret`: make the group key P even (negating every commitment, verifying
 * share and signing share if P is odd), then Q = P + t·G, Y_i += t·G, s_i += t.
 * @module
 */
import type { Identifier } from '../errors.ts';
import { decodePoint, encodePoint, hasEvenY, mulBasePublic } from '../math/point.ts';
import { add, encodeScalar, neg } from '../math/scalar.ts';
import { tapTweak } from '../taproot.ts';
import { parsePublic, parseSecret } from './packages.ts';
import type { FrostPublic, FrostSecret } from './types.ts';

/** The tweaked public package (commitments[0] becomes Q; Q may have odd y). */
export function tweakPublic(pub: FrostPublic, merkleRoot: Uint8Array): FrostPublic {
  const { signers, groupKey } = parsePublic(pub);
  const odd = !hasEvenY(groupKey);
  const t = tapTweak(groupKey, merkleRoot);
  const tG = mulBasePublic(t);
  const commitments = pub.commitments.map((c, i) => {
    let p = decodePoint(c, `pub.commitments[${i}]`);
    if (odd) p = p.negate();
    return encodePoint(i === 0 ? p.add(tG) : p);
  });
  const verifyingShares: Record<Identifier, Uint8Array> = {};
  for (const [id, bytes] of Object.entries(pub.verifyingShares)) {
    let y = decodePoint(bytes, `pub.verifyingShares[${id}]`);
    if (odd) y = y.negate();
    verifyingShares[id] = encodePoint(y.add(tG));
  }
  return { signers, commitments, verifyingShares };
}

/** The tweaked secret package: s' = (P odd ? −s : s) + t. */
export function tweakSecret(
  secret: FrostSecret,
  pub: FrostPublic,
  merkleRoot: Uint8Array,
): FrostSecret {
  const s = parseSecret(secret);
  const { groupKey } = parsePublic(pub);
  const t = tapTweak(groupKey, merkleRoot);
  const share = hasEvenY(groupKey) ? s.share : neg(s.share);
  return { identifier: secret.identifier, signingShare: encodeScalar(add(share, t)) };
}
