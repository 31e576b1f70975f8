/**
 * Benchmark harness: every figure is printed as a JSON line
 * {"name","median_ms","v_ms","ratio",...} where v_ms is the median of one noble
 * `schnorr.verify` measured in this same process (ratio = median_ms / v_ms). A human-readable
 * table goes to stderr. No timing is ever asserted.
 * @module
 */
import { schnorr } from '@noble/curves/secp256k1.js';

/** One bench module: a name and a function that measures and reports. */
export type BenchModule = { readonly name: string; run(h: Harness): void | Promise<void> };

/** Measurement options. */
export type MeasureOptions = {
  /** Minimum wall time of one sample (ms). */
  readonly sampleMs?: number;
  /** Number of samples (the median is reported). */
  readonly samples?: number;
  /** Upper bound on calls per sample (for very slow operations). */
  readonly maxCalls?: number;
  /** Make one untimed warm-up call first (default true). */
  readonly warm?: boolean;
};

export type Harness = {
  /** Median ms of one `schnorr.verify` in this process (the latest measurement). */
  readonly vMs: number;
  /** Re-measures v (call before a group of figures: shared machines drift). */
  refreshV(): number;
  /**
   * Median per-call times of `a` and `b`, sampled alternately (a, b, a, b, …) so that load
   * changes on a shared machine hit both alike.
   */
  measurePair(a: () => unknown, b: () => unknown, opts?: MeasureOptions): [number, number];
  /** CPU-time medians of the last `measurePair` call, and v in CPU ms. */
  readonly lastPairCpu: [number, number];
  readonly vCpuMs: number;
  /** Median per-call time of `fn` (ms). */
  measure(fn: () => unknown, opts?: MeasureOptions): number;
  /** Prints one JSON line (and a table row on stderr). */
  report(name: string, medianMs: number, extra?: Record<string, unknown>): void;
};

const QUICK = process.env.BENCH_QUICK === '1';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Per-call median over `samples` samples of ≥ `sampleMs` each (after one warm-up call). */
export function measure(fn: () => unknown, opts: MeasureOptions = {}): number {
  return measureBoth(fn, opts).wall;
}

/**
 * Like `measure`, also returning the median per-call CPU time of this process (user + system).
 * On a shared machine CPU time is far less sensitive to other processes than wall time.
 */
export function measureBoth(
  fn: () => unknown,
  opts: MeasureOptions = {},
): { wall: number; cpu: number } {
  const sampleMs = opts.sampleMs ?? (QUICK ? 60 : 250);
  const samples = opts.samples ?? (QUICK ? 3 : 5);
  const maxCalls = opts.maxCalls ?? Number.POSITIVE_INFINITY;
  if (opts.warm !== false) fn();
  const out: number[] = [];
  const cpu: number[] = [];
  for (let s = 0; s < samples; s++) {
    let calls = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let t = t0;
    do {
      fn();
      calls++;
      t = performance.now();
    } while (t - t0 < sampleMs && calls < maxCalls);
    const c = process.cpuUsage(c0);
    out.push((t - t0) / calls);
    cpu.push((c.user + c.system) / 1000 / calls);
  }
  return { wall: median(out), cpu: median(cpu) };
}

/** Measures v = one noble schnorr.verify on a fixed valid signature (wall ms). */
export function measureVerify(): number {
  return measureVerifyBoth().wall;
}

/** v in wall and CPU ms. */
export function measureVerifyBoth(): { wall: number; cpu: number } {
  const sk = new Uint8Array(32).fill(7);
  const msg = new Uint8Array(32).fill(1);
  const sig = schnorr.sign(msg, sk, new Uint8Array(32));
  const pk = schnorr.getPublicKey(sk);
  return measureBoth(() => schnorr.verify(sig, msg, pk), { sampleMs: 200, samples: 5 });
}

/** Alternating samples of two functions; returns both medians. */
export function measurePair(
  a: () => unknown,
  b: () => unknown,
  opts: MeasureOptions = {},
): [number, number] {
  const samples = opts.samples ?? (QUICK ? 3 : 5);
  const one = { ...opts, samples: 1 };
  const ra: number[] = [];
  const rb: number[] = [];
  const ca: number[] = [];
  const cb: number[] = [];
  for (let s = 0; s < samples; s++) {
    const x = measureBoth(a, { ...one, ...(s > 0 ? { warm: false } : {}) });
    const y = measureBoth(b, { ...one, ...(s > 0 ? { warm: false } : {}) });
    ra.push(x.wall);
    rb.push(y.wall);
    ca.push(x.cpu);
    cb.push(y.cpu);
  }
  lastCpu = [median(ca), median(cb)];
  return [median(ra), median(rb)];
}
let lastCpu: [number, number] = [0, 0];

export function createHarness(): Harness {
  let { wall: vMs, cpu: vCpuMs } = measureVerifyBoth();
  process.stderr.write(`v = schnorr.verify median ${vMs.toFixed(3)} ms\n`);
  return {
    get vMs() {
      return vMs;
    },
    get vCpuMs() {
      return vCpuMs;
    },
    get lastPairCpu() {
      return lastCpu;
    },
    refreshV() {
      ({ wall: vMs, cpu: vCpuMs } = measureVerifyBoth());
      return vMs;
    },
    measure,
    measurePair,
    report(name, medianMs, extra = {}) {
      const ratio = medianMs / vMs;
      process.stdout.write(
        `${JSON.stringify({ name, median_ms: round(medianMs), v_ms: round(vMs), ratio: round(ratio), ...extra })}\n`,
      );
      process.stderr.write(
        `${name.padEnd(58)} ${medianMs.toFixed(3).padStart(11)} ms ${ratio.toFixed(2).padStart(9)} v\n`,
      );
    },
  };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Runs the given modules in order with one shared harness (filter with BENCH_ONLY=name,…). */
export async function runBenches(modules: readonly BenchModule[]): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
  const h = createHarness();
  for (const m of modules) {
    if (only && !only.includes(m.name)) continue;
    process.stderr.write(`\n# ${m.name}\n`);
    await m.run(h);
  }
}
