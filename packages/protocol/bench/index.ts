// @peg/protocol benchmark: simulated signing rounds (pure computation of every machine's `step`,
// summed over all signers and the coordinator) and a full 11-of-15 DKG, as ratios to one noble
// schnorr.verify measured in this process. One JSON line per case on stdout:
// {"name","median_ms","v_ms","ratio","wire_ratio","rounds","parties","threshold","messages"}.
import { schnorr } from '@noble/curves/secp256k1.js';
import { Simulation } from '../src/sim/simulation.ts';

const QUICK = process.env.BENCH_QUICK === '1';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const sk = new Uint8Array(32).fill(7);
const msg = new Uint8Array(32).fill(1);
const sig = schnorr.sign(msg, sk, new Uint8Array(32));
const pk = schnorr.getPublicKey(sk);

/** Median ms of one schnorr.verify over `n` loops of 40 ms. */
function verifyMs(n = 3): number {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    let calls = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 40) {
      schnorr.verify(sig, msg, pk);
      calls++;
    }
    xs.push((performance.now() - t0) / calls);
  }
  return median(xs);
}

/**
 * Each sample is measured right after a verify measurement, and the ratio is taken per sample
 * (then the median), because other agents load these CPUs and the load drifts within seconds.
 */
type Sample = { ms: number; v: number; wire: number };
function sample(sim: Simulation, f: () => void): Sample {
  const v = verifyMs();
  const step0 = sim.stepMs;
  const wire0 = sim.wireMs;
  f();
  return { ms: sim.stepMs - step0, v, wire: sim.wireMs - wire0 };
}

/**
 * `ratio`: the machines' pure computation; `wire_ratio`: sealing and opening the envelopes of the
 * same round (what the shells add; each distinct envelope opened once, as a relay broadcast).
 */
function emit(name: string, samples: Sample[], extra: Record<string, number>): void {
  const m = median(samples.map((x) => x.ms));
  const v = median(samples.map((x) => x.v));
  const ratio = median(samples.map((x) => x.ms / x.v));
  const wire = median(samples.map((x) => x.wire / x.v));
  const line = {
    name,
    median_ms: +m.toFixed(3),
    v_ms: +v.toFixed(4),
    ratio: +ratio.toFixed(1),
    wire_ratio: +wire.toFixed(1),
    ...extra,
  };
  console.log(JSON.stringify(line));
  console.error(
    `${name}: ${m.toFixed(1)} ms = ${ratio.toFixed(1)} verifies (+ wire ${wire.toFixed(1)})`,
  );
}

/** Pure computation of one signing round (all steps of all machines), per round. */
function signingRounds(
  parties: number,
  threshold: number,
  messages: number,
  rounds: number,
  dkg: boolean,
) {
  const sim = new Simulation({
    seed: 1,
    weights: Array(parties).fill(1),
    threshold,
    faults: { minDelay: 1, maxDelay: 20 },
  });
  if (dkg) sim.dkg();
  else sim.installDealerKeys();
  sim.sign([0], messages);
  const xs: Sample[] = [];
  for (let i = 0; i < rounds; i++) {
    xs.push(
      sample(sim, () => {
        const r = sim.sign([i + 1], messages);
        if (r.kind !== 'signature') throw new Error('bench round did not sign');
      }),
    );
  }
  emit(`sim signing round ${threshold}-of-${parties}, ${messages} message(s)`, xs, {
    rounds,
    parties,
    threshold,
    messages,
  });
}

function dkgRun(parties: number, threshold: number, runs: number) {
  const xs: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const v = verifyMs();
    const sim = new Simulation({
      seed: 10 + i,
      weights: Array(parties).fill(1),
      threshold,
      faults: { minDelay: 1, maxDelay: 20 },
    });
    const d = sim.dkg();
    if (d.kind !== 'dkg-complete') throw new Error('bench DKG failed');
    xs.push({ ms: sim.stepMs, v, wire: sim.wireMs });
  }
  emit(`sim DKG ${threshold}-of-${parties} (with verification round)`, xs, {
    rounds: runs,
    parties,
    threshold,
    messages: 1,
  });
}

signingRounds(15, 11, 1, QUICK ? 3 : 10, true);
signingRounds(15, 11, 4, QUICK ? 2 : 5, true);
dkgRun(15, 11, QUICK ? 1 : 3);
signingRounds(150, 100, 1, QUICK ? 1 : 3, false);
