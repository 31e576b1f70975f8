/**
 * Property tests (fast-check, fixed seeds): the four {group key even/odd} × {R even/odd}
 * taproot cases forced by grinding, each final signature checked by noble's independent BIP340
 * verifier; tampered shares are named in `culprits`, and only they.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSignatureShareError } from '../src/errors.ts';
import type { Frost } from '../src/frost.ts';
import type { NonceCommitments } from '../src/keys/types.ts';
import { decodePoint, G, hasEvenY } from '../src/math/point.ts';
import { add, decodeScalar, encodeScalar, N } from '../src/math/scalar.ts';
import { createSession, signingKey } from '../src/sign/session.ts';
import { secp256k1, taproot } from '../src/suites.ts';
import { seededRng } from './helpers.ts';

function groupCommitmentIsEven(
  frost: Frost,
  pubKey: Uint8Array,
  list: NonceCommitments[],
  msg: Uint8Array,
  merkleRoot?: Uint8Array,
): boolean {
  const key = signingKey(frost.suite, decodePoint(pubKey, 'pk'), merkleRoot);
  const session = createSession(
    key,
    list.map((c) => ({
      id: BigInt(`0x${c.identifier}`),
      hiding: decodePoint(c.hiding, 'D'),
      binding: decodePoint(c.binding, 'E'),
    })),
    msg,
  );
  return hasEvenY(session.groupCommitment);
}

describe('taproot: all four {key parity} × {R parity} cases (ground), BIP340-valid', () => {
  for (const keyEven of [true, false])
    for (const rEven of [true, false])
      it(`key ${keyEven ? 'even' : 'odd'}, R ${rEven ? 'even' : 'odd'}`, () => {
        fc.assert(
          fc.property(
            fc.integer({ min: 2, max: 5 }),
            fc.integer({ min: 0, max: 3 }),
            fc.string({ minLength: 1, maxLength: 8 }),
            fc.constantFrom<'none' | 'keypath' | 'script'>('none', 'keypath', 'script'),
            (t, extra, label, tweak) => {
              const n = t + extra;
              const merkleRoot =
                tweak === 'none'
                  ? undefined
                  : tweak === 'keypath'
                    ? new Uint8Array(0)
                    : seededRng(`root/${label}`)(32);
              // Grind the dealer until the signing key (after any tweak) has the wanted parity.
              let deal = taproot.trustedDealer(
                { min: t, max: n },
                undefined,
                undefined,
                seededRng(label),
              );
              for (let i = 0; ; i++) {
                // Each try succeeds with probability 1/2: 64 failures means a bug, not bad luck.
                if (i === 64) throw new Error('no dealer with the wanted key parity in 64 tries');
                const P = decodePoint(deal.public.commitments[0], 'P');
                const Q = merkleRoot
                  ? decodePoint(taproot.tweakPublic(deal.public, merkleRoot).commitments[0], 'Q')
                  : P;
                if (hasEvenY(Q) === keyEven) break;
                deal = taproot.trustedDealer(
                  { min: t, max: n },
                  undefined,
                  undefined,
                  seededRng(`${label}/${i}`),
                );
              }
              const ids = Object.keys(deal.secretShares)
                .slice(extra > 0 ? 1 : 0)
                .slice(0, t);
              const msg = seededRng(`msg/${label}`)(32);
              // Grind the nonces until R has the wanted parity.
              let gens = ids.map((id) =>
                taproot.commit(deal.secretShares[id]!, seededRng(`${label}/n`)),
              );
              for (let i = 0; ; i++) {
                if (i === 64) throw new Error('no nonces with the wanted R parity in 64 tries');
                const list = gens.map((g) => g.commitments);
                if (
                  groupCommitmentIsEven(
                    taproot,
                    deal.public.commitments[0]!,
                    list,
                    msg,
                    merkleRoot,
                  ) === rEven
                )
                  break;
                gens = ids.map((id) =>
                  taproot.commit(deal.secretShares[id]!, seededRng(`${label}/n/${i}/${id}`)),
                );
              }
              const list = gens.map((g) => g.commitments);
              const opts = merkleRoot ? { merkleRoot } : {};
              const shares = Object.fromEntries(
                ids.map((id, j) => [
                  id,
                  taproot.signShare(
                    deal.secretShares[id]!,
                    deal.public,
                    gens[j]!.nonces,
                    list,
                    msg,
                    opts,
                  ),
                ]),
              );
              for (const id of ids)
                expect(taproot.verifyShare(deal.public, list, msg, id, shares[id]!, opts)).toBe(
                  true,
                );
              const sig = taproot.aggregate(deal.public, list, msg, shares, {
                ...opts,
                verifyShares: true,
              });
              const outKey = merkleRoot
                ? taproot.tweakPublic(deal.public, merkleRoot)
                : deal.public;
              expect(schnorr.verify(sig, msg, outKey.commitments[0]!.subarray(1))).toBe(true);
              expect(taproot.verify(sig, msg, outKey.commitments[0]!)).toBe(true);
            },
          ),
          { seed: keyEven ? (rEven ? 11 : 12) : rEven ? 13 : 14, numRuns: 6 },
        );
      });
});

describe('culprits: exactly the tampered shares are named', () => {
  for (const frost of [secp256k1, taproot])
    it(frost.suite.contextString, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 2, max: 6 }),
          fc.integer({ min: 0, max: 2 }),
          fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
          fc.bigInt({ min: 1n, max: N - 1n }),
          fc.string({ maxLength: 6 }),
          (t, extra, tamperPicks, delta, label) => {
            const n = t + extra;
            const deal = frost.trustedDealer(
              { min: t, max: n },
              undefined,
              undefined,
              seededRng(`c/${label}`),
            );
            const ids = Object.keys(deal.secretShares).slice(0, t);
            const msg = seededRng(`cm/${label}`)(20);
            const gens = ids.map((id) =>
              frost.commit(deal.secretShares[id]!, seededRng(`cn/${label}/${id}`)),
            );
            const list = gens.map((g) => g.commitments);
            const shares = Object.fromEntries(
              ids.map((id, j) => [
                id,
                frost.signShare(deal.secretShares[id]!, deal.public, gens[j]!.nonces, list, msg),
              ]),
            );
            const tampered = [...new Set(tamperPicks.map((p) => ids[p % ids.length]!))].sort();
            for (const id of tampered)
              shares[id] = encodeScalar(add(decodeScalar(shares[id]!, 's'), delta));
            for (const opts of [{}, { verifyShares: true }]) {
              let caught: unknown;
              try {
                frost.aggregate(deal.public, list, msg, shares, opts);
              } catch (err) {
                caught = err;
              }
              expect(caught).toBeInstanceOf(InvalidSignatureShareError);
              expect((caught as InvalidSignatureShareError).culprits).toEqual(tampered);
            }
            for (const id of ids)
              expect(frost.verifyShare(deal.public, list, msg, id, shares[id]!)).toBe(
                !tampered.includes(id),
              );
          },
        ),
        { seed: 2024, numRuns: 12 },
      );
    });
});

describe('any t of the n shares sign, and only t recombine the key', () => {
  it('secp256k1: random subsets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 0, max: 3 }),
        fc.nat(),
        (t, extra, seed) => {
          const n = t + extra;
          const deal = secp256k1.trustedDealer(
            { min: t, max: n },
            undefined,
            undefined,
            seededRng(`s/${seed}`),
          );
          const all = Object.keys(deal.secretShares);
          const r = seededRng(`pick/${seed}`)(n);
          const ids = all
            .map((id, i) => ({ id, k: r[i]! }))
            .sort((a, b) => a.k - b.k)
            .slice(0, t)
            .map((x) => x.id);
          const msg = new Uint8Array([seed & 255]);
          const gens = ids.map((id) =>
            secp256k1.commit(deal.secretShares[id]!, seededRng(`sn/${seed}/${id}`)),
          );
          const list = gens.map((g) => g.commitments);
          const shares = Object.fromEntries(
            ids.map((id, j) => [
              id,
              secp256k1.signShare(deal.secretShares[id]!, deal.public, gens[j]!.nonces, list, msg),
            ]),
          );
          const sig = secp256k1.aggregate(deal.public, list, msg, shares);
          expect(secp256k1.verify(sig, msg, deal.public.commitments[0]!)).toBe(true);
          const secret = secp256k1.combineSecret(
            ids.map((id) => deal.secretShares[id]!),
            deal.public.signers,
          );
          expect(G.multiply(decodeScalar(secret, 'secret')).toBytes(true)).toEqual(
            deal.public.commitments[0],
          );
          if (t > 2) {
            // t − 1 shares interpolate a different polynomial: the result is not the group secret.
            const fewer = secp256k1.combineSecret(
              ids.slice(1).map((id) => deal.secretShares[id]!),
              { min: t - 1, max: n },
            );
            expect(fewer).not.toEqual(secret);
          }
        },
      ),
      { seed: 7, numRuns: 10 },
    );
  });
});

describe('per-share random weights catch compensating errors that the final signature hides', () => {
  for (const frost of [secp256k1, taproot])
    it(frost.suite.contextString, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 2, max: 6 }),
          fc.bigInt({ min: 1n, max: N - 1n }),
          (t, delta) => {
            const deal = frost.trustedDealer(
              { min: t, max: t + 1 },
              undefined,
              undefined,
              seededRng(`w/${t}/${delta}`),
            );
            const ids = Object.keys(deal.secretShares).slice(0, t);
            const msg = seededRng(`wm/${delta}`)(32);
            const gens = ids.map((id) =>
              frost.commit(deal.secretShares[id]!, seededRng(`wn/${id}/${delta}`)),
            );
            const list = gens.map((g) => g.commitments);
            const shares = Object.fromEntries(
              ids.map((id, j) => [
                id,
                frost.signShare(deal.secretShares[id]!, deal.public, gens[j]!.nonces, list, msg),
              ]),
            );
            // +δ on the first share, −δ on the last: Σz is unchanged, so the signature is valid.
            const first = ids[0]!;
            const last = ids[ids.length - 1]!;
            shares[first] = encodeScalar(add(decodeScalar(shares[first]!, 's'), delta));
            shares[last] = encodeScalar(add(decodeScalar(shares[last]!, 's'), N - delta));
            const sig = frost.aggregate(deal.public, list, msg, shares);
            expect(frost.verify(sig, msg, deal.public.commitments[0]!)).toBe(true);
            let caught: unknown;
            try {
              frost.aggregate(deal.public, list, msg, shares, { verifyShares: true });
            } catch (err) {
              caught = err;
            }
            expect(caught).toBeInstanceOf(InvalidSignatureShareError);
            expect((caught as InvalidSignatureShareError).culprits).toEqual([first, last].sort());
          },
        ),
        { seed: 99, numRuns: 8 },
      );
    });
});
