import type { Simnet } from '@stacks/clarinet-sdk';
import {
  AddressVersion,
  addressFromVersionHash,
  addressToString,
  Cl,
  deserializeTransaction,
  makeUnsignedContractCall,
  TransactionSigner,
} from '@stacks/transactions';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONTRACT_NAMES } from '../src/index.ts';
import {
  accounts,
  aggregateKey,
  freshSimnet,
  REGISTRY,
  read,
  registerSigners,
  rotate,
  signerPrincipal,
  silencePrintEcho,
} from './helpers.ts';

let simnet: Simnet;
beforeAll(silencePrintEcho);
beforeEach(async () => {
  simnet = await freshSimnet();
});

// The signer principal the registry derives must be the origin of a real multisig transaction
// built by @stacks/transactions from the same keys in the same order; otherwise no transaction
// the signers can sign would ever pass the contracts' caller check.
describe('signer principal = Stacks multisig address', () => {
  for (const [n, m] of [
    [1, 1],
    [3, 2],
    [5, 3],
    [15, 10],
  ] as const) {
    it(`${m}-of-${n}`, async () => {
      const signers = registerSigners(simnet, n, `ms-${n}`);
      const publicKeys = signers.map((s) => s.publicKey);
      expect(
        rotate(simnet, accounts(simnet).deployer, publicKeys, aggregateKey(`${n}`), m),
      ).toEqual(Cl.ok(Cl.bool(true)));
      const tx = await makeUnsignedContractCall({
        contractAddress: simnet.deployer,
        contractName: CONTRACT_NAMES.withdrawal,
        functionName: 'reject-withdrawal-request',
        functionArgs: [Cl.uint(1), Cl.uint(0)],
        numSignatures: m,
        publicKeys,
        network: 'devnet',
        nonce: 0,
        fee: 1000,
      });
      // co-sign as the federation would: each signer signs in turn, the others are appended
      const signer = new TransactionSigner(deserializeTransaction(tx.serialize()));
      for (let i = 0; i < n; i++) {
        if (i < m) signer.signOrigin(signers[i]!.privateKey);
        else signer.appendOrigin(publicKeys[i]!);
      }
      signer.transaction.verifyOrigin();
      const origin = addressToString(
        addressFromVersionHash(
          AddressVersion.TestnetMultiSig,
          signer.transaction.auth.spendingCondition.signer,
        ),
      );
      expect(origin).toBe(signerPrincipal(simnet));
    });
  }

  it('exposes the redeem script it hashes', () => {
    const keys = registerSigners(simnet, 2).map((s) => s.publicKey);
    const script = read(simnet, REGISTRY, 'pubkeys-to-spend-script', [
      Cl.list(keys.map((k) => Cl.bufferFromHex(k))),
      Cl.uint(2),
    ]);
    expect(script).toEqual(Cl.bufferFromHex(`52${keys.map((k) => `21${k}`).join('')}52ae`));
  });
});
