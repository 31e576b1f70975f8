import { concatBytes as concat } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { G } from '../../src/math/point.ts';
import { evaluate } from '../../src/math/polynomial.ts';
import { N } from '../../src/math/scalar.ts';
import { judgeComplaint } from '../../src/weighted/complaint.ts';
import {
  checkRound1s,
  type DkgRound2State,
  dkgFinish,
  dkgRound1,
  echoHash,
  echoMismatches,
} from '../../src/weighted/dkg.ts';
import {
  type DkgRound1,
  type DkgRound2,
  decodeComplaint,
  decodeRound1,
  decodeRound2,
  encodeComplaint,
  encodeRound1,
  encodeRound2,
} from '../../src/weighted/dkg-messages.ts';
import { proveDleq } from '../../src/weighted/dleq.ts';
import { u32 } from '../../src/weighted/encoding.ts';
import { encryptShare } from '../../src/weighted/share-cipher.ts';
import { type DkgRun, dealAll, random, unevenLayout } from './helpers.ts';

function reencode(m: DkgRound1, patch: Partial<Omit<DkgRound1, 'bytes'>>): DkgRound1 {
  const body = { ...m, ...patch };
  return { ...body, bytes: encodeRound1(body) };
}

function finishFor(run: DkgRun, id: number, round2: DkgRound2[] = run.round2) {
  return dkgFinish(
    run.states2.get(id) as DkgRound2State,
    round2.filter((m) => m.recipient === id),
    random,
  );
}

/** Replaces the round-2 message sender -> recipient with one carrying `values` (validly encrypted). */
function withShares(
  run: DkgRun,
  sender: number,
  recipient: number,
  values: (k: number, honest: bigint) => bigint,
): DkgRound2[] {
  const st = run.states2.get(sender) as DkgRound2State;
  const key = st.peers.get(recipient)?.key as Uint8Array;
  return run.round2.map((m) =>
    m.sender === sender && m.recipient === recipient
      ? {
          ...m,
          shares: m.shares.map((s) => ({
            keyId: s.keyId,
            ciphertext: encryptShare(
              key,
              st.dkgId,
              sender,
              recipient,
              s.keyId,
              values(s.keyId, evaluate(st.coefficients, BigInt(s.keyId))),
            ),
          })),
        }
      : m,
  );
}

const round1Map = (run: DkgRun) => new Map(run.round1.map((m) => [m.partyId, m]));

describe('DKG blame: public faults', () => {
  it('names a bad proof of knowledge, a bad key-exchange proof, a wrong length, a missing party', () => {
    const L = unevenLayout();
    const run = dealAll(L);
    const dkgId = run.round1[0]?.dkgId as Uint8Array;
    const [m1, m2, m3, m4] = run.round1 as [DkgRound1, DkgRound1, DkgRound1, DkgRound1, DkgRound1];
    const msgs = [
      reencode(m1, { pok: { R: m1.pok.R, mu: (m1.pok.mu + 1n) % N } }),
      reencode(m2, { kexPok: { R: m2.kexPok.R, mu: (m2.kexPok.mu + 1n) % N } }),
      reencode(m3, { commitments: m3.commitments.slice(0, 6) }),
      m4,
      // party 5 is missing
    ];
    const { faults } = checkRound1s(L, dkgId, msgs, random);
    const named = faults.map((f) => `${f.kind}:${f.party}`).sort();
    expect(named).toEqual([
      'bad-kex-pok:2',
      'bad-pok:1',
      'missing-round1:5',
      'wrong-polynomial-length:3',
    ]);
  });

  it('a proof of knowledge is bound to the DKG id and the party id', () => {
    const L = unevenLayout();
    const run = dealAll(L);
    const other = dealAll(L);
    // Replay party 1's round 1 from another DKG (with this DKG's id) and under party 2's id.
    const m1 = run.round1[0] as DkgRound1;
    const replayed = reencode(other.round1[0] as DkgRound1, { dkgId: m1.dkgId });
    const stolen = reencode(m1, { partyId: 2 });
    const rest = run.round1.slice(2);
    const f1 = checkRound1s(
      L,
      m1.dkgId,
      [replayed, run.round1[1] as DkgRound1, ...rest],
      random,
    ).faults;
    expect(f1.map((f) => `${f.kind}:${f.party}`)).toEqual(['bad-pok:1', 'bad-kex-pok:1']);
    const f2 = checkRound1s(L, m1.dkgId, [m1, stolen, ...rest], random).faults;
    expect(f2.map((f) => `${f.kind}:${f.party}`)).toEqual(['bad-pok:2', 'bad-kex-pok:2']);
  });

  it('names a dealer that sends no shares, or not one per key id', () => {
    const run = dealAll(unevenLayout());
    const dropped = run.round2.filter((m) => !(m.sender === 2 && m.recipient === 4));
    const out = finishFor(run, 4, dropped);
    expect(out.ok).toBe(false);
    if (!out.ok)
      expect(out.faults.map((f) => `${f.kind}:${f.party}`)).toEqual(['missing-shares:2']);
    const short = run.round2.map((m) =>
      m.sender === 3 && m.recipient === 5 ? { ...m, shares: m.shares.slice(1) } : m,
    );
    const out2 = finishFor(run, 5, short);
    if (out2.ok) throw new Error('expected a fault');
    expect(out2.faults.map((f) => `${f.kind}:${f.party}`)).toEqual(['missing-shares:3']);
  });
});

