import { bytesToHex } from '@noble/hashes/utils.js';
import { sealJson, type UnsignedEnvelopeJson } from '@peg/wire';
import { describe, expect, it } from 'vitest';
import { initialCoordinatorState } from '../src/coordinator/state.ts';
import { coordinatorStep } from '../src/coordinator/step.ts';
import { initialSignerState } from '../src/signer/state.ts';
import { signerStep } from '../src/signer/step.ts';
import { Simulation } from '../src/sim/simulation.ts';
import { dkgOk, expectValidSignatures, withSim } from './helpers/sim.ts';

const env = { now: 1000, rng: (n?: number) => new Uint8Array(n ?? 32).fill(7) };

describe('messaging-key rotation (messaging-keys input)', () => {
  const sim = new Simulation({ seed: 5, weights: [1, 2, 1], threshold: 3 });
  const federation = sim.federation;
  const rotated = {
    ...federation,
    parties: federation.parties.map((p) => (p.id === 2 ? { ...p, publicKey: 'ab'.repeat(32) } : p)),
  };

  it('signer and coordinator take new keys, persist, and ignore an unchanged config', () => {
    const s0 = initialSignerState({ id: 1, federation });
    const s1 = signerStep(s0, { type: 'messaging-keys', federation: rotated }, env);
    expect(s1.state.config.federation.parties[1]!.publicKey).toBe('ab'.repeat(32));
    expect(s1.effects).toEqual([{ type: 'persist' }]);
    expect(
      signerStep(s1.state, { type: 'messaging-keys', federation: rotated }, env).effects,
    ).toEqual([]);
    const c0 = initialCoordinatorState({
      id: 1,
      federation,
      maxDkgAttempts: 3,
      maxNonceTimeouts: 3,
    });
    const c1 = coordinatorStep(c0, { type: 'messaging-keys', federation: rotated }, env);
    expect(c1.state.config.federation.parties[1]!.publicKey).toBe('ab'.repeat(32));
    expect(c1.effects).toEqual([{ type: 'persist' }]);
  });

  it('refuses anything but a key change (a new layout needs a new DKG)', () => {
    const s0 = initialSignerState({ id: 1, federation });
    const moved = {
      ...federation,
      parties: federation.parties.map((p) => (p.id === 3 ? { ...p, keyIds: [5] } : p)),
    };
    expect(() => signerStep(s0, { type: 'messaging-keys', federation: moved }, env)).toThrow(
      /key ids changed|keyIds/,
    );
    expect(() =>
      signerStep(s0, { type: 'messaging-keys', federation: { ...federation, threshold: 2 } }, env),
    ).toThrow(/threshold/);
  });

  it('weighted 7 of 10: rotate two parties mid-operation, rounds go on, the old key is refused', () => {
    withSim({ seed: 7107, weights: [1, 1, 2, 3, 3], threshold: 7, coordinators: 'all' }, (sim) => {
      const d = dkgOk(sim);
      expectValidSignatures(sim.sign([1], 1), d.groupKey);
      const oldSecret = sim.secrets.get(2)!;
      const oldKey = sim.rotateKey(2);
      sim.rotateKey(5);
      expect(bytesToHex(oldKey)).not.toBe(sim.federation.parties[1]!.publicKey);
      for (let i = 2; i < 5; i++) expectValidSignatures(sim.sign([i], 2), d.groupKey);
      // An envelope under party 2's old key is refused by every shell's open.
      const before = sim.refusedAtOpen;
      const stale = sealJson(
        {
          kind: 'signer-ready',
          payload: { keyIds: [2] },
          sender: { partyId: 2, publicKey: bytesToHex(oldKey) },
          chainTip: { height: sim.tipHeight, hash: sim.tip },
        } as unknown as UnsignedEnvelopeJson,
        oldSecret,
      );
      sim.inject('s:1', 2, new TextDecoder().decode(stale));
      sim.run(() => false, 1000);
      expect(sim.refusedAtOpen).toBe(before + 1);
      expect(sim.nonceReuse()).toEqual([]);
    });
  }, 300_000);
});
