import { createHash } from 'node:crypto';
import { Cl, privateKeyToPublic } from '@stacks/transactions';
import { describe, expect, it } from 'vitest';
import {
  assembleMultisigCall,
  completeWithdrawalsCall,
  createStacksClient,
  describeContractCall,
  initiateWithdrawalCall,
  registerSignerKeyCall,
  rotateKeysCall,
  setSignerWeightCall,
  signMultisigCall,
  TransactionRejectedError,
} from '../src/index.ts';

// Opt-in: runs against a running devnet (apps/devnet) only when STACKS_DEVNET_URL is set, e.g.
//   pnpm --filter @peg/devnet start -- --stacks-port 23443 &
//   STACKS_DEVNET_URL=http://127.0.0.1:23443 pnpm --filter @peg/stacks-client test test/devnet.test.ts
// Needs a fresh devnet (it rotates the keys from the deployer). Uses the devnet-only helpers
// POST /devnet/mine and POST /extended/v1/faucets/stx.
const url = process.env.STACKS_DEVNET_URL;

// The published Clarinet devnet deployer key (a public test key holding nothing anywhere).
const DEPLOYER_KEY = '753b7cc01a1a2e86221266a154af739463fce51219d97e4f856cd7200c3bd2a601';
const DEPLOYER = 'ST1PQHQKV0RJXZFY1DGX8MNSNYVE3VGZJSRTPGZGM';
const key = (label: string) => `${createHash('sha256').update(`devnet-${label}`).digest('hex')}01`;

describe.skipIf(!url)('against a running devnet', () => {
  it('registers, rotates, requests and completes through HTTP', async () => {
    const base = url ?? '';
    const stacks = createStacksClient({
      nodeUrl: base,
      network: 'devnet',
      contracts: { address: DEPLOYER },
    });
    const post = async (path: string, body: unknown) => {
      const r = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(r.ok, `${path}: ${r.status}`).toBe(true);
    };
    const mine = () => post('/devnet/mine', { blocks: 1 });
    const fee = 10_000n;
    const send = async (spec: Parameters<typeof stacks.buildCall>[0], senderKey: string) => {
      const from = describeContractCall(
        (await stacks.buildCall(spec, { senderKey, nonce: 0n, fee })).txHex,
        'devnet',
      ).origin;
      const { possibleNextNonce } = await stacks.getNonces(from);
      const txid = await stacks.broadcast(
        await stacks.buildCall(spec, { senderKey, nonce: possibleNextNonce, fee }),
      );
      return txid;
    };
    const expectSuccess = async (txid: string) => {
      await mine();
      const tx = await stacks.waitForTransaction(txid, { pollMs: 50, timeoutMs: 5000 });
      expect(tx.status, tx.result?.repr).toBe('success');
      return tx;
    };

    const tip0 = await stacks.getChainTip();
    const signerKeys = [0, 1, 2].map((i) => key(`signer-${i}`));
    const publicKeys = signerKeys.map((k) => privateKeyToPublic(k) as string);
    for (const [i, k] of signerKeys.entries()) {
      const address = describeContractCall(
        (
          await stacks.buildCall(registerSignerKeyCall(publicKeys[i]!), {
            senderKey: k,
            nonce: 0n,
            fee,
          })
        ).txHex,
        'devnet',
      ).origin;
      await post(`/extended/v1/faucets/stx?address=${address}`, {});
      await expectSuccess(await send(setSignerWeightCall(address, 1), DEPLOYER_KEY));
      await expectSuccess(await send(registerSignerKeyCall(publicKeys[i]!), k));
    }
    expect((await stacks.getSignerCandidates()).map((c) => c.publicKey)).toEqual(publicKeys);

    const aggregate = privateKeyToPublic(key('aggregate')) as string;
    await expectSuccess(
      await send(
        rotateKeysCall({ keys: publicKeys, aggregatePubkey: aggregate, threshold: 2 }),
        DEPLOYER_KEY,
      ),
    );
    const signers = await stacks.getSignerData();
    expect(signers).toMatchObject({
      signerSet: publicKeys,
      aggregatePubkey: aggregate,
      signatureThreshold: 2n,
    });
    expect(await stacks.getAggregatePubkey()).toBe(aggregate);
    expect(await stacks.isAggregatePubkeyUsed(aggregate)).toBe(true);
    expect(await stacks.isAggregatePubkeyUsed(privateKeyToPublic(key('unused')) as string)).toBe(
      false,
    );
    await post(`/extended/v1/faucets/stx?address=${signers.signerPrincipal}`, {});

    // a replayed aggregate key aborts with u402
    const replay = await send(
      rotateKeysCall({ keys: publicKeys, aggregatePubkey: aggregate, threshold: 2 }),
      DEPLOYER_KEY,
    );
    await mine();
    const aborted = await stacks.waitForTransaction(replay, { pollMs: 50, timeoutMs: 5000 });
    expect(aborted.status).toBe('abort_by_response');

    // a user request, then the signers reject it with a 2-of-3 multisig
    const userKey = key('user');
    const user = describeContractCall(
      (
        await stacks.buildCall(registerSignerKeyCall(publicKeys[0]!), {
          senderKey: userKey,
          nonce: 0n,
          fee,
        })
      ).txHex,
      'devnet',
    ).origin;
    await post(`/extended/v1/faucets/stx?address=${user}`, {});
    await expectSuccess(
      await send(
        {
          contract: 'token',
          functionName: 'protocol-mint',
          functionArgs: [Cl.uint(100_000), Cl.principal(user)],
        },
        DEPLOYER_KEY,
      ),
    );
    await expectSuccess(
      await send(
        initiateWithdrawalCall({
          amount: 10_000n,
          recipient: { version: 4, hashbytes: '11'.repeat(20) },
          maxFee: 500n,
        }),
        userKey,
      ),
    );
    const id = await stacks.getLastWithdrawalRequestId();
    expect((await stacks.getWithdrawalRequest(id))?.status).toBe('pending');

    await mine();
    const tip = await stacks.getChainTip();
    const burnHeight = tip.burnHeight - 1;
    const burnHash = await stacks.getBurnHeader(burnHeight);
    if (!burnHash) throw new Error('no burn header');
    const spec = completeWithdrawalsCall({
      sweepTxid: 'ab'.repeat(32),
      burnHash,
      burnHeight,
      outcomes: [{ requestId: id, accepted: false, signerBitmap: 3n }],
    });
    const { possibleNextNonce } = await stacks.getNonces(signers.signerPrincipal);
    const unsigned = await stacks.buildMultisigCall(spec, {
      publicKeys: signers.signerSet,
      threshold: Number(signers.signatureThreshold),
      nonce: possibleNextNonce,
      fee,
    });
    const signed = assembleMultisigCall(unsigned.txHex, signers.signerSet, [
      signMultisigCall(unsigned.txHex, signerKeys[1]!),
      signMultisigCall(unsigned.txHex, signerKeys[2]!),
    ]);
    await expectSuccess(await stacks.broadcast(signed));
    expect((await stacks.getWithdrawalRequest(id))?.status).toBe('rejected');

    // the same nonce again is refused by the node
    const again = await stacks.broadcast(signed).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(TransactionRejectedError);

    const events = await stacks.getContractEvents('registry', tip0.stacksHeight);
    expect(events.map((e) => e.topic)).toContain('key-rotation');
    expect(events.at(-1)?.topic).toBe('withdrawal-reject');
  }, 60_000);
});
