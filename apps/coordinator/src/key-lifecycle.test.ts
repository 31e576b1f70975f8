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
};

describe('keyAction', () => {
  it.each<[string, Partial<KeySituation>, KeyAction['action']]>([
    ['nothing on chain, everyone ready: DKG', {}, 'dkg'],
    ['nothing on chain, too few ready: wait', { readyKeyIds: 4 }, 'none'],
    ['DKG running: wait', { dkgPending: true }, 'none'],
    ['a verified key not on chain, active: publish', { machineKey: K(9) }, 'publish'],
    ['a verified key not on chain, backup: wait', { machineKey: K(9), active: false }, 'none'],
    ['the registry has our key: done', { machineKey: K(9), chainAggregateKey: K(9) }, 'none'],
    [
      'a new epoch while the registry has the old key: publish the new one',
      { machineKey: K(9), chainAggregateKey: K(8) },
      'publish',
    ],
    [
      'the registry has a key our signer holds for this epoch: adopt',
      { chainAggregateKey: K(9), signerKey: K(9) },
      'adopt',
    ],
    [
      "the registry has a key our signer does not hold (another epoch's): DKG",
      { chainAggregateKey: K(8), signerKey: null },
      'dkg',
    ],
    [
      'our signer holds a key the registry does not: DKG (the registry decides)',
      { chainAggregateKey: K(8), signerKey: K(7) },
      'dkg',
    ],
    [
      'our key was superseded by a later published DKG our signer holds: adopt, never publish',
      { machineKey: K(7), chainAggregateKey: K(9), signerKey: K(9) },
      'adopt',
    ],
    [
      'a DKG queued while the registry key is this epoch: adopt',
      { dkgPending: true, chainAggregateKey: K(9), signerKey: K(9) },
      'adopt',
    ],
    [
      'adopting never waits for readiness',
      { chainAggregateKey: K(9), signerKey: K(9), readyKeyIds: 0 },
      'adopt',
    ],
  ])('%s', (_, s, action) => {
    expect(keyAction({ ...base, ...s }).action).toBe(action);
  });
});
