/**
 * When the federation needs a DKG, and when its key must be published: a pure decision from what
 * one coordinator sees (the registry, its machine, the signers that said they are ready). Every
 * coordinator of the federation decides the same way; the machine runs a queued DKG only while
 * active, so a backup that takes over finishes it.
 *
 * - The registry's key is this epoch's (its signer set is the epoch's registered keys, in party
 *   order, with the epoch's Stacks threshold): nothing to do but hold the key (`adopt` it when
 *   this machine did not run the DKG).
 * - This machine holds a verified key of the epoch that the registry does not have: `publish` it
 *   (the active coordinator only).
 * - No key and no DKG yet: `dkg` once the ready signers hold the key ids a DKG needs.
 */

export type KeyAction =
  | { action: 'none'; why: string }
  | { action: 'dkg' }
  | { action: 'publish'; groupKey: string }
  | { action: 'adopt'; groupKey: string };

export type KeySituation = {
  /** The registry's aggregate key (33-byte hex, `00` before the first rotation). */
  chainAggregateKey: string;
  /** The registry's current signer set and Stacks threshold. */
  chainSignerSet: readonly string[];
  chainThreshold: number;
  /** The epoch's registered keys, in party order, and its Stacks threshold. */
  epochKeys: readonly string[];
  epochStacksThreshold: number;
  /** The group key this machine holds (verified), or null. */
  machineKey: string | null;
  /** A DKG is running or queued in the machine. */
  dkgPending: boolean;
  /** This coordinator is the active one now. */
  active: boolean;
  /** Key ids of the parties that said `signer-ready` in this epoch, and what a DKG needs. */
  readyKeyIds: number;
  dkgThreshold: number;
};

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export function keyAction(s: KeySituation): KeyAction {
  const chainIsEpoch =
    s.chainAggregateKey !== '00' &&
    sameList(s.chainSignerSet, s.epochKeys) &&
    s.chainThreshold === s.epochStacksThreshold;
  if (chainIsEpoch) {
    if (s.machineKey === s.chainAggregateKey) return { action: 'none', why: 'key published' };
    if (s.dkgPending) return { action: 'none', why: 'a DKG is running' };
    return { action: 'adopt', groupKey: s.chainAggregateKey };
  }
  if (s.machineKey !== null) {
    if (s.machineKey === s.chainAggregateKey)
      return { action: 'none', why: 'registry set or threshold differs but the key is ours' };
    return s.active
      ? { action: 'publish', groupKey: s.machineKey }
      : { action: 'none', why: 'the active coordinator publishes' };
  }
  if (s.dkgPending) return { action: 'none', why: 'a DKG is running' };
  if (s.readyKeyIds < s.dkgThreshold)
    return { action: 'none', why: `${s.readyKeyIds} of ${s.dkgThreshold} key ids ready` };
  return { action: 'dkg' };
}
