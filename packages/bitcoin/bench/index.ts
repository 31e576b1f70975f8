// Sweep builder benchmarks. Each figure is a JSON line {"name","median_ms","v_ms","ratio",...}
// where v_ms is the median of one noble `schnorr.verify` in this process and
// ratio = median_ms / v_ms (machines are shared: compare ratios). Nothing is asserted.
import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import {
  buildSweep,
  finalizeSweep,
  rebuildSweep,
  type SweepParams,
  sweepSighashes,
  validateSweep,
  type WithdrawalRequest,
} from '../src/index.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const enc = new TextEncoder();
const bytes = (label: string, n = 32) => sha256(enc.encode(label)).slice(0, n);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function measure(fn: () => unknown): number {
  const sampleMs = QUICK ? 60 : 250;
  const samples = QUICK ? 3 : 7;
  fn();
  const out: number[] = [];
  for (let s = 0; s < samples; s++) {
    let calls = 0;
    const t0 = performance.now();
    let t = t0;
    do {
      fn();
      calls++;
      t = performance.now();
    } while (t - t0 < sampleMs);
    out.push((t - t0) / calls);
  }
  return median(out);
}

const sk = bytes('bench/sk');
const Q = schnorr.getPublicKey(sk);
const msg = bytes('bench/msg');
const sig = schnorr.sign(msg, sk, new Uint8Array(32));
const vMs = measure(() => schnorr.verify(sig, msg, Q));

function report(name: string, ms: number, extra: Record<string, unknown> = {}): void {
  const line = {
    name,
    median_ms: +ms.toFixed(4),
    v_ms: +vMs.toFixed(4),
    ratio: +(ms / vMs).toFixed(3),
    ...extra,
  };
  console.log(JSON.stringify(line));
}

function params(requests: number, inputs = 1): SweepParams {
  const reqs: WithdrawalRequest[] = Array.from({ length: requests }, (_, i) => ({
    id: BigInt(1000 + i),
    amount: 50_000n + BigInt(i),
    maxFee: 20_000n,
    recipient:
      i % 2 === 0
        ? { version: 4, hashbytes: bytes(`r${i}`, 20) }
        : { version: 6, hashbytes: schnorr.getPublicKey(bytes(`k${i}`)) },
  }));
  return {
    utxos: Array.from({ length: inputs }, (_, i) => ({
      txid: hex.encode(bytes(`utxo${i}`)),
      vout: i,
      amount: 100_000_000n,
      outputKey: Q,
    })),
    requests: reqs,
    feeRate: 15,
    changeOutputKey: Q,
  };
}

for (const [n, inputs] of [
  [10, 1],
  [70, 1],
  [70, 4],
] as const) {
  const p = params(n, inputs);
  const sweep = buildSweep(p);
  report(
    `buildSweep ${n} requests ${inputs} inputs`,
    measure(() => buildSweep(p)),
    {
      paid: sweep.requests.length,
    },
  );
  report(
    `validateSweep ${n} requests ${inputs} inputs`,
    measure(() => validateSweep(sweep.unsignedTx, p)),
  );
  report(
    `sweepSighashes ${n} requests ${inputs} inputs`,
    measure(() => sweepSighashes(sweep.unsignedTx, sweep.prevouts)),
  );
  const sigs = sweep.sighashes.map((h) => schnorr.sign(h, sk, new Uint8Array(32)));
  report(
    `finalizeSweep ${n} requests ${inputs} inputs`,
    measure(() => finalizeSweep(sweep, sigs)),
  );
}
// Worst case of the exclusion loop: 1000 requests of which ~75 fit the OP_RETURN.
const many = params(1000);
report(
  'buildSweep 1000 requests (op-return-full loop)',
  measure(() => buildSweep(many)),
  {
    paid: buildSweep(many).requests.length,
  },
);
// A signer's check without a fee rate: ids 100.. take one LEB128 byte, so 77 are paid.
const full: SweepParams = {
  ...params(90, 3),
  requests: params(90).requests.map((r, i) => ({ ...r, id: BigInt(100 + i) })),
};
const { feeRate: _, ...unrated } = full;
const fullSweep = buildSweep(full);
report(
  'validateSweep 77 requests 3 inputs',
  measure(() => validateSweep(fullSweep.unsignedTx, full)),
);
report(
  'rebuildSweep 77 requests 3 inputs',
  measure(() => rebuildSweep(fullSweep.unsignedTx, unrated)),
  { paid: fullSweep.requests.length },
);
