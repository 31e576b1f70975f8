/**
 * Weighted layer at federation scale (docs/benchmarks.md, "## @peg/frost weighted"):
 *   sign/coordinator/PxK   collect (decode commitments and shares), aggregate, verify each
 *                          final signature once (optimistic path; shares are checked only if
 *                          that fails);
 *   sign/party/PxK         one party's round 2: decode the signing package, binding factors,
 *                          group commitment, its share over its key ids;
 *   dkg/party/PxK          one party's whole DKG: deal (commitments, proofs, shares for every
 *                          other key id, encryption), decode and check every round-1 message,
 *                          decrypt and check what it received, key-id secrets and group key;
 *   dkg/public-shares/PxK  everyone's check of all K key-id public shares (one MSM).
 * P parties, K key ids; threshold 11 for 15x15, 2800 for 150x4000. BENCH_WEIGHTED_SMALL=1 runs
 * only the 15x15 cases; BENCH_WEIGHTED_ONLY=sign,dkg/150x4000,… selects cases by kind and size.
 */

import { normalizeZ } from '@noble/curves/abstract/curve.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import type { Point } from '../src/math/point.ts';
import { G, Point as PointClass } from '../src/math/point.ts';
import { evaluate } from '../src/math/polynomial.ts';
import { N } from '../src/math/scalar.ts';
import type { RNG } from '../src/random.ts';
import { aggregate } from '../src/weighted/aggregate.ts';
import { type DkgRound1State, dkgFinish, dkgRound1, dkgRound2 } from '../src/weighted/dkg.ts';
import {
  type DkgRound1,
  type DkgRound2,
  decodeRound1,
  encodeRound1,
} from '../src/weighted/dkg-messages.ts';
import { createLayout, type Layout } from '../src/weighted/layout.ts';
import { provePok } from '../src/weighted/pok.ts';
import { verifyKeyIdPublicShares } from '../src/weighted/public-shares.ts';
import { encryptShare, pairKey } from '../src/weighted/share-cipher.ts';
import {
  noncesFrom,
  type SigningNonces,
  type SignMode,
  sign,
  type WeightedSigningKey,
} from '../src/weighted/signing.ts';
import {
  decodePartyCommitments,
  decodeSignatureShares,
  decodeSigningPackage,
  encodePartyCommitments,
  encodeSignatureShares,
  encodeSigningPackage,
  type PartyCommitments,
} from '../src/weighted/signing-messages.ts';
import { TAG } from '../src/weighted/tags.ts';
import { type BenchModule, type Harness, type MeasureOptions, measureBoth } from './harness.ts';
import { seededBytes } from './rng.ts';

const evalPoly = (coeffs: readonly bigint[], k: number): bigint => evaluate(coeffs, BigInt(k));
const normalizePoints = (points: readonly Point[]): Point[] => normalizeZ(PointClass, [...points]);

/**
 * The machine is shared and its load swings within seconds, so besides the harness's ratio
 * (against one v measured at start) each case reports `ratio_paired`: the median over samples
 * of (op time / a v measured right before that sample), and `ratio_cpu`: the same with this
 * process's CPU time (user + system), which other processes' load barely affects.
 */
const vSig = (() => {
  const sk = new Uint8Array(32).fill(9);
  const msg = new Uint8Array(32).fill(2);
  return { sig: schnorr.sign(msg, sk, new Uint8Array(32)), msg, pk: schnorr.getPublicKey(sk) };
})();

function paired(
  h: Harness,
  name: string,
  fn: () => unknown,
  opts: MeasureOptions,
  extra: Record<string, unknown>,
) {
  const samples = opts.samples ?? 5;
  const ops: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let s = 0; s < samples; s++) {
    const v = measureBoth(() => schnorr.verify(vSig.sig, vSig.msg, vSig.pk), {
      samples: 1,
      sampleMs: 150,
    });
    const op = measureBoth(fn, { ...opts, samples: 1 });
    ops.push(op.wall);
    ratios.push(op.wall / v.wall);
    cpuRatios.push(op.cpu / v.cpu);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  h.report(name, med(ops), {
    ...extra,
    ratio_paired: r2(med(ratios)),
    ratio_cpu: r2(med(cpuRatios)),
  });
}

