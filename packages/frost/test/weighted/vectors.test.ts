import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { G, Point } from '../../src/math/point.ts';
import { nonceGenerate } from '../../src/sign/round1.ts';
import { aggregate } from '../../src/weighted/aggregate.ts';
import { unweightedLayout } from '../../src/weighted/layout.ts';
import { noncesFrom, type SignMode, sign, signingContext } from '../../src/weighted/signing.ts';
import type { PartyCommitments } from '../../src/weighted/signing-messages.ts';
import { fixtureJson } from '../helpers.ts';
import type { SigningVector } from '../suites/signing-vector.ts';
import { random } from './helpers.ts';

const load = (name: string): SigningVector => fixtureJson<SigningVector>(name);
const big = (hex: string): bigint => BigInt(`0x${hex}`);

const cases: [string, SignMode][] = [
  ['rfc9591-secp256k1.json', { suite: 'secp256k1' }],
  ['zf-frost-secp256k1.json', { suite: 'secp256k1' }],
  ['zf-frost-secp256k1-big-identifier.json', { suite: 'secp256k1' }],
  ['zf-frost-secp256k1-tr.json', { suite: 'taproot' }],
];

describe('weighted signing with one key id per party reproduces the standard vectors', () => {
  for (const [file, mode] of cases) {
    it(file, () => {
      const v = load(file);
      const n = Number(v.config.MAX_PARTICIPANTS);
      const layout = unweightedLayout(n, Number(v.config.MIN_PARTICIPANTS));
      const groupKey = Point.fromHex(
        (v.inputs.verifying_key_key ?? v.inputs.group_public_key) as string,
      );
      const msg = hexToBytes(v.inputs.message);
      const shareOf = new Map(
        v.inputs.participant_shares.map((s) => [s.identifier, big(s.participant_share)]),
      );
      const ctx = signingContext(groupKey, mode);
      const noncesById = new Map<number, ReturnType<typeof noncesFrom>>();
      const commitments: PartyCommitments[] = [];
      for (const o of v.round_one_outputs.outputs) {
        const x = shareOf.get(o.identifier) as bigint;
        const hiding = nonceGenerate(ctx.suite, x, () => hexToBytes(o.hiding_nonce_randomness));
        const binding = nonceGenerate(ctx.suite, x, () => hexToBytes(o.binding_nonce_randomness));
        expect(hiding).toBe(big(o.hiding_nonce));
        expect(binding).toBe(big(o.binding_nonce));
        const nonces = noncesFrom(o.identifier, [{ hiding, binding }]);
        const pair = nonces.commitments.pairs[0];
        expect(bytesToHex(pair?.hiding.toBytes(true) ?? new Uint8Array())).toBe(
          o.hiding_nonce_commitment,
        );
        expect(bytesToHex(pair?.binding.toBytes(true) ?? new Uint8Array())).toBe(
          o.binding_nonce_commitment,
        );
        noncesById.set(o.identifier, nonces);
        commitments.push(nonces.commitments);
      }
      const pkg = { messages: [msg], commitments };
      const responses = v.round_two_outputs.outputs.map((o) => {
        const key = {
          layout,
          partyId: o.identifier,
          groupKey,
          keyIdSecrets: new Map([[o.identifier, shareOf.get(o.identifier) as bigint]]),
        };
        const out = sign(
          key,
          noncesById.get(o.identifier) as ReturnType<typeof noncesFrom>,
          pkg,
          mode,
        );
        expect(out.shares[0]?.toString(16).padStart(64, '0')).toBe(o.sig_share);
        return out;
      });
      const publicShares = new Map([...shareOf].map(([k, x]) => [k, G.multiply(x)]));
      const agg = aggregate(
        { layout, groupKey, keyIdPublicShares: publicShares },
        mode,
        pkg,
        responses,
        { random, verifyShares: true },
      );
      if (!agg.ok) throw new Error('aggregate failed');
      expect(bytesToHex(agg.signatures[0] as Uint8Array)).toBe(v.final_output.sig);
      if (mode.suite === 'taproot') {
        expect(
          schnorr.verify(agg.signatures[0] as Uint8Array, msg, groupKey.toBytes(true).subarray(1)),
        ).toBe(true);
      }
    });
  }
});
