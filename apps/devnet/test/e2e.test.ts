// End-to-end over the devnet, without the federation apps (issue 7, Proof, second bullet):
// DKG in-process with @peg/frost, signer keys registered and the aggregate key set by
// rotate-keys on Stacks, the wallet funded on the Bitcoin ledger, three withdrawal requests,
// the sweep built by @peg/bitcoin and signed input by input with the threshold key, broadcast,
// mined, the withdrawals completed on Stacks by a 2-of-3 multisig transaction, and balances
// checked on both chains. Everything goes through the devnet's HTTP interfaces, with our own
// clients: @peg/stacks-client for Stacks and @peg/bitcoin's RPC client for Bitcoin.
import { schnorr } from '@noble/curves/secp256k1.js';
import {
  btcToSats,
  buildSweep,
  createBitcoinRpc,
  feeRateFromBtcPerKvb,
  finalizeSweep,
  REGTEST_NETWORK,
  recipientFromAddress,
  type Sweep,
  type WithdrawalRequest,
  walletAddress,
  walletDescriptor,
  walletUtxosFrom,
} from '@peg/bitcoin';
import { CONTRACT_NAMES } from '@peg/contracts';
import { type Key, taproot } from '@peg/frost';
import {
  assembleMultisigCall,
  type ContractCallSpec,
  completeWithdrawalsCall,
  createStacksClient,
  initiateWithdrawalCall,
  registerSignerKeyCall,
  rotateKeysCall,
  type StacksClient,
  setSignerWeightCall,
  signMultisigCall,
} from '@peg/stacks-client';
import { hex } from '@scure/base';
import { Transaction } from '@scure/btc-signer';
import {
  broadcastTransaction,
  Cl,
  ClarityType,
  type ClarityValue,
  cvToString,
  deserializeTransaction,
  fetchCallReadOnlyFunction,
  getAddressFromPrivateKey,
  makeUnsignedContractCall,
  PostConditionMode,
  TransactionSigner,
} from '@stacks/transactions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Devnet, startDevnet } from '../src/devnet.ts';
import { segwitKey, tamperSignature, taprootKey } from './btc-helpers.ts';
import { DEPLOYER_KEY, testKey } from './stacks-keys.ts';

const { token } = CONTRACT_NAMES;
const THRESHOLD = 2;

let devnet: Devnet;
let stacks: StacksClient;
let rpc: ReturnType<typeof createBitcoinRpc>;

beforeAll(async () => {
  devnet = await startDevnet(); // @peg/contracts, in memory, mining on demand
  stacks = createStacksClient({
    nodeUrl: devnet.stacksUrl,
    network: 'devnet',
    contracts: { address: devnet.deployer },
  });
  rpc = createBitcoinRpc(devnet.bitcoin);
}, 120_000);
afterAll(async () => {
  await devnet?.stop();
});

