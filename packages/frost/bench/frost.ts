/**
 * Per-operation cost of our two suites side by side with noble's FROST on identical inputs
 * (2-of-3, 11-of-15, 67-of-100). Before timing, every pair of outputs is checked equal
 * byte for byte, so the two columns measure the same computation.
 */
import { schnorr_FROST, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Frost } from '../src/frost.ts';
import type { DKG_Round1, DKG_Round2, Key, Nonces } from '../src/keys/types.ts';
import { evaluate } from '../src/math/polynomial.ts';
import { encodeScalar } from '../src/math/scalar.ts';
import { secp256k1, taproot } from '../src/suites.ts';
import type { BenchModule, Harness } from './harness.ts';
import { seededBytes } from './rng.ts';

type Noble = Omit<Frost, 'suite'>;
const SIZES: [number, number][] = [
  [2, 3],
  [11, 15],
  [67, 100],
];

function same(a: unknown, b: unknown, what: string): void {
  // Canonical form: bytes as hex, object keys sorted (noble lists its own id first).
  const canon = (x: unknown): unknown => {
    if (x instanceof Uint8Array) return bytesToHex(x);
    if (typeof x === 'bigint') return x.toString();
    if (Array.isArray(x)) return x.map(canon);
    if (x && typeof x === 'object')
      return Object.fromEntries(
        Object.keys(x)
          .sort()
          .map((k) => [k, canon((x as Record<string, unknown>)[k])]),
      );
    return x;
  };
  if (JSON.stringify(canon(a)) !== JSON.stringify(canon(b)))
    throw new Error(`outputs differ: ${what}`);
}

function pair(
  h: Harness,
  name: string,
  ours: () => unknown,
  noble: () => unknown,
  extra: Record<string, unknown>,
  slow = false,
): void {
  const opts = slow ? { samples: 3, maxCalls: 1, sampleMs: 1 } : { maxCalls: 200 };
  h.refreshV();
  const [o, n] = h.measurePair(ours, noble, opts);
  const [oc, nc] = h.lastPairCpu;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  h.report(`${name} ours`, o, { ...extra, impl: 'ours', cpu_ratio: r2(oc / h.vCpuMs) });
  h.report(`${name} noble`, n, {
    ...extra,
    impl: 'noble',
    cpu_ratio: r2(nc / h.vCpuMs),
    speedup: r2(n / o),
    speedup_cpu: r2(nc / oc),
  });
}

function benchSuite(
  h: Harness,
  label: string,
  ours: Frost,
  noble: Noble,
  t: number,
  n: number,
): void {
  const extra = { suite: label, t, n };
  const slow = n >= 100;
  const rng = seededBytes(`bench/${label}/${t}/${n}`);
  const deal = ours.trustedDealer({ min: t, max: n }, undefined, undefined, rng);
  const ids = Object.keys(deal.secretShares).slice(0, t);
  const msg = rng(32);
  const secret0 = deal.secretShares[ids[0]!]!;
  // commit
  pair(
    h,
    `${label} ${t}-of-${n} commit`,
    () => ours.commit(secret0),
    () => noble.commit(secret0),
    extra,
  );
  const gens = ids.map((id) => ours.commit(deal.secretShares[id]!, rng));
  const list = gens.map((g) => g.commitments);
  const fresh = (k: number): Nonces => ({
    hiding: gens[k]!.nonces.hiding.slice(),
    binding: gens[k]!.nonces.binding.slice(),
  });
  // signShare (identical outputs first)
  const shares: Record<string, Uint8Array> = {};
  ids.forEach((id, k) => {
    shares[id] = ours.signShare(deal.secretShares[id]!, deal.public, fresh(k), list, msg);
    same(
      shares[id],
      noble.signShare(deal.secretShares[id]!, deal.public, fresh(k), list, msg),
      'signShare',
    );
  });
  pair(
    h,
    `${label} ${t}-of-${n} signShare`,
    () => ours.signShare(secret0, deal.public, fresh(0), list, msg),
    () => noble.signShare(secret0, deal.public, fresh(0), list, msg),
    extra,
  );
  pair(
    h,
    `${label} ${t}-of-${n} verifyShare (one share)`,
    () => ours.verifyShare(deal.public, list, msg, ids[0]!, shares[ids[0]!]!),
    () => noble.verifyShare(deal.public, list, msg, ids[0]!, shares[ids[0]!]!),
    extra,
  );
  same(
    ours.aggregate(deal.public, list, msg, shares),
    noble.aggregate(deal.public, list, msg, shares),
    'aggregate',
  );
  pair(
    h,
    `${label} ${t}-of-${n} aggregate (final signature checked)`,
    () => ours.aggregate(deal.public, list, msg, shares),
    () => noble.aggregate(deal.public, list, msg, shares),
    extra,
  );
  pair(
    h,
    `${label} ${t}-of-${n} aggregate with every share verified`,
    () => ours.aggregate(deal.public, list, msg, shares, { verifyShares: true }),
    () => {
      for (const id of ids)
        if (!noble.verifyShare(deal.public, list, msg, id, shares[id]!))
          throw new Error('bad share');
      return noble.aggregate(deal.public, list, msg, shares);
    },
    extra,
    slow,
  );
  // DKG, one participant's rounds 1–3 given the others' messages (built directly from their
  // polynomials: exactly what their round2 would send).
  const signers = { min: t, max: n };
  const dkgIds = Array.from({ length: n }, (_, i) => ours.Identifier.fromNumber(i + 1));
  const r1 = dkgIds.map((id) =>
    ours.DKG.round1(id, signers, undefined, seededBytes(`dkg/${label}/${id}`)),
  );
  // The measured participant is the one with the largest id (n): its VSS evaluations cost most.
  const me = n - 1;
  const meId = dkgIds[me]!;
  const others: DKG_Round1[] = r1.filter((_, j) => j !== me).map((r) => r.public);
  const inbox: DKG_Round2[] = r1
    .filter((_, j) => j !== me)
    .map((r) => ({
      identifier: r.public.identifier,
      signingShare: encodeScalar(evaluate(r.secret.coefficients!, BigInt(n))),
    }));
  const run = (f: Frost | Noble) => (): Key => {
    const p = f.DKG.round1(meId, signers, undefined, seededBytes(`dkg/${label}/${meId}`));
    f.DKG.round2(p.secret, others);
    return f.DKG.round3(p.secret, others, inbox);
  };
  same(run(ours)(), run(noble)(), 'DKG key');
  pair(
    h,
    `${label} ${t}-of-${n} DKG per participant (rounds 1-3)`,
    run(ours),
    run(noble),
    extra,
    slow,
  );
}

export const frostBench: BenchModule = {
  name: 'frost',
  run(h) {
    const only = process.env.BENCH_SIZES?.split(',');
    for (const [t, n] of SIZES) {
      if (only && !only.includes(`${t}-of-${n}`)) continue;
      benchSuite(h, 'taproot', taproot, schnorr_FROST as unknown as Noble, t, n);
      benchSuite(h, 'secp256k1', secp256k1, secp256k1_FROST as unknown as Noble, t, n);
    }
  },
};
