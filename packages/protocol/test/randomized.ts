/**
 * The long randomized run, shared by the CI test (>= 1,000 rounds) and the nightly script.
 * Each seed draws a layout, relay faults, adversaries and crashes; the invariants are checked
 * after every round: no nonce reuse, every signature valid, no honest party blamed.
 */

import { outputKey } from '../src/output-key.ts';
import { verifyBip340 } from '../src/signing-crypto.ts';
import { type Behaviour, MISBEHAVIOURS } from '../src/sim/adversary.ts';
import { seededFloat } from '../src/sim/random.ts';
import { Simulation } from '../src/sim/simulation.ts';
import { BLAME, blamed } from './helpers/blame.ts';

export type RunStats = {
  seeds: number;
  rounds: number;
  signatures: number;
  insufficient: number;
  dkgFailed: number;
  crashes: number;
};

const SIGNING_MODES: Behaviour[] = ['silent', 'nonce-then-silent', 'bad-share', 'slow'];
const DKG_MODES = MISBEHAVIOURS.filter((b) => b.startsWith('dkg-'));

/** Runs one seed for `rounds` rounds; throws (naming the seed) when an invariant breaks. */
export function runSeed(seed: number, rounds: number): Omit<RunStats, 'seeds'> {
  const r = seededFloat(seed * 7919 + 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const n = 3 + Math.floor(r() * 2); // 3..4 parties
  const weights = Array.from({ length: n }, () => 1 + Math.floor(r() * 2));
  const keys = weights.reduce((a, b) => a + b, 0);
  const threshold = Math.max(2, Math.ceil(keys * (0.5 + r() * 0.3)));
  const dkgLiar = r() < 0.25;
  const adversaries = new Map<number, Behaviour>();
  const nBad = Math.floor(r() * Math.max(1, n - 1));
  for (let i = 0; i < nBad; i++) adversaries.set(1 + Math.floor(r() * n), pick(SIGNING_MODES));
  let dkgBehaviours: Record<number, Behaviour> | undefined;
  if (dkgLiar) {
    const liar = 1 + Math.floor(r() * n);
    dkgBehaviours = { [liar]: pick(DKG_MODES) };
  }
  const sim = new Simulation({
    seed,
    weights,
    threshold,
    dkgThreshold: threshold,
    faults: {
      drop: r() < 0.5 ? 0 : r() * 0.05,
      duplicate: r() * 0.1,
      minDelay: 1,
      maxDelay: 10 + Math.floor(r() * 150),
    },
    ...(dkgBehaviours ? { behaviours: dkgBehaviours } : {}),
    checkJson: r() < 0.1,
    coordinators: r() < 0.2 ? 'all' : 'first',
  });
  const fail = (what: string): never => {
    throw new Error(`randomized run: seed ${seed} (replay with this seed): ${what}`);
  };
  const stats = { rounds: 0, signatures: 0, insufficient: 0, dkgFailed: 0, crashes: 0 };
  if (r() < 0.3) {
    // A crash somewhere in the DKG (signer or coordinator), restarted from its persisted state.
    const coordinator = r() < 0.3;
    const type = coordinator
      ? pick(['dkg-public-shares', 'dkg-private-shares', 'dkg-end'] as const)
      : pick(['dkg-begin', 'dkg-private-begin', 'dkg-end-begin', 'dkg-public-shares'] as const);
    sim.planCrash({
      node: coordinator ? `c:${sim.coordinator}` : `s:${1 + Math.floor(r() * n)}`,
      when: (inp) => inp.type === 'message' && inp.envelope.kind === type,
      beforeEffect: Math.floor(r() * 4),
      restartAfter: 1 + Math.floor(r() * 400),
    });
  }
  const d = sim.dkg();
  const liars = new Set(Object.keys(dkgBehaviours ?? {}).map(Number));
  for (const id of blamed(sim)) if (!liars.has(id)) fail(`honest party ${id} blamed in DKG`);
  if (d.kind !== 'dkg-complete') {
    stats.dkgFailed++;
    return stats;
  }
  (sim.opts as { behaviours?: Record<number, Behaviour> }).behaviours =
    Object.fromEntries(adversaries);
  const bad = new Set([...liars, ...adversaries.keys()]);
  // Liveness: on a loss-free relay, honest holders (slow ones count) reaching the threshold sign.
  const honestWeight = d.pub.layout.parties
    .filter((p) => !bad.has(p.id) || adversaries.get(p.id) === 'slow')
    .reduce((w, p) => w + p.keyIds.length, 0);
  const mustSign = sim.opts.faults?.drop === 0 && honestWeight >= threshold;
  let deaths = 0;
  for (let i = 0; i < rounds; i++) {
    if (r() < 0.1) {
      const id = 1 + Math.floor(r() * n);
      const type = pick(['nonce-request', 'signature-share-request'] as const);
      sim.planCrash({
        node: `s:${id}`,
        when: (inp) => inp.type === 'message' && inp.envelope.kind === type,
        beforeEffect: Math.floor(r() * 4),
        restartAfter: 1 + Math.floor(r() * 300),
      });
    }
    if (deaths < sim.coordinatorIds.length - 1 && r() < 0.02) {
      // The active coordinator dies for good (never the last one alive): the next in line
      // takes over after the timeout.
      deaths++;
      const active = sim.coordinatorIds.find((id) => sim.nodes.get(`c:${id}`)!.up)!;
      sim.planCrash({ node: `c:${active}`, when: () => true, beforeEffect: 0, restartAfter: 1e12 });
    }
    if (r() < 0.05) {
      // The coordinator crashes while collecting answers and restarts from its persisted state.
      const type = pick(['nonce-response', 'signature-share-response'] as const);
      sim.planCrash({
        node: `c:${sim.coordinator}`,
        when: (inp) => inp.type === 'message' && inp.envelope.kind === type,
        beforeEffect: Math.floor(r() * 6),
        restartAfter: 1 + Math.floor(r() * 500),
      });
    }
    const out = sim.sign([i], 1 + Math.floor(r() * 2));
    stats.rounds++;
    if (out.kind === 'signature') {
      stats.signatures++;
      out.signatures.forEach((sig, j) => {
        if (!verifyBip340(sig, out.messages[j]!, outputKey(d.groupKey, out.tweak)))
          fail(`invalid signature in round ${i}`);
      });
    } else {
      stats.insufficient++;
      if (mustSign) fail(`insufficient-signers with honest weight ${honestWeight} >= ${threshold}`);
    }
    for (const [id, why] of Object.entries(out.excluded))
      if (BLAME.has(why) && !bad.has(Number(id)))
        fail(`honest party ${id} blamed (${why}) in round ${i}`);
    if (sim.nonceReuse().length > 0) fail(`nonce reuse: ${sim.nonceReuse().join(', ')}`);
  }
  stats.crashes = sim.crashes.length;
  return stats;
}

/** Runs seeds from `firstSeed` until `minRounds` rounds were played. */
export function runMany(firstSeed: number, minRounds: number, roundsPerSeed: number): RunStats {
  const total: RunStats = {
    seeds: 0,
    rounds: 0,
    signatures: 0,
    insufficient: 0,
    dkgFailed: 0,
    crashes: 0,
  };
  for (let seed = firstSeed; total.rounds < minRounds; seed++) {
    const s = runSeed(seed, roundsPerSeed);
    total.seeds++;
    total.rounds += s.rounds;
    total.signatures += s.signatures;
    total.insufficient += s.insufficient;
    total.dkgFailed += s.dkgFailed;
    total.crashes += s.crashes;
  }
  return total;
}
