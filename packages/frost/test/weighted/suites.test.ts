import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { Point } from '../../src/math/point.ts';
import { secp256k1, taproot } from '../../src/suites.ts';
import { unweightedLayout } from '../../src/weighted/layout.ts';
import type { SignMode } from '../../src/weighted/signing.ts';
import { random, signOneKeyIdEach } from './helpers.ts';

const big = (b: Uint8Array) => BigInt(`0x${bytesToHex(b)}`);

// Differential test against this package's own standard suites (src/suites.ts): with one key id
// per party, the weighted code path must give the same shares and signatures byte for byte, for
// every mode, several messages per round, and random thresholds, signer sets and messages.
describe('weighted layer vs the standard suites of @peg/frost', () => {
  const cases: [string, typeof secp256k1, SignMode][] = [
    ['secp256k1', secp256k1, { suite: 'secp256k1' }],
    ['taproot, untweaked', taproot, { suite: 'taproot' }],
    ['taproot, key-path tweak', taproot, { suite: 'taproot', merkleRoot: new Uint8Array(0) }],
    ['taproot, merkle root', taproot, { suite: 'taproot', merkleRoot: random(32) }],
  ];
  for (const [name, suite, mode] of cases) {
    it(name, () => {
      for (let trial = 0; trial < 5; trial++) {
        const n = 2 + trial * 2;
        const t = 2 + ((trial * 3) % (n - 1));
        const dealer = suite.trustedDealer({ min: t, max: n });
        const layout = unweightedLayout(n, t);
        const groupKey = Point.fromBytes(dealer.public.commitments[0] as Uint8Array);
        const ids = Array.from({ length: n }, (_, i) => i + 1).filter(
          (i) => i <= t || (i * 7 + trial) % 3 === 0,
        );
        const messages = [random(32), random(trial * 5), random(70)];
        const opts =
          mode.suite === 'taproot' && mode.merkleRoot !== undefined
            ? { merkleRoot: mode.merkleRoot }
            : {};
        const secretOf = (i: number) =>
          dealer.secretShares[
            suite.Identifier.fromNumber(i)
          ] as (typeof dealer.secretShares)[string];
        // Theirs: one round per message.
        const gens = messages.map(() =>
          ids.map((i) => suite.commit(secretOf(i), (len) => random(len))),
        );
        const saved = gens.map((g) =>
          g.map((x) => ({ hiding: big(x.nonces.hiding), binding: big(x.nonces.binding) })),
        );
        const theirShares = messages.map((msg, m) => {
          const list = (gens[m] as (typeof gens)[number]).map((g) => g.commitments);
          return ids.map((i, j) =>
            suite.signShare(
              secretOf(i),
              dealer.public,
              (gens[m] as (typeof gens)[number])[j]?.nonces as never,
              list,
              msg,
              opts,
            ),
          );
        });
        const theirSigs = messages.map((msg, m) => {
          const list = (gens[m] as (typeof gens)[number]).map((g) => g.commitments);
          const shares = Object.fromEntries(
            ids.map((i, j) => [suite.Identifier.fromNumber(i), theirShares[m]?.[j] as Uint8Array]),
          );
          return suite.aggregate(dealer.public, list, msg, shares, opts);
        });
        // Ours: all messages in one round.
        const ours = signOneKeyIdEach(
          layout,
          groupKey,
          mode,
          ids,
          (i) => big(secretOf(i).signingShare),
          messages,
          saved,
        );
        ours.shares.forEach((s, j) => {
          s.forEach((z, m) => {
            expect(z).toBe(bytesToHex(theirShares[m]?.[j] as Uint8Array));
          });
        });
        ours.signatures.forEach((sig, m) => {
          expect(bytesToHex(sig)).toBe(bytesToHex(theirSigs[m] as Uint8Array));
        });
      }
    });
  }
});
