// From nothing to a working federation, as real processes over loopback: 5 operators (weights
// 1, 1, 2, 3, 3; 7 of 10 key ids), each a `peg-signer` and a `peg-coordinator` started from their
// CLIs, a relay process with membership from the chain, the devnet chains.
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { taprootAddress } from '@peg/protocol';
import { taprootOutputKey } from '@peg/wire';
import * as ecc from 'tiny-secp256k1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type Federation,
  probe,
  publishedKey,
  relayMessages,
  setWeight,
  startEveryProcess,
  startFederation,
} from './harness/federation.ts';

describe('a federation of processes', () => {
  let fed: Federation;

  beforeAll(async () => {
    fed = await startFederation({ weights: [1, 1, 2, 3, 3] });
    startEveryProcess(fed);
  });

  afterAll(async () => {
    await fed?.stop();
  });

  it('registers, runs a DKG, verifies and publishes the key on Stacks; every signer holds it', async () => {
    const data = await publishedKey(fed, 5, 240_000);
    expect(data.signerSet).toEqual(fed.operators.map((o) => o.stacksPublicKey));
    expect(Number(data.signatureThreshold)).toBe(4);
    // Every signer's status shows the key it verified: the registry's, and its Taproot address.
    const outputKey = bytesToHex(taprootOutputKey(hexToBytes(data.aggregatePubkey))!);
    const address = taprootAddress(outputKey, 'regtest');
    for (const op of fed.operators) {
      const status = await eventually(`signer ${op.index} holds the key`, async () => {
        const s = await fed.api<{ key: { aggregateKey: string; address: string } | null }>(
          op.signerApi,
          '/v1/status',
        );
        return s.key?.aggregateKey === data.aggregatePubkey ? s : undefined;
      });
      expect(status.key?.address).toBe(address);
    }
  });

  it('signs probe rounds; every signature checked by tiny-secp256k1', async () => {
    const data = await fed.stacks.getSignerData();
    const outputKey = taprootOutputKey(hexToBytes(data.aggregatePubkey))!;
    for (let i = 0; i < 3; i++) {
      const r = await probe(fed);
      expect(r.signatures).toHaveLength(1);
      expect(
        ecc.verifySchnorr(hexToBytes(r.messages[0]!), outputKey, hexToBytes(r.signatures[0]!)),
      ).toBe(true);
      expect(
        schnorr.verify(hexToBytes(r.signatures[0]!), hexToBytes(r.messages[0]!), outputKey),
      ).toBe(true);
    }
    // Each process counts what it stepped and posted (`/metrics`): the coordinators posted the
    // rounds' requests, and every signer answered some.
    const coordinatorsSent = await Promise.all(
      fed.operators.map(async (op) => (await relayMessages(op.coordinatorApi)).sent ?? Number.NaN),
    );
    expect(coordinatorsSent.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2 * 3);
    for (const op of fed.operators)
      expect((await relayMessages(op.signerApi)).stepped).toBeGreaterThan(0);
  });

  it('a new layout on the registry: a new DKG, published by rotate-keys co-signed by the signer principal', async () => {
    const before = await fed.stacks.getSignerData();
    // The signer principal (the 4-of-5 multisig of the registered keys) pays the call's fee.
    const funded = await fetch(
      `${fed.devnet.stacksUrl}/extended/v1/faucets/stx?address=${before.signerPrincipal}&amount=10000000`,
      { method: 'POST' },
    );
    expect(funded.ok).toBe(true);
    await setWeight(fed, fed.operators[0]!, 2);
    const after = await eventually(
      'the registry holds a new aggregate key',
      async () => {
        const d = await fed.stacks.getSignerData();
        return d.aggregatePubkey !== before.aggregatePubkey ? d : undefined;
      },
      240_000,
    );
    expect(after.signerSet).toEqual(before.signerSet);
    expect(after.signerPrincipal).toBe(before.signerPrincipal);
    // The coordinator logs it once its own wait for the transaction returns.
    await eventually('a coordinator logged the multisig rotate-keys', () =>
      fed.operators.some((op) =>
        op.coordinator?.lines.some(
          (l) => l.msg === 'signer principal call mined' && l.call === 'rotate-keys',
        ),
      ),
    );
    const outputKey = taprootOutputKey(hexToBytes(after.aggregatePubkey))!;
    const r = await probe(fed);
    expect(
      ecc.verifySchnorr(hexToBytes(r.messages[0]!), outputKey, hexToBytes(r.signatures[0]!)),
    ).toBe(true);
  });
});