describe('DKG blame with proof', () => {
  it('a wrong share: the victim complains, any third party convicts the dealer', () => {
    const L = unevenLayout();
    const run = dealAll(L);
    const round2 = withShares(run, 4, 5, (k, v) => (k === 9 ? (v + 1n) % N : v));
    const out = finishFor(run, 5, round2);
    if (out.ok) throw new Error('expected a complaint');
    expect(out.faults).toEqual([]);
    expect(out.complaints.map((c) => [c.complainer, c.accused])).toEqual([[5, 4]]);
    const complaint = decodeComplaint(encodeComplaint(out.complaints[0] as never));
    const msg = round2.find((m) => m.sender === 4 && m.recipient === 5);
    expect(judgeComplaint(L, complaint, round1Map(run), msg, random)).toEqual({
      guilty: 4,
      reason: 'share-does-not-match-commitments',
    });
    // The other parties are unaffected.
    expect(finishFor(run, 1, round2).ok).toBe(true);
  });

  it('several bad dealers are all found (bisection over dealers), in any position', () => {
    const L = unevenLayout();
    for (const culprits of [[1], [4], [1, 2], [2, 4], [1, 2, 4]]) {
      const run = dealAll(L);
      let round2 = run.round2;
      for (const c of culprits) {
        round2 = withShares({ ...run, round2 }, c, 3, (k, v) =>
          k === 4 ? (v + BigInt(c)) % N : v,
        );
      }
      const out = finishFor(run, 3, round2);
      if (out.ok) throw new Error('expected complaints');
      expect(out.complaints.map((c) => c.accused).sort()).toEqual(culprits);
      for (const c of out.complaints) {
        const msg = round2.find((m) => m.sender === c.accused && m.recipient === 3);
        expect(judgeComplaint(L, c, round1Map(run), msg, random).guilty).toBe(c.accused);
      }
    }
  });

  it('an undecryptable share convicts the dealer', () => {
    const L = unevenLayout();
    const run = dealAll(L);
    const round2 = run.round2.map((m) =>
      m.sender === 1 && m.recipient === 3
        ? { ...m, shares: m.shares.map((s) => ({ keyId: s.keyId, ciphertext: random(48) })) }
        : m,
    );
    const out = finishFor(run, 3, round2);
    if (out.ok) throw new Error('expected a complaint');
    expect(out.complaints.map((c) => [c.complainer, c.accused])).toEqual([[3, 1]]);
    const msg = round2.find((m) => m.sender === 1 && m.recipient === 3);
    expect(judgeComplaint(L, out.complaints[0] as never, round1Map(run), msg, random)).toEqual({
      guilty: 1,
      reason: 'undecryptable-share',
    });
  });

  it('a false complaint (valid proof, honest shares) convicts the complainer', () => {
    const L = unevenLayout();
    const run = dealAll(L);
    const st = run.states2.get(2) as DkgRound2State;
    const ctx = concat(st.dkgId, u32(2), u32(5));
    const B = (run.round1.find((m) => m.partyId === 5) as DkgRound1).kexPublic;
    const { K, proof } = proveDleq(ctx, st.kexSecret, B, random);
    const complaint = { dkgId: st.dkgId, complainer: 2, accused: 5, ecdh: K, proof };
    const msg = run.round2.find((m) => m.sender === 5 && m.recipient === 2);
    expect(judgeComplaint(L, complaint, round1Map(run), msg, random)).toEqual({
      guilty: 2,
      reason: 'false-complaint',
    });
    // With a made-up ECDH point the proof fails, which also convicts the complainer.
    const forged = { ...complaint, ecdh: K.add(G) };
    expect(judgeComplaint(L, forged, round1Map(run), msg, random)).toEqual({
      guilty: 2,
      reason: 'invalid-complaint-proof',
    });
    // A complaint about shares the accused never sent convicts the accused.
    expect(judgeComplaint(L, complaint, round1Map(run), undefined, random)).toEqual({
      guilty: 5,
      reason: 'missing-shares',
    });
  });

  it('errors on two key ids that cancel in a plain sum are caught (random weights, OS-STS-ADV-02)', () => {
    const L = unevenLayout();
    const run = dealAll(L);
    // Party 3 sends party 4 f(5)+d, f(6)-d, f(7): the unweighted sum of the three is right.
    const d = 12345n;
    const round2 = withShares(run, 3, 4, (k, v) =>
      k === 5 ? (v + d) % N : k === 6 ? (v - d + N) % N : v,
    );
    const out = finishFor(run, 4, round2);
    if (out.ok) throw new Error('the bypass went through');
    expect(out.complaints.map((c) => c.accused)).toEqual([3]);
    const msg = round2.find((m) => m.sender === 3 && m.recipient === 4);
    expect(judgeComplaint(L, out.complaints[0] as never, round1Map(run), msg, random).guilty).toBe(
      3,
    );
  });

  it('two dealers whose errors cancel on one key id leave the key-id secret correct', () => {
    // The aggregated check verifies x_k = Σ_p f_p(k) against Σ_p A_p, which is all the key needs.
    const L = unevenLayout();
    const run = dealAll(L);
    const d = 999n;
    let round2 = withShares(run, 1, 5, (k, v) => (k === 8 ? (v + d) % N : v));
    const honest = round2.find((m) => m.sender === 1 && m.recipient === 5) as DkgRound2;
    const saved = { ...run, round2 };
    round2 = withShares(saved, 2, 5, (k, v) => (k === 8 ? (v - d + N) % N : v)).map((m) =>
      m.sender === 1 && m.recipient === 5 ? honest : m,
    );
    const out = finishFor(run, 5, round2);
    if (!out.ok) throw new Error('unexpected failure');
    const A = out.result.groupCommitments;
    let Yk = G.subtract(G);
    let p = 1n;
    for (const a of A) {
      Yk = Yk.add(a.multiply(p));
      p = (p * 8n) % N;
    }
    expect(G.multiply(out.result.keyIdSecrets.get(8) as bigint).equals(Yk)).toBe(true);
  });
});

