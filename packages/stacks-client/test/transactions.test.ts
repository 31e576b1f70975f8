import { createHash } from 'node:crypto';
import { Cl } from '@stacks/transactions';
import { describe, expect, it } from 'vitest';
import {
  assembleMultisigCall,
  completeWithdrawalsCall,
  createStacksClient,
  describeContractCall,
  MultisigError,
  signMultisigCall,
  TransactionTimeoutError,
} from '../src/index.ts';
import { BASE, fixtureFetch, type Route } from './fixture-fetch.ts';
import { fixture, scenario } from './fixtures.ts';

// The recorded scenario's signer keys (scripts/record-fixtures.ts derives them the same way).
const signerKeys = [0, 1, 2].map(
  (i) => `${createHash('sha256').update(`fixture-signer-${i}`).digest('hex')}01`,
);
const publicKeys = scenario.signers.map((s) => s.publicKey);

const make = (routes: Route[] = []) => {
  const fetch = fixtureFetch(routes);
  return {
    fetch,
    client: createStacksClient({
      nodeUrl: BASE,
      network: 'devnet',
      contracts: { address: scenario.deployer },
      fetch,
    }),
  };
};

const sweepCall = completeWithdrawalsCall({
  sweepTxid: scenario.sweepTxid,
  burnHash: scenario.burnHash,
  burnHeight: scenario.burnHeight,
  outcomes: [
    { requestId: 2n, accepted: true, outputIndex: 2, fee: 300n, signerBitmap: 7n },
    { requestId: 4n, accepted: false, signerBitmap: 3n },
  ],
});

describe('multisig contract calls (order-independent, SIP-027)', () => {
  it('each signer signs independently; the assembled origin is the registry signer principal', async () => {
    const { client } = make();
    const unsigned = await client.buildMultisigCall(sweepCall, {
      publicKeys,
      threshold: 2,
      nonce: 7n,
      fee: 3000n,
    });
    expect(unsigned.presignSighash).toMatch(/^[0-9a-f]{64}$/);
    // any two of three, in any order
    const sigs = [
      signMultisigCall(unsigned.txHex, signerKeys[2]!),
      signMultisigCall(unsigned.txHex, signerKeys[0]!),
    ];
    expect(sigs[0]!.publicKey).toBe(publicKeys[2]);
    const signed = assembleMultisigCall(unsigned.txHex, publicKeys, sigs);
    expect(signed.txid).toMatch(/^[0-9a-f]{64}$/);
    const d = describeContractCall(signed.txHex, 'devnet');
    // the address rotate-keys derived in the contract (recorded) = the origin stacks.js derives
    expect(d).toMatchObject({
      origin: scenario.signerPrincipal,
      multisig: true,
      contractAddress: scenario.deployer,
      contractName: 'sbtc-withdrawal',
      functionName: 'complete-withdrawals',
      nonce: 7n,
      fee: 3000n,
    });
    expect(d.functionArgs).toEqual(sweepCall.functionArgs);
    // all three may sign as well
    const all = signerKeys.map((k) => signMultisigCall(unsigned.txHex, k));
    expect(
      describeContractCall(assembleMultisigCall(unsigned.txHex, publicKeys, all).txHex, 'devnet')
        .origin,
    ).toBe(scenario.signerPrincipal);
  });

  it('refuses too few, foreign, repeated, forged or misordered signatures', async () => {
    const { client } = make();
    const unsigned = await client.buildMultisigCall(sweepCall, {
      publicKeys,
      threshold: 2,
      nonce: 7n,
      fee: 3000n,
    });
    const s0 = signMultisigCall(unsigned.txHex, signerKeys[0]!);
    const s1 = signMultisigCall(unsigned.txHex, signerKeys[1]!);
    expect(() => assembleMultisigCall(unsigned.txHex, publicKeys, [s0])).toThrow(
      /1 signatures, 2 required/,
    );
    const outsider = `${createHash('sha256').update('outsider').digest('hex')}01`;
    expect(() =>
      assembleMultisigCall(unsigned.txHex, publicKeys, [
        s0,
        signMultisigCall(unsigned.txHex, outsider),
      ]),
    ).toThrow(/outside the signer set/);
    expect(() => assembleMultisigCall(unsigned.txHex, publicKeys, [s0, s0])).toThrow(
      /repeats a key/,
    );
    // s1's signature claimed for key 2
    expect(() =>
      assembleMultisigCall(unsigned.txHex, publicKeys, [
        s0,
        { publicKey: publicKeys[2]!, signature: s1.signature },
      ]),
    ).toThrow(/does not verify/);
    // a signature over another transaction (different nonce)
    const other = await client.buildMultisigCall(sweepCall, {
      publicKeys,
      threshold: 2,
      nonce: 8n,
      fee: 3000n,
    });
    expect(() =>
      assembleMultisigCall(unsigned.txHex, publicKeys, [
        s0,
        signMultisigCall(other.txHex, signerKeys[1]!),
      ]),
    ).toThrow(MultisigError);
    // keys in another order than the origin hashes them
    expect(() => assembleMultisigCall(unsigned.txHex, [...publicKeys].reverse(), [s0, s1])).toThrow(
      /does not verify/,
    );
    // a signed transaction cannot be assembled again
    const signed = assembleMultisigCall(unsigned.txHex, publicKeys, [s0, s1]);
    expect(() => assembleMultisigCall(signed.txHex, publicKeys, [s0, s1])).toThrow(
      /already carries/,
    );
  });

  it('validates the multisig parameters', async () => {
    const { client } = make();
    const auth = { publicKeys, threshold: 2, nonce: 0n, fee: 1n };
    await expect(client.buildMultisigCall(sweepCall, { ...auth, threshold: 4 })).rejects.toThrow(
      RangeError,
    );
    await expect(client.buildMultisigCall(sweepCall, { ...auth, threshold: 0 })).rejects.toThrow(
      RangeError,
    );
    await expect(client.buildMultisigCall(sweepCall, { ...auth, publicKeys: [] })).rejects.toThrow(
      RangeError,
    );
    await expect(
      client.buildMultisigCall(sweepCall, {
        ...auth,
        publicKeys: [publicKeys[0]!, publicKeys[0]!],
      }),
    ).rejects.toThrow(/duplicate/);
    await expect(
      client.buildMultisigCall(sweepCall, {
        ...auth,
        publicKeys: [`04${publicKeys[0]!.slice(2)}`],
      }),
    ).rejects.toThrow(TypeError);
    expect(() => signMultisigCall('00', signerKeys[0]!)).toThrow();
    const single = await client.buildCall(sweepCall, {
      senderKey: signerKeys[0]!,
      nonce: 0n,
      fee: 1n,
    });
    expect(() => signMultisigCall(single.txHex, signerKeys[0]!)).toThrow(MultisigError);
  });
});

