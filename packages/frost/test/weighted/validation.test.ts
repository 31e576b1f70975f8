import { describe, expect, it } from 'vitest';
import { SECP256K1 } from '../../src/ciphersuite.ts';
import { G } from '../../src/math/point.ts';
import { lagrangeCoefficients } from '../../src/math/polynomial.ts';
import { N } from '../../src/math/scalar.ts';
import { nonceGenerate } from '../../src/sign/round1.ts';
import { aggregate } from '../../src/weighted/aggregate.ts';
import { dkgRound1 } from '../../src/weighted/dkg.ts';
import { encodeRound2 } from '../../src/weighted/dkg-messages.ts';
import { proveDleq, verifyDleq } from '../../src/weighted/dleq.ts';
import { createLayout, unweightedLayout } from '../../src/weighted/layout.ts';
import { deriveKeyIdPublicShare } from '../../src/weighted/public-shares.ts';
import { commit, noncesFrom, sign, signingContext } from '../../src/weighted/signing.ts';
import {
  decodeSignatureShares,
  decodeSigningPackage,
  encodeSigningPackage,
} from '../../src/weighted/signing-messages.ts';
import { random } from './helpers.ts';

/**
 * The class of the error `f` throws (docs/frost.md, "Errors"): a caller's bad argument is a
 * `RangeError` / `TypeError`, a peer's bad data a `FrostError` subclass.
 */
const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof Error) return e.name;
    throw e;
  }
  return 'no error';
};

