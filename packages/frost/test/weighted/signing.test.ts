import { schnorr, schnorr_FROST, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { InvalidSessionError } from '../../src/errors.ts';
import { G, Point } from '../../src/math/point.ts';
import { LagrangeCache } from '../../src/math/polynomial.ts';
import { N } from '../../src/math/scalar.ts';
import { tweakPoint } from '../../src/taproot.ts';
import { aggregate } from '../../src/weighted/aggregate.ts';
import type { DkgResult } from '../../src/weighted/dkg.ts';
import { createLayout, type Layout, unweightedLayout } from '../../src/weighted/layout.ts';
import {
  deriveKeyIdPublicShare,
  verifyKeyIdPublicShares,
} from '../../src/weighted/public-shares.ts';
import {
  commit,
  noncesFrom,
  type SigningNonces,
  type SignMode,
  sign,
} from '../../src/weighted/signing.ts';
import {
  decodePartyCommitments,
  decodeSignatureShares,
  decodeSigningPackage,
  encodePartyCommitments,
  encodeSignatureShares,
  encodeSigningPackage,
  type SignatureShares,
  type SigningPackage,
} from '../../src/weighted/signing-messages.ts';
import { random, runDkg, signOneKeyIdEach, unevenLayout } from './helpers.ts';

const modes: [string, SignMode][] = [
  ['secp256k1', { suite: 'secp256k1' }],
  ['bip340 untweaked', { suite: 'taproot' }],
  ['taproot key path', { suite: 'taproot', merkleRoot: new Uint8Array(0) }],
  ['taproot merkle root', { suite: 'taproot', merkleRoot: random(32) }],
];

function allPublicShares(results: Map<number, DkgResult>): Map<number, Point> {
  const out = new Map<number, Point>();
  for (const r of results.values()) for (const [k, Y] of r.keyIdPublicShares) out.set(k, Y);
  return out;
}

/** Checks a signature the way any external verifier of that mode would. */
function externallyValid(
  mode: SignMode,
  groupKey: Point,
  msg: Uint8Array,
  sig: Uint8Array,
): boolean {
  if (mode.suite === 'taproot') {
    const out = mode.merkleRoot === undefined ? groupKey : tweakPoint(groupKey, mode.merkleRoot);
    return schnorr.verify(sig, msg, out.toBytes(true).subarray(1));
  }
  const R = Point.fromBytes(sig.subarray(0, 33));
  const z = BigInt(`0x${bytesToHex(sig.subarray(33))}`);
  const { SECP256K1 } = suites;
  return G.multiply(z).equals(R.add(groupKey.multiply(SECP256K1.challenge(R, groupKey, msg))));
}

import * as suites from '../../src/ciphersuite.ts';

function round(
  results: Map<number, DkgResult>,
  signers: number[],
  mode: SignMode,
  messages: Uint8Array[],
) {
  const nonces = new Map<number, SigningNonces>();
  for (const id of signers)
    nonces.set(id, commit(results.get(id) as DkgResult, mode, messages.length, random));
  // Through the wire encodings, as a real coordinator and signer would see them.
  const pkg: SigningPackage = decodeSigningPackage(
    encodeSigningPackage({
      messages,
      commitments: signers.map((id) =>
        decodePartyCommitments(
          encodePartyCommitments((nonces.get(id) as SigningNonces).commitments),
        ),
      ),
    }),
  );
  const responses = signers.map((id) =>
    decodeSignatureShares(
      encodeSignatureShares(
        sign(results.get(id) as DkgResult, nonces.get(id) as SigningNonces, pkg, mode),
      ),
    ),
  );
  return { pkg, responses, nonces };
}

describe('weighted signing after a weighted DKG (1, 1, 2, 3, 3 key ids; threshold 7 of 10)', () => {
  const layout = unevenLayout();
  const results = runDkg(layout);
  const first = results.get(1) as DkgResult;
  const key = { layout, groupKey: first.groupKey, keyIdPublicShares: allPublicShares(results) };

  for (const [name, mode] of modes) {
    it(`${name}: several messages in one round, every signing set holding >= 7 key ids`, () => {
      const messages = [random(32), random(32), new Uint8Array(0)];
      for (const signers of [
        [1, 2, 3, 4, 5],
        [3, 4, 5],
        [1, 4, 5],
        [1, 2, 3, 4],
      ]) {
        const { pkg, responses } = round(results, signers, mode, messages);
        const out = aggregate(key, mode, pkg, responses, { random, verifyShares: true });
        if (!out.ok) throw new Error(`culprits ${out.culprits}`);
        out.signatures.forEach((sig, i) => {
          expect(sig.length).toBe(mode.suite === 'taproot' ? 64 : 65);
          expect(externallyValid(mode, first.groupKey, messages[i] as Uint8Array, sig)).toBe(true);
        });
      }
    });
  }

  it('refuses a signing set below the threshold', () => {
    const mode: SignMode = { suite: 'taproot' };
    expect(() => round(results, [3, 4], mode, [random(32)])).toThrow(/threshold is 7/);
  });

  it('batch share verification rejects a set with one bad share in any position, and names it', () => {
    const mode: SignMode = { suite: 'taproot', merkleRoot: new Uint8Array(0) };
    const signers = [1, 2, 3, 4, 5];
    const messages = [random(32), random(32)];
    for (let bad = 0; bad < signers.length; bad++) {
      for (const verifyShares of [false, true]) {
        const { pkg, responses } = round(results, signers, mode, messages);
        const tampered: SignatureShares[] = responses.map((r, i) =>
          i === bad
            ? { partyId: r.partyId, shares: r.shares.map((z, j) => (j === 1 ? (z + 1n) % N : z)) }
            : r,
        );
        const out = aggregate(key, mode, pkg, tampered, { random, verifyShares });
        expect(out).toEqual({ ok: false, culprits: [signers[bad]], failedMessages: [1] });
      }
    }
  });

  it('two bad shares that cancel in a plain sum are still both named', () => {
    const mode: SignMode = { suite: 'secp256k1' };
    const { pkg, responses } = round(results, [1, 2, 3, 4, 5], mode, [random(32)]);
    const t = responses.map((r, i) =>
      i === 1
        ? { ...r, shares: [((r.shares[0] as bigint) + 5n) % N] }
        : i === 3
          ? { ...r, shares: [((r.shares[0] as bigint) - 5n + N) % N] }
          : r,
    );
    // The final signature is valid (the errors cancel), so only an explicit share check sees them.
    const lazy = aggregate(key, mode, pkg, t, { random });
    expect(lazy.ok).toBe(true);
    expect(aggregate(key, mode, pkg, t, { random, verifyShares: true })).toEqual({
      ok: false,
      culprits: [2, 4],
      failedMessages: [0],
    });
  });

  it('names a party that did not answer', () => {
    const mode: SignMode = { suite: 'taproot' };
    const { pkg, responses } = round(results, [1, 2, 3, 4, 5], mode, [random(32)]);
    expect(aggregate(key, mode, pkg, responses.slice(1), { random })).toEqual({
      ok: false,
      culprits: [1],
      failedMessages: [0],
    });
  });

  it('refuses to sign twice with the same nonces, or with an altered own commitment', () => {
    const mode: SignMode = { suite: 'taproot' };
    const { pkg, nonces } = round(results, [3, 4, 5], mode, [random(32)]);
    expect(() =>
      sign(results.get(3) as DkgResult, nonces.get(3) as SigningNonces, pkg, mode),
    ).toThrow(/already used/);
    const fresh = commit(results.get(3) as DkgResult, mode, 1, random);
    const other = commit(results.get(3) as DkgResult, mode, 1, random);
    const altered = {
      ...pkg,
      commitments: pkg.commitments.map((c) => (c.partyId === 3 ? other.commitments : c)),
    };
    expect(() => sign(results.get(3) as DkgResult, fresh, altered, mode)).toThrow(/altered/);
    const without = { ...pkg, commitments: pkg.commitments.filter((c) => c.partyId !== 3) };
    expect(() =>
      sign(
        results.get(3) as DkgResult,
        commit(results.get(3) as DkgResult, mode, 1, random),
        without,
        mode,
      ),
    ).toThrow(InvalidSessionError);
  });

  it('sign checks its nonces itself: zero, out of range, corrupted or spent never signs', () => {
    const mode: SignMode = { suite: 'taproot' };
    const key3 = results.get(3) as DkgResult;
    const others = [4, 5].map(
      (id) => commit(results.get(id) as DkgResult, mode, 1, random).commitments,
    );
    const fresh = () => commit(key3, mode, 1, random);
    const pkgFor = (n: SigningNonces): SigningPackage => ({
      messages: [random(32)],
      commitments: [n.commitments, ...others],
    });
    // A nonce object as a caller would rebuild it from stored state, with one pair replaced.
    const rebuilt = (n: SigningNonces, pair: { hiding: bigint; binding: bigint }) =>
      ({ ...n, pairs: [pair], spent: false }) as SigningNonces;
    const noLeak = (f: () => unknown, re: RegExp, secret: bigint): void => {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain(secret.toString());
      expect((err as Error).message).not.toContain(secret.toString(16));
    };
    const n = fresh();
    const pkg = pkgFor(n);
    const [d, e] = [n.pairs[0]!.hiding, n.pairs[0]!.binding];
    // Zero: the share would be c·λ·x, the key-id secrets in the clear.
    noLeak(
      () => sign(key3, rebuilt(n, { hiding: 0n, binding: e }), pkg, mode),
      /not in \[1, n\)/,
      e,
    );
    noLeak(
      () => sign(key3, rebuilt(n, { hiding: d, binding: 0n }), pkg, mode),
      /not in \[1, n\)/,
      d,
    );
    // Out of range: d + n is d mod n, but never a canonical nonce.
    noLeak(() => sign(key3, rebuilt(n, { hiding: d + N, binding: e }), pkg, mode), /\[1, n\)/, d);
    noLeak(() => sign(key3, rebuilt(n, { hiding: -d, binding: e }), pkg, mode), /\[1, n\)/, d);
    noLeak(
      () => sign(key3, rebuilt(n, { hiding: 5 as unknown as bigint, binding: e }), pkg, mode),
      /\[1, n\)/,
      e,
    );
    // Corrupted (a flipped bit in storage): no longer d·G = D.
    noLeak(
      () => sign(key3, rebuilt(n, { hiding: d ^ 1n, binding: e }), pkg, mode),
      /does not match its commitments/,
      d,
    );
    noLeak(
      () => sign(key3, rebuilt(n, { hiding: e, binding: d }), pkg, mode),
      /does not match its commitments/,
      d,
    );
    // None of the refusals spent the nonces; the real ones sign once.
    expect(n.spent).toBe(false);
    expect(sign(key3, n, pkg, mode).shares).toHaveLength(1);
    // Spent: the flag, the same object, a copy with spent reset, a copy of its pair list.
    expect(() => sign(key3, n, pkg, mode)).toThrow(/already used/);
    expect(() => sign(key3, { ...n, spent: false }, pkg, mode)).toThrow(/already used/);
    expect(() => sign(key3, { ...n, pairs: [...n.pairs], spent: false }, pkg, mode)).toThrow(
      /already used/,
    );
    expect(() => sign(key3, { ...fresh(), spent: true }, pkg, mode)).toThrow(/already used/);
  });

  it('key-id public shares: derivable, checked all at once, a wrong one names its owner', () => {
    const A = first.groupCommitments;
    for (const [k, Y] of key.keyIdPublicShares)
      expect(deriveKeyIdPublicShare(A, k).equals(Y)).toBe(true);
    expect(verifyKeyIdPublicShares(layout, A, key.keyIdPublicShares, random)).toEqual({ ok: true });
    for (const k of [1, 4, 10]) {
      const bad = new Map(key.keyIdPublicShares);
      bad.set(k, (bad.get(k) as Point).add(G));
      expect(verifyKeyIdPublicShares(layout, A, bad, random)).toEqual({
        ok: false,
        culprits: [layout.ownerOf[k]],
      });
    }
    const missing = new Map(key.keyIdPublicShares);
    missing.delete(6);
    expect(verifyKeyIdPublicShares(layout, A, missing, random)).toEqual({
      ok: false,
      culprits: [4],
    });
  });

  it('a Lagrange cache gives the same shares', () => {
    const mode: SignMode = { suite: 'taproot' };
    const cache = new LagrangeCache();
    const nonces = commit(results.get(4) as DkgResult, mode, 1, random);
    const copy = noncesFrom(4, nonces.pairs);
    const others = [3, 5].map(
      (id) => commit(results.get(id) as DkgResult, mode, 1, random).commitments,
    );
    const pkg = {
      messages: [random(32)],
      commitments: [others[0], nonces.commitments, others[1]] as SigningPackage['commitments'],
    };
    const a = sign(results.get(4) as DkgResult, nonces, pkg, mode, cache);
    const b = sign(results.get(4) as DkgResult, copy, pkg, mode);
    expect(a).toEqual(b);
  });
});

describe('byte-identical to the standard suites on random inputs (one key id per party)', () => {
  const suitesUnderTest: [string, typeof schnorr_FROST, SignMode][] = [
    ['taproot (noble schnorr_FROST)', schnorr_FROST, { suite: 'taproot' }],
    ['secp256k1 (noble secp256k1_FROST)', secp256k1_FROST, { suite: 'secp256k1' }],
  ];
  for (const [name, frost, mode] of suitesUnderTest) {
    it(name, () => {
      for (let trial = 0; trial < 6; trial++) {
        const n = 3 + trial;
        const t = 2 + (trial % (n - 1));
        const dealer = frost.trustedDealer({ min: t, max: n });
        const layout: Layout = unweightedLayout(n, t);
        const groupKey = Point.fromBytes(dealer.public.commitments[0] as Uint8Array);
        const ids = Array.from({ length: n }, (_, i) => i + 1)
          .sort(() => Math.random() - 0.5)
          .slice(0, t + (trial % (n - t + 1)))
          .sort((a, b) => a - b);
        const msg = random(trial * 7);
        const secretOf = (i: number) =>
          dealer.secretShares[frost.Identifier.fromNumber(i)] as Parameters<typeof frost.commit>[0];
        const gen = ids.map((i) => frost.commit(secretOf(i), (len = 32) => random(len)));
        const list = gen.map((g) => g.commitments);
        // noble wipes nonces inside signShare (reuse protection): keep copies for our side.
        const saved = gen.map((g) => ({
          hiding: g.nonces.hiding.slice(),
          binding: g.nonces.binding.slice(),
        }));
        const theirShares = ids.map((i, j) =>
          frost.signShare(secretOf(i), dealer.public, gen[j]?.nonces as never, list, msg),
        );
        const theirSig = frost.aggregate(
          dealer.public,
          list,
          msg,
          Object.fromEntries(
            ids.map((i, j) => [frost.Identifier.fromNumber(i), theirShares[j] as Uint8Array]),
          ),
        );

        const big = (b: Uint8Array) => BigInt(`0x${bytesToHex(b)}`);
        const ours = signOneKeyIdEach(
          layout,
          groupKey,
          mode,
          ids,
          (i) => big(secretOf(i).signingShare),
          [msg],
          [saved.map((x) => ({ hiding: big(x.hiding), binding: big(x.binding) }))],
        );
        ours.shares.forEach((s, j) => {
          expect(s[0]).toBe(bytesToHex(theirShares[j] as Uint8Array));
        });
        expect(bytesToHex(ours.signatures[0] as Uint8Array)).toBe(bytesToHex(theirSig));
      }
    });
  }
});

describe('a larger uneven layout (8 parties, 60 key ids, threshold 42)', () => {
  it('DKG, public-share check and taproot signing with a set that misses few key ids', () => {
    const sizes = [1, 2, 4, 5, 7, 9, 14, 18];
    let next = 1;
    const layout = createLayout({
      parties: sizes.map((n, i) => {
        const keyIds = Array.from({ length: n }, (_, j) => next + j);
        next += n;
        return { id: 100 + i, keyIds };
      }),
      threshold: 42,
    });
    const results = runDkg(layout);
    const first = results.get(100) as DkgResult;
    const shares = allPublicShares(results);
    expect(verifyKeyIdPublicShares(layout, first.groupCommitments, shares, random)).toEqual({
      ok: true,
    });
    const mode: SignMode = { suite: 'taproot', merkleRoot: random(32) };
    const key = { layout, groupKey: first.groupKey, keyIdPublicShares: shares };
    for (const signers of [
      [102, 103, 104, 105, 106, 107], // 57 key ids: Lagrange through the 3 missing ids
      [103, 105, 106, 107], // 46 key ids
    ]) {
      const messages = [random(32), random(32)];
      const { pkg, responses } = round(results, signers, mode, messages);
      const out = aggregate(key, mode, pkg, responses, { random, verifyShares: true });
      if (!out.ok) throw new Error('aggregate failed');
      out.signatures.forEach((sig, i) => {
        expect(externallyValid(mode, first.groupKey, messages[i] as Uint8Array, sig)).toBe(true);
      });
    }
  });
});