async function rpcCall(method: string, params: unknown[]): Promise<unknown> {
  const auth = Buffer.from(`${devnet.bitcoin.user}:${devnet.bitcoin.password}`).toString('base64');
  const res = await fetch(devnet.bitcoin.url, {
    method: 'POST',
    headers: { authorization: `Basic ${auth}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

async function mine(blocks = 1): Promise<void> {
  const res = await fetch(`${devnet.stacksUrl}/devnet/mine`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ blocks }),
  });
  expect(res.status).toBe(200);
}

async function fundStx(address: string): Promise<void> {
  const res = await fetch(`${devnet.stacksUrl}/extended/v1/faucets/stx?address=${address}`, {
    method: 'POST',
  });
  expect(res.status).toBe(200);
}

/** A single-sig call of one of our contracts, built, signed and broadcast by the client. */
async function call(senderKey: string, spec: ContractCallSpec): Promise<string> {
  const address = getAddressFromPrivateKey(senderKey, 'testnet');
  const { possibleNextNonce } = await stacks.getNonces(address);
  return stacks.broadcast(
    await stacks.buildCall(spec, { senderKey, nonce: possibleNextNonce, fee: 5_000n }),
  );
}

/** Mines one block and returns the outcome of `txid` as the client reports it. */
async function minedResult(txid: string): Promise<string | undefined> {
  const tx = await stacks.waitForTransaction(txid, { pollMs: 10, timeoutMs: 5_000 });
  return tx.status === 'success' ? tx.result?.repr : `${tx.status} ${tx.result?.repr}`;
}

async function readToken(functionName: string, who: string): Promise<bigint> {
  const cv = await fetchCallReadOnlyFunction({
    contractAddress: devnet.deployer,
    contractName: token,
    functionName,
    functionArgs: who === '' ? [] : [Cl.principal(who)],
    senderAddress: devnet.deployer,
    network: 'devnet',
    client: { baseUrl: devnet.stacksUrl },
  });
  return uintOf(cv);
}

const uintOf = (cv: ClarityValue): bigint => {
  if (cv.type === ClarityType.ResponseOk) return uintOf(cv.value);
  if (cv.type !== ClarityType.UInt) throw new Error(`expected a uint, got ${cvToString(cv)}`);
  return BigInt(cv.value);
};

/** FROST DKG among three parties, threshold two, with the standard taproot suite. */
function dkg(): Key[] {
  const signers = { min: THRESHOLD, max: 3 };
  const ids = [1, 2, 3].map((n) => taproot.Identifier.fromNumber(n));
  const round1 = ids.map((id) => taproot.DKG.round1(id, signers));
  const others = <T>(all: T[], i: number) => all.filter((_, j) => j !== i);
  const round2 = round1.map((p, i) =>
    taproot.DKG.round2(
      p.secret,
      others(round1, i).map((x) => x.public),
    ),
  );
  return round1.map((p, i) =>
    taproot.DKG.round3(
      p.secret,
      others(round1, i).map((x) => x.public),
      others(round2, i).map((m) => m[ids[i]!]!),
    ),
  );
}

/** A threshold Schnorr signature of `msg` by the parties `parties` (two of the three). */
function thresholdSign(keys: readonly Key[], msg: Uint8Array): Uint8Array {
  const nonces = keys.map((k) => taproot.commit(k.secret));
  const list = nonces.map((n) => n.commitments);
  const shares = Object.fromEntries(
    keys.map((k, i) => [
      k.secret.identifier,
      taproot.signShare(k.secret, k.public, nonces[i]!.nonces, list, msg),
    ]),
  );
  return taproot.aggregate(keys[0]!.public, list, msg, shares);
}

/** The sweep's unsigned transaction with the given key-path signatures, bypassing finalizeSweep's own check. */
function withSignatures(sweep: Sweep, sigs: readonly Uint8Array[]): string {
  const tx = Transaction.fromRaw(sweep.unsignedTx, { allowUnknownOutputs: true });
  sigs.forEach((sig, i) => {
    tx.updateInput(i, { finalScriptWitness: [sig] }, true);
  });
  return tx.hex;
}

describe('end to end over the devnet', () => {
  it('DKG, rotate-keys, fund, three withdrawals, threshold-signed sweep, multisig completion', {
    timeout: 240_000,
  }, async () => {
    // --- keys: the deployer (bootstrap signer principal), three signers, three requesters
    expect(getAddressFromPrivateKey(DEPLOYER_KEY, 'testnet')).toBe(devnet.deployer);
    const signerKeys = [testKey(21), testKey(22), testKey(23)];
    const signerAddresses = signerKeys.map((k) => getAddressFromPrivateKey(k.priv, 'testnet'));
    const requesterKeys = [testKey(31), testKey(32), testKey(33)];
    const requesters = requesterKeys.map((k) => getAddressFromPrivateKey(k.priv, 'testnet'));
    for (const a of [...signerAddresses, ...requesters]) await fundStx(a);

    // --- DKG in-process; the Taproot output key Q is x(group key) (the DKG output is tweaked)
    const keys = dkg();
    const groupKey = keys[0]!.public.commitments[0]!;
    for (const k of keys) expect(hex.encode(k.public.commitments[0]!)).toBe(hex.encode(groupKey));
    const outputKey = groupKey.slice(1);

    // --- admit the signers, each registers its own key, the deployer rotates to the new set
    for (const a of signerAddresses) await call(DEPLOYER_KEY, setSignerWeightCall(a, 1n));
    await mine();
    const registrations = await Promise.all(
      signerKeys.map((k) => call(k.priv, registerSignerKeyCall(k.pub))),
    );
    await mine();
    for (const txid of registrations) expect(await minedResult(txid)).toBe('(ok true)');
    const rotate = rotateKeysCall({
      keys: signerKeys.map((k) => k.pub),
      aggregatePubkey: hex.encode(groupKey),
      threshold: THRESHOLD,
    });
    const rotation = await call(DEPLOYER_KEY, rotate);
    await mine();
    expect(await minedResult(rotation)).toBe('(ok true)');
    const signerData = await stacks.getSignerData();
    expect(signerData.aggregatePubkey.replace(/^0x/, '')).toBe(hex.encode(groupKey));
    expect(signerData.signatureThreshold).toBe(BigInt(THRESHOLD));
    const signerPrincipal = signerData.signerPrincipal;
    expect(signerPrincipal.startsWith('SN')).toBe(true);
    await fundStx(signerPrincipal);
    // The signers (2 of 3) co-sign an order-independent multisig call of our contracts.
    const multisig = async (spec: ContractCallSpec, signers: readonly number[]) => {
      const { possibleNextNonce } = await stacks.getNonces(signerPrincipal);
      const unsigned = await stacks.buildMultisigCall(spec, {
        publicKeys: signerData.signerSet,
        threshold: THRESHOLD,
        nonce: possibleNextNonce,
        fee: 10_000n,
      });
      const sigs = signers.map((i) => signMultisigCall(unsigned.txHex, signerKeys[i]!.priv));
      return stacks.broadcast(assembleMultisigCall(unsigned.txHex, signerData.signerSet, sigs));
    };
    // The deployer is no longer the signer principal (err u400); the signers themselves cannot
    // replay the aggregate key (err u402).
    const byDeployer = await call(DEPLOYER_KEY, rotate);
    await mine();
    expect(await minedResult(byDeployer)).toBe('abort_by_response (err u400)');
    const replay = await multisig(rotate, [0, 1]);
    await mine();
    expect(await minedResult(replay)).toBe('abort_by_response (err u402)');

    // --- fund the peg wallet (P2TR key path of Q) on the Bitcoin ledger
    const wallet = walletAddress(outputKey, REGTEST_NETWORK);
    const WALLET_FUNDS = 100_000_000n;
    await rpcCall('faucet', [wallet, 1]);
    await mine();
    const walletScan = await rpc.scanTxOutSet([walletDescriptor(outputKey, REGTEST_NETWORK)]);
    const utxos = walletUtxosFrom(walletScan.unspents, outputKey);
    expect(utxos.map((u) => u.amount)).toEqual([WALLET_FUNDS]);

    // --- three withdrawal requests on Stacks, to three kinds of Bitcoin recipients
    const recipients = [
      segwitKey(41).address,
      walletAddress(taprootKey(42).xonly, REGTEST_NETWORK),
      segwitKey(43).address,
    ];
    const amounts = [1_000_000n, 2_500_000n, 700_000n];
    const maxFee = 5_000n;
    const MINTED = 10_000_000n;
    for (const r of requesters) {
      await call(DEPLOYER_KEY, {
        contract: 'token',
        functionName: 'protocol-mint',
        functionArgs: [Cl.uint(MINTED), Cl.principal(r)],
      });
    }
    await mine();
    const supplyBefore = await readToken('get-total-supply', '');
    const initiated = await Promise.all(
      requesterKeys.map((k, i) => {
        const { version, hashbytes } = recipientFromAddress(recipients[i]!, REGTEST_NETWORK);
        const recipient = { version, hashbytes: hex.encode(hashbytes) };
        return call(k.priv, initiateWithdrawalCall({ amount: amounts[i]!, recipient, maxFee }));
      }),
    );
    await mine();
    const ids: bigint[] = [];
    for (const txid of initiated) {
      const repr = await minedResult(txid);
      ids.push(BigInt(/^\(ok u(\d+)\)$/.exec(repr ?? '')![1]!));
    }
    for (const [i, r] of requesters.entries()) {
      expect(await readToken('get-balance-locked', r)).toBe(amounts[i]! + maxFee);
    }

    // --- the coordinator's view: requests from the contract, UTXOs and fee rate from bitcoind
    const requests: WithdrawalRequest[] = [];
    for (const id of ids) {
      const request = await stacks.getWithdrawalRequest(id);
      expect(request?.status).toBe('pending');
      requests.push({
        id,
        amount: request!.amount,
        maxFee: request!.maxFee,
        recipient: {
          version: request!.recipient.version,
          hashbytes: hex.decode(request!.recipient.hashbytes.replace(/^0x/, '')),
        },
      });
    }
    const feeRate = feeRateFromBtcPerKvb((await rpc.estimateSmartFee(1)).feerate!);
    const params = { utxos, requests, feeRate, changeOutputKey: outputKey };
    const sweep = buildSweep(params);
    expect(sweep.requests.map((r) => r.id)).toEqual(ids);

    // --- sign every input with the threshold key (signers 1 and 3 of 3)
    const signing = [keys[0]!, keys[2]!];
    const signatures = sweep.sighashes.map((h) => thresholdSign(signing, h));
    for (const [i, sig] of signatures.entries()) {
      expect(schnorr.verify(sig, sweep.sighashes[i]!, outputKey)).toBe(true);
    }
    const signed = finalizeSweep(sweep, signatures);

    // --- the ledger refuses a tampered signature, a wrong-key signature and a double spend
    await expect(rpc.sendRawTransaction(tamperSignature(signed.hex))).rejects.toMatchObject({
      code: -26,
      message: expect.stringContaining('Invalid Schnorr signature'),
    });
    const other = taproot.trustedDealer({ min: 2, max: 3 });
    const otherKeys = Object.values(other.secretShares)
      .slice(0, 2)
      .map((secret) => ({ public: other.public, secret }));
    const wrongKey = withSignatures(
      sweep,
      sweep.sighashes.map((h) => thresholdSign(otherKeys, h)),
    );
    await expect(rpc.sendRawTransaction(wrongKey)).rejects.toMatchObject({
      code: -26,
      message: expect.stringContaining('Invalid Schnorr signature'),
    });

    const accepted = await rpc.testMempoolAccept([signed.hex]);
    expect(accepted[0]).toMatchObject({ allowed: true, txid: signed.txid });
    expect(await rpc.sendRawTransaction(signed.hex)).toBe(signed.txid);
    // A competing sweep of the same wallet UTXO, validly signed, at a lower fee rate: a double
    // spend that is no valid replacement (the ledger applies Core's full-RBF rules).
    const signSweep = (s: Sweep) =>
      finalizeSweep(
        s,
        s.sighashes.map((h) => thresholdSign(signing, h)),
      );
    const rivalSigned = signSweep(buildSweep({ ...params, feeRate: Math.max(1, feeRate / 2) }));
    await expect(rpc.sendRawTransaction(rivalSigned.hex)).rejects.toMatchObject({
      code: -26,
      message: expect.stringContaining('insufficient fee, rejecting replacement'),
    });
    // At twice the rate it would be a valid replacement (asked without changing the mempool).
    const bump = signSweep(buildSweep({ ...params, feeRate: feeRate * 2 }));
    expect((await rpc.testMempoolAccept([bump.hex]))[0]).toMatchObject({ allowed: true });
    expect(await rpc.getRawTransactionVerbose(signed.txid)).toMatchObject({ txid: signed.txid });

    // --- mine the sweep; read where it landed
    await mine();
    const minedTx = await rpc.getRawTransactionVerbose(signed.txid);
    expect(minedTx.confirmations).toBe(1);
    const block = await rpc.getBlock(minedTx.blockhash!);
    await expect(rpc.sendRawTransaction(rivalSigned.hex)).rejects.toMatchObject({ code: -25 });
    const tip = await stacks.getChainTip();
    expect(tip.burnHeight).toBe(block.height);

    // --- complete the three withdrawals with an order-independent 2-of-3 multisig transaction
    const completion = completeWithdrawalsCall({
      sweepTxid: signed.txid,
      burnHash: block.hash,
      burnHeight: BigInt(block.height),
      outcomes: sweep.requests.map((r) => ({
        requestId: r.id,
        accepted: true as const,
        outputIndex: r.outputIndex,
        fee: r.fee,
        signerBitmap: 0b101n,
      })),
    });
    // The deployer, no longer the signer principal, is refused by the contract (err u504).
    const deployerCompletion = await call(DEPLOYER_KEY, completion);
    await mine();
    expect(await minedResult(deployerCompletion)).toBe('abort_by_response (err u504)');
    // Signers 1 and 3 sign in parallel; the coordinator assembles and broadcasts.
    const eventsFrom = (await stacks.getChainTip()).stacksHeight;
    const completionTxid = await multisig(completion, [0, 2]);
    await mine();
    expect(await minedResult(completionTxid)).toBe('(ok u3)');
    const accepts = (await stacks.getContractEvents('registry', eventsFrom)).filter(
      (e) => e.topic === 'withdrawal-accept',
    );
    expect(accepts.map((e) => e.txid.replace(/^0x/, ''))).toEqual([
      completionTxid.replace(/^0x/, ''),
      completionTxid.replace(/^0x/, ''),
      completionTxid.replace(/^0x/, ''),
    ]);

    // --- balances on Bitcoin: each recipient paid exactly, the change back to the wallet
    for (const [i, address] of recipients.entries()) {
      const scan = await rpc.scanTxOutSet([`addr(${address})`]);
      expect(scan.unspents.map((u) => btcToSats(u.amount))).toEqual([amounts[i]!]);
    }
    const changeScan = await rpc.scanTxOutSet([walletDescriptor(outputKey, REGTEST_NETWORK)]);
    const change = walletUtxosFrom(changeScan.unspents, outputKey);
    const paid = amounts.reduce((s, a) => s + a, 0n);
    expect(change.map((u) => u.amount)).toEqual([WALLET_FUNDS - paid - sweep.fee]);
    expect(change[0]!.txid).toBe(signed.txid);

    // --- balances on Stacks: locked sBTC burnt, the unused part of max-fee given back
    for (const [i, r] of requesters.entries()) {
      const fee = sweep.requests.find((s) => s.id === ids[i])!.fee;
      expect(fee).toBeLessThanOrEqual(maxFee);
      expect(await readToken('get-balance-locked', r)).toBe(0n);
      expect(await readToken('get-balance-available', r)).toBe(MINTED - amounts[i]! - fee);
      const balances = (await (
        await fetch(`${devnet.stacksUrl}/extended/v1/address/${r}/balances`)
      ).json()) as { fungible_tokens: Record<string, { balance: string }> };
      expect(balances.fungible_tokens[`${devnet.deployer}.${token}::sbtc-token`]?.balance).toBe(
        String(MINTED - amounts[i]! - fee),
      );
      expect((await stacks.getWithdrawalRequest(ids[i]!))?.status).toBe('accepted');
    }
    expect(await readToken('get-total-supply', '')).toBe(supplyBefore - paid - sweep.fee);
  });

  it('refuses a multisig completion with one signature, and one with a stranger key', {
    timeout: 60_000,
  }, async () => {
    // Built by hand with stacks.js (the client refuses to assemble these itself).
    const keys = [testKey(51), testKey(52), testKey(53)];
    const unsigned = await makeUnsignedContractCall({
      contractAddress: devnet.deployer,
      contractName: CONTRACT_NAMES.withdrawal,
      functionName: 'reject-withdrawal-request',
      functionArgs: [Cl.uint(1), Cl.uint(1)],
      numSignatures: 2,
      publicKeys: keys.map((k) => k.pub),
      network: 'devnet',
      nonce: 0,
      fee: 10_000,
      postConditionMode: PostConditionMode.Allow,
      useNonSequentialMultiSig: true,
    });
    const one = deserializeTransaction(unsigned.serialize());
    const signer = new TransactionSigner(one);
    signer.signOrigin(keys[0]!.priv);
    signer.appendOrigin(keys[1]!.pub as never);
    signer.appendOrigin(keys[2]!.pub as never);
    const refused = await broadcastTransaction({
      transaction: one,
      network: 'devnet',
      client: { baseUrl: devnet.stacksUrl },
    });
    expect(refused).toMatchObject({ reason: 'SignatureValidation' });
    // A signature by a key outside the set changes the recovered key list: wrong signer hash.
    const stranger = deserializeTransaction(unsigned.serialize());
    const s2 = new TransactionSigner(stranger);
    s2.signOrigin(keys[0]!.priv);
    s2.signOrigin(testKey(54).priv);
    s2.appendOrigin(keys[2]!.pub as never);
    const refused2 = await broadcastTransaction({
      transaction: stranger,
      network: 'devnet',
      client: { baseUrl: devnet.stacksUrl },
    });
    expect(refused2).toMatchObject({ reason: 'SignatureValidation' });
  });
});