const MODE: SignMode = { suite: 'taproot', merkleRoot: new Uint8Array(0) };

/** P parties sharing K key ids as evenly as possible (party i owns a contiguous block). */
function evenLayout(parties: number, keys: number, threshold: number): Layout {
  const specs = [];
  let next = 1;
  for (let i = 0; i < parties; i++) {
    const n = Math.floor(keys / parties) + (i < keys % parties ? 1 : 0);
    specs.push({ id: i + 1, keyIds: Array.from({ length: n }, (_, j) => next + j) });
    next += n;
  }
  return createLayout({ parties: specs, threshold });
}

function scalarFrom(rng: RNG): bigint {
  let s = 0n;
  for (const b of rng(48)) s = (s << 8n) | BigInt(b);
  return (s % (N - 1n)) + 1n;
}

/** Dealer-style key material for signing benches (a DKG at 150x4000 is benchmarked separately). */
function dealerKeys(layout: Layout, signers: readonly number[], rng: RNG) {
  const poly = Array.from({ length: layout.threshold }, () => scalarFrom(rng));
  const keys = new Map<number, WeightedSigningKey>();
  const groupKey = G.multiply(poly[0] as bigint);
  for (const id of signers) {
    const p = layout.partyById.get(id);
    if (!p) throw new Error('no party');
    keys.set(id, {
      layout,
      partyId: id,
      groupKey,
      keyIdSecrets: new Map(p.keyIds.map((k) => [k, evalPoly(poly, k)])),
    });
  }
  return { groupKey, keys };
}

/** The smallest prefix of parties holding >= threshold key ids. */
function signingSet(layout: Layout): number[] {
  const out: number[] = [];
  let keys = 0;
  for (const p of layout.parties) {
    if (keys >= layout.threshold) break;
    out.push(p.id);
    keys += p.keyIds.length;
  }
  return out;
}