describe('single-sig calls', () => {
  it('signs with the compressed key of the sender', async () => {
    const { client } = make();
    const tx = await client.buildCall(
      {
        contract: 'registry',
        functionName: 'register-signer-key',
        functionArgs: [Cl.bufferFromHex(publicKeys[0]!)],
      },
      // a 32-byte key without the 01 suffix still signs as the compressed key
      { senderKey: signerKeys[0]!.slice(0, 64), nonce: 0n, fee: 1000n },
    );
    expect(describeContractCall(tx.txHex, 'devnet')).toMatchObject({
      origin: scenario.signers[0]!.address,
      multisig: false,
      functionName: 'register-signer-key',
    });
    await expect(
      client.buildCall(sweepCall, { senderKey: 'zz', nonce: 0n, fee: 1n }),
    ).rejects.toThrow(/"privateKey" expected/);
  });
});

describe('broadcast and status', () => {
  it('broadcasts as {tx: hex} and returns the txid', async () => {
    const { client, fetch } = make([
      { method: 'POST', path: '/v2/transactions', body: scenario.minedTx.txid },
    ]);
    const tx = await client.buildCall(sweepCall, { senderKey: signerKeys[0]!, nonce: 0n, fee: 1n });
    expect(await client.broadcast(tx)).toBe(scenario.minedTx.txid);
    expect(fetch.calls[0]?.json).toEqual({ tx: tx.txHex });
  });

  it('reads mined, aborted and pending transactions', async () => {
    const success = fixture<{ tx_id: string; block_height: number }>('tx-success.json');
    const abort = fixture<{ tx_id: string }>('tx-abort.json');
    const pending = fixture<{ tx_id: string }>('tx-pending.json');
    const { client } = make(
      [success, abort, pending].map((body) => ({
        method: 'GET',
        path: `/extended/v1/tx/${body.tx_id}`,
        body,
      })),
    );
    expect(await client.getTransaction(success.tx_id)).toEqual({
      txid: success.tx_id.slice(2),
      status: 'success',
      blockHeight: success.block_height,
      result: { hex: '0x0703', repr: '(ok true)' },
    });
    const aborted = await client.getTransaction(abort.tx_id.slice(2));
    expect(aborted?.status).toBe('abort_by_response');
    expect(aborted?.result?.repr).toBe('(err u504)');
    expect(await client.getTransaction(pending.tx_id)).toMatchObject({
      status: 'pending',
      blockHeight: undefined,
      result: undefined,
    });
    expect(await client.getTransaction('cd'.repeat(32))).toBeUndefined();
    // A txid goes into the URL path: only 32 bytes of hex are asked for.
    await expect(client.getTransaction('../v2/info')).rejects.toThrow(TypeError);
    await expect(client.waitForTransaction('ab')).rejects.toThrow(TypeError);
  });

  it('waits through not-found and pending until final', async () => {
    const success = fixture<{ tx_id: string }>('tx-success.json');
    const pending = {
      ...fixture<Record<string, unknown>>('tx-pending.json'),
      tx_id: success.tx_id,
    };
    const answers: Array<Route['body'] | undefined> = [undefined, pending, pending, success];
    let n = 0;
    const fetch = async () => {
      const body = answers[Math.min(n++, answers.length - 1)];
      return body === undefined
        ? new Response('{"error":"not found"}', { status: 404 })
        : new Response(JSON.stringify(body), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          });
    };
    const client = createStacksClient({
      nodeUrl: BASE,
      network: 'devnet',
      contracts: { address: scenario.deployer },
      fetch,
    });
    const slept: number[] = [];
    const final = await client.waitForTransaction(success.tx_id, {
      pollMs: 10,
      timeoutMs: 1000,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(final.status).toBe('success');
    expect(slept).toEqual([10, 10, 10]);
  });

  it('times out with the last status seen', async () => {
    const pending = fixture<{ tx_id: string }>('tx-pending.json');
    const { client } = make([
      { method: 'GET', path: `/extended/v1/tx/${pending.tx_id}`, body: pending },
    ]);
    const err = await client
      .waitForTransaction(pending.tx_id, { pollMs: 5, timeoutMs: 20, sleep: async () => undefined })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionTimeoutError);
    expect((err as TransactionTimeoutError).lastStatus).toBe('pending');
    expect((err as TransactionTimeoutError).message).toContain('20 ms');
  });
});
