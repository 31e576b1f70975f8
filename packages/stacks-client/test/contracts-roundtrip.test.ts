import { createHash } from 'node:crypto';
import { CONTRACT_NAMES, manifestPath } from '@peg/contracts';
import { initSimnet, type Simnet } from '@stacks/clarinet-sdk';
import { Cl, deserializeTransaction, privateKeyToPublic } from '@stacks/transactions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  assembleMultisigCall,
  type BuiltTransaction,
  type ContractCallSpec,
  completeWithdrawalsCall,
  createStacksClient,
  decodeSignerData,
  decodeWithdrawalRequest,
  describeContractCall,
  initiateWithdrawalCall,
  registerSignerKeyCall,
  rotateKeysCall,
  setSignerWeightCall,
  signMultisigCall,
} from '../src/index.ts';

// The client's call builders and multisig assembly against our real contracts: every
// transaction is built and signed by the client, verified, then replayed in the simnet as the
// origin the transaction proves (what apps/devnet and a real node do).

let simnet: Simnet;
beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  simnet = await initSimnet(manifestPath);
});

const key = (label: string) => `${createHash('sha256').update(label).digest('hex')}01`;
const signerKeys = [0, 1, 2].map((i) => key(`roundtrip-signer-${i}`));
const publicKeys = signerKeys.map((k) => privateKeyToPublic(k) as string);
const userKey = key('roundtrip-user');

function replay(tx: BuiltTransaction) {
  const parsed = deserializeTransaction(tx.txHex);
  parsed.verifyOrigin(); // throws on a bad signature
  const d = describeContractCall(tx.txHex, 'devnet');
  return {
    origin: d.origin,
    result: simnet.callPublicFn(d.contractName, d.functionName, d.functionArgs, d.origin).result,
  };
}

describe('client-built transactions run in our contracts', () => {
  it('registration, rotation, a request and a multisig sweep completion', async () => {
    const client = createStacksClient({
      nodeUrl: 'http://127.0.0.1:1',
      network: 'devnet',
      contracts: { address: simnet.deployer },
      fetch: async () => {
        throw new Error('no network in this test');
      },
    });
    const asDeployer = (spec: ContractCallSpec) =>
      simnet.callPublicFn(
        CONTRACT_NAMES[spec.contract],
        spec.functionName,
        spec.functionArgs,
        simnet.deployer,
      ).result;

    // each signer registers its key from its own account, with a signed transaction
    for (const [i, k] of signerKeys.entries()) {
      const tx = await client.buildCall(registerSignerKeyCall(publicKeys[i]!), {
        senderKey: k,
        nonce: 0n,
        fee: 1000n,
      });
      const origin = describeContractCall(tx.txHex, 'devnet').origin;
      expect(asDeployer(setSignerWeightCall(origin, 1))).toEqual(Cl.ok(Cl.bool(true)));
      expect(replay(tx).result).toEqual(Cl.ok(Cl.bool(true)));
    }
    const aggregate = privateKeyToPublic(key('roundtrip-aggregate')) as string;
    expect(
      asDeployer(rotateKeysCall({ keys: publicKeys, aggregatePubkey: aggregate, threshold: 2 })),
    ).toEqual(Cl.ok(Cl.bool(true)));
    const signerData = decodeSignerData(
      simnet.callReadOnlyFn(CONTRACT_NAMES.registry, 'get-current-signer-data', [], simnet.deployer)
        .result,
    );
    expect(signerData).toMatchObject({
      signerSet: publicKeys,
      aggregatePubkey: aggregate,
      signatureThreshold: 2n,
    });

    // a user requests two withdrawals
    const user = describeContractCall(
      (
        await client.buildCall(registerSignerKeyCall(publicKeys[0]!), {
          senderKey: userKey,
          nonce: 0n,
          fee: 1n,
        })
      ).txHex,
      'devnet',
    ).origin;
    expect(
      simnet.callPublicFn(
        CONTRACT_NAMES.token,
        'protocol-mint',
        [Cl.uint(100_000), Cl.principal(user)],
        simnet.deployer,
      ).result,
    ).toEqual(Cl.ok(Cl.bool(true)));
    for (const [nonce, amount] of [
      [0n, 10_000n],
      [1n, 20_000n],
    ] as const) {
      const tx = await client.buildCall(
        initiateWithdrawalCall({
          amount,
          recipient: { version: 6, hashbytes: '22'.repeat(32) },
          maxFee: 500n,
        }),
        { senderKey: userKey, nonce, fee: 1000n },
      );
      expect(replay(tx)).toMatchObject({ origin: user, result: { type: 'ok' } });
    }

    // the signers complete the sweep with a 2-of-3 order-independent multisig
    simnet.mineEmptyBlock();
    const burnHeight = simnet.burnBlockHeight - 1;
    const header = simnet.callReadOnlyFn(
      CONTRACT_NAMES.withdrawal,
      'get-burn-header',
      [Cl.uint(burnHeight)],
      user,
    ).result;
    if (header.type !== 'some' || header.value.type !== 'buffer') throw new Error('no burn header');
    const spec = completeWithdrawalsCall({
      sweepTxid: 'ef'.repeat(32),
      burnHash: header.value.value,
      burnHeight,
      outcomes: [
        { requestId: 1n, accepted: true, outputIndex: 2, fee: 200n, signerBitmap: 0b101n },
        { requestId: 2n, accepted: false, signerBitmap: 0b101n },
      ],
    });
    const unsigned = await client.buildMultisigCall(spec, {
      publicKeys: signerData.signerSet,
      threshold: Number(signerData.signatureThreshold),
      nonce: 0n,
      fee: 5000n,
    });
    const signed = assembleMultisigCall(unsigned.txHex, signerData.signerSet, [
      signMultisigCall(unsigned.txHex, signerKeys[2]!),
      signMultisigCall(unsigned.txHex, signerKeys[0]!),
    ]);
    const { origin, result } = replay(signed);
    expect(origin).toBe(signerData.signerPrincipal);
    expect(result).toEqual(Cl.ok(Cl.uint(2)));

    const read = (id: bigint) =>
      decodeWithdrawalRequest(
        id,
        simnet.callReadOnlyFn(
          CONTRACT_NAMES.registry,
          'get-withdrawal-request',
          [Cl.uint(id)],
          user,
        ).result,
      );
    expect(read(1n)?.status).toBe('accepted');
    expect(read(2n)?.status).toBe('rejected');
    expect(read(3n)).toBeUndefined();

    // the same call from a single signer is refused by the contract
    const lone = await client.buildCall(spec, { senderKey: signerKeys[0]!, nonce: 1n, fee: 1000n });
    expect(replay(lone).result).toEqual(Cl.error(Cl.uint(504)));
  });
});
