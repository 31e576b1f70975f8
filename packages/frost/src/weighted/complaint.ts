/**
 * Judging a DKG complaint from public data (a third party, the coordinator, any member).
 * @module
 */
import { equalBytes } from '@noble/curves/utils.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { InvalidSessionError, ShareDecryptionError } from '../errors.ts';
import { verifyDealt } from '../keys/vss.ts';
import { type RNG, randomBytesFrom } from '../random.ts';
import type { DkgComplaint, DkgRound1, DkgRound2 } from './dkg-messages.ts';
import { verifyDleq } from './dleq.ts';
import { u32 } from './encoding.ts';
import type { Layout } from './layout.ts';
import { decryptShare, pairKey } from './share-cipher.ts';

export interface ComplaintVerdict {
  /** The party at fault: the accused for a real complaint, the complainer for a false one. */
  readonly guilty: number;
  readonly reason:
    | 'invalid-complaint-proof'
    | 'missing-shares'
    | 'undecryptable-share'
    | 'share-does-not-match-commitments'
    | 'false-complaint';
}

/**
 * Third-party check of a complaint, from public data only: the complaint, both parties' round-1
 * messages, and the round-2 message the accused sent the complainer (authenticated by the
 * transport). The DLEQ proof shows the revealed ECDH point is the real one, so anyone can derive
 * the pair key, open the accused's shares for the complainer's key ids and test them against the
 * accused's commitments. A bad proof or a share that checks out condemns the complainer.
 */
export function judgeComplaint(
  layout: Layout,
  complaint: DkgComplaint,
  round1s: ReadonlyMap<number, DkgRound1>,
  accusedRound2: DkgRound2 | undefined,
  random: RNG,
): ComplaintVerdict {
  const { dkgId, complainer, accused } = complaint;
  const victim = layout.partyById.get(complainer);
  if (!victim || !layout.partyById.has(accused))
    throw new InvalidSessionError('a complaint between parties not in the layout');
  if (complainer === accused) throw new InvalidSessionError('a party cannot accuse itself');
  const r1c = round1s.get(complainer);
  const r1a = round1s.get(accused);
  if (!r1c || !r1a)
    throw new InvalidSessionError('round 1 of both parties is needed to judge a complaint');
  const context = concatBytes(dkgId, u32(complainer), u32(accused));
  if (!verifyDleq(context, r1c.kexPublic, r1a.kexPublic, complaint.ecdh, complaint.proof)) {
    return { guilty: complainer, reason: 'invalid-complaint-proof' };
  }
  const m = accusedRound2;
  if (
    !m ||
    m.sender !== accused ||
    m.recipient !== complainer ||
    !equalBytes(m.dkgId, dkgId) ||
    m.shares.length !== victim.keyIds.length ||
    m.shares.some((s, j) => s.keyId !== victim.keyIds[j])
  ) {
    return { guilty: accused, reason: 'missing-shares' };
  }
  const key = pairKey(dkgId, complainer, accused, complaint.ecdh);
  let shares: bigint[];
  try {
    shares = m.shares.map((s) =>
      decryptShare(key, dkgId, accused, complainer, s.keyId, s.ciphertext),
    );
  } catch (e) {
    if (!(e instanceof ShareDecryptionError)) throw e;
    return { guilty: accused, reason: 'undecryptable-share' };
  }
  // The VSS core's check with one dealer (the revealed shares are public by now).
  const { ok } = verifyDealt([{ commitment: r1a.commitments, shares }], victim.keyIds.map(BigInt), [
    randomBytesFrom(random, 32),
    dkgId,
  ]);
  if (!ok) return { guilty: accused, reason: 'share-does-not-match-commitments' };
  return { guilty: complainer, reason: 'false-complaint' };
}
