import { readFileSync } from 'node:fs';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { G, type Point } from '../../src/math/point.ts';
import { lagrangeCoefficients } from '../../src/math/polynomial.ts';
import { N } from '../../src/math/scalar.ts';
import { dkgEnd, dkgFinish, dkgRound1, dkgRound2, echoMismatches } from '../../src/weighted/dkg.ts';
import { decodeDkgEnd, encodeDkgEnd } from '../../src/weighted/dkg-messages.ts';
import { createLayout, unweightedLayout } from '../../src/weighted/layout.ts';
import { verifyKeyIdPublicShares } from '../../src/weighted/public-shares.ts';
import { signingContext } from '../../src/weighted/signing.ts';
import { random, runDkg, unevenLayout } from './helpers.ts';

describe('weighted DKG', () => {
  it('gives every party the same group key, and key-id secrets on one degree t-1 polynomial', () => {
    const layout = unevenLayout();
    const results = runDkg(layout);
    const first = results.get(1);
    if (!first) throw new Error('no result');
    const secrets = new Map<number, bigint>();
    for (const r of results.values()) {
      expect(r.groupKey.equals(first.groupKey)).toBe(true);
      expect(r.echo).toEqual(first.echo);
      for (const [k, x] of r.keyIdSecrets) {
        secrets.set(k, x);
        expect(r.keyIdPublicShares.get(k)?.equals(G.multiply(x))).toBe(true);
      }
    }
    expect(secrets.size).toBe(10);
    // Any 7 key ids interpolate the same secret, whose public key is the group key.
    for (const set of [
      [1, 2, 3, 4, 5, 6, 7],
      [4, 5, 6, 7, 8, 9, 10],
      [1, 3, 5, 7, 8, 9, 10],
    ]) {
      const lambdas = lagrangeCoefficients(set.map(BigInt));
      const s = set.reduce(
        (acc, k, i) => (acc + (lambdas[i] as bigint) * (secrets.get(k) as bigint)) % N,
        0n,
      );
      expect(G.multiply(s).equals(first.groupKey)).toBe(true);
    }
    // 6 key ids do not.
    const six = [1, 2, 3, 4, 5, 6];
    const l6 = lagrangeCoefficients(six.map(BigInt));
    const s6 = six.reduce(
      (acc, k, i) => (acc + (l6[i] as bigint) * (secrets.get(k) as bigint)) % N,
      0n,
    );
    expect(G.multiply(s6).equals(first.groupKey)).toBe(false);
  });

  it('runs the unweighted shape (party i owns key id i)', () => {
    const results = runDkg(unweightedLayout(4, 3));
    expect(new Set([...results.values()].map((r) => r.groupKey.toHex())).size).toBe(1);
  });

  for (const [file, taproot] of [
    ['zf-dkg-secp256k1.json', false],
    ['zf-dkg-secp256k1-tr.json', true],
  ] as const) {
    it(`reproduces the key shares of ${file} from its polynomials`, () => {
      const v = JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8'));
      const layout = unweightedLayout(
        Number(v.config.MAX_PARTICIPANTS),
        Number(v.config.MIN_PARTICIPANTS),
      );
      const dkgId = random(32);
      const big = (h: string) => BigInt(`0x${h}`);
      const r1 = layout.parties.map((p) => {
        const e = v.inputs[String(p.id)];
        return dkgRound1({
          layout,
          dkgId,
          partyId: p.id,
          random,
          polynomial: [big(e.signing_key), big(e.coefficient)],
        });
      });
      for (const [i, r] of r1.entries()) {
        const e = v.inputs[String(i + 1)];
        expect(r.message.commitments.map((c) => bytesToHex(c.toBytes(true)))).toEqual(
          e.vss_commitments,
        );
      }
      const s2 = r1.map((r) => {
        const out = dkgRound2(
          r.state,
          r1.map((x) => x.message),
          random,
        );
        if (!out.ok) throw new Error('round 2');
        return out;
      });
      const round2 = s2.flatMap((o) => (o.ok ? o.messages : []));
      for (const [i, o] of s2.entries()) {
        if (!o.ok) continue;
        const out = dkgFinish(
          o.state,
          round2.filter((m) => m.recipient === i + 1),
          random,
        );
        if (!out.ok) throw new Error('finish');
        const e = v.inputs[String(i + 1)];
        const x = out.result.keyIdSecrets.get(i + 1) as bigint;
        if (!taproot) {
          expect(bytesToHex(out.result.groupKey.toBytes(true))).toBe(v.inputs.verifying_key);
          expect(x.toString(16).padStart(64, '0')).toBe(e.signing_share);
          expect(bytesToHex((out.result.keyIdPublicShares.get(i + 1) as Point).toBytes(true))).toBe(
            e.verifying_share,
          );
        } else {
          // ZF-TR tweaks DKG keys with the key-path TapTweak: our taproot mode with an empty
          // merkle root signs for the same output key, with the same per-share secrets.
          const ctx = signingContext(out.result.groupKey, {
            suite: 'taproot',
            merkleRoot: new Uint8Array(0),
          });
          expect(bytesToHex(ctx.groupKey.toBytes(true)).slice(2)).toBe(
            v.inputs.verifying_key.slice(2),
          );
          const qOdd = v.inputs.verifying_key.startsWith('03');
          const share = (((ctx.keySign * x + ctx.tweakTerm) % N) + N) % N;
          expect((qOdd ? (N - share) % N : share).toString(16).padStart(64, '0')).toBe(
            e.signing_share,
          );
        }
      }
    });
  }
});

describe('DKG end messages', () => {
  it('carry the echo and own public shares; collected, they pass the all-key-ids check', () => {
    const layout = createLayout({
      parties: [
        { id: 10, keyIds: [1, 2] },
        { id: 20, keyIds: [3] },
        { id: 30, keyIds: [4, 5, 6] },
      ],
      threshold: 4,
    });
    const results = runDkg(layout);
    const ends = [...results.values()].map((r) => decodeDkgEnd(encodeDkgEnd(dkgEnd(r))));
    const shares = new Map<number, Point>();
    for (const e of ends) for (const s of e.keyIdPublicShares) shares.set(s.keyId, s.share);
    const first = results.get(10);
    if (!first) throw new Error('no result');
    expect(verifyKeyIdPublicShares(layout, first.groupCommitments, shares, random)).toEqual({
      ok: true,
    });
    expect(echoMismatches(first.echo, new Map(ends.map((e) => [e.partyId, e.echo])))).toEqual([]);
    expect(() => decodeDkgEnd(encodeDkgEnd(dkgEnd(first)).subarray(1))).toThrow(
      /wrong size|too short/,
    );
  });
});
