import { bytesToHex } from '@noble/hashes/utils.js';
import { type Devnet, startDevnet } from '@peg/devnet';
import {
  type ContractCallSpec,
  createStacksClient,
  registerSignerKeyCall,
  rotateKeysCall,
  type StacksClient,
  setSignerWeightCall,
} from '@peg/stacks-client';
import { privateKeyToAddress } from '@stacks/transactions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStacksView } from '../src/chain/stacks-view.ts';
import { answerCosignRequest } from '../src/stacks-cosign/answer.ts';
import { CosignCollector } from '../src/stacks-cosign/collector.ts';
import type { CosignExpectation } from '../src/stacks-cosign/expectation.ts';
import { signerPrincipal } from '../src/stacks-cosign/signer-set.ts';
import { publicOf, secretOf } from './stacks-cosign-fixture.ts';

// End to end against the devnet started in-process: five signers registered on chain, a first
// rotation by the deployer to their 4-of-5 multisig, then a second rotation proposed by a
// coordinator as an unsigned multisig transaction, checked by each signer against its own view
// of the registry, co-signed by four, assembled, broadcast and accepted.

// The published Clarinet devnet deployer key (a public test key that holds nothing anywhere;
// docs/chains.md "Devnet accounts").
const DEPLOYER_KEY = '753b7cc01a1a2e86221266a154af739463fce51219d97e4f856cd7200c3bd2a601';
const FEE = 10_000n;
const MAX_FEE = 50_000n;
/** docs design: Stacks multisig threshold = max(floor(n/2)+1, ceil(0.7 n)): 4 of 5. */
const THRESHOLD = 4;

const secrets = [1, 2, 3, 4, 5].map((i) => secretOf(`devnet-cosign-signer-${i}`));
const stacksKey = (secret: Uint8Array) => `${bytesToHex(secret)}01`;
const aggregate1 = publicOf(secretOf('devnet-cosign-aggregate-1'));
const aggregate2 = publicOf(secretOf('devnet-cosign-aggregate-2'));
const unverified = publicOf(secretOf('devnet-cosign-aggregate-never-verified'));