function signBench(h: Harness, label: string, layout: Layout, messages: number) {
  const rng = seededBytes(`weighted-sign-${label}`);
  const signers = signingSet(layout);
  const { groupKey, keys } = dealerKeys(layout, signers, rng);
  const msgs = Array.from({ length: messages }, () => rng(32));
  const nonces = new Map<number, SigningNonces>();
  for (const id of signers) {
    nonces.set(
      id,
      noncesFrom(
        id,
        msgs.map(() => ({ hiding: scalarFrom(rng), binding: scalarFrom(rng) })),
      ),
    );
  }
  const commitmentBytes = signers.map((id) =>
    encodePartyCommitments((nonces.get(id) as SigningNonces).commitments),
  );
  const pkgBytes = encodeSigningPackage({
    messages: msgs,
    commitments: signers.map((id) => (nonces.get(id) as SigningNonces).commitments),
  });
  const pkg = decodeSigningPackage(pkgBytes);
  const shareBytes = signers.map((id) =>
    encodeSignatureShares(
      sign(keys.get(id) as WeightedSigningKey, nonces.get(id) as SigningNonces, pkg, MODE),
    ),
  );
  const coordinatorKey = { layout, groupKey };
  const random = seededBytes('weights');
  // Coordinator: decode every party's commitments and shares, aggregate, verify once per message.
  const coordinator = () => {
    const commitments: PartyCommitments[] = commitmentBytes.map(decodePartyCommitments);
    const responses = shareBytes.map(decodeSignatureShares);
    const out = aggregate(coordinatorKey, MODE, { messages: msgs, commitments }, responses, {
      random,
    });
    if (!out.ok) throw new Error('aggregate failed');
  };
  const suffix = messages === 1 ? '' : `/${messages}msg`;
  const extra = {
    parties: layout.parties.length,
    keys: layout.totalKeys,
    threshold: layout.threshold,
    signers: signers.length,
    messages,
  };
  paired(h, `sign/coordinator/${label}${suffix}`, coordinator, { maxCalls: 200 }, extra);
  // Party: the party with the most key ids among the signers. `sign` refuses spent nonces, so
  // every call gets a fresh nonce object with the same values (as a signer restoring unspent
  // nonces from its store would build one).
  const me = signers.reduce((a, b) =>
    (layout.partyById.get(b)?.keyIds.length ?? 0) > (layout.partyById.get(a)?.keyIds.length ?? 0)
      ? b
      : a,
  );
  const myNonces = nonces.get(me) as SigningNonces;
  const party = () => {
    const fresh = { ...myNonces, pairs: myNonces.pairs.map((p) => ({ ...p })), spent: false };
    sign(keys.get(me) as WeightedSigningKey, fresh, decodeSigningPackage(pkgBytes), MODE);
  };
  paired(
    h,
    `sign/party/${label}${suffix}`,
    party,
    { maxCalls: 200 },
    {
      ...extra,
      party_keys: layout.partyById.get(me)?.keyIds.length,
    },
  );
  if (messages !== 1) return;
  // Blame path: one bad share (the last signer's); the signature fails, all shares are checked
  // in one random-weight MSM, then party by party to name the culprit.
  const publicShares = new Map<number, Point>();
  for (const id of signers) {
    for (const [k, x] of (keys.get(id) as WeightedSigningKey).keyIdSecrets)
      publicShares.set(k, G.multiply(x));
  }
  const blameKey = { layout, groupKey, keyIdPublicShares: publicShares };
  const bad = shareBytes.slice();
  const last = decodeSignatureShares(bad[bad.length - 1] as Uint8Array);
  bad[bad.length - 1] = encodeSignatureShares({
    partyId: last.partyId,
    shares: last.shares.map((z) => (z + 1n) % N),
  });
  const blame = () => {
    const commitments: PartyCommitments[] = commitmentBytes.map(decodePartyCommitments);
    const out = aggregate(
      blameKey,
      MODE,
      { messages: msgs, commitments },
      bad.map(decodeSignatureShares),
      { random },
    );
    if (out.ok || out.culprits.length !== 1 || out.culprits[0] !== last.partyId)
      throw new Error('culprit not found');
  };
  paired(h, `sign/coordinator-blame/${label}`, blame, { maxCalls: 20, samples: 3 }, extra);
}

/**
 * One party's whole DKG. The other parties' messages are built outside the timed region; their
 * polynomials are a_{p,j} = a_{1,j} + p so their commitments cost one point addition each
 * (the verifier's work does not depend on the values). Our party replays the same randomness in
 * every run so the others' encryptions to it stay valid.
 */
