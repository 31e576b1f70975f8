import type { Simulation } from '../../src/sim/simulation.ts';

/** Reasons that mean proven misbehaviour (silence is a liveness fault, not blame). */
export const BLAME = new Set([
  'bad-share',
  'bad-nonce',
  'bad-proof-of-knowledge',
  'bad-public-shares',
  'bad-private-shares',
  'equivocation',
  'false-complaint',
  'wrong-group-key',
  'wrong-public-shares',
]);

/** Every party blamed (proven misbehaviour) in any outcome so far. */
export function blamed(sim: Simulation): Set<number> {
  const out = new Set<number>();
  for (const { report: r } of sim.coordinatorReports) {
    const maps =
      r.kind === 'signature' || r.kind === 'insufficient-signers' || r.kind === 'dkg-complete'
        ? [r.excluded]
        : r.kind === 'dkg-failed' || r.kind === 'dkg-attempt-failed'
          ? [r.culprits]
          : [];
    for (const m of maps)
      for (const [id, why] of Object.entries(m)) if (BLAME.has(why)) out.add(Number(id));
  }
  return out;
}
