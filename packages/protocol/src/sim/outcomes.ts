/**
 * Steps tests take on a simulation over and over: a DKG that must complete, an independent
 * BIP340 check of a signing outcome, a node restarted from a state another store held.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import type { CoordinatorReport } from '../coordinator/reports.ts';
import { outputKey } from '../output-key.ts';
import type { MemoryStore } from './memory-store.ts';
import type { Simulation } from './simulation.ts';

/** Runs a DKG; anything but `dkg-complete` throws with the outcome. */
export function dkgComplete(sim: Simulation) {
  const r = sim.dkg();
  if (r.kind !== 'dkg-complete') throw new Error(`DKG failed: ${JSON.stringify(r)}`);
  return r;
}

/** A `signature` outcome whose every signature verifies (noble) under `groupKey`'s output key. */
export function signaturesVerify(r: { kind: string }, groupKey: string): boolean {
  if (r.kind !== 'signature') return false;
  const s = r as Extract<CoordinatorReport, { kind: 'signature' }>;
  return (
    s.signatures.length === s.messages.length &&
    s.signatures.every((sig, i) =>
      schnorr.verify(
        hexToBytes(sig),
        hexToBytes(s.messages[i]!),
        hexToBytes(outputKey(groupKey, s.tweak)),
      ),
    )
  );
}

/** Replaces a simulated process's state, as a restart from its store would. */
export function restartFrom<S>(sim: Simulation, node: string, state: S): void {
  const n = sim.nodes.get(node);
  if (n === undefined) throw new RangeError(`no simulated node ${node}`);
  (n.store as MemoryStore<unknown>).save({ state, timers: {} });
  void n.driver.start();
}