function dkgBench(h: Harness, label: string, layout: Layout, samples: number) {
  const me = 1;
  const dkgId = seededBytes('dkg-id')(32);
  const myRandom = () => seededBytes(`dkg-${label}-me`);
  const first = dkgRound1({ layout, dkgId, partyId: me, random: myRandom() });
  const T = layout.threshold;
  const rng = seededBytes(`dkg-${label}-others`);
  const base = Array.from({ length: T }, () => scalarFrom(rng));
  const baseA = normalizePoints(base.map((a) => G.multiply(a)));
  const round1Bytes: Uint8Array[] = [];
  const round2ToMe: DkgRound2[] = [];
  const myParty = layout.partyById.get(me);
  if (!myParty) throw new Error('no party');
  for (const p of layout.parties) {
    if (p.id === me) continue;
    const shift = BigInt(p.id);
    const coeffs = base.map((a) => (a + shift) % N);
    const shiftG = G.multiply(shift);
    const commitments = normalizePoints(baseA.map((A) => A.add(shiftG)));
    const kexSecret = scalarFrom(rng);
    const kexPublic = G.multiply(kexSecret);
    const body = {
      dkgId,
      partyId: p.id,
      commitments,
      pok: provePok(TAG.pok, dkgId, p.id, coeffs[0] as bigint, commitments[0] as Point, rng),
      kexPublic,
      kexPok: provePok(TAG.kexPok, dkgId, p.id, kexSecret, kexPublic, rng),
    };
    round1Bytes.push(encodeRound1(body));
    const key = pairKey(dkgId, p.id, me, first.message.kexPublic.multiply(kexSecret));
    round2ToMe.push({
      dkgId,
      sender: p.id,
      recipient: me,
      shares: myParty.keyIds.map((k) => ({
        keyId: k,
        ciphertext: encryptShare(key, dkgId, p.id, me, k, evalPoly(coeffs, k)),
      })),
    });
  }
  let groupCommitments: readonly Point[] = [];
  const run = () => {
    const { message, state } = dkgRound1({ layout, dkgId, partyId: me, random: myRandom() });
    const others: DkgRound1[] = round1Bytes.map((b) => decodeRound1(b, T));
    const r2 = dkgRound2(state as DkgRound1State, [message, ...others], seededBytes('w2'));
    if (!r2.ok) throw new Error(`round 2: ${JSON.stringify(r2.faults)}`);
    const out = dkgFinish(r2.state, round2ToMe, seededBytes('w3'));
    if (!out.ok) throw new Error('finish failed');
    groupCommitments = out.result.groupCommitments;
  };
  const extra = {
    parties: layout.parties.length,
    keys: layout.totalKeys,
    threshold: T,
    party_keys: myParty.keyIds.length,
  };
  paired(
    h,
    `dkg/party/${label}`,
    run,
    { samples, maxCalls: samples > 3 ? 20 : 1, sampleMs: samples > 3 ? 250 : 0 },
    extra,
  );
  return groupCommitments;
}

/** All K public shares (owners publish Y_k = x_k·G) checked with one MSM of K + T points. */
function publicSharesBench(h: Harness, label: string, layout: Layout) {
  const rng = seededBytes(`pub-${label}`);
  const poly = Array.from({ length: layout.threshold }, () => scalarFrom(rng));
  const A = normalizePoints(poly.map((a) => G.multiply(a)));
  const shares = new Map<number, Point>();
  const Ys = normalizePoints(
    Array.from({ length: layout.totalKeys }, (_, i) => G.multiply(evalPoly(poly, i + 1))),
  );
  Ys.forEach((Y, i) => {
    shares.set(i + 1, Y);
  });
  const random = seededBytes('pub-weights');
  const check = () => {
    if (!verifyKeyIdPublicShares(layout, A, shares, random).ok)
      throw new Error('public shares rejected');
  };
  paired(
    h,
    `dkg/public-shares/${label}`,
    check,
    { samples: 3, maxCalls: 20, sampleMs: 200 },
    {
      keys: layout.totalKeys,
      threshold: layout.threshold,
    },
  );
}

const only = process.env.BENCH_WEIGHTED_ONLY?.split(',').filter(Boolean);
const wants = (kind: string, label: string) =>
  (!only || only.some((o) => o === kind || o === label || o === `${kind}/${label}`)) &&
  (label === '15x15' || process.env.BENCH_WEIGHTED_SMALL !== '1');

export const weightedBench: BenchModule = {
  name: 'weighted',
  run(h) {
    const small = evenLayout(15, 15, 11);
    if (wants('sign', '15x15')) {
      signBench(h, '15x15', small, 1);
      signBench(h, '15x15', small, 4);
    }
    if (wants('dkg', '15x15')) dkgBench(h, '15x15', small, 5);
    if (wants('public-shares', '15x15')) publicSharesBench(h, '15x15', small);
    const big = evenLayout(150, 4000, 2800);
    if (wants('sign', '150x4000')) signBench(h, '150x4000', big, 1);
    if (wants('dkg', '150x4000')) dkgBench(h, '150x4000', big, 3);
    if (wants('public-shares', '150x4000')) publicSharesBench(h, '150x4000', big);
  },
};