describe('Stacks multisig co-signing against the devnet', () => {
  let devnet: Devnet;
  let stacks: StacksClient;
  beforeAll(async () => {
    devnet = await startDevnet(); // in memory, on 127.0.0.1 port 0, mining on demand
    stacks = createStacksClient({
      nodeUrl: devnet.stacksUrl,
      network: 'devnet',
      contracts: { address: devnet.deployer },
    });
  }, 120_000);
  afterAll(async () => {
    await devnet?.stop();
  });

  const faucet = async (address: string) => {
    const r = await fetch(`${devnet.stacksUrl}/extended/v1/faucets/stx?address=${address}`, {
      method: 'POST',
    });
    expect(r.ok, `faucet: ${r.status}`).toBe(true);
  };
  /** Sends single-sig calls from one account (consecutive nonces), mines, expects success. */
  const send = async (senderKey: string, specs: ContractCallSpec[]) => {
    const from = privateKeyToAddress(senderKey, 'devnet');
    const { possibleNextNonce } = await stacks.getNonces(from);
    const txids: string[] = [];
    for (const [i, spec] of specs.entries()) {
      const built = await stacks.buildCall(spec, {
        senderKey,
        nonce: possibleNextNonce + BigInt(i),
        fee: FEE,
      });
      txids.push(await stacks.broadcast(built));
    }
    devnet.mine(1);
    for (const txid of txids) await expectSuccess(txid);
  };
  const expectSuccess = async (txid: string) => {
    const tx = await stacks.waitForTransaction(txid, { pollMs: 20, timeoutMs: 10_000 });
    expect(tx.status, tx.result?.repr).toBe('success');
  };

  /**
   * What signer `secret` would co-sign now, from its own reads of the chain: a rotation to the
   * key it verified (`verifiedKey`), the registered candidates as the new set, the current
   * signer principal and its next nonce.
   */
  const expectationOf = async (verifiedKey: string): Promise<CosignExpectation> => {
    const view = await readStacksView(stacks);
    const { possibleNextNonce } = await stacks.getNonces(view.signerPrincipal);
    const next = view.candidates.flatMap((c) => (c.publicKey === undefined ? [] : [c.publicKey]));
    return {
      spec: rotateKeysCall({ keys: next, aggregatePubkey: verifiedKey, threshold: THRESHOLD }),
      contracts: stacks.options.contracts,
      nonce: possibleNextNonce,
      maxFee: MAX_FEE,
      signers: { publicKeys: view.signerSet, threshold: view.threshold },
    };
  };

  it('a second rotate-keys is co-signed by 4 of the 5 signers and accepted on chain', async () => {
    // 1. The deployer admits the five; each, funded, registers its key from its own account.
    const addresses = secrets.map((s) => privateKeyToAddress(stacksKey(s), 'devnet'));
    for (const address of addresses) await faucet(address);
    await send(
      DEPLOYER_KEY,
      addresses.map((a) => setSignerWeightCall(a, 1)),
    );
    for (const secret of secrets)
      await send(stacksKey(secret), [registerSignerKeyCall(publicOf(secret))]);
    const keys = (await stacks.getSignerCandidates()).map((c) => c.publicKey as string);
    expect(keys).toEqual(secrets.map(publicOf));

    // 2. The deployer, signer principal before the first rotation, installs the 4-of-5 set.
    await send(DEPLOYER_KEY, [
      rotateKeysCall({ keys, aggregatePubkey: aggregate1, threshold: THRESHOLD }),
    ]);
    const signers = { publicKeys: keys, threshold: THRESHOLD };
    const data = await stacks.getSignerData();
    expect(data.signerPrincipal).toBe(signerPrincipal(signers, 'devnet'));
    await faucet(data.signerPrincipal); // it pays its own fees from now on

    // 3. The coordinator proposes the second rotation as an unsigned multisig transaction.
    const { possibleNextNonce: nonce } = await stacks.getNonces(data.signerPrincipal);
    const propose = (aggregatePubkey: string, nonceOffset = 0n) =>
      stacks.buildMultisigCall(rotateKeysCall({ keys, aggregatePubkey, threshold: THRESHOLD }), {
        ...signers,
        nonce: nonce + nonceOffset,
        fee: FEE,
      });
    const request = await propose(aggregate2);

    // 4. Tampered proposals are refused by every signer: a key none of them verified, and a
    //    nonce that is not the principal's next. No refusal carries a signature.
    for (const [tampered, reason] of [
      [(await propose(unverified)).txHex, 'wrong-arguments'],
      [(await propose(aggregate2, 1n)).txHex, 'wrong-nonce'],
    ] as const) {
      const collector = new CosignCollector(tampered, signers);
      for (const [i, secret] of secrets.entries()) {
        const answer = answerCosignRequest(
          tampered,
          await expectationOf(aggregate2),
          'devnet',
          secret,
        );
        expect(answer.payload.result).toEqual({ type: 'refused', reason });
        expect(collector.add(i + 1, answer.payload)).toEqual({ status: 'refused', reason });
      }
      expect(collector.signatureCount).toBe(0);
      expect(() => collector.assemble()).toThrow(RangeError);
    }

    // 5. Each signer checks the real proposal against its own view and signs it.
    const answers = [];
    for (const secret of secrets) {
      const answer = answerCosignRequest(
        request.txHex,
        await expectationOf(aggregate2),
        'devnet',
        secret,
      );
      expect(answer.payload.result.type, answer.detail).toBe('signed');
      answers.push(answer.payload);
    }

    // 6. Three signatures are not enough; the fourth completes it.
    const collector = new CosignCollector(request.txHex, signers);
    for (const i of [0, 2, 4])
      expect(collector.add(i + 1, answers[i]!)).toEqual({ status: 'signed' });
    expect(() => collector.assemble()).toThrow(/3 signatures, 4 required/);
    expect(collector.add(2, answers[1]!)).toEqual({ status: 'signed' });
    const signed = collector.assemble();
    await stacks.broadcast(signed);
    devnet.mine(1);
    await expectSuccess(signed.txid);

    expect(await stacks.getAggregatePubkey()).toBe(aggregate2);
    expect(await stacks.getSignerData()).toMatchObject({
      signerSet: keys,
      signerPrincipal: data.signerPrincipal,
      signatureThreshold: 4n,
    });

    // 7. The same proposal again is refused: the principal's nonce has moved on.
    const replay = answerCosignRequest(
      request.txHex,
      await expectationOf(aggregate2),
      'devnet',
      secrets[0]!,
    );
    expect(replay.payload.result).toEqual({ type: 'refused', reason: 'wrong-nonce' });
  }, 120_000);
});
