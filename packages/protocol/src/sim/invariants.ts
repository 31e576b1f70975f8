/**
 * The simulation's safety invariants: no honest signer answers two ways with one nonce, and every
 * signature produced verifies (independently, with noble's BIP340) under the key it claims.
 */

import type { CoordinatorReport } from '../coordinator/reports.ts';
import { jsonDigest } from '../digests.ts';
import type { Outgoing } from '../envelopes.ts';
import type { Hex } from '../hex.ts';
import { outputKey } from '../output-key.ts';
import { verifyBip340 } from '../signing-crypto.ts';

/** Distinct share sets each honest signer sent per nonce: (signer/signId/iteration) -> digests. */
export class ShareLedger {
  readonly byNonce = new Map<string, Set<string>>();

  /**
   * Records a share response signer `id` sent (call only for honest senders), keyed by the nonce
   * commitment it answers: sign ids repeat across coordinator scopes (session-ids.ts).
   */
  record(id: number, message: Outgoing, nonce: unknown): void {
    if (message.kind !== 'signature-share-response') return;
    const k = `${id}/${message.signId}/${message.iteration}/${jsonDigest('sim/nonce', nonce ?? null)}`;
    const set = this.byNonce.get(k) ?? new Set<string>();
    set.add(jsonDigest('sim/share', message.payload.shares));
    this.byNonce.set(k, set);
  }

  /** Nonces (signer/signId/iteration/nonce digest) that answered with two different share sets. */
  reused(): string[] {
    return [...this.byNonce.entries()].filter(([, v]) => v.size > 1).map(([k]) => k);
  }
}

/** Signatures among the reports that do not verify under `groupKey` (tweaked as reported). */
export function invalidSignatures(reports: Iterable<{ report: CoordinatorReport }>, groupKey: Hex) {
  let bad = 0;
  for (const { report: r } of reports)
    if (r.kind === 'signature')
      r.signatures.forEach((sig, i) => {
        if (!verifyBip340(sig, r.messages[i]!, outputKey(groupKey, r.tweak))) bad++;
      });
  return bad;
}
