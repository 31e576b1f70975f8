/**
 * When the federation needs a DKG, and when its key must be published: a pure decision from what
 * one coordinator sees (the registry, its machine, its own signer, the signers that said they are
 * ready). Every coordinator decides the same way; the machine runs a queued DKG only while active,
 * so a backup that takes over finishes it.
 *
 * The registry does not record the layout (weights) a key was made for, so "the registry's key is
 * this epoch's" is known only from a key of this epoch: the machine's own (it ran the DKG), or its
 * operator's signer's (a backup that did not run it loads it from there: `adopt`).
 * - The machine holds the registry's key: nothing to do.
 * - Our signer holds the registry's key in this epoch: `adopt` it (a backup; or a coordinator
 *   whose own DKG result was superseded by a later DKG that was published).
 * - The machine holds another verified key (made in this epoch): `publish` it (active only).
 * - No key: a `dkg` once the ready signers hold the key ids a DKG needs.
 */

export type KeyAction =
  | { action: 'none'; why: string }
  | { action: 'dkg' }
  | { action: 'publish'; groupKey: string }
  | { action: 'adopt'; groupKey: string };

export type KeySituation = {
  /** The registry's aggregate key (33-byte hex, `00` before the first rotation). */
  chainAggregateKey: string;
  /** The verified group key this epoch's machine holds, or null. */
  machineKey: string | null;
  /** The verified key our own signer holds in this epoch (null: none, or not asked). */
  signerKey: string | null;
  /** A DKG is running or queued in the machine. */
  dkgPending: boolean;
  /** This coordinator is the active one now. */
  active: boolean;
  /** Key ids of the parties that said `signer-ready` in this epoch, and what a DKG needs. */
  readyKeyIds: number;
  dkgThreshold: number;
};

export function keyAction(s: KeySituation): KeyAction {
  if (s.machineKey !== null && s.machineKey === s.chainAggregateKey)
    return { action: 'none', why: 'key published' };
  if (s.chainAggregateKey !== '00' && s.signerKey === s.chainAggregateKey)
    return { action: 'adopt', groupKey: s.chainAggregateKey };
  if (s.machineKey !== null)
    return s.active
      ? { action: 'publish', groupKey: s.machineKey }
      : { action: 'none', why: 'the active coordinator publishes' };
  if (s.dkgPending) return { action: 'none', why: 'a DKG is running' };
  if (s.readyKeyIds < s.dkgThreshold)
    return { action: 'none', why: `${s.readyKeyIds} of ${s.dkgThreshold} key ids ready` };
  return { action: 'dkg' };
}
