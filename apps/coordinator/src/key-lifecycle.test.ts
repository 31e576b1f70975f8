import { describe, expect, it } from 'vitest';
import { type KeyAction, type KeySituation, keyAction } from './key-lifecycle.ts';

const K = (n: number) => `02${String(n).repeat(64).slice(0, 64)}`;
const base: KeySituation = {
  chainAggregateKey: '00',
  machineKey: null,
  signerKey: null,
  dkgPending: false,
  active: true,
  readyKeyIds: 5,
  dkgThreshold: 5,
  retiredKeys: new Set(),
};

describe('keyAction', () => {
  it.each<[string, Partial<KeySituation>, KeyAction['action']]>([
    ['nothing anywhere, active, everyone ready: DKG', {}, 'dkg'],
    ['nothing anywhere, a backup: no DKG request', { active: false }, 'none'],
    ['nothing anywhere, too few ready: wait', { readyKeyIds: 4 }, 'none'],
    ['DKG running: wait', { dkgPending: true }, 'none'],
    [
      'a verified key not on chain, active: publish',
      { machineKey: K(9), signerKey: K(9) },
      'publish',
    ],
    [
      'a verified key not on chain, backup: wait',
      { machineKey: K(9), signerKey: K(9), active: false },
      'none',
    ],
    [
      'the registry has our key: done',
      { machineKey: K(9), chainAggregateKey: K(9), signerKey: K(9) },
      'none',
    ],
    [
      'a new epoch while the registry has the old key: publish the new one',
      { machineKey: K(9), signerKey: K(9), chainAggregateKey: K(8) },
      'publish',
    ],
    [
      'our signer verified a key of this epoch the machine lacks: adopt',
      { signerKey: K(9) },
      'adopt',
    ],
    [
      'the registry has a key our signer holds for this epoch: adopt',
      { chainAggregateKey: K(9), signerKey: K(9) },
      'adopt',
    ],
    [
      'our DKG result was superseded by a later one the signers verified: adopt the later one',
      { machineKey: K(7), chainAggregateKey: K(7), signerKey: K(9) },
      'adopt',
    ],
    [
      'a DKG queued while the signers already verified a key: adopt (clears the queued DKG)',
      { dkgPending: true, signerKey: K(9) },
      'adopt',
    ],
    [
      'adopting never waits for readiness',
      { signerKey: K(9), readyKeyIds: 0, active: false },
      'adopt',
    ],
    [
      'a layout back again: its epoch key was published and replaced since: DKG',
      { machineKey: K(7), signerKey: K(7), chainAggregateKey: K(8), retiredKeys: new Set([K(7)]) },
      'dkg',
    ],
    [
      'a retired key is never adopted from our signer',
      { signerKey: K(7), chainAggregateKey: K(8), retiredKeys: new Set([K(7)]) },
      'dkg',
    ],
    [
      'a retired key, a backup: waits for the active one to request the DKG',
      { machineKey: K(7), signerKey: K(7), retiredKeys: new Set([K(7)]), active: false },
      'none',
    ],
    [
      'after the new DKG our signer holds a live key again: adopt it',
      { machineKey: K(7), signerKey: K(9), chainAggregateKey: K(8), retiredKeys: new Set([K(7)]) },
      'adopt',
    ],
  ])('%s', (_, s, action) => {
    expect(keyAction({ ...base, ...s }).action).toBe(action);
  });
});
