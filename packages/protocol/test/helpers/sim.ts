import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { expect } from 'vitest';
import type { CoordinatorReport } from '../../src/coordinator/reports.ts';
import { outputKey } from '../../src/output-key.ts';
import { type SimOptions, Simulation } from '../../src/sim/simulation.ts';

/** Runs `f` with a simulation; a failure names the seed so it can be replayed. */
export function withSim<T>(opts: SimOptions, f: (sim: Simulation) => T): T {
  const sim = new Simulation({ checkJson: true, ...opts });
  try {
    return f(sim);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    console.error(`FAILED simulation seed=${opts.seed} (replay with this seed): ${msg}`);
    throw e;
  }
}

/** Independent BIP340 check of every signature of an outcome (noble schnorr.verify). */
export function expectValidSignatures(
  r: Extract<CoordinatorReport, { kind: 'signature' }> | { kind: string },
  groupKey: string,
): void {
  expect(r.kind).toBe('signature');
  const s = r as Extract<CoordinatorReport, { kind: 'signature' }>;
  expect(s.signatures.length).toBe(s.messages.length);
  s.signatures.forEach((sig, i) => {
    expect(
      schnorr.verify(
        hexToBytes(sig),
        hexToBytes(s.messages[i]!),
        hexToBytes(outputKey(groupKey, s.tweak)),
      ),
    ).toBe(true);
  });
}

/** Completed DKG or a test failure. */
export function dkgOk(sim: Simulation) {
  const d = sim.dkg();
  if (d.kind !== 'dkg-complete') throw new Error(`DKG failed: ${JSON.stringify(d)}`);
  return d;
}

export { BLAME, blamed } from './blame.ts';