describe('input validation at the boundary', () => {
  it('rejects bad layouts', () => {
    const ok = {
      parties: [
        { id: 1, keyIds: [1] },
        { id: 2, keyIds: [2, 3] },
      ],
      threshold: 2,
    };
    expect(createLayout(ok).totalKeys).toBe(3);
    const bad = [
      { parties: [], threshold: 2 },
      {
        parties: [
          { id: 0, keyIds: [1] },
          { id: 2, keyIds: [2] },
        ],
        threshold: 2,
      },
      {
        parties: [
          { id: 1, keyIds: [1] },
          { id: 1, keyIds: [2] },
        ],
        threshold: 2,
      },
      {
        parties: [
          { id: 1, keyIds: [] },
          { id: 2, keyIds: [1, 2] },
        ],
        threshold: 2,
      },
      {
        parties: [
          { id: 1, keyIds: [1] },
          { id: 2, keyIds: [1, 2] },
        ],
        threshold: 2,
      },
      {
        parties: [
          { id: 1, keyIds: [1] },
          { id: 2, keyIds: [3] },
        ],
        threshold: 2,
      },
      {
        parties: [
          { id: 1, keyIds: [1] },
          { id: 2, keyIds: [2] },
        ],
        threshold: 3,
      },
      {
        parties: [
          { id: 1, keyIds: [1] },
          { id: 2, keyIds: [2] },
        ],
        threshold: 1,
      },
      {
        parties: [
          { id: 1.5, keyIds: [1] },
          { id: 2, keyIds: [2] },
        ],
        threshold: 2,
      },
      {
        parties: [
          { id: 2 ** 32, keyIds: [1] },
          { id: 2, keyIds: [2] },
        ],
        threshold: 2,
      },
    ];
    for (const spec of bad) expect(code(() => createLayout(spec))).toBe('RangeError');
  });

  it('rejects a bad DKG id, an unknown party and a wrong-length polynomial', () => {
    const layout = unweightedLayout(3, 2);
    expect(code(() => dkgRound1({ layout, dkgId: random(31), partyId: 1, random }))).toBe(
      'RangeError',
    );
    expect(code(() => dkgRound1({ layout, dkgId: random(32), partyId: 4, random }))).toBe(
      'RangeError',
    );
    expect(
      code(() => dkgRound1({ layout, dkgId: random(32), partyId: 1, random, polynomial: [1n] })),
    ).toBe('RangeError');
    expect(
      code(() =>
        dkgRound1({ layout, dkgId: random(32), partyId: 1, random, polynomial: [1n, 0n] }),
      ),
    ).toBe('RangeError');
  });

  it('rejects malformed signing packages and responses before signing anything', () => {
    const layout = unweightedLayout(3, 2);
    const groupKey = G.multiply(5n);
    const mode = { suite: 'taproot' } as const;
    const key = (id: number) => ({
      layout,
      partyId: id,
      groupKey,
      keyIdSecrets: new Map([[id, 7n + BigInt(id)]]),
    });
    const n1 = commit(key(1), mode, 2, random);
    const n2 = commit(key(2), mode, 2, random);
    const n3 = commit(key(3), mode, 1, random);
    const msgs = [random(32), random(32)];
    const cases = [
      { messages: [], commitments: [n1.commitments, n2.commitments] },
      { messages: msgs, commitments: [n2.commitments, n1.commitments] },
      { messages: msgs, commitments: [n1.commitments, n1.commitments] },
      { messages: msgs, commitments: [n1.commitments, n3.commitments] },
      {
        messages: msgs,
        commitments: [n1.commitments, { partyId: 9, pairs: n2.commitments.pairs }],
      },
      { messages: msgs, commitments: [n1.commitments] },
    ];
    for (const pkg of cases) {
      expect(code(() => sign(key(1), n1, pkg, mode))).toBe('InvalidSessionError');
      expect(n1.spent).toBe(false);
    }
    const pkg = { messages: msgs, commitments: [n1.commitments, n2.commitments] };
    expect(code(() => decodeSigningPackage(encodeSigningPackage(pkg).subarray(0, 50)))).toBe(
      'InvalidEncodingError',
    );
    const z1 = sign(key(1), n1, pkg, mode);
    const z2 = sign(key(2), n2, pkg, mode);
    const agg = (rs: unknown[]) => () =>
      aggregate({ layout, groupKey }, mode, pkg, rs as never, { random });
    expect(code(agg([z1, z2, { partyId: 3, shares: [1n, 1n] }]))).toBe('InvalidSessionError');
    expect(code(agg([z1, z1]))).toBe('InvalidSessionError');
    expect(code(agg([z1, { partyId: 2, shares: [1n] }]))).toBe('InvalidSessionError');
    expect(code(agg([z1, { partyId: 2, shares: [1n, -1n] }]))).toBe('InvalidSessionError');
    expect(code(() => decodeSignatureShares(new Uint8Array(8 + 31)))).toBe('InvalidEncodingError');
    expect(
      code(() => signingContext(groupKey, { suite: 'taproot', merkleRoot: new Uint8Array(31) })),
    ).toBe('RangeError');
    expect(code(() => commit(key(1), mode, 0, random))).toBe('RangeError');
  });

  it('rejects key ids that are zero, out of range, repeated or not in the signing set', () => {
    const bad = (f: () => unknown, re: RegExp): void => {
      expect(f).toThrow(RangeError);
      expect(f).toThrow(re);
    };
    // One Lagrange for every id size (math/polynomial.ts): any non-zero scalar id gives correct
    // coefficients, so only zero, repeated and absent ids are errors; key ids outside 1..K or
    // not integers never get there (createLayout refuses them).
    expect(lagrangeCoefficients([1n, 2n, 3n], [2n])).toHaveLength(1);
    bad(() => lagrangeCoefficients([0n, 1n, 2n], [1n]), /identifier is zero/);
    bad(() => lagrangeCoefficients([1n, 2n, 2n], [1n]), /duplicate identifier/);
    bad(() => lagrangeCoefficients([1n, 2n, 3n], [4n]), /not in the set/);
    const layout = (keyIds: number[]) => () =>
      createLayout({
        parties: [
          { id: 1, keyIds: [1] },
          { id: 2, keyIds },
        ],
        threshold: 2,
      });
    bad(layout([2, 6]), /key ids must be exactly 1\.\.3; party 2 has 6/);
    bad(layout([2.5]), /key ids must be exactly 1\.\.2; party 2 has 2.5/);
    bad(layout([0]), /key ids must be exactly 1\.\.2; party 2 has 0/);
    const A = [G, G.double()];
    expect(deriveKeyIdPublicShare(A, 1).equals(G.multiply(3n))).toBe(true);
    bad(() => deriveKeyIdPublicShare(A, 0), /positive integer/);
    bad(() => deriveKeyIdPublicShare(A, -1), /positive integer/);
    bad(() => deriveKeyIdPublicShare([], 1), /empty/);
  });

  it('rejects out-of-range secret scalars without printing them', () => {
    const layout = unweightedLayout(3, 2);
    const groupKey = G.multiply(5n);
    const mode = { suite: 'secp256k1' } as const;
    const secret = -123456789123456789n;
    const noLeak = (f: () => unknown): void => {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RangeError);
      expect((err as Error).message).not.toContain('123456789');
    };
    noLeak(() => nonceGenerate(SECP256K1, secret, random));
    const key = (id: number, x: bigint) => ({
      layout,
      partyId: id,
      groupKey,
      keyIdSecrets: new Map([[id, x]]),
    });
    noLeak(() => commit(key(1, secret), mode, 1, random));
    const n1 = commit(key(1, 8n), mode, 1, random);
    const n2 = commit(key(2, 9n), mode, 1, random);
    const pkg = { messages: [random(32)], commitments: [n1.commitments, n2.commitments] };
    noLeak(() => sign(key(1, secret), n1, pkg, mode));
    noLeak(() => sign(key(1, 123456789n + (1n << 256n)), n1, pkg, mode));
    expect(n1.spent).toBe(false);
    expect(sign(key(1, 8n), n1, pkg, mode).shares).toHaveLength(1);
    noLeak(() => noncesFrom(1, [{ hiding: 123456789 as unknown as bigint, binding: 5n }]));
    noLeak(() => noncesFrom(1, [{ hiding: 5n, binding: N + 123456789n }]));
    expect(noncesFrom(1, [{ hiding: 5n, binding: 6n }]).pairs).toHaveLength(1);
    const B = G.multiply(77n);
    noLeak(() => proveDleq(new Uint8Array(8), secret, B, random));
    noLeak(() => proveDleq(new Uint8Array(8), N + 123456789n, B, random));
    const { K, proof } = proveDleq(new Uint8Array(8), 5n, B, random);
    expect(verifyDleq(new Uint8Array(8), G.multiply(5n), B, K, proof)).toBe(true);
    expect(verifyDleq(new Uint8Array(8), G.multiply(5n), B, K, { ...proof, z: proof.z + N })).toBe(
      false,
    );
    expect(() => nonceGenerate(SECP256K1, new Uint8Array(31) as unknown as bigint, random)).toThrow(
      RangeError,
    );
  });

  it('rejects ids that do not fit a u32 instead of wrapping them', () => {
    const m = { dkgId: new Uint8Array(32), sender: 1, recipient: 2, shares: [] };
    expect(encodeRound2(m)).toHaveLength(44);
    for (const sender of [-1, 2 ** 32 + 1, 1.5]) {
      expect(code(() => encodeRound2({ ...m, sender }))).toBe('RangeError');
    }
  });
});