describe('echo check', () => {
  it('detects a dealer that showed different commitments to different parties', () => {
    const L = unevenLayout();
    const run = dealAll(L);
    const dkgId = (run.round1[0] as DkgRound1).dkgId;
    // Party 3 equivocates: party 1 is shown another valid round 1 of party 3.
    const alt = dkgRound1({ layout: L, dkgId, partyId: 3, random }).message;
    const viewOf1 = run.round1.map((m) => (m.partyId === 3 ? alt : m));
    const { round1s: seen1 } = checkRound1s(L, dkgId, viewOf1, random);
    const { round1s: seen2 } = checkRound1s(L, dkgId, run.round1, random);
    expect(seen1.size).toBe(5);
    const e1 = echoHash(dkgId, seen1);
    const e2 = echoHash(dkgId, seen2);
    expect(
      echoMismatches(
        e2,
        new Map([
          [1, e1],
          [2, e2],
        ]),
      ),
    ).toEqual([1]);
    // Honest parties agree.
    const echoes = new Map([...run.states2].map(([id, s]) => [id, s.echo]));
    expect(echoMismatches(run.states2.get(1)?.echo as Uint8Array, echoes)).toEqual([]);
  });
});

describe('DKG message encodings', () => {
  it('round-trip round 1, round 2 and complaints; reject malformed input', () => {
    const L = unevenLayout();
    const run = dealAll(L);
    const m = run.round1[3] as DkgRound1;
    const d = decodeRound1(m.bytes, L.threshold);
    expect(d.partyId).toBe(m.partyId);
    expect(d.commitments.every((c, i) => c.equals(m.commitments[i] as never))).toBe(true);
    expect(d.kexPublic.equals(m.kexPublic)).toBe(true);
    // The decoded message owns its bytes: reusing the caller's buffer cannot change the echo.
    const buffer = m.bytes.slice();
    const owned = decodeRound1(buffer, L.threshold);
    buffer.fill(0);
    expect(owned.bytes).toEqual(m.bytes);
    expect(
      checkRound1s(
        L,
        m.dkgId,
        run.round1.map((x) => decodeRound1(x.bytes, L.threshold)),
        random,
      ).faults,
    ).toEqual([]);
    const r2 = run.round2[0] as DkgRound2;
    expect(decodeRound2(encodeRound2(r2))).toEqual({ ...r2, dkgId: r2.dkgId });
    expect(() => decodeRound1(m.bytes.subarray(1), L.threshold)).toThrow();
    const bad = m.bytes.slice();
    bad[40 + 64] = (bad[40 + 64] as number) ^ 1; // y of the first commitment: off the curve
    expect(() => decodeRound1(bad, L.threshold)).toThrow(/not on secp256k1/);
    expect(() => decodeRound1(m.bytes, L.threshold - 1)).toThrow(/bad polynomial length/);
  });
});
