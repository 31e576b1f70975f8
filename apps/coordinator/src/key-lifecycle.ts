/**
 * When the federation needs a DKG, and when its key must be published: a pure decision from what
 * one coordinator sees (the registry, its machine, its own signer, the signers that said they are
 * ready). Every coordinator decides the same way; the machine runs a queued DKG only while active,
 * so a backup that takes over finishes it.
 *
 * The signers adopt the latest key they verified, so the key of an epoch is our own signer's
 * (it verified it for this epoch's layout), whoever drove the DKG; the registry must end up with
 * that key, and no second DKG may run once one succeeded:
 * - Our signer holds a verified key of this epoch that the machine does not: `adopt` it (a backup,
 *   or a coordinator whose DKG was superseded).
 * - The machine holds the registry's key: nothing to do.
 * - The machine holds a key the registry does not: `publish` it (the active coordinator only).
 * - No key anywhere: a `dkg`, requested by the active coordinator only (a backup that queued one
 *   would run it on its next turn, after the first one succeeded), once the ready signers hold
 *   the key ids a DKG needs.
 * - A retired key counts as no key: one the registry accepted once and has since replaced. An
 *   epoch is a layout, so a layout that comes back (a weight set and then reset) reopens that
 *   epoch's machine with its old key, which `rotate-keys` would refuse as a replay (u402).
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
  /** The verified key our own signer holds for this epoch's layout, or null. */
  signerKey: string | null;
  /** A DKG is running or queued in the machine. */
  dkgPending: boolean;
  /** This coordinator is the active one now. */
  active: boolean;
  /** Key ids of the parties that said `signer-ready` in this epoch, and what a DKG needs. */
  readyKeyIds: number;
  dkgThreshold: number;
  /** Keys the registry accepted once and replaced since (never `chainAggregateKey`). */
  retiredKeys: ReadonlySet<string>;
};

export function keyAction(s: KeySituation): KeyAction {
  const live = (k: string | null) => (k !== null && !s.retiredKeys.has(k) ? k : null);
  const signerKey = live(s.signerKey);
  const machineKey = live(s.machineKey);
  if (signerKey !== null && signerKey !== machineKey)
    return { action: 'adopt', groupKey: signerKey };
  if (machineKey !== null && machineKey === s.chainAggregateKey)
    return { action: 'none', why: 'key published' };
  if (machineKey !== null)
    return s.active
      ? { action: 'publish', groupKey: machineKey }
      : { action: 'none', why: 'the active coordinator publishes' };
  if (s.dkgPending) return { action: 'none', why: 'a DKG is running' };
  if (!s.active) return { action: 'none', why: 'the active coordinator requests the DKG' };
  if (s.readyKeyIds < s.dkgThreshold)
    return { action: 'none', why: `${s.readyKeyIds} of ${s.dkgThreshold} key ids ready` };
  return { action: 'dkg' };
}
