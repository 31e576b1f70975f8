import { describe, expect, it } from 'vitest';
import { type KeySituation, keyAction } from './key-lifecycle.ts';

const K = (n: number) => `02${String(n).repeat(64).slice(0, 64)}`;
const base: KeySituation = {
  chainAggregateKey: '00',
  chainSignerSet: [],
  chainThreshold: 0,
  epochKeys: [K(1), K(2), K(3)],
  epochStacksThreshold: 3,
  machineKey: null,
  dkgPending: false,
  active: true,
  readyKeyIds: 5,
  dkgThreshold: 5,
};

describe('keyAction', () => {
  it.each<[string, Partial<KeySituation>, ReturnType<typeof keyAction>['action']]>([
    ['nothing on chain, everyone ready: DKG', {}, 'dkg'],
    ['nothing on chain, too few ready: wait', { readyKeyIds: 4 }, 'none'],
    ['DKG running: wait', { dkgPending: true }, 'none'],
    ['a verified key not on chain, active: publish', { machineKey: K(9) }, 'publish'],
    ['a verified key not on chain, backup: wait', { machineKey: K(9), active: false }, 'none'],
    [
      'the chain has the epoch key we hold: done',
      {
        machineKey: K(9),
        chainAggregateKey: K(9),
        chainSignerSet: [K(1), K(2), K(3)],
        chainThreshold: 3,
      },
      'none',
    ],
    [
      'the chain has the epoch key, we do not: adopt',
      { chainAggregateKey: K(9), chainSignerSet: [K(1), K(2), K(3)], chainThreshold: 3 },
      'adopt',
    ],
    [
      'the chain key is another epoch (set changed): DKG',
      { chainAggregateKey: K(8), chainSignerSet: [K(1), K(2)], chainThreshold: 2 },
      'dkg',
    ],
    [
      'the chain key is another epoch (threshold changed), ours verified: publish',
      {
        machineKey: K(9),
        chainAggregateKey: K(8),
        chainSignerSet: [K(1), K(2), K(3)],
        chainThreshold: 2,
      },
      'publish',
    ],
  ])('%s', (_, s, action) => {
    expect(keyAction({ ...base, ...s }).action).toBe(action);
  });
});
