import { describe, expect, it } from 'vitest';
import { initialCoordinatorState } from './coordinator/state.ts';
import { assertConfig, type FederationConfig } from './federation.ts';
import { initialSignerState } from './signer/state.ts';
import { DEFAULT_TIMEOUTS } from './timeouts.ts';

const key = (i: number) => i.toString(16).padStart(64, '0');
const good: FederationConfig = {
  network: 'regtest',
  parties: [
    { id: 1, keyIds: [1], publicKey: key(1) },
    { id: 2, keyIds: [2, 3], publicKey: key(2) },
    { id: 3, keyIds: [4], publicKey: key(3) },
  ],
  threshold: 3,
  dkgThreshold: 4,
  timeouts: DEFAULT_TIMEOUTS,
};

describe('config validation at the boundary', () => {
  it('accepts a valid federation', () => {
    expect(() => assertConfig(good)).not.toThrow();
  });
  const bad: [string, Partial<FederationConfig>, RegExp][] = [
    [
      'duplicate party id',
      { parties: [good.parties[0]!, { ...good.parties[1]!, id: 1 }] },
      /unique positive ids/,
    ],
    [
      'key ids not 1..K',
      { parties: [good.parties[0]!, { ...good.parties[1]!, keyIds: [2, 9] }] },
      /exactly 1\.\./,
    ],
    ['threshold 1', { threshold: 1 }, /"threshold"/],
    ['threshold above K', { threshold: 5 }, /"threshold"/],
    ['dkg threshold below threshold', { dkgThreshold: 2 }, /"dkgThreshold"/],
    [
      'takeover shorter than a phase',
      { timeouts: { ...DEFAULT_TIMEOUTS, takeover: 1_000 } },
      /takeover/,
    ],
    [
      'bad identity key',
      { parties: [{ ...good.parties[0]!, publicKey: 'zz' }, good.parties[1]!, good.parties[2]!] },
      /publicKey/,
    ],
  ];
  for (const [name, patch, re] of bad)
    it(`rejects: ${name}`, () => {
      expect(() => assertConfig({ ...good, ...patch })).toThrow(re);
    });
  it('machines refuse an id outside the federation', () => {
    expect(() => initialSignerState({ id: 9, federation: good })).toThrow(/not in the federation/);
    expect(() =>
      initialCoordinatorState({ id: 9, federation: good, maxDkgAttempts: 1, maxNonceTimeouts: 1 }),
    ).toThrow(/not in the federation/);
  });
});
